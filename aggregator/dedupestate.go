package aggregator

import (
	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// txState shows dedupe the stored clusters through a write transaction, so
// linking sees every item committed before and written earlier in the same
// batch.
type txState struct {
	tx     *store.Tx
	feeds  map[uint64]store.Feed
	scopes map[string]string
	// scope is the global deduplication scope, used for categories that
	// have no setting of their own.
	scope string

	// release, when set, is called after every sigReadsPerRelease
	// signature reads (see Signature).
	release  func()
	sigReads int
}

// sigReadsPerRelease bounds the candidates weighed between two releases
// of the database pages the process has mapped. Each candidate reads its
// signature, record head and cluster from random pages, and the kernel maps
// 64 KB around every page touched: on prose-like text (ingestbench -text
// zipf, about 32 candidates per feed) one feed's linking mapped 6–8 MB of
// the file before the writer released it at the feed's end, and those
// spikes set the poll's peak RSS. Releasing only after candidate reads
// costs little: their pages are not touched again, unlike the B+tree paths
// every insert walks (releasing every ten items instead cost about 1 s of
// CPU in a 50,000-item poll, refaulting those).
const sigReadsPerRelease = 16

// DedupeState is the stored clustering as linking reads it through tx
// (a read-only one will do), with scope the default deduplication scope:
// `feedfold explain` asks it what linking asks.
func DedupeState(tx *store.Tx, scope string) dedupe.State { return newTxState(tx, scope) }

func newTxState(tx *store.Tx, scope string) *txState {
	return &txState{tx: tx, feeds: map[uint64]store.Feed{}, scopes: map[string]string{}, scope: scope}
}

// scopeOf is a category's effective deduplication scope.
func (s *txState) scopeOf(category string) string {
	if sc, ok := s.scopes[category]; ok {
		return sc
	}
	sc := s.tx.Category(category).DedupeScope
	if sc == "" {
		sc = s.scope
	}
	s.scopes[category] = sc
	return sc
}

var (
	_ dedupe.State     = (*txState)(nil)
	_ dedupe.Citations = (*txState)(nil)
)

// Citations implements dedupe.Citations from the store's counts, which
// insert adds to.
func (s *txState) Citations(source string) int { return s.tx.Citations(source) }

func (s *txState) Signature(id uint64) (dedupe.Signature, bool) {
	if s.sigReads++; s.release != nil && s.sigReads%sigReadsPerRelease == 0 {
		s.release()
	}
	var sig dedupe.Signature
	b := s.tx.Signature(id)
	if b == nil || sig.UnmarshalBinary(b) != nil {
		return sig, false
	}
	return sig, true
}

func (s *txState) feed(id uint64) (store.Feed, bool) {
	if f, ok := s.feeds[id]; ok {
		return f, true
	}
	f, err := s.tx.Feed(id)
	if err != nil {
		return f, false
	}
	s.feeds[id] = f
	return f, true
}

func (s *txState) Member(id uint64) (dedupe.Member, bool) {
	it, err := s.tx.ItemMeta(id)
	if err != nil {
		return dedupe.Member{}, false
	}
	f, ok := s.feed(it.FeedID)
	if !ok {
		return dedupe.Member{}, false
	}
	sig, _ := s.Signature(id)
	return s.memberOf(it, f, sig), true
}

func metaOf(it store.Item) store.ItemMeta {
	return store.ItemMeta{ID: it.ID, FeedID: it.FeedID, NormURL: it.NormURL, Published: it.Published, FirstSeen: it.FirstSeen}
}

// siteOf is the site a feed's items come from, as deduplication knows
// sites: the feed's home page, else the feed itself.
func siteOf(f store.Feed) string {
	if f.SiteURL != "" {
		return f.SiteURL
	}
	return f.URL
}

func (s *txState) memberOf(it store.ItemMeta, f store.Feed, sig dedupe.Signature) dedupe.Member {
	return dedupe.Member{
		ID:        it.ID,
		Site:      siteOf(f),
		URL:       it.NormURL,
		Credits:   sig.Credits,
		Published: it.Published,
		FirstSeen: it.FirstSeen,
		Policy:    f.Dedupe,
		Category:  f.Category,
		Scope:     s.scopeOf(f.Category),
	}
}

func (s *txState) Root(id uint64) uint64 { return s.tx.Root(id) }

func (s *txState) Members(root uint64) []uint64 {
	ids := []uint64{root}
	for _, l := range s.tx.Copies(root) {
		ids = append(ids, l.Copy)
	}
	return ids
}
