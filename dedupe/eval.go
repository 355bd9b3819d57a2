package dedupe

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/feedfold/feedfold/urlnorm"
)

// LabeledItem is one line of a labelled corpus (the JSON Lines format of
// shared/corpus and of `feedfold eval`): items sharing Cluster are copies
// or versions of one story; Original marks the item that should be kept.
type LabeledItem struct {
	ID        string    `json:"id"`
	Feed      string    `json:"feed"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Content   string    `json:"content"`
	Cluster   string    `json:"cluster"`
	Original  bool      `json:"original"`
	GUID      string    `json:"guid"`
}

// UnmarshalJSON reads a corpus line leniently, as corpora come from many
// tools: content may be named text or body, title headline, feed source,
// published date and cluster cluster_id; id and cluster may be numbers; published may be RFC 3339 (with
// or without a zone), RFC 1123 as in RSS, a date alone, Unix seconds, or
// missing, null or empty (then the item counts as published when it
// arrives, as the aggregator dates an undated item by when it first sees
// it). Anything else is an error naming the value.
func (it *LabeledItem) UnmarshalJSON(b []byte) error {
	type plain LabeledItem
	var raw struct {
		plain
		ID        json.RawMessage `json:"id"`
		Cluster   json.RawMessage `json:"cluster"`
		Published json.RawMessage `json:"published"`
		// The names other tools give the same fields, read when the
		// corpus's own are absent.
		Text      string          `json:"text"`
		Body      string          `json:"body"`
		Headline  string          `json:"headline"`
		Source    string          `json:"source"`
		Date      json.RawMessage `json:"date"`
		ClusterID json.RawMessage `json:"cluster_id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*it = LabeledItem(raw.plain)
	it.Content = cmp.Or(it.Content, raw.Text, raw.Body)
	it.Title = cmp.Or(it.Title, raw.Headline)
	it.Feed = cmp.Or(it.Feed, raw.Source)
	if len(raw.Published) == 0 {
		raw.Published = raw.Date
	}
	if len(raw.Cluster) == 0 {
		raw.Cluster = raw.ClusterID
	}
	var err error
	if it.ID, err = stringOrNumber(raw.ID); err != nil {
		return fmt.Errorf("id: %w", err)
	}
	if it.Cluster, err = stringOrNumber(raw.Cluster); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	if it.Published, err = lenientTime(raw.Published); err != nil {
		return fmt.Errorf("published: %w", err)
	}
	return nil
}

func stringOrNumber(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("%s is neither a string nor a number", raw)
	}
	return n.String(), nil
}

// corpusTimeLayouts are the date forms lenientTime reads, in order.
var corpusTimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05",
	time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", "2006-01-02",
}

func lenientTime(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	if raw[0] != '"' {
		secs, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s is not a date", raw)
		}
		return time.Unix(0, int64(secs*1e9)).UTC(), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, err
	}
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	for _, layout := range corpusTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date in a known form (RFC 3339, RFC 1123, YYYY-MM-DD or Unix seconds)", s)
}

// Order is an arrival order for Evaluate.
type Order string

// Arrival orders: by publish time (how a poller mostly sees them), the
// reverse (every original arrives after its copies), and a seeded shuffle.
const (
	ByPublished Order = "published"
	Reversed    Order = "reversed"
	Shuffled    Order = "shuffled"
)

// Report holds the evaluation figures.
type Report struct {
	Items          int
	LabelPairs     int // pairs of items in the same labelled cluster
	PredictedPairs int // pairs of items linked into the same cluster
	TruePairs      int // pairs both labelled and predicted
	Precision      float64
	Recall         float64
	// OriginalsJudged counts labelled clusters whose original was linked
	// to at least one other member; OriginalsRight those where it is the
	// canonical item.
	OriginalsJudged int
	OriginalsRight  int
	OriginalRate    float64
	// Errors lists a few false and missed pairs by corpus id, for reading.
	FalsePairs  [][2]string
	MissedPairs [][2]string
	WrongOrigin [][2]string // {labelled original, chosen}
}

// Evaluate ingests items in the given order exactly as the aggregator does
// (per-feed boilerplate observed, then Sign, LinkItem, index), then scores
// the clustering against the labels. Each item's site is its URL's host:
// corpus feed names are labels, not sites.
func Evaluate(cfg Config, items []LabeledItem, order Order) Report {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	switch order {
	case ByPublished, Reversed:
		sort.SliceStable(idx, func(a, b int) bool {
			pa, pb := items[idx[a]].Published, items[idx[b]].Published
			if order == Reversed {
				return pb.Before(pa)
			}
			return pa.Before(pb)
		})
	case Shuffled:
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
	}
	x := NewIndex(cfg)
	st := NewMemState()
	models := map[string]*Boilerplate{}
	// Undated items arrive after the newest dated one, a second apart.
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, it := range items {
		if it.Published.After(base) {
			base = it.Published
		}
	}
	// As the aggregator does: an entry whose feed already holds an item
	// of the same key is that item, updated in place, and is scored as it
	// (ids); an item whose normalised link an earlier item has is linked
	// to it as a same-url copy, whatever its text.
	keys, norms := identities(items)
	ids := make([]uint64, len(items))
	held := map[string]uint64{}
	byURL := map[string]uint64{}
	for n, i := range idx {
		it := items[i]
		id := uint64(i + 1)
		if prev, ok := held[keys[i]]; ok {
			ids[i] = prev
			continue
		}
		held[keys[i]], ids[i] = id, id
		site := ""
		if u, err := url.Parse(it.URL); err == nil {
			site = u.Hostname()
		}
		if site == "" {
			site = it.Feed // no URL: the feed is the best guess at the site
		}
		doc := Doc{Title: it.Title, HTML: it.Content, URL: it.URL, FeedSite: site}
		bp := models[it.Feed]
		if bp == nil {
			bp = NewBoilerplate(cfg)
			models[it.Feed] = bp
		}
		text := Analyze(doc)
		bp.ObserveText(text)
		sig := SignText(cfg, text, bp)
		m := Member{Site: site, URL: it.URL, Credits: sig.Credits, Published: it.Published, FirstSeen: base.Add(time.Duration(n) * time.Second)}
		if m.Published.IsZero() {
			m.Published = m.FirstSeen // as the aggregator dates an undated item
		}
		st.Put(id, sig, m)
		var sameURL uint64
		norm := norms[i]
		if norm != "" {
			sameURL = byURL[norm]
		}
		d := LinkItem(cfg, x, st, id, sig, m, sameURL)
		st.Apply(d)
		x.Add(id, sig)
		if norm != "" && sameURL == 0 {
			byURL[norm] = id
		}
	}
	return score(items, ids, st)
}

// identities keys the items and gives their same-url identities as the
// aggregator does an entry's (normalizeItems): within a feed, by GUID,
// else by link, else by title and text; a GUID several links share
// gives way to the link, a link several texts share without GUIDs to the
// text. A normalised link that items of one feed with different keys
// carry identifies none of them (a comment feed's links to its article, a
// home page given as every entry's link) and is left empty.
func identities(items []LabeledItem) (keys, norms []string) {
	type fk struct{ feed, v string }
	links := map[fk]map[string]bool{} // (feed, GUID) -> its links
	texts := map[fk]map[string]bool{} // (feed, link) -> texts of GUID-less items
	// A hash, not the text: a large corpus would otherwise be held twice.
	text := func(it LabeledItem) string { return strconv.FormatUint(wordHash(it.Title+"\x00"+it.Content), 16) }
	for _, it := range items {
		switch {
		case it.GUID != "":
			k := fk{it.Feed, it.GUID}
			if links[k] == nil {
				links[k] = map[string]bool{}
			}
			links[k][it.URL] = true
		case it.URL != "":
			k := fk{it.Feed, it.URL}
			if texts[k] == nil {
				texts[k] = map[string]bool{}
			}
			texts[k][text(it)] = true
		}
	}
	keys, norms = make([]string, len(items)), make([]string, len(items))
	carriers := map[fk]map[string]bool{} // (feed, normalised link) -> keys
	for i, it := range items {
		switch {
		case it.GUID != "" && (it.URL == "" || len(links[fk{it.Feed, it.GUID}]) == 1):
			keys[i] = it.Feed + "\x00guid\x00" + it.GUID
		case it.URL != "" && (it.GUID != "" || len(texts[fk{it.Feed, it.URL}]) == 1):
			keys[i] = it.Feed + "\x00url\x00" + it.URL
		default:
			keys[i] = it.Feed + "\x00text\x00" + text(it)
		}
		if it.URL != "" {
			norms[i] = urlnorm.Normalize(it.URL)
			k := fk{it.Feed, norms[i]}
			if carriers[k] == nil {
				carriers[k] = map[string]bool{}
			}
			carriers[k][keys[i]] = true
		}
	}
	for i, it := range items {
		if norms[i] != "" && len(carriers[fk{it.Feed, norms[i]}]) > 1 {
			norms[i] = ""
		}
	}
	return keys, norms
}

// score compares the clustering with the labels; item i is scored as the
// stored item ids[i].
func score(items []LabeledItem, ids []uint64, st *MemState) Report {
	r := Report{Items: len(items)}
	type cell struct {
		pred  uint64
		label string
	}
	// An item without a cluster label is a story of its own: corpora
	// often leave singletons unlabelled, and one "" cluster would make
	// them all copies of each other.
	label := func(i int) string {
		if c := items[i].Cluster; c != "" {
			return c
		}
		return "\x00" + strconv.Itoa(i)
	}
	cells := map[cell]int{}
	preds := map[uint64][]int{}
	labels := map[string][]int{}
	for i := range items {
		p := st.Root(ids[i])
		cells[cell{p, label(i)}]++
		preds[p] = append(preds[p], i)
		labels[label(i)] = append(labels[label(i)], i)
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	for _, c := range cells {
		r.TruePairs += pairs(c)
	}
	for _, m := range preds {
		r.PredictedPairs += pairs(len(m))
		for a := 0; a < len(m) && len(r.FalsePairs) < 20; a++ {
			for b := a + 1; b < len(m) && len(r.FalsePairs) < 20; b++ {
				if label(m[a]) != label(m[b]) {
					r.FalsePairs = append(r.FalsePairs, [2]string{items[m[a]].ID, items[m[b]].ID})
				}
			}
		}
	}
	for _, m := range labels {
		r.LabelPairs += pairs(len(m))
		for a := 0; a < len(m) && len(r.MissedPairs) < 40; a++ {
			for b := a + 1; b < len(m) && len(r.MissedPairs) < 40; b++ {
				if st.Root(ids[m[a]]) != st.Root(ids[m[b]]) {
					r.MissedPairs = append(r.MissedPairs, [2]string{items[m[a]].ID, items[m[b]].ID})
				}
			}
		}
		orig := -1
		for _, i := range m {
			if items[i].Original {
				orig = i
			}
		}
		if orig < 0 || len(m) < 2 {
			continue
		}
		root := st.Root(ids[orig])
		linked := false
		for _, i := range m {
			if i != orig && st.Root(ids[i]) == root {
				linked = true
			}
		}
		if !linked {
			continue
		}
		r.OriginalsJudged++
		if root == ids[orig] {
			r.OriginalsRight++
		} else if len(r.WrongOrigin) < 20 {
			r.WrongOrigin = append(r.WrongOrigin, [2]string{items[orig].ID, items[root-1].ID})
		}
	}
	r.Precision, r.Recall, r.OriginalRate = 1, 1, 1
	if r.PredictedPairs > 0 {
		r.Precision = float64(r.TruePairs) / float64(r.PredictedPairs)
	}
	if r.LabelPairs > 0 {
		r.Recall = float64(r.TruePairs) / float64(r.LabelPairs)
	}
	if r.OriginalsJudged > 0 {
		r.OriginalRate = float64(r.OriginalsRight) / float64(r.OriginalsJudged)
	}
	return r
}
