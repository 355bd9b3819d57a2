package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/feedfold/feedfold/store"
)

type grClient struct {
	t    testing.TB
	api  *httptest.Server
	auth string
}

func grLogin(t testing.TB, api *httptest.Server) *grClient {
	t.Helper()
	resp, err := http.PostForm(api.URL+"/accounts/ClientLogin", url.Values{"Email": {"user"}, "Passwd": {"secret"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, l := range strings.Split(string(b), "\n") {
		if a, ok := strings.CutPrefix(l, "Auth="); ok {
			return &grClient{t: t, api: api, auth: a}
		}
	}
	t.Fatalf("ClientLogin: %d %s", resp.StatusCode, b)
	return nil
}

func (c *grClient) do(method, path string, form url.Values) (int, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.api.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", "GoogleLogin auth="+c.auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestGoogleReaderAPI(t *testing.T) {
	api, db, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`","category":"News"}`, true)
	}
	// Auth failures: wrong password, no token, wrong token.
	resp, _ := http.PostForm(api.URL+"/accounts/ClientLogin", url.Values{"Email": {"user"}, "Passwd": {"nope"}})
	if resp.StatusCode != 401 {
		t.Errorf("bad ClientLogin: %d", resp.StatusCode)
	}
	anon := &grClient{t: t, api: api}
	if code, body := anon.do("GET", "/reader/api/0/subscription/list?output=json", nil); code != 401 || strings.Contains(body, "subscriptions") {
		t.Errorf("no auth: %d %s", code, body)
	}
	c := grLogin(t, api)
	if code, body := c.do("GET", "/reader/api/0/user-info?output=json", nil); code != 200 || !strings.Contains(body, `"userName":"user"`) {
		t.Errorf("user-info: %d %s", code, body)
	}
	code, body := c.do("GET", "/reader/api/0/subscription/list?output=json", nil)
	if code != 200 || !strings.Contains(body, `"id":"feed/`+fsrv.URL+`/orig"`) || !strings.Contains(body, `"label":"News"`) {
		t.Fatalf("subscription/list: %d %s", code, body)
	}
	// The reading list shows the flood story once, with the copies footer.
	code, body = c.do("GET", "/reader/api/0/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list?n=10&output=json", nil)
	var sc struct {
		Items []grItem `json:"items"`
	}
	json.Unmarshal([]byte(body), &sc)
	if code != 200 || len(sc.Items) != 2 || !strings.Contains(sc.Items[0].Summary["content"], "Also published by") {
		t.Fatalf("stream/contents: %d %s", code, body)
	}
	floodLong := sc.Items[0].ID
	// Paging with n=1 and the continuation.
	_, body = c.do("GET", "/reader/api/0/stream/contents/user%2F1234%2Fstate%2Fcom.google%2Freading-list?n=1", nil)
	var page struct {
		Items        []grItem `json:"items"`
		Continuation string   `json:"continuation"`
	}
	json.Unmarshal([]byte(body), &page)
	if len(page.Items) != 1 || page.Continuation == "" {
		t.Fatalf("page 1: %s", body)
	}
	_, body = c.do("GET", "/reader/api/0/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list?n=1&c="+page.Continuation, nil)
	page.Items, page.Continuation = nil, ""
	json.Unmarshal([]byte(body), &page)
	if len(page.Items) != 1 || page.Items[0].ID == floodLong || page.Continuation != "" {
		t.Errorf("page 2: %s", body)
	}
	// items/ids gives decimal ids; items/contents accepts every id form.
	_, body = c.do("GET", "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=100", nil)
	var ids struct {
		ItemRefs []struct{ ID string } `json:"itemRefs"`
	}
	json.Unmarshal([]byte(body), &ids)
	if len(ids.ItemRefs) != 2 {
		t.Fatalf("items/ids: %s", body)
	}
	hex16 := strings.TrimPrefix(floodLong, itemPrefix)
	for _, form := range []string{floodLong, hex16, ids.ItemRefs[0].ID, itemPrefix + strings.TrimLeft(hex16, "0")} {
		code, body := c.do("POST", "/reader/api/0/stream/items/contents", url.Values{"i": {form}})
		if code != 200 || !strings.Contains(body, floodLong) {
			t.Errorf("items/contents with %q: %d %s", form, code, body)
		}
	}
	// edit-tag: bad T is refused; read applies to the copy too; star; unread.
	if code, _ := c.do("POST", "/reader/api/0/edit-tag", url.Values{"i": {floodLong}, "a": {stateRead}, "T": {"forged"}}); code != 401 {
		t.Errorf("forged T: %d", code)
	}
	_, tok := c.do("GET", "/reader/api/0/token", nil)
	if code, body := c.do("POST", "/reader/api/0/edit-tag", url.Values{"i": {floodLong}, "a": {stateRead, stateStarred}, "T": {tok}}); code != 200 || body != "OK" {
		t.Fatalf("edit-tag: %d %s", code, body)
	}
	var floodID uint64
	fmt.Sscanf(hex16, "%x", &floodID)
	db.View(func(tx *store.Tx) error {
		for _, l := range tx.Copies(floodID) {
			if tx.ItemFlags(user, l.Copy) != store.Read|store.Starred {
				t.Errorf("copy %d flags = %v, want read+starred like its original", l.Copy, tx.ItemFlags(user, l.Copy))
			}
		}
		return nil
	})
	_, body = c.do("GET", "/reader/api/0/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list?xt=user/-/state/com.google/read", nil)
	if strings.Contains(body, floodLong) {
		t.Errorf("xt=read still lists the read story")
	}
	_, body = c.do("GET", "/reader/api/0/stream/contents/user%2F-%2Fstate%2Fcom.google%2Fstarred", nil)
	if !strings.Contains(body, floodLong) {
		t.Errorf("starred stream lacks the starred story")
	}
	_, body = c.do("GET", "/reader/api/0/unread-count?output=json", nil)
	if !strings.Contains(body, `"id":"user/-/state/com.google/reading-list","count":1`) {
		t.Errorf("unread-count: %s", body)
	}
	c.do("POST", "/reader/api/0/mark-all-as-read", url.Values{"s": {"user/-/label/News"}, "T": {tok}})
	_, body = c.do("GET", "/reader/api/0/unread-count?output=json", nil)
	if strings.Contains(body, `"count":1`) {
		t.Errorf("after mark-all-as-read: %s", body)
	}
	// The Atom form, as newsboat reads it.
	code, body = c.do("GET", "/reader/atom/feed%2F"+url.PathEscape(fsrv.URL+"/orig")+"?n=10", nil)
	if code != 200 || !strings.Contains(body, "<id>"+floodLong+"</id>") || !strings.Contains(body, `label="read"`) {
		t.Errorf("atom stream: %d %s", code, body)
	}
	// Subscription edits: rename, move, unsubscribe; quickadd.
	if code, body := c.do("POST", "/reader/api/0/subscription/edit", url.Values{"ac": {"edit"}, "s": {"feed/" + fsrv.URL + "/copy"}, "t": {"Renamed"}, "a": {"user/-/label/Other"}, "T": {tok}}); code != 200 {
		t.Fatalf("edit: %d %s", code, body)
	}
	_, body = c.do("GET", "/reader/api/0/tag/list?output=json", nil)
	if !strings.Contains(body, "user/-/label/Other") {
		t.Errorf("tag/list after move: %s", body)
	}
	if code, _ := c.do("POST", "/reader/api/0/subscription/edit", url.Values{"ac": {"unsubscribe"}, "s": {"feed/" + fsrv.URL + "/copy"}, "T": {tok}}); code != 200 {
		t.Errorf("unsubscribe: %d", code)
	}
	if code, body := c.do("POST", "/reader/api/0/subscription/quickadd", url.Values{"quickadd": {fsrv.URL + "/copy"}, "T": {tok}}); code != 200 || !strings.Contains(body, `"numResults":1`) {
		t.Errorf("quickadd: %d %s", code, body)
	}
	for _, bad := range []string{"/reader/api/0/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list?n=abc", "/reader/api/0/stream/items/ids?s=x&c=zz"} {
		if code, _ := c.do("GET", bad, nil); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
	if code, _ := c.do("POST", "/reader/api/0/stream/items/contents", url.Values{"i": {"not-an-id"}}); code != 400 {
		t.Errorf("bad item id: %d", code)
	}
}

func FuzzParseItemID(f *testing.F) {
	for _, s := range []string{"tag:google.com,2005:reader/item/000000000000002a", "000000000000002a", "42", "-42", "", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseItemID(s)
		if err != nil {
			return
		}
		if back, err := parseItemID(longID(id)); err != nil || back != id {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, id, longID(id), back, err)
		}
	})
}

// FuzzStreamParams: the Google Reader stream parameters never panic and
// never yield a page size outside 1..10000.
func FuzzStreamParams(f *testing.F) {
	f.Add("user/-/state/com.google/reading-list", "20", "0", "o", "1700000000.5", "", "user/-/state/com.google/read")
	f.Add("feed/http://x/y", "abc", "-1", "", "-3", "1e300", "")
	f.Fuzz(func(t *testing.T, stream, n, c, r, ot, nt, xt string) {
		p, err := parseStream(stream, url.Values{"n": {n}, "c": {c}, "r": {r}, "ot": {ot}, "nt": {nt}, "xt": {xt}})
		if err == nil && (p.n < 1 || p.n > 10000 || p.cont < 0) {
			t.Fatalf("accepted n=%d c=%d", p.n, p.cont)
		}
	})
}

// FuzzItemQuery: the REST list parameters never panic and stay in range.
func FuzzItemQuery(f *testing.F) {
	f.Add("1", "News", "true", "false", "2026-11-24T00:00:00Z", "100", "1700000000000000000-5")
	f.Add("x", "", "maybe", "", "yesterday", "0", "zzz")
	f.Fuzz(func(t *testing.T, feed, category, unread, starred, since, limit, cursor string) {
		p, err := parseItemQuery(url.Values{"feed": {feed}, "category": {category}, "unread": {unread}, "starred": {starred},
			"since": {since}, "limit": {limit}, "cursor": {cursor}})
		if err == nil && (p.limit < 1 || p.limit > 1000) {
			t.Fatalf("accepted limit %d", p.limit)
		}
	})
}
