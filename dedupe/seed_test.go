package dedupe

import (
	"os"
	"strings"
	"testing"
	"time"
)

// seedDocs returns the product's canonical example: the Mirror's article
// and usfijitimes' word-for-word reprint inside its own header, credit
// line and footer (testdata/usfijitimes-reprint-of-mirror.txt).
func seedDocs(t *testing.T) (mirror, reprint Doc) {
	t.Helper()
	raw, err := os.ReadFile("testdata/usfijitimes-reprint-of-mirror.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	title, body := lines[4], lines[6]
	var html strings.Builder
	for _, l := range lines {
		html.WriteString("<p>" + l + "</p>")
	}
	mirror = Doc{Title: title, HTML: "<p>" + body + "</p>", URL: "https://www.mirror.co.uk/news/world-news/trump-putin-call-34851234", FeedSite: "https://www.mirror.co.uk/news/"}
	reprint = Doc{Title: title, HTML: html.String(), URL: "https://usfijitimes.com/news/trump-putin-phone-call", FeedSite: "https://usfijitimes.com/"}
	return mirror, reprint
}

func TestSeedReprintCreditsMirror(t *testing.T) {
	cfg := DefaultConfig()
	mirror, reprint := seedDocs(t)
	sr := Sign(cfg, reprint, nil)
	if len(sr.Credits) == 0 || sr.Credits[0] != "mirror.co.uk" {
		t.Fatalf("reprint credits = %v, want mirror.co.uk", sr.Credits)
	}
	sm := Sign(cfg, mirror, nil)
	v := Compare(cfg, sr, sm)
	if !v.Duplicate {
		t.Fatalf("reprint vs original: %+v, want duplicate", v)
	}
}

// TestSeedOriginalEitherOrder: the Mirror item is the original whether it
// arrives first or last, and even when the reprint claims an earlier time.
func TestSeedOriginalEitherOrder(t *testing.T) {
	cfg := DefaultConfig()
	mirror, reprint := seedDocs(t)
	t0 := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, mirrorFirst := range []bool{true, false} {
		x, st := NewIndex(cfg), NewMemState()
		docs := []Doc{reprint, mirror}
		pubs := []time.Time{t0.Add(-time.Hour), t0} // the reprint is stamped earlier
		if mirrorFirst {
			docs, pubs = []Doc{mirror, reprint}, []time.Time{t0, t0.Add(-time.Hour)}
		}
		var d Decision
		for i, doc := range docs {
			id := uint64(i + 1)
			sig := Sign(cfg, doc, nil)
			m := Member{Site: doc.FeedSite, URL: doc.URL, Credits: sig.Credits, Published: pubs[i], FirstSeen: t0.Add(time.Duration(i) * time.Minute)}
			st.Put(id, sig, m)
			d = LinkItem(cfg, x, st, id, sig, m, 0)
			st.Apply(d)
			x.Add(id, sig)
		}
		mirrorID := uint64(2)
		if mirrorFirst {
			mirrorID = 1
		}
		if d.Root != mirrorID || d.Chosen != "attribution" || len(d.Links) != 1 || d.Links[0].Reason != "attribution" {
			t.Errorf("mirror first=%v: decision %+v, want the Mirror item (%d) chosen by attribution", mirrorFirst, d, mirrorID)
		}
	}
}
