package aggregator

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedfold/feedfold/store"
)

// storyText is one story's body; variant words make two different stories.
func storyText(variant string) string {
	return strings.Repeat(fmt.Sprintf("Officials in the %s district said on Tuesday that the river had burst its banks after days of rain, forcing hundreds of families from their homes. ", variant), 5)
}

// otherStoryText is a different story from storyText's: two texts that
// differ in one word per sentence are near-duplicates by any measure.
var otherStoryText = strings.Repeat("The city council approved a new budget for schools and libraries at its evening meeting, with a vote of seven to two after a long debate. ", 5)

// feedServer serves named RSS documents that tests can change.
type feedServer struct {
	mu    sync.Mutex
	feeds map[string]string
	*httptest.Server
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{feeds: map[string]string{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		body, ok := fs.feeds[r.URL.Path]
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

// item is one RSS item for feedDoc.
type item struct{ guid, title, link, pub, body string }

func (fs *feedServer) set(path, site string, items ...item) {
	var b strings.Builder
	fmt.Fprintf(&b, `<rss version="2.0"><channel><title>%s</title><link>%s</link>`, site, site)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><guid>%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate><description><![CDATA[%s]]></description></item>`, it.guid, it.title, it.link, it.pub, it.body)
	}
	b.WriteString(`</channel></rss>`)
	fs.mu.Lock()
	fs.feeds[path] = b.String()
	fs.mu.Unlock()
}

// canonical lists canonical items as "title@host" with their copies' hosts.
func canonical(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	db.View(func(tx *store.Tx) error {
		return tx.Items(store.ItemQuery{}, func(it store.Item) bool {
			key := it.URL
			out[key] = []string{}
			for _, l := range tx.Copies(it.ID) {
				c, _ := tx.Item(l.Copy)
				out[key] = append(out[key], c.URL+" ("+l.Reason+")")
			}
			return true
		})
	})
	return out
}

// review is another story, unlike storyText's.
var review = strings.Repeat("The annual audit of the city's transport budget found that ticket revenue covered barely half of operating costs last year. ", 4)

// lottery is a second, different spam text.
var lottery = strings.Repeat("Congratulations, your mobile number has won a luxury holiday; reply with your bank details to claim the voucher. ", 4)

// spam is text unlike any story.
var spam = strings.Repeat("Cheap pills and miracle supplements delivered overnight, no prescription needed, limited offer for new customers only. ", 4)

const (
	t10 = "Tue, 24 Nov 2026 10:00:00 +0000"
	t11 = "Tue, 24 Nov 2026 11:00:00 +0000"
	t09 = "Tue, 24 Nov 2026 09:00:00 +0000"
)

// TestSameURLHijack: a feed claiming another site's URL cannot replace or
// hide that site's story. If the URL is the victim's own, the victim's item
// stays the original (whatever the claimant's date); if the URL belongs to
// neither feed and the contents differ, nothing is linked.
func TestSameURLHijack(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/victim", "https://victim.example/",
		item{"v1", "River floods town", "https://victim.example/flood", t10, storyText("northern")},
		item{"v2", "Review of a third site's report", "https://third.example/report", t10, review})
	fs.set("/evil", "https://evil.example/",
		item{"e1", "Buy our pills", "https://victim.example/flood?utm_source=x", t09, spam},
		item{"e2", "Win a prize", "https://third.example/report", t09, lottery})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/evil")
	a.Poll(context.Background(), true, nil)
	subscribe(t, db, fs.URL+"/victim")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if _, ok := got["https://victim.example/flood"]; !ok {
		t.Errorf("victim's own story is not canonical: %v", got)
	}
	if _, ok := got["https://victim.example/flood?utm_source=x"]; ok {
		t.Errorf("the claimant replaced the victim's story: %v", got)
	}
	_, v2 := got["https://third.example/report"]
	if !v2 || len(got["https://third.example/report"]) != 0 {
		t.Errorf("items claiming a third site's URL with different content were linked: %v", got)
	}
	db.View(func(tx *store.Tx) error {
		c := 0
		tx.Items(store.ItemQuery{}, func(it store.Item) bool {
			if it.URL == "https://third.example/report" {
				c++
			}
			return true
		})
		if c != 2 {
			t.Errorf("third-site URL: %d canonical items, want 2 (kept apart)", c)
		}
		return nil
	})
}

// TestLinkPostsOfOneArticleFold: link aggregators (Hacker News, Lobsters)
// posting the same article carry its title and URL and, for text, a link
// to their discussion; neither is the article's site, and there is no
// content to compare. One story to their reader: the later post is a copy
// of the earlier. Two posts of one URL under different headlines stay
// apart.
func TestLinkPostsOfOneArticleFold(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/hn", "https://news.ycombinator.com/",
		item{"https://news.ycombinator.com/item?id=1", "The unreasonable effectiveness of plain text", "https://blog.example/plain-text", t09,
			`<p>Article URL: <a href="https://blog.example/plain-text">https://blog.example/plain-text</a></p><p>Comments URL: <a href="https://news.ycombinator.com/item?id=1">https://news.ycombinator.com/item?id=1</a></p><p>Points: 245</p><p># Comments: 102</p>`}, // hnrss.org's form
		item{"https://news.ycombinator.com/item?id=2", "Show HN: A tiny static site generator", "https://code.example/", t09,
			`<a href="https://news.ycombinator.com/item?id=2">Comments</a>`})
	fs.set("/lobsters", "https://lobste.rs/",
		item{"https://lobste.rs/s/abc", "The Unreasonable Effectiveness of Plain Text", "https://blog.example/plain-text?utm_source=lobsters", t10,
			`<p><a href="https://lobste.rs/s/abc/the_unreasonable">Comments</a></p>`},
		item{"https://lobste.rs/s/def", "Why we moved our builds off the cloud", "https://code.example/", t10,
			`<p><a href="https://lobste.rs/s/def/why_we_moved">Comments</a></p>`})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/lobsters")
	subscribe(t, db, fs.URL+"/hn")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if cs := got["https://blog.example/plain-text"]; len(cs) != 1 || cs[0] != "https://blog.example/plain-text?utm_source=lobsters (same-url)" {
		t.Errorf("the two posts of one article were not folded under the earlier: %v", got)
	}
	n := 0
	db.View(func(tx *store.Tx) error {
		return tx.Items(store.ItemQuery{}, func(store.Item) bool { n++; return true })
	})
	if n != 3 {
		t.Errorf("%d canonical items (%v), want 3: the article once and the two posts of code.example under different headlines apart", n, got)
	}
}

func TestSameURLCopyMakesTheURLsSiteOriginal(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/victim", "https://victim.example/", item{"v1", "River floods town", "https://victim.example/flood", t10, storyText("northern")})
	// An aggregator re-posts the same story under the victim's URL, stamped earlier.
	fs.set("/agg", "https://aggregator.example/", item{"a1", "River floods town", "https://victim.example/flood", t09, storyText("northern")})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/agg")
	a.Poll(context.Background(), true, nil)
	subscribe(t, db, fs.URL+"/victim")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if len(got) != 1 {
		t.Fatalf("canonical = %v, want one story", got)
	}
	var rootFeed string
	db.View(func(tx *store.Tx) error {
		tx.Items(store.ItemQuery{}, func(it store.Item) bool {
			f, _ := tx.Feed(it.FeedID)
			rootFeed = f.URL
			return false
		})
		return nil
	})
	if !strings.HasSuffix(rootFeed, "/victim") {
		t.Errorf("original is from %s, want the victim's own feed", rootFeed)
	}
}

func TestSelfCreditDoesNotCrown(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/orig", "https://orig.example/", item{"o1", "River floods town", "https://orig.example/flood", t10, storyText("northern")})
	// The copy credits its own domain and comes an hour later.
	fs.set("/copy", "https://copycat.example/", item{"c1", "River floods town", "https://copycat.example/flood", t11,
		"<p>Source: copycat.example</p><p>" + storyText("northern") + "</p>"})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/copy", fs.URL+"/orig")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if cs, ok := got["https://orig.example/flood"]; !ok || len(cs) != 1 || strings.Contains(cs[0], "attribution") {
		t.Errorf("canonical = %v, want orig.example's item original by time, not by the copy's self-credit", got)
	}
}

func TestFeedPolicyChangesReevaluate(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/blog", "https://blog.example/", item{"b1", "River floods town", "https://blog.example/flood", t10, storyText("northern")})
	fs.set("/linkblog", "https://links.example/", item{"l1", "River floods town", "https://links.example/flood", t09, storyText("northern")})
	fs.set("/other", "https://other.example/", item{"x1", "River floods town", "https://other.example/flood", t11, storyText("northern")})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/blog", fs.URL+"/linkblog", fs.URL+"/other")
	a.Poll(context.Background(), true, nil)
	if got := canonical(t, db); len(got) != 1 || got["https://links.example/flood"] == nil {
		t.Fatalf("before: %v, want the earliest (link blog) as original", got)
	}
	set := func(url, p string) {
		t.Helper()
		if _, err := a.UpdateFeed(context.Background(), url, FeedChange{Dedupe: &p}); err != nil {
			t.Fatal(err)
		}
	}
	set(fs.URL+"/linkblog", "never-original")
	if got := canonical(t, db); len(got) != 1 || len(got["https://blog.example/flood"]) != 2 {
		t.Fatalf("never-original: %v, want blog.example's item original with 2 copies", got)
	}
	set(fs.URL+"/other", "original")
	if got := canonical(t, db); len(got) != 1 || len(got["https://other.example/flood"]) != 2 {
		t.Fatalf("original: %v, want other.example's item original", got)
	}
	// Read state: the user read the story; turning one feed off gives its
	// item back as an unread canonical item of its own.
	db.Update(func(tx *store.Tx) error {
		var root uint64
		tx.Items(store.ItemQuery{}, func(it store.Item) bool { root = it.ID; return false })
		return tx.SetItemFlags(0, root, store.Read, 0)
	})
	set(fs.URL+"/blog", "off")
	got := canonical(t, db)
	if len(got) != 2 || len(got["https://blog.example/flood"]) != 0 || len(got["https://other.example/flood"]) != 1 {
		t.Fatalf("off: %v, want blog.example's item alone again", got)
	}
	db.View(func(tx *store.Tx) error {
		return tx.Items(store.ItemQuery{}, func(it store.Item) bool {
			if it.URL == "https://blog.example/flood" && tx.ItemFlags(0, it.ID)&store.Read != 0 {
				t.Error("unlinked item inherited the cluster's read state")
			}
			return true
		})
	})
	set(fs.URL+"/blog", "on")
	if got := canonical(t, db); len(got) != 1 || len(got["https://other.example/flood"]) != 2 {
		t.Fatalf("on again: %v, want all three linked", got)
	}
	// A new item of an "off" feed is never linked.
	set(fs.URL+"/blog", "off")
	fs.set("/blog", "https://blog.example/", item{"b1", "River floods town", "https://blog.example/flood", t10, storyText("northern")},
		item{"b2", "Second story", "https://blog.example/two", t11, otherStoryText})
	fs.set("/other", "https://other.example/", item{"x1", "River floods town", "https://other.example/flood", t11, storyText("northern")},
		item{"x2", "Second story", "https://other.example/two", t11, otherStoryText})
	a.Poll(context.Background(), true, nil)
	if got := canonical(t, db); got["https://blog.example/two"] == nil || got["https://other.example/two"] == nil {
		t.Fatalf("an off feed's new item was linked: %v", got)
	}
}

func TestCategoryScope(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/a", "https://a.example/", item{"a1", "River floods town", "https://a.example/flood", t10, storyText("northern")})
	fs.set("/b", "https://b.example/", item{"b1", "River floods town", "https://b.example/flood", t11, storyText("northern")})
	a, db := newTestAggregator(t, func() time.Time { return now })
	db.Update(func(tx *store.Tx) error {
		tx.AddFeed(&store.Feed{URL: fs.URL + "/a", Category: "News"})
		return tx.AddFeed(&store.Feed{URL: fs.URL + "/b", Category: "Local"})
	})
	a.opts.DedupeScope = "category"
	a.Poll(context.Background(), true, nil)
	if got := canonical(t, db); len(got) != 2 {
		t.Fatalf("category scope, different categories: %v, want apart", got)
	}
	cat := "News"
	if _, err := a.UpdateFeed(context.Background(), fs.URL+"/b", FeedChange{Category: &cat}); err != nil {
		t.Fatal(err)
	}
	if got := canonical(t, db); len(got) != 1 {
		t.Fatalf("same category now: %v, want linked", got)
	}
	if err := a.SetCategoryScope(context.Background(), "News", "off"); err != nil {
		t.Fatal(err)
	}
	if got := canonical(t, db); len(got) != 2 {
		t.Fatalf("scope off for News: %v, want apart", got)
	}
}

// TestLateOriginalJoinsSeparateCopies: a teaser and a reprint that dropped
// the first paragraph share nothing, so they are polled into two clusters;
// when the original's feed is subscribed later, its item matches both and
// the three become one cluster under it, in bbolt, with read state kept.
func TestLateOriginalJoinsSeparateCopies(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	p := []string{
		"The regional water authority said on Monday that the northern reservoir had fallen to its lowest level in forty years after a dry winter and a hot spring.",
		"Engineers began pumping from an emergency borehole near the dam while farmers in the valley were told to expect cuts to irrigation from next week.",
		"The authority's chief executive said households would not face restrictions this summer provided that consumption stayed close to last year's level.",
		"Environmental groups said the drought exposed years of underinvestment in leaking pipes, which lose nearly a quarter of treated water before it reaches homes.",
		"A public meeting on the authority's plans for a second reservoir is due to be held in the town hall at the end of the month.",
	}
	html := func(ps ...string) string { return "<p>" + strings.Join(ps, "</p><p>") + "</p>" }
	fs := newFeedServer(t)
	fs.set("/teasers", "https://teasers.example/", item{"t1", "Reservoir at forty-year low", "https://teasers.example/reservoir", t10, html(p[0], "Read more")})
	fs.set("/reprints", "https://reprints.example/", item{"r1", "Water chief: no summer restrictions", "https://reprints.example/water", t11, html(p[2], p[1], p[4], p[3])})
	fs.set("/water", "https://water.example/", item{"w1", "Reservoir at forty-year low", "https://water.example/news/reservoir", t09, html(p...)})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/teasers")
	subscribe(t, db, fs.URL+"/reprints")
	a.Poll(context.Background(), true, nil)
	if got := canonical(t, db); len(got) != 2 {
		t.Fatalf("teaser and reprint matched each other (%v): the test no longer tests a merge", got)
	}
	// The reader starred the reprint while it stood alone.
	flagsOf := func(url string) (f store.Flags) {
		db.View(func(tx *store.Tx) error {
			return tx.Items(store.ItemQuery{}, func(it store.Item) bool {
				if it.URL == url {
					f = tx.ItemFlags(0, it.ID)
				}
				return true
			})
		})
		return f
	}
	if err := db.Update(func(tx *store.Tx) error {
		var id uint64
		tx.Items(store.ItemQuery{}, func(it store.Item) bool {
			if it.URL == "https://reprints.example/water" {
				id = it.ID
			}
			return true
		})
		return tx.SetItemFlags(0, id, store.Starred, 0)
	}); err != nil {
		t.Fatal(err)
	}
	subscribe(t, db, fs.URL+"/water")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if cs := got["https://water.example/news/reservoir"]; len(got) != 1 || len(cs) != 2 {
		t.Errorf("want one cluster under the original with both copies, got %v", got)
	}
	if flagsOf("https://water.example/news/reservoir")&store.Starred == 0 {
		t.Error("the star on the reprint did not follow its cluster to the original")
	}
	if err := db.Check(); err != nil {
		t.Errorf("database check after the merge: %v", err)
	}
}

// TestSharedGUIDDoesNotDropStories: a feed that gives every entry the same
// GUID (its home page) still delivers every story, each once: keyed by
// that GUID, all but the first were dropped on every poll. A repeated
// entry (same GUID, same link) is still one item, and polling again adds
// nothing.
func TestSharedGUIDDoesNotDropStories(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	const home = "https://broken.example/"
	fs.set("/broken", home,
		item{home, "Harbour to close for repairs", home + "harbour", t11, review},
		item{home, "School term to start late", home + "school", t10, spam},
		item{home, "School term to start late", home + "school", t10, spam},
		item{home, "Lottery winner found", home + "lottery", t09, lottery})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/broken")
	s, err := a.Poll(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.NewItems != 3 {
		t.Errorf("first poll stored %d new items, want 3 (one per story)", s.NewItems)
	}
	if got := canonical(t, db); len(got) != 3 {
		t.Errorf("canonical = %v, want the three stories", got)
	}
	// The server sends no validators: the body is parsed again.
	if s, _ := a.Poll(context.Background(), true, nil); s.NewItems != 0 || s.Updated != 0 {
		t.Errorf("second poll: %d new, %d updated, want nothing", s.NewItems, s.Updated)
	}
}

// TestLinksThatNameNoEntryLinkNothing: a feed whose entries all link to
// its home page (each with its own GUID, or with none), and a comment feed
// linking every comment to its article, keep every story as an item of
// its own: a link that names no one entry is no same-url identity, and
// with it every story was made a copy of the first (or, without GUIDs,
// dropped as a repeat of it). A story posted later, alone in its
// document, with the home page for its link, is not made a copy either.
func TestLinksThatNameNoEntryLinkNothing(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	text := func(subject, verb string) string {
		return strings.Repeat("The "+subject+" "+verb+" on Tuesday after weeks of uncertainty, officials said. ", 4)
	}
	fs := newFeedServer(t)
	const home = "https://home.example/"
	fs.set("/guids", home,
		item{"g1", "Harbour to close", home, t11, text("harbour", "closed for repairs")},
		item{"g2", "School term to start late", home, t10, text("school term", "was postponed")},
		item{"g3", "Lottery winner found", home, t09, text("lottery winner", "came forward")})
	const news = "https://plain.example/news"
	fs.set("/plain", "https://plain.example/",
		item{"", "Ferry resumes", news, t11, text("ferry service", "resumed")},
		item{"", "Museum reopens", news, t10, text("museum", "reopened its doors")},
		item{"", "Museum reopens", news, t10, text("museum", "reopened its doors")}) // a repeat: one item
	const article = "https://blog.example/post"
	fs.set("/blog", "https://blog.example/", item{"p1", "Budget approved", article, t09, otherStoryText})
	fs.set("/comments", article,
		item{"c1", "Comment by Ann", article + "#comment-1", t10, "<p>Great post, thanks for writing up the council's budget vote.</p>"},
		item{"c2", "Comment by Bob", article + "#comment-2", t11, "<p>I disagree with the second point about the libraries entirely.</p>"})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/guids", fs.URL+"/plain", fs.URL+"/blog", fs.URL+"/comments")
	count := func() (items, copies int) {
		db.View(func(tx *store.Tx) error {
			return tx.Items(store.ItemQuery{All: true}, func(it store.Item) bool {
				items++
				if tx.Root(it.ID) != it.ID {
					copies++
					t.Logf("%q (%s) linked as a copy", it.Title, it.URL)
				}
				return true
			})
		})
		return items, copies
	}
	if _, err := a.Poll(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	if items, copies := count(); items != 8 || copies != 0 {
		t.Errorf("first poll: %d items, %d of them copies; want 8 stories and comments, none a copy", items, copies)
	}
	fs.set("/guids", home, item{"g4", "Bridge reopens", home, t11, text("bridge", "reopened to traffic")})
	if _, err := a.Poll(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	if items, copies := count(); items != 9 || copies != 0 {
		t.Errorf("second poll: %d items, %d of them copies; want 9, none a copy", items, copies)
	}
}

// TestCitedPublisherStaysOriginalAcrossRestart: three reprint sites credit
// water.example ("Source: water.example") on other stories; the counts are
// kept in the database, so after a restart a site that copies
// water.example's story without a credit and stamps it five hours earlier
// is still listed as the copy.
func TestCitedPublisherStaysOriginalAcrossRestart(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "cited.db")
	open := func() (*Aggregator, *store.DB) {
		return openTestAggregator(t, path, Options{Now: func() time.Time { return now }})
	}
	fs := newFeedServer(t)
	stories := []string{otherStoryText, lottery, spam}
	for i, s := range stories {
		site := fmt.Sprintf("https://reprint%d.example/", i)
		fs.set(fmt.Sprintf("/reprint%d", i), site, item{"r", "Story", site + "story", t09, "<p>" + s + "</p><p>Source: water.example</p>"})
	}
	a, db := open()
	for i := range stories {
		subscribe(t, db, fmt.Sprintf("%s/reprint%d", fs.URL, i))
	}
	a.Poll(context.Background(), true, nil)
	db.Close()

	fs.set("/gazette", "https://gazette.example/", item{"g1", "River floods town", "https://gazette.example/flood", "Tue, 24 Nov 2026 05:00:00 +0000", storyText("northern")})
	fs.set("/water", "https://water.example/", item{"w1", "River floods town", "https://water.example/flood", t10, storyText("northern")})
	a, db = open()
	defer db.Close()
	subscribe(t, db, fs.URL+"/gazette")
	a.Poll(context.Background(), true, nil) // the copy arrives first
	subscribe(t, db, fs.URL+"/water")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if cs := got["https://water.example/flood"]; len(cs) != 1 || !strings.HasPrefix(cs[0], "https://gazette.example/flood") {
		t.Errorf("canonical items %v: want water.example's item as the original with the gazette's copy", got)
	}
}

// TestSourceLinkMakesTheLinkedSiteOriginal: a reposting plugin's copy
// ends with a "Source link" to the article it copied and is stamped an
// hour earlier; the linked site's item is the original.
func TestSourceLinkMakesTheLinkedSiteOriginal(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fs := newFeedServer(t)
	fs.set("/orig", "https://orig.example/", item{"o1", "River floods town", "https://orig.example/flood", t10, storyText("northern")})
	fs.set("/repost", "https://reposts.example/", item{"r1", "River floods town", "https://reposts.example/flood", t09,
		"<p>" + storyText("northern") + `</p><p><a href="https://orig.example/flood" rel="nofollow">Source link</a></p>`})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/repost", fs.URL+"/orig")
	a.Poll(context.Background(), true, nil)
	got := canonical(t, db)
	if cs := got["https://orig.example/flood"]; len(cs) != 1 || cs[0] != "https://reposts.example/flood (attribution)" {
		t.Errorf("canonical = %v: want orig.example's item original, the repost its copy by attribution", got)
	}
}

// TestEntryWithoutGUIDIsNotStoredTwice: a notice board without GUIDs links
// every notice to one page, so its entries are keyed by their text; when
// a poll finds one notice left alone on the page it is keyed by the link,
// and when later polls find others beside a notice first seen alone, by
// its text again. Unchanged, each is still the item stored before.
func TestEntryWithoutGUIDIsNotStoredTwice(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	text := func(subject, verb string) string {
		return strings.Repeat("The "+subject+" "+verb+" on Tuesday after weeks of uncertainty, officials said. ", 4)
	}
	const page = "https://board.example/notices"
	ferry := item{"", "Ferry resumes", page, t11, text("ferry service", "resumed")}
	museum := item{"", "Museum reopens", page, t10, text("museum", "reopened its doors")}
	bridge := item{"", "Bridge reopens", page, t09, text("bridge", "reopened to traffic")}
	fs := newFeedServer(t)
	fs.set("/board", "https://board.example/", ferry, museum)
	fs.set("/single", "https://single.example/", item{"", "Pool opens", "https://single.example/pool", t11, text("pool", "opened")})
	a, db := newTestAggregator(t, func() time.Time { return now })
	subscribe(t, db, fs.URL+"/board", fs.URL+"/single")
	count := func() (n int) {
		db.View(func(tx *store.Tx) error {
			return tx.Items(store.ItemQuery{All: true}, func(store.Item) bool { n++; return true })
		})
		return n
	}
	for i, step := range []struct {
		board, single []item
		want          int
	}{
		{[]item{ferry, museum}, nil, 3},
		{[]item{ferry}, nil, 3},                 // alone: keyed by its link now
		{[]item{ferry, museum, bridge}, nil, 4}, // beside others: by its text again
		{[]item{bridge}, nil, 4},
		// A notice first seen alone on its page, then beside another.
		{[]item{bridge}, []item{{"", "Pool opens", "https://single.example/pool", t11, text("pool", "opened")}, {"", "Gym opens", "https://single.example/pool", t10, text("gym", "opened")}}, 5},
	} {
		fs.set("/board", "https://board.example/", step.board...)
		if step.single != nil {
			fs.set("/single", "https://single.example/", step.single...)
		}
		if _, err := a.Poll(context.Background(), true, nil); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != step.want {
			t.Errorf("poll %d: %d items stored, want %d", i+1, n, step.want)
		}
	}
}
