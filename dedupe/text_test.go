package dedupe

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

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

// TestFiguresSplitBySpacesAgree: OCR of print splits a figure at a
// space or runs two together; the copy stating it whole still agrees on
// every figure, and a figure that differs still holds a template apart.
func TestFiguresSplitBySpacesAgree(t *testing.T) {
	cfg := DefaultConfig()
	report := func(a, b string) Signature {
		return Sign(cfg, Doc{HTML: "Exports of rye rose to " + a + " tonnes in the season, against " + b + " tonnes a year earlier, the board said on Monday."}, nil)
	}
	whole := report("15982", "12034")
	for _, split := range []Signature{report("1598 2", "120 34"), report("1 5982", "12034")} {
		if agree, _ := numbersAgree(cfg, whole, split); agree < 1 {
			t.Errorf("figures %v and %v agree %.2f; want every figure of the whole copy found", whole.Numbers, split.Numbers, agree)
		}
	}
	if agree, _ := numbersAgree(cfg, whole, report("1598 3", "120 34")); agree == 1 {
		t.Error("15982 and \"1598 3\" agree: another figure read as a split one")
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

func TestDehyphenate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"the sano- malehti said", "the sanomalehti said"},
		{"the sano-\nmalehti said", "the sanomalehti said"},
		{"a cross-\n\t border deal", "a crossborder deal"},
		{"OCR reads sano¬ malehti and sano⸗ malehti", "OCR reads sanomalehti and sanomalehti"},
		{"kotimaan\u00aduutiset and ulko\u00ad maan", "kotimaanuutiset and ulkomaan"},
		// Not a broken word: a hyphen inside a word, a spaced dash, a
		// figure, a capital after the break, a hyphen ending the text.
		{"a well-known face", "a well-known face"},
		{"prices - and wages", "prices - and wages"},
		{"the 1990- luvulla", "the 1990- luvulla"},
		{"US- China talks", "US- China talks"},
		{"TRENDING NEWS and TREND- ING NEWS", "TRENDING NEWS and TRENDING NEWS"},
		{"a NATO- Russia council", "a NATO- Russia council"},
		{"ends with a-", "ends with a-"},
		{"ends with a- ", "ends with a- "},
	} {
		if got := dehyphenate(c.in); got != c.want {
			t.Errorf("dehyphenate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Headlines too: CMSs put soft hyphens in long headline words.
	cfg := DefaultConfig()
	soft := Sign(cfg, Doc{Title: "Kaupungin\u00advaltuusto päätti sillan korjauksesta", HTML: "x"}, nil)
	plain := Sign(cfg, Doc{Title: "Kaupunginvaltuusto päätti sillan korjauksesta", HTML: "x"}, nil)
	if !slices.Equal(soft.Title, plain.Title) {
		t.Errorf("headline with soft hyphens read as %v, without as %v", soft.Title, plain.Title)
	}
}

// setInColumns sets text as a newspaper column of the given width would,
// paragraph by paragraph: full lines, a word that does not fit broken with
// a hyphen after at least two of its letters (and before at least two), as
// OCR of the page reads it.
func setInColumns(text string, width int) string {
	paras := strings.Split(text, "\n\n")
	for i, p := range paras {
		paras[i] = setParagraph(p, width)
	}
	return strings.Join(paras, "\n\n")
}

func setParagraph(text string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		for w != "" {
			switch room := width - col; {
			case col > 0 && len(w)+1 <= room:
				b.WriteString(" " + w)
				col += len(w) + 1
				w = ""
			case col == 0 && (len(w) <= width || !breakable(w)):
				b.WriteString(w)
				col = len(w)
				w = ""
			case room-2 >= 2 && len(w)-(room-2) >= 2 && breakable(w):
				cut := room - 2 // a space and the hyphen
				if col == 0 {
					cut = room - 1
				} else {
					b.WriteString(" ")
				}
				b.WriteString(w[:cut] + "-\n")
				w, col = w[cut:], 0
			default:
				b.WriteString("\n")
				col = 0
			}
		}
	}
	return b.String()
}

// breakable reports whether setInColumns may break w: a word of letters,
// perhaps followed by punctuation; never markup.
func breakable(w string) bool {
	w = strings.TrimRight(w, ".,;:!?\"')")
	return w != "" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// TestPrintingsSetInOtherColumnsAreCopies: two papers print one story in
// columns of other widths, so OCR of their pages breaks different words at
// line ends, and a site's copy keeps the soft hyphens its CMS put in long
// words where another's has none. Their words are one text: the copies
// match on words, as clean copies do, not only on the character grams
// that tolerate errors.
func TestPrintingsSetInOtherColumnsAreCopies(t *testing.T) {
	cfg := DefaultConfig()
	narrow, wide := setInColumns(ferryStory, 29), setInColumns(ferryStory, 44)
	if strings.Count(narrow, "-\n") < 6 || strings.Count(wide, "-\n") < 6 {
		t.Fatalf("too few broken words to test (%d, %d):\n%s\n\n%s", strings.Count(narrow, "-\n"), strings.Count(wide, "-\n"), narrow, wide)
	}
	soft := strings.NewReplacer("replacement", "re\u00adplace\u00adment", "commute", "com\u00admute", "inspectors", "in\u00adspec\u00adtors", "businesses", "busi\u00adnesses").Replace(ferryStory)
	for _, pair := range [][2]string{{narrow, wide}, {narrow, ferryStory}, {soft, ferryStory}} {
		a := Sign(cfg, Doc{HTML: pair[0]}, nil)
		b := Sign(cfg, Doc{HTML: pair[1]}, nil)
		j, _ := sketchSimilarity(a.Sketch, b.Sketch, a.Shingles, b.Shingles)
		v := Compare(cfg, a, b)
		if j < 0.95 || !v.Duplicate || v.Chars {
			t.Errorf("word Jaccard %.2f, verdict %+v; want the words to match:\n%s\n\n%s", j, v, pair[0], pair[1])
		}
	}
}

// hameenlinnaStory is a Finnish story: most of its words carry ä or ö.
const hameenlinnaStory = `Hämeenlinnan kaupunginvaltuusto päätti maanantaina, että keskustan sillan korjaustyöt alkavat jo ensi kuussa. ` +
	`Työt kestävät arviolta kuusi viikkoa, ja sinä aikana liikenne ohjataan kiertotielle järven eteläpuolelle. ` +
	`Kaupungin tekninen johtaja kertoi, että sillan kannessa on havaittu halkeamia, jotka tekevät siitä vaarallisen raskaalle liikenteelle. ` +
	`Yrittäjät pelkäävät, että ajoitus matkailukauden alussa maksaa heille suuren osan kesän tuloista. ` +
	`Korvaava bussi kulkee kahdesti aamuisin ja iltaisin, ja kausiliput ovat voimassa sulun ajan pidempään.`

// TestCopyWithoutAccentsIsACopy: a site that writes ASCII only reprints a
// Finnish story without its ä and ö, and OCR of an old page reads some of
// them as a or å. The words are one text, as a clean copy's are.
func TestCopyWithoutAccentsIsACopy(t *testing.T) {
	cfg := DefaultConfig()
	ascii := strings.NewReplacer("ä", "a", "ö", "o", "Ä", "A", "Ö", "O").Replace(hameenlinnaStory)
	ocr := strings.NewReplacer("ä", "å", "ö", "ò").Replace(hameenlinnaStory)
	for _, copy := range []string{ascii, ocr} {
		a := Sign(cfg, Doc{Title: "Sillan korjaus alkaa", HTML: hameenlinnaStory}, nil)
		b := Sign(cfg, Doc{Title: "Sillan korjaus alkaa", HTML: copy}, nil)
		j, _ := sketchSimilarity(a.Sketch, b.Sketch, a.Shingles, b.Shingles)
		if v := Compare(cfg, a, b); j < 0.95 || !v.Duplicate || v.Chars {
			t.Errorf("word Jaccard %.2f, verdict %+v; want the words to match:\n%s", j, v, copy)
		}
	}
	if got := words("Malmö, Zürich, São Paulo, Łódź, Ærø", nil); !slices.Equal(got, []string{"malmo", "zurich", "sao", "paulo", "lodz", "æro"}) {
		t.Errorf("words = %q", got)
	}
}
