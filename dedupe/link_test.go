package dedupe

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// ingest signs, links and indexes docs in order, as the aggregator does,
// and returns the state.
func ingest(t *testing.T, cfg Config, docs []Doc, pubs []time.Time) *MemState {
	t.Helper()
	x, st := NewIndex(cfg), NewMemState()
	for i, doc := range docs {
		id := uint64(i + 1)
		sig := Sign(cfg, doc, nil)
		m := Member{Site: doc.FeedSite, URL: doc.URL, Credits: sig.Credits, Published: pubs[i], FirstSeen: pubs[i]}
		st.Put(id, sig, m)
		st.Apply(LinkItem(cfg, x, st, id, sig, m, 0))
		x.Add(id, sig)
	}
	return st
}

var mergeParas = []string{
	"The regional water authority said on Monday that the northern reservoir had fallen to its lowest level in forty years after a dry winter and a hot spring.",
	"Engineers began pumping from an emergency borehole near the dam while farmers in the valley were told to expect cuts to irrigation from next week.",
	"The authority's chief executive said households would not face restrictions this summer provided that consumption stayed close to last year's level.",
	"Environmental groups said the drought exposed years of underinvestment in leaking pipes, which lose nearly a quarter of treated water before it reaches homes.",
	"A public meeting on the authority's plans for a second reservoir is due to be held in the town hall at the end of the month.",
}

func paras(ps ...string) string { return "<p>" + strings.Join(ps, "</p><p>") + "</p>" }

// TestOriginalJoinsClustersOfItsCopies: a teaser (the first paragraph) and
// a reprint that dropped the first paragraph and reordered the rest arrive
// first and share nothing; the original, arriving last, matches both and
// must tie all three into one cluster.
func TestOriginalJoinsClustersOfItsCopies(t *testing.T) {
	cfg := DefaultConfig()
	p := mergeParas
	teaser := Doc{Title: "Reservoir at forty-year low", HTML: paras(p[0], "Read more"), URL: "https://teasers.example/reservoir", FeedSite: "https://teasers.example/"}
	reordered := Doc{Title: "Water chief: no summer restrictions", HTML: paras(p[2], p[1], p[4], p[3]), URL: "https://reprints.example/water", FeedSite: "https://reprints.example/"}
	orig := Doc{Title: "Reservoir at forty-year low", HTML: paras(p...), URL: "https://water.example/news/reservoir", FeedSite: "https://water.example/"}
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

	// The two copies alone stay apart: the original is what joins them.
	if st := ingest(t, cfg, []Doc{teaser, reordered}, []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour)}); len(st.Members(1)) != 1 {
		t.Fatalf("teaser and reordered copy matched each other (members %v): the test no longer tests a merge", st.Members(1))
	}
	st := ingest(t, cfg, []Doc{teaser, reordered, orig}, []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour), t0})
	root := st.Root(1)
	if root != 3 || st.Root(2) != 3 || len(st.Members(3)) != 3 {
		t.Errorf("roots %d %d %d, members of 3: %v; want one cluster under the original (3)", st.Root(1), st.Root(2), st.Root(3), st.Members(3))
	}
}

// TestNoMergeAcrossContradictingFigures: two instances of a template story
// (different figures) stay apart even when a third item without figures
// matches both.
func TestNoMergeAcrossContradictingFigures(t *testing.T) {
	cfg := DefaultConfig()
	body := func(amount, rate string) string {
		return paras("The Federal Reserve entered the government securities market to arrange "+amount+" of customer repurchase agreements, a Fed spokesman said.",
			"Dealers said Federal funds were trading at "+rate+" when the Fed began its temporary and indirect supply of reserves to the banking system.")
	}
	a := Doc{Title: "Fed adds reserves via customer repurchases", HTML: body("2 billion dlrs", "6 pct"), URL: "https://wire.example/a", FeedSite: "https://wire.example/"}
	b := Doc{Title: "Fed adds reserves via customer repurchases", HTML: body("15 billion dlrs", "7 pct"), URL: "https://wire.example/b", FeedSite: "https://wire.example/"}
	c := Doc{Title: "Fed adds reserves via customer repurchases", HTML: body("billions of dlrs", "the usual rate"), URL: "https://digest.example/c", FeedSite: "https://digest.example/"}
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	st := ingest(t, cfg, []Doc{a, b, c}, []time.Time{t0, t0.Add(24 * time.Hour), t0.Add(25 * time.Hour)})
	if st.Root(1) == st.Root(2) {
		t.Errorf("template instances with different figures were merged: roots %d %d %d", st.Root(1), st.Root(2), st.Root(3))
	}
	if st.Root(3) != st.Root(1) && st.Root(3) != st.Root(2) {
		t.Errorf("the item without figures joined neither instance: roots %d %d %d", st.Root(1), st.Root(2), st.Root(3))
	}
}

// TestAnalyzerDropsHugeScratchOnReset: one huge item must not pin its
// working memory in a long-lived Analyzer; ordinary items keep theirs.
func TestAnalyzerDropsHugeScratchOnReset(t *testing.T) {
	var a Analyzer
	for range 3 { // a feed of ordinary items
		a.Analyze(Doc{Title: "t", HTML: paras(mergeParas...)})
	}
	a.Reset()
	if cap(a.sc.buf) == 0 || a.words.bytes() == 0 || a.hashes.bytes() == 0 {
		t.Fatal("an ordinary feed's scratch was not kept for reuse")
	}
	huge := strings.Repeat(paras(mergeParas...), 3000) // ~2.3 MB of text
	a.Analyze(Doc{Title: "t", HTML: huge})
	a.Reset()
	if cap(a.sc.buf) > 1<<20 || cap(a.ex.text) > 1<<20 || a.words.bytes() > maxKeptSlabBytes || a.hashes.bytes() > maxKeptSlabBytes || a.segs.bytes() > maxKeptSlabBytes {
		t.Errorf("huge item's memory kept: buf %d, text %d, bytes of words %d, hashes %d, segments %d", cap(a.sc.buf), cap(a.ex.text), a.words.bytes(), a.hashes.bytes(), a.segs.bytes())
	}
}

// TestSyndicatedStoryPastStopLimit: a story that more feeds copy than a
// key may match (maxKeyMatches) — same headline, same sentences, each copy
// with a block of its own site's links — still gathers every copy into
// one cluster: a stop key keeps its newest matches.
func TestSyndicatedStoryPastStopLimit(t *testing.T) {
	cfg := DefaultConfig()
	letters := func(n int) string { // a word without digits: figures would veto
		w := []byte("zq")
		for ; n > 0; n /= 26 {
			w = append(w, byte('a'+n%26))
		}
		return string(w)
	}
	const copies = maxKeyMatches + 16
	var docs []Doc
	var pubs []time.Time
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	for i := 0; i < copies; i++ {
		var own []string
		for j := 0; j < 40; j++ {
			own = append(own, letters(1000*i+j+1))
		}
		site := "https://site" + letters(i+1) + ".example/"
		docs = append(docs, Doc{Title: "Reservoir at forty-year low", HTML: paras(append([]string{"More from us: " + strings.Join(own, " ") + "."}, mergeParas...)...),
			URL: site + "reservoir", FeedSite: site})
		pubs = append(pubs, t0.Add(time.Duration(i)*time.Minute))
	}
	st := ingest(t, cfg, docs, pubs)
	if n := len(st.Members(st.Root(1))); n != copies {
		var apart []uint64
		for id := uint64(1); id <= copies; id++ {
			if st.Root(id) != st.Root(1) {
				apart = append(apart, id)
			}
		}
		t.Errorf("cluster of the first copy has %d of %d copies; apart: %v", n, copies, apart)
	}
}

// TestAnalyzerSignsLikeSign: texts analysed by one Analyzer and signed one
// after another (as a poll worker does, reusing the Analyzer's scratch)
// get the signatures Sign gives each document alone.
func TestAnalyzerSignsLikeSign(t *testing.T) {
	cfg := DefaultConfig()
	bp := NewBoilerplate(cfg)
	var docs []Doc
	for i := range mergeParas {
		// Longer, shorter, then longer again, so a reused array is
		// sometimes too small and sometimes has stale words past the end.
		ps := mergeParas[:len(mergeParas)-i]
		if i%2 == 1 {
			ps = append(slices.Clone(mergeParas), mergeParas[i:]...)
		}
		docs = append(docs, Doc{Title: fmt.Sprintf("Story %d", i), HTML: paras(ps...), URL: fmt.Sprintf("https://x.example/%d", i)})
	}
	var a Analyzer
	texts := make([]*Text, len(docs))
	for i, d := range docs {
		texts[i] = a.Analyze(d)
	}
	for i, d := range docs {
		got, want := SignText(cfg, texts[i], bp), Sign(cfg, d, bp)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("doc %d: signed with the Analyzer's scratch %+v, alone %+v", i, got, want)
		}
	}
}

// TestLinkPostsOfOneTemplateStayApart: a link aggregator's items (Hacker
// News' "Article URL: … Comments URL: … Points: 1 # Comments: 0") share
// all their text but the links; new posts often share their figures too.
// Once the feed's boilerplate model has learned that text, each post is
// its title, and different titles are different stories.
func TestLinkPostsOfOneTemplateStayApart(t *testing.T) {
	cfg := DefaultConfig()
	x, st, bp := NewIndex(cfg), NewMemState(), NewBoilerplate(cfg)
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	titles := []string{"Show HN: A tiny Lisp in 200 lines of Go", "Why SQLite is so great for embedded apps", "The history of the Unix shell",
		"A deep dive into TCP congestion control", "PostgreSQL 19 released", "How we cut our cloud bill by 60%"}
	var docs []Doc
	for i, title := range titles {
		u := fmt.Sprintf("https://site%d.example.com/post/%d", i, i)
		hn := fmt.Sprintf("https://news.ycombinator.com/item?id=%d", 43210000+i*37)
		docs = append(docs, Doc{Title: title, URL: u, FeedSite: "https://news.ycombinator.com/",
			HTML: fmt.Sprintf(`<p>Article URL: <a href="%s">%s</a></p><hr><p>Comments URL: <a href="%s">%s</a></p><p>Points: 1</p><p># Comments: 0</p>`, u, u, hn, hn)})
		bp.Observe(docs[i])
	}
	for i, doc := range docs {
		id := uint64(i + 1)
		sig := Sign(cfg, doc, bp)
		m := Member{Site: doc.FeedSite, URL: doc.URL, Credits: sig.Credits, Published: t0.Add(time.Duration(i) * time.Minute), FirstSeen: t0}
		st.Put(id, sig, m)
		st.Apply(LinkItem(cfg, x, st, id, sig, m, 0))
		x.Add(id, sig)
	}
	for i := range docs {
		if ms := st.Members(st.Root(uint64(i + 1))); len(ms) != 1 {
			t.Errorf("%q was linked with %v", docs[i].Title, ms)
		}
	}
}

// TestReprintWeeksLaterLinks: a site that reprints a story word for word
// five weeks after it ran, or a long passage of it whole, is showing the
// reader a text already seen, so the gaps between one story's items do not
// keep them apart; a teaser of it that late (its first paragraph) and a
// template instance with new figures a month later still stay apart.
func TestReprintWeeksLaterLinks(t *testing.T) {
	cfg := DefaultConfig()
	p := mergeParas
	orig := Doc{Title: "Reservoir at forty-year low", HTML: paras(p...), URL: "https://water.example/news/reservoir", FeedSite: "https://water.example/"}
	reprint := Doc{Title: "Reservoir at forty-year low", HTML: paras(p...) + "<p>Share this story.</p>", URL: "https://reprints.example/reservoir", FeedSite: "https://reprints.example/"}
	teaser := Doc{Title: "Reservoir at forty-year low", HTML: paras(p[0], "Read more"), URL: "https://teasers.example/reservoir", FeedSite: "https://teasers.example/"}
	t0 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	late, teased := t0.Add(35*24*time.Hour), t0.Add(20*24*time.Hour) // the teaser is far from both
	if d := cfg.MaxGapCrossSite; late.Sub(t0) <= d {
		t.Fatalf("the reprint is within the cross-site gap %v: the test no longer tests it", d)
	}
	for _, order := range []string{"original first", "reprint first"} {
		docs, pubs := []Doc{orig, reprint, teaser}, []time.Time{t0, late, teased}
		if order == "reprint first" {
			docs, pubs = []Doc{reprint, teaser, orig}, []time.Time{late, teased, t0}
		}
		st := ingest(t, cfg, docs, pubs)
		origID, reprintID, teaserID := uint64(1), uint64(2), uint64(3)
		if order == "reprint first" {
			origID, reprintID, teaserID = 3, 1, 2
		}
		if st.Root(reprintID) != origID {
			t.Errorf("%s: the reprint's root is %d, want the original %d", order, st.Root(reprintID), origID)
		}
		if st.Root(teaserID) == origID {
			t.Errorf("%s: a teaser five weeks late was linked: the far-apart rule accepts more than near-verbatim copies", order)
		}
	}

	// A passage long enough to be copied whole (the five paragraphs of a
	// longer report) links too.
	long := Doc{Title: "Reservoir at forty-year low; ferry to stop", HTML: paras(p...) + "<p>" + ferryStory + "</p>", URL: "https://water.example/news/roundup", FeedSite: "https://water.example/"}
	if st := ingest(t, cfg, []Doc{long, orig}, []time.Time{t0, late}); st.Root(2) != 1 {
		t.Errorf("five paragraphs of a longer report, copied five weeks later, were not linked")
	}

	// Without the rule the reprint stays apart: what the test above proves
	// is the rule, not a gap wider than thought.
	off := cfg
	off.MinFarJaccard = 0
	if st := ingest(t, off, []Doc{orig, reprint}, []time.Time{t0, late}); st.Root(2) == 1 {
		t.Errorf("with MinFarJaccard 0 the reprint five weeks late was still linked")
	}

	// A template story a month later, its wording unchanged around new
	// figures, is a new story.
	body := func(amount, rate string) string {
		return paras("The Federal Reserve entered the government securities market to arrange "+amount+" of customer repurchase agreements, a Fed spokesman said.",
			"Dealers said Federal funds were trading at "+rate+" when the Fed began its temporary and indirect supply of reserves to the banking system.",
			"Economists said the move was intended to offset the drain on reserves expected from the Treasury's tax receipts this week.")
	}
	a := Doc{Title: "Fed adds reserves via customer repurchases", HTML: body("2 billion dlrs", "6 pct"), URL: "https://wire.example/a", FeedSite: "https://wire.example/"}
	b := Doc{Title: "Fed adds reserves via customer repurchases", HTML: body("2 billion dlrs", "7 pct"), URL: "https://wire.example/b", FeedSite: "https://wire.example/"}
	if v := Compare(cfg, Sign(cfg, a, nil), Sign(cfg, b, nil)); !v.Duplicate || v.Score < cfg.MinFarJaccard {
		t.Fatalf("template pair verdict %+v: only a near-verbatim pair tests the figures guard", v)
	}
	if st := ingest(t, cfg, []Doc{a, b}, []time.Time{t0, t0.Add(30 * 24 * time.Hour)}); st.Root(2) == 1 {
		t.Errorf("a template instance with a new figure a month later was linked")
	}
}

// TestOneBlurbUnderManyHeadlinesIsNotAReprint: a podcast feed that puts its
// show blurb on every weekly episode carries one text under different
// headlines; before its boilerplate model has seen the blurb three times,
// far-apart episodes must not fold into one as reprints would (numbered
// titles already differ in their figures; these are not numbered). The
// same site re-posting a story under its headline weeks later does fold.
func TestOneBlurbUnderManyHeadlinesIsNotAReprint(t *testing.T) {
	cfg := DefaultConfig()
	blurb := paras(mergeParas[:3]...)
	site := "https://podcast.example/"
	ep41 := Doc{Title: "The moon landing tapes", HTML: blurb, URL: site + "41", FeedSite: site}
	ep42 := Doc{Title: "Vents at the bottom of the sea", HTML: blurb, URL: site + "42", FeedSite: site}
	repost := Doc{Title: "The moon landing tapes (rebroadcast)", HTML: blurb, URL: site + "41-rebroadcast", FeedSite: site}
	t0 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	if week <= cfg.MaxGapSameSite {
		t.Fatalf("a week is within the same-site gap %v: the test no longer tests it", cfg.MaxGapSameSite)
	}
	if st := ingest(t, cfg, []Doc{ep41, ep42}, []time.Time{t0, t0.Add(week)}); st.Root(2) == 1 {
		t.Errorf("two episodes with one blurb a week apart were folded into one")
	}
	if st := ingest(t, cfg, []Doc{ep41, repost}, []time.Time{t0, t0.Add(3 * week)}); st.Root(2) != 1 {
		t.Errorf("the same episode re-posted three weeks later under its headline was not folded")
	}
}

// TestCitedPublisherBeatsAnUncreditedCopyStampedEarlier: a site that
// copies without a credit line and stamps its copy hours before the
// publisher's own item must not become the original when other sites'
// reprints name that publisher as their source; the earliest still wins
// when the publisher is not credited enough, is itself later than a day,
// or when the early site has been credited too.
func TestCitedPublisherBeatsAnUncreditedCopyStampedEarlier(t *testing.T) {
	cfg := DefaultConfig()
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	// Reprints of other stories crediting water.example, n of them.
	citing := func(n int, source string) ([]Doc, []time.Time) {
		var docs []Doc
		var pubs []time.Time
		for i := range n {
			site := "https://reprint" + itoa(uint64(i)) + ".example/"
			docs = append(docs, Doc{Title: "Story " + itoa(uint64(i)), HTML: paras(ferryStoryVariant(i), "@Source: "+source), URL: site + "s", FeedSite: site})
			pubs = append(pubs, t0.Add(-time.Duration(48+i)*time.Hour))
		}
		return docs, pubs
	}
	orig := Doc{Title: "Reservoir at forty-year low", HTML: paras(mergeParas...), URL: "https://water.example/news/reservoir", FeedSite: "https://water.example/"}
	copyOf := Doc{Title: "Reservoir at forty-year low", HTML: "<p>LOCAL GAZETTE, subscribe for $1</p>" + paras(mergeParas...), URL: "https://gazette.example/reservoir", FeedSite: "https://gazette.example/"}
	rootOf := func(t *testing.T, cfg Config, citers int, source string, copyAt, origAt time.Time, extra ...Doc) (origRoot bool) {
		t.Helper()
		docs, pubs := citing(citers, source)
		for _, d := range extra {
			docs, pubs = append(docs, d), append(pubs, t0.Add(-72*time.Hour))
		}
		n := len(docs)
		// The copy arrives first, as a faster feed's would.
		docs, pubs = append(docs, copyOf, orig), append(pubs, copyAt, origAt)
		st := ingest(t, cfg, docs, pubs)
		copyID, origID := uint64(n+1), uint64(n+2)
		if st.Root(copyID) != st.Root(origID) {
			t.Fatalf("the copy and the original were not linked at all")
		}
		return st.Root(copyID) == origID
	}
	early := t0.Add(-4 * time.Hour)
	if !rootOf(t, cfg, 3, "water.example", early, t0) {
		t.Errorf("a copy stamped 4 h early beat a publisher three other sites credit")
	}
	if !rootOf(t, cfg, 3, "water", early, t0) {
		t.Errorf("credits by bare name (\"water\") did not count for water.example")
	}
	if rootOf(t, cfg, 2, "water.example", early, t0) {
		t.Errorf("two credits made water.example a cited source: MinCitations is %d", cfg.MinCitations)
	}
	if rootOf(t, cfg, 3, "water.example", t0.Add(-cfg.CitedWindow-time.Hour), t0) {
		t.Errorf("a copy more than CitedWindow earlier lost to the cited publisher")
	}
	gazetteCited := Doc{Title: "Other story", HTML: paras(ferryStory, "Source: gazette.example"), URL: "https://citer.example/x", FeedSite: "https://citer.example/"}
	if rootOf(t, cfg, 3, "water.example", early, t0, gazetteCited) {
		t.Errorf("the earliest member's site is credited itself, yet it lost to a more credited site")
	}
	off := cfg
	off.MinCitations = 0
	if rootOf(t, off, 3, "water.example", early, t0) {
		t.Errorf("with MinCitations 0 the cited publisher still won: the test does not test the rule")
	}
}

// ferryStoryVariant is a distinct story per i: the citing reprints must
// not be copies of each other or of the tested pair.
func ferryStoryVariant(i int) string {
	words := strings.Fields(ferryStory)
	r := rand.New(rand.NewSource(int64(i) + 100))
	r.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
	return strings.Join(words, " ")
}

// TestSpelledOutFiguresAgreeWithDigits: a re-filing that writes "10 pct"
// where the story wrote "ten pct" is the same story to the numbers veto;
// small numbers both spell out ("two dealers") do not make two instances
// of a template with different figures alike.
func TestSpelledOutFiguresAgreeWithDigits(t *testing.T) {
	cfg := DefaultConfig()
	body := func(cut, extra string) string {
		return paras("The House Ways and Means trade subcommittee approved a toned-down version of legislation designed to toughen trade laws and open foreign markets to more goods.",
			"The measure now goes to the full committee next week, but major changes are not expected, congressional sources said.",
			"Last year the House approved a plan to force an annual "+cut+" pct trade surplus cut by those countries, an aide said.",
			extra)
	}
	story := Sign(cfg, Doc{Title: "House panel approves trade bill", HTML: body("ten", "The full House will consider the bill in late April before the 1988 elections.")}, nil)
	refiled := Sign(cfg, Doc{Title: "House panel approves trade bill", HTML: body("10", "")}, nil)
	if v := Compare(cfg, refiled, story); !v.Duplicate {
		t.Errorf("the re-filing writing 10 for ten was kept apart: %+v (numbers %v / %v, spelled %v)", v, refiled.Numbers, story.Numbers, story.Spelled)
	}
	// One figure each, and one number both spell out: were spelled numbers
	// figures, half of each side's would agree.
	fed := func(amount string) Signature {
		return Sign(cfg, Doc{Title: "Fed adds reserves via customer repurchases", HTML: paras(
			"The Federal Reserve entered the government securities market to arrange "+amount+" billion dlrs of customer repurchase agreements, two dealers said.",
			"Federal funds were trading firmly when the Fed began its temporary and indirect supply of reserves to the banking system.")}, nil)
	}
	if v := Compare(cfg, fed("3"), fed("5")); v.Duplicate {
		t.Errorf("two template instances with different figures were joined by a number both spell out: %+v", v)
	}
}

// TestThousandsSeparatorsAgree: "10 000" (French, Finnish, Swedish,
// Russian… house styles, with a plain, no-break or thin space), "10,000"
// and "10000" are one figure, so a copy setting its thousands another way
// is not held apart by the numbers veto; "in 1987 200 people" keeps two.
func TestThousandsSeparatorsAgree(t *testing.T) {
	cfg := DefaultConfig()
	story := func(figure string) Signature {
		return Sign(cfg, Doc{Title: "Dock strike halts the port", HTML: paras(
			"Some "+figure+" dock workers walked out on Monday, halting traffic at the country's largest port, the union said.",
			"The union wants a pay rise over two years, while employers have offered less than half of what it asks.",
			"Talks are due to resume on Thursday under a state mediator, the labour ministry said in a statement.")}, nil)
	}
	original := story("10,000")
	for _, f := range []string{"10 000", "10\u00a0000", "10\u202f000", "10000", "10.000"} {
		if v := Compare(cfg, story(f), original); !v.Duplicate {
			t.Errorf("%q against 10,000: kept apart: %+v", f, v)
		}
	}
	if v := Compare(cfg, story("12 000"), original); v.Duplicate {
		t.Errorf("12 000 against 10,000: joined: %+v", v)
	}
	for s, want := range map[string][]string{
		"10 000 people":      {"10000", "people"},
		"in 1987 200 people": {"in", "1987", "200", "people"},
		"a10 000":            {"a10", "000"},
		"10 0000":            {"10", "0000"},
		"€1 234 567":         {"1234567"},
	} {
		if got := words(s, nil); !slices.Equal(got, want) {
			t.Errorf("words(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestTemplateItemsStayApart: one site's items written to one wording
// around other names (job ads, deals, obituaries, incident notices) are
// different stories, though their texts share most shingles: each names
// in its headline a word its own text repeats and the other does not. A
// feed of two such items gives the boilerplate learner nothing to learn
// from, so nothing else keeps them apart. A copy under a rewritten
// headline, and a teaser, still link.
func TestTemplateItemsStayApart(t *testing.T) {
	cfg := DefaultConfig()
	pairs := [][2]Doc{
		{{Title: "Senior Go Developer at Acme", HTML: paras("Acme is hiring a Senior Go Developer to join our platform team. This is a full-time remote position. You will design and build backend services. Apply now through our careers page.")},
			{Title: "Senior Rust Developer at Initech", HTML: paras("Initech is hiring a Senior Rust Developer to join our platform team. This is a full-time remote position. You will design and build backend services. Apply now through our careers page.")}},
		{{Title: "Daily deal: Wireless headphones", HTML: paras("Today only: get the wireless headphones at our lowest price ever. Free shipping on all orders. Offer ends at midnight while stocks last.")},
			{Title: "Daily deal: Robot vacuum", HTML: paras("Today only: get the robot vacuum at our lowest price ever. Free shipping on all orders. Offer ends at midnight while stocks last.")}},
		{{Title: "Obituary: Mary Smith", HTML: paras("Mary Smith passed away peacefully at home surrounded by her family. She will be deeply missed by all who knew her. Funeral arrangements to be announced.")},
			{Title: "Obituary: Peter Jones", HTML: paras("Peter Jones passed away peacefully at home surrounded by his family. He will be deeply missed by all who knew him. Funeral arrangements to be announced.")}},
		{{Title: "Service degraded: API", HTML: paras("We are investigating reports of elevated error rates affecting the API. We will provide an update as soon as possible.")},
			{Title: "Service degraded: Dashboard", HTML: paras("We are investigating reports of elevated error rates affecting the Dashboard. We will provide an update as soon as possible.")}},
	}
	for _, p := range pairs {
		a, b := Sign(cfg, p[0], nil), Sign(cfg, p[1], nil)
		if v := Compare(cfg, a, b); v.Duplicate {
			t.Errorf("%q and %q joined: %+v", p[0].Title, p[1].Title, v)
		}
		if NamesApart(cfg, a, b) == "" {
			t.Errorf("%q and %q: NamesApart does not say why they are apart", p[0].Title, p[1].Title)
		}
	}
	story := []string{
		"The regional water authority said on Monday that the northern reservoir had fallen to its lowest level in forty years after a dry winter and a hot spring.",
		"Engineers began pumping from an emergency borehole near the dam while farmers in the valley were told to expect cuts to irrigation from next week.",
		"The authority's chief executive said households would not face restrictions this summer provided that consumption stayed close to last year's level.",
	}
	original := Sign(cfg, Doc{Title: "Reservoir at forty-year low", HTML: paras(story...)}, nil)
	for _, d := range []Doc{
		{Title: "Farmers face irrigation cuts as dam runs dry", HTML: paras(append([]string{"TRENDING NEWS Back to news"}, append(story, "Share:")...)...)},
		{Title: "Valley farmers told to expect irrigation cuts", HTML: paras(story[0], story[1], "Read more")},
	} {
		c := Sign(cfg, d, nil)
		if v := Compare(cfg, c, original); !v.Duplicate {
			t.Errorf("the copy headlined %q was kept apart: %+v", d.Title, v)
		}
		if why := NamesApart(cfg, c, original); why != "" {
			t.Errorf("the copy headlined %q: NamesApart says %q", d.Title, why)
		}
	}
}

// TestTeaserKeepingASentencesOpeningIsNominated: a teaser that keeps the
// opening of the story's first sentence but ends it differently, under
// another headline, is offered by the index through that sentence's
// anchor (its first AnchorWords words), and verified as a copy.
func TestTeaserKeepingASentencesOpeningIsNominated(t *testing.T) {
	cfg := DefaultConfig()
	story := Sign(cfg, Doc{Title: "World's tallest bridge soars above French valley", HTML: paras(
		"A bridge officially designated the tallest in the world was inaugurated by the president in the south of the country on Tuesday, a stunning feat of engineering that will carry drivers high above the river valley.",
		"Engineers said the deck, held by seven pylons, would sway no more than a few centimetres in the strongest winds recorded in the area.",
		"The toll bridge is expected to relieve the summer traffic jams that have plagued the small town below for decades.")}, nil)
	teaser := Sign(cfg, Doc{Title: "Record bridge opens", HTML: paras(
		"A bridge officially designated the tallest in the world was inaugurated by the president in the south of the country Tuesday.")}, nil)
	if n := Nominators(cfg, teaser, story); !slices.Contains(n, "sentence") {
		t.Errorf("the teaser's opening sentence did not nominate the story: channels %v", n)
	}
	if v := Compare(cfg, teaser, story); !v.Duplicate {
		t.Errorf("the teaser was not verified as a copy: %+v", v)
	}
}
