package aggregator

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestSubscribeGuessesUsualFeedLocations: a page that advertises no feed
// is subscribed through its site's usual feed location (here Hugo's
// index.xml below the page), as other readers do; a site without one gets
// a clear error after a bounded number of requests.
func TestSubscribeGuessesUsualFeedLocations(t *testing.T) {
	var requests atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch r.URL.Path {
		case "/blog/", "/plain/":
			fmt.Fprint(w, `<html><head><title>A blog</title></head><body>No feed links.</body></html>`)
		case "/blog/index.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<rss version="2.0"><channel><title>The blog</title><link>https://blog.example/</link><item><guid>1</guid><title>Hello</title><link>https://blog.example/1</link></item></channel></rss>`)
		default:
			http.Error(w, "<html>not here</html>", http.StatusNotFound)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	a, _ := newTestAggregatorWith(t, Options{})

	sub, err := a.Subscribe(context.Background(), srv.URL+"/blog/", "")
	if err != nil {
		t.Fatal(err)
	}
	if !sub.Guessed || sub.Feed.URL != srv.URL+"/blog/index.xml" || sub.Feed.Title != "The blog" {
		t.Errorf("subscription: guessed %v, %s %q", sub.Guessed, sub.Feed.URL, sub.Feed.Title)
	}

	requests.Store(0)
	_, err = a.Subscribe(context.Background(), srv.URL+"/plain/", "")
	if err == nil || !strings.Contains(err.Error(), "usual feed locations") {
		t.Errorf("a site without a feed: %v", err)
	}
	if n := requests.Load(); n > 1+maxGuesses {
		t.Errorf("%d requests for a site without a feed, want at most %d", n, 1+maxGuesses)
	}
}
