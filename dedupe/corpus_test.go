package dedupe

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
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

// The product targets of the near-duplicate issue.
const (
	targetPrecision = 0.99
	targetRecall    = 0.95
	targetOriginal  = 0.98
)

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
				if r.Precision < targetPrecision {
					t.Errorf("precision %.4f < %.2f; false pairs: %v", r.Precision, targetPrecision, r.FalsePairs)
				}
				if r.Recall < targetRecall {
					t.Errorf("recall %.4f < %.2f", r.Recall, targetRecall)
				}
				if r.OriginalRate < targetOriginal {
					t.Errorf("original right %.4f < %.2f; wrong: %v", r.OriginalRate, targetOriginal, r.WrongOrigin)
				}
			})
		}
	}
}
