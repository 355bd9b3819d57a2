package dedupe

import "testing"

func TestRepairEntities(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"World #39;s tallest bridge", "World 's tallest bridge"}, // the space stays: words split at the apostrophe anyway
		{"Bush&#39;s plan, &#8220;quoted&#8221;", "Bush's plan, \u201cquoted\u201d"},
		{"no entities here", "no entities here"},
		{"#1 hit, C#; and # 39; stay", "#1 hit, C#; and # 39; stay"},
		{"#99999999; is no rune, #0; neither", "#99999999; is no rune, #0; neither"},
		{"ends with #39", "ends with #39"},
		{"#39;", "'"},
	} {
		if got := repairEntities(c.in); got != c.want {
			t.Errorf("repairEntities(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBrokenEntityIsNotAFigure: a teaser whose apostrophe arrived as
// "#39;" (its "&" lost) must not state 39 as a figure: the numbers veto
// would hold it against the story's own figures and keep the teaser apart.
func TestBrokenEntityIsNotAFigure(t *testing.T) {
	cfg := DefaultConfig()
	lead := "The president #39;s plan to cut taxes for working families was unveiled on Monday, officials said, and Congress is expected to debate it next week before the summer recess begins."
	story := Sign(cfg, Doc{Title: "Tax cut plan unveiled", HTML: paras(
		"The president's plan to cut taxes for working families was unveiled on Monday, officials said, and Congress is expected to debate it next week before the summer recess begins.",
		"The cut of 5 pct would reach about 6 million households, the Treasury estimated, at a cost the opposition called reckless.",
		"Business groups welcomed the plan but asked for the corporate rate to be lowered as well.")}, nil)
	teaser := Sign(cfg, Doc{Title: "Tax cut plan unveiled", HTML: paras(lead, "Read more")}, nil)
	if len(teaser.Numbers) != 0 {
		t.Errorf("the teaser states figures %v: a broken entity's digits were read as one", teaser.Numbers)
	}
	if v := Compare(cfg, teaser, story); !v.Duplicate {
		t.Errorf("the teaser with a broken apostrophe was kept apart from its story: %+v", v)
	}
}

// TestFiguresWithUnitSuffixes: "$3B" states the 3 of "$3 billion"; read
// otherwise, the numbers veto kept a teaser from its story
// (ag-test-1663/-1679 in the development corpus).
func TestFiguresWithUnitSuffixes(t *testing.T) {
	cfg := DefaultConfig()
	story := Sign(cfg, Doc{Title: "Sony group to buy MGM", HTML: paras(
		"A consortium led by Sony Corp. has agreed in principle to acquire famed Hollywood studio Metro-Goldwyn-Mayer Inc. for nearly $3 billion, MGM said late yesterday.")}, nil)
	priced := Sign(cfg, Doc{Title: "Sony-led group to acquire MGM for $3B", HTML: paras(
		"LOS ANGELES Sept. 13, 2004 - A consortium led by Sony Corp. has agreed in principle to acquire famed Hollywood studio Metro-Goldwyn-Mayer Inc.")}, nil)
	if v := Compare(cfg, priced, story); !v.Duplicate {
		t.Errorf("\"$3B\" did not agree with \"$3 billion\": %+v (numbers %v and %v)", v, priced.Numbers, story.Numbers)
	}
	for w, want := range map[string]string{"3b": "3", "2bn": "2", "10pc": "10", "13th": "13", "5m": "5"} {
		if got, ok := withUnit(w); !ok || got != want {
			t.Errorf("withUnit(%q) = %q, %v; want %q", w, got, ok, want)
		}
	}
	for _, w := range []string{"3d", "mp3", "b52", "covid19", "100"} {
		if got, ok := withUnit(w); ok {
			t.Errorf("withUnit(%q) = %q: not a figure with a unit", w, got)
		}
	}
}
