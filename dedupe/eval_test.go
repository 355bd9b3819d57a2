package dedupe

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestCorpusLinesAreReadLeniently: corpora come from many tools, so a line
// with numeric ids, RSS or bare dates, or no date at all is read, and a
// date in no known form is an error that names it.
func TestCorpusLinesAreReadLeniently(t *testing.T) {
	want := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		line      string
		id, clust string
		published time.Time
	}{
		{`{"id":"a","cluster":"c1","published":"2026-11-20T12:00:00Z"}`, "a", "c1", want},
		{`{"id":17,"cluster":3,"published":"Fri, 20 Nov 2026 12:00:00 +0000"}`, "17", "3", want},
		{`{"id":"b","cluster":"c","published":"2026-11-20 12:00:00"}`, "b", "c", want},
		{`{"id":"b","cluster":"c","published":"2026-11-20T14:00:00+02:00"}`, "b", "c", want},
		{`{"id":"b","cluster":"c","published":1795176000}`, "b", "c", want},
		{`{"id":"b","cluster":"c","published":"2026-11-20"}`, "b", "c", want.Truncate(24 * time.Hour)},
		{`{"id":"b","cluster":"c","published":""}`, "b", "c", time.Time{}},
		{`{"id":"b","cluster":"c","published":null}`, "b", "c", time.Time{}},
		{`{"id":"b","cluster":"c"}`, "b", "c", time.Time{}},
	} {
		var it LabeledItem
		if err := json.Unmarshal([]byte(tc.line), &it); err != nil {
			t.Errorf("%s: %v", tc.line, err)
			continue
		}
		if it.ID != tc.id || it.Cluster != tc.clust || !it.Published.Equal(tc.published) {
			t.Errorf("%s: id %q cluster %q published %v, want %q %q %v", tc.line, it.ID, it.Cluster, it.Published, tc.id, tc.clust, tc.published)
		}
	}
	var other LabeledItem
	if err := json.Unmarshal([]byte(`{"id":"b","cluster_id":7,"date":"2026-11-20T12:00:00Z","text":"<p>T</p>","headline":"H","source":"S"}`), &other); err != nil ||
		other.Cluster != "7" || !other.Published.Equal(want) || other.Content != "<p>T</p>" || other.Title != "H" || other.Feed != "S" {
		t.Errorf("a line with other tools' field names read as %+v (%v)", other, err)
	}
	var it LabeledItem
	err := json.Unmarshal([]byte(`{"id":"x","published":"next Tuesday"}`), &it)
	if err == nil || !strings.Contains(err.Error(), "next Tuesday") {
		t.Errorf("an unreadable date gave %v, want an error naming it", err)
	}
}

// TestUndatedCorpusStillLinks: items without dates count as published
// when they arrive, as the aggregator dates them, so copies in an undated
// corpus link instead of lying "days apart" from the dated zero time.
func TestUndatedCorpusStillLinks(t *testing.T) {
	story := `Glenn Hoddle has been unveiled as the new Wolves manager. The former England coach has been given a six-month contract to succeed Dave Jones, who was sacked after the club's poor start to the season, and will work alongside the caretaker Stuart Gray.`
	items := []LabeledItem{
		{ID: "1", Feed: "a", Title: "Wolves appoint Hoddle", Content: story, Cluster: "x", Original: true},
		{ID: "2", Feed: "b", Title: "Wolves appoint Hoddle as manager", Content: "TRENDING NEWS " + story + " Share:", Cluster: "x"},
		{ID: "3", Feed: "c", Title: "Wolves appoint Hoddle", Content: story, Cluster: "x", Published: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
	}
	if r := Evaluate(DefaultConfig(), items, ByPublished); r.Recall != 1 {
		t.Errorf("undated copies: recall %.2f (%d of %d pairs), want 1", r.Recall, r.TruePairs, r.LabelPairs)
	}
}

// TestUnlabelledItemsAreStoriesOfTheirOwn: a corpus that labels only its
// clusters of copies leaves the other items without a cluster; they are
// singletons, not one big cluster of everything unlabelled.
func TestUnlabelledItemsAreStoriesOfTheirOwn(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	items := []LabeledItem{
		{ID: "orig", Feed: "a", URL: "https://water.example/1", Title: "Reservoir at forty-year low", Content: paras(mergeParas...), Cluster: "x", Published: t0},
		{ID: "copy", Feed: "b", URL: "https://reprints.example/1", Title: "Reservoir at forty-year low", Content: paras(mergeParas...), Cluster: "x", Published: t0.Add(time.Hour)},
		{ID: "other1", Feed: "c", URL: "https://c.example/1", Title: "Island ferry to stop for six weeks", Content: ferryStory, Published: t0},
		{ID: "other2", Feed: "d", URL: "https://d.example/1", Title: "Council audit of transport budget", Content: "The annual audit of the city's transport budget found that ticket revenue covered barely half of operating costs last year.", Published: t0},
	}
	r := Evaluate(DefaultConfig(), items, ByPublished)
	if r.LabelPairs != 1 || r.Recall != 1 || r.Precision != 1 {
		t.Errorf("label pairs %d, recall %.2f, precision %.2f: want the one labelled pair, found, and nothing else", r.LabelPairs, r.Recall, r.Precision)
	}
}

// TestEvaluationKeysAndLinksItemsAsTheAggregator: eval scores a corpus as
// the aggregator would store it. The same document under a tracking
// parameter is a same-url copy whatever its text (a teaser nothing in its
// words ties to the story); an entry repeating an earlier one's GUID in
// its feed is that item, updated; a link that several entries of one feed
// carry (a comment feed's links to its article) links nothing.
func TestEvaluationKeysAndLinksItemsAsTheAggregator(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	story := "<p>Glenn Hoddle has been unveiled as the new Wolves manager. The former England coach has been given a six-month contract to succeed Dave Jones, who was sacked after the club's poor start to the season.</p>"
	storm := "<p>A storm warning was issued for the north coast on Thursday, with gusts of up to 90 mph expected overnight and ferries cancelled until the weekend.</p>"
	update := "<p>Power was cut to thousands of homes as the storm reached the coast, and the army was called in to help clear roads blocked by fallen trees.</p>"
	post := "<p>The city council approved a new budget for schools and libraries at its evening meeting, with a vote of seven to two after a long debate.</p>"
	items := []LabeledItem{
		{ID: "story", Feed: "wolves", URL: "https://wolves.example/news/hoddle", Title: "Hoddle named manager", Content: story, Published: at(9), Cluster: "hoddle", Original: true},
		{ID: "teaser", Feed: "wolves-social", URL: "https://wolves.example/news/hoddle/?utm_source=social", Title: "Big news at the club today", Content: "<p>Find out who takes over in the dugout.</p>", Published: at(10), Cluster: "hoddle"},
		{ID: "first", Feed: "desk", GUID: "desk-1", Title: "Storm warning for the coast", Content: storm, Published: at(9), Cluster: "desk"},
		{ID: "rewritten", Feed: "desk", GUID: "desk-1", Title: "Storm cuts power to thousands", Content: update, Published: at(11), Cluster: "desk"},
		{ID: "post", Feed: "blog", URL: "https://blog.example/budget", Title: "Budget approved", Content: post, Published: at(9), Cluster: "post"},
		{ID: "ann", Feed: "comments", URL: "https://blog.example/budget#comment-1", Title: "Comment by Ann", Content: "<p>Great post, thanks for writing it up.</p>", Published: at(10), Cluster: "ann"},
		{ID: "bob", Feed: "comments", URL: "https://blog.example/budget#comment-2", Title: "Comment by Bob", Content: "<p>I disagree with the second point entirely.</p>", Published: at(11), Cluster: "bob"},
	}
	for _, order := range []Order{ByPublished, Reversed, Shuffled} {
		r := Evaluate(DefaultConfig(), items, order)
		if r.Precision != 1 || r.Recall != 1 {
			t.Errorf("order %v: precision %.3f recall %.3f (false %v, missed %v); want both 1", order, r.Precision, r.Recall, r.FalsePairs, r.MissedPairs)
		}
	}
}
