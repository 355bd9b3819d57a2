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
