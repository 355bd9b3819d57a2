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

// TestCorrectionKeepsItsStory: a wire service's correction changes a
// figure; the numbers veto lets the corrected item join its story when one
// figure differs, and only when the headline marks it a correction
// (reuters-16483/-16597 in the development corpus).
func TestCorrectionKeepsItsStory(t *testing.T) {
	cfg := DefaultConfig()
	body := func(loss, buyers string) string {
		return paras("Goodyear Tire and Rubber Co said it expects to sell its Celeron oil and gas subsidiary in about two months.",
			"The chairman also said Goodyear expects a profit from continuing operations in the first quarter, after a loss of "+loss+" cents a share a year ago.",
			"He said about "+buyers+" companies are interested in buying the unit and may form a consortium to buy it.")
	}
	// One figure stated in digits: the corrected one.
	story := Sign(cfg, Doc{Title: "GOODYEAR TO SELL CELERON", HTML: body("64", "seven")}, nil)
	corrected := Sign(cfg, Doc{Title: "(CORRECTED) - GOODYEAR TO SELL CELERON", HTML: body("59", "seven")}, nil)
	if !corrected.Corrected || story.Corrected {
		t.Fatalf("correction flags: %v on the correction, %v on the story", corrected.Corrected, story.Corrected)
	}
	if corrected.TitleHash != story.TitleHash {
		t.Errorf("the marked headline does not match the story's")
	}
	if v := Compare(cfg, corrected, story); !v.Duplicate {
		t.Errorf("the correction of one figure was kept apart from its story: %+v", v)
	}
	unmarked := Sign(cfg, Doc{Title: "GOODYEAR TO SELL CELERON", HTML: body("59", "seven")}, nil)
	if v := Compare(cfg, unmarked, story); v.Duplicate {
		t.Errorf("without a correction marker a changed figure was let through: %+v", v)
	}
	twoFigures := Sign(cfg, Doc{Title: "GOODYEAR TO SELL CELERON", HTML: body("64", "17")}, nil)
	twoChanged := Sign(cfg, Doc{Title: "CORRECTED - GOODYEAR TO SELL CELERON", HTML: body("59", "12")}, nil)
	if v := Compare(cfg, twoChanged, twoFigures); v.Duplicate {
		t.Errorf("a \"correction\" changing two of two figures was let through: %+v", v)
	}
	b, _ := corrected.MarshalBinary()
	var back Signature
	if err := back.UnmarshalBinary(b); err != nil || !back.Corrected {
		t.Errorf("Corrected did not survive encoding: %v, %v", err, back.Corrected)
	}
}

func TestCorrectionMarker(t *testing.T) {
	for _, c := range []struct {
		in, out   string
		corrected bool
	}{
		{"CORRECTED - GOODYEAR <GT> TO SELL CELERON", "GOODYEAR <GT> TO SELL CELERON", true},
		{"(CORRECTED)-IVORY COAST CONFIRMS", "IVORY COAST CONFIRMS", true},
		{"(RPT) U.S. SAYS TIN DISPOSALS", "U.S. SAYS TIN DISPOSALS", true},
		{"REFILE-Oil prices rise", "Oil prices rise", true},
		{"Correction: the mayor's budget", "the mayor's budget", true},
		{"UPDATE 2-Oil prices rise", "Oil prices rise", false},
		{"Corrected figures show growth", "Corrected figures show growth", false},
		{"Repeat offenders jailed", "Repeat offenders jailed", false},
		{"UPDATE-no number", "UPDATE-no number", false},
	} {
		if out, corrected := correctionMarker(c.in); out != c.out || corrected != c.corrected {
			t.Errorf("correctionMarker(%q) = %q, %v; want %q, %v", c.in, out, corrected, c.out, c.corrected)
		}
	}
}

func TestFiguresApartExplainsTheVeto(t *testing.T) {
	cfg := DefaultConfig()
	fed := func(title, amount string) Signature {
		return Sign(cfg, Doc{Title: title, HTML: paras(
			"The Federal Reserve entered the government securities market to arrange "+amount+" billion dlrs of customer repurchase agreements, a Fed spokesman said.",
			"Dealers said Federal funds were trading firmly when the Fed began its temporary and indirect supply of reserves to the banking system.")}, nil)
	}
	a, b := fed("Fed adds reserves", "2"), fed("Fed adds reserves", "3")
	if got := FiguresApart(cfg, a, b); got == "" || got != FiguresApart(cfg, b, a) {
		t.Errorf("FiguresApart = %q / %q: want the same reason both ways", got, FiguresApart(cfg, b, a))
	}
	if got := FiguresApart(cfg, a, fed("Fed adds reserves", "2")); got != "" {
		t.Errorf("agreeing figures explained as apart: %q", got)
	}
}
