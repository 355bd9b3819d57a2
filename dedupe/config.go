package dedupe

import (
	"errors"
	"fmt"
	"time"
)

// Config holds every threshold of the deduper. DefaultConfig's values come
// from the evaluation on the development corpus (see EVAL.md); each was
// chosen in a flat region of the precision/recall curve, not at an edge.
type Config struct {
	// K is the Hamming distance within which body fingerprints are
	// candidates. Candidates are verified, so K trades lookup cost for
	// recall, not precision. Between 1 and 7 (k+1 blocks of at least 8
	// bits). The headline and the opening sentence are matched exactly
	// (see exactKeys): a headline fingerprint searched within 3 bits and a
	// lead fingerprint within 5 found no more on the development corpus
	// than exact keys did once MinHash keys were in (EVAL.md), and cost
	// 147 bytes per item of index memory.
	K int
	// LeadWords is how many content words (after boilerplate and dateline)
	// form the lead: the part a teaser repeats.
	LeadWords int
	// SketchSize is the bottom-k sketch size over body shingles, and
	// CharSketchSize over character grams.
	SketchSize, CharSketchSize int

	// MinJaccard: two items whose shingle sets overlap this much are one
	// story, whatever their lengths.
	MinJaccard float64
	// MinContainment: the shorter item's shingles contained in the longer
	// one at this share make it a partial copy (expanded or cut version),
	// provided the shorter has at least MinContainedShingles shingles.
	MinContainment       float64
	MinContainedShingles int
	// MinCharJaccard is the Jaccard test on the character grams
	// (Signature.Chars), for copies whose word shingles were broken by
	// scattered character errors; it counts only where it exceeds the word
	// Jaccard by MinCharGain (see compareChars).
	MinCharJaccard float64
	MinCharGain    float64
	// MinLeadContainment: a teaser (at most TeaserWords words) whose
	// shingles are this contained in the other item's opening is a copy of
	// it, provided their titles share at least MinTitleOverlap.
	MinLeadContainment float64
	TeaserWords        int
	MinTitleOverlap    float64
	// MinNumberAgreement: when both items state numbers, at least this
	// share of the smaller set must appear in the larger; otherwise they are
	// different instances of a template (weekly figures, auction results).
	MinNumberAgreement float64

	// MaxGapSameSite and MaxGapCrossSite: items published further apart
	// are different stories, however alike (a feed's recurring "weekly
	// figures" item; an evergreen text). Re-filings come within hours, and
	// reprint sites copy within days.
	MaxGapSameSite, MaxGapCrossSite time.Duration
	// MinFarJaccard: items further apart than the gaps are still linked
	// when one is a near-verbatim copy of the other: Jaccard at least this
	// and every figure of the one stating fewer repeated (see farCopy).
	// 0 turns it off. MinFarCharJaccard is the same for a copy read with
	// character errors: the character test (MinCharJaccard) at this
	// higher threshold; MinFarContainment for a long passage copied whole
	// into a longer text (0 turns that off).
	MinFarJaccard, MinFarCharJaccard, MinFarContainment float64

	// TimeTolerance: publish times closer than this are treated as equal
	// when choosing the original (clock skew between publishers).
	TimeTolerance time.Duration
	// MinCitations and CitedWindow: when no member of a cluster credits
	// another, the earliest wins, unless its site has never been credited
	// as a source by another site's item and a member of a site credited
	// at least MinCitations times was published at most CitedWindow after
	// it: a reprint site's clock (or a time zone it declares wrongly) then
	// does not crown its copy (see ChooseOriginal). 0 turns it off.
	MinCitations int
	CitedWindow  time.Duration

	// Boilerplate learning: a segment is boilerplate for a feed once it
	// has appeared in at least BoilerMinItems of the feed's recent items
	// and in at least BoilerMinShare of them. BoilerMaxSegments bounds the
	// learned state per feed.
	BoilerMinItems    int
	BoilerMinShare    float64
	BoilerMaxSegments int
}

// DefaultConfig returns the measured defaults.
func DefaultConfig() Config {
	return Config{
		K:                    3,
		LeadWords:            24,
		SketchSize:           64,
		CharSketchSize:       32,
		MinJaccard:           0.5,
		MinContainment:       0.75,
		MinContainedShingles: 12,
		MinCharJaccard:       0.5,
		MinCharGain:          0.2,
		MinLeadContainment:   0.7,
		TeaserWords:          60,
		MinTitleOverlap:      0.5,
		MinNumberAgreement:   0.5,
		TimeTolerance:        2 * time.Minute,
		MinCitations:         3,
		CitedWindow:          24 * time.Hour,
		MaxGapSameSite:       96 * time.Hour,
		MaxGapCrossSite:      7 * 24 * time.Hour,
		MinFarJaccard:        0.8,
		MinFarCharJaccard:    0.55,
		MinFarContainment:    0.9,
		BoilerMinItems:       3,
		BoilerMinShare:       0.2,
		BoilerMaxSegments:    1024,
	}
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.K < 1 || c.K > 7 {
		errs = append(errs, fmt.Errorf("K = %d: the fingerprint threshold must be between 1 and 7", c.K))
	}
	if c.LeadWords < 4 || c.SketchSize < 8 || c.CharSketchSize < 8 || c.TeaserWords < 1 {
		errs = append(errs, errors.New("LeadWords >= 4, SketchSize >= 8, CharSketchSize >= 8 and TeaserWords >= 1 are required"))
	}
	for _, f := range []float64{c.MinJaccard, c.MinContainment, c.MinCharJaccard, c.MinCharGain, c.MinLeadContainment, c.MinTitleOverlap, c.MinNumberAgreement, c.MinFarJaccard, c.MinFarCharJaccard, c.MinFarContainment, c.BoilerMinShare} {
		if f < 0 || f > 1 {
			errs = append(errs, fmt.Errorf("threshold %v: must be within [0,1]", f))
		}
	}
	if c.BoilerMinItems < 2 || c.BoilerMaxSegments < 16 {
		errs = append(errs, errors.New("BoilerMinItems >= 2 and BoilerMaxSegments >= 16 are required"))
	}
	return errors.Join(errs...)
}
