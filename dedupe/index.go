package dedupe

import (
	"math/bits"
	"slices"
)

// Index finds candidate near-duplicates of a query: items whose body, lead
// or headline fingerprint is within its channel's Hamming distance, or
// that share an exact key (a sentence anchor, or a MinHash key with a near
// body). Fingerprints are searched with the permuted-block
// tables of Manku, Jain and Das Sarma (WWW 2007): the 64 bits are split
// into K+1 blocks; two fingerprints within distance K differ in at most K
// blocks, so they agree exactly on at least one. Each block gets a table
// bucketed on that block's bits, and a query only examines, per table, the
// bucket of its own block value — at a million items about fifteen entries
// per bucket instead of a million.
//
// Layout, for memory: items live in parallel arrays indexed by a slot (id
// and fingerprints); each table is a CSR array of slots, with half of each
// fingerprint beside its slot. Items added since the last rebuild are
// chained per bucket through flat arrays (a head per bucket, a link per
// item and table), not kept in maps of slices, which cost ten times as
// much and made a growing index the largest thing on the heap. Removal
// leaves a tombstone that the next rebuild drops.
//
// An Index is not safe for concurrent use; the aggregator guards it.
type Index struct {
	k      [channels]int
	ids    []uint64 // 0 marks a removed slot
	fps    [channels][]uint64
	tables [channels][]table
	// anchors maps exact keys (sentence anchors, MinHash keys; see
	// exactKeys) to slots, bucketed by the key's low bits, the full key
	// stored beside its slot so a probe reads one contiguous run of memory.
	anchors anchorTable
	// pend lists the slots added since the last rebuild, in order; the
	// chains of every table index into it.
	pend []uint32
	dead int
	bulk bool   // the current rebuild follows Load: no growth expected
	sink uint32 // see Candidates
}

// maxAnchorBits bounds the anchor table's bucket key; the key is as wide as
// the number of entries needs (see keyBits), so an empty or small
// index does not carry a 4 MiB offsets array.
const maxAnchorBits = 20

type anchorEntry struct{ hash, slot uint32 }

type anchorTable struct {
	bits    uint // width of the bucket key, set at each build
	offsets []uint32
	entries []anchorEntry
	// Entries added since the last build, chained per bucket: xhead[k] is
	// 1 + the index in xent of the newest entry of bucket k (0: none), and
	// xnext[i] that of the one before entry i.
	xhead   []uint32
	xent    []anchorEntry
	xnext   []uint32
	pending []anchorEntry // loaded, not yet built: Load's bulk path
}

func (t *anchorTable) key(a uint32) uint32 { return a & (1<<t.bits - 1) }

// keyBits is the bucket key width for n entries: four to eight entries per
// bucket (offsets and chain heads cost four bytes per bucket each, and a
// bucket of eight is scanned in one cache line or two), at least 8 bits and
// at most limit. At a million items every table is at its limit.
func keyBits(n int, limit uint) uint {
	return min(limit, uint(max(8, bits.Len(uint(n))-3)))
}

type table struct {
	blockEnd uint // position just above the block's highest bit
	maxWidth uint // bits of the block usable as bucket key (at most 16)
	// The key is the block's top width bits (shift = blockEnd - width):
	// as many as the item count needs, set at each rebuild.
	shift   uint
	width   uint
	offsets []uint32
	entries []uint32
	// partials[i] holds 32 bits of entries[i]'s fingerprint, the half
	// away from this table's block: their distance to the query's is a
	// lower bound of the full distance, so most entries of a bucket are
	// rejected while reading memory in order, without touching the
	// fingerprint array at a random address.
	partials []uint32
	// Slots added since the last build, chained per bucket: head[k] is 1 +
	// the index in Index.pend of the newest of bucket k (0: none), and
	// next[i] that of the one before pend[i].
	head []uint32
	next []uint32
}

// partial is the half of fp that a table keeps beside each entry.
func (t *table) partial(fp uint64) uint32 {
	if t.shift >= 32 {
		return uint32(fp)
	}
	return uint32(fp >> 32)
}

// Channels: the fingerprints indexed per item.
const (
	chanBody  = iota // title and body shingles: near-identical copies
	chanLead         // the opening sentence: teasers and cut versions
	chanTitle        // the headline: re-filings and copies with other bodies
	channels
)

func fingerprints(s Signature) [channels]uint64 {
	return [channels]uint64{s.SimHash, s.Lead, s.TitleHash}
}

// NewIndex returns an empty index for cfg.K.
func NewIndex(cfg Config) *Index {
	x := &Index{k: [channels]int{cfg.K, cfg.LeadK, cfg.TitleK}}
	for c := range x.tables {
		blocks := x.k[c] + 1
		x.tables[c] = make([]table, blocks)
		start := uint(0)
		for b := 0; b < blocks; b++ {
			size := uint(64 / blocks)
			if b < 64%blocks {
				size++
			}
			// Key on the block's top bits: a key narrower than the block
			// only makes buckets coarser, never misses a match.
			x.tables[c][b] = table{blockEnd: start + size, maxWidth: min(size, 16)}
			start += size
		}
	}
	x.rebuild()
	return x
}

func (t *table) key(fp uint64) uint32 { return uint32(fp>>t.shift) & (1<<t.width - 1) }

// Len is the number of items indexed.
func (x *Index) Len() int { return len(x.ids) - x.dead }

func indexable(s Signature) bool { return s.Words > 0 }

// Add indexes an item. Items without content words are not indexed: an
// empty fingerprint would match every other empty one.
func (x *Index) Add(id uint64, s Signature) {
	if !indexable(s) {
		return
	}
	slot := x.appendSlot(id, s)
	for _, a := range indexKeys(s) {
		at := &x.anchors
		if at.xhead == nil {
			at.xhead = make([]uint32, len(at.offsets)-1)
		}
		k := at.key(a)
		at.xent = append(at.xent, anchorEntry{a, slot})
		at.xnext = append(at.xnext, at.xhead[k])
		at.xhead[k] = uint32(len(at.xent))
	}
	x.pend = append(x.pend, slot)
	for c := range x.tables {
		fp := x.fps[c][slot]
		for i := range x.tables[c] {
			t := &x.tables[c][i]
			if t.head == nil {
				t.head = make([]uint32, len(t.offsets)-1)
			}
			k := t.key(fp)
			t.next = append(t.next, t.head[k])
			t.head[k] = uint32(len(x.pend))
		}
	}
	if len(x.pend) > 4096+len(x.ids)/8 {
		x.rebuild()
	}
}

// Load appends an item without indexing it yet; call Rebuild once after
// loading many. It is the fast path for restoring persisted fingerprints.
func (x *Index) Load(id uint64, s Signature) {
	if !indexable(s) {
		return
	}
	slot := x.appendSlot(id, s)
	for _, a := range indexKeys(s) {
		x.anchors.pending = append(x.anchors.pending, anchorEntry{a, slot})
	}
}

// Rebuild indexes everything loaded or added, dropping removed items.
func (x *Index) Rebuild() {
	x.bulk = true
	x.rebuild()
	x.bulk = false
}

func (x *Index) appendSlot(id uint64, s Signature) uint32 {
	x.ids = append(x.ids, id)
	for c, fp := range fingerprints(s) {
		x.fps[c] = append(x.fps[c], fp)
	}
	return uint32(len(x.ids) - 1)
}

// Remove unindexes an item; s must be the signature it was added with.
func (x *Index) Remove(id uint64, s Signature) {
	if !indexable(s) {
		return
	}
	t := &x.tables[chanBody][0]
	k := t.key(s.SimHash)
	remove := func(slot uint32) bool {
		if x.ids[slot] != id {
			return false
		}
		x.ids[slot] = 0
		x.dead++
		return true
	}
	found := false
	for _, slot := range t.entries[t.offsets[k]:t.offsets[k+1]] {
		if found = remove(slot); found {
			break
		}
	}
	if !found && len(t.next) > 0 {
		for i := t.head[k]; i != 0; i = t.next[i-1] {
			if remove(x.pend[i-1]) {
				break
			}
		}
	}
	if x.dead > 1024 && x.dead > len(x.ids)/4 {
		x.rebuild()
	}
}

// Candidates appends to dst the ids whose body or lead fingerprint is
// within K of s's, each once.
func (x *Index) Candidates(s Signature, dst []uint64) []uint64 {
	if !indexable(s) {
		return dst
	}
	start := len(dst)
	q := fingerprints(s)
	// A lookup is bound by memory latency: one bucket per table and per
	// anchor, each at a random place in a large array. All bucket bounds
	// are read first, in one loop of independent loads the CPU overlaps,
	// and the first word of every bucket is touched the same way, before
	// any bucket is scanned.
	type span struct{ lo, hi uint32 }
	var spans [channels * 8]span // Validate: k ≤ 7, so at most 8 tables a channel
	var anchorSpans [MaxAnchors + QueriedMinHashes]span
	n := 0
	for c := range x.tables {
		for i := range x.tables[c] {
			t := &x.tables[c][i]
			b := t.key(q[c])
			spans[n] = span{t.offsets[b], t.offsets[b+1]}
			n++
		}
	}
	at := &x.anchors
	keys := queryKeys(s)
	na := min(len(keys), len(anchorSpans))
	for j, a := range keys[:na] {
		b := at.key(a)
		anchorSpans[j] = span{at.offsets[b], at.offsets[b+1]}
	}
	var touch uint32
	n = 0
	for c := range x.tables {
		for i := range x.tables[c] {
			if sp := spans[n]; sp.lo < sp.hi {
				touch += x.tables[c][i].partials[sp.lo]
			}
			n++
		}
	}
	for _, sp := range anchorSpans[:na] {
		if sp.lo < sp.hi {
			touch += at.entries[sp.lo].hash
		}
	}
	x.sink = touch // keep the touching loads
	n = 0
	for c := range x.tables {
		if q[c] == 0 {
			n += len(x.tables[c])
			continue // no title, no lead: nothing to match on
		}
		fps := x.fps[c]
		k := x.k[c]
		for i := range x.tables[c] {
			t := &x.tables[c][i]
			lo, hi := spans[n].lo, spans[n].hi
			n++
			qp := t.partial(q[c])
			parts := t.partials[lo:hi]
			for j, pv := range parts {
				if bits.OnesCount32(pv^qp) > k {
					continue
				}
				slot := t.entries[lo+uint32(j)]
				if id := x.ids[slot]; id != 0 && bits.OnesCount64(fps[slot]^q[c]) <= k {
					dst = append(dst, id)
				}
			}
			if len(t.next) == 0 {
				continue
			}
			for i := t.head[t.key(q[c])]; i != 0; i = t.next[i-1] {
				slot := x.pend[i-1]
				if id := x.ids[slot]; id != 0 && bits.OnesCount64(fps[slot]^q[c]) <= k {
					dst = append(dst, id)
				}
			}
		}
	}
	for j, a := range keys {
		from := len(dst)
		// A shared sentence is evidence enough; a shared minimum shingle
		// also needs body fingerprints in the same neighbourhood (see
		// minHashMaxDistance), checked in memory before any candidate
		// costs a signature read.
		minHash := a&1 == 0
		var sp span
		if j < na {
			sp = anchorSpans[j]
		} else { // more keys than a signature makes; read their bounds now
			b := at.key(a)
			sp = span{at.offsets[b], at.offsets[b+1]}
		}
		keep := func(slot uint32) {
			id := x.ids[slot]
			if id == 0 || minHash && bits.OnesCount64(x.fps[chanBody][slot]^q[chanBody]) > minHashMaxDistance {
				return
			}
			dst = append(dst, id)
		}
		for _, e := range at.entries[sp.lo:sp.hi] {
			if e.hash == a {
				keep(e.slot)
			}
		}
		if len(at.xent) > 0 {
			for i := at.xhead[at.key(a)]; i != 0; i = at.xnext[i-1] {
				if e := at.xent[i-1]; e.hash == a {
					keep(e.slot)
				}
			}
		}
		if len(dst)-from > maxKeyMatches {
			dst = dst[:from] // a stop-shingle or template sentence
		}
	}
	found := dst[start:]
	slices.Sort(found)
	return append(dst[:start], slices.Compact(found)...)
}

// rebuild compacts tombstones and rebuilds every table's CSR arrays.
func (x *Index) rebuild() {
	var remap []uint32 // old slot -> new slot + 1 (0: removed)
	if x.dead > 0 {
		remap = make([]uint32, len(x.ids))
		n := 0
		for i, id := range x.ids {
			if id == 0 {
				continue
			}
			remap[i] = uint32(n) + 1
			x.ids[n] = id
			for c := range x.fps {
				x.fps[c][n] = x.fps[c][i]
			}
			n++
		}
		x.ids = slices.Clip(x.ids[:n])
		for c := range x.fps {
			x.fps[c] = slices.Clip(x.fps[c][:n])
		}

		x.dead = 0
	}
	n := len(x.ids)
	var fill []uint32 // shared by every table: it is cleared before each
	for c := range x.tables {
		for i := range x.tables[c] {
			t := &x.tables[c][i]
			t.width = keyBits(n, t.maxWidth)
			t.shift = t.blockEnd - t.width
			nb := 1 << t.width
			if cap(t.offsets) >= nb+1 {
				t.offsets = t.offsets[:nb+1]
				clear(t.offsets)
			} else {
				t.offsets = make([]uint32, nb+1)
			}
			for _, fp := range x.fps[c] {
				t.offsets[t.key(fp)+1]++
			}
			for b := 1; b <= nb; b++ {
				t.offsets[b] += t.offsets[b-1]
			}
			// Arrays keep room to grow (see grown): an index being filled
			// is rebuilt every few thousand items, and fresh arrays each
			// time fragmented the Go heap.
			if cap(t.entries) >= n && cap(t.entries) <= 2*n+4096 {
				t.entries, t.partials = t.entries[:n], t.partials[:n]
			} else {
				t.entries, t.partials = make([]uint32, n, x.grown(n)), make([]uint32, n, x.grown(n))
			}
			if cap(fill) >= nb {
				fill = fill[:nb]
				clear(fill)
			} else {
				fill = make([]uint32, nb)
			}
			for slot, fp := range x.fps[c] {
				k := t.key(fp)
				t.entries[t.offsets[k]+fill[k]] = uint32(slot)
				t.partials[t.offsets[k]+fill[k]] = t.partial(fp)
				fill[k]++
			}
			t.head = resized(t.head, nb)
			t.next = t.next[:0]
		}
	}
	x.buildAnchors(remap)
	x.pend = x.pend[:0]
}

// buildAnchors merges the anchor table's overflow into its CSR arrays,
// renumbering slots after compaction (remap: old slot -> new slot + 1).
func (x *Index) buildAnchors(remap []uint32) {
	t := &x.anchors
	all := make([]anchorEntry, 0, len(t.entries)+len(t.xent)+len(t.pending))
	keep := func(e anchorEntry) {
		if remap != nil {
			if remap[e.slot] == 0 {
				return
			}
			e.slot = remap[e.slot] - 1
		}
		all = append(all, e)
	}
	for _, e := range t.entries {
		keep(e)
	}
	for _, e := range t.xent {
		keep(e)
	}
	for _, e := range t.pending {
		keep(e)
	}
	t.pending = nil
	t.bits = keyBits(len(all), maxAnchorBits)
	nb := 1 << t.bits
	if len(t.offsets) != nb+1 {
		t.offsets = make([]uint32, nb+1)
	} else {
		clear(t.offsets)
	}
	for _, e := range all {
		t.offsets[t.key(e.hash)+1]++
	}
	for b := 1; b <= nb; b++ {
		t.offsets[b] += t.offsets[b-1]
	}
	if cap(t.entries) >= len(all) && cap(t.entries) <= 2*len(all)+4096 {
		t.entries = t.entries[:len(all)]
	} else {
		t.entries = make([]anchorEntry, len(all), x.grown(len(all)))
	}
	fill := make([]uint32, nb)
	for _, e := range all {
		k := t.key(e.hash)
		t.entries[t.offsets[k]+fill[k]] = e
		fill[k]++
	}
	t.xhead = resized(t.xhead, nb)
	t.xent, t.xnext = t.xent[:0], t.xnext[:0]
}

// resized returns chain heads for n buckets: s cleared when it has that
// length, else nil, allocated by the first Add (an index only ever loaded
// in bulk needs none).
func resized(s []uint32, n int) []uint32 {
	if len(s) == n {
		clear(s)
		return s
	}
	return nil
}

// grown is the capacity given to an index array of n entries while the
// index grows by Add: room for the items added before the next rebuild
// (which comes after n/8 + 4096 of them), so every other rebuild reuses
// the arrays. Rebuild after a bulk Load allocates exactly n.
func (x *Index) grown(n int) int {
	if x.bulk {
		return n
	}
	return n + n/8 + 4096
}

// MinHash keys. A signature's sketch holds the smallest hashes of its
// shingles; two texts share their smallest shingle hash with probability
// equal to their shingles' Jaccard similarity (min-wise hashing), so
// indexing the first IndexedMinHashes of them and querying with the first
// QueriedMinHashes finds texts that share most of their wording even when
// their SimHash fingerprints are far apart — short items, where a few
// changed words move a fingerprint by a dozen bits. Measured on the
// development corpus: natural recall 0.954–0.961 → 0.983–0.991, precision
// unchanged in substance (see EVAL.md). A key whose matches exceed
// maxKeyMatches is a stop-shingle ("said on tuesday") that many items
// share as their minimum; it tells nothing and is skipped.
const (
	IndexedMinHashes = 2
	QueriedMinHashes = 4
	maxKeyMatches    = 64
	// minHashMaxDistance: a MinHash match is a candidate only if the body
	// fingerprints are within this distance. Texts that share most of
	// their shingles differ by at most about 20 bits even when short;
	// unrelated texts differ by 32 ± 4, so this drops ~97% of the chance
	// matches (common phrases as a minimum) before they cost a read.
	minHashMaxDistance = 24
)

// indexKeys are the exact keys an item is indexed under: its first
// sentence anchors and its smallest shingle hashes.
func indexKeys(s Signature) []uint32 { return exactKeys(s, IndexedAnchors, IndexedMinHashes) }

// queryKeys are the exact keys a lookup probes: every sentence anchor and
// the first QueriedMinHashes sketch values.
func queryKeys(s Signature) []uint32 { return exactKeys(s, len(s.Anchors), QueriedMinHashes) }

// exactKeys returns up to anchors sentence anchors (made odd) and up to
// minHashes sketch values (made even), so the two kinds never collide.
func exactKeys(s Signature, anchors, minHashes int) []uint32 {
	anchors, minHashes = min(anchors, len(s.Anchors)), min(minHashes, len(s.Sketch))
	keys := make([]uint32, 0, anchors+minHashes)
	for _, a := range s.Anchors[:anchors] {
		keys = append(keys, a|1)
	}
	for _, v := range s.Sketch[:minHashes] {
		keys = append(keys, v&^1)
	}
	return keys
}

// Nominators lists the index channels through which either item would find
// the other as a candidate ("body", "lead", "headline", "sentence",
// "minhash"); empty when the index would never pair them, whatever
// verification says. It ignores the stop-key rule, which depends on the
// rest of the index. `feedfold explain` shows it.
func Nominators(cfg Config, a, b Signature) []string {
	if !indexable(a) || !indexable(b) {
		return nil
	}
	var out []string
	fa, fb := fingerprints(a), fingerprints(b)
	for c, name := range [channels]string{"body", "lead", "headline"} {
		if fa[c] != 0 && fb[c] != 0 && bits.OnesCount64(fa[c]^fb[c]) <= [channels]int{cfg.K, cfg.LeadK, cfg.TitleK}[c] {
			out = append(out, name)
		}
	}
	shares := func(indexed, queried []uint32, minHash bool) bool {
		for _, k := range queried {
			if k&1 == 0 == minHash && slices.Contains(indexed, k) {
				return true
			}
		}
		return false
	}
	ia, ib, qa, qb := indexKeys(a), indexKeys(b), queryKeys(a), queryKeys(b)
	if shares(ia, qb, false) || shares(ib, qa, false) {
		out = append(out, "sentence")
	}
	if (shares(ia, qb, true) || shares(ib, qa, true)) && bits.OnesCount64(a.SimHash^b.SimHash) <= minHashMaxDistance {
		out = append(out, "minhash")
	}
	return out
}
