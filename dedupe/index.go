package dedupe

import (
	"math"
	"math/bits"
	"slices"
)

// Index finds candidate near-duplicates of a query: items whose body
// fingerprint is within Hamming distance K, or that share an exact key (the
// opening sentence, the headline, or a MinHash key with a near body; see
// exactKeys). Body fingerprints are searched with the permuted-block tables
// of Manku, Jain and Das Sarma (WWW 2007): the 64 bits are split into K+1
// blocks; two fingerprints within distance K differ in at most K blocks, so
// they agree exactly on at least one. Each block gets a table bucketed on
// that block's bits, and a query only examines, per table, the bucket of its
// own block value — at a million items about fifteen entries per bucket
// instead of a million.
//
// Layout, for memory (60 bytes per item at a million items, 63 when grown
// by Add; see BenchmarkIndexLookup and BenchmarkIndexGrow): items live in
// parallel arrays indexed by a slot (a 4-byte id while ids fit, the 8-byte
// body fingerprint); each table is a CSR array of 4-byte slots; the exact
// keys are one CSR table of 16-bit tags and 4-byte slots. Items added
// since the last rebuild are chained through flat arrays (a head per
// chain, a link per item and table; chains are hashed on the bucket key's
// low bits, as many as the pending items need, so the heads cost little at
// a million items), not kept in maps of slices, which cost ten times as
// much and made a growing index the largest thing on the heap. Removal
// leaves a tombstone that the next rebuild drops.
//
// An Index is not safe for concurrent use; the aggregator guards it.
type Index struct {
	k int
	// ids holds each slot's item id while every id fits 32 bits (item ids
	// are bbolt sequence numbers: always, short of four billion items);
	// wide replaces it for good once a larger id arrives. 0 marks a
	// removed slot.
	ids    []uint32
	wide   []uint64
	fps    []uint64 // body fingerprints; its length is the slot count
	tables []table
	keys   keyTable
	// pend lists the slots added since the last rebuild, in order; the
	// chains of every table index into it.
	pend []uint32
	dead int
	bulk bool   // the current rebuild follows Load: no growth expected
	sink uint32 // see Candidates
	// maxChainBits bounds the chains' hash width (0: no bound beyond the
	// usual); tests set it to make every chain hold many buckets, as at a
	// million items.
	maxChainBits uint
}

// Bucket key width of the exact-key table: at a million items (five
// million keys) maxKeyBits gives buckets of about twenty entries (their
// tags fill one cache line) and offsets of 1 byte per item. It never goes below minKeyBits, so that bucket and
// tag together hold the whole key (see keyTable); an empty index carries
// 256 KiB of offsets for it.
const (
	minKeyBits = 16
	maxKeyBits = 18
)

// keyEntry is an exact key with its slot, as kept before a build.
type keyEntry struct{ key, slot uint32 }

// keyTable maps exact keys to slots. Built entries are bucketed by the
// key's low bits (at least 16) and keep only its high 16 bits (tag)
// beside the slot: 6 bytes an entry instead of 8, and bucket and tag
// together are still the whole key.
type keyTable struct {
	bits    uint // width of the bucket key, set at each build
	offsets []uint32
	tags    []uint16
	slots   []uint32
	// Entries added since the last build, chained on the key's low
	// chainBits bits: xhead[c] is 1 + the index in xent of the newest
	// entry of chain c (0: none), and xnext[i] that of the one before
	// entry i.
	chainBits uint
	xhead     []uint32
	xent      []keyEntry
	xnext     []uint32
	pending   []keyEntry // loaded, not yet built: Load's bulk path
}

func (t *keyTable) bucket(key uint32) uint32 { return key & (1<<t.bits - 1) }

func (t *keyTable) chain(key uint32) uint32 { return key & (1<<t.chainBits - 1) }

func tag(key uint32) uint16 { return uint16(key >> 16) }

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
	// Slots added since the last build, chained on the bucket key's low
	// chainBits bits: head[c] is 1 + the index in Index.pend of the newest
	// of chain c (0: none), and next[i] that of the one before pend[i].
	chainBits uint
	head      []uint32
	next      []uint32
}

// NewIndex returns an empty index for cfg.K.
func NewIndex(cfg Config) *Index {
	x := &Index{k: cfg.K}
	blocks := x.k + 1
	x.tables = make([]table, blocks)
	start := uint(0)
	for b := 0; b < blocks; b++ {
		size := uint(64 / blocks)
		if b < 64%blocks {
			size++
		}
		// Key on the block's top bits: a key narrower than the block only
		// makes buckets coarser, never misses a match.
		x.tables[b] = table{blockEnd: start + size, maxWidth: min(size, 16)}
		start += size
	}
	x.rebuild()
	return x
}

func (t *table) key(fp uint64) uint32 { return uint32(fp>>t.shift) & (1<<t.width - 1) }

func (t *table) chain(fp uint64) uint32 { return t.key(fp) & (1<<t.chainBits - 1) }

// Len is the number of items indexed.
func (x *Index) Len() int { return len(x.fps) - x.dead }

// id is the item id of a slot (0: removed).
func (x *Index) id(slot uint32) uint64 {
	if x.wide != nil {
		return x.wide[slot]
	}
	return uint64(x.ids[slot])
}

func (x *Index) setID(slot uint32, id uint64) {
	if x.wide != nil {
		x.wide[slot] = id
	} else {
		x.ids[slot] = uint32(id)
	}
}

func indexable(s Signature) bool { return s.Words > 0 }

// Add indexes an item. Items without content words are not indexed: an
// empty fingerprint would match every other empty one.
func (x *Index) Add(id uint64, s Signature) {
	if !indexable(s) {
		return
	}
	slot := x.appendSlot(id, s)
	kt := &x.keys
	var buf [maxIndexKeys]uint32
	for _, key := range appendIndexKeys(buf[:0], s) {
		if kt.xhead == nil {
			kt.xhead = make([]uint32, 1<<kt.chainBits)
		}
		c := kt.chain(key)
		kt.xent = append(kt.xent, keyEntry{key, slot})
		kt.xnext = append(kt.xnext, kt.xhead[c])
		kt.xhead[c] = uint32(len(kt.xent))
	}
	x.pend = append(x.pend, slot)
	for i := range x.tables {
		t := &x.tables[i]
		if t.head == nil {
			t.head = make([]uint32, 1<<t.chainBits)
		}
		c := t.chain(s.SimHash)
		t.next = append(t.next, t.head[c])
		t.head[c] = uint32(len(x.pend))
	}
	if len(x.pend) > pendingLimit(len(x.fps)) {
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
	var buf [maxIndexKeys]uint32
	for _, key := range appendIndexKeys(buf[:0], s) {
		x.keys.pending = append(x.keys.pending, keyEntry{key, slot})
	}
}

// Rebuild indexes everything loaded or added, dropping removed items.
func (x *Index) Rebuild() {
	x.bulk = true
	x.rebuild()
	x.bulk = false
}

func (x *Index) appendSlot(id uint64, s Signature) uint32 {
	if x.wide == nil && id > math.MaxUint32 {
		x.wide = make([]uint64, len(x.ids), cap(x.ids))
		for i, v := range x.ids {
			x.wide[i] = uint64(v)
		}
		x.ids = nil
	}
	if x.wide != nil {
		x.wide = append(x.wide, id)
	} else {
		x.ids = append(x.ids, uint32(id))
	}
	x.fps = append(x.fps, s.SimHash)
	return uint32(len(x.fps) - 1)
}

// Remove unindexes an item; s must be the signature it was added with.
func (x *Index) Remove(id uint64, s Signature) {
	if !indexable(s) {
		return
	}
	t := &x.tables[0]
	k := t.key(s.SimHash)
	remove := func(slot uint32) bool {
		if x.id(slot) != id {
			return false
		}
		x.setID(slot, 0)
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
		for i := t.head[t.chain(s.SimHash)]; i != 0; i = t.next[i-1] {
			if remove(x.pend[i-1]) {
				break
			}
		}
	}
	if x.dead > 1024 && x.dead > len(x.fps)/4 {
		x.rebuild()
	}
}

// Candidates appends to dst the ids of the items that s's body fingerprint
// or exact keys nominate, each once.
func (x *Index) Candidates(s Signature, dst []uint64) []uint64 {
	if !indexable(s) {
		return dst
	}
	start := len(dst)
	q := s.SimHash
	// A lookup is bound by memory latency: one bucket per table and per
	// key, each at a random place in a large array. All bucket bounds are
	// read first, in one loop of independent loads the CPU overlaps, and
	// the first word of every bucket is touched the same way, before any
	// bucket is scanned.
	type span struct{ lo, hi uint32 }
	var spans [8]span // Validate: K ≤ 7, so at most 8 tables
	var keySpans [maxQueryKeys]span
	for i := range x.tables {
		t := &x.tables[i]
		b := t.key(q)
		spans[i] = span{t.offsets[b], t.offsets[b+1]}
	}
	kt := &x.keys
	var buf [maxQueryKeys]uint32
	keys := appendExactKeys(buf[:0], s, len(s.Anchors), QueriedMinHashes, QueriedCharKeys)
	nk := min(len(keys), len(keySpans))
	for j, key := range keys[:nk] {
		b := kt.bucket(key)
		keySpans[j] = span{kt.offsets[b], kt.offsets[b+1]}
	}
	var touch uint32
	for i := range x.tables {
		if sp := spans[i]; sp.lo < sp.hi {
			touch += x.tables[i].entries[sp.lo]
		}
	}
	for _, sp := range keySpans[:nk] {
		if sp.lo < sp.hi {
			touch += uint32(kt.tags[sp.lo])
		}
	}
	x.sink = touch // keep the touching loads
	for i := range x.tables {
		t := &x.tables[i]
		// At most the newest maxFingerprintMatches a table (see there): the
		// pending chain holds the items added since the last rebuild,
		// newest at its head, and a bucket lists its items in slot order,
		// which is arrival order.
		got := 0
		if len(t.next) > 0 {
			// A chain holds the pending items of several buckets: the
			// distance test is the whole test.
			for i := t.head[t.chain(q)]; i != 0; i = t.next[i-1] {
				slot := x.pend[i-1]
				if bits.OnesCount64(x.fps[slot]^q) <= x.k {
					if id := x.id(slot); id != 0 {
						dst = append(dst, id)
						if got++; got == maxFingerprintMatches {
							break
						}
					}
				}
			}
		}
		// Each entry's fingerprint is read at a random address; the loads
		// are independent, so the CPU keeps many in flight (read forwards:
		// backwards, lookups took a fifth longer).
		from := len(dst)
		for _, slot := range t.entries[spans[i].lo:spans[i].hi] {
			if bits.OnesCount64(x.fps[slot]^q) <= x.k {
				if id := x.id(slot); id != 0 {
					dst = append(dst, id)
				}
			}
		}
		if over := got + len(dst) - from - maxFingerprintMatches; over > 0 {
			// The bucket's oldest matches go.
			dst = dst[:from+copy(dst[from:], dst[from+over:])]
		}
	}
	for j, key := range keys {
		from := len(dst)
		// A shared sentence or headline is evidence enough; a shared
		// minimum shingle also needs body fingerprints in the same
		// neighbourhood (see minHashMaxDistance), checked in memory before
		// any candidate costs a signature read.
		minHash, char := key&3 == keyMinHash, key&3 == keyChar
		var sp span
		if j < nk {
			sp = keySpans[j]
		} else { // more keys than a signature makes; read their bounds now
			b := kt.bucket(key)
			sp = span{kt.offsets[b], kt.offsets[b+1]}
		}
		keep := func(slot uint32) {
			id := x.id(slot)
			if id == 0 || minHash && bits.OnesCount64(x.fps[slot]^q) > minHashMaxDistance {
				return
			}
			dst = append(dst, id)
		}
		// A character key stops at its first match past
		// maxCharKeyMatches, which settles that it is a common pair: a
		// pair thousands of texts share is scanned no further.
		full := func() bool { return char && len(dst)-from > maxCharKeyMatches }
		tg := tag(key)
		for i, t := range kt.tags[sp.lo:sp.hi] {
			if t == tg {
				if keep(kt.slots[sp.lo+uint32(i)]); full() {
					break
				}
			}
		}
		if len(kt.xent) > 0 {
			for i := kt.xhead[kt.chain(key)]; i != 0 && !full(); i = kt.xnext[i-1] {
				if e := kt.xent[i-1]; e.key == key {
					keep(e.slot)
				}
			}
		}
		if n := len(dst) - from; full() {
			// Grams this many texts share are common ones: no evidence of
			// a copy (see maxCharKeyMatches).
			dst = dst[:from]
		} else if n > maxKeyMatches {
			// A stop key: a common phrase's shingle, a template sentence
			// or headline, or a story very many feeds copied. Only its
			// newest matches are kept (ids grow with time): a widely
			// syndicated story is still found through its latest copies
			// (one is enough, the item joins their cluster), and a
			// template costs a few rejected verifications, not hundreds.
			dst = dst[:from+newest(dst[from:], keepOnStop)]
		}
	}
	found := dst[start:]
	slices.Sort(found)
	return append(dst[:start], slices.Compact(found)...)
}

// newest moves the k largest ids of m (ids grow with time) to its front
// and returns how many that is: one pass, where sorting a stop key's
// matches cost more than the rest of a lookup once thousands of items
// shared it (a feed whose every item repeats one description).
func newest(m []uint64, k int) int {
	k = min(k, len(m))
	for i := range k {
		// m[:i] holds the i largest; find the largest of the rest.
		best := i
		for j := i + 1; j < len(m); j++ {
			if m[j] > m[best] {
				best = j
			}
		}
		m[i], m[best] = m[best], m[i]
	}
	return k
}

// rebuild compacts tombstones and rebuilds every table's CSR arrays.
func (x *Index) rebuild() {
	var remap []uint32 // old slot -> new slot + 1 (0: removed)
	if x.dead > 0 {
		remap = make([]uint32, len(x.fps))
		n := 0
		for i := range x.fps {
			id := x.id(uint32(i))
			if id == 0 {
				continue
			}
			remap[i] = uint32(n) + 1
			x.setID(uint32(n), id)
			x.fps[n] = x.fps[i]
			n++
		}
		if x.wide != nil {
			x.wide = slices.Clip(x.wide[:n])
		} else {
			x.ids = slices.Clip(x.ids[:n])
		}
		x.fps = slices.Clip(x.fps[:n])
		x.dead = 0
	}
	n := len(x.fps)
	// The slot arrays grow by append until the next rebuild: give them
	// that room now, or append's own growth (a quarter at this size)
	// would leave up to three bytes an item unused.
	// After a bulk load the same arrays are cut to size instead: append
	// left up to a quarter of them unused.
	if c := x.grown(n); cap(x.fps) < c {
		x.fps = slices.Grow(x.fps, c-n)
		if x.wide != nil {
			x.wide = slices.Grow(x.wide, c-n)
		} else {
			x.ids = slices.Grow(x.ids, c-n)
		}
	} else if x.bulk && cap(x.fps) > n+n/64 {
		x.fps = slices.Clone(x.fps)
		if x.wide != nil {
			x.wide = slices.Clone(x.wide)
		} else {
			x.ids = slices.Clone(x.ids)
		}
	}
	var fill []uint32 // shared by every table: it is cleared before each
	for i := range x.tables {
		t := &x.tables[i]
		t.width = keyBits(n, t.maxWidth)
		t.shift = t.blockEnd - t.width
		nb := 1 << t.width
		if cap(t.offsets) >= nb+1 {
			t.offsets = t.offsets[:nb+1]
			clear(t.offsets)
		} else {
			t.offsets = make([]uint32, nb+1)
		}
		for _, fp := range x.fps {
			t.offsets[t.key(fp)+1]++
		}
		for b := 1; b <= nb; b++ {
			t.offsets[b] += t.offsets[b-1]
		}
		// Arrays keep room to grow (see grown): an index being filled is
		// rebuilt every few thousand items, and fresh arrays each time
		// fragmented the Go heap.
		if cap(t.entries) >= n && cap(t.entries) <= 2*n+4096 {
			t.entries = t.entries[:n]
		} else {
			t.entries = make([]uint32, n, x.grown(n))
		}
		if cap(fill) >= nb {
			fill = fill[:nb]
			clear(fill)
		} else {
			fill = make([]uint32, nb)
		}
		for slot, fp := range x.fps {
			k := t.key(fp)
			t.entries[t.offsets[k]+fill[k]] = uint32(slot)
			fill[k]++
		}
		t.chainBits = x.chainWidth(t.width, keyBits(pendingLimit(n), 16))
		t.head = resized(t.head, 1<<t.chainBits)
		t.next = t.next[:0]
	}
	x.buildKeys(remap)
	x.pend = x.pend[:0]
}

// buildKeys merges the exact-key table's overflow and pending entries into
// its CSR arrays, renumbering slots after compaction (remap: old slot ->
// new slot + 1).
func (x *Index) buildKeys(remap []uint32) {
	t := &x.keys
	n := len(t.slots) + len(t.xent) + len(t.pending)
	// Built entries are unpacked back to whole keys (tag and the bucket's
	// low 16 bits), so the table can be rebucketed at a new width.
	all := make([]keyEntry, 0, n)
	keep := func(e keyEntry) {
		if remap != nil {
			if remap[e.slot] == 0 {
				return
			}
			e.slot = remap[e.slot] - 1
		}
		all = append(all, e)
	}
	for b := 0; b+1 < len(t.offsets); b++ {
		for i := t.offsets[b]; i < t.offsets[b+1]; i++ {
			keep(keyEntry{uint32(t.tags[i])<<16 | uint32(b)&0xffff, t.slots[i]})
		}
	}
	for _, e := range t.xent {
		keep(e)
	}
	for _, e := range t.pending {
		keep(e)
	}
	t.pending = nil
	t.bits = max(minKeyBits, keyBits(len(all), maxKeyBits))
	nb := 1 << t.bits
	if len(t.offsets) != nb+1 {
		t.offsets = make([]uint32, nb+1)
	} else {
		clear(t.offsets)
	}
	for _, e := range all {
		t.offsets[t.bucket(e.key)+1]++
	}
	for b := 1; b <= nb; b++ {
		t.offsets[b] += t.offsets[b-1]
	}
	if cap(t.slots) >= len(all) && cap(t.slots) <= 2*len(all)+4096 {
		t.slots, t.tags = t.slots[:len(all)], t.tags[:len(all)]
	} else {
		t.slots, t.tags = make([]uint32, len(all), x.grown(len(all))), make([]uint16, len(all), x.grown(len(all)))
	}
	fill := make([]uint32, nb)
	for _, e := range all {
		b := t.bucket(e.key)
		t.slots[t.offsets[b]+fill[b]] = e.slot
		t.tags[t.offsets[b]+fill[b]] = tag(e.key)
		fill[b]++
	}
	t.chainBits = x.chainWidth(t.bits, keyBits(maxIndexKeys*pendingLimit(len(x.fps)), maxKeyBits))
	t.xhead = resized(t.xhead, 1<<t.chainBits)
	t.xent, t.xnext = t.xent[:0], t.xnext[:0]
}

// chainWidth is the chain hash width: what the pending items need, never
// wider than the bucket key it is cut from.
func (x *Index) chainWidth(bucketBits, need uint) uint {
	w := min(bucketBits, need)
	if x.maxChainBits > 0 {
		w = min(w, x.maxChainBits)
	}
	return w
}

// pendingLimit is how many items may be added to an index of n items
// before it is rebuilt. Between rebuilds the added items cost ~80 bytes
// each (chain links and full keys) against 61 once built, and the built
// arrays keep this much room: a 64th keeps a growing index near the
// loaded one's size, at the price of a rebuild (~0.4 s at a million
// items) every 20,000 additions there.
func pendingLimit(n int) int { return 4096 + n/64 }

// resized returns chain heads for n chains: s cleared when it has that
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
// (pendingLimit), so every other rebuild reuses the arrays. Rebuild after
// a bulk Load allocates exactly n.
func (x *Index) grown(n int) int {
	if x.bulk {
		return n
	}
	return n + pendingLimit(n)
}

// maxFingerprintMatches bounds the items each table of the body
// fingerprint nominates: the matches added to the index last (in arrival
// order, except that an item signed again when it changed counts as added
// then). Fingerprints of unrelated texts almost never fall within k bits of each
// other, so a table matches more than a few items only when they share
// their body: a feed whose every item repeats one description (a
// podcast's show notes, a shop's terms), or a story copied by very many
// feeds. Every one of them was verified against every new one: a first
// poll of 2,000 such items took 3.4 s, of 9,000 about a minute. As for a
// stop key, a story copied that widely is found through its latest copies
// (one is enough: the item joins their cluster).
const maxFingerprintMatches = 64

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
// share as their minimum, or a story copied by very many feeds: only its
// keepOnStop newest matches are candidates.
const (
	IndexedMinHashes = 3
	QueriedMinHashes = 4
	maxKeyMatches    = 64
	keepOnStop       = 4
	// minHashMaxDistance: a MinHash match is a candidate only if the body
	// fingerprints are within this distance. Texts that share most of
	// their shingles differ by at most about 20 bits even when short;
	// unrelated texts differ by 32 ± 4, so this drops ~97% of the chance
	// matches (common phrases as a minimum) before they cost a read.
	minHashMaxDistance = 24
)

// Character keys, for items without a headline. A copy read with
// character errors (OCR, retyping) loses its opening sentence to them, most
// of its word shingles, and its body fingerprint moves by twenty bits or
// more; when there is no headline either (passages of digitised papers,
// untitled posts) no channel finds it. Its 7-character grams survive far
// better (see CharGramRunes). One gram is a poor key: a text's smallest
// gram is often a common one, shared by thousands of texts, and nothing in
// memory tells a copy from them before a signature read. So a key is a
// pair of grams (charPairKey): an item without a headline is indexed under
// its two smallest in the headline's place (the index stays at five keys
// an item), and every lookup probes each pair of its three smallest. Two
// copies whose grams agree at Jaccard J share such a pair about as often
// as J², a stranger only when both grams are common; a key matching more
// than maxCharKeyMatches items is ignored. No body-distance condition: a
// noisy copy's fingerprint is as far as a stranger's.
//
// Items with a headline are not indexed so: keys for every item made the
// 1000-feed first poll a quarter slower in chance matches for a few points
// of recall on noisy copies, and took the third word MinHash key's place
// (dedupe/EVAL.md, "Character keys").
const (
	QueriedCharKeys   = 3 // the pairs of the three smallest
	maxCharKeyMatches = 8
)

// charPairKey is the exact key of the grams a and b (charKey values),
// the first of smaller value.
func charPairKey(a, b uint32) uint32 {
	return uint32((uint64(a)<<32 | uint64(b)) * 0x9e3779b97f4a7c15 >> 32)
}

// Kinds of exact key, in the key's two low bits, so that keys of
// different kinds never collide.
const (
	keyMinHash  = 0 // a sketch value
	keyAnchor   = 1 // a sentence anchor
	keyHeadline = 2 // the headline fingerprint, folded to 32 bits
	keyChar     = 3 // a character key
)

// Most exact keys an item is indexed under, and a lookup probes (a
// signature keeps at most MaxAnchors anchors; more only in a hand-made one,
// whose extra keys Candidates still probes).
const (
	maxIndexKeys = IndexedAnchors + 1 + IndexedMinHashes // the headline or a character key
	maxQueryKeys = MaxAnchors + 1 + QueriedMinHashes + QueriedCharKeys
)

// indexKeys are the exact keys an item is indexed under: its opening
// sentence anchor (IndexedAnchors), its headline and its smallest shingle
// hashes.
func indexKeys(s Signature) []uint32 { return appendIndexKeys(nil, s) }

func appendIndexKeys(dst []uint32, s Signature) []uint32 {
	return appendExactKeys(dst, s, IndexedAnchors, IndexedMinHashes, 0)
}

// queryKeys are the exact keys a lookup probes: every sentence anchor, the
// headline, the first QueriedMinHashes sketch values and QueriedCharKeys
// character keys.
func queryKeys(s Signature) []uint32 {
	return appendExactKeys(nil, s, len(s.Anchors), QueriedMinHashes, QueriedCharKeys)
}

// appendExactKeys appends up to anchors sentence anchors, the headline
// (when there is one), up to minHashes sketch values and up to chars
// character keys (the pairs (0,1), (0,2), (1,2) of CharKeys, in that
// order), each tagged with its kind. An item without a headline gets the
// first character key in the headline's place even when chars is 0.
func appendExactKeys(keys []uint32, s Signature, anchors, minHashes, chars int) []uint32 {
	anchors, minHashes = min(anchors, len(s.Anchors)), min(minHashes, len(s.Sketch))
	for _, a := range s.Anchors[:anchors] {
		keys = append(keys, a&^3|keyAnchor)
	}
	if s.TitleHash != 0 {
		keys = append(keys, uint32(s.TitleHash>>32^s.TitleHash)&^3|keyHeadline)
	} else {
		chars = max(chars, 1)
	}
	for _, v := range s.Sketch[:minHashes] {
		keys = append(keys, v&^3|keyMinHash)
	}
	ck := s.CharKeys[:min(len(s.CharKeys), charKeyGrams)]
	for i := 0; i < len(ck) && chars > 0; i++ {
		for j := i + 1; j < len(ck) && chars > 0; j++ {
			keys = append(keys, charPairKey(ck[i], ck[j])&^3|keyChar)
			chars--
		}
	}
	return keys
}

// Nominators lists the index channels through which either item would find
// the other as a candidate ("body", "headline", "sentence", "minhash",
// "characters");
// empty when the index would never pair them, whatever verification says.
// It ignores the stop-key rule, which depends on the rest of the index.
// `feedfold explain` shows it.
func Nominators(cfg Config, a, b Signature) []string {
	if !indexable(a) || !indexable(b) {
		return nil
	}
	var out []string
	if bits.OnesCount64(a.SimHash^b.SimHash) <= cfg.K {
		out = append(out, "body")
	}
	shares := func(indexed, queried []uint32, kind uint32) bool {
		for _, k := range queried {
			if k&3 == kind && slices.Contains(indexed, k) {
				return true
			}
		}
		return false
	}
	ia, ib, qa, qb := indexKeys(a), indexKeys(b), queryKeys(a), queryKeys(b)
	for _, c := range []struct {
		name string
		kind uint32
	}{{"headline", keyHeadline}, {"sentence", keyAnchor}, {"minhash", keyMinHash}, {"characters", keyChar}} {
		if !shares(ia, qb, c.kind) && !shares(ib, qa, c.kind) {
			continue
		}
		if c.kind == keyMinHash && bits.OnesCount64(a.SimHash^b.SimHash) > minHashMaxDistance {
			continue
		}
		out = append(out, c.name)
	}
	return out
}
