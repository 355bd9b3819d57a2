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
}

// TestLiftedParseMatchesGofeed: lifting CDATA out of gofeed's way (every
// section, however small) gives exactly the feed gofeed gives on the
// whole body, for every sample and for sections in awkward places.
func TestLiftedParseMatchesGofeed(t *testing.T) {
	bodies := map[string][]byte{}
	for name, body := range liftCases {
		bodies[name] = []byte(body)
	}
	files, _ := filepath.Glob("testdata/*")
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
		if kind != gofeed.FeedTypeRSS {
			continue
		}
		if _, lifted := liftCDATA(body, 1); lifted != nil {
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
	for _, name := range []string{"crlf", "control", "nonchar", "marker", "latin1", "unclosed"} {
		if _, lifted := liftCDATA([]byte(liftCases[name]), 1); lifted != nil {
			t.Errorf("%s: lifted %q", name, lifted)
		}
	}
	// Only text restoreRSS puts back is lifted: an iTunes summary stays.
	itunes := []byte(liftCases["itunes"])
	skel, lifted := liftCDATA(itunes, 1)
	if len(lifted) != 1 || string(lifted[0]) != "ep" || !bytes.Contains(skel, []byte("episode summary")) {
		t.Errorf("itunes: lifted %q from %q", lifted, skel)
	}
	body := []byte(liftCases["content"])
	skel, lifted = liftCDATA(body, 1)
	if len(lifted) != 4 || string(lifted[3]) != "<p>Body &amp; more</p>" || bytes.Contains(skel, []byte("Body")) {
		t.Fatalf("lifted %q from %q", lifted, skel)
	}
	if _, lifted := liftCDATA(body, 100); lifted != nil {
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

// FuzzLiftedParse: for any RSS body, parsing with CDATA lifted gives what
// gofeed gives on the whole body.
func FuzzLiftedParse(f *testing.F) {
	for _, body := range liftCases {
		f.Add([]byte(body))
	}
	f.Add([]byte(benchFeed(2, 2)))
	f.Fuzz(func(t *testing.T, body []byte) {
		kind := gofeed.DetectFeedType(bytes.NewReader(body))
		if kind != gofeed.FeedTypeRSS || !strings.Contains(string(body), "<![CDATA[") {
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
			want := c >= 0x20 || c == '\t' || c == '\n'
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
	skel, lifted := liftCDATA(body, liftMin)
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
