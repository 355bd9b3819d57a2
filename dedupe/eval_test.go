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
