package dedupe

import (
	"os"
	"testing"
)

// TestSweep evaluates neighbouring settings (development aid,
// FEEDFOLD_SWEEP=1), to check that defaults sit in a flat region.
func TestSweep(t *testing.T) {
	if os.Getenv("FEEDFOLD_SWEEP") == "" {
		t.Skip("set FEEDFOLD_SWEEP=1")
	}
	nat := loadCorpus(t, "dev-natural.jsonl")
	syn := loadCorpus(t, "dev-synthetic.jsonl")
	for _, k := range []int{1, 2, 3, 4, 5} {
		cfg := DefaultConfig()
		cfg.K = k
		rn := Evaluate(cfg, nat, Reversed)
		rs := Evaluate(cfg, syn, Reversed)
		t.Logf("K=%v natural P %.4f R %.4f O %.4f | synthetic P %.4f R %.4f O %.4f", k, rn.Precision, rn.Recall, rn.OriginalRate, rs.Precision, rs.Recall, rs.OriginalRate)
	}
}
