package aggregator

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseSamples(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		file, feedURL string
		title         string
		items         int
		firstTitle    string
		firstURL      string
		firstKey      string
		firstPub      time.Time // zero: first seen (now)
		ttl           time.Duration
		check         func(t *testing.T, pf *ParsedFeed)
	}{
		{file: "rss091.xml", feedURL: "http://writetheweb.com/rss", title: "WriteTheWeb", items: 2,
			firstTitle: "Giving the world a pluggable Gnutella", firstURL: "http://writetheweb.com/read.php?item=24", firstKey: "http://writetheweb.com/read.php?item=24"},
		{file: "rss092.xml", feedURL: "http://www.scripting.com/gratefulDead.xml", title: "Dave Winer: Grateful Dead", items: 2,
			check: func(t *testing.T, pf *ParsedFeed) {
				it := pf.Items[0]
				if !strings.HasPrefix(it.Key, "hash:") || len(it.Enclosures) != 1 || it.Enclosures[0].Length != 6182912 {
					t.Errorf("item without guid/link/title: key %q enclosures %+v", it.Key, it.Enclosures)
				}
				if pf.Items[0].Key == pf.Items[1].Key {
					t.Error("two different untitled items got the same key")
				}
			}},
		{file: "rss10.rdf", feedURL: "https://www.xml.com/xml/news.rss", title: "XML.com", items: 2,
			firstTitle: "Processing Inclusions with XSLT", firstURL: "https://www.xml.com/pub/2000/08/09/xslt/xslt.html",
			firstPub: time.Date(2000, 8, 9, 10, 0, 0, 0, time.UTC), ttl: 30 * time.Minute,
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Items[0].Author != "Bob DuCharme" {
					t.Errorf("dc:creator author = %q", pf.Items[0].Author)
				}
			}},
		{file: "rss20.xml", feedURL: "https://feeds.arstechnica.com/arstechnica/index", title: "Ars Technica - All content", items: 2,
			firstTitle: "Researchers find a way to make batteries last & charge faster", firstURL: "https://feeds.arstechnica.com/science/2026/11/battery-research/",
			firstKey: "https://arstechnica.com/?p=2065432", firstPub: time.Date(2026, 11, 23, 17, 15, 12, 0, time.UTC), ttl: time.Hour,
			check: func(t *testing.T, pf *ParsedFeed) {
				it := pf.Items[0]
				if it.SourceURL != "https://www.nature.com/nature.rss" {
					t.Errorf("source url = %q", it.SourceURL)
				}
				if it.Author != "Jennifer Ouellette" || len(it.Categories) != 1 || !strings.Contains(it.Content, "lithium") {
					t.Errorf("item = %+v", it)
				}
				if pf.SiteURL != "https://arstechnica.com/" {
					t.Errorf("site = %q", pf.SiteURL)
				}
			}},
		{file: "atom03.xml", feedURL: "http://diveintomark.org/atom.xml", title: "dive into mark", items: 1,
			firstTitle: "Atom 0.3 snapshot", firstURL: "http://diveintomark.org/2003/12/13/atom03", firstKey: "tag:diveintomark.org,2003:3.2397",
			firstPub: time.Date(2003, 12, 13, 12, 29, 29, 0, time.UTC)},
		{file: "atom10.xml", feedURL: "https://go.dev/blog/feed.atom", title: "The Go Blog", items: 2,
			firstTitle: "Go 1.26 is released", firstURL: "https://go.dev/blog/go1.26", firstKey: "tag:blog.golang.org,2013:blog.golang.org/go1.26",
			firstPub: time.Date(2026, 2, 11, 0, 0, 0, 0, time.UTC),
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Items[1].Title != "Testing time with synctest" {
					t.Errorf("HTML title = %q, want plain text", pf.Items[1].Title)
				}
				if pf.Items[1].URL != "https://go.dev/blog/synctest" {
					t.Errorf("root-relative link = %q", pf.Items[1].URL)
				}
			}},
		{file: "jsonfeed10.json", feedURL: "https://daringfireball.net/feeds/json", title: "Daring Fireball", items: 2,
			firstTitle: "An Example Link", firstURL: "https://daringfireball.net/linked/2026/11/23/example", firstPub: time.Date(2026, 11, 23, 21, 12, 45, 0, time.UTC)},
		{file: "jsonfeed11.json", feedURL: "https://www.manton.org/feed.json", title: "Micro.blog timeline", items: 1,
			firstURL: "https://www.manton.org/2026/11/24/post.html", firstKey: "https://www.manton.org/2026/11/24/post.html",
			firstPub: time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			pf, err := Parse(body, "", c.feedURL, now)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if pf.Title != c.title || len(pf.Items) != c.items {
				t.Fatalf("title %q items %d, want %q and %d", pf.Title, len(pf.Items), c.title, c.items)
			}
			it := pf.Items[0]
			if c.firstTitle != "" && it.Title != c.firstTitle {
				t.Errorf("title = %q, want %q", it.Title, c.firstTitle)
			}
			if c.firstURL != "" && it.URL != c.firstURL {
				t.Errorf("url = %q, want %q", it.URL, c.firstURL)
			}
			if c.firstKey != "" && it.Key != c.firstKey {
				t.Errorf("key = %q, want %q", it.Key, c.firstKey)
			}
			wantPub := c.firstPub
			if wantPub.IsZero() {
				wantPub = now
			}
			if !it.Published.Equal(wantPub) {
				t.Errorf("published = %v, want %v", it.Published, wantPub)
			}
			if !it.FirstSeen.Equal(now) || it.Hash == 0 || (it.URL != "") != (it.NormURL != "") {
				t.Errorf("first seen %v hash %x norm %q", it.FirstSeen, it.Hash, it.NormURL)
			}
			if pf.TTL != c.ttl {
				t.Errorf("ttl = %v, want %v", pf.TTL, c.ttl)
			}
			if c.check != nil {
				c.check(t, pf)
			}
		})
	}
}

func TestParseRejectsHTMLAndGarbage(t *testing.T) {
	page, _ := os.ReadFile("testdata/page.html")
	if _, err := Parse(page, "text/html", "https://news.example/", time.Now()); !errors.Is(err, ErrNotAFeed) {
		t.Errorf("HTML page: %v, want ErrNotAFeed", err)
	}
	for _, body := range []string{"", "   ", `<rss version="2.0"><channel><item><title>cut`, "{not json"} {
		if _, err := Parse([]byte(body), "", "https://x.example/", time.Now()); err == nil {
			t.Errorf("Parse(%q) succeeded", body)
		}
	}
}

func TestParseEdgeItems(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	body := `<rss version="2.0"><channel><title>E</title>
<item><guid>dup</guid><title>first</title></item>
<item><guid>dup</guid><title>second with the same guid</title></item>
<item><guid>future</guid><title>from the future</title><pubDate>Mon, 01 Jan 2035 00:00:00 +0000</pubDate></item>
<item><guid>ancient</guid><title>before 1970</title><pubDate>Thu, 01 Jan 1920 00:00:00 +0000</pubDate></item>
<item><guid>long</guid><title>` + strings.Repeat("x", 100_000) + `</title></item>
<item><description>no guid, link, title or date</description></item>
</channel></rss>`
	pf, err := Parse([]byte(body), "", "https://e.example/feed", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Items) != 5 {
		t.Fatalf("items = %d, want 5 (duplicate guid dropped)", len(pf.Items))
	}
	if pf.Items[0].Title != "first" {
		t.Errorf("duplicate guid kept %q, want the first", pf.Items[0].Title)
	}
	if !pf.Items[1].Published.Equal(now) || !pf.Items[2].Published.Equal(now) {
		t.Errorf("future/ancient dates = %v, %v, want clamped to now", pf.Items[1].Published, pf.Items[2].Published)
	}
	if len(pf.Items[3].Title) > maxTitleBytes+4 {
		t.Errorf("100 KB title kept %d bytes", len(pf.Items[3].Title))
	}
}

func TestParseEncodings(t *testing.T) {
	latin1 := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title><item><guid>1</guid><title>Cr\xe8me</title></item></channel></rss>")
	pf, err := Parse(latin1, "application/rss+xml", "https://l.example/", time.Now())
	if err != nil || pf.Items[0].Title != "Crème" {
		t.Errorf("declared UTF-8 but Latin-1: %+v %v", pf, err)
	}
	utf16 := []byte{0xff, 0xfe}
	for _, r := range `<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Wide</title><item><guid>1</guid><title>Ünïcode</title></item></channel></rss>` {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	pf, err = Parse(utf16, "", "https://w.example/", time.Now())
	if err != nil || pf.Title != "Wide" || pf.Items[0].Title != "Ünïcode" {
		t.Errorf("UTF-16 with BOM: %+v %v", pf, err)
	}
}

func TestDiscover(t *testing.T) {
	page, _ := os.ReadFile("testdata/page.html")
	got := Discover(page, "https://news.example/section/index.html")
	want := []string{"https://news.example/section/feed.xml", "https://news.example/atom.xml"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Discover = %v, want %v", got, want)
	}
}

func TestIntervalAndBackoff(t *testing.T) {
	base := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	var hourly []time.Time
	for i := 0; i < 10; i++ {
		hourly = append(hourly, base.Add(-time.Duration(i)*time.Hour))
	}
	p := IntervalParams{Min: 15 * time.Minute, Max: 24 * time.Hour, Published: hourly}
	if d := NextInterval(p); d != 30*time.Minute {
		t.Errorf("hourly feed interval = %v, want 30m", d)
	}
	p.TTL = 2 * time.Hour
	if d := NextInterval(p); d != 2*time.Hour {
		t.Errorf("with ttl 2h = %v", d)
	}
	if d := NextInterval(IntervalParams{Min: 15 * time.Minute, Max: 24 * time.Hour}); d != 24*time.Hour {
		t.Errorf("no dates = %v, want the maximum", d)
	}
	p.TTL = 0
	p.Jitter = func() float64 { return 0.999 }
	if d := NextInterval(p); d <= 30*time.Minute || d > 33*time.Minute {
		t.Errorf("jittered = %v, want within +10%%", d)
	}
	mid := func() float64 { return 0.5 }
	prev := time.Duration(0)
	for f := 1; f <= 6; f++ {
		d := Backoff(f, 0, 15*time.Minute, 24*time.Hour, mid)
		if d <= prev {
			t.Errorf("backoff(%d) = %v not above %v", f, d, prev)
		}
		prev = d
	}
	if d := Backoff(30, 0, 15*time.Minute, 24*time.Hour, mid); d > 24*time.Hour {
		t.Errorf("backoff capped: %v", d)
	}
	if d := Backoff(1, 3*time.Hour, 15*time.Minute, 24*time.Hour, mid); d < 3*time.Hour {
		t.Errorf("Retry-After floor: %v", d)
	}
}

// TestParseEntityAttacks: internal entity expansion ("billion laughs") and
// external entities are never expanded: the feed fails or parses without
// them, quickly and without reading files.
func TestParseEntityAttacks(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><rss version="2.0"><channel><title>&h;</title><item><guid>1</guid><title>&h;</title></item></channel></rss>`
	external := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><rss version="2.0"><channel><title>t&x;</title><item><guid>1</guid><title>i&x;</title><description>&x;</description></item></channel></rss>`
	host, _ := os.ReadFile("/etc/hostname")
	for name, body := range map[string]string{"billion laughs": laughs, "external entity": external} {
		start := time.Now()
		pf, err := Parse([]byte(body), "", "https://x.example/", time.Now())
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", name, d)
		}
		if err != nil {
			continue
		}
		for _, it := range pf.Items {
			if len(it.Title) > 1000 || len(it.Summary) > 1000 {
				t.Errorf("%s: entity expanded into %d bytes", name, len(it.Title)+len(it.Summary))
			}
			if h := strings.TrimSpace(string(host)); h != "" && (strings.Contains(it.Title, h) || strings.Contains(it.Summary, h)) {
				t.Errorf("%s: external entity read a local file", name)
			}
		}
	}
}

// TestParseKeepsNoPartOfTheBody: Fetcher.Release hands a parsed body's
// buffer to the next fetch, so nothing Parse returns may point into the
// body — overwriting it after parsing must change nothing.
func TestParseKeepsNoPartOfTheBody(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*") // not testdata/fuzz
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	parsedSome := 0
	for _, file := range files {
		orig, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Parse(bytes.Clone(orig), "", "https://example.org/feed", now)
		if err != nil {
			continue // not a feed (page.html)
		}
		body := bytes.Clone(orig)
		got, err := Parse(body, "", "https://example.org/feed", now)
		if err != nil {
			t.Fatal(err)
		}
		for i := range body {
			body[i] = 'x'
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: parsed feed changed when its body was overwritten", file)
		}
		parsedSome++
	}
	if parsedSome < 8 {
		t.Fatalf("only %d samples parsed", parsedSome)
	}
}

// TestPlainTextContentIsEscaped: text a feed declares plain (JSON Feed's
// content_text and summary, Atom content type="text") is stored as HTML
// that shows it as written, so "Vec<String>" survives the sanitizer. Atom
// content without a type keeps being read as HTML: feeds that leave it out
// very often put escaped HTML there.
func TestPlainTextContentIsEscaped(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	jsonBody := `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
		{"id":"1","url":"https://j.example/1","content_text":"Use Vec<String> & HashMap<K, V>.\n\nSecond line one\nline two","summary":"a < b"},
		{"id":"2","url":"https://j.example/2","content_html":"<p>Already <b>HTML</b></p>","content_text":"Already HTML","summary":"<p>HTML in a summary, against the spec</p>"}]}`
	atomBody := `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-03-01T00:00:00Z</updated>
		<entry><title>T</title><id>urn:1</id><link href="https://a.example/1"/><updated>2026-03-01T00:00:00Z</updated><content type="text">Use Vec&lt;String&gt; &amp; more</content></entry>
		<entry><title>H</title><id>urn:2</id><link href="https://a.example/2"/><updated>2026-03-01T00:00:00Z</updated><content>&lt;p&gt;Escaped &lt;b&gt;HTML&lt;/b&gt;&lt;/p&gt;</content></entry></feed>`
	for _, tc := range []struct {
		name, body string
		content    []string
		summary    string
	}{
		{"json", jsonBody, []string{"<p>Use Vec&lt;String&gt; &amp; HashMap&lt;K, V&gt;.</p><p>Second line one<br>line two</p>", "<p>Already <b>HTML</b></p>"}, "a &lt; b"},
		{"atom", atomBody, []string{"Use Vec&lt;String&gt; &amp; more", "<p>Escaped <b>HTML</b></p>"}, ""},
	} {
		pf, err := Parse([]byte(tc.body), "", "https://x.example/feed", now)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(pf.Items) != 2 {
			t.Fatalf("%s: %d items", tc.name, len(pf.Items))
		}
		for i, want := range tc.content {
			if got := pf.Items[i].Content; got != want {
				t.Errorf("%s item %d: content %q, want %q", tc.name, i, got, want)
			}
		}
		if got := pf.Items[0].Summary; tc.summary != "" && got != tc.summary {
			t.Errorf("%s: summary %q, want %q", tc.name, got, tc.summary)
		}
		if got := pf.Items[1].Summary; tc.name == "json" && got != "<p>HTML in a summary, against the spec</p>" {
			t.Errorf("json: a summary written in HTML was escaped: %q", got)
		}
	}
}

// TestMediaRSSDescriptionIsContent: items that carry their text only in
// Media RSS — YouTube's channel feeds (testdata/youtube.xml, a media:group
// in an Atom entry), and RSS photo and video feeds — get it as content,
// with the thumbnail, instead of reaching reader apps empty.
func TestMediaRSSDescriptionIsContent(t *testing.T) {
	yt, err := os.ReadFile("testdata/youtube.xml")
	if err != nil {
		t.Fatal(err)
	}
	rss := `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>V</title><link>https://v.example/</link>
<item><title>Clip</title><link>https://v.example/1</link><guid>v1</guid><media:description type="html">&lt;p&gt;A &lt;b&gt;clip&lt;/b&gt;&lt;/p&gt;</media:description><media:thumbnail url="/t/1.jpg"/></item>
<item><title>Plain</title><link>https://v.example/2</link><guid>v2</guid><description>Its own text</description><media:description>Not this</media:description></item>
</channel></rss>`
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"youtube", string(yt), []string{`<p><img src="https://i1.ytimg.com/vi/abc123/hqdefault.jpg" alt=""></p><p>In this video we build a feed reader in Go.<br>Links:<br>https://example.com/code</p>`}},
		{"rss", rss, []string{`<p><img src="https://v.example/t/1.jpg" alt=""></p><p>A <b>clip</b></p>`, ""}},
	} {
		pf, err := Parse([]byte(tc.body), "", "https://v.example/feed", time.Now())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i, want := range tc.want {
			if got := pf.Items[i].Content; got != want {
				t.Errorf("%s item %d: content %q, want %q", tc.name, i, got, want)
			}
		}
	}
	pf, _ := Parse([]byte(rss), "", "https://v.example/feed", time.Now())
	if it := pf.Items[1]; it.Content+it.Summary != "Its own text" {
		t.Errorf("an item with its own text got %q / %q", it.Content, it.Summary)
	}
}

// TestPermalinkGUIDIsTheLink: an RSS item with a <guid> and no <link> is
// linked to the guid, as RSS 2.0 says (isPermaLink defaults to true),
// unless the guid says isPermaLink="false" or is not a web URL.
func TestPermalinkGUIDIsTheLink(t *testing.T) {
	body := `<?xml version="1.0"?><rss version="2.0"><channel><title>G</title><link>https://g.example/</link>
<item><title>A</title><guid isPermaLink="true">https://g.example/posts/1</guid></item>
<item><title>B</title><guid>https://g.example/posts/2</guid></item>
<item><title>C</title><guid isPermaLink="false">https://g.example/internal/3</guid></item>
<item><title>D</title><guid>tag:g.example,2026:4</guid></item>
<item><title>E</title><guid>https://g.example/posts/5</guid><link>https://g.example/p/5</link></item>
</channel></rss>`
	pf, err := Parse([]byte(body), "", "https://g.example/feed", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://g.example/posts/1", "https://g.example/posts/2", "", "", "https://g.example/p/5"}
	for i, w := range want {
		if got := pf.Items[i].URL; got != w {
			t.Errorf("item %s: URL %q, want %q", pf.Items[i].Title, got, w)
		}
	}
}

func TestLooksLikeMarkup(t *testing.T) {
	for s, want := range map[string]bool{
		"a < b":              false,
		"Use Vec<String> &x": false,
		"ends with <":        false,
		"x </":               false,
		"line<br>two":        true,
		"line<BR/>two":       true,
		"<p>para</p>":        true,
	} {
		if got := looksLikeMarkup(s); got != want {
			t.Errorf("looksLikeMarkup(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestLeadText(t *testing.T) {
	for _, tc := range []struct {
		src  string
		n    int
		want string
	}{
		{"<p>Hello <b>world</b></p>", 80, "Hello world"},
		{"<p>One.</p><p>Two<br>three, e<sup>2</sup></p>", 80, "One. Two three, e2"},
		{"<style>p{}</style><script>x()</script><p>Text</p>", 80, "Text"},
		{"<p>one two three four five</p>", 12, "one two…"},
		{"<p>東京タワーへ行きました今日は晴れ</p>", 5, "東京タワー…"},
		{"", 80, ""},
	} {
		if got := leadText(tc.src, tc.n); got != tc.want {
			t.Errorf("leadText(%q, %d) = %q, want %q", tc.src, tc.n, got, tc.want)
		}
	}
}
