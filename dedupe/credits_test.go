package dedupe

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestMayCreditPassesEveryMarker: the prefilter lets through every credit
// marker in any of the cases sites write it, and drops text without one.
func TestMayCreditPassesEveryMarker(t *testing.T) {
	upperFirst := func(w string) string {
		_, n := utf8.DecodeRuneInString(w)
		return strings.ToUpper(w[:n]) + w[n:]
	}
	titled := func(m string) string {
		ws := strings.Split(m, " ")
		for i, w := range ws {
			ws[i] = upperFirst(w)
		}
		return strings.Join(ws, " ")
	}
	for _, m := range creditMarkers {
		for _, v := range []string{m, strings.ToUpper(m), upperFirst(m), titled(m)} {
			if s := "The story ends here. " + v + " example.com"; !mayCredit(s) {
				t.Errorf("mayCredit(%q) = false", s)
			}
		}
	}
	for _, f := range creditFragments { // the bitmap and the dispatch agree
		if !mayCredit("x " + strings.ToUpper(f.s) + " x") {
			t.Errorf("fragment %q does not pass", f.s)
		}
	}
	for _, s := range []string{"Via Reuters", "  via the BBC"} {
		if !mayCredit(s) {
			t.Errorf("mayCredit(%q) = false", s)
		}
	}
	for _, s := range []string{"", "The council met on Tuesday to discuss the budget.", "EVERYONE AGREED", "viaduct works"} {
		if mayCredit(s) {
			t.Errorf("mayCredit(%q) = true", s)
		}
	}
}

// TestCreditLinesInOtherLanguages: a reprint's source line written in
// another language names the original's site just as "Source:" does.
func TestCreditLinesInOtherLanguages(t *testing.T) {
	cfg := DefaultConfig()
	body := paras(mergeParas[:3]...)
	for _, tc := range []struct{ line, want string }{
		{"Quelle: spiegel.de", "spiegel.de"},
		{"Source : www.lemonde.fr", "lemonde.fr"},
		{"Source\u00a0: liberation.fr", "liberation.fr"},
		{"Fuente: elpais.com", "elpais.com"},
		{"Fonte: ansa.it", "ansa.it"},
		{"Bron: nos.nl", "nos.nl"},
		{"Источник: ria.ru", "ria.ru"},
		{"Lähde: yle.fi", "yle.fi"},
		{"Källa: www.svt.se", "svt.se"},
		{"Kilde: nrk.no", "nrk.no"},
		{"来源：xinhuanet.com", "xinhuanet.com"},
		{"出典：www3.nhk.or.jp", "nhk.or.jp"},
		{"출처: yna.co.kr", "yna.co.kr"},
	} {
		sig := Sign(cfg, Doc{Title: "Reservoir at forty-year low", HTML: body + "<p>" + tc.line + "</p>", URL: "https://reprints.example/1", FeedSite: "https://reprints.example/"}, nil)
		if !slices.Contains(sig.Credits, tc.want) {
			t.Errorf("%q: credits %q, want %s", tc.line, sig.Credits, tc.want)
		}
	}
}

// TestGermanReprintCreditsItsOriginal: a reprint stamped an hour earlier
// and crediting "Quelle: spiegel.de" leaves the Spiegel item the original,
// whichever arrives first.
func TestGermanReprintCreditsItsOriginal(t *testing.T) {
	cfg := DefaultConfig()
	de := []string{
		"Der Wasserverband teilte am Montag mit, dass der nördliche Stausee nach einem trockenen Winter und einem heißen Frühjahr den tiefsten Stand seit vierzig Jahren erreicht hat.",
		"Ingenieure begannen, Wasser aus einem Notbrunnen nahe der Talsperre zu pumpen, während die Landwirte im Tal auf Kürzungen bei der Bewässerung ab nächster Woche vorbereitet wurden.",
		"Der Vorstand des Verbands sagte, den Haushalten drohten in diesem Sommer keine Einschränkungen, solange der Verbrauch nahe am Vorjahresniveau bleibe.",
	}
	orig := Doc{Title: "Stausee auf tiefstem Stand seit vierzig Jahren", HTML: paras(de...), URL: "https://www.spiegel.de/wissenschaft/stausee-a-123", FeedSite: "https://www.spiegel.de/"}
	reprint := Doc{Title: "Stausee auf tiefstem Stand seit vierzig Jahren", HTML: paras(append([]string{"NACHRICHTEN Zurück zur Übersicht"}, append(de, "Quelle: spiegel.de", "Anzeige: 0800 123456")...)...), URL: "https://regionalblatt.example/stausee", FeedSite: "https://regionalblatt.example/"}
	t0 := time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC)
	for _, origFirst := range []bool{true, false} {
		docs, pubs, origID := []Doc{reprint, orig}, []time.Time{t0.Add(-time.Hour), t0}, uint64(2)
		if origFirst {
			docs, pubs, origID = []Doc{orig, reprint}, []time.Time{t0, t0.Add(-time.Hour)}, 1
		}
		st := ingest(t, cfg, docs, pubs)
		if len(st.Members(origID)) != 2 || st.Root(1) != origID || st.Root(2) != origID {
			t.Errorf("original first %v: roots %d %d, want both %d", origFirst, st.Root(1), st.Root(2), origID)
		}
	}
}

// TestSourceLinkCredits: feed-reposting plugins end a copied post with a
// link to the original whose text says what it is ("Source link"); its
// href is the item's credit. Other links are not.
func TestSourceLinkCredits(t *testing.T) {
	cfg := DefaultConfig()
	body := "<p>The regional water authority said on Monday that the northern reservoir had fallen to its lowest level in forty years.</p>"
	for _, c := range []struct {
		html string
		want []string
	}{
		{body + `<p><a href="https://www.bbc.co.uk/news/uk-123" rel="nofollow">Source link</a></p>`, []string{"bbc.co.uk"}},
		{body + `<p>Read more: <a href="https://www.theguardian.com/x">Original article »</a></p>`, []string{"theguardian.com"}},
		{body + `<a href="https://mirror.co.uk/a">SOURCE</a>`, []string{"mirror.co.uk"}},
		{body + `<p><a href="https://other.example/river">the source of the river</a></p>`, nil},
		{body + `<p><a href="https://other.example/share">Share</a> <a href="https://other.example/">Home</a></p>`, nil},
	} {
		s := Sign(cfg, Doc{Title: "Reservoir low", HTML: c.html}, nil)
		if !slices.Equal(s.Credits, c.want) {
			t.Errorf("credits of %q = %v, want %v", c.html[len(body):], s.Credits, c.want)
		}
	}
	// The text is the same whichever path read it: the source link sends
	// the item to the tokenizer, which must not change what is signed.
	plain := Sign(cfg, Doc{Title: "Reservoir low", HTML: body + `<p><a href="https://x.example/">Home</a></p>`}, nil)
	linked := Sign(cfg, Doc{Title: "Reservoir low", HTML: body + `<p><a href="https://x.example/">Source</a></p>`}, nil)
	if v := Compare(cfg, plain, linked); !v.Duplicate {
		t.Errorf("a source link changed how the text is read: %+v", v)
	}
}
