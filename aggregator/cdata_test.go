package aggregator

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// liftCases are RSS bodies whose CDATA sections sit where lifting must
// either put them back exactly or give way to a whole parse.
var liftCases = map[string]string{
	"content":    `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title><![CDATA[Site & co]]></title><item><title><![CDATA[A <b>bold</b> title]]></title><description> <![CDATA[ lead text ]]> </description><content:encoded><![CDATA[<p>Body &amp; more</p>]]></content:encoded></item></channel></rss>`,
	"mixed":      `<rss><channel><item><description><![CDATA[<p>one</p>]]> between &amp; <![CDATA[<p>two</p>]]> after</description><title>before &amp; <![CDATA[<b>x</b>]]></title></item></channel></rss>`,
	"extension":  `<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><title>t</title><dc:description><![CDATA[<p>in an extension</p>]]></dc:description></item></channel></rss>`,
	"comment":    `<rss><channel><!-- <description><![CDATA[ not text ]]></description> --><item><title>t</title><description><![CDATA[kept]]></description></item></channel></rss>`,
	"textinput":  `<rss><channel><textInput><title><![CDATA[Search]]></title><description><![CDATA[Search the site]]></description><name>q</name><link>https://x.example/s</link></textInput><item><title>t</title></item></channel></rss>`,
	"guid":       `<rss><channel><item><guid><![CDATA[urn:x:1]]></guid><link><![CDATA[https://x.example/1]]></link><description><![CDATA[d]]></description></item></channel></rss>`,
	"crlf":       "<rss><channel><item><description><![CDATA[line one\r\nline two\rthree]]></description></item></channel></rss>",
	"control":    "<rss><channel><item><description><![CDATA[bell\x07 and nul\x00 here]]></description></item></channel></rss>",
	"nonchar":    "<rss><channel><item><description><![CDATA[a \uFFFE b]]></description></item></channel></rss>",
	"marker":     "<rss><channel><item><title>\uFDD0</title><description><![CDATA[x \uFDD00\uFDD1 y]]></description></item></channel></rss>",
	"nested":     `<rss><channel><item><description><![CDATA[outer <![CDATA[ inner ]]></description></item></channel></rss>`,
	"latin1":     "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><description><![CDATA[caf\xe9]]></description></item></channel></rss>",
	"utf8decl":   `<?xml version='1.0' encoding='utf-8'?><rss><channel><item><description><![CDATA[ünïcode ✓]]></description></item></channel></rss>`,
	"unclosed":   `<rss><channel><item><description><![CDATA[never closed</description></item></channel></rss>`,
	"image":      `<rss><channel><image><url>https://x.example/i.png</url><title><![CDATA[logo]]></title></image><item><title>t</title></item></channel></rss>`,
	"rdf":        `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>c</title></channel><item><title>t</title><description><![CDATA[<p>rdf body</p>]]></description></item></rdf:RDF>`,
	"enclosure":  `<rss><channel><item><title>t</title><enclosure url="https://x.example/a.mp3" type="audio/mpeg"/><description><![CDATA[with enclosure]]></description></item></channel></rss>`,
	"itunes":     `<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><itunes:summary><![CDATA[podcast summary]]></itunes:summary><item><itunes:summary><![CDATA[episode summary]]></itunes:summary><description><![CDATA[ep]]></description></item></channel></rss>`,
	"whitespace": "<rss><channel><item><description>\n  <![CDATA[\n  indented\n  ]]>\n</description></item></channel></rss>",
	// Entity-escaped text, lifted and decoded when every entity is one
	// decodeEscaped knows, left to gofeed otherwise.
	"escaped":      `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Site &amp; co</title><description>&lt;p&gt;About us&lt;/p&gt;</description><item><title>Caf&#233; &#x2019;quoted&#x2019; &quot;title&quot; &apos;x&apos;</title><description> &lt;p&gt;Lead &amp;amp; more&lt;/p&gt; </description><content:encoded>&lt;p&gt;Body&lt;/p&gt;&#10;&#9;&lt;img src=&quot;a.png&quot;&gt; &gt; ok</content:encoded></item></channel></rss>`,
	"escapedhtml":  `<rss><channel><item><description>&lt;p&gt;a&amp;nbsp;b &nbsp; c&lt;/p&gt;</description></item></channel></rss>`,
	"escapedc1":    `<rss><channel><item><description>price &#128; and &#x92;quote&#146; &#13; cr</description></item></channel></rss>`,
	"escapedbad":   `<rss><channel><item><description>a & b &amp c &#xZZ; d &#0; e</description></item></channel></rss>`,
	"escapedattr":  `<rss><channel><item><description type="html">&lt;p&gt;with an attribute&lt;/p&gt;</description></item></channel></rss>`,
	"escapedmixed": `<rss><channel><item><description>&lt;p&gt;text <b>and markup</b></description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">x &lt;![CDATA[ y ]]&gt; z</content:encoded></item></channel></rss>`,
	"escapedcdata": `<rss><channel><item><description><![CDATA[ <description>&amp; inside cdata</description> ]]></description><title><!-- <title>&amp;</title> -->t</title></item></channel></rss>`,
	"escapedext":   `<rss xmlns:media="http://search.yahoo.com/mrss/"><channel><item><media:description>&lt;p&gt;media&lt;/p&gt;</media:description><image><title>&lt;b&gt;logo&lt;/b&gt;</title></image><description>&lt;i&gt;d&lt;/i&gt;</description></item></channel></rss>`,
	"escapeddtd":   `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "ex">]><rss><channel><item><description>&lt;p&gt;&amp;x;&lt;/p&gt;</description></item></channel></rss>`,
	"atom":         `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Blog &amp; co</title><subtitle>&lt;b&gt;sub&lt;/b&gt;</subtitle><entry><title type="html">A &lt;em&gt;title&lt;/em&gt;</title><id>urn:1</id><summary type='html'> &lt;p&gt;Lead&lt;/p&gt; </summary><content type="html">&lt;div&gt;&lt;p&gt;Body &amp;amp; &#8217;more&#x2019;&lt;/p&gt;&lt;/div&gt;</content></entry><entry><title><![CDATA[cdata <i>title</i>]]></title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>xhtml</p></div></content><summary type="text">plain &lt; text</summary></entry></feed>`,
	"atomcdata":    `<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html"><![CDATA[<div><p>wrapped</p></div>]]></content><summary><![CDATA[ s ]]></summary></entry></feed>`,
	"atombase":     `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.example/blog/"><entry><content type="html">&lt;a href=&quot;post&quot;&gt;rel&lt;/a&gt;</content><summary type="html"><![CDATA[<img src="i.png">]]></summary></entry></feed>`,
	"atomsource":   `<feed xmlns="http://www.w3.org/2005/Atom"><entry><source><title>&lt;b&gt;origin&lt;/b&gt;</title><subtitle>&lt;i&gt;s&lt;/i&gt;</subtitle></source><content type="text/plain">&lt;x&gt;</content><title type="xhtml">&lt;y&gt;</title><content mode="escaped">&lt;p&gt;old&lt;/p&gt;</content></entry></feed>`,
	"atom03":       `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title><entry><title>e</title><content type="text/html" mode="escaped">&lt;p&gt;zero three&lt;/p&gt;</content><summary>&lt;p&gt;sum&lt;/p&gt;</summary></entry></feed>`,
	"escapedcrlf":  "<rss>\r\n<channel>\r\n<item>\r\n<description>&lt;p&gt;line one\r\nline two&#13;&#10;three\rfour&lt;/p&gt;\r\n</description>\r\n</item>\r\n</channel>\r\n</rss>\r\n",
	"doctype":      `<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><item><description>&lt;p&gt;public DTD&lt;/p&gt;</description></item></channel></rss>`,
	"escapedws":    "<rss><channel><item><description>\u00a0 &#32;&lt;p&gt;spaced&lt;/p&gt;&#32; \u0085</description><title>\t</title></item></channel></rss>",
}

// TestLiftedParseMatchesGofeed: lifting CDATA out of gofeed's way (every
// section, however small) gives exactly the feed gofeed gives on the
// whole body, for every sample and for sections in awkward places.
func TestLiftedParseMatchesGofeed(t *testing.T) {
	bodies := map[string][]byte{}
	for name, body := range liftCases {
		bodies[name] = []byte(body)
	}
	files, _ := filepath.Glob("testdata/*.*") // not testdata/fuzz
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bodies[filepath.Base(p)] = b
	}
	bodies["bench"] = []byte(benchFeed(1, 5))
	lifting := 0
	for name, body := range bodies {
		kind := gofeed.DetectFeedType(bytes.NewReader(body))
		lf := rssLift
		switch kind {
		case gofeed.FeedTypeRSS:
		case gofeed.FeedTypeAtom:
			lf = atomLift
		default:
			continue
		}
		if _, lifted := liftSections(body, lf, 1); lifted != nil {
			lifting++
		}
		assertSameParse(t, name, body, kind)
	}
	if lifting < 12 {
		t.Fatalf("only %d bodies had sections to lift", lifting)
	}
}

// TestLiftCDATASkips: sections gofeed would change are left in place.
func TestLiftCDATASkips(t *testing.T) {
	for _, name := range []string{"control", "nonchar", "marker", "latin1", "unclosed"} {
		if _, lifted := liftSections([]byte(liftCases[name]), rssLift, 1); lifted != nil {
			t.Errorf("%s: lifted %q", name, lifted)
		}
	}
	// Only text restoreRSS puts back is lifted: an iTunes summary stays.
	itunes := []byte(liftCases["itunes"])
	skel, lifted := liftSections(itunes, rssLift, 1)
	if len(lifted) != 1 || string(lifted[0]) != "ep" || !bytes.Contains(skel, []byte("episode summary")) {
		t.Errorf("itunes: lifted %q from %q", lifted, skel)
	}
	body := []byte(liftCases["content"])
	skel, lifted = liftSections(body, rssLift, 1)
	if len(lifted) != 4 || string(lifted[3]) != "<p>Body &amp; more</p>" || bytes.Contains(skel, []byte("Body")) {
		t.Fatalf("lifted %q from %q", lifted, skel)
	}
	if _, lifted := liftSections(body, rssLift, 100); lifted != nil {
		t.Fatalf("lifted sections under the minimum: %q", lifted)
	}
}

func assertSameParse(t *testing.T, name string, body []byte, kind gofeed.FeedType) {
	t.Helper()
	want, wantErr := newParser(nil).Parse(bytes.NewReader(body))
	got, gotErr := parseLifting(body, kind, 1)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%s: whole parse error %v, lifted parse error %v", name, wantErr, gotErr)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%s: lifted parse differs\nwant %+v\n got %+v", name, want, got)
	}
}

// TestEscapedTextIsLifted: entity-escaped text is lifted and put back
// decoded, without falling back to a whole parse; text with anything
// decodeEscaped does not know stays for gofeed.
func TestEscapedTextIsLifted(t *testing.T) {
	body := []byte(liftCases["escaped"])
	skel, lifted := liftSections(body, rssLift, 1)
	want := []string{"Site & co", "<p>About us</p>", "Café ’quoted’ \"title\" 'x'", "<p>Lead &amp; more</p>", "<p>Body</p>\n\t<img src=\"a.png\"> > ok"}
	if len(lifted) != len(want) {
		t.Fatalf("lifted %q from %s", lifted, skel)
	}
	for i, w := range want {
		if string(lifted[i]) != w {
			t.Errorf("section %d = %q, want %q", i, lifted[i], w)
		}
	}
	if bytes.Contains(skel, []byte("&lt;")) || !bytes.Contains(skel, []byte("<description> "+liftOpen+"3"+liftClose+" </description>")) {
		t.Errorf("skeleton %s", skel)
	}
	r := newRestorer(lifted)
	if _, err := newParser(r).Parse(bytes.NewReader(skel)); err != nil || !r.complete() {
		t.Fatalf("lifted parse: err %v, complete %v", err, r.complete())
	}
	for _, name := range []string{"escapedhtml", "escapedc1", "escapedbad", "escapedattr", "escapeddtd"} {
		if _, lifted := liftSections([]byte(liftCases[name]), rssLift, 1); lifted != nil {
			t.Errorf("%s: lifted %q", name, lifted)
		}
	}
	// CR LF, as Windows-made feeds have it, is kept as gofeed keeps it.
	if _, lifted := liftSections([]byte(liftCases["escapedcrlf"]), rssLift, 1); len(lifted) != 1 || string(lifted[0]) != "<p>line one\r\nline two\r\nthree\rfour</p>" {
		t.Errorf("escapedcrlf: lifted %q", lifted)
	}
	if _, lifted := liftSections([]byte(liftCases["crlf"]), rssLift, 1); len(lifted) != 1 || string(lifted[0]) != "line one\r\nline two\rthree" {
		t.Errorf("crlf: lifted %q", lifted)
	}
	// A DOCTYPE that declares no entities does not stop lifting.
	if _, lifted := liftSections([]byte(liftCases["doctype"]), rssLift, 1); len(lifted) != 1 || string(lifted[0]) != "<p>public DTD</p>" {
		t.Errorf("doctype: lifted %q", lifted)
	}
	// Atom text constructs of type text or html, escaped or in CDATA.
	skel, lifted = liftSections([]byte(liftCases["atom"]), atomLift, 1)
	want = []string{"Blog & co", "<b>sub</b>", "A <em>title</em>", "<p>Lead</p>", "<div><p>Body &amp; ’more’</p></div>", "cdata <i>title</i>", "plain < text"}
	if len(lifted) != len(want) {
		t.Fatalf("atom: lifted %q from %s", lifted, skel)
	}
	for i, w := range want {
		if string(lifted[i]) != w {
			t.Errorf("atom section %d = %q, want %q", i, lifted[i], w)
		}
	}
	r = newRestorer(lifted)
	if _, err := newParser(r).Parse(bytes.NewReader(skel)); err != nil || !r.complete() {
		t.Fatalf("atom lifted parse: err %v, complete %v", err, r.complete())
	}
	// gofeed resolves links in the text against xml:base: nothing is lifted.
	if _, lifted := liftSections([]byte(liftCases["atombase"]), atomLift, 1); lifted != nil {
		t.Errorf("atombase: lifted %q", lifted)
	}
	// Inside CDATA or a comment, a tag is text: only the CDATA is lifted.
	if _, lifted := liftSections([]byte(liftCases["escapedcdata"]), rssLift, 1); len(lifted) != 1 || !bytes.HasPrefix(lifted[0], []byte(" <description>&amp;")) {
		t.Errorf("escapedcdata: lifted %q", lifted)
	}
}

// FuzzLiftedParse: for any RSS body, parsing with CDATA lifted gives what
// gofeed gives on the whole body.
func FuzzLiftedParse(f *testing.F) {
	for _, body := range liftCases {
		f.Add([]byte(body))
	}
	f.Add([]byte(benchFeed(2, 2)))
	f.Fuzz(func(t *testing.T, body []byte) {
		kind := gofeed.DetectFeedType(bytes.NewReader(body))
		if kind != gofeed.FeedTypeRSS && kind != gofeed.FeedTypeAtom || !strings.Contains(string(body), "<![CDATA[") && !strings.Contains(string(body), "&") {
			return
		}
		assertSameParse(t, "fuzz", body, kind)
	})
}

// TestPassesUnchanged checks the word-at-a-time scan against the rule at
// every position of a word.
func TestPassesUnchanged(t *testing.T) {
	for pos := 0; pos < 19; pos++ {
		for _, c := range []byte{0x00, 0x07, '\r', 0x1f, '\t', '\n', ' ', 'a', 0x7f} {
			b := []byte(strings.Repeat("x", 19))
			b[pos] = c
			want := c >= 0x20 || c == '\t' || c == '\n' || c == '\r'
			if got := passesUnchanged(b); got != want {
				t.Errorf("byte %#x at %d: passes %v, want %v", c, pos, got, want)
			}
		}
	}
	for _, s := range []string{"caf\xe9 au lait", "a \uFFFE b", "a \uFFFF b"} {
		if passesUnchanged([]byte(s)) {
			t.Errorf("%q passes", s)
		}
	}
	if !passesUnchanged([]byte("ünïcode ✓ \U0001F600 text")) {
		t.Error("valid UTF-8 text does not pass")
	}
}

// TestWordPressFeedIsLifted: a feed as WordPress writes it has its items'
// HTML lifted at the production threshold and put back in full, without
// falling back to a second parse, and parses as gofeed parses it whole.
func TestWordPressFeedIsLifted(t *testing.T) {
	body, err := os.ReadFile("testdata/wordpress.xml")
	if err != nil {
		t.Fatal(err)
	}
	skel, lifted := liftSections(body, rssLift, liftMin)
	if len(lifted) != 2 {
		t.Fatalf("lifted %d sections, want the 2 content:encoded", len(lifted))
	}
	r := newRestorer(lifted)
	if _, err := newParser(r).Parse(bytes.NewReader(skel)); err != nil || !r.complete() {
		t.Fatalf("lifted parse: err %v, complete %v", err, r.complete())
	}
	assertSameParse(t, "wordpress", body, gofeed.FeedTypeRSS)
	pf, err := Parse(body, "application/rss+xml", "https://localnews.example/feed/", time.Now())
	if err != nil || len(pf.Items) != 2 {
		t.Fatalf("Parse: %v, %d items", err, len(pf.Items))
	}
	if c := pf.Items[0].Content; !strings.HasPrefix(c, "<p>The council voted") || !strings.Contains(c, "appeared first on") {
		t.Errorf("content not restored: %.120q", c)
	}
}
