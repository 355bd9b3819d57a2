package feedout

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func sample() (Feed, []Entry) {
	t := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	f := Feed{Title: "feedfold: all", SelfURL: "http://127.0.0.1:8080/feeds/all.atom", HomeURL: "http://127.0.0.1:8080/", Updated: t}
	es := []Entry{
		{ID: "urn:feedfold:item:2", Title: "Trump & Putin <call>", URL: "https://www.mirror.co.uk/x", Author: "Reporter", Published: t, Updated: t,
			ContentHTML: "<p>Story text</p>", Source: Source{Title: "Mirror", SiteURL: "https://www.mirror.co.uk/"},
			Copies:     []Source{{Title: "Usfijitimes", ItemURL: "https://usfijitimes.com/a?x=1&y=2"}},
			Enclosures: []Enclosure{{URL: "https://www.mirror.co.uk/a.mp3?x=1&y=2", Type: "audio/mpeg", Length: 1234}, {URL: "https://www.mirror.co.uk/b.jpg"}}},
		{ID: "urn:feedfold:item:1", Title: "Other", URL: "https://b.example/1", Published: t.Add(-time.Hour), Updated: t.Add(-time.Hour), ContentHTML: "<p>b</p>"},
	}
	return f, es
}

// TestRenderParsesBack: every format is well formed and a real parser
// (gofeed) reads the same entries, links, ids and the copies footer back.
func TestRenderParsesBack(t *testing.T) {
	f, es := sample()
	for _, format := range []string{Atom, RSS, JSON} {
		t.Run(format, func(t *testing.T) {
			out, err := Render(format, f, es)
			if err != nil {
				t.Fatal(err)
			}
			if format != JSON {
				d := xml.NewDecoder(bytes.NewReader(out))
				for {
					_, err := d.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("not well-formed XML: %v", err)
					}
				}
			} else if !json.Valid(out) {
				t.Fatal("invalid JSON")
			}
			pf, err := gofeed.NewParser().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("gofeed: %v\n%s", err, out)
			}
			if len(pf.Items) != 2 || pf.Items[0].Title != "Trump & Putin <call>" || pf.Items[0].Link != "https://www.mirror.co.uk/x" || pf.Items[0].GUID != "urn:feedfold:item:2" {
				t.Errorf("parsed back: %+v", pf.Items[0])
			}
			// RSS carries one enclosure an item; Atom and JSON Feed all.
			wantEnc := map[string]int{Atom: 2, RSS: 1, JSON: 2}[format]
			if encs := pf.Items[0].Enclosures; len(encs) != wantEnc || encs[0].URL != "https://www.mirror.co.uk/a.mp3?x=1&y=2" || encs[0].Type != "audio/mpeg" || encs[0].Length != "1234" {
				t.Errorf("enclosures parsed back: %d, first %+v; want %d, the mp3 first", len(encs), encs, wantEnc)
			}
			content := pf.Items[0].Content + pf.Items[0].Description
			if !strings.Contains(content, "Also published by") || !strings.Contains(content, "https://usfijitimes.com/a?x=1&amp;y=2") {
				t.Errorf("copies footer missing or unescaped: %s", content)
			}
		})
	}
	atom, _ := Render(Atom, f, es)
	if !bytes.Contains(atom, []byte(`rel="related" href="https://usfijitimes.com/a?x=1&amp;y=2"`)) {
		t.Errorf("atom lacks the related link to the copy:\n%s", atom)
	}
	js, _ := Render(JSON, f, es)
	if !bytes.Contains(js, []byte(`"version": "https://jsonfeed.org/version/1.1"`)) {
		t.Error("not JSON Feed 1.1")
	}
	if _, err := Render("yaml", f, es); err == nil {
		t.Error("unknown format accepted")
	}
}
