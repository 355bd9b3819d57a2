package dedupe

import (
	"strings"
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
// its words in segScratch.ends. A segment of a non-ASCII block is
// segScratch.uni[rawStart] instead (rawEnd is -1).
type segSpan struct{ block, rawStart, rawEnd, wFrom, wTo int32 }

// segScratch splits an item's blocks into segments with their words. For
// ASCII text (nearly all of it) each block is one pass, and the words of
// the whole item land in one buffer, so an item costs one string and one
// []string allocation in finish, not two per block; other text goes
// through segments and words (Unicode rules, NFKC). Both follow the same
// rules.
type segScratch struct {
	buf []byte
	// ends[i] is where word i ends in buf; words are stored back to back,
	// so word i starts where word i-1 ends.
	ends []uint32
	segs []segSpan
	uni  []rawSeg
}

// scan records the segments of block number bi.
func (sc *segScratch) scan(bi int, block string) {
	if !isASCII(block) {
		for _, raw := range segments(block, nil) {
			if ws := words(raw, nil); len(ws) > 0 {
				sc.segs = append(sc.segs, segSpan{block: int32(bi), rawStart: int32(len(sc.uni)), rawEnd: -1})
				sc.uni = append(sc.uni, rawSeg{raw: raw, ws: ws, block: bi})
			}
		}
		return
	}
	buf, ends, segs := sc.buf, sc.ends, sc.segs
	defer func() { sc.buf, sc.ends, sc.segs = buf, ends, segs }()
	segStart, segWFrom := 0, len(ends)
	cut := func(end int) {
		if len(ends) > segWFrom {
			segs = append(segs, segSpan{int32(bi), int32(segStart), int32(end), int32(segWFrom), int32(len(ends))})
		}
		segStart, segWFrom = end, len(ends)
	}
	n := len(block)
	for i := 0; i < n; {
		cls := asciiClass[block[i]]
		if cls == clsLower || cls == clsDigit || cls == clsUpper {
			// A word: letters and digits (upper case folded), apostrophes
			// dropped, '.' or ',' between digits dropped inside numbers.
			// Runs of lower-case letters and digits, most of a word, are
			// copied whole.
			start := len(buf)
			for i < n {
				j := i
				for j < n && lowerOrDigit[block[j]] {
					j++
				}
				buf = append(buf, block[i:j]...)
				if i = j; i == n {
					break
				}
				c := block[i]
				if cls := asciiClass[c]; cls == clsUpper {
					buf = append(buf, c+32)
				} else if cls != clsApos && !((c == '.' || c == ',') && len(buf) > start && isDigit(buf[len(buf)-1]) && i+1 < n && isDigit(block[i+1])) {
					break
				}
				i++
			}
			ends = append(ends, uint32(len(buf)))
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
			isEnd := atEnd || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\v' || next == '\f' || next == '"'
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
	n := len(sc.ends)
	for _, u := range sc.uni {
		n += len(u.ws)
	}
	return n
}

// finish appends the segments scanned from blocks, in order, to dst; all,
// of length len(sc.ends), receives the words.
func (sc *segScratch) finish(blocks []string, dst []rawSeg, all []string) []rawSeg {
	joined := string(sc.buf)
	start := uint32(0)
	for i, end := range sc.ends {
		all[i] = joined[start:end]
		start = end
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

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || isUpper(c) }
