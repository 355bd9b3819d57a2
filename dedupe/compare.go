package dedupe

import (
	"math/bits"
	"slices"
	"strconv"
)

// Verdict is the outcome of comparing two signatures.
type Verdict struct {
	Duplicate bool
	// Reason is "simhash" for a near-identical copy, "containment" for a
	// teaser or partial copy; empty when not a duplicate.
	Reason   string
	Distance int     // Hamming distance of the body fingerprints
	Score    float64 // the verification measure that decided (Jaccard or containment)
	// Chars: the character grams decided (compareChars), not the words.
	Chars bool
}

// Compare verifies whether two items are the same story. The fingerprint
// distance only nominates candidates; the decision rests on shingle
// overlap, with the numbers the two stories state as a veto.
func Compare(cfg Config, a, b Signature) Verdict { return compare(cfg, a, b, true) }

// compare is Compare, with the template rule (slotsDiffer) only when
// slots is set.
func compare(cfg Config, a, b Signature, slots bool) Verdict {
	v := Verdict{Distance: bits.OnesCount64(a.SimHash ^ b.SimHash)}
	if a.Words == 0 || b.Words == 0 {
		return v
	}
	small, large := a, b
	if b.Shingles < a.Shingles {
		small, large = b, a
	}
	if agree, ok := numbersAgree(cfg, a, b); !ok {
		v.Score = agree
		return v
	}
	j, c := sketchSimilarity(small.Sketch, large.Sketch, small.Shingles, large.Shingles)
	v.Score = max(j, c)
	if slots && (j >= cfg.MinJaccard || c >= cfg.MinContainment) && slotsDiffer(a, b, 1) {
		return v // one wording around other names: see slotsDiffer
	}
	switch {
	case j >= cfg.MinJaccard:
		v.Duplicate, v.Reason, v.Score = true, "simhash", j
		return v
	case c >= cfg.MinContainment && small.Shingles >= cfg.MinContainedShingles:
		v.Duplicate, v.Reason, v.Score = true, "containment", c
		return v
	}
	if cv, ok := compareChars(cfg, a, b, j); ok {
		// Character errors in a headline make words of it the other
		// item lacks, so here two such words on each side are asked.
		if slots && slotsDiffer(a, b, 2) {
			return v
		}
		return cv
	}
	if small.Words <= cfg.TeaserWords && len(small.LeadSet) > 0 {
		inter, _ := overlap(small.LeadSet, large.LeadSet)
		lc := float64(inter) / float64(len(small.LeadSet))
		to := titleOverlap(small.Title, large.Title)
		if lc >= cfg.MinLeadContainment && to >= cfg.MinTitleOverlap {
			v.Duplicate, v.Reason, v.Score = true, "containment", lc
		}
	}
	return v
}

// compareChars is the second verification, on character grams, of two
// items whose word shingles' Jaccard j did not join them. It stands for
// copies whose words carry scattered character errors (OCR, retyping), so
// it accepts only what such errors explain:
//   - the character Jaccard must exceed j by MinCharGain. Scattered errors
//     cost a word shingle for every error in its three words but a gram
//     only for an error inside its seven characters, so they open a wide
//     gap; two reports of one event, sharing names and phrases but not
//     sentences, are alike to about the same degree on both measures;
//   - every number of the item with fewer must recur in the other:
//     template reports (market figures, bond issues) repeat their wording
//     around new figures, and characters alone would join two of them
//     read with errors;
//   - the estimate must rest on at least minCharSample sampled grams of
//     each text below the sketches' common threshold: against a long
//     text a short one keeps few grams there, and the few it shares are
//     the commonest ("of the").
//
// There is no containment test on characters: seven-character grams of
// common words ("said th", "ing the") make any English text largely
// contained in any longer one on its subject (a club's announcement of a
// manager in the report of his first day: 0.94), where the word shingles
// said 0.58.
func compareChars(cfg Config, a, b Signature, j float64) (Verdict, bool) {
	v := Verdict{Distance: bits.OnesCount64(a.SimHash ^ b.SimHash)}
	if len(a.Chars) == 0 || len(b.Chars) == 0 {
		return v, false // stored before signatures had them
	}
	if agree, _ := numbersAgree(cfg, a, b); agree < 1 {
		return v, false
	}
	if b.CharGrams < a.CharGrams {
		a, b = b, a
	}
	cj, _, n := sketchSample(a.Chars, b.Chars, a.CharGrams, b.CharGrams)
	if n < minCharSample || cj < cfg.MinCharJaccard || cj-j < cfg.MinCharGain {
		return v, false
	}
	v.Duplicate, v.Reason, v.Score, v.Chars = true, "simhash", cj, true
	return v, true
}

// minCharSample is the fewest sampled grams compareChars judges on.
const minCharSample = 24

// numbersAgree is the numbers veto: template stories (weekly figures,
// auction results, "day 5" of a live blog) share most words and differ in
// their numbers. It measures the share of the figures of the item stating
// fewer that recur in the other (a copy adds its own — a date in its
// header, a phone number in an advert —, an expanded re-filing adds
// figures, but what the shorter states recurs) and reports whether it
// reaches MinNumberAgreement; items without numbers agree. A figure
// recurs spelled out too ("10" in "ten pct": Signature.Spelled), but only
// digits are figures an item is held to, so spelled small numbers ("two
// companies") do not make two instances of a template alike. Counts tie:
// each side is held to the other, and the better share counts.
func numbersAgree(cfg Config, a, b Signature) (float64, bool) {
	if len(a.Numbers) == 0 || len(b.Numbers) == 0 {
		return 1, true
	}
	agree, missed, _ := heldFigures(a, b)
	// A correction exists to change a figure: one that differs is what
	// it is, not another story.
	if missed <= 1 && (a.Corrected || b.Corrected) {
		return agree, true
	}
	return agree, agree >= cfg.MinNumberAgreement
}

// NamesApart explains why the template rule (slotsDiffer) keeps two items
// apart that their words would join, or returns "" when it does not.
// `feedfold explain` prints it, as it does FiguresApart.
func NamesApart(cfg Config, a, b Signature) string {
	if Compare(cfg, a, b).Duplicate || !compare(cfg, a, b, false).Duplicate {
		return ""
	}
	return "each headline names words its own text repeats and the other item lacks (" + itoa(uint64(ownWords(a, b))) + " and " + itoa(uint64(ownWords(b, a))) +
		"): one wording around other names, as a site's job ads or notices are, not a copy"
}

// FiguresApart explains why the numbers veto keeps two items apart, or
// returns "" when their figures agree. `feedfold explain` prints it: a
// pair whose words match but whose figures do not is otherwise shown only
// as a verification score of 0.
func FiguresApart(cfg Config, a, b Signature) string {
	if _, ok := numbersAgree(cfg, a, b); ok {
		return ""
	}
	_, missed, n := heldFigures(a, b)
	msg := itoa(uint64(missed)) + " of the " + itoa(uint64(n)) + " figures the item stating fewer gives do not recur in the other"
	if n == 1 {
		msg = "the one figure the item stating fewer gives does not recur in the other"
	}
	msg += " (at least " + strconv.FormatFloat(cfg.MinNumberAgreement*100, 'f', -1, 64) + " % must: a template story's instances differ in their figures"
	if a.Corrected || b.Corrected {
		return msg + "; a correction may differ in one)"
	}
	return msg + ")"
}

// heldFigures holds the item stating fewer figures (digits and spelled)
// to the other, or on a tie whichever fares better, and returns the share
// of its digit figures that recur in the other, how many do not, and how
// many it states.
func heldFigures(a, b Signature) (agree float64, missed, stated int) {
	na, nb := len(a.Numbers)+len(a.Spelled), len(b.Numbers)+len(b.Spelled)
	agA, missA := recurring(a, b)
	if na < nb {
		return agA, missA, len(a.Numbers)
	}
	agB, missB := recurring(b, a)
	if nb < na || agB > agA {
		return agB, missB, len(b.Numbers)
	}
	return agA, missA, len(a.Numbers)
}

// recurring is the share of a's figures that b states, in digits or
// spelled out, and how many it does not.
func recurring(a, b Signature) (float64, int) {
	inter := 0
	for _, n := range a.Numbers {
		if _, ok := slices.BinarySearch(b.Numbers, n); ok {
			inter++
		} else if _, ok := slices.BinarySearch(b.Spelled, n); ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a.Numbers)), len(a.Numbers) - inter
}

// sketchSimilarity estimates Jaccard similarity and the containment of the
// smaller set in the larger from bottom-k sketches: both are restricted to
// hashes below the smaller of the two sketches' thresholds, where each is a
// uniform sample of its set.
func sketchSimilarity(a, b []uint32, na, nb int) (jaccard, containment float64) {
	j, c, _ := sketchSample(a, b, na, nb)
	return j, c
}

// sketchSample is sketchSimilarity that also reports the size of the
// smaller restricted sample the estimates rest on.
func sketchSample(a, b []uint32, na, nb int) (jaccard, containment float64, sample int) {
	tau := uint32(1<<32 - 1)
	if len(a) < na && len(a) > 0 {
		tau = min(tau, a[len(a)-1])
	}
	if len(b) < nb && len(b) > 0 {
		tau = min(tau, b[len(b)-1])
	}
	ra, rb := below(a, tau), below(b, tau)
	if len(ra) == 0 || len(rb) == 0 {
		return 0, 0, 0
	}
	inter, union := overlap(ra, rb)
	n := min(len(ra), len(rb))
	return float64(inter) / float64(union), float64(inter) / float64(n), n
}

func below(s []uint32, tau uint32) []uint32 {
	n := len(s)
	for n > 0 && s[n-1] > tau {
		n--
	}
	return s[:n]
}

// overlap counts the intersection and union of two ascending sets.
func overlap(a, b []uint32) (inter, union int) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return inter, len(a) + len(b) - inter
}

// titleOverlap is the share of the shorter title's words found in the
// other title.
func titleOverlap(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, _ := overlap(a, b)
	return float64(inter) / float64(min(len(a), len(b)))
}
