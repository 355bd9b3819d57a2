package aggregator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// TestStoredItemsAreSignedAgainWhenTextIsReadDifferently: a database whose
// signatures an earlier reading of text made (here, signatures of other
// text, as an older reading makes of the same) has its items signed again
// when a feedfold with a newer reading opens it, so a copy arriving
// afterwards is linked to the stored original. A database at the current
// reading is not signed again on every start, and a signature whose item
// retention dropped is kept.
func TestStoredItemsAreSignedAgainWhenTextIsReadDifferently(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	story := strings.Repeat("Kaupunginvaltuusto päätti maanantaina sataman laajennuksesta, joka maksaa kaksi miljoonaa euroa ja valmistuu ensi vuonna. ", 5)
	other := strings.Repeat("The regional orchestra announced its winter season with three premieres and a touring programme for schools. ", 5)
	item := func(site, guid, title, text string) string {
		return fmt.Sprintf(`<rss version="2.0"><channel><title>%[1]s</title><link>https://%[1]s/</link><item><guid>%[2]s</guid><title>%[3]s</title><link>https://%[1]s/%[2]s</link><pubDate>Fri, 20 Nov 2026 08:00:00 +0000</pubDate><description>%[4]s</description></item></channel></rss>`, site, guid, title, text)
	}
	var copyOnline atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/orig", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, item("orig.example", "o1", "Satama laajenee", story))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, item("gone.example", "g1", "Orchestra season", other))
	})
	mux.HandleFunc("/copy", func(w http.ResponseWriter, r *http.Request) {
		if !copyOnline.Load() {
			fmt.Fprint(w, `<rss version="2.0"><channel><title>copy</title><link>https://copy.example/</link></channel></rss>`)
			return
		}
		fmt.Fprint(w, item("copy.example", "c1", "Satama laajenee", story))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "r.db")
	opts := Options{Now: func() time.Time { return now }}

	a, db := openTestAggregator(t, path, opts)
	subscribe(t, db, srv.URL+"/orig", srv.URL+"/gone", srv.URL+"/copy")
	if s, err := a.Poll(context.Background(), true, nil); err != nil || s.NewItems != 2 {
		t.Fatalf("first poll: %+v %v, want 2 new items", s, err)
	}
	// Make the database one an older reading signed: every signature of
	// other text, no reading recorded; and drop one item, keeping its
	// signature, as retention does.
	signed := signAs(t, db, staleSignature(t), 0)
	ids := map[string]uint64{}
	err := db.View(func(tx *store.Tx) error {
		for id := range signed {
			it, err := tx.Item(id)
			if err != nil {
				return err
			}
			ids[it.Title] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *store.Tx) error { return tx.DeleteItem(ids["Orchestra season"], false) }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	a, db = openTestAggregator(t, path, opts)
	err = db.View(func(tx *store.Tx) error {
		if got := tx.SigReading(); got != dedupe.ReadingVersion {
			t.Errorf("recorded reading %d after opening, want %d", got, dedupe.ReadingVersion)
		}
		if got := tx.Signature(ids["Satama laajenee"]); !bytes.Equal(got, signed[ids["Satama laajenee"]]) {
			t.Error("the stored item's signature is not the one its text gives now")
		}
		if got := tx.Signature(ids["Orchestra season"]); !bytes.Equal(got, staleSignature(t)) {
			t.Error("the signature of an item retention dropped changed")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copyOnline.Store(true)
	s, err := a.Poll(context.Background(), true, nil)
	if err != nil || s.NewItems != 1 || s.Linked != 1 {
		t.Fatalf("poll with the copy: %+v %v, want its 1 new item linked to the stored original", s, err)
	}

	// At the current reading, opening signs nothing again.
	signAs(t, db, staleSignature(t), dedupe.ReadingVersion)
	db.Close()
	_, db = openTestAggregator(t, path, opts)
	defer db.Close()
	err = db.View(func(tx *store.Tx) error {
		if got := tx.Signature(ids["Satama laajenee"]); !bytes.Equal(got, staleSignature(t)) {
			t.Error("a database at the current reading was signed again on opening")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestItemsKeptApartByAnEarlierReadingAreLinked: an original and its copy
// both stored while an earlier reading kept them apart are linked once the
// items are signed again, the copy to the original; a start cut short
// leaves the work for the next.
func TestItemsKeptApartByAnEarlierReadingAreLinked(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	story := strings.Repeat("Kaupunginvaltuusto päätti maanantaina sataman laajennuksesta, joka maksaa kaksi miljoonaa euroa ja valmistuu ensi vuonna. ", 5)
	feed := func(site, guid, date string) string {
		return fmt.Sprintf(`<rss version="2.0"><channel><title>%[1]s</title><link>https://%[1]s/</link><item><guid>%[2]s</guid><title>Satama laajenee</title><link>https://%[1]s/%[2]s</link><pubDate>%[3]s</pubDate><description>%[4]s</description></item></channel></rss>`, site, guid, date, story)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/orig", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, feed("orig.example", "o1", "Fri, 20 Nov 2026 08:00:00 +0000"))
	})
	mux.HandleFunc("/copy", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, feed("copy.example", "c1", "Fri, 20 Nov 2026 09:00:00 +0000"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "r.db")
	opts := Options{Now: func() time.Time { return now }}
	a, db := openTestAggregator(t, path, opts)
	subscribe(t, db, srv.URL+"/orig", srv.URL+"/copy")
	if s, err := a.Poll(context.Background(), true, nil); err != nil || s.NewItems != 2 || s.Linked != 1 {
		t.Fatalf("first poll: %+v %v, want 2 new items, 1 linked", s, err)
	}
	// As an earlier reading left them: apart, each signed otherwise.
	var orig, cp uint64
	was := signAs(t, db, staleSignature(t), 0)
	err := db.Update(func(tx *store.Tx) error {
		for id := range was {
			if tx.Root(id) != id {
				cp = id
			} else {
				orig = id
			}
		}
		return tx.Unlink(cp)
	})
	if err != nil || orig == 0 || cp == 0 {
		t.Fatalf("setting the database back: %v (original %d, copy %d)", err, orig, cp)
	}
	db.Close()

	// A start cut short (here, before its first chunk) records nothing.
	db, err = store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(cancelled, db, opts, nil); err == nil {
		t.Error("a start cancelled while signing again succeeded")
	}
	err = db.View(func(tx *store.Tx) error {
		if got := tx.SigReading(); got != 0 {
			t.Errorf("a start cut short recorded reading %d", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, db = openTestAggregator(t, path, opts)
	defer db.Close()
	err = db.View(func(tx *store.Tx) error {
		if root := tx.Root(cp); root != orig {
			t.Errorf("after opening, the copy's cluster is %d, want the original %d", root, orig)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// staleSignature is a signature of other text, as an earlier reading of
// an item signs it differently from this one.
func staleSignature(t *testing.T) []byte {
	t.Helper()
	b, err := dedupe.Sign(dedupe.DefaultConfig(), dedupe.Doc{Title: "Unrelated", HTML: strings.Repeat("Nothing here reads like either story at all, whatever the reading. ", 5)}, nil).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signAs replaces every stored signature with sig and records reading,
// and returns the signatures it replaced by item id.
func signAs(t *testing.T, db *store.DB, sig []byte, reading uint64) map[uint64][]byte {
	t.Helper()
	was := map[uint64][]byte{}
	err := db.Update(func(tx *store.Tx) error {
		if _, err := tx.SignaturesFrom(0, 1000, func(id uint64, b []byte) error {
			was[id] = bytes.Clone(b)
			return nil
		}); err != nil {
			return err
		}
		for id := range was {
			if err := tx.PutSignature(id, sig); err != nil {
				return err
			}
		}
		return tx.PutSigReading(reading)
	})
	if err != nil {
		t.Fatal(err)
	}
	return was
}

// TestEveryStoredItemIsSignedAgainAsItself: signing again runs on every
// core, so each stored item must get back the signature of its own text,
// under its own id, whatever worker signed it. Dozens of items of three
// feeds, each signed otherwise first, get back exactly the signatures
// polling gave them.
func TestEveryStoredItemIsSignedAgainAsItself(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	words := strings.Fields("harbour council budget river school road bridge museum library festival election hospital station market stadium forest")
	mux := http.NewServeMux()
	for f := range 3 {
		mux.HandleFunc(fmt.Sprintf("/f%d", f), func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>f%[1]d</title><link>https://f%[1]d.example/</link>`, f)
			for i := range 40 {
				var b strings.Builder
				for j := range 60 {
					b.WriteString(words[(i*7+j*(f+3)+j*j)%len(words)] + " ")
				}
				fmt.Fprintf(w, `<item><guid>f%[1]d-%[2]d</guid><title>Report %[2]d of site %[1]d</title><link>https://f%[1]d.example/%[2]d</link><description>%[3]s</description></item>`, f, i, b.String())
			}
			fmt.Fprint(w, `</channel></rss>`)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "r.db")
	opts := Options{Now: func() time.Time { return now }}
	a, db := openTestAggregator(t, path, opts)
	subscribe(t, db, srv.URL+"/f0", srv.URL+"/f1", srv.URL+"/f2")
	if s, err := a.Poll(context.Background(), true, nil); err != nil || s.NewItems != 120 {
		t.Fatalf("poll: %+v %v, want 120 new items", s, err)
	}
	was := signAs(t, db, staleSignature(t), 0)
	distinct := map[string]bool{}
	for _, sig := range was {
		distinct[string(sig)] = true
	}
	if len(distinct) < 100 {
		t.Fatalf("only %d distinct signatures among 120 items: the test cannot tell items apart", len(distinct))
	}
	db.Close()

	_, db = openTestAggregator(t, path, opts)
	defer db.Close()
	err := db.View(func(tx *store.Tx) error {
		for id, sig := range was {
			if !bytes.Equal(tx.Signature(id), sig) {
				t.Errorf("item %d was signed again as other text than its own", id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenedAggregatorWorksOnceRunPrepares: an aggregator from Open (as
// serve builds it, to answer reader apps at once) refuses what needs the
// fingerprint index with ErrPreparing until it is prepared; a shutdown
// while Run prepares is a clean stop that leaves the work to the next
// start.
func TestOpenedAggregatorWorksOnceRunPrepares(t *testing.T) {
	story := strings.Repeat("The harbour extension was approved by the council on Monday at a cost of two million euros. ", 5)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>s</title><link>https://s.example/</link><item><guid>1</guid><title>Harbour</title><link>https://s.example/1</link><description>%s</description></item></channel></rss>`, story)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "r.db")
	opts := Options{Fetch: FetchOptions{AllowPrivateNetworks: true, Timeout: 5 * time.Second}}
	a, db := openTestAggregator(t, path, opts)
	subscribe(t, db, srv.URL+"/a")
	if _, err := a.Poll(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	signAs(t, db, staleSignature(t), 0) // so preparing has work to do
	db.Close()

	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err = Open(db, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.Poll(ctx, true, nil); !errors.Is(err, ErrPreparing) {
		t.Errorf("Poll before Prepare: %v, want ErrPreparing", err)
	}
	if _, err := a.Subscribe(ctx, srv.URL+"/b", ""); !errors.Is(err, ErrPreparing) {
		t.Errorf("Subscribe before Prepare: %v, want ErrPreparing", err)
	}
	if a.Stats().Prepared {
		t.Error("Stats says prepared before Prepare")
	}

	// Shut down while Run prepares: a clean stop, nothing recorded.
	stopped, stop := context.WithCancel(ctx)
	stop()
	if err := a.Run(stopped); err != nil {
		t.Errorf("Run stopped while preparing: %v, want a clean stop", err)
	}
	db.View(func(tx *store.Tx) error {
		if got := tx.SigReading(); got != 0 {
			t.Errorf("a preparation cut short recorded reading %d", got)
		}
		return nil
	})

	// The next start prepares, and then polls and subscribes.
	a, err = Open(db, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	if !a.Stats().Prepared {
		t.Error("Stats says unprepared after Prepare")
	}
	if _, err := a.Subscribe(ctx, srv.URL+"/b", ""); err != nil {
		t.Errorf("Subscribe once prepared: %v", err)
	}
	if s, err := a.Poll(ctx, true, nil); err != nil || s.Feeds != 2 || len(s.Failed) != 0 {
		t.Errorf("Poll once prepared: %+v %v, want both feeds polled", s, err)
	}
}
