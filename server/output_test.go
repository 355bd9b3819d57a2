package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

func TestOutputFeeds(t *testing.T) {
	api, db, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		if code, body, _ := call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`","category":"News"}`, true); code != 201 {
			t.Fatalf("add: %d %s", code, body)
		}
	}
	for _, path := range []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/feeds/category/News.atom"} {
		code, body, h := call(t, api, "GET", path, "", true)
		if code != 200 || h.Get("ETag") == "" || h.Get("Last-Modified") == "" {
			t.Fatalf("%s: %d %v", path, code, h)
		}
		if strings.Count(string(body), "River floods town") != 1 {
			t.Errorf("%s: the story is not listed exactly once:\n%s", path, body)
		}
		if !strings.Contains(string(body), "Also published by") || !strings.Contains(string(body), "copy.example/flood") {
			t.Errorf("%s: copies not credited", path)
		}
		req, _ := http.NewRequest("GET", api.URL+path, nil)
		req.SetBasicAuth("user", "secret")
		req.Header.Set("If-None-Match", h.Get("ETag"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", path, resp.StatusCode)
		}
	}
	if code, body, _ := call(t, api, "GET", "/feeds/category/Sport.atom", "", true); code != 200 || strings.Contains(string(body), "<entry>") {
		t.Errorf("empty category: %d %s", code, body)
	}
	if code, _, _ := call(t, api, "GET", "/feeds/all.yaml", "", true); code != 404 {
		t.Errorf("unknown format: %d", code)
	}
	// Token access, and rotation revokes the old token.
	if code, _, _ := call(t, api, "GET", "/feeds/all.atom?token=guess", "", false); code != 401 {
		t.Errorf("bad token: %d", code)
	}
	tok, err := RotateToken(db)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := call(t, api, "GET", "/feeds/all.atom?token="+tok, "", false); code != 200 {
		t.Errorf("valid token: %d", code)
	}
	if code, body, _ := call(t, api, "GET", "/v1/opml?token="+tok, "", false); code != 200 || !strings.Contains(string(body), "<opml") {
		t.Errorf("OPML with token: %d", code)
	}
	if code, _, _ := call(t, api, "GET", "/v1/items?token="+tok, "", false); code != 401 {
		t.Errorf("the feed token opened the private API: %d", code)
	}
	RotateToken(db)
	if code, _, _ := call(t, api, "GET", "/feeds/all.atom?token="+tok, "", false); code != 401 {
		t.Errorf("rotated-away token still works: %d", code)
	}
}

func TestOutputSanitises(t *testing.T) {
	san := Sanitizer()
	dirty := `<p onclick="x()">Hi<script>alert(1)</script><img src="https://t.example/p.gif" onerror="steal()"><a href="javascript:alert(2)">x</a><iframe src="https://evil.example"></iframe></p>`
	clean := san.Sanitize(dirty)
	for _, bad := range []string{"<script", "onclick", "onerror", "javascript:", "<iframe"} {
		if strings.Contains(clean, bad) {
			t.Errorf("sanitised HTML still has %q: %s", bad, clean)
		}
	}
	if !strings.Contains(clean, "Hi") {
		t.Errorf("text lost: %s", clean)
	}
}

// TestFeedparserReadsOutput: Debian's python3-feedparser parses every
// output format without a bozo error and finds the expected entries.
func TestFeedparserReadsOutput(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import feedparser").Run(); err != nil {
		t.Skip("python3-feedparser is not installed (.ci/run installs it)")
	}
	api, _, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`"}`, true)
	}
	for _, path := range []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json"} {
		_, body, h := call(t, api, "GET", path, "", true)
		script := `
import sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read(), response_headers={"content-type": sys.argv[1]})
print(int(bool(d.bozo)), len(d.entries), d.version, repr(d.get("bozo_exception", "")))
`
		if strings.HasSuffix(path, ".json") {
			// Debian's feedparser (6.0) predates JSON Feed support: the
			// document is checked with Python's json against JSON Feed 1.1.
			script = `
import sys, json
d = json.loads(sys.stdin.buffer.read())
ok = d.get("version") == "https://jsonfeed.org/version/1.1" and all("id" in i and "content_html" in i for i in d["items"])
print(0 if ok else 1, len(d["items"]), d.get("version"))
`
		}
		cmd := exec.Command(debianPython, "-c", script, h.Get("Content-Type"))
		cmd.Stdin = strings.NewReader(string(body))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: feedparser: %v %s", path, err, out)
		}
		var bozo, n int
		fmt.Sscan(string(out), &bozo, &n)
		if bozo != 0 || n != 2 {
			t.Errorf("%s: feedparser says bozo=%d entries=%d (%s), want 0 and 2", path, bozo, n, strings.TrimSpace(string(out)))
		}
	}
}

// debianPython is Debian's interpreter, which python3-feedparser installs
// into (a python3 earlier on PATH, e.g. pyenv's, does not see it).
const debianPython = "/usr/bin/python3"

func TestPrepareHTML(t *testing.T) {
	s := &Server{san: Sanitizer()}
	got := s.prepareHTML(`<p>Text <a href="/more">more</a> <img src="img/a.jpg" alt="a"> <img src="https://t.example/p.gif" width="1" height="1"> <img src="x.gif" onerror="steal()"><script>alert(1)</script></p>`, "https://news.example/2026/story.html")
	for _, want := range []string{`href="https://news.example/more"`, `src="https://news.example/2026/img/a.jpg"`} {
		if !strings.Contains(got, want) {
			t.Errorf("relative URL not resolved (%s): %s", want, got)
		}
	}
	for _, bad := range []string{"t.example/p.gif", "onerror", "<script"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q survived: %s", bad, got)
		}
	}
}

// TestEnclosuresReachReaderApps: a podcast episode's audio file reaches
// reader apps through every interface (Google Reader "enclosure", REST
// "enclosures", Atom/RSS/JSON Feed output), and an enclosure that is not a
// web URL reaches none of them.
func TestEnclosuresReachReaderApps(t *testing.T) {
	api, _, fsrv := fixture(t)
	call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+`/pod"}`, true)
	const mp3 = "https://pod.example/e1.mp3"

	gr := grLogin(t, api)
	_, body := gr.do("GET", "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?output=json", nil)
	var stream struct {
		Items []struct {
			Title     string              `json:"title"`
			Enclosure []map[string]string `json:"enclosure"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &stream); err != nil {
		t.Fatalf("stream contents: %v %s", err, body)
	}
	got := map[string][]map[string]string{}
	for _, it := range stream.Items {
		got[it.Title] = it.Enclosure
	}
	if e := got["Episode 1"]; len(e) != 1 || e[0]["href"] != mp3 || e[0]["type"] != "audio/mpeg" || e[0]["length"] != "1234567" {
		t.Errorf("Google Reader enclosure of episode 1: %v", e)
	}
	if e := got["Episode 2"]; len(e) != 0 {
		t.Errorf("a javascript: enclosure was served: %v", e)
	}

	_, rest, _ := call(t, api, "GET", "/v1/items", "", true)
	if !strings.Contains(string(rest), `"enclosures":[{"url":"`+mp3+`","type":"audio/mpeg","length":1234567}]`) || strings.Contains(string(rest), "javascript:") {
		t.Errorf("REST items: %s", rest)
	}
	for _, path := range []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json"} {
		_, out, _ := call(t, api, "GET", path, "", true)
		if !strings.Contains(string(out), mp3) || strings.Contains(string(out), "javascript:") {
			t.Errorf("%s: enclosure missing or unsafe one kept:\n%s", path, out)
		}
	}
}

// TestUntitledItemsGetATitle: items without a title (Mastodon and other
// microblog feeds) are served to reader apps under the start of their
// text, cut at a word, instead of as blank lines; the REST API keeps the
// feed's empty title.
func TestUntitledItemsGetATitle(t *testing.T) {
	api, _, fsrv := fixture(t)
	call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+`/toots"}`, true)
	const long = "Just moved my feeds to a self-hosted aggregator that shows each story once, and…"
	gr := grLogin(t, api)
	_, body := gr.do("GET", "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?output=json", nil)
	for _, want := range []string{`"title":"` + long + `"`, `"title":"Short one."`} {
		if !strings.Contains(body, want) {
			t.Errorf("Google Reader stream lacks %s:\n%s", want, body)
		}
	}
	_, out, _ := call(t, api, "GET", "/feeds/all.atom", "", true)
	if !strings.Contains(string(out), "<title>"+long+"</title>") {
		t.Errorf("Atom output lacks the made title:\n%s", out)
	}
	_, rest, _ := call(t, api, "GET", "/v1/items", "", true)
	if strings.Contains(string(rest), long) {
		t.Errorf("REST items changed the stored title: %s", rest)
	}
}
