package dedupe

import (
	"math"
	"slices"
	"unicode/utf8"
)

// CharGramRunes is the length of the character grams behind
// Signature.Chars. A word 3-shingle is lost to a change anywhere in its
// three words, so two copies that each carry scattered character errors
// (OCR of a printed page, a retyped reprint, a house style's spellings)
// share few word shingles: with about one character in seventy changed on
// each side, the development corpus's copies kept a word-shingle Jaccard of
// 0.2–0.5 and most were missed. A gram of seven characters is lost only to
// changes inside it. Five characters survived more errors, but made
// different reports of one event alike (character Jaccard 0.5–0.6): seven
// characters reach across word boundaries, so they still tell wording
// from topic.
const CharGramRunes = 7

// gramRuneBits is how many bits of each rune a gram's key keeps: seven
// runes of 9 bits fill a 63-bit word, so a window is a shift and an xor
// away from the next, with no multiplication in the chain from rune to
// rune. 9 bits keep ASCII, Latin-1 and any one aligned 512-rune block of
// a script distinct; runes further apart can share their 9 bits, which makes
// two grams alike only if all seven of their runes do.
const gramRuneBits = 9

const gramKeyMask = 1<<(CharGramRunes*gramRuneBits) - 1

// gramRune is a rune's contribution to a gram key.
func gramRune(c rune) uint64 { return uint64(c^c>>gramRuneBits) & (1<<gramRuneBits - 1) }

// gramValue is a gram's sampled value: Fibonacci hashing, whose product's
// high bits depend on every bit of the key, which is all sampling needs.
func gramValue(key uint64) uint32 { return uint32(key * 0x9e3779b97f4a7c15 >> (64 - charGramBits)) }

// charGramBits is the width of a gram's value. A sketch keeps the
// smallest values, so 24 bits store as 2-byte deltas where 32 took 3 (a
// signature's 32 values take about 80 bytes). Two unrelated sketches of
// texts of 20,000 characters share a value by chance once in about 25
// comparisons, moving their Jaccard by under 0.02.
const charGramBits = 24

// gramWindow is the state of charGrams across the segments of one text.
type gramWindow struct {
	key uint64 // the last CharGramRunes runes, gramRuneBits each
	n   int    // runes seen
	// limit is the largest gram value kept: only the smallest values make
	// the sketch, and a limit set from the text's length keeps about 3k
	// of them instead of every gram (see charSketch).
	limit uint32
	// low holds the grams of the charKeyGrams smallest distinct values,
	// value and key, ascending (see Signature.CharKeys).
	low [charKeyGrams]lowGram
}

// charKeyGrams is how many of a text's smallest grams its signature keeps
// as character keys: the index pairs them (see charPairKey).
const charKeyGrams = 3

type lowGram struct {
	v   uint32
	key uint64
}

func newGramWindow(limit uint32) gramWindow {
	w := gramWindow{limit: limit}
	for i := range w.low {
		w.low[i].v = math.MaxUint32
	}
	return w
}

// note keeps key among the grams of smallest distinct value. It runs only
// for grams under the limit, a few thousand a text.
func (w *gramWindow) note(v uint32, key uint64) {
	for i := range w.low {
		switch {
		case v == w.low[i].v:
			return
		case v < w.low[i].v:
			copy(w.low[i+1:], w.low[i:len(w.low)-1])
			w.low[i] = lowGram{v, key}
			return
		}
	}
}

// charKey is the index key of a gram: a hash of its whole key, unlike its
// sampled value. The smallest values of any text lie in a narrow range
// (a few thousand of the 2^24 values), so as keys they would collide
// across most texts; the grams they sample are as varied as text.
func charKey(key uint64) uint32 {
	key ^= key >> 30
	key *= 0xbf58476d1ce4e5b9
	key ^= key >> 27
	key *= 0x94d049bb133111eb
	return uint32(key ^ key>>31)
}

// grams is how many grams the runes seen make.
func (w *gramWindow) grams() int { return max(w.n-CharGramRunes+1, 0) }

// charGrams appends to dst the value of every CharGramRunes-rune window of
// the words joined by single spaces (the text as the word shingles see it:
// markup, case and punctuation do not count) that is at most w.limit. A
// text shorter than one window gives none.
func charGrams(dst []uint32, words []string, w *gramWindow) []uint32 {
	// The window lives in locals while it runs (through w, every rune
	// loaded and stored the state).
	key, n, limit := w.key, w.n, w.limit
	for _, word := range words {
		if n > 0 { // a space between words
			key = key<<gramRuneBits ^ ' '
			if n++; n >= CharGramRunes {
				if v := gramValue(key & gramKeyMask); v <= limit {
					dst = append(dst, v)
					w.note(v, key&gramKeyMask)
				}
			}
		}
		for i := 0; i < len(word); {
			c, size := rune(word[i]), 1
			if c >= utf8.RuneSelf {
				c, size = utf8.DecodeRuneInString(word[i:])
			}
			i += size
			key = key<<gramRuneBits ^ gramRune(c)
			if n++; n >= CharGramRunes {
				if v := gramValue(key & gramKeyMask); v <= limit {
					dst = append(dst, v)
					w.note(v, key&gramKeyMask)
				}
			}
		}
	}
	w.key, w.n = key, n
	return dst
}

// charSketch returns the k smallest distinct gram values of the kept
// words (ascending), reusing scratch, how many grams they make, and the
// charKey of the grams of the charKeyGrams smallest values
// (Signature.CharKeys). bytes
// is the words' length with a space each, at least their rune count: the
// limit it sets keeps about 3k values of ASCII text and at least k of any
// other (a rune is at most 4 bytes, and a text of multi-byte runes is
// signed with a second, unlimited pass if too few are kept).
func charSketch(scratch []uint32, kept [][]string, bytes, k int) (sketch []uint32, grams int, keys []uint32, _ []uint32) {
	const all = 1<<charGramBits - 1
	limit := uint32(all)
	if bytes > 4*k {
		limit = uint32(uint64(all) * uint64(3*k) / uint64(bytes))
	}
	for {
		w := newGramWindow(limit)
		vs := scratch[:0]
		for _, ws := range kept {
			vs = charGrams(vs, ws, &w)
		}
		if len(vs) >= k || len(vs) == w.grams() || limit == all {
			for _, g := range w.low {
				if g.v != math.MaxUint32 {
					keys = append(keys, charKey(g.key))
				}
			}
			return smallestDistinct(vs, limit, k), w.grams(), keys, vs
		}
		limit = all
		scratch = vs
	}
}

// smallestDistinct returns the k smallest distinct values of vs (all at
// most limit), ascending.
func smallestDistinct(vs []uint32, limit uint32, k int) []uint32 {
	if len(vs) > 0 && len(vs) <= 1<<15 {
		return bucketSorted(vs, limit, k)
	}
	return sortedDistinct(slices.Clone(vs), k) // vs is the caller's scratch
}
