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
					t.Logf("%s title=%v\n lead=%v\n content=%v\n sig simhash=%016x lead=%016x words=%d credits=%v", id, p.title, p.lead, strings.Join(p.content[:min(40, len(p.content))], " "), s.SimHash, s.Lead, s.Words, s.Credits)
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
