package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// BenchmarkReaderSync measures the requests a reader app makes at every
// sync against a database of 20,000 items (100 feeds × 200, stored as
// polling stores them: each feed's bodies compressed together), nine in
// ten read and one in a hundred starred: the unread counts, the Fever
// unread ids and pages of items by id, a page of unread items, the
// starred items. Counts and filters walk every canonical item's metadata;
// Fever's pages seek by id; only the items a response shows are
// decompressed.
func BenchmarkReaderSync(b *testing.B) {
	const feeds, perFeed = 100, 200
	db, err := store.Open(filepath.Join(b.TempDir(), "sync.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	words := strings.Fields("harbour council budget river school road bridge museum library festival election hospital station market")
	for f := 1; f <= feeds; f++ {
		items := make([]store.Item, perFeed)
		for i := range items {
			var text strings.Builder
			for j := range 400 {
				text.WriteString(words[(f*31+i*7+j*j)%len(words)] + " ")
			}
			u := fmt.Sprintf("https://site%d.example/%d", f, i)
			items[i] = store.Item{FeedID: uint64(f), Key: u, URL: u, NormURL: u, Title: fmt.Sprintf("Story %d of site %d", i, f),
				Content: "<p>" + text.String() + "</p>", Published: base.Add(time.Duration(f*perFeed+i) * time.Minute), FirstSeen: base, Hash: uint64(f*perFeed + i + 1)}
		}
		enc, err := db.EncodeItems(items)
		if err != nil {
			b.Fatal(err)
		}
		err = db.Update(func(tx *store.Tx) error {
			if err := tx.AddFeed(&store.Feed{URL: fmt.Sprintf("https://site%d.example/feed", f), Category: fmt.Sprintf("c%d", f%5)}); err != nil {
				return err
			}
			for i, e := range enc {
				it, err := tx.InsertEncoded(e)
				if err != nil {
					return err
				}
				var set store.Flags
				if i%10 != 0 {
					set |= store.Read
				}
				if i%100 == 1 {
					set |= store.Starred
				}
				if err := tx.SetItemFlags(user, it.ID, set, 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	agg, err := aggregator.New(context.Background(), db, aggregator.Options{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	_, h, err := New(db, agg, Options{User: "user", Password: "secret"}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	api := httptest.NewServer(h)
	defer api.Close()
	gr := grLogin(b, api)
	fever := url.Values{"api_key": {feverKey("user", "secret")}}
	for _, c := range []struct {
		name, method, path string
		form               url.Values
	}{
		{"greader-unread-count", "GET", "/reader/api/0/unread-count?output=json", nil},
		{"greader-unread-page", "GET", "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=50&xt=user/-/state/com.google/read", nil},
		{"greader-starred-ids", "GET", "/reader/api/0/stream/items/ids?s=user/-/state/com.google/starred&n=1000", nil},
		{"fever-unread-ids", "POST", "/fever/?api&unread_item_ids", fever},
		{"fever-items", "POST", "/fever/?api&items", fever},
		{"fever-items-since", "POST", "/fever/?api&items&since_id=10000", fever},
		{"fever-items-max", "POST", "/fever/?api&items&max_id=15000", fever},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if code, body := gr.do(c.method, c.path, c.form); code != http.StatusOK {
					b.Fatalf("%s: %d %s", c.path, code, body)
				}
			}
		})
	}
}
