package dedupe

import (
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// creditMarkers introduce the source a republished item credits. Matching
// is on lower-cased text; what follows the marker is the credited source.
var creditMarkers = []string{
	"@source:", "source:", "sources:", "originally published by", "originally published at",
	"originally published on", "originally published in", "originally appeared on",
	"originally appeared in", "first published by", "first published on", "first appeared on",
	"first appeared in", "republished from", "reprinted from", "republished with permission from",
	"courtesy of", "credit:", "read the original at", "read the full story at", "the post appeared first on",
	// The same line in other languages: French sets a space (often a
	// no-break one) before the colon; Chinese and Japanese write a
	// full-width colon.
	"source :", "sources :", "source\u00a0:", "source\u202f:", "quelle:", "fuente:", "fonte:", "bron:", "источник:",
	"lähde:", "källa:", "kilde:", // Finnish, Swedish, Norwegian and Danish
	"来源：", "来源:", "出典：", "出典:", "출처:", "출처 :",
}

// creditsOf returns the registrable domains (or bare names) that the item
// credits as its source: RSS <source url>, <link rel="canonical"> in the
// content, a link whose text names it the source ("Source link"), and
// credit lines in the text ("@Source: mirror.co.uk",
// "Originally published by …", a short "via …").
func creditsOf(doc Doc, ex extracted) []string {
	var out []string
	add := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	add(domainOfURL(doc.SourceURL))
	add(domainOfURL(ex.canonical))
	for _, href := range ex.sources {
		add(domainOfURL(href))
	}
	for _, bl := range ex.blocks {
		// Credit lines sit in short blocks, or at the start or end of a
		// long one; scanning only there keeps this cheap on long articles.
		if len(bl) > 600 {
			bl = bl[:300] + "\n" + bl[len(bl)-300:]
		}
		if !mayCredit(bl) {
			continue
		}
		lower := strings.ToLower(bl)
		for _, m := range creditMarkers {
			for off := 0; ; {
				i := strings.Index(lower[off:], m)
				if i < 0 {
					break
				}
				at := off + i + len(m)
				add(creditAt(lower[at:]))
				off = at
			}
		}
		// "via X" only as a short line of its own: in running text "via"
		// is just a preposition.
		if t := strings.TrimSpace(lower); strings.HasPrefix(t, "via ") && len(strings.Fields(t)) <= 5 {
			add(creditAt(t[4:]))
		}
	}
	return out
}

// creditFragments: every credit marker contains one of them ("Source",
// "published", "appeared", "courtesy", "credit", "reprinted", "read the";
// "Quelle:", "Fuente:", "Fonte:", "Bron:", "Источник:", "Lähde:", "Källa:",
// "Kilde:" and the Chinese, Japanese and Korean words for source). at is where in the fragment its
// rarest byte pair sits: mayCredit looks for that pair.
var creditFragments = [...]struct {
	s  string
	at int
}{
	{"ource", 2},   // "rc"
	{"ourtesy", 5}, // "sy"
	{"ublish", 0},  // "ub"
	{"ppeared", 0}, // "pp"
	{"credit", 0},  // "cr"
	{"eprint", 0},  // "ep"
	{"ead the", 1}, // "ad"
	{"e:", 0},      // quelle:, fuente:, fonte:, lähde:, kilde:
	{"a:", 0},      // källa:
	{"on:", 1},     // "n:" of bron:
	{"к:", 1},      // the last byte of к and the colon
	{"来源", 4},      // the last two bytes of 源
	{"出典", 4},      // of 典
	{"출처", 4},      // of 처
}

// creditStarts is a bitmap of the fragments' rare pairs, ASCII case folded
// (|0x20): about one position in a hundred of English text. Set once at
// start-up, never written after.
var creditStarts = func() (t [1 << 16 / 64]uint64) {
	for _, f := range creditFragments {
		p := fragmentPair(f.s, f.at)
		t[p>>6] |= 1 << (p & 63)
	}
	return t
}()

// fragmentPair is the byte pair at fragment[at:], folded as mayCredit
// folds the text's (|0x20: ASCII case, and the same bits of the UTF-8
// bytes of other scripts on both sides).
func fragmentPair(fragment string, at int) uint16 {
	return uint16(fragment[at]|0x20) | uint16(fragment[at+1]|0x20)<<8
}

// mayCredit is a cheap filter run on the raw text before lower-casing it:
// true if s contains a credit fragment in any ASCII case, or is a short
// "via …" line. One pass reading byte pairs against a bitmap: a search per
// fragment and case scanned every block fourteen times, and a byte-wise
// switch mispredicted on every third letter; either cost a fifth of all
// signing time on English text. The pairs are each fragment's rarest ("rc"
// of "source", not "ou"), so the bitmap rarely passes a position.
func mayCredit(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		p := uint16(s[i]|0x20) | uint16(s[i+1]|0x20)<<8
		if creditStarts[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		// The bitmap passes about one position in a hundred: finding
		// which fragment's pair it was is cheap there.
		for _, f := range creditFragments {
			if fragmentPair(f.s, f.at) == p {
				if j := i - f.at; j >= 0 && hasPrefixFold(s[j:], f.s) {
					return true
				}
			}
		}
	}
	t := strings.TrimSpace(s)
	return len(t) > 4 && strings.EqualFold(t[:4], "via ")
}

// hasPrefixFold reports whether s starts with lower, a lower-case
// fragment, in any ASCII case. Other bytes are folded alike on both sides,
// which can only let more through: creditsOf then looks for the markers
// themselves.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for j := 0; j < len(lower); j++ {
		if s[j]|0x20 != lower[j]|0x20 {
			return false
		}
	}
	return true
}

// creditAt reads the credited source at the start of s: a domain or URL if
// there is one among the first words, else the first word as a name.
func creditAt(s string) string {
	fs := strings.Fields(s)
	if len(fs) > 4 {
		fs = fs[:4]
	}
	for _, f := range fs {
		f = strings.Trim(f, ".,;:()[]\"'<>")
		if strings.Contains(f, ".") && !strings.HasSuffix(f, ".") {
			if d := domainOf(f); d != "" {
				return d
			}
		}
	}
	if len(fs) == 0 {
		return ""
	}
	name := strings.Trim(fs[0], ".,;:()[]\"'<>@")
	if name == "the" && len(fs) > 1 {
		name = strings.Trim(fs[1], ".,;:()[]\"'<>@")
	}
	if len(name) < 2 || stopword(name) {
		return ""
	}
	return name
}

// domainOfURL returns the registrable domain of a URL's host.
func domainOfURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	return domainOf(u.Hostname())
}

// domainOf returns the registrable domain ("eTLD+1") of a host or of a
// bare "host/path" string: news.bbc.co.uk → bbc.co.uk.
func domainOf(host string) string {
	host = strings.ToLower(strings.TrimSpace(host))
	if strings.Contains(host, "://") {
		return domainOfURL(host)
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "www."), ".")
	if host == "" || !strings.Contains(host, ".") {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// siteDomain is the registrable domain of a feed site given as a URL or a
// host.
func siteDomain(site string) string {
	if strings.Contains(site, "://") {
		return domainOfURL(site)
	}
	return domainOf(site)
}

// credits reports whether credit names the site domain d: the same
// registrable domain, or a bare name equal to its first label ("bbc" for
// bbc.co.uk).
func credits(credit, d string) bool {
	if credit == "" || d == "" {
		return false
	}
	if strings.Contains(credit, ".") {
		return credit == d
	}
	label, _, _ := strings.Cut(d, ".")
	return credit == label
}
