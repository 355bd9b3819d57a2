package aggregator

import (
	"path/filepath"
	"testing"

	"github.com/feedfold/feedfold/store"
)

// TestCandidateReadsReleaseMappedPages: linking that weighs many candidates
// releases the database pages it mapped every sigReadsPerRelease signature
// reads, not only once the feed is written: on prose-like feeds those
// reads set the poll's peak RSS (51–52 MiB against 43–44 with the release).
func TestCandidateReadsReleaseMappedPages(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "f.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *store.Tx) error {
		releases := 0
		st := newTxState(tx, "all")
		st.release = func() { releases++ }
		for id := range uint64(5 * sigReadsPerRelease) {
			st.Signature(id + 1)
		}
		if releases != 5 {
			t.Errorf("%d signature reads released mapped pages %d times, want 5", 5*sigReadsPerRelease, releases)
		}
		return nil
	})
}
