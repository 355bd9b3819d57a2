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
func splitSegments(block string, dst []rawSeg) []rawSeg {
	if !isASCII(block) {
		for _, raw := range segments(block, nil) {
			if ws := words(raw, nil); len(ws) > 0 {
				dst = append(dst, rawSeg{raw: raw, ws: ws})
			}
		}
		return dst
	}
	type span struct{ start, end int }
	type segSpan struct{ rawStart, rawEnd, wFrom, wTo int }
	buf := make([]byte, 0, len(block))
	// Capacities from typical text (a word per ~6 bytes, a sentence per
	// ~100) save most slice growth.
	wordsAt := make([]span, 0, len(block)/5+1)
	segs := make([]segSpan, 0, len(block)/80+1)
	var (
		inWord   bool
		wStart   int
		segStart int
		segWFrom int
		prev     byte = ' '
		prev2    byte = ' '
		prevDig  bool
	)
	endWord := func() {
		if inWord {
			wordsAt = append(wordsAt, span{wStart, len(buf)})
			inWord = false
		}
	}
	cut := func(end int) {
		endWord()
		segs = append(segs, segSpan{segStart, end, segWFrom, len(wordsAt)})
		segStart, segWFrom = end, len(wordsAt)
	}
	for i := 0; i < len(block); i++ {
		c := block[i]
		cls := asciiClass[c]
		switch cls {
		case clsLower, clsDigit, clsUpper:
			if !inWord {
				inWord, wStart = true, len(buf)
			}
			if cls == clsUpper {
				c += 32
			}
			buf = append(buf, c)
			prevDig = cls == clsDigit
		case clsApos:
			// joined: no break
		default:
			if (c == '.' || c == ',') && prevDig && i+1 < len(block) && block[i+1] >= '0' && block[i+1] <= '9' {
				break // inside a number
			}
			endWord()
			prevDig = false
			switch cls {
			case clsCut:
				cut(i + 1)
			case clsEnd:
				atEnd := i+1 == len(block)
				var next byte
				if !atEnd {
					next = block[i+1]
				}
				isEnd := atEnd || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\v' || next == '\f' || next == '"'
				if isEnd && c == '.' && !atEnd && prev >= 'A' && prev <= 'Z' && !(prev2 >= 'a' && prev2 <= 'z' || prev2 >= 'A' && prev2 <= 'Z') {
					isEnd = false // an initial: "U.S. officials"
				}
				if isEnd {
					cut(i + 1)
				}
			}
		}
		prev2, prev = prev, block[i]
	}
	cut(len(block))
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
