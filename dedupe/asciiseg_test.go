package dedupe

import (
	"reflect"
	"testing"
)

// TestSplitSegmentsMatchesUnicodePath: the ASCII fast path gives the same
// segments and words as the general one.
func TestSplitSegmentsMatchesUnicodePath(t *testing.T) {
	for _, block := range []string{
		"TRENDING NEWS Back to news 14 Mar, 2025 Share: Title here | Daily Buzz 247 @Source: bbc.co.uk",
		"The U.S. economy added 337,000 jobs in October - a seven-month high. Wall Street's view: \"strong\"! Really? Yes.",
		"Europe's 5.216 million people, or 12.6% of them... and more",
		"  leading and trailing spaces.  ",
		"no end punctuation",
		"a.b.c. U.S. A. Smith said: ok",
		// Words folded after a first run read from the block: the digit
		// rule must look at the word so far, not at the byte before.
		"5'.3 1.,2 1,.2 Don't 2'A 4.5.6 x1,2 O'Neil's 3''4",
		// Typographic quotes and dashes, read by the scanner too.
		"“We don’t know,” she said.” Next ‘one’ — GAZETTE — 14 Mar – x–y —5’5 U.S.” A.’B 5’.3 ’tis dogs’ —",
		"— lead dash", "end —", "a —— b", "said:” ok", "x “U.S.” y",
		// Digit groups separated by spaces.
		"10 000 people, 1 234 567 votes, in 1987 200 people, a10 000, 10 0000, 10 00, 5 000m, 2-3 925-1025 lbs, 1,000 000 x, 12 345.",
		"10 000", "x 10 000", "99 999 999 1", "1 2 3 4",
		"",
	} {
		if got, want := splitSegments(block, nil), unicodeSegments(block); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %+v\nwant %+v", block, got, want)
		}
	}
}

func TestSplitSegmentsControlSpaces(t *testing.T) {
	for _, block := range []string{"end.\vnext", "end:\fnext", "x.\ty"} {
		if got, want := splitSegments(block, nil), unicodeSegments(block); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %+v want %+v", block, got, want)
		}
	}
}

// splitSegments splits one block into segments with their words, through
// the scanner Analyzer uses.
func splitSegments(block string, dst []rawSeg) []rawSeg {
	var sc segScratch
	sc.scan(0, block)
	return sc.finish([]string{block}, dst, make([]string, len(sc.spans)))
}

// unicodeSegments is the general path that splitSegments must agree with.
func unicodeSegments(block string) []rawSeg {
	var out []rawSeg
	for _, raw := range segments(block, nil) {
		if ws := words(raw, nil); len(ws) > 0 {
			out = append(out, rawSeg{raw: raw, ws: ws})
		}
	}
	return out
}
