package dedupe

// Stable hashing. Fingerprints are persisted, so every hash here is fixed
// by its definition (FNV-1a 64 and a SplitMix64 finaliser), never seeded
// per process like hash/maphash.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func fnvByte(h uint64, b byte) uint64 {
	h ^= uint64(b)
	return h * fnvPrime
}

func wordHash(w string) uint64 { return mix(fnvString(fnvOffset, w)) }

// mix is the SplitMix64 finaliser: it spreads FNV's weak low bits over all
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
func shingleHash(a, b, c uint64) uint64 {
	return mix(a*0x9e3779b97f4a7c15 ^ (b<<21 | b>>43) ^ (c<<42 | c>>22))
}

// simhash accumulates weighted 64-bit feature hashes into a fingerprint.
type simhash [64]int32

func (s *simhash) add(h uint64, w int32) {
	for i := 0; i < 64; i++ {
		if h&(1<<uint(i)) != 0 {
			s[i] += w
		} else {
			s[i] -= w
		}
	}
}

func (s *simhash) sum() uint64 {
	var f uint64
	for i := 0; i < 64; i++ {
		if s[i] > 0 {
			f |= 1 << uint(i)
		}
	}
	return f
}
