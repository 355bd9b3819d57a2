package dedupe

import (
	"strings"
	"testing"
)

// TestMayCreditPassesEveryMarker: the prefilter lets through every credit
// marker in any of the cases sites write it, and drops text without one.
func TestMayCreditPassesEveryMarker(t *testing.T) {
	titled := func(m string) string {
		ws := strings.Split(m, " ")
		for i, w := range ws {
			ws[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		return strings.Join(ws, " ")
	}
	for _, m := range creditMarkers {
		for _, v := range []string{m, strings.ToUpper(m), strings.ToUpper(m[:1]) + m[1:], titled(m)} {
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
