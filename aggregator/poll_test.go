package aggregator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// rss renders a small RSS 2.0 feed whose items are "<prefix>-<i>".
func rssFeed(title, prefix string, n int, base time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>https://%s.example/</link>`, title, prefix)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<item><title>%s story %d about the number %d</title><link>https://%s.example/story/%d</link><guid>%s-%d</guid><pubDate>%s</pubDate><description>Story %d of %s: %s</description></item>`,
			prefix, i, i*7919, prefix, i, prefix, i, base.Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z), i, prefix, strings.Repeat(fmt.Sprintf("%s unique words %d ", prefix, i*31), 5))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func newTestAggregator(t *testing.T, now func() time.Time) (*Aggregator, *store.DB) {
	t.Helper()
	return newTestAggregatorWith(t, Options{Now: now})
}

// newTestAggregatorWith is newTestAggregator with opts (whose Fetch options
// it sets to allow loopback with a short timeout).
func newTestAggregatorWith(t *testing.T, opts Options) (*Aggregator, *store.DB) {
	t.Helper()
	a, db := openTestAggregator(t, filepath.Join(t.TempDir(), "agg.db"), opts)
	t.Cleanup(func() { db.Close() })
	return a, db
}

// openTestAggregator opens (or reopens, as a restart does) the database
// at path and an aggregator on it, as newTestAggregatorWith; the caller
// closes the database.
func openTestAggregator(t *testing.T, path string, opts Options) (*Aggregator, *store.DB) {
	t.Helper()
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	opts.Fetch = FetchOptions{AllowPrivateNetworks: true, Timeout: 5 * time.Second}
	a, err := New(context.Background(), db, opts, nil)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	return a, db
}

func subscribe(t testing.TB, db *store.DB, urls ...string) {
	t.Helper()
	err := db.Update(func(tx *store.Tx) error {
		for _, u := range urls {
			if err := tx.AddFeed(&store.Feed{URL: u}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func feedByURL(t *testing.T, db *store.DB, u string) store.Feed {
	t.Helper()
	var f store.Feed
	if err := db.View(func(tx *store.Tx) (err error) { f, err = tx.FeedByURL(u); return err }); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPollConditionalGetStoresNothingTwice(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	body := rssFeed("Alpha", "alpha", 5, now)
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, srv.URL+"/feed")

	s1, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Fetched != 1 || s1.NewItems != 5 || len(s1.Failed) != 0 {
		t.Fatalf("first poll = %+v, want 1 fetched, 5 new", s1)
	}
	f := feedByURL(t, db, srv.URL+"/feed")
	if f.ETag != `"v1"` || f.Title != "Alpha" || f.LastStatus != 200 || f.LastError != "" {
		t.Errorf("feed after poll = %+v", f)
	}
	if !f.NextPoll.After(now) {
		t.Errorf("next poll %v not after now", f.NextPoll)
	}
	s2, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s2.NotModified != 1 || s2.NewItems != 0 || conditional.Load() != 1 {
		t.Fatalf("second poll = %+v (conditional requests %d), want one 304 and nothing new", s2, conditional.Load())
	}
	// Not due: a due-only poll fetches nothing (the schedule is in the DB).
	s3, _ := a.Poll(context.Background(), false, nil)
	if s3.Feeds != 0 {
		t.Errorf("due-only poll right after polling fetched %d feeds", s3.Feeds)
	}
}

func TestPollFailuresAreRecordedPerFeed(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, rssFeed("OK", "ok", 3, now)) })
	mux.HandleFunc("/404", http.NotFound)
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<rss><channel><item><title>unterminated`) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>big</title>`)
		chunk := strings.Repeat("x", 64<<10)
		for i := 0; i < 200; i++ {
			fmt.Fprint(w, "<!--"+chunk+"-->")
		}
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, rssFeed("Moved", "moved", 2, now)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	a, db := newTestAggregator(t, func() time.Time { return now })
	a.fetcher = NewFetcher(FetchOptions{AllowPrivateNetworks: true, Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20})
	paths := []string{"/ok", "/404", "/500", "/gone", "/busy", "/broken", "/big", "/old"}
	var urls []string
	for _, p := range paths {
		urls = append(urls, srv.URL+p)
	}
	subscribe(t, db, urls...)
	sum, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Fetched != 2 || sum.NewItems != 5 || len(sum.Failed) != 6 {
		t.Fatalf("summary = %+v, want 2 fetched (ok, moved), 5 new items, 6 failed", sum)
	}
	cases := []struct {
		path     string
		status   int
		errPart  string
		disabled bool
	}{
		{"/404", 404, "404", false},
		{"/500", 500, "500", false},
		{"/gone", 410, "410", true},
		{"/busy", 429, "429", false},
		{"/broken", 200, "", false},
		{"/big", 200, "", false},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			f := feedByURL(t, db, srv.URL+c.path)
			if f.LastError == "" || !strings.Contains(f.LastError, c.errPart) {
				t.Errorf("last_error = %q, want it to mention %q", f.LastError, c.errPart)
			}
			if c.status != 200 && f.LastStatus != c.status {
				t.Errorf("last_status = %d, want %d", f.LastStatus, c.status)
			}
			if f.Disabled != c.disabled {
				t.Errorf("disabled = %v, want %v", f.Disabled, c.disabled)
			}
			if f.Failures != 1 || !f.NextPoll.After(now) {
				t.Errorf("failures = %d next poll = %v, want 1 and a backoff", f.Failures, f.NextPoll)
			}
		})
	}
	if f := feedByURL(t, db, srv.URL+"/busy"); f.NextPoll.Before(now.Add(2 * time.Hour)) {
		t.Errorf("429 with Retry-After 7200: next poll %v is sooner than 2h", f.NextPoll)
	}
	// The permanent redirect moved the subscription.
	if f := feedByURL(t, db, srv.URL+"/new"); f.Title != "Moved" {
		t.Errorf("redirected feed = %+v", f)
	}
	// A disabled feed is not polled again.
	sum, _ = a.Poll(context.Background(), true, nil)
	for _, fl := range sum.Failed {
		if strings.HasSuffix(fl.URL, "/gone") {
			t.Error("410 feed polled again")
		}
	}
}

func TestPollPerHostLimit(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	cur, peak := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		cur--
		mu.Unlock()
		fmt.Fprint(w, rssFeed("F", "f"+strings.Trim(r.URL.Path, "/"), 1, now))
	}))
	defer srv.Close()
	a, db := newTestAggregator(t, func() time.Time { return now })
	var urls []string
	for i := 0; i < 12; i++ {
		urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	subscribe(t, db, urls...)
	sum, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Fetched != 12 {
		t.Fatalf("fetched %d, want 12 (%+v)", sum.Fetched, sum.Failed)
	}
	if peak > 2 {
		t.Errorf("peak concurrent requests to one host = %d, want <= 2", peak)
	}
}

// TestHostSlotFreedOnceFetched: a host's connection limit guards the
// server, so a feed gives its slot back once its body is in, not after it
// is parsed: the next feed of a busy host is fetched while the cores parse.
// Here no feed can parse (every parsing slot is taken) until both feeds of
// a one-connection host have been requested.
func TestHostSlotFreedOnceFetched(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	requested := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requested <- r.URL.Path
		fmt.Fprint(w, rssFeed("F", "f"+strings.Trim(r.URL.Path, "/"), 1, now))
	}))
	defer srv.Close()
	a, db := newTestAggregatorWith(t, Options{Workers: 2, PerHost: 1, Now: func() time.Time { return now }})
	subscribe(t, db, srv.URL+"/1", srv.URL+"/2")
	var held []*dedupe.Analyzer
	for range cap(a.slots.analyzers) {
		held = append(held, <-a.slots.analyzers)
	}
	polled := make(chan error, 1)
	go func() { _, err := a.Poll(context.Background(), true, nil); polled <- err }()
	for range 2 {
		select {
		case <-requested:
		case <-time.After(5 * time.Second):
			t.Fatal("the second feed of the host was not requested while the first waited to be parsed")
		}
	}
	for _, az := range held {
		a.slots.analyzers <- az
	}
	if err := <-polled; err != nil {
		t.Fatal(err)
	}
}

// pollChangingFeed serves body (which the test may change) as one feed,
// subscribes to it and polls it once.
func pollChangingFeed(t *testing.T, body *atomic.Value) (*Aggregator, *store.DB) {
	t.Helper()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body.Load()) }))
	t.Cleanup(srv.Close)
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, srv.URL)
	if _, err := a.Poll(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	return a, db
}

func TestChangedItemUpdatedInPlace(t *testing.T) {
	var body atomic.Value
	body.Store(`<rss version="2.0"><channel><title>C</title><item><guid>g1</guid><title>First title</title><link>https://c.example/1</link><description>old text</description></item></channel></rss>`)
	a, db := pollChangingFeed(t, &body)
	body.Store(`<rss version="2.0"><channel><title>C</title><item><guid>g1</guid><title>Corrected title</title><link>https://c.example/1</link><description>new text</description></item></channel></rss>`)
	sum, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewItems != 0 || sum.Updated != 1 {
		t.Fatalf("second poll = %+v, want 0 new, 1 updated", sum)
	}
	db.View(func(tx *store.Tx) error {
		if n := tx.CountItems(); n != 1 {
			t.Errorf("items = %d, want 1", n)
		}
		return tx.Items(store.ItemQuery{}, func(it store.Item) bool {
			if it.Title != "Corrected title" {
				t.Errorf("title = %q, want the corrected one", it.Title)
			}
			return true
		})
	})
	// The item left the compressed group its first version was stored in,
	// which went with it.
	if err := db.Check(); err != nil {
		t.Errorf("Check after the update: %v", err)
	}
}

// TestItemWithEarlierHashIsUnchanged: items stored by a version that hashed
// content with FNV-1a are recognised as unchanged, not rewritten, when
// their feed repeats them; a real change still updates them.
func TestItemWithEarlierHashIsUnchanged(t *testing.T) {
	var body atomic.Value
	body.Store(`<rss version="2.0"><channel><title>C</title><item><guid>g1</guid><title>Title</title><link>https://c.example/1</link><description>text</description></item></channel></rss>`)
	a, db := pollChangingFeed(t, &body)
	// Store the item as the earlier version did: FNV-1a content hash.
	if err := db.Update(func(tx *store.Tx) error {
		var it store.Item
		tx.Items(store.ItemQuery{}, func(i store.Item) bool { it = i; return false })
		full, err := tx.Item(it.ID)
		if err != nil {
			return err
		}
		if full.Hash != contentHash(full) {
			t.Errorf("stored hash %x, want contentHash %x", full.Hash, contentHash(full))
		}
		full.Hash = legacyContentHash(full)
		return tx.UpdateItem(full)
	}); err != nil {
		t.Fatal(err)
	}
	sum, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewItems != 0 || sum.Updated != 0 {
		t.Fatalf("repeat poll = %+v, want nothing new or updated", sum)
	}
	body.Store(strings.Replace(body.Load().(string), "<description>text", "<description>changed text", 1))
	if sum, err = a.Poll(context.Background(), true, nil); err != nil || sum.Updated != 1 {
		t.Fatalf("poll after a change = %+v, %v; want 1 updated", sum, err)
	}
}

func TestSameURLAcrossFeedsIsLinked(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>A</title><item><guid>a1</guid><title>Shared story</title><link>https://news.example/story?id=1</link><description>Text one.</description></item></channel></rss>`)
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>B</title><item><guid>b1</guid><title>Shared story (via B)</title><link>HTTPS://News.Example:443/story?id=1&amp;utm_source=rss#top</link><description>Entirely other words here.</description></item></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, srv.URL+"/a")
	if _, err := a.Poll(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	subscribe(t, db, srv.URL+"/b")
	sum, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Linked != 1 {
		t.Fatalf("linked = %d, want 1", sum.Linked)
	}
	db.View(func(tx *store.Tx) error {
		var canon []store.Item
		tx.Items(store.ItemQuery{}, func(it store.Item) bool { canon = append(canon, it); return true })
		if len(canon) != 1 || canon[0].Title != "Shared story" {
			t.Fatalf("canonical = %+v, want only the first item", canon)
		}
		c := tx.Copies(canon[0].ID)
		if len(c) != 1 || c[0].Reason != "same-url" {
			t.Errorf("copies = %+v, want one same-url", c)
		}
		return nil
	})
}

// TestPollEmptyAndHugeFeeds: a valid feed with no items is a success with
// nothing stored; a feed of 50,000 items is stored whole, with the other
// feed of the poll unaffected.
func TestPollEmptyAndHugeFeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 items")
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var huge strings.Builder
	huge.WriteString(`<rss version="2.0"><channel><title>Huge</title>`)
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&huge, `<item><guid>h%d</guid><title>Entry %d</title><link>https://huge.example/%d</link></item>`, i, i, i)
	}
	huge.WriteString(`</channel></rss>`)
	// A second body over bigBodyBytes: the two wait for the one big-feed
	// slot in turn, and both land.
	var huge2 strings.Builder
	huge2.WriteString(`<rss version="2.0"><channel><title>Huge too</title>`)
	for i := 0; huge2.Len() <= bigBodyBytes; i++ {
		fmt.Fprintf(&huge2, `<item><guid>k%d</guid><title>Another entry %d with a longer title</title><link>https://huge2.example/%d</link><description>%s</description></item>`, i, i, i, strings.Repeat("word ", 250))
	}
	huge2.WriteString(`</channel></rss>`)
	n2 := strings.Count(huge2.String(), "<item>")
	mux := http.NewServeMux()
	mux.HandleFunc("/huge2", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, huge2.String()) })
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Empty</title></channel></rss>`)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, huge.String()) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, rssFeed("OK", "ok", 3, now)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, srv.URL+"/empty", srv.URL+"/huge", srv.URL+"/huge2", srv.URL+"/ok")
	sum, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Fetched != 4 || sum.NewItems != 50003+n2 || len(sum.Failed) != 0 {
		t.Fatalf("summary = %+v, want 4 fetched and %d new items", sum, 50003+n2)
	}
	if f := feedByURL(t, db, srv.URL+"/empty"); f.LastError != "" || f.Title != "Empty" {
		t.Errorf("empty feed recorded as %+v", f)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// Feeds fetched close together share a write transaction (one commit and
// its fsyncs for several feeds), rather than each committing alone
// whenever the writer happens to find the queue empty; a batch ends at
// BatchFeeds feeds or BatchItems new items.
func TestPollBatchesFeedsThatArriveTogether(t *testing.T) {
	for _, tc := range []struct {
		feeds, items int
		want         []int
	}{
		{feeds: 4, items: 200, want: []int{4, 8, 10}},
		{feeds: 16, items: 6, want: []int{2, 4, 6, 8, 10}}, // 3 items a feed
	} {
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rssFeed("F", "f"+strings.Trim(r.URL.Path, "/"), 3, now))
		}))
		defer srv.Close()
		a, db := newTestAggregatorWith(t, Options{
			Now:        func() time.Time { return now },
			BatchFeeds: tc.feeds,
			BatchItems: tc.items,
			// Longer than the test: only a full batch or the poll's end commits.
			BatchLinger: time.Minute,
		})
		var urls []string
		for i := 0; i < 10; i++ {
			urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
		}
		subscribe(t, db, urls...)
		var commits []int
		sum, err := a.Poll(context.Background(), true, func(done, total int) { commits = append(commits, done) })
		if err != nil {
			t.Fatal(err)
		}
		if sum.Fetched != 10 || sum.NewItems != 30 {
			t.Fatalf("poll = %+v, want 10 fetched, 30 new", sum)
		}
		if !slices.Equal(commits, tc.want) {
			t.Errorf("BatchFeeds %d, BatchItems %d: feeds committed after each transaction = %v, want %v", tc.feeds, tc.items, commits, tc.want)
		}
		var items int
		db.View(func(tx *store.Tx) error { items = tx.CountItems(); return nil })
		if items != 30 {
			t.Errorf("stored %d items, want 30", items)
		}
	}
}

// TestChunkedPrepareSignsAsOnePass: a feed with more new items than
// analyzeChunk is read twice, a chunk at a time, to bound memory; its
// signatures and records must be exactly those of reading it in one pass,
// learned boilerplate included.
func TestChunkedPrepareSignsAsOnePass(t *testing.T) {
	a, db := newTestAggregatorWith(t, Options{})
	subscribe(t, db, "https://big.example/feed")
	var f store.Feed
	db.View(func(tx *store.Tx) (err error) { f, err = tx.FeedByURL("https://big.example/feed"); return err })
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Big</title><link>https://big.example/</link>`)
	for i := range 40 {
		r := rand.New(rand.NewPCG(9, uint64(i)))
		var words []string
		for range 120 {
			words = append(words, fmt.Sprintf("w%d", r.IntN(500)))
		}
		// A line in every item, and one in the last quarter only (learned
		// only if every item is observed, chunks after the first too).
		late := ""
		if i >= 30 {
			late = "<p>Our reporters in the northern valley filed this dispatch late on Friday evening.</p>"
		}
		fmt.Fprintf(&b, `<item><guid>%d</guid><title>Story %d</title><link>https://big.example/%d</link><description><![CDATA[<p>The Big Example Gazette is an independent newspaper founded in Springfield.</p><p>%s.</p>%s]]></description></item>`, i, i, i, strings.Join(words, " "), late)
	}
	b.WriteString(`</channel></rss>`)
	pf, err := Parse([]byte(b.String()), "", f.URL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	prepare := func(chunk int) []prepared {
		res := &feedResult{feed: f}
		for _, it := range pf.Items {
			it.FeedID = f.ID
			res.items = append(res.items, prepared{item: it})
		}
		var az dedupe.Analyzer
		if err := a.prepareInChunks(&az, res, dedupe.NewBoilerplate(a.opts.Dedupe), "https://big.example/", chunk); err != nil {
			t.Fatal(err)
		}
		return res.items
	}
	one, chunked := prepare(len(pf.Items)+1), prepare(7)
	for i := range one {
		if !bytes.Equal(one[i].sigBytes, chunked[i].sigBytes) || !reflect.DeepEqual(one[i].enc, chunked[i].enc) {
			t.Fatalf("item %d differs when prepared in chunks of 7", i)
		}
	}
	// Both lines were learned: they are not in the signatures.
	var az dedupe.Analyzer
	plain := dedupe.SignText(a.opts.Dedupe, az.Analyze(docOf(pf.Items[39], "https://big.example/")), nil)
	if plain.Words != one[39].sig.Words+11+13 {
		t.Errorf("item 39: %d words unlearned, %d learned; want the two shared lines (24 words) learned: the test no longer covers learning", plain.Words, one[39].sig.Words)
	}
}

// TestUnchangedBodyWithoutValidatorsIsNotParsed: a server that sends no
// ETag or Last-Modified answers 200 every time; when the body is the one
// whose items the last poll stored, the poll counts it as not modified and
// neither parses nor writes it. A changed body is parsed again.
func TestUnchangedBodyWithoutValidatorsIsNotParsed(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	body := rssFeed("Alpha", "alpha", 5, now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, srv.URL+"/feed")
	if s, _ := a.Poll(context.Background(), true, nil); s.Fetched != 1 || s.NewItems != 5 {
		t.Fatalf("first poll = %+v, want 1 fetched, 5 new", s)
	}
	if s, _ := a.Poll(context.Background(), true, nil); s.NotModified != 1 || s.Fetched != 0 {
		t.Errorf("second poll of the same body = %+v, want it not modified", s)
	}
	if f := feedByURL(t, db, srv.URL+"/feed"); f.LastStatus != 200 || f.LastError != "" || f.BodyHash == 0 {
		t.Errorf("feed after the unchanged poll = %+v", f)
	}
	mu.Lock()
	body = rssFeed("Alpha", "alpha", 6, now)
	mu.Unlock()
	if s, _ := a.Poll(context.Background(), true, nil); s.Fetched != 1 || s.NewItems != 1 {
		t.Errorf("poll of a changed body = %+v, want 1 fetched, 1 new", s)
	}
	// A hash stored by a version that read bodies differently (here: the
	// bare xxHash, without readsVersion) does not skip the same body.
	f := feedByURL(t, db, srv.URL+"/feed")
	f.BodyHash = xxhash.Sum64String(body)
	if err := db.Update(func(tx *store.Tx) error { return tx.PutFeed(f) }); err != nil {
		t.Fatal(err)
	}
	if s, _ := a.Poll(context.Background(), true, nil); s.Fetched != 1 {
		t.Errorf("poll of a body hashed by another version = %+v, want it read again", s)
	}
}

// TestFailedResultKeepsStoredValidators: a fetch that failed after its
// response arrived (its items never stored) must not leave its validators
// or body hash on the feed, or the next poll would get a 304, or skip the
// same body, and lose those items for good.
func TestFailedResultKeepsStoredValidators(t *testing.T) {
	a, db := newTestAggregator(t, time.Now)
	subscribe(t, db, "http://stored.example/feed")
	f := feedByURL(t, db, "http://stored.example/feed")
	err := db.Update(func(tx *store.Tx) error {
		f.ETag, f.BodyHash = `"stored"`, 1
		if err := tx.PutFeed(f); err != nil {
			return err
		}
		failed := f
		failed.ETag, failed.LastModified, failed.BodyHash = `"new"`, "Fri, 20 Nov 2026 12:00:00 GMT", 2
		var journal []indexOp
		_, err := a.apply(tx, a.failed(failed, errors.New("encoding the items failed")), &journal)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := feedByURL(t, db, "http://stored.example/feed"); got.ETag != `"stored"` || got.LastModified != "" || got.BodyHash != 1 || got.LastError == "" {
		t.Errorf("after a failed result the feed is %+v, want the stored validators and the error", got)
	}
}
