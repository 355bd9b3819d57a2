package dedupe

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestSkipVarintsMatchesByteByByte: the word-at-a-time skip lands where
// decoding one varint at a time does, for any count, on any cut of a run of
// varints of every length.
func TestSkipVarintsMatchesByteByByte(t *testing.T) {
	slow := func(b []byte, n int) ([]byte, bool) {
		for ; n > 0; n-- {
			_, k := binary.Uvarint(b)
			if k <= 0 {
				return b, false
			}
			b = b[k:]
		}
		return b, true
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var b []byte
		for range r.IntN(40) {
			b = binary.AppendUvarint(b, r.Uint64()>>r.IntN(64))
		}
		b = b[:r.IntN(len(b)+1)]
		for n := 0; n <= 45; n++ {
			got, gotOK := skipVarints(b, n)
			want, wantOK := slow(b, n)
			if gotOK != wantOK || gotOK && len(got) != len(want) {
				t.Fatalf("skipVarints(%x, %d) = %d bytes left, %v; want %d, %v", b, n, len(got), gotOK, len(want), wantOK)
			}
		}
	}
}
