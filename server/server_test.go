package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

const story = "Officials in the northern district said on Tuesday that the river had burst its banks after days of rain, forcing hundreds of families from their homes and closing the main road south. "

// fixture: a feed server with an original story, a reprint of it and an
// unrelated item; a real bbolt store; the API with credentials user/secret.
func fixture(t *testing.T) (*httptest.Server, *store.DB, *httptest.Server) {
	t.Helper()
	api, db, fsrv, _ := fixtureWith(t, true)
	return api, db, fsrv
}

// fixtureWith is fixture, with the aggregator prepared (aggregator.New)
// or only opened (aggregator.Open, as serve starts it).
func fixtureWith(t *testing.T, prepared bool) (*httptest.Server, *store.DB, *httptest.Server, *aggregator.Aggregator) {
	t.Helper()
	feeds := http.NewServeMux()
	feeds.HandleFunc("/orig", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Orig</title><link>https://orig.example/</link>
<item><guid>o1</guid><title>River floods town</title><link>https://orig.example/flood</link><pubDate>Tue, 24 Nov 2026 10:00:00 +0000</pubDate><description>%s</description></item>
<item><guid>o2</guid><title>Council approves budget</title><link>https://orig.example/budget</link><pubDate>Tue, 24 Nov 2026 08:00:00 +0000</pubDate><description>The council approved next year's budget after a long debate over school funding and road repairs, with three members voting against.</description></item>
</channel></rss>`, strings.Repeat(story, 3))
	})
	feeds.HandleFunc("/copy", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Copy</title><link>https://copy.example/</link>
<item><guid>c1</guid><title>River floods town</title><link>https://copy.example/flood</link><pubDate>Tue, 24 Nov 2026 11:00:00 +0000</pubDate><description>%s</description></item>
</channel></rss>`, strings.Repeat(story, 3))
	})
	feeds.HandleFunc("/pod", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Pod</title><link>https://pod.example/</link>
<item><guid>p1</guid><title>Episode 1</title><link>https://pod.example/1</link><pubDate>Tue, 24 Nov 2026 09:00:00 +0000</pubDate><description>We talk about floods.</description><enclosure url="https://pod.example/e1.mp3" length="1234567" type="audio/mpeg"/></item>
<item><guid>p2</guid><title>Episode 2</title><link>https://pod.example/2</link><pubDate>Tue, 24 Nov 2026 07:00:00 +0000</pubDate><description>We talk about budgets.</description><enclosure url="javascript:alert(1)" length="1" type="audio/mpeg"/></item>
</channel></rss>`)
	})
	feeds.HandleFunc("/toots", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>@someone</title><link>https://social.example/@someone</link>
<item><guid>https://social.example/@someone/1</guid><link>https://social.example/@someone/1</link><pubDate>Tue, 24 Nov 2026 09:00:00 +0000</pubDate><description>&lt;p&gt;Just moved my feeds to a self-hosted aggregator that shows each story once, and the &lt;b&gt;difference&lt;/b&gt; is remarkable after a week of use.&lt;/p&gt;</description></item>
<item><guid>https://social.example/@someone/2</guid><link>https://social.example/@someone/2</link><pubDate>Tue, 24 Nov 2026 08:00:00 +0000</pubDate><description>&lt;p&gt;Short one.&lt;/p&gt;</description></item>
</channel></rss>`)
	})
	fsrv := httptest.NewServer(feeds)
	t.Cleanup(fsrv.Close)
	db, err := store.Open(filepath.Join(t.TempDir(), "api.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	agg, err := aggregator.Open(db, aggregator.Options{Fetch: aggregator.FetchOptions{AllowPrivateNetworks: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if prepared {
		if err := agg.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("FEEDFOLD_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	_, h, err := New(db, agg, Options{User: "user", Password: "secret", MaxBodyBytes: 64 << 10}, log)
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(h)
	t.Cleanup(api.Close)
	return api, db, fsrv, agg
}

func call(t *testing.T, api *httptest.Server, method, path string, body string, auth bool) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, api.URL+path, rd)
	if auth {
		req.SetBasicAuth("user", "secret")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func TestAuth(t *testing.T) {
	api, _, _ := fixture(t)
	if code, _, _ := call(t, api, "GET", "/healthz", "", false); code != 200 {
		t.Errorf("healthz without credentials: %d", code)
	}
	for _, p := range []string{"/v1/feeds", "/v1/items", "/v1/opml", "/metrics"} {
		code, body, h := call(t, api, "GET", p, "", false)
		if code != 401 || !strings.Contains(string(body), `"error"`) || h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s without credentials: %d %s", p, code, body)
		}
		if strings.Contains(string(body), "[") {
			t.Errorf("%s: 401 carries data: %s", p, body)
		}
	}
	req, _ := http.NewRequest("GET", api.URL+"/v1/feeds", nil)
	req.SetBasicAuth("user", "wrong")
	code := 0
	for i := 0; i < 11; i++ {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		code = resp.StatusCode
	}
	if code != http.StatusTooManyRequests {
		t.Errorf("after 11 wrong passwords: %d, want 429", code)
	}
}

func TestFeedsItemsAndReadPropagation(t *testing.T) {
	api, db, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		code, body, _ := call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`","category":"News"}`, true)
		if code != 201 {
			t.Fatalf("add %s: %d %s", p, code, body)
		}
	}
	if code, _, _ := call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+`/orig"}`, true); code != 409 {
		t.Errorf("adding twice: %d, want 409", code)
	}
	if code, _, _ := call(t, api, "POST", "/v1/feeds", `{"url":"ftp://x"}`, true); code != 400 {
		t.Errorf("bad url: %d, want 400", code)
	}
	if code, _, _ := call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+`/missing"}`, true); code != 422 {
		t.Errorf("unfetchable feed: %d, want 422", code)
	}
	var feeds []feedOut
	_, body, _ := call(t, api, "GET", "/v1/feeds", "", true)
	json.Unmarshal(body, &feeds)
	if len(feeds) != 2 || feeds[0].Items == 0 || feeds[0].LastError != "" {
		t.Fatalf("feeds = %s", body)
	}
	var page struct {
		Items []itemOut `json:"items"`
		Next  string    `json:"next_cursor"`
	}
	_, body, _ = call(t, api, "GET", "/v1/items", "", true)
	json.Unmarshal(body, &page)
	if len(page.Items) != 2 {
		t.Fatalf("canonical items = %s, want the flood story once and the budget story", body)
	}
	flood := page.Items[0]
	if len(flood.Copies) != 1 || flood.Copies[0].Reason == "" || !strings.Contains(flood.URL, "orig.example") {
		t.Fatalf("flood item = %+v", flood)
	}
	// Reading the story marks its copy read too, and unread undoes both.
	if code, _, _ := call(t, api, "PUT", fmt.Sprintf("/v1/items/%d/read", flood.ID), "", true); code != 204 {
		t.Fatalf("mark read: %d", code)
	}
	db.View(func(tx *store.Tx) error {
		if tx.ItemFlags(user, flood.Copies[0].ID)&store.Read == 0 {
			t.Error("the copy was not marked read with its original")
		}
		return nil
	})
	_, body, _ = call(t, api, "GET", "/v1/items?unread=true", "", true)
	json.Unmarshal(body, &page)
	if len(page.Items) != 1 || page.Items[0].ID == flood.ID {
		t.Errorf("unread after reading the flood story: %s", body)
	}
	call(t, api, "DELETE", fmt.Sprintf("/v1/items/%d/read", flood.Copies[0].ID), "", true)
	db.View(func(tx *store.Tx) error {
		if tx.ItemFlags(user, flood.ID)&store.Read != 0 {
			t.Error("marking the copy unread did not reach the original")
		}
		return nil
	})
	// Pagination with a cursor.
	_, body, _ = call(t, api, "GET", "/v1/items?limit=1", "", true)
	json.Unmarshal(body, &page)
	if len(page.Items) != 1 || page.Next == "" {
		t.Fatalf("page 1: %s", body)
	}
	_, body, _ = call(t, api, "GET", "/v1/items?limit=1&cursor="+page.Next, "", true)
	json.Unmarshal(body, &page)
	if len(page.Items) != 1 || page.Items[0].ID == flood.ID {
		t.Errorf("page 2: %s", body)
	}
	// One item with its content and copies.
	code, body, _ := call(t, api, "GET", fmt.Sprintf("/v1/items/%d", flood.ID), "", true)
	if code != 200 || !strings.Contains(string(body), "burst its banks") || !strings.Contains(string(body), `"copies":[{`) {
		t.Errorf("get item: %d %s", code, body)
	}
	// Turning the copy's feed off splits the story over the API too.
	copyFeed := feeds[0].ID
	for _, f := range feeds {
		if strings.HasSuffix(f.URL, "/copy") {
			copyFeed = f.ID
		}
	}
	if code, body, _ := call(t, api, "PATCH", fmt.Sprintf("/v1/feeds/%d", copyFeed), `{"dedupe":"off"}`, true); code != 200 {
		t.Fatalf("patch: %d %s", code, body)
	}
	_, body, _ = call(t, api, "GET", "/v1/items", "", true)
	json.Unmarshal(body, &page)
	if len(page.Items) != 3 {
		t.Errorf("after dedupe off: %d canonical items, want 3", len(page.Items))
	}
	if code, _, _ := call(t, api, "DELETE", fmt.Sprintf("/v1/feeds/%d", copyFeed), "", true); code != 204 {
		t.Errorf("delete feed: %d", code)
	}
	if code, _, _ := call(t, api, "GET", fmt.Sprintf("/v1/feeds/%d", copyFeed), "", true); code != 404 {
		t.Errorf("deleted feed: %d, want 404", code)
	}
}

func TestBadRequests(t *testing.T) {
	api, _, _ := fixture(t)
	cases := []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/v1/items?limit=0", "", 400},
		{"GET", "/v1/items?limit=abc", "", 400},
		{"GET", "/v1/items?cursor=zzz", "", 400},
		{"GET", "/v1/items?since=yesterday", "", 400},
		{"GET", "/v1/items?unread=maybe", "", 400},
		{"GET", "/v1/items/abc", "", 400},
		{"GET", "/v1/items/999", "", 404},
		{"PUT", "/v1/items/999/read", "", 404},
		{"PATCH", "/v1/feeds/1", `{"dedupe":"sometimes"}`, 400},
		{"PATCH", "/v1/feeds/999", `{"title":"x"}`, 404},
		{"POST", "/v1/feeds", `{"url": "http://x", "extra": 1}`, 400},
		{"POST", "/v1/feeds", `not json`, 400},
		{"POST", "/v1/opml", `<html></html>`, 400},
		{"POST", "/v1/opml", strings.Repeat("x", 100<<10), 413},
	}
	for _, c := range cases {
		code, body, _ := call(t, api, c.method, c.path, c.body, true)
		if code != c.want || !bytes.Contains(body, []byte(`"error"`)) {
			t.Errorf("%s %s: %d %s, want %d with an error", c.method, c.path, code, body, c.want)
		}
	}
}

func TestOPMLAndMetrics(t *testing.T) {
	api, _, fsrv := fixture(t)
	doc := `<opml version="2.0"><body><outline text="News"><outline type="rss" text="Orig" xmlUrl="` + fsrv.URL + `/orig"/></outline><outline type="rss" text="bad" xmlUrl="javascript:x"/></body></opml>`
	code, body, _ := call(t, api, "POST", "/v1/opml", doc, true)
	if code != 200 || !strings.Contains(string(body), `"added":1`) {
		t.Fatalf("import: %d %s", code, body)
	}
	code, body, h := call(t, api, "GET", "/v1/opml", "", true)
	if code != 200 || !strings.Contains(string(body), fsrv.URL+"/orig") || !strings.Contains(h.Get("Content-Type"), "opml") {
		t.Errorf("export: %d %s", code, body)
	}
	call(t, api, "POST", "/v1/feeds/1/refresh", "", true)
	_, body, _ = call(t, api, "GET", "/metrics", "", true)
	for _, want := range []string{"feedfold_feeds 1", "feedfold_items 2", `feedfold_polls_total{outcome="fetched"} 1`, "feedfold_fetch_duration_seconds_count 1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// TestAnswersWhilePreparing: while the aggregator prepares its index (serve
// starts the API first; after an upgrade, preparing signs every stored
// item again), reads are answered, and what needs the index gets 503 with
// Retry-After and a reason, in the REST and the Google Reader API alike;
// once prepared, the same requests succeed.
func TestAnswersWhilePreparing(t *testing.T) {
	api, _, fsrv, agg := fixtureWith(t, false)
	sub := `{"url":"` + fsrv.URL + `/orig"}`
	code, body, h := call(t, api, "POST", "/v1/feeds", sub, true)
	if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(string(body), "preparing") {
		t.Errorf("subscribe while preparing: %d, Retry-After %q, %s; want 503 with Retry-After and a reason", code, h.Get("Retry-After"), body)
	}
	gr := grLogin(t, api)
	_, tok := gr.do("GET", "/reader/api/0/token", nil)
	if code, body := gr.do("POST", "/reader/api/0/subscription/edit", url.Values{"ac": {"subscribe"}, "s": {"feed/" + fsrv.URL + "/copy"}, "T": {tok}}); code != http.StatusServiceUnavailable {
		t.Errorf("Google Reader subscribe while preparing: %d %s, want 503", code, body)
	}
	if code, body := gr.do("GET", "/reader/api/0/subscription/list?output=json", nil); code != http.StatusOK {
		t.Errorf("Google Reader subscription list while preparing: %d %s, want 200", code, body)
	}
	for _, path := range []string{"/v1/feeds", "/v1/items"} {
		if code, body, _ := call(t, api, "GET", path, "", true); code != http.StatusOK {
			t.Errorf("GET %s while preparing: %d %s, want 200", path, code, body)
		}
	}
	if _, body, _ := call(t, api, "GET", "/metrics", "", true); !strings.Contains(string(body), "feedfold_ready 0") {
		t.Errorf("metrics while preparing lack feedfold_ready 0:\n%s", body)
	}

	if err := agg.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := call(t, api, "POST", "/v1/feeds", sub, true); code != http.StatusCreated {
		t.Errorf("subscribe once prepared: %d %s, want 201", code, body)
	}
	if _, body, _ := call(t, api, "GET", "/metrics", "", true); !strings.Contains(string(body), "feedfold_ready 1") {
		t.Errorf("metrics once prepared lack feedfold_ready 1:\n%s", body)
	}
}
