package dedupe

import (
	"strings"
)

// rawSeg is a segment of a block with its normalised words.
type rawSeg struct {
	raw string
	ws  []string
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

// splitSegments splits a block into segments with their words. For ASCII
// text it is one pass with one allocation for all the block's words; other
// text goes through segments and words (Unicode rules, NFKC). Both follow
// the same rules.
type wordSpan struct{ start, end int }

type segSpan struct{ rawStart, rawEnd, wFrom, wTo int }

// segScratch holds splitSegments' working memory, reused across the blocks
// of an item (the results never point into it).
type segScratch struct {
	buf     []byte
	wordsAt []wordSpan
	segs    []segSpan
}

func splitSegments(block string, dst []rawSeg) []rawSeg {
	return splitSegmentsWith(block, dst, &segScratch{})
}

func splitSegmentsWith(block string, dst []rawSeg, sc *segScratch) []rawSeg {
	if !isASCII(block) {
		for _, raw := range segments(block, nil) {
			if ws := words(raw, nil); len(ws) > 0 {
				dst = append(dst, rawSeg{raw: raw, ws: ws})
			}
		}
		return dst
	}
	buf, wordsAt, segs := sc.buf[:0], sc.wordsAt[:0], sc.segs[:0]
	defer func() { sc.buf, sc.wordsAt, sc.segs = buf, wordsAt, segs }()
	segStart, segWFrom := 0, 0
	cut := func(end int) {
		segs = append(segs, segSpan{segStart, end, segWFrom, len(wordsAt)})
		segStart, segWFrom = end, len(wordsAt)
	}
	n := len(block)
	for i := 0; i < n; {
		cls := asciiClass[block[i]]
		if cls == clsLower || cls == clsDigit || cls == clsUpper {
			// A word: letters and digits (upper case folded), apostrophes
			// joined, '.' or ',' between digits kept inside numbers.
			start := len(buf)
			for i < n {
				c := block[i]
				switch asciiClass[c] {
				case clsLower, clsDigit:
					buf = append(buf, c)
				case clsUpper:
					buf = append(buf, c+32)
				case clsApos:
				default:
					if (c == '.' || c == ',') && len(buf) > start && isDigit(buf[len(buf)-1]) && i+1 < n && isDigit(block[i+1]) {
						break
					}
					goto wordEnd
				}
				i++
			}
		wordEnd:
			wordsAt = append(wordsAt, wordSpan{start, len(buf)})
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
	joined := string(buf)
	all := make([]string, len(wordsAt))
	for i, w := range wordsAt {
		all[i] = joined[w.start:w.end]
	}
	for _, s := range segs {
		if s.wTo == s.wFrom {
			continue
		}
		raw := strings.TrimSpace(block[s.rawStart:s.rawEnd])
		dst = append(dst, rawSeg{raw: raw, ws: all[s.wFrom:s.wTo:s.wTo]})
	}
	return dst
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || isUpper(c) }
