package dedupe

import "github.com/cespare/xxhash/v2"

// Stable hashing. Fingerprints are persisted, so every hash here is fixed
// by its definition (xxHash64, a SplitMix64 finaliser, the FNV-1a offset as
// a seed constant), never seeded per process like hash/maphash.

// fnvOffset starts combined hashes (it is FNV-1a's offset basis).
const fnvOffset = 14695981039346656037

// wordHash is xxHash64 (unseeded, so stable across processes and
// versions): fast on short strings, and well mixed, as SimHash needs.
func wordHash(w string) uint64 { return xxhash.Sum64String(w) }

// numberHash stands for every number in masked hashes.
var numberHash = wordHash("#")

// seqHash combines a sequence of word hashes, order-sensitively.
func seqHash(hs []uint64) uint64 {
	h := uint64(fnvOffset)
	for _, x := range hs {
		h = mix(h ^ x)
	}
	return h
}

// mix is the SplitMix64 finaliser: it spreads a combined hash over all
// 64, which SimHash needs (every bit is a vote).
func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return z
}

// shingleHash combines three word hashes into the hash of the 3-shingle.
//
// The word hashes are xxHash64, already uniform, so rotations (which keep
// the order: "a b c" ≠ "c b a") and XOR suffice; a finaliser per shingle
// cost 6% of signing.
func shingleHash(a, b, c uint64) uint64 {
	return a ^ (b<<21 | b>>43) ^ (c<<42 | c>>22)
}

// simhash accumulates 64-bit feature hashes into a fingerprint: bit i is
// set when most features (by weight) have bit i set. The counting is SWAR:
// each feature adds eight 64-bit words whose bytes are its bits (a table
// lookup per byte), so 8 additions do the work of 64; the byte lanes are
// flushed into 32-bit counts before they can overflow.
type simhash struct {
	lanes  [8]uint64
	n      int
	counts [64]int32
	total  int32
}

// spread[b] has byte j equal to bit j of b.
var spread = func() (t [256]uint64) {
	for b := range t {
		for j := 0; j < 8; j++ {
			if b&(1<<j) != 0 {
				t[b] |= 1 << (8 * j)
			}
		}
	}
	return t
}()

func (s *simhash) add(h uint64, w int32) {
	for ; w > 0; w-- {
		s.lanes[0] += spread[byte(h)]
		s.lanes[1] += spread[byte(h>>8)]
		s.lanes[2] += spread[byte(h>>16)]
		s.lanes[3] += spread[byte(h>>24)]
		s.lanes[4] += spread[byte(h>>32)]
		s.lanes[5] += spread[byte(h>>40)]
		s.lanes[6] += spread[byte(h>>48)]
		s.lanes[7] += spread[byte(h>>56)]
		s.total++
		if s.n++; s.n == 255 {
			s.flush()
		}
	}
}

func (s *simhash) flush() {
	for k, l := range s.lanes {
		for j := 0; j < 8; j++ {
			s.counts[8*k+j] += int32(l >> (8 * j) & 0xff)
		}
		s.lanes[k] = 0
	}
	s.n = 0
}

func (s *simhash) sum() uint64 {
	s.flush()
	var f uint64
	for i, c := range s.counts {
		if 2*c > s.total {
			f |= 1 << uint(i)
		}
	}
	return f
}
