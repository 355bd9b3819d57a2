package dedupe

import (
	"slices"
	"strings"
	"testing"
)

// simpleHTMLCases are markup simpleHTML must read itself: what feed items
// carry (WordPress paragraphs, links, images, figures with captions,
// entities, line breaks, upper-case tags) and the attribute forms of the
// tokenizer's rules that decide where a tag ends and whether it closes
// itself.
var simpleHTMLCases = []string{
	`<p>The minister said on <a href="https://x.example/a?b=1&amp;c=2" title='q "x"'>Tuesday</a> that prices &amp; rates would rise.</p><p>More &#8220;quoted&#8221; text&nbsp;here.</p>`,
	`<figure class="wp-block-image"><img decoding=async width=800 src="https://x.example/a.jpg" alt="" /><figcaption>Photo: Agency</figcaption></figure><p>Body.</p>`,
	`<P>Upper <B>case</B> tags<BR>and a break</P><div><h2 id=x>Heading</h2><ul><li>one</li><li>two</li></ul></div>`,
	`text with 1 < 2 and a <3 and a trailing <`,
	`<input checked disabled><a b = "c" d='e'f=g>x</a><img alt/><br/><hr />`,
	`<svg viewBox="0 0 1 1"><text>hidden</text></svg><p>shown</p><svg/><p>after</p>`,
	`<p a=/>not self-closing</p><em>x</em>y<span>z</span>`,
	`<p>unclosed <strong>tags` + "\n" + `over lines</p>`,
	`<p>a</p><!-- more --><p>b</p><!----><!-- a --- b ---><p>c &amp; d</p>`,
	"<p>a\r\nb\rc</p>\r\n<p\r\nclass=x\r>d &#13; e</p>",
	`<p>Video:</p><iframe width="560" src="https://www.youtube.com/embed/x" allowfullscreen></iframe><p>after</p>`,
	`<style>p { color: red } </p></style><p>styled</p><noscript><img src=x></noscript><IFRAME>raw <p>text</p></IFRAME ><p>end</p>`,
	`<style>a</styles> b</style/><p>x</p><iframe>never closed <p>y</p>`,
	`<blockquote class="twitter-tweet"><p>Tweet</p></blockquote><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script><p>after</p>`,
	`<script>if (a < b && c </scrip) { x = "</p>" }</SCRIPT><p>after</p>`,
}

// simpleHTMLBails are inputs simpleHTML hands to the tokenizer.
var simpleHTMLBails = []string{
	`<p>a</p><!--> x <!-- y --><p>b</p>`,
	`<p>a</p><!---> x <!-- y --><p>b</p>`,
	`<!-- x --!> y --><p>b</p>`,
	`<!-- never closed <p>b</p>`,
	`<iframe src="x" />raw</iframe><p>b</p>`,
	`<script><!-- document.write("</script>") --></script><p>b</p>`,
	`<link rel="canonical" href="https://x.example/a"><p>b</p>`,
	`<o:p>word</o:p>`,
	`<p class="x`,
	`<p>a</>b</p>`,
	`<?xml version="1.0"?><p>b</p>`,
	`<title>t</title><p>b</p>`,
	`<a b=>x</a>`,
}

func TestSimpleHTMLMatchesTokenizer(t *testing.T) {
	for _, src := range simpleHTMLCases {
		fast := textBuilder{}
		if !fast.simpleHTML(src) {
			t.Errorf("simpleHTML(%q) handed plain markup to the tokenizer", src)
			continue
		}
		checkSameAsTokenizer(t, src, fast)
	}
	for _, src := range simpleHTMLBails {
		fast := textBuilder{}
		if fast.simpleHTML(src) {
			t.Errorf("simpleHTML(%q) read markup it should leave to the tokenizer", src)
			checkSameAsTokenizer(t, src, fast)
		}
	}
	// extractText gives the same blocks either way.
	var sc extractScratch
	for _, src := range append(slices.Clone(simpleHTMLCases), simpleHTMLBails...) {
		got := slices.Clone(extractText(src, &sc).blocks)
		slow := textBuilder{}
		slow.tokenize(src)
		if want := slow.finish(nil); !slices.Equal(got, want) {
			t.Errorf("extractText(%q) = %q, want %q", src, got, want)
		}
	}
}

func checkSameAsTokenizer(t *testing.T, src string, fast textBuilder) {
	t.Helper()
	slow := textBuilder{}
	if canonical, _ := slow.tokenize(src); canonical != "" {
		t.Fatalf("simpleHTML(%q) read a document with a canonical link", src)
	}
	if string(fast.text) != string(slow.text) || !slices.Equal(fast.ends, slow.ends) {
		t.Fatalf("simpleHTML(%q):\n text %q ends %v\nwant %q ends %v", src, fast.text, fast.ends, slow.text, slow.ends)
	}
}

// FuzzSimpleHTML: whatever simpleHTML reads, it reads as the tokenizer does.
func FuzzSimpleHTML(f *testing.F) {
	for _, s := range append(slices.Clone(simpleHTMLCases), simpleHTMLBails...) {
		f.Add(s)
	}
	f.Add(strings.Repeat(`<p class="a">x &amp; y <a href=z>w</a></p>`, 3))
	f.Fuzz(func(t *testing.T, src string) {
		fast := textBuilder{}
		if fast.simpleHTML(src) {
			checkSameAsTokenizer(t, src, fast)
		}
	})
}
