package dedupe

import (
	"math/bits"
	"slices"
)

// Index finds stored fingerprints within Hamming distance K of a query,
// for two fingerprints per item (body and lead), with the permuted-block
// tables of Manku, Jain and Das Sarma (WWW 2007): the 64 bits are split
// into K+1 blocks; two fingerprints within distance K differ in at most K
// blocks, so they agree exactly on at least one. Each block gets a table
// bucketed on that block's bits, and a query only examines, per table, the
// bucket of its own block value — at a million items about fifteen entries
// per bucket instead of a million.
//
// Layout, for memory: items live in parallel arrays indexed by a slot
// (id, body and lead fingerprints: 24 bytes); each table is a CSR array of
// slots (4 bytes per item per table) with a small overflow map for items
// added since the last rebuild. With K = 3 that is 24 + 2·4·4 = 56 bytes
// per item. Removal leaves a tombstone that the next rebuild drops.
//
// An Index is not safe for concurrent use; the aggregator guards it.
type Index struct {
	k      [channels]int
	ids    []uint64 // 0 marks a removed slot
	fps    [channels][]uint64
	tables [channels][]table
	// anchors maps sentence anchors to slots: exact matches, bucketed by
	// the anchor's low bits, the full anchor stored beside its slot so a
	// probe reads one contiguous run of memory.
	anchors anchorTable
	extraN  int
	dead    int
	bulk    bool // the current rebuild follows Load: no growth expected
}

// maxAnchorBits bounds the anchor table's bucket key; the key is as wide as
// the number of entries needs (about one per bucket), so an empty or small
// index does not carry a 4 MiB offsets array.
const maxAnchorBits = 20

type anchorEntry struct{ hash, slot uint32 }

type anchorTable struct {
	bits    uint // width of the bucket key, set at each build
	offsets []uint32
	entries []anchorEntry
	extra   map[uint32][]anchorEntry
	pending []anchorEntry // loaded, not yet built: Load's bulk path
}

func (t *anchorTable) key(a uint32) uint32 { return a & (1<<t.bits - 1) }

// keyBits is the bucket key width for n entries: about one entry per
// bucket (offsets cost four bytes per bucket), at least 8 bits and at most
// limit.
func keyBits(n int, limit uint) uint {
	return min(limit, max(8, uint(bits.Len(uint(n)))))
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
	extra    map[uint32][]uint32 // bucket -> slots added since the last build
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
			x.tables[c][b] = table{blockEnd: start + size, maxWidth: min(size, 16), extra: map[uint32][]uint32{}}
			start += size
		}
	}
	x.anchors.extra = map[uint32][]anchorEntry{}
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
	for i, a := range s.Anchors {
		if i == IndexedAnchors {
			break
		}
		a |= 1
		k := x.anchors.key(a)
		x.anchors.extra[k] = append(x.anchors.extra[k], anchorEntry{a, slot})
	}
	for c := range x.tables {
		fp := x.fps[c][slot]
		for i := range x.tables[c] {
			t := &x.tables[c][i]
			k := t.key(fp)
			t.extra[k] = append(t.extra[k], slot)
		}
	}
	x.extraN++
	if x.extraN > 4096+len(x.ids)/8 {
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
	for i, a := range s.Anchors {
		if i == IndexedAnchors {
			break
		}
		x.anchors.pending = append(x.anchors.pending, anchorEntry{a | 1, slot})
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
	for _, slot := range x.bucket(t, k) {
		if x.ids[slot] == id {
			x.ids[slot] = 0
			x.dead++
			break
		}
	}
	if x.dead > 1024 && x.dead > len(x.ids)/4 {
		x.rebuild()
	}
}

// bucket returns the slots of bucket k (built part, then overflow). The
// result may alias internal arrays: do not modify it.
func (x *Index) bucket(t *table, k uint32) []uint32 {
	built := t.entries[t.offsets[k]:t.offsets[k+1]]
	if ex := t.extra[k]; len(ex) > 0 {
		return append(slices.Clip(built), ex...)
	}
	return built
}

// Candidates appends to dst the ids whose body or lead fingerprint is
// within K of s's, each once.
func (x *Index) Candidates(s Signature, dst []uint64) []uint64 {
	if !indexable(s) {
		return dst
	}
	start := len(dst)
	q := fingerprints(s)
	for c := range x.tables {
		if q[c] == 0 {
			continue // no title, no lead: nothing to match on
		}
		fps := x.fps[c]
		k := x.k[c]
		for i := range x.tables[c] {
			t := &x.tables[c][i]
			b := t.key(q[c])
			lo, hi := t.offsets[b], t.offsets[b+1]
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
			for _, slot := range t.extra[b] {
				if id := x.ids[slot]; id != 0 && bits.OnesCount64(fps[slot]^q[c]) <= k {
					dst = append(dst, id)
				}
			}
		}
	}
	at := &x.anchors
	for _, a := range s.Anchors {
		a |= 1
		b := at.key(a)
		for _, part := range [2][]anchorEntry{at.entries[at.offsets[b]:at.offsets[b+1]], at.extra[b]} {
			for _, e := range part {
				if e.hash == a {
					if id := x.ids[e.slot]; id != 0 {
						dst = append(dst, id)
					}
				}
			}
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
			t.extra = map[uint32][]uint32{}
		}
	}
	x.buildAnchors(remap)
	x.extraN = 0
}

// buildAnchors merges the anchor table's overflow into its CSR arrays,
// renumbering slots after compaction (remap: old slot -> new slot + 1).
func (x *Index) buildAnchors(remap []uint32) {
	t := &x.anchors
	all := make([]anchorEntry, 0, len(t.entries)+x.extraN*IndexedAnchors+len(t.pending))
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
	for _, es := range t.extra {
		for _, e := range es {
			keep(e)
		}
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
	t.extra = map[uint32][]anchorEntry{}
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
