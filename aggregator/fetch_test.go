package aggregator

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func loopbackFetcher(o FetchOptions) *Fetcher {
	o.AllowPrivateNetworks = true
	return NewFetcher(o)
}

func TestFetchConditionalAndGzip(t *testing.T) {
	var gotINM, gotIMS string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotINM, gotIMS = r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		if gotINM == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Cache-Control", "public, max-age=600")
		zw := gzip.NewWriter(w)
		zw.Write([]byte("<rss/>"))
		zw.Close()
	}))
	defer srv.Close()
	f := loopbackFetcher(FetchOptions{})
	r, err := f.Fetch(context.Background(), srv.URL, Validators{})
	if err != nil || string(r.Body) != "<rss/>" || r.ETag != `"abc"` || r.MaxAge != 10*time.Minute {
		t.Fatalf("first fetch: %+v, %v", r, err)
	}
	r, err = f.Fetch(context.Background(), srv.URL, Validators{ETag: `"abc"`, LastModified: "Mon, 23 Nov 2026 10:00:00 GMT"})
	if err != nil || !r.NotModified || r.Body != nil {
		t.Fatalf("conditional fetch: %+v, %v", r, err)
	}
	if gotIMS != "Mon, 23 Nov 2026 10:00:00 GMT" {
		t.Errorf("If-Modified-Since = %q", gotIMS)
	}
}

func TestFetchLimits(t *testing.T) {
	bomb := func() []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(bytes.Repeat([]byte("A"), 50<<20)) // 50 MB of 'A' in ~50 KB
		zw.Close()
		return buf.Bytes()
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for i := 0; i < 1024; i++ { // would be 1 GB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/feed", http.StatusFound)
	})
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		fl := w.(http.Flusher)
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			fl.Flush()
			select {
			case <-time.After(100 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/moved2", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/moved2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/final", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/temp", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/final", http.StatusFound) })
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := loopbackFetcher(FetchOptions{MaxBodyBytes: 1 << 20, Timeout: 1 * time.Second})

	cases := []struct {
		path string
		want error
	}{
		{"/bomb", ErrTooLarge},
		{"/huge", ErrTooLarge},
		{"/loop", ErrTooManyRedirects},
		{"/ftp", ErrUnsupportedScheme},
		{"/trickle", context.DeadlineExceeded},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			start := time.Now()
			_, err := f.Fetch(context.Background(), srv.URL+c.path, Validators{})
			if !errors.Is(err, c.want) {
				t.Fatalf("error = %v, want %v", err, c.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v: limits must stop the fetch early", d)
			}
		})
	}
	_, err := f.Fetch(context.Background(), srv.URL+"/busy", Validators{})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 503 || se.RetryAfter != 2*time.Minute {
		t.Errorf("503: %v, want StatusError with Retry-After 2m", err)
	}
	r, err := f.Fetch(context.Background(), srv.URL+"/moved", Validators{})
	if err != nil || !r.PermanentRedirect || !strings.HasSuffix(r.FinalURL, "/final") {
		t.Errorf("301+308 chain: %+v %v", r, err)
	}
	r, err = f.Fetch(context.Background(), srv.URL+"/temp", Validators{})
	if err != nil || r.PermanentRedirect {
		t.Errorf("302: permanent = %v, %v", r.PermanentRedirect, err)
	}
	if _, err := f.Fetch(context.Background(), "file:///etc/passwd", Validators{}); !errors.Is(err, ErrUnsupportedScheme) {
		t.Errorf("file URL: %v", err)
	}
}

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) }))
	defer srv.Close()
	f := NewFetcher(FetchOptions{Timeout: 2 * time.Second})
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), "http://169.254.169.254/latest/meta-data/", "http://[::1]:1/"} {
		if _, err := f.Fetch(context.Background(), u, Validators{}); !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("%s: %v, want ErrBlockedAddress", u, err)
		}
	}
}
