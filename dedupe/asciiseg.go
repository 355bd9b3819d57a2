package dedupe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// rawSeg is a segment of a block with its normalised words.
type rawSeg struct {
	raw   string
	ws    []string
	block int // index of the block it came from
}

// byteClass classifies ASCII bytes for the single-pass scanner.
const (
	clsSep   = iota // separates words
	clsLower        // a-z
	clsUpper        // A-Z
	clsDigit        // 0-9
	clsApos         // ' joins
	clsCut          // | always ends a segment
	clsEnd          // . ! ? : end a segment before space or end of text
)

var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clsLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clsUpper
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	t['\''] = clsApos
	t['|'] = clsCut
	for _, c := range ".!?:" {
		t[c] = clsEnd
	}
	return t
}()

// lowerOrDigit marks the bytes a word is copied with as they are.
var lowerOrDigit = func() (t [256]bool) {
	for c := range asciiClass {
		t[c] = asciiClass[c] == clsLower || asciiClass[c] == clsDigit
	}
	return t
}()

// segSpan locates one segment: its raw text in block number block, and
// its words in segScratch.spans. A segment of a block scan cannot read
// itself (see scannable) is segScratch.uni[rawStart] instead (rawEnd is
// -1).
type segSpan struct{ block, rawStart, rawEnd, wFrom, wTo int32 }

// segScratch splits an item's blocks into segments with their words. For
// ASCII text with typographic quotes and dashes (nearly all of it) each
// block is one pass; a word is a
// substring of its block, or of one buffer for the whole item when it had
// to be folded, so an item costs at most one string and one []string
// allocation in finish, not two per block; other text goes
// through segments and words (Unicode rules, NFKC). Both follow the same
// rules.
type segScratch struct {
	// buf holds the words that differ from their text (folded case,
	// apostrophes or digit separators dropped); the others, most words,
	// are read from their block in place.
	buf   []byte
	spans []wordSpan
	segs  []segSpan
	uni   []rawSeg
}

// wordSpan locates a word: bytes from to to of block number block, or of
// segScratch.buf when block is -1.
type wordSpan struct {
	block    int32
	from, to uint32
}

// scan records the segments of block number bi.
func (sc *segScratch) scan(bi int, block string) {
	if !scannable(block) {
		for _, raw := range segments(block, nil) {
			if ws := words(raw, nil); len(ws) > 0 {
				sc.segs = append(sc.segs, segSpan{block: int32(bi), rawStart: int32(len(sc.uni)), rawEnd: -1})
				sc.uni = append(sc.uni, rawSeg{raw: raw, ws: ws, block: bi})
			}
		}
		return
	}
	buf, ws, segs := sc.buf, sc.spans, sc.segs
	defer func() { sc.buf, sc.spans, sc.segs = buf, ws, segs }()
	segStart, segWFrom := 0, len(ws)
	cut := func(end int) {
		if len(ws) > segWFrom {
			segs = append(segs, segSpan{int32(bi), int32(segStart), int32(end), int32(segWFrom), int32(len(ws))})
		}
		segStart, segWFrom = end, len(ws)
	}
	n := len(block)
	for i := 0; i < n; {
		if block[i] >= 0x80 {
			// A typographic rune scannable lets through, three bytes:
			// outside a word all separate words, and a dash with space on
			// both sides separates header items ("GAZETTE — 14 Mar").
			if d := block[i+2]; (d == 0x93 || d == 0x94) && (i == 0 || isSpaceByte(block[i-1])) && i+3 < n && isSpaceByte(block[i+3]) {
				cut(i + 3)
			}
			i += 3
			continue
		}
		cls := asciiClass[block[i]]
		if cls == clsLower || cls == clsDigit || cls == clsUpper {
			// A word: letters and digits (upper case folded), apostrophes
			// dropped, '.' or ',' between digits dropped inside numbers.
			// A word that needs none of that is its own bytes of the
			// block; only the others are copied, folded, into buf.
			start, bufStart, copied := i, len(buf), false
			for i < n {
				j := i
				for j < n && lowerOrDigit[block[j]] {
					j++
				}
				if copied {
					buf = append(buf, block[i:j]...)
				}
				if i = j; i == n {
					break
				}
				c := block[i]
				if c >= 0x80 {
					if block[i+2] != 0x99 { // not ’, which joins like '
						break
					}
					if !copied {
						buf, copied = append(buf, block[start:i]...), true
					}
					i += 3
					continue
				}
				cls := asciiClass[c]
				// The word so far ends in a digit: its last byte in buf
				// once copied, else in the block.
				endsInDigit := i > start && isDigit(block[i-1])
				if copied {
					endsInDigit = len(buf) > bufStart && isDigit(buf[len(buf)-1])
				}
				if cls != clsUpper && cls != clsApos && !((c == '.' || c == ',') && endsInDigit && i+1 < n && isDigit(block[i+1])) && !(c == ' ' && endsInDigit && groupSpace(block, i)) {
					break
				}
				if !copied {
					buf, copied = append(buf, block[start:i]...), true
				}
				if cls == clsUpper {
					buf = append(buf, c+32)
				}
				i++
			}
			if copied {
				ws = append(ws, wordSpan{-1, uint32(bufStart), uint32(len(buf))})
			} else {
				ws = append(ws, wordSpan{int32(bi), uint32(start), uint32(i)})
			}
			continue
		}
		switch cls {
		case clsCut:
			cut(i + 1)
		case clsEnd:
			c := block[i]
			atEnd := i+1 == n
			var next byte
			if !atEnd {
				next = block[i+1]
			}
			isEnd := atEnd || isSpaceByte(next) || next == '"' || strings.HasPrefix(block[i+1:], "\u201d")
			if isEnd && c == '.' && !atEnd && i >= 1 && isUpper(block[i-1]) && (i < 2 || !isLetter(block[i-2])) {
				isEnd = false // an initial: "U.S. officials"
			}
			if isEnd {
				cut(i + 1)
			}
		}
		i++
	}
	cut(n)
}

// words is the number of words scanned so far.
func (sc *segScratch) words() int {
	n := len(sc.spans)
	for _, u := range sc.uni {
		n += len(u.ws)
	}
	return n
}

// finish appends the segments scanned from blocks, in order, to dst; all,
// of length len(sc.spans), receives the words.
func (sc *segScratch) finish(blocks []string, dst []rawSeg, all []string) []rawSeg {
	joined := string(sc.buf)
	for i, w := range sc.spans {
		if w.block < 0 {
			all[i] = joined[w.from:w.to]
		} else {
			all[i] = blocks[w.block][w.from:w.to]
		}
	}
	for _, s := range sc.segs {
		if s.rawEnd < 0 {
			dst = append(dst, sc.uni[s.rawStart])
			continue
		}
		raw := strings.TrimSpace(blocks[s.block][s.rawStart:s.rawEnd])
		dst = append(dst, rawSeg{raw: raw, ws: all[s.wFrom:s.wTo:s.wTo], block: int(s.block)})
	}
	return dst
}

// scannable reports whether scan can read block itself: ASCII, and of
// other text only the typographic quotes and dashes news text is full of
// (‘ ’ “ ” – —), which NFKC leaves as they are and the general path reads
// as separators, except ’, an apostrophe. One curly quote used to send its
// whole block down the general path: the development corpus with its
// quotes made curly was analysed at half the speed of the plain one.
func scannable(block string) bool {
	for i := 0; i < len(block); i++ {
		if block[i] < 0x80 {
			continue
		}
		if i+2 >= len(block) || block[i] != 0xe2 || block[i+1] != 0x80 {
			return false
		}
		switch block[i+2] {
		case 0x93, 0x94, 0x98, 0x99, 0x9c, 0x9d:
			i += 2
		default:
			return false
		}
	}
	return true
}

// isSpaceByte is unicode.IsSpace for ASCII.
func isSpaceByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// groupSpace reports whether the space at s[i] separates the digit groups
// of one number, as French, Finnish, Swedish, Russian and others write
// thousands ("10 000"; their no-break and thin spaces are spaces after
// NFKC): one to three digits before it, not part of a word, and exactly
// three after. Read as one word, "10 000" states the figure "10,000" and
// "10000" state, where two words would state 10 and 000 and the numbers
// veto would hold the copies apart.
func groupSpace(s string, i int) bool {
	if s[i] != ' ' || i+3 >= len(s) {
		return false
	}
	if !isDigit(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) || i+4 < len(s) && isDigit(s[i+4]) {
		return false
	}
	k := 0
	for k < 4 && i-1-k >= 0 && isDigit(s[i-1-k]) {
		k++
	}
	if k == 0 || k > 3 {
		return false
	}
	// What comes before the digits: nothing, a separator or a currency
	// sign ("€10 000"), not a letter ("a10 000").
	if j := i - k; j > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:j])
		return !unicode.IsLetter(r)
	}
	return true
}
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || isUpper(c) }
