package opml

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const nested = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>NetNewsWire</title></head><body>
<outline text="News" title="News">
  <outline text="World">
    <outline type="rss" text="BBC World" title="BBC World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml" htmlUrl="https://www.bbc.co.uk/news/world"/>
  </outline>
  <outline type="rss" text="Guardian" xmlUrl="https://www.theguardian.com/world/rss"/>
</outline>
<outline type="rss" text="Go blog" xmlUrl="https://go.dev/blog/feed.atom" category="/Tech/Go,/Other"/>
<outline type="rss" text="no url"/>
<outline type="rss" text="script" xmlUrl="javascript:alert(1)"/>
<outline type="rss" text="relative" xmlUrl="/feed.xml"/>
<outline type="rss" text="dup" xmlUrl="https://go.dev/blog/feed.atom"/>
<outline type="rss" text="Release notes" xmlUrl="https://example.com/releases.atom" xmlns:ff="https://feedfold.dev/opml" ff:dedupe="off"/>
</body></opml>`

func TestParseNestedCategoriesAndProblems(t *testing.T) {
	subs, problems, err := Parse(strings.NewReader(nested))
	if err != nil {
		t.Fatal(err)
	}
	want := []Subscription{
		{URL: "https://feeds.bbci.co.uk/news/world/rss.xml", Title: "BBC World", SiteURL: "https://www.bbc.co.uk/news/world", Category: "News/World"},
		{URL: "https://www.theguardian.com/world/rss", Title: "Guardian", Category: "News"},
		{URL: "https://go.dev/blog/feed.atom", Title: "Go blog", Category: "Tech/Go"},
		{URL: "https://example.com/releases.atom", Title: "Release notes", Dedupe: "off"},
	}
	if !reflect.DeepEqual(subs, want) {
		t.Errorf("subs =\n%+v\nwant\n%+v", subs, want)
	}
	if len(problems) != 3 {
		t.Errorf("problems = %+v, want 3 (no url, javascript:, relative)", problems)
	}
}

func TestRoundTrip(t *testing.T) {
	subs, _, err := Parse(strings.NewReader(nested))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, "export", subs, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	again, problems, err := Parse(&buf)
	if err != nil || len(problems) != 0 {
		t.Fatalf("re-parse: %v %v\n%s", err, problems, buf.String())
	}
	sortSubs := func(s []Subscription) map[string]Subscription {
		m := map[string]Subscription{}
		for _, x := range s {
			m[x.URL] = x
		}
		return m
	}
	if !reflect.DeepEqual(sortSubs(again), sortSubs(subs)) {
		t.Errorf("round trip changed subscriptions:\n%+v\n%+v", again, subs)
	}
}

func TestNotOPML(t *testing.T) {
	for _, in := range []string{"<html><body>hi</body></html>", "not xml at all", ""} {
		if _, _, err := Parse(strings.NewReader(in)); !errors.Is(err, ErrNotOPML) {
			t.Errorf("Parse(%q) error = %v, want ErrNotOPML", in, err)
		}
	}
}

func TestLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"2.0\"><body><outline text=\"Caf\xe9\" xmlUrl=\"https://cafe.example/rss\"/></body></opml>"
	subs, _, err := Parse(strings.NewReader(doc))
	if err != nil || len(subs) != 1 || subs[0].Title != "Café" {
		t.Fatalf("subs = %+v, err = %v", subs, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(nested)
	f.Add("<opml><body><outline xmlUrl='http://a/b'><outline xmlUrl='http://c/d'/></outline></body></opml>")
	f.Fuzz(func(t *testing.T, in string) {
		subs, _, err := Parse(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, "t", subs, time.Unix(0, 0)); err != nil {
			t.Fatalf("Write: %v", err)
		}
		again, _, err := Parse(&buf)
		if err != nil {
			t.Fatalf("re-parse of written OPML: %v", err)
		}
		if len(again) != len(subs) {
			t.Fatalf("round trip: %d subscriptions, want %d", len(again), len(subs))
		}
	})
}
