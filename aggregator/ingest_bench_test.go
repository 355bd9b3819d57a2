package aggregator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// benchFeed renders a feed of m items of about 3 KB of HTML each.
func benchFeed(f, m int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Site %d</title><link>https://site%d.example/</link>`, f, f)
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for i := 0; i < m; i++ {
		r := rand.New(rand.NewPCG(uint64(f), uint64(i)))
		var body strings.Builder
		for body.Len() < 3000 {
			body.WriteString("<p>")
			for w := 0; w < 40; w++ {
				fmt.Fprintf(&body, "w%d ", r.IntN(3000))
			}
			body.WriteString(".</p>")
		}
		fmt.Fprintf(&b, `<item><title>Story %d of site %d w%d</title><link>https://site%d.example/%d</link><guid>s%d-%d</guid><pubDate>%s</pubDate><description>summary %d</description><content:encoded><![CDATA[%s]]></content:encoded></item>`,
			i, f, r.IntN(1000), f, i, f, i, base.Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z), i, body.String())
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// BenchmarkIngest polls 100 feeds × 50 items from loopback into a fresh
// database (fsync on), end to end.
func BenchmarkIngest(b *testing.B) {
	const feeds, items = 100, 50
	bodies := make([]string, feeds)
	total := 0
	for i := range bodies {
		bodies[i] = benchFeed(i, items)
		total += len(bodies[i])
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/%d", &n)
		fmt.Fprint(w, bodies[n])
	}))
	defer srv.Close()
	b.SetBytes(int64(total))
	urls := make([]string, feeds)
	for f := range urls {
		urls[f] = fmt.Sprintf("%s/%d", srv.URL, f)
	}
	for b.Loop() {
		pollFresh(b, urls, feeds*items)
	}
}

// pollFresh polls urls once into a fresh database on disk (fsync on),
// timing the poll alone, and fails unless it stores want new items.
func pollFresh(b *testing.B, urls []string, want int) {
	b.StopTimer()
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// Closing is setup too; the timer runs again for the next iteration.
	defer func() { db.Close(); b.StartTimer() }()
	a, err := New(context.Background(), db, Options{Fetch: FetchOptions{AllowPrivateNetworks: true}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	subscribe(b, db, urls...)
	b.StartTimer()
	sum, err := a.Poll(context.Background(), true, nil)
	b.StopTimer()
	if err != nil || sum.NewItems != want {
		b.Fatalf("poll: %+v %v, want %d new items", sum, err, want)
	}
}

// BenchmarkIngestRepeatedDescription polls one feed of 2,000 items that
// all carry the same description (a podcast's show notes on every
// episode) into a fresh database: every item's body fingerprint and
// shingle keys are the same, which made each new item verify against
// every earlier one (3.4 s for 2,000 items, about a minute for 9,000)
// until lookups nominated only a crowded neighbourhood's newest items.
func BenchmarkIngestRepeatedDescription(b *testing.B) {
	const items = 2000
	var body strings.Builder
	body.WriteString(`<rss version="2.0"><channel><title>Show</title><link>https://show.example/</link>`)
	for i := range items {
		fmt.Fprintf(&body, `<item><guid>e%d</guid><title>Episode %d</title><link>https://show.example/%d</link><description>%s</description></item>`,
			i, i, i, strings.Repeat("The weekly show about the things we like, with our guests and your letters. ", 3))
	}
	body.WriteString(`</channel></rss>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body.String()) }))
	defer srv.Close()
	for b.Loop() {
		pollFresh(b, []string{srv.URL + "/show"}, items)
	}
}

// BenchmarkParseOnly and BenchmarkSignOnly measure, on the same feed bytes
// (MB/s of feed XML), gofeed parsing alone and feedfold's dedupe work alone
// (text analysis, boilerplate learning, signing): the issue's "fingerprinting
// must not become the ingest bottleneck" comparison.
func BenchmarkParseOnly(b *testing.B) {
	bodies, total := benchBodies(20, 50)
	b.SetBytes(int64(total))
	for i := 0; i < b.N; i++ {
		for _, body := range bodies {
			if _, err := newParser(nil).Parse(strings.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseLifted is BenchmarkParseOnly the way Parse runs gofeed:
// large CDATA sections lifted out of its way (see liftSections).
func BenchmarkParseLifted(b *testing.B) {
	bodies, total := benchBodies(20, 50)
	b.SetBytes(int64(total))
	for i := 0; i < b.N; i++ {
		for _, body := range bodies {
			if _, err := parseFeed([]byte(body), gofeed.FeedTypeRSS); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSignOnly(b *testing.B) {
	bodies, total := benchBodies(20, 50)
	var feeds [][]store.Item
	for _, body := range bodies {
		pf, err := Parse([]byte(body), "", "https://bench.example/", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		feeds = append(feeds, pf.Items)
	}
	cfg := dedupe.DefaultConfig()
	var az dedupe.Analyzer // as a poll's worker does
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, items := range feeds {
			az.Reset()
			bp := dedupe.NewBoilerplate(cfg)
			texts := make([]*dedupe.Text, len(items))
			for j, it := range items {
				texts[j] = az.Analyze(docOf(it, "https://bench.example/"))
				bp.ObserveText(texts[j])
			}
			for _, t := range texts {
				dedupe.SignText(cfg, t, bp)
			}
		}
	}
}

func benchBodies(feeds, items int) ([]string, int) {
	bodies := make([]string, feeds)
	total := 0
	for i := range bodies {
		bodies[i] = benchFeed(i, items)
		total += len(bodies[i])
	}
	return bodies, total
}
