package dedupe

import (
	"bufio"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// corpusDir is the labelled development corpus beside the repository
// (../shared/corpus). It is research-use data that is never copied into
// the repository, so tests that need it skip when it is absent.
const corpusDir = "../../shared/corpus"

func loadCorpus(t testing.TB, name string) []LabeledItem {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if os.IsNotExist(err) {
		t.Skipf("corpus %s not present (it lives in ../shared/corpus, outside the repository)", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []LabeledItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var it LabeledItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

// floors are the product targets of the near-duplicate issue (precision
// 0.99, recall 0.95, original right 0.98); the synthetic part's original
// floor is 0.97 because it has 51–53 judged clusters, where one wrong
// choice is 0.019. They move up with the deduper, never down to make a
// change pass. Natural recall is held at 0.975 since the MinHash keys
// (0.983–0.991 with them, 0.954–0.961 without).
var floors = map[string]struct{ precision, recall, original float64 }{
	"dev-natural.jsonl":   {0.99, 0.975, 0.98},
	"dev-synthetic.jsonl": {0.99, 0.95, 0.97},
}

func TestCorpus(t *testing.T) {
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		items := loadCorpus(t, part)
		for _, order := range []Order{ByPublished, Reversed, Shuffled} {
			t.Run(part+"/"+string(order), func(t *testing.T) {
				r := Evaluate(cfg, items, order)
				t.Logf("%s %s: items %d, precision %.4f (%d/%d pairs), recall %.4f (%d/%d), original right %.4f (%d/%d)",
					part, order, r.Items, r.Precision, r.TruePairs, r.PredictedPairs, r.Recall, r.TruePairs, r.LabelPairs,
					r.OriginalRate, r.OriginalsRight, r.OriginalsJudged)
				if testing.Verbose() {
					t.Logf("false pairs: %v", r.FalsePairs)
					t.Logf("missed pairs: %v", r.MissedPairs)
					t.Logf("wrong originals: %v", r.WrongOrigin)
				}
				f := floors[part]
				if r.Precision < f.precision {
					t.Errorf("precision %.4f < %.2f; false pairs: %v", r.Precision, f.precision, r.FalsePairs)
				}
				if r.Recall < f.recall {
					t.Errorf("recall %.4f < %.2f", r.Recall, f.recall)
				}
				if r.OriginalRate < f.original {
					t.Errorf("original right %.4f < %.2f; wrong: %v", r.OriginalRate, f.original, r.WrongOrigin)
				}
			})
		}
	}
}

// TestCorpusWithCharacterErrors: the corpus again, every title and text
// read with its own scattered character errors (about one character in
// seventy changed on each side, as OCR of a clean print or a hurried
// retyping does; withCharacterErrors). On words alone natural recall fell
// to 0.29 here; the character grams hold most copies, and precision must
// not pay for it.
func TestCorpusWithCharacterErrors(t *testing.T) {
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		items := loadCorpus(t, part)
		r := rand.New(rand.NewSource(1))
		for i := range items {
			items[i].Title = withCharacterErrors(r, items[i].Title, 0.02)
			items[i].Content = withCharacterErrors(r, items[i].Content, 0.02)
		}
		checkAltered(t, part, "with character errors", Evaluate(cfg, items, ByPublished), noisyRecallFloors[part])
	}
}

// checkAltered holds the report of an altered corpus part to the clean
// precision floor and to its own recall floor.
func checkAltered(t *testing.T, part, how string, rep Report, recallFloor float64) {
	t.Helper()
	t.Logf("%s %s: precision %.4f (%d/%d pairs), recall %.4f (%d/%d)",
		part, how, rep.Precision, rep.TruePairs, rep.PredictedPairs, rep.Recall, rep.TruePairs, rep.LabelPairs)
	if rep.Precision < floors[part].precision {
		t.Errorf("precision %.4f below %.2f", rep.Precision, floors[part].precision)
	}
	if rep.Recall < recallFloor {
		t.Errorf("recall %.4f below %.2f", rep.Recall, recallFloor)
	}
}

// TestCorpusReprintedWeeksLater: every item but the first of its cluster
// published 10 to 59 days later, as when reprint sites republish old
// stories or papers reprint each other's articles weeks on, clean and read
// with character errors. Beyond the gaps only near-verbatim copies may link
// (farCopy), so teasers, cut and rewritten versions stay apart and recall
// falls; precision must not.
func TestCorpusReprintedWeeksLater(t *testing.T) {
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		for _, rate := range []float64{0, 0.02} {
			items := loadCorpus(t, part)
			r := rand.New(rand.NewSource(1))
			for i := range items {
				items[i].Title = withCharacterErrors(r, items[i].Title, rate)
				items[i].Content = withCharacterErrors(r, items[i].Content, rate)
			}
			seen := map[string]bool{}
			for i := range items {
				if items[i].Original || !seen[items[i].Cluster] {
					seen[items[i].Cluster] = true
					continue
				}
				items[i].Published = items[i].Published.Add(time.Duration(10+r.Intn(50)) * 24 * time.Hour)
			}
			how := "reprinted weeks later"
			if rate > 0 {
				how += " with character errors"
			}
			checkAltered(t, part, how, Evaluate(cfg, items, ByPublished), lateRecallFloors[part][rate])
		}
	}
}

// lateRecallFloors: measured 0.82 (natural) and 0.80 (synthetic) clean,
// 0.44 and 0.28 at an error rate of 0.02, with farCopy at MinFarJaccard
// 0.8, MinFarCharJaccard 0.55 and MinFarContainment 0.9 (0.72 and 0.76
// clean without the containment); 0.015 and 0.27 clean, 0.08 and 0.15 with
// errors without farCopy.
var lateRecallFloors = map[string]map[float64]float64{
	"dev-natural.jsonl":   {0: 0.75, 0.02: 0.35},
	"dev-synthetic.jsonl": {0: 0.72, 0.02: 0.2},
}

// TestCorpusUntitledWithCharacterErrors: the corpus without headlines
// (passages of digitised papers, untitled posts), read with character
// errors. Errors break the opening sentence's anchor and most MinHash keys,
// and without a headline the character keys of untitled items (see
// charPairKey) are what finds many of the copies.
func TestCorpusUntitledWithCharacterErrors(t *testing.T) {
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		items := loadCorpus(t, part)
		r := rand.New(rand.NewSource(1))
		for i := range items {
			items[i].Title = ""
			items[i].Content = withCharacterErrors(r, items[i].Content, 0.02)
		}
		checkAltered(t, part, "untitled, with character errors", Evaluate(cfg, items, ByPublished), untitledRecallFloors[part])
	}
}

// untitledRecallFloors: measured 0.66 (natural) and 0.46 (synthetic) with
// the character keys and ten-word anchors; 0.65 and 0.39 with
// whole-sentence anchors, 0.61 and 0.37 without the character keys.
var untitledRecallFloors = map[string]float64{
	"dev-natural.jsonl":   0.6,
	"dev-synthetic.jsonl": 0.4,
}

// noisyRecallFloors: measured 0.65 (natural) and 0.55 (synthetic, whose
// teasers and cut copies have few grams to spare) with the character
// grams and ten-word anchors; 0.62 and 0.49 with whole-sentence anchors,
// 0.29 and 0.27 without the character grams, 0.64 and 0.53 before figures
// in a row were also read as one.
var noisyRecallFloors = map[string]float64{
	"dev-natural.jsonl":   0.58,
	"dev-synthetic.jsonl": 0.45,
}

// TestCorpusCopiesStampedEarlier: the synthetic part with every copy
// stamped 1–5 hours before its original, as a reprint site's clock or a
// wrongly declared time zone stamps it. Copies that credit their source
// are placed by attribution; the rest by the cited-source rule, since the
// originals' sites (bbc.co.uk, reuters.com) are what the other reprints
// credit. Measured 53/53 in every order, and 48/53 without the rule
// (MinCitations 0). The natural part has no credit lines and its labelled
// originals are by definition the earliest filings, so it does not apply.
func TestCorpusCopiesStampedEarlier(t *testing.T) {
	items := loadCorpus(t, "dev-synthetic.jsonl")
	orig := map[string]time.Time{}
	for _, it := range items {
		if it.Original {
			orig[it.Cluster] = it.Published
		}
	}
	for i := range items {
		if o, ok := orig[items[i].Cluster]; ok && !items[i].Original {
			items[i].Published = o.Add(-time.Duration(1+i%5) * time.Hour)
		}
	}
	cfg := DefaultConfig()
	for _, order := range []Order{ByPublished, Reversed, Shuffled} {
		rep := Evaluate(cfg, items, order)
		t.Logf("%s: original right %.4f (%d/%d), precision %.4f, recall %.4f", order, rep.OriginalRate, rep.OriginalsRight, rep.OriginalsJudged, rep.Precision, rep.Recall)
		if rep.OriginalRate < floors["dev-synthetic.jsonl"].original {
			t.Errorf("%s: original right %.4f below %.2f; wrong: %v", order, rep.OriginalRate, floors["dev-synthetic.jsonl"].original, rep.WrongOrigin)
		}
	}
}

// TestCorpusSetInColumns: every item's text set as a newspaper column of
// its own width (28–47 characters), words that do not fit broken with a
// hyphen at the line end, as OCR of two papers printing one story reads
// them. The broken words are joined again (dehyphenate), so recall is held
// to the clean floors: measured 0.9939 natural and 1.0 synthetic, as clean;
// 0.81 and 0.83 without the joining.
func TestCorpusSetInColumns(t *testing.T) {
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		items := loadCorpus(t, part)
		r := rand.New(rand.NewSource(1))
		for i := range items {
			items[i].Content = setInColumns(items[i].Content, 28+r.Intn(20))
		}
		checkAltered(t, part, "set in columns", Evaluate(cfg, items, ByPublished), floors[part].recall)
	}
}
