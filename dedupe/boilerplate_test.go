package dedupe

import (
	"encoding/binary"
	"testing"
)

// TestRepostedStoryDoesNotBecomeBoilerplate: a young feed posts one story
// three times word for word (new links, one text), then a revision of it.
// The repeats are one story, not three items sharing a template: its
// paragraphs must not be learned as the feed's boilerplate, or the
// revision loses them and no longer matches the story.
func TestRepostedStoryDoesNotBecomeBoilerplate(t *testing.T) {
	cfg := DefaultConfig()
	story := Doc{Title: "Reservoir at forty-year low", HTML: paras(mergeParas...), FeedSite: "https://water.example/"}
	revision := Doc{Title: "Farmers face irrigation cuts", HTML: paras(append(mergeParas[:4:4], "The authority will publish its summer plan on Friday, a spokesman said.")...), FeedSite: "https://water.example/"}
	other := Doc{Title: "Ferry to stop for six weeks", HTML: paras(ferryStory), FeedSite: "https://water.example/"}

	// The model is saved after each poll and loaded for the next: the
	// repeats must be recognised across polls.
	bp := NewBoilerplate(cfg)
	bp.Observe(other)
	for range 3 {
		bp.Observe(story)
		state, err := bp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		bp = NewBoilerplate(cfg)
		if err := bp.UnmarshalBinary(state); err != nil {
			t.Fatal(err)
		}
	}
	loaded := bp
	loaded.Observe(revision)
	v := Compare(cfg, SignText(cfg, Analyze(revision), loaded), Sign(cfg, story, nil))
	if !v.Duplicate {
		t.Errorf("the revision of a story posted three times no longer matches it (%+v): the story was learned as boilerplate", v)
	}

	// Boilerplate is still learned from different stories that share it.
	chrome := "<p>Subscribe to the Water Gazette for daily news from the valley and beyond.</p>"
	tmpl := NewBoilerplate(cfg)
	for _, d := range []Doc{story, other, revision} {
		d.HTML = chrome + d.HTML
		tmpl.Observe(d)
	}
	sig := SignText(cfg, Analyze(Doc{Title: "x", HTML: chrome + paras(ferryStory)}), tmpl)
	plain := Sign(cfg, Doc{Title: "x", HTML: paras(ferryStory)}, nil)
	if sig.Shingles != plain.Shingles {
		t.Errorf("a line three different stories share was not stripped: %d shingles, %d without it", sig.Shingles, plain.Shingles)
	}
}

// TestBoilerplateFormat1StillDecodes: models saved before the recent-item
// digests (format 1) load with their counts.
func TestBoilerplateFormat1StillDecodes(t *testing.T) {
	cfg := DefaultConfig()
	v1 := []byte{1}
	v1 = binary.AppendUvarint(v1, 5)
	v1 = binary.LittleEndian.AppendUint64(v1, 42)
	v1 = binary.AppendUvarint(v1, 4)
	b := NewBoilerplate(cfg)
	if err := b.UnmarshalBinary(v1); err != nil {
		t.Fatalf("format 1: %v", err)
	}
	if b.items != 5 || b.count[42] != 4 || !b.learned(42) {
		t.Errorf("format 1 decoded as items %d, count %d", b.items, b.count[42])
	}
}
