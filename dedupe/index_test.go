package dedupe

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestIndexFindsWithinKAndForgetsRemoved(t *testing.T) {
	cfg := DefaultConfig()
	r := rand.New(rand.NewPCG(3, 4))
	x := NewIndex(cfg)
	sigs := map[uint64]Signature{}
	for id := uint64(1); id <= 20000; id++ {
		s := Signature{SimHash: r.Uint64(), Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 50, Anchors: []uint32{r.Uint32(), r.Uint32()}}
		sigs[id] = s
		if id%2 == 0 {
			x.Add(id, s) // incremental path (overflow, periodic rebuilds)
		} else {
			x.Load(id, s) // bulk path
		}
	}
	x.Rebuild()
	flipBits := func(v uint64, n int) uint64 {
		for _, b := range r.Perm(64)[:n] {
			v ^= 1 << b
		}
		return v
	}
	for _, id := range []uint64{1, 2, 777, 19999, 20000} {
		s := sigs[id]
		near := Signature{SimHash: flipBits(s.SimHash, cfg.K), Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 50}
		if got := x.Candidates(near, nil); !slices.Contains(got, id) {
			t.Errorf("id %d not found at distance %d: %v", id, cfg.K, got)
		}
		far := Signature{SimHash: flipBits(s.SimHash, cfg.K+8), Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 50}
		if got := x.Candidates(far, nil); slices.Contains(got, id) {
			t.Errorf("id %d found at distance %d", id, cfg.K+8)
		}
		anchor := Signature{SimHash: r.Uint64(), Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 50, Anchors: []uint32{7, s.Anchors[0]}}
		if got := x.Candidates(anchor, nil); !slices.Contains(got, id) {
			t.Errorf("id %d not found by its opening sentence's anchor", id)
		}
		headline := Signature{SimHash: r.Uint64(), Lead: r.Uint64(), TitleHash: s.TitleHash, Words: 50}
		if got := x.Candidates(headline, nil); !slices.Contains(got, id) {
			t.Errorf("id %d not found by its headline", id)
		}
	}
	for id := uint64(1); id <= 15000; id++ {
		x.Remove(id, sigs[id])
	}
	if x.Len() != 5000 {
		t.Errorf("Len = %d, want 5000", x.Len())
	}
	if got := x.Candidates(sigs[10], nil); slices.Contains(got, uint64(10)) {
		t.Error("removed item still found")
	}
	if got := x.Candidates(sigs[15001], nil); !slices.Contains(got, uint64(15001)) {
		t.Error("kept item lost after compaction")
	}
	empty := Signature{Words: 0}
	x.Add(99999, empty)
	if got := x.Candidates(empty, nil); len(got) != 0 {
		t.Errorf("an item without content matched %v", got)
	}
}

func TestSignatureRoundTrip(t *testing.T) {
	m, r := seedDocs(t)
	for _, d := range []Doc{m, r} {
		s := Sign(DefaultConfig(), d, nil)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Signature
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if back.SimHash != s.SimHash || !slices.Equal(back.Sketch, s.Sketch) || !slices.Equal(back.Anchors, s.Anchors) ||
			!slices.Equal(back.Credits, s.Credits) || back.Words != s.Words ||
			!slices.Equal(back.Chars, s.Chars) || back.CharGrams != s.CharGrams || len(s.Chars) == 0 {
			t.Errorf("round trip changed the signature")
		}
		if len(b) > 1024 {
			t.Errorf("encoded signature is %d bytes", len(b))
		}
		if err := back.UnmarshalBinary(b[:len(b)/2]); err == nil {
			t.Error("truncated signature decoded without error")
		}
		// The start-up path decodes only what the index uses, the same.
		lean := Signature{Sketch: make([]uint32, 0, 8), Anchors: []uint32{1, 2, 3}}
		if err := lean.UnmarshalIndexed(b); err != nil {
			t.Fatal(err)
		}
		if lean.SimHash != s.SimHash || lean.TitleHash != s.TitleHash || lean.Words != s.Words ||
			!slices.Equal(indexKeys(lean), indexKeys(s)) || len(indexKeys(s)) != maxIndexKeys {
			t.Errorf("UnmarshalIndexed: keys %v, want %v", indexKeys(lean), indexKeys(s))
		}
		for cut := 0; cut < len(b); cut++ {
			if err := lean.UnmarshalIndexed(b[:cut]); err == nil {
				t.Fatalf("signature cut at %d of %d bytes decoded without error", cut, len(b))
			}
		}
	}
}

// TestIndexMatchesBruteForce: with items both in the built tables and in
// the chains of items added since (and some of each removed), Candidates
// returns exactly the items a linear scan finds.
func TestIndexMatchesBruteForce(t *testing.T) {
	for _, chainBits := range []uint{0, 3} {
		t.Run(fmt.Sprintf("chainBits=%d", chainBits), func(t *testing.T) { testIndexMatchesBruteForce(t, chainBits) })
	}
}

// testIndexMatchesBruteForce: chainBits > 0 makes the chains of pending
// items hash many buckets together, as they do at a million items.
func testIndexMatchesBruteForce(t *testing.T, chainBits uint) {
	cfg := DefaultConfig()
	r := rand.New(rand.NewPCG(5, 6))
	x := NewIndex(cfg)
	x.maxChainBits = chainBits
	x.rebuild() // with the bound
	// Few distinct values per block so that near matches are common.
	fp := func() uint64 { return r.Uint64() & 0x0f0f_0f0f_0f0f_0f0f }
	// Few distinct keys, spread over all 32 bits (anchors), or sharing
	// their low 16 bits, which bucket them, and differing only above
	// (sketch values): the table must tell them apart by their tags.
	anchor := func() uint32 { return r.Uint32N(3000) * 0x9e37_79b1 }
	sketch := func() uint32 { return r.Uint32N(16)<<16 | r.Uint32N(250)<<2 }
	headline := func() uint64 { return r.Uint64N(2000)*0x9e37_79b9_7f4a_7c15 | 1 }
	sigs := map[uint64]Signature{}
	const n = 6000 // past the first rebuild (4096): both parts are used
	for id := uint64(1); id <= n; id++ {
		s := Signature{SimHash: fp(), Lead: fp(), TitleHash: headline(), Words: 20, Anchors: []uint32{anchor(), anchor()},
			Sketch: []uint32{sketch(), sketch(), sketch()}}
		sigs[id] = s
		x.Add(id, s)
	}
	if len(x.pend) == 0 || len(x.pend) == n {
		t.Fatalf("want items both built and pending, pending %d of %d", len(x.pend), n)
	}
	removed := map[uint64]bool{}
	for id := uint64(1); id <= n; id += 7 {
		x.Remove(id, sigs[id])
		removed[id] = true
	}
	within := func(a, b uint64, k int) bool { return a != 0 && b != 0 && bits.OnesCount64(a^b) <= k }
	for q := 0; q < 300; q++ {
		query := Signature{SimHash: fp(), Lead: fp(), TitleHash: headline(), Words: 20, Anchors: []uint32{anchor(), anchor()},
			Sketch: []uint32{sketch(), sketch(), sketch(), sketch(), sketch()}}
		hits := map[uint64]bool{}
		byKey := map[uint32][]uint64{} // exact keys: live items under each
		for id := uint64(1); id <= n; id++ {
			s := sigs[id]
			if removed[id] {
				continue
			}
			if within(s.SimHash, query.SimHash, cfg.K) {
				hits[id] = true
			}
			for _, k := range indexKeys(s) {
				if k&3 != keyMinHash || within(s.SimHash, query.SimHash, minHashMaxDistance) {
					byKey[k] = append(byKey[k], id)
				}
			}
		}
		for _, k := range queryKeys(query) {
			ids := slices.Clone(byKey[k])
			if len(ids) > maxKeyMatches { // a stop key: its newest matches
				slices.Sort(ids)
				ids = ids[len(ids)-keepOnStop:]
			}
			for _, id := range ids {
				hits[id] = true
			}
		}
		var want []uint64
		for id := range hits {
			want = append(want, id)
		}
		slices.Sort(want)
		got := x.Candidates(query, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d: got %d candidates, want %d\n got %v\nwant %v", q, len(got), len(want), got, want)
		}
		for _, id := range got { // what explain reports agrees with the index
			if len(Nominators(cfg, sigs[id], query)) == 0 {
				t.Fatalf("query %d: candidate %d, but Nominators names no channel", q, id)
			}
		}
	}
}

// TestIndexSkipsStopKeys: a sketch value that is the minimum of very many
// items (a stop-shingle, or a story copied everywhere) nominates only the
// newest of them; a rarer one nominates all.
func TestIndexSkipsStopKeys(t *testing.T) {
	x := NewIndex(DefaultConfig())
	r := rand.New(rand.NewPCG(9, 9))
	const body = 0x00ff_00ff_00ff_00ff // near every query below (distance 8)
	add := func(id uint64, min uint32) {
		x.Add(id, Signature{SimHash: body, Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 30, Sketch: []uint32{min, r.Uint32()}})
	}
	for id := uint64(1); id <= maxKeyMatches+10; id++ {
		add(id, 1000) // shared by more than maxKeyMatches items
	}
	for id := uint64(1000); id < 1010; id++ {
		add(id, 2000) // shared by ten
	}
	query := func(min uint32) []uint64 {
		return x.Candidates(Signature{SimHash: body ^ 0xff, Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 30, Sketch: []uint32{min}}, nil)
	}
	newest := []uint64{maxKeyMatches + 7, maxKeyMatches + 8, maxKeyMatches + 9, maxKeyMatches + 10}
	if got := query(1000); !slices.Equal(got, newest) {
		t.Errorf("stop key nominated %v, want the newest %v", got, newest)
	}
	if got := query(2000); len(got) != 10 {
		t.Errorf("shared minimum nominated %d items, want 10", len(got))
	}
	x.Rebuild() // the same from the built tables
	if got := query(1000); !slices.Equal(got, newest) {
		t.Errorf("after rebuild: stop key nominated %v, want the newest %v", got, newest)
	}
	if got := query(2000); len(got) != 10 {
		t.Errorf("after rebuild: shared minimum nominated %d items, want 10", len(got))
	}
}

// TestMinHashNeedsNearBodies: a shared minimum shingle nominates an item
// only when the two body fingerprints are within minHashMaxDistance.
func TestMinHashNeedsNearBodies(t *testing.T) {
	x := NewIndex(DefaultConfig())
	// Different headlines: only the MinHash key can nominate.
	x.Add(1, Signature{SimHash: 0, TitleHash: 0x1234, Words: 30, Sketch: []uint32{500}})
	near := Signature{SimHash: 1<<minHashMaxDistance - 1, TitleHash: 0x9999_0000_5678, Words: 30, Sketch: []uint32{500}}
	if got := x.Candidates(near, nil); !slices.Equal(got, []uint64{1}) {
		t.Errorf("body %d bits away: got %v, want [1]", minHashMaxDistance, got)
	}
	far := near
	far.SimHash = 1<<(minHashMaxDistance+1) - 1
	if got := x.Candidates(far, nil); len(got) != 0 {
		t.Errorf("body %d bits away: got %v, want none", minHashMaxDistance+1, got)
	}
}

// TestIndexKeepsLargeIDs: ids are kept in 4 bytes while they fit; one
// beyond 32 bits switches the index to 8 without losing the others.
func TestIndexKeepsLargeIDs(t *testing.T) {
	x := NewIndex(DefaultConfig())
	small := Signature{SimHash: 0xabcd, TitleHash: 0x77, Words: 10}
	large := Signature{SimHash: 0xabcd ^ 1, TitleHash: 0x77, Words: 10}
	const big = 1<<40 + 5
	x.Load(3, small)
	x.Rebuild()
	x.Add(big, large)
	if got := x.Candidates(small, nil); !slices.Equal(got, []uint64{3, big}) {
		t.Fatalf("got %v, want [3 %d]", got, uint64(big))
	}
	x.Remove(3, small)
	x.Rebuild()
	if got := x.Candidates(small, nil); !slices.Equal(got, []uint64{big}) {
		t.Fatalf("after removing 3: got %v, want [%d]", got, uint64(big))
	}
}

// TestCharacterKeysOfUntitledItems: an item without a headline is indexed
// under a pair of its smallest character grams in the headline's place,
// found by a query sharing the pair whatever its body distance; a pair
// more than maxCharKeyMatches items share is a common one and nominates
// none; an item with a headline is not indexed so.
func TestCharacterKeysOfUntitledItems(t *testing.T) {
	x := NewIndex(DefaultConfig())
	far := ^uint64(0) // every bit of the body fingerprint differs
	untitled := func(keys ...uint32) Signature {
		return Signature{SimHash: 0, Words: 30, Sketch: []uint32{7, 9}, CharKeys: keys}
	}
	x.Add(1, untitled(10, 20, 30))
	for id := uint64(100); id <= 100+maxCharKeyMatches; id++ {
		x.Add(id, untitled(40, 50, 60)) // a common pair
	}
	titled := untitled(70, 80, 90)
	titled.TitleHash = 0x1234_5678_9abc_def1
	x.Add(2, titled)
	for _, rebuilt := range []bool{false, true} {
		if rebuilt {
			x.Rebuild()
		}
		// The query's three smallest grams hold item 1's two smallest as
		// its first and third: the pair (0,2) of its keys.
		q := Signature{SimHash: far, TitleHash: 0x99, Words: 30, Sketch: []uint32{1000}, CharKeys: []uint32{10, 15, 20}}
		if got := x.Candidates(q, nil); !slices.Equal(got, []uint64{1}) {
			t.Errorf("rebuilt %v: pair of character grams found %v, want [1]", rebuilt, got)
		}
		q.CharKeys = []uint32{40, 50, 60}
		if got := x.Candidates(q, nil); len(got) != 0 {
			t.Errorf("rebuilt %v: a pair %d items share nominated %v", rebuilt, maxCharKeyMatches+1, got)
		}
		q.CharKeys = []uint32{70, 80, 90}
		if got := x.Candidates(q, nil); len(got) != 0 {
			t.Errorf("rebuilt %v: an item with a headline was found by its character grams: %v", rebuilt, got)
		}
	}
	if n := len(indexKeys(untitled(10, 20, 30))); n != len(indexKeys(titled)) {
		t.Errorf("an untitled item has %d index keys, a titled one %d: want the same", n, len(indexKeys(titled)))
	}
}

// TestCrowdedFingerprintNominatesNewest: when hundreds of items share a
// body fingerprint (a feed repeating one description on every item), a
// lookup nominates only the newest maxFingerprintMatches of them, whether
// they are pending, built into the tables or both; a few sharing it are
// all nominated.
func TestCrowdedFingerprintNominatesNewest(t *testing.T) {
	const body = 0x0123_4567_89ab_cdef
	r := rand.New(rand.NewPCG(5, 6))
	sig := func() Signature {
		return Signature{SimHash: body, Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 30}
	}
	query := func(x *Index) []uint64 { return x.Candidates(sig(), nil) }
	want := func(last uint64) (ids []uint64) {
		for id := last - maxFingerprintMatches + 1; id <= last; id++ {
			ids = append(ids, id)
		}
		return ids
	}
	x := NewIndex(DefaultConfig())
	for id := uint64(1); id <= 20; id++ {
		x.Add(id, sig())
	}
	if got := query(x); len(got) != 20 {
		t.Errorf("20 items sharing a fingerprint: %d nominated, want all 20", len(got))
	}
	for id := uint64(21); id <= 500; id++ {
		x.Add(id, sig())
	}
	if got := query(x); !slices.Equal(got, want(500)) {
		t.Errorf("500 pending items sharing a fingerprint: nominated %d (%v…), want the newest %d", len(got), got[:min(len(got), 3)], maxFingerprintMatches)
	}
	x.Rebuild()
	if got := query(x); !slices.Equal(got, want(500)) {
		t.Errorf("500 built items: nominated %d, want the newest %d", len(got), maxFingerprintMatches)
	}
	for id := uint64(501); id <= 530; id++ { // some pending beside the built
		x.Add(id, sig())
	}
	if got := query(x); !slices.Equal(got, want(530)) {
		t.Errorf("built and pending items: nominated %v, want the newest %d", got, maxFingerprintMatches)
	}
}

// TestNewestPicksLargestIDs: newest moves the k largest ids to the front,
// as sorting would find them.
func TestNewestPicksLargestIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 3, 4, 5, 100} {
		m := make([]uint64, n)
		for i := range m {
			m[i] = r.Uint64N(50) // repeats, as an id found by several keys
		}
		sorted := slices.Sorted(slices.Values(m))
		k := newest(m, keepOnStop)
		got := slices.Sorted(slices.Values(m[:k]))
		if wantK := min(keepOnStop, n); k != wantK || !slices.Equal(got, sorted[n-wantK:]) {
			t.Errorf("n=%d: newest kept %v, want %v", n, got, sorted[n-wantK:])
		}
	}
}
