package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/server"
	"github.com/feedfold/feedfold/store"
)

// cli runs feedfold in-process against db with loopback fetching allowed,
// as a user's shell would, and returns stdout, stderr and the exit status.
func cli(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := []string{"FEEDFOLD_DB=" + db, "FEEDFOLD_ALLOW_PRIVATE_NETWORKS=true", "FEEDFOLD_LOG_LEVEL=warn"}
	code := run(context.Background(), args, env, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func mustCLI(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, errs, code := cli(t, db, args...)
	if code != 0 {
		t.Fatalf("feedfold %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func jsonLines[T any](t *testing.T, s string) []T {
	t.Helper()
	var out []T
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		out = append(out, v)
	}
	return out
}

// reprintServer serves the seed example: the Mirror's original and the
// small site's reprint of it inside its own header and footer.
func reprintServer(t *testing.T) *httptest.Server {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "mirror-story.txt"))
	if err != nil {
		t.Fatal(err)
	}
	story := strings.TrimSpace(string(raw))
	title := "Donald Trump and Vladimir Putin set for phone call as 'additional signals' over ceasefire emerge"
	mirror := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Mirror - World News</title><link>https://www.mirror.co.uk/news/world-news/</link>
<item><title>%s</title><link>https://www.mirror.co.uk/news/world-news/donald-trump-vladimir-putin-set-34851234</link>
<guid>https://www.mirror.co.uk/news/world-news/donald-trump-vladimir-putin-set-34851234</guid>
<pubDate>Fri, 14 Mar 2025 09:12:00 +0000</pubDate><description><![CDATA[<p>%s</p>]]></description></item>
<item><title>Storm warning issued for the north as 80mph winds forecast</title><link>https://www.mirror.co.uk/news/uk-news/storm-warning-34850001</link>
<pubDate>Fri, 14 Mar 2025 07:00:00 +0000</pubDate><description><![CDATA[<p>The Met Office has issued an amber warning for wind across northern England and Scotland, with gusts of up to 80mph expected on the coast on Saturday. Ferries have been cancelled and drivers are urged to avoid high routes.</p>]]></description></item>
</channel></rss>`, title, story)
	reprint := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Usfijitimes</title><link>https://usfijitimes.com/</link>
<item><title>%s</title><link>https://usfijitimes.com/news/trump-putin-phone-call-ceasefire?utm_source=rss</link>
<guid isPermaLink="false">usfiji-88123</guid><pubDate>Fri, 14 Mar 2025 08:40:00 +0000</pubDate>
<description><![CDATA[<p>TRENDING NEWS</p><p>Back to news</p><p>14 Mar, 2025</p><p>Share:</p><h1>%s</h1><p>@Source: mirror.co.uk</p><p>%s</p><p>For advertisement: 510-931-9107</p><p>Copyright © 2025 Usfijitimes. All Rights Reserved.</p>]]></description></item>
</channel></rss>`, title, title, story)
	mux := http.NewServeMux()
	mux.HandleFunc("/mirror.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, mirror)
	})
	mux.HandleFunc("/usfiji.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, reprint)
	})
	mux.HandleFunc("/mirror-page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><html><head><title>Mirror</title><link rel="alternate" type="application/rss+xml" title="World" href="/mirror.xml"><link rel="alternate" type="application/rss+xml" href="/other.xml"></head><body>news</body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestReprintLinkedToMirrorEitherOrder is the product's canonical example
// end to end: whichever feed is polled first, the Mirror item is the
// canonical one and the reprint is listed as its copy.
func TestReprintLinkedToMirrorEitherOrder(t *testing.T) {
	for _, order := range [][]string{{"/usfiji.xml", "/mirror-page"}, {"/mirror-page", "/usfiji.xml"}} {
		t.Run(strings.Join(order, "-then-"), func(t *testing.T) {
			srv := reprintServer(t)
			db := filepath.Join(t.TempDir(), "feedfold.db")
			for _, p := range order {
				out := mustCLI(t, db, "add", srv.URL+p)
				if p == "/mirror-page" && !strings.Contains(out, srv.URL+"/mirror.xml") {
					t.Errorf("add of an HTML page did not say which feed it discovered: %q", out)
				}
			}
			items := jsonLines[itemJSON](t, mustCLI(t, db, "items", "--json"))
			var story *itemJSON
			for i := range items {
				if strings.Contains(items[i].Title, "Putin") {
					if story != nil {
						t.Fatalf("the story is listed twice as canonical: %+v", items)
					}
					story = &items[i]
				}
			}
			if story == nil {
				t.Fatalf("story missing from items: %+v", items)
			}
			if !strings.Contains(story.URL, "mirror.co.uk") {
				t.Errorf("canonical item is %s, want the Mirror original", story.URL)
				if len(story.Copies) > 0 {
					out, errs, _ := cli(t, db, "explain", story.URL, story.Copies[0].URL)
					t.Logf("explain: %s %s", out, errs)
				}
			}
			if len(story.Copies) != 1 || !strings.Contains(story.Copies[0].URL, "usfijitimes.com") {
				t.Fatalf("copies = %+v, want the usfijitimes reprint", story.Copies)
			}
			if story.Copies[0].Reason == "" || story.Copies[0].Reason == "same-url" {
				t.Errorf("copy reason = %q, want a near-duplicate reason", story.Copies[0].Reason)
			}
			var ex struct {
				Linked      bool     `json:"linked"`
				Duplicate   bool     `json:"duplicate"`
				NominatedBy []string `json:"nominated_by"`
			}
			if err := json.Unmarshal([]byte(mustCLI(t, db, "explain", "--json", story.URL, story.Copies[0].URL)), &ex); err != nil {
				t.Fatal(err)
			}
			if !ex.Linked || !ex.Duplicate || len(ex.NominatedBy) == 0 {
				t.Errorf("explain --json = %+v, want linked duplicates with the index channels that paired them", ex)
			}
			if len(items) != 2 {
				t.Errorf("canonical items = %d, want 2 (the story and the unrelated storm item)", len(items))
			}
		})
	}
}

func TestFeedsJSONAndPollSummary(t *testing.T) {
	srv := reprintServer(t)
	db := filepath.Join(t.TempDir(), "feedfold.db")
	mustCLI(t, db, "add", srv.URL+"/mirror.xml", "--category", "World")
	// A broken subscription never stops the healthy one.
	out, _, code := cli(t, db, "add", srv.URL+"/missing.xml")
	if code == 0 {
		t.Errorf("add of a 404 URL succeeded: %s", out)
	}
	feeds := jsonLines[map[string]any](t, mustCLI(t, db, "feeds", "--json"))
	if len(feeds) != 1 {
		t.Fatalf("feeds = %+v", feeds)
	}
	for _, k := range []string{"url", "title", "category", "last_status", "last_error", "last_fetched", "next_poll", "items"} {
		if _, ok := feeds[0][k]; !ok {
			t.Errorf("feeds --json lacks %q: %v", k, feeds[0])
		}
	}
	if feeds[0]["category"] != "World" || feeds[0]["items"].(float64) != 2 || feeds[0]["last_error"] != "" {
		t.Errorf("feed = %v", feeds[0])
	}
	out = mustCLI(t, db, "poll", "--all")
	if !strings.Contains(out, "1 not modified") && !strings.Contains(out, "1 fetched") {
		t.Errorf("poll summary = %q", out)
	}
	if !strings.Contains(out, "0 new items") {
		t.Errorf("second poll stored something new: %q", out)
	}
	out = mustCLI(t, db, "remove", srv.URL+"/mirror.xml")
	if n := len(jsonLines[itemJSON](t, mustCLI(t, db, "items", "--json"))); n != 0 {
		t.Errorf("items after remove = %d", n)
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "feedfold.db")
	src := filepath.Join(dir, "in.opml")
	os.WriteFile(src, []byte(`<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="News"><outline text="World"><outline type="rss" text="A" xmlUrl="https://a.example/feed"/></outline>
<outline type="rss" text="B" xmlUrl="https://b.example/rss" htmlUrl="https://b.example/"/></outline>
<outline type="rss" text="C" xmlUrl="https://c.example/atom" category="/Tech"/>
<outline type="rss" text="broken" xmlUrl="javascript:alert(1)"/>
</body></opml>`), 0o644)
	out := mustCLI(t, db, "import", src)
	if !strings.Contains(out, "3 feeds added") || !strings.Contains(out, "1 outlines skipped") {
		t.Errorf("import = %q", out)
	}
	if out := mustCLI(t, db, "import", src); !strings.Contains(out, "0 feeds added, 3 already subscribed") {
		t.Errorf("second import = %q, want no change", out)
	}
	exported := mustCLI(t, db, "export")
	db2 := filepath.Join(dir, "second.db")
	re := filepath.Join(dir, "out.opml")
	os.WriteFile(re, []byte(exported), 0o644)
	mustCLI(t, db2, "import", re)
	want := map[string]string{"https://a.example/feed": "News/World", "https://b.example/rss": "News", "https://c.example/atom": "Tech"}
	for _, d := range []string{db, db2} {
		feeds := jsonLines[feedJSON](t, mustCLI(t, d, "feeds", "--json"))
		if len(feeds) != 3 {
			t.Fatalf("%s: feeds = %+v", d, feeds)
		}
		for _, f := range feeds {
			if want[f.URL] != f.Category {
				t.Errorf("%s: %s category = %q, want %q", filepath.Base(d), f.URL, f.Category, want[f.URL])
			}
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.toml")
	os.WriteFile(file, []byte("db = \"from-file.db\"\nworkers = 3\nper_host = 5\n"), 0o644)
	args := []string{"--config", file, "--workers", "7", "feeds"}
	c, err := loadConfig(args, map[string]string{"FEEDFOLD_PER_HOST": "4", "FEEDFOLD_DB": "from-env.db"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "from-env.db" || c.PerHost != 4 || c.Workers != 3 {
		t.Errorf("file+env = %+v, want env over file", c)
	}
	if _, err := loadConfig(nil, map[string]string{"FEEDFOLD_WORKERS": "many"}); err == nil || !strings.Contains(err.Error(), "FEEDFOLD_WORKERS") {
		t.Errorf("bad env value error = %v, want one naming FEEDFOLD_WORKERS", err)
	}
	if c, err := loadConfig(nil, map[string]string{"FEEDFOLD_ALLOW_PRIVATE_NETWORKS": "", "FEEDFOLD_WORKERS": ""}); err != nil || c.Workers != 8 {
		t.Errorf("empty variables: %+v, %v; want them treated as unset", c, err)
	}
	os.WriteFile(file, []byte("dbb = \"typo\"\n"), 0o644)
	if _, err := loadConfig([]string{"--config=" + file}, nil); err == nil || !strings.Contains(err.Error(), "dbb") {
		t.Errorf("unknown key error = %v", err)
	}
	// Flags beat the environment.
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--db", filepath.Join(dir, "flag.db"), "feeds"}, []string{"FEEDFOLD_DB=" + filepath.Join(dir, "env.db")}, nil, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "flag.db") {
		t.Errorf("flag did not override env: code %d stderr %q", code, errb.String())
	}
}

// TestFeedsSetDedupeAndOPML: turning deduplication off for a feed splits
// its items out at once, and the setting survives export and import.
func TestFeedsSetDedupeAndOPML(t *testing.T) {
	srv := reprintServer(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "feedfold.db")
	mustCLI(t, db, "add", srv.URL+"/mirror.xml")
	mustCLI(t, db, "add", srv.URL+"/usfiji.xml")
	if n := len(jsonLines[itemJSON](t, mustCLI(t, db, "items", "--json"))); n != 2 {
		t.Fatalf("linked: %d canonical items, want 2", n)
	}
	mustCLI(t, db, "feeds", "set", srv.URL+"/usfiji.xml", "--dedupe", "off")
	if n := len(jsonLines[itemJSON](t, mustCLI(t, db, "items", "--json"))); n != 3 {
		t.Fatalf("after --dedupe off: %d canonical items, want 3", n)
	}
	if _, _, code := cli(t, db, "feeds", "set", srv.URL+"/usfiji.xml", "--dedupe", "sometimes"); code == 0 {
		t.Error("invalid --dedupe value accepted")
	}
	exported := mustCLI(t, db, "export")
	if !strings.Contains(exported, `dedupe="off"`) {
		t.Fatalf("export lacks the dedupe setting:\n%s", exported)
	}
	opmlPath := filepath.Join(dir, "out.opml")
	os.WriteFile(opmlPath, []byte(exported), 0o644)
	db2 := filepath.Join(dir, "second.db")
	mustCLI(t, db2, "import", opmlPath)
	for _, f := range jsonLines[feedJSON](t, mustCLI(t, db2, "feeds", "--json")) {
		want := "on"
		if strings.HasSuffix(f.URL, "/usfiji.xml") {
			want = "off"
		}
		if f.Dedupe != want {
			t.Errorf("%s: dedupe %q after import, want %q", f.URL, f.Dedupe, want)
		}
	}
}

// TestUserSet: the account set with `feedfold user set` is stored hashed
// and is what serve's API accepts when FEEDFOLD_PASSWORD is unset.
func TestUserSet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"user", "set", "alice"}, []string{"FEEDFOLD_DB=" + db}, strings.NewReader("correct horse\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("user set: %d %s", code, errb.String())
	}
	code = run(context.Background(), []string{"user", "set", "bob"}, []string{"FEEDFOLD_DB=" + db}, strings.NewReader("short\n"), &out, &errb)
	if code == 0 {
		t.Error("a 5-character password was accepted")
	}
	raw, _ := os.ReadFile(db)
	if bytes.Contains(raw, []byte("correct horse")) {
		t.Fatal("the password is stored in clear")
	}
	d, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	agg, err := aggregator.New(context.Background(), d, aggregator.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, h, err := server.New(d, agg, server.Options{User: "feedfold"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user, pass string
		want       int
	}{{"alice", "correct horse", 200}, {"alice", "wrong", 401}, {"feedfold", "correct horse", 401}} {
		req := httptest.NewRequest("GET", "/v1/feeds", nil)
		req.SetBasicAuth(c.user, c.pass)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s/%s: %d, want %d", c.user, c.pass, rec.Code, c.want)
		}
	}
}

// TestReadCommandsMigrateAnOlderFile: after an upgrade, the first command a
// user runs may only read (`items`); it must migrate the file rather than
// refuse it.
func TestReadCommandsMigrateAnOlderFile(t *testing.T) {
	srv := reprintServer(t)
	db := filepath.Join(t.TempDir(), "feedfold.db")
	mustCLI(t, db, "add", srv.URL+"/mirror.xml")
	// Mark the file as written by the previous schema (whose buckets are a
	// subset of this one's, so the migration has nothing else to do).
	b, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		v := make([]byte, 8)
		binary.BigEndian.PutUint64(v, store.SchemaVersion-1)
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), v)
	}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if n := len(jsonLines[itemJSON](t, mustCLI(t, db, "items", "--json"))); n != 2 {
		t.Errorf("items after the upgrade = %d, want 2", n)
	}
	mustCLI(t, db, "check")
}

// TestItemsTableNamesUntitledItems: `feedfold items` lists an untitled
// item (a Mastodon post) under the start of its text, as reader apps get
// it; `items --json` keeps the feed's empty title for scripts.
func TestItemsTableNamesUntitledItems(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>@me</title><link>https://social.example/@me</link><item><guid>https://social.example/@me/1</guid><pubDate>Tue, 01 Dec 2026 09:00:00 +0000</pubDate><description>&lt;p&gt;Trying a reader that folds duplicates.&lt;/p&gt;</description></item></channel></rss>`)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "add", srv.URL)
	if out := mustCLI(t, db, "items"); !strings.Contains(out, "Trying a reader that folds duplicates.") {
		t.Errorf("items table:\n%s", out)
	}
	rows := jsonLines[struct{ Title, URL string }](t, mustCLI(t, db, "items", "--json"))
	if len(rows) != 1 || rows[0].Title != "" || rows[0].URL != "https://social.example/@me/1" {
		t.Errorf("items --json: %+v", rows)
	}
}

// TestItemsTableAlignsWideCharacters: a Chinese title takes two terminal
// columns a character, and the next column still lines up.
func TestItemsTableAlignsWideCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>W</title><link>https://w.example/</link>
<item><guid>1</guid><title>十月份工业增加值同比增长</title><link>https://w.example/zh</link><pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate><description>第一句话。</description></item>
<item><guid>2</guid><title>Industrial output rises</title><link>https://w.example/en</link><pubDate>Tue, 01 Dec 2026 09:00:00 +0000</pubDate><description>Output rose.</description></item>
</channel></rss>`)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "add", srv.URL)
	var cols []int
	for _, line := range strings.Split(strings.TrimSpace(mustCLI(t, db, "items")), "\n") {
		i := strings.Index(line, "https://w.example/")
		if i < 0 {
			t.Fatalf("no URL in %q", line)
		}
		cols = append(cols, displayWidth(line[:i]))
	}
	if len(cols) != 2 || cols[0] != cols[1] {
		t.Errorf("URL column starts at display columns %v, want the same for both rows", cols)
	}
	if displayWidth("十月a") != 5 {
		t.Errorf("displayWidth(十月a) = %d, want 5", displayWidth("十月a"))
	}
}

// TestExplainSaysWhyAPairStaysApart: a teaser published seven weeks after
// its story verifies as its copy but stays apart (only near-verbatim
// copies link that far apart); explain says so instead of leaving the
// user with "duplicates" and "not linked".
func TestExplainSaysWhyAPairStaysApart(t *testing.T) {
	paras := []string{
		"The regional water authority said on Monday that the northern reservoir had fallen to its lowest level in forty years after a dry winter and a hot spring.",
		"Engineers began pumping from an emergency borehole near the dam while farmers in the valley were told to expect cuts to irrigation from next week.",
		"The authority's chief executive said households would not face restrictions this summer provided that consumption stayed close to last year's level.",
		"Environmental groups said the drought exposed years of underinvestment in leaking pipes, which lose nearly a quarter of treated water before it reaches homes.",
		"A public meeting on the authority's plans for a second reservoir is due to be held in the town hall at the end of the month.",
	}
	const title = "Reservoir at forty-year low"
	db := subscribeServed(t,
		oneItemFeed("water.example", title, "https://water.example/reservoir", "Thu, 01 Oct 2026 09:00:00 +0000", "<p>"+strings.Join(paras, "</p><p>")+"</p>"),
		oneItemFeed("teasers.example", title, "https://teasers.example/reservoir", "Fri, 20 Nov 2026 09:00:00 +0000", "<p>"+strings.Join(append(paras[:2:2], "Read more"), "</p><p>")+"</p>"))
	var ex struct {
		Linked    bool   `json:"linked"`
		Duplicate bool   `json:"duplicate"`
		Apart     string `json:"apart"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "explain", "--json", "https://water.example/reservoir", "https://teasers.example/reservoir")), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Linked || !ex.Duplicate || !strings.Contains(ex.Apart, "50 days apart") || !strings.Contains(ex.Apart, "7 days") {
		t.Errorf("explain --json = %+v, want a verified pair kept apart, published 50 days apart against 7 days allowed", ex)
	}
	if out := mustCLI(t, db, "explain", "https://water.example/reservoir", "https://teasers.example/reservoir"); !strings.Contains(out, "kept apart: published 50 days apart") {
		t.Errorf("explain did not say why the pair stays apart:\n%s", out)
	}
}

// TestExplainSaysWhyTheOriginal: explain names the rule that made the
// linked pair's original, and how often each side's site is credited.
// Three reprint sites credit water.example; the gazette copies its story
// without a credit, stamped five hours earlier, and is subscribed first.
func TestExplainSaysWhyTheOriginal(t *testing.T) {
	story := "<p>Officials in the northern district said on Tuesday that the river had burst its banks after days of rain, forcing hundreds of families from their homes. Engineers worked through the night to shore up the levee near the old mill.</p>"
	others := []string{
		"The city council approved a new budget for schools and libraries at its evening meeting, with a vote of seven to two after a long debate.",
		"A local bakery won the national bread award for the third year running, beating more than two hundred entries with its sourdough.",
		"The county's last cinema will close at the end of the month after its owners failed to find a buyer for the building.",
	}
	const title = "River floods town"
	var feeds []string
	for i, o := range others {
		site := fmt.Sprintf("reprint%d.example", i)
		feeds = append(feeds, oneItemFeed(site, "Story", "https://"+site+"/s", "Mon, 23 Nov 2026 10:00:00 +0000", "<p>"+o+"</p><p>Source: water.example</p>"))
	}
	feeds = append(feeds,
		oneItemFeed("gazette.example", title, "https://gazette.example/flood", "Tue, 24 Nov 2026 05:00:00 +0000", story),
		oneItemFeed("water.example", title, "https://water.example/flood", "Tue, 24 Nov 2026 10:00:00 +0000", story))
	db := subscribeServed(t, feeds...)
	var ex struct {
		A struct {
			Original, ID uint64
			Cited        int
		}
		B        struct{ Cited int }
		Linked   bool   `json:"linked"`
		ChosenBy string `json:"original_chosen_by"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "explain", "--json", "https://water.example/flood", "https://gazette.example/flood")), &ex); err != nil {
		t.Fatal(err)
	}
	if !ex.Linked || ex.A.Original != ex.A.ID || ex.ChosenBy != "cited-source" || ex.A.Cited != 3 || ex.B.Cited != 0 {
		t.Errorf("explain --json = %+v, want water.example's item original by cited-source, its site cited 3 times and the gazette's 0", ex)
	}
	if out := mustCLI(t, db, "explain", "https://water.example/flood", "https://gazette.example/flood"); !strings.Contains(out, "other sites credit as their source") {
		t.Errorf("explain did not say why the original is the original:\n%s", out)
	}
}

// TestExplainSaysWhenFiguresDisagree: two instances of a template story
// whose words match and whose figure differs are "different stories" with
// a score of 0; explain says the figures are why.
func TestExplainSaysWhenFiguresDisagree(t *testing.T) {
	body := func(amount string) string {
		return "<p>The Federal Reserve entered the government securities market to arrange " + amount + " billion dlrs of customer repurchase agreements, a Fed spokesman said.</p><p>Dealers said Federal funds were trading firmly when the Fed began its temporary and indirect supply of reserves to the banking system.</p>"
	}
	const title = "Fed adds reserves via customer repurchases"
	db := subscribeServed(t,
		oneItemFeed("wire.example", title, "https://wire.example/fed1", "Tue, 24 Nov 2026 09:00:00 +0000", body("2")),
		oneItemFeed("wire2.example", title, "https://wire2.example/fed2", "Wed, 25 Nov 2026 09:00:00 +0000", body("3")))
	var ex struct {
		Linked       bool   `json:"linked"`
		FiguresApart string `json:"figures_apart"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "explain", "--json", "https://wire.example/fed1", "https://wire2.example/fed2")), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Linked || !strings.Contains(ex.FiguresApart, "does not recur") {
		t.Errorf("explain --json = %+v, want the pair apart with the figures named as the reason", ex)
	}
	if out := mustCLI(t, db, "explain", "https://wire.example/fed1", "https://wire2.example/fed2"); !strings.Contains(out, "figures disagree:") {
		t.Errorf("explain did not say the figures disagree:\n%s", out)
	}
}

// TestExplainNamesItemsByID: items whose only link is their feed's home
// page have no URL of their own to be looked up by; explain takes their
// ids from `items --json`, and says so when given the shared URL.
func TestExplainNamesItemsByID(t *testing.T) {
	const home = "https://town.example/"
	doc := `<rss version="2.0"><channel><title>Town notices</title><link>` + home + `</link>` +
		`<item><guid>n1</guid><title>Harbour to close for repairs</title><link>` + home + `</link><pubDate>Thu, 03 Dec 2026 09:00:00 +0000</pubDate>` +
		`<description><![CDATA[<p>The harbour will close for three weeks from Monday while the sea wall is repaired, the council said.</p>]]></description></item>` +
		`<item><guid>n2</guid><title>School term to start late</title><link>` + home + `</link><pubDate>Thu, 03 Dec 2026 10:00:00 +0000</pubDate>` +
		`<description><![CDATA[<p>Pupils will return a week later than planned because the heating system at the primary school failed.</p>]]></description></item>` +
		`</channel></rss>`
	db := subscribeServed(t, doc)
	items := jsonLines[struct {
		ID     uint64 `json:"id"`
		Copies []any  `json:"copies"`
	}](t, mustCLI(t, db, "items", "--json"))
	if len(items) != 2 || len(items[0].Copies)+len(items[1].Copies) != 0 {
		t.Fatalf("items = %+v, want the two notices, neither a copy", items)
	}
	var ex struct {
		A, B   struct{ ID uint64 }
		Linked bool `json:"linked"`
	}
	a, b := strconv.FormatUint(items[0].ID, 10), strconv.FormatUint(items[1].ID, 10)
	if err := json.Unmarshal([]byte(mustCLI(t, db, "explain", "--json", a, b)), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.A.ID != items[0].ID || ex.B.ID != items[1].ID || ex.Linked {
		t.Errorf("explain --json %s %s = %+v, want those two items, not linked", a, b, ex)
	}
	if _, errs, code := cli(t, db, "explain", home, b); code == 0 || !strings.Contains(errs, "by its id") {
		t.Errorf("explain by the shared home page URL: exit %d, stderr %q; want an error pointing to ids", code, errs)
	}
}

// TestExplainSaysWhenHeadlinesNameDifferentThings: two job ads of one
// small board share their wording around other names; they stay two
// stories, and explain says the headlines are why.
func TestExplainSaysWhenHeadlinesNameDifferentThings(t *testing.T) {
	ad := func(guid, company, lang, hour string) string {
		return `<item><guid>` + guid + `</guid><title>Senior ` + lang + ` Developer at ` + company + `</title><link>https://jobs.example/` + guid + `</link>` +
			`<pubDate>Thu, 03 Dec 2026 ` + hour + `:00:00 +0000</pubDate><description><![CDATA[<p>` + company + ` is hiring a Senior ` + lang +
			` Developer to join our platform team. This is a full-time remote position. You will design and build backend services. Apply now through our careers page.</p>]]></description></item>`
	}
	db := subscribeServed(t, `<rss version="2.0"><channel><title>Jobs</title><link>https://jobs.example/</link>`+
		ad("acme", "Acme", "Go", "09")+ad("initech", "Initech", "Rust", "10")+`</channel></rss>`)
	var ex struct {
		Linked     bool   `json:"linked"`
		NamesApart string `json:"names_apart"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "explain", "--json", "https://jobs.example/acme", "https://jobs.example/initech")), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Linked || !strings.Contains(ex.NamesApart, "headline") {
		t.Errorf("explain --json = %+v, want the ads apart with their headlines named as the reason", ex)
	}
	if out := mustCLI(t, db, "explain", "https://jobs.example/acme", "https://jobs.example/initech"); !strings.Contains(out, "headlines name different things:") {
		t.Errorf("explain did not say the headlines name different things:\n%s", out)
	}
}

// oneItemFeed is an RSS document of one item with HTML content.
func oneItemFeed(site, title, link, date, html string) string {
	return `<rss version="2.0"><channel><title>` + site + `</title><link>https://` + site + `/</link>` +
		`<item><title>` + title + `</title><link>` + link + `</link><pubDate>` + date + `</pubDate>` +
		`<description><![CDATA[` + html + `]]></description></item></channel></rss>`
}

// subscribeServed serves feeds from loopback and subscribes a new
// database to each, in order (each add fetches its feed once); it returns
// the database's path.
func subscribeServed(t *testing.T, feeds ...string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/%d.xml", &i); err != nil || i < 0 || i >= len(feeds) {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, feeds[i])
	}))
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "feedfold.db")
	for i := range feeds {
		mustCLI(t, db, "add", fmt.Sprintf("%s/%d.xml", srv.URL, i))
	}
	return db
}
