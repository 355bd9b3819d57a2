package aggregator

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedfold/feedfold/store"
)

// TestRestartResumesScheduleAndIndex: after a restart the schedule comes
// from the database (nothing is due right away, everything is once its
// time comes), and the fingerprint index is restored, so a copy that
// arrives after the restart is still linked to its original.
func TestRestartResumesScheduleAndIndex(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	story := strings.Repeat("The central bank held its main rate at four percent on Thursday, citing sticky services inflation and a weak housing market. ", 6)
	var copyOnline atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/orig", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Orig</title><link>https://orig.example/</link><item><guid>o1</guid><title>Bank holds rates</title><link>https://orig.example/1</link><pubDate>Fri, 20 Nov 2026 08:00:00 +0000</pubDate><description>%s</description></item></channel></rss>`, story)
	})
	mux.HandleFunc("/copy", func(w http.ResponseWriter, r *http.Request) {
		if !copyOnline.Load() {
			fmt.Fprint(w, `<rss version="2.0"><channel><title>Copy</title><link>https://copy.example/</link></channel></rss>`)
			return
		}
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Copy</title><link>https://copy.example/</link><item><guid>c1</guid><title>Bank holds rates</title><link>https://copy.example/x</link><pubDate>Fri, 20 Nov 2026 09:00:00 +0000</pubDate><description>%s</description></item></channel></rss>`, story)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "r.db")
	open := func() (*Aggregator, *store.DB) {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := New(context.Background(), db, Options{Fetch: FetchOptions{AllowPrivateNetworks: true}, Now: clock}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a, db
	}
	a, db := open()
	subscribe(t, db, srv.URL+"/orig", srv.URL+"/copy")
	if s, err := a.Poll(context.Background(), false, nil); err != nil || s.Fetched != 2 {
		t.Fatalf("first poll: %+v %v", s, err)
	}
	db.Close()

	a, db = open()
	defer db.Close()
	if s, _ := a.Poll(context.Background(), false, nil); s.Feeds != 0 {
		t.Fatalf("right after restart %d feeds were due, want 0", s.Feeds)
	}
	copyOnline.Store(true)
	now = now.Add(25 * time.Hour) // past the longest interval
	s, err := a.Poll(context.Background(), false, nil)
	if err != nil || s.Feeds != 2 || s.NewItems != 1 || s.Linked != 1 {
		t.Fatalf("poll after the schedule came due: %+v %v, want 2 feeds, 1 new item linked", s, err)
	}
}

func TestRetentionKeepsStarredAndRecent(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, rssFeed("R", "r", 3, now)) }))
	defer srv.Close()
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, srv.URL)
	if _, err := a.Poll(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	var starred uint64
	db.Update(func(tx *store.Tx) error {
		tx.Items(store.ItemQuery{Limit: 1}, func(it store.Item) bool { starred = it.ID; return false })
		return tx.SetItemFlags(0, starred, store.Starred, 0)
	})
	a.opts.RetentionDays = 30
	if n, err := a.Purge(context.Background()); err != nil || n != 0 {
		t.Fatalf("purge of fresh items removed %d (%v)", n, err)
	}
	// An archive published years ago but first seen now is not purged;
	// thirty-one days later everything but the starred item goes.
	a.opts.Now = func() time.Time { return now.Add(31 * 24 * time.Hour) }
	n, err := a.Purge(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("purge removed %d (%v), want 2", n, err)
	}
	db.View(func(tx *store.Tx) error {
		if c := tx.CountItems(); c != 1 {
			t.Errorf("items left = %d, want the starred one", c)
		}
		if _, err := tx.Item(starred); err != nil {
			t.Errorf("starred item purged: %v", err)
		}
		return nil
	})
	// The purged items shared a compressed group with the starred one: it
	// stays, counted right.
	if err := db.Check(); err != nil {
		t.Errorf("Check after purge: %v", err)
	}
}

// TestShutdownMidPollIsNotAnError: stopping the scheduler while a feed is
// still being fetched commits what was fetched and says so at info level;
// "poll failed" at error level on every ordinary stop sent operators
// looking for a fault.
func TestShutdownMidPollIsNotAnError(t *testing.T) {
	started := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "agg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logs safeBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := New(context.Background(), db, Options{Fetch: FetchOptions{AllowPrivateNetworks: true}}, log)
	if err != nil {
		t.Fatal(err)
	}
	subscribe(t, db, srv.URL+"/slow")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler never fetched the feed")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := logs.String()
	if strings.Contains(out, "level=ERROR") || !strings.Contains(out, "poll stopped by shutdown") {
		t.Errorf("log of a shutdown mid-poll:\n%s", out)
	}
}

// safeBuffer is a bytes.Buffer for a logger that goroutines share.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
