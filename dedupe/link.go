package dedupe

import "math/bits"

// State is the stored clustering that Link reads. The store implements it
// over a write transaction; MemState implements it in memory.
type State interface {
	Signature(id uint64) (Signature, bool)
	Member(id uint64) (Member, bool)
	// Root is the canonical item of id's cluster (id itself when canonical).
	Root(id uint64) uint64
	// Members lists every item of the cluster whose canonical is root,
	// root included.
	Members(root uint64) []uint64
}

// Link is one copy → original edge.
type Link struct {
	Copy, Original uint64
	Reason         string // "same-url", "simhash", "containment" or "attribution"
	Distance       int    // body fingerprint Hamming distance; -1 when not computed
	Score          float64
}

// Decision is where a new item belongs.
type Decision struct {
	// Root is the canonical item of the new item's cluster: the new item's
	// own id when it matched nothing.
	Root uint64
	// Links are every copy → Root edge of the cluster as it must now be
	// stored (re-linking included); empty when the item stays alone.
	Links []Link
	// Chosen says why Root is the original ("attribution", "earliest", …).
	Chosen string
}

// Link decides the cluster of a new item id (already signed, not yet in
// the index): it verifies the index's candidates, joins the cluster of the
// best match, and re-chooses that cluster's original, which re-links every
// copy when the new item is the true original. sameURL, when non-zero, is a
// stored item with the same normalised URL: a match without verification.
func LinkItem(cfg Config, x *Index, st State, id uint64, sig Signature, m Member, sameURL uint64) Decision {
	alone := Decision{Root: id}
	if m.Policy == "off" {
		return alone
	}
	var (
		best  uint64
		bestV Verdict
	)
	if sameURL != 0 && sameURL != id {
		best, bestV = sameURL, Verdict{Duplicate: true, Reason: "same-url", Distance: -1, Score: 1}
	} else {
		for _, c := range x.Candidates(sig, nil) {
			if c == id {
				continue
			}
			cs, ok := st.Signature(c)
			if !ok {
				continue
			}
			v := Compare(cfg, sig, cs)
			if !v.Duplicate || (best != 0 && (v.Score < bestV.Score || v.Score == bestV.Score && v.Distance >= bestV.Distance)) {
				continue
			}
			cm, ok := st.Member(c)
			if !ok || cm.Policy == "off" || tooFarApart(cfg, m, cm) {
				continue
			}
			best, bestV = c, v
		}
	}
	if best == 0 {
		return alone
	}
	root := st.Root(best)
	ids := st.Members(root)
	ms := make([]Member, 0, len(ids)+1)
	sigs := make([]Signature, 0, len(ids)+1)
	for _, mid := range ids {
		mm, ok1 := st.Member(mid)
		ms1, ok2 := st.Signature(mid)
		if !ok1 {
			continue
		}
		if !ok2 {
			ms1 = Signature{}
		}
		ms = append(ms, mm)
		sigs = append(sigs, ms1)
	}
	m.ID = id
	ms = append(ms, m)
	sigs = append(sigs, sig)
	oi, why := ChooseOriginal(cfg, ms)
	d := Decision{Root: ms[oi].ID, Chosen: why}
	rootSig, rootURL := sigs[oi], ms[oi].URL
	for i, mm := range ms {
		if i == oi {
			continue
		}
		l := Link{Copy: mm.ID, Original: d.Root, Distance: bits.OnesCount64(sigs[i].SimHash ^ rootSig.SimHash)}
		v := Compare(cfg, sigs[i], rootSig)
		l.Score = v.Score
		switch {
		case why == "attribution":
			l.Reason = "attribution"
		case rootURL != "" && mm.URL == rootURL:
			l.Reason, l.Distance, l.Score = "same-url", -1, 1
		case v.Duplicate:
			l.Reason = v.Reason
		case mm.ID == id:
			l.Reason = bestV.Reason
		default:
			l.Reason = "simhash" // joined through another member of the cluster
		}
		d.Links = append(d.Links, l)
	}
	return d
}

// tooFarApart reports whether two items were published too far apart to
// be one story.
func tooFarApart(cfg Config, a, b Member) bool {
	gap := a.Published.Sub(b.Published)
	if gap < 0 {
		gap = -gap
	}
	if siteDomain(a.Site) == siteDomain(b.Site) {
		return gap > cfg.MaxGapSameSite
	}
	return gap > cfg.MaxGapCrossSite
}

// MemState is an in-memory State, for the evaluation and tests.
type MemState struct {
	sigs    map[uint64]Signature
	members map[uint64]Member
	root    map[uint64]uint64
	copies  map[uint64][]uint64
}

// NewMemState returns an empty state.
func NewMemState() *MemState {
	return &MemState{
		sigs: map[uint64]Signature{}, members: map[uint64]Member{},
		root: map[uint64]uint64{}, copies: map[uint64][]uint64{},
	}
}

// Put records an item (before Link is asked about it).
func (s *MemState) Put(id uint64, sig Signature, m Member) {
	m.ID = id
	s.sigs[id], s.members[id] = sig, m
}

// Apply stores a Decision.
func (s *MemState) Apply(d Decision) {
	for _, l := range d.Links {
		if old, ok := s.root[l.Copy]; ok {
			s.copies[old] = remove(s.copies[old], l.Copy)
		}
		if cs := s.copies[l.Copy]; len(cs) > 0 {
			delete(s.copies, l.Copy)
		}
		s.root[l.Copy] = d.Root
		s.copies[d.Root] = append(remove(s.copies[d.Root], l.Copy), l.Copy)
	}
	delete(s.root, d.Root)
}

func remove(s []uint64, v uint64) []uint64 {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func (s *MemState) Signature(id uint64) (Signature, bool) { v, ok := s.sigs[id]; return v, ok }
func (s *MemState) Member(id uint64) (Member, bool)       { v, ok := s.members[id]; return v, ok }

func (s *MemState) Root(id uint64) uint64 {
	if r, ok := s.root[id]; ok {
		return r
	}
	return id
}

func (s *MemState) Members(root uint64) []uint64 {
	return append([]uint64{root}, s.copies[root]...)
}
