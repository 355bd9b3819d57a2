package dedupe

import (
	"math/bits"
	"slices"
	"strings"
	"time"
)

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

// Citations is what a State may also count: how many items credit a
// source (as CitedSources returns it: a registrable domain or a bare
// name) when it is not their own site. Recluster reads it for
// Member.Cited; a State without it leaves every member uncited.
type Citations interface {
	Citations(source string) int
}

// CitedSources returns the credits of an item of site that name another
// site: what a Citations count adds the item to. An item crediting its
// own domain cites nothing.
func CitedSources(site string, cs []string) []string {
	d := siteDomain(site)
	var out []string
	for _, c := range cs {
		if !credits(c, d) {
			out = append(out, c)
		}
	}
	return out
}

// SiteCitations is how many items of other sites credit site (a feed's
// site URL or host) as their source, as st counts them; 0 when st does
// not count citations.
func SiteCitations(st State, site string) int {
	c, ok := st.(Citations)
	if !ok {
		return 0
	}
	return citationsOf(c, siteDomain(site))
}

// citationsOf is how many items cite the site domain d, by its domain or
// by its bare name ("bbc" for bbc.co.uk, as credits reads it).
func citationsOf(c Citations, d string) int {
	if d == "" {
		return 0
	}
	n := c.Citations(d)
	if label, _, _ := strings.Cut(d, "."); label != d {
		n += c.Citations(label)
	}
	return n
}

// maxMerge bounds how many existing clusters one new item can join into
// one: a new item that verifies against more is more likely a digest than
// the missing link of one story.
const maxMerge = 3

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
	// Refused explains a match that was found but not made (a same-url
	// claim by a feed that is not the URL's site, with different content):
	// the caller logs it.
	Refused string
}

// Scopes of deduplication, per category.
const (
	ScopeAll      = "all"      // link across every feed (the default)
	ScopeCategory = "category" // link only items whose feeds share a category
	ScopeOff      = "off"      // never link items of this category
)

// linkable reports whether items of members a and b may be linked given
// the verdict v on their signatures sa and sb: deduplication must be on
// for both and their scopes must meet, and they must have been published
// within the gaps of one story, unless v says one is a near-verbatim copy
// of the other (farCopy).
func linkable(cfg Config, a, b Member, sa, sb Signature, v Verdict) bool {
	if a.Policy == "off" || b.Policy == "off" || a.Scope == ScopeOff || b.Scope == ScopeOff {
		return false
	}
	if (a.Scope == ScopeCategory || b.Scope == ScopeCategory) && a.Category != b.Category {
		return false
	}
	return !tooFarApart(cfg, a, b) || farCopy(cfg, a, b, sa, sb, v)
}

// farCopy reports whether a verdict links two items however far apart
// they were published: a copy that repeats nearly all of the other's
// wording and every figure of the one stating fewer. Nearly all the
// wording is a Jaccard of at least MinFarJaccard, on words or on character
// grams, or — for a copy read with character errors, whose words lose
// shingles to every error — the character grams' pattern of such errors
// (compareChars) at MinFarCharJaccard. The gaps stand against recurring
// template stories, which come days or weeks apart with the same wording
// around new figures; a reprint site republishing an old story, a paper
// reprinting another's article weeks later, or a feed bringing back an
// evergreen text repeats the figures too, and it is the same text the
// reader has already seen. A long passage copied whole into a longer text
// (a cut reprint, an expanded re-filing) counts too: containment at least
// MinFarContainment of a passage of at least minFarContainedShingles;
// teasers and short items, whose wording templates share, do not.
//
// Within one site the headlines must agree too (MinTitleOverlap, when
// both have one): a feed whose entries carry one text under different
// headlines — a podcast's show blurb on every episode, a job board's
// company paragraph on every opening — is not reprinting, and its
// boilerplate model learns that text only from its third entry on.
func farCopy(cfg Config, ma, mb Member, a, b Signature, v Verdict) bool {
	if cfg.MinFarJaccard <= 0 || !v.Duplicate || v.Reason != "simhash" && v.Reason != "containment" {
		return false
	}
	if siteDomain(ma.Site) == siteDomain(mb.Site) && len(a.Title) > 0 && len(b.Title) > 0 && titleOverlap(a.Title, b.Title) < cfg.MinTitleOverlap {
		return false
	}
	if agree, _ := numbersAgree(cfg, a, b); agree < 1 {
		return false
	}
	if v.Reason == "simhash" && !v.Chars && v.Score >= cfg.MinFarJaccard {
		return true
	}
	small, large := a, b
	if b.Shingles < a.Shingles {
		small, large = b, a
	}
	j, c := sketchSimilarity(small.Sketch, large.Sketch, small.Shingles, large.Shingles)
	if j >= cfg.MinFarJaccard || cfg.MinFarContainment > 0 && c >= cfg.MinFarContainment && small.Shingles >= minFarContainedShingles {
		return true
	}
	if v.Reason == "containment" {
		return false
	}
	far := cfg
	far.MinCharJaccard = cfg.MinFarCharJaccard
	_, ok := compareChars(far, a, b, j)
	return ok
}

// minFarContainedShingles is the shortest passage farCopy takes as copied
// whole into a longer text: about a hundred words, several paragraphs.
const minFarContainedShingles = 100

// maxLinkPostWords is the most words an item may have and still be a
// link post: a link aggregator's entry that carries the article's title and
// URL, and for text only a pointer to its discussion ("Comments",
// "submitted by … [link] [comments]").
const maxLinkPostWords = 12

// linkPosts reports whether two items with one URL, neither on that URL's
// site, are link posts of one article: both carry next to no text of their
// own and their headlines agree (MinTitleOverlap). Hacker News, Lobsters
// and a subreddit posting the same article are one story to their reader,
// and there is no content to compare. Neither can hide the article's own
// item, whose site owns the URL (see LinkItem).
func linkPosts(cfg Config, a, b Signature) bool {
	return a.Words <= maxLinkPostWords && b.Words <= maxLinkPostWords &&
		titleOverlap(a.Title, b.Title) >= cfg.MinTitleOverlap
}

// LinkItem decides the cluster of a new item id (already signed, not yet
// in the index): it verifies the index's candidates, joins the cluster of
// the best match, and re-chooses that cluster's original, which re-links
// every copy when the new item is the true original. sameURL, when
// non-zero, is a stored item with the same normalised URL: a match without
// verification if the URL belongs to one of the two items' sites (or the
// two are from one site), else only if their contents agree too or both are
// link posts of the article (linkPosts) — a feed cannot hide another
// site's story by claiming its URL.
func LinkItem(cfg Config, x *Index, st State, id uint64, sig Signature, m Member, sameURL uint64) Decision {
	m.ID = id
	alone := Decision{Root: id}
	if m.Policy == "off" || m.Scope == ScopeOff {
		return alone
	}
	var (
		best  uint64
		bestV Verdict
	)
	if sameURL != 0 && sameURL != id {
		cm, okm := st.Member(sameURL)
		cs, oks := st.Signature(sameURL)
		var cv Verdict
		if oks {
			cv = Compare(cfg, sig, cs)
		}
		switch {
		case !okm || !linkable(cfg, m, cm, sig, cs, cv):
		case ownsURL(m) || ownsURL(cm) || siteDomain(m.Site) == siteDomain(cm.Site):
			best, bestV = sameURL, Verdict{Duplicate: true, Reason: "same-url", Distance: -1, Score: 1}
		case cv.Duplicate:
			best, bestV = sameURL, cv
		case oks && linkPosts(cfg, sig, cs):
			best, bestV = sameURL, Verdict{Duplicate: true, Reason: "same-url", Distance: -1, Score: titleOverlap(sig.Title, cs.Title)}
		default:
			alone.Refused = "same URL as item " + itoa(sameURL) + " but neither feed is the URL's site and the contents differ"
		}
	}
	// Every verified candidate's cluster is joined, not only the best
	// one's: when a story's copies arrived first and matched nothing of
	// each other (a teaser and a full reprint), the original that matches
	// both is what ties them into one cluster.
	var roots []uint64
	if best != 0 {
		roots = append(roots, st.Root(best))
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
			if !v.Duplicate {
				continue
			}
			cm, ok := st.Member(c)
			if !ok || !linkable(cfg, m, cm, sig, cs, v) {
				continue
			}
			if r := st.Root(c); !slices.Contains(roots, r) && len(roots) < maxMerge && mergeable(cfg, st, roots, r) {
				roots = append(roots, r)
			}
			if best == 0 || v.Score > bestV.Score || v.Score == bestV.Score && v.Distance < bestV.Distance {
				best, bestV = c, v
			}
		}
	}
	if best == 0 {
		return alone
	}
	var ids []uint64
	for _, r := range roots {
		ids = append(ids, st.Members(r)...)
	}
	ids = append(ids, id)
	d := Recluster(cfg, st, ids, map[uint64]Member{id: m}, map[uint64]Signature{id: sig})
	for i := range d.Links {
		if d.Links[i].Copy == id && d.Links[i].Reason == "simhash" && bestV.Reason != "" && d.Chosen != "attribution" {
			d.Links[i].Reason = bestV.Reason
		}
	}
	return d
}

// mergeable reports whether the cluster of root r may join those of roots:
// their originals must not state contradicting figures. A new item can
// verify against two instances of a template story (the Fed's repurchases
// on two days) that verification alone kept apart; joining them would
// undo the numbers veto.
func mergeable(cfg Config, st State, roots []uint64, r uint64) bool {
	rs, ok := st.Signature(r)
	if !ok {
		return false
	}
	for _, o := range roots {
		os, ok := st.Signature(o)
		if !ok {
			return false
		}
		if _, agree := numbersAgree(cfg, rs, os); !agree {
			return false
		}
	}
	return true
}

// Recluster decides the original of a cluster made of ids and returns its
// links. Members whose feed or category has deduplication off are left
// out (the caller unlinks them). extra supplies members and signatures not
// yet in st. It is what LinkItem does after matching, and what a change of
// a feed's setting runs on the clusters it touches.
func Recluster(cfg Config, st State, ids []uint64, extraM map[uint64]Member, extraS map[uint64]Signature) Decision {
	ms := make([]Member, 0, len(ids))
	sigs := make([]Signature, 0, len(ids))
	for _, mid := range ids {
		mm, ok := extraM[mid]
		if !ok {
			if mm, ok = st.Member(mid); !ok {
				continue
			}
		}
		if mm.Policy == "off" || mm.Scope == ScopeOff {
			continue
		}
		sg, ok := extraS[mid]
		if !ok {
			sg, _ = st.Signature(mid)
		}
		mm.ID = mid
		ms = append(ms, mm)
		sigs = append(sigs, sg)
	}
	if len(ms) == 0 {
		return Decision{}
	}
	if len(ms) > 1 {
		for i := range ms {
			ms[i].Cited = SiteCitations(st, ms[i].Site)
		}
	}
	oi, why := ChooseOriginal(cfg, ms)
	d := Decision{Root: ms[oi].ID, Chosen: why}
	if len(ms) == 1 {
		return d
	}
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
		default:
			l.Reason = "simhash" // joined through another member of the cluster
		}
		d.Links = append(d.Links, l)
	}
	return d
}

// ownsURL reports whether an item's link is on its own feed's site.
func ownsURL(m Member) bool {
	d := domainOfURL(m.URL)
	return d != "" && d == siteDomain(m.Site)
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// TimeApart explains why the publish times of two items keep them apart
// despite the verdict v on their signatures; it is empty when the times
// allow a link (within the gaps, or a near-verbatim copy beyond them).
// `feedfold explain` prints it.
func TimeApart(cfg Config, a, b Member, sa, sb Signature, v Verdict) string {
	if !tooFarApart(cfg, a, b) || farCopy(cfg, a, b, sa, sb, v) {
		return ""
	}
	gap, limit, where, what := a.Published.Sub(b.Published).Abs(), cfg.MaxGapCrossSite, "between sites", "a near-verbatim copy repeating every figure"
	if siteDomain(a.Site) == siteDomain(b.Site) {
		limit, where, what = cfg.MaxGapSameSite, "on one site", "a near-verbatim copy under an agreeing headline repeating every figure"
	}
	return "published " + roughDuration(gap) + " apart, more than the " + roughDuration(limit) + " allowed " + where + ", and not " + what
}

// roughDuration writes d in whole days, or hours below three days.
func roughDuration(d time.Duration) string {
	if d < 72*time.Hour {
		return itoa(uint64(d/time.Hour)) + " h"
	}
	return itoa(uint64(d/(24*time.Hour))) + " days"
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
	cited   map[string]int
	sigs    map[uint64]Signature
	members map[uint64]Member
	root    map[uint64]uint64
	copies  map[uint64][]uint64
}

// NewMemState returns an empty state.
func NewMemState() *MemState {
	return &MemState{
		cited: map[string]int{},
		sigs:  map[uint64]Signature{}, members: map[uint64]Member{},
		root: map[uint64]uint64{}, copies: map[uint64][]uint64{},
	}
}

// Put records an item (before Link is asked about it).
func (s *MemState) Put(id uint64, sig Signature, m Member) {
	m.ID = id
	s.sigs[id], s.members[id] = sig, m
	for _, c := range CitedSources(m.Site, sig.Credits) {
		s.cited[c]++
	}
}

// Citations implements Citations.
func (s *MemState) Citations(source string) int { return s.cited[source] }

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
