package dedupe

import (
	"os"
	"strings"
	"testing"
)

// TestDebugPair prints the prepared text of two corpus items (development
// aid: FEEDFOLD_PAIR=id1,id2).
func TestDebugPair(t *testing.T) {
	pair := os.Getenv("FEEDFOLD_PAIR")
	if pair == "" {
		t.Skip("set FEEDFOLD_PAIR=id1,id2")
	}
	ids := strings.Split(pair, ",")
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		for _, it := range loadCorpus(t, part) {
			for _, id := range ids {
				if it.ID == id {
					p := prepare(cfg, Doc{Title: it.Title, HTML: it.Content}, nil)
					s := signPrepared(cfg, p)
					t.Logf("%s title=%v\n lead words=%d content words=%d\n sig simhash=%016x lead=%016x credits=%v", id, p.title, len(p.lead), len(p.hashes), s.SimHash, s.Lead, s.Credits)
				}
			}
		}
	}
}

func TestDebugNumbers(t *testing.T) {
	pair := os.Getenv("FEEDFOLD_PAIR")
	if pair == "" {
		t.Skip("set FEEDFOLD_PAIR=id1,id2")
	}
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		for _, it := range loadCorpus(t, part) {
			for _, id := range strings.Split(pair, ",") {
				if it.ID == id {
					p := prepare(cfg, Doc{Title: it.Title, HTML: it.Content}, nil)
					t.Logf("%s numbers=%v", id, p.numbers)
				}
			}
		}
	}
}
