package server

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/feedfold/feedfold/store"
)

// prepareHTML makes stored item HTML fit to serve: relative links and image
// sources resolved against the item's own URL (feeds often say
// src="/img/x.jpg"), tracking pixels (images sized 0 or 1) dropped, then
// the sanitiser policy applied. Item HTML is stored as the feed sent it so
// that a better policy later applies to old items too.
func (s *Server) prepareHTML(src, base string) string {
	return s.san.Sanitize(absolutize(src, base))
}

func absolutize(src, base string) string {
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() || !strings.Contains(src, "<") {
		return src
	}
	z := html.NewTokenizer(strings.NewReader(src))
	var out strings.Builder
	out.Grow(len(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		tok := z.Token()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if tok.DataAtom == atom.Img && pixel(tok) {
				continue
			}
			for i, a := range tok.Attr {
				if a.Key == "href" || a.Key == "src" {
					if u, err := url.Parse(strings.TrimSpace(a.Val)); err == nil && !u.IsAbs() {
						tok.Attr[i].Val = b.ResolveReference(u).String()
					}
				}
			}
		}
		out.WriteString(tok.String())
	}
}

// pixel reports an image too small to be content: a tracking pixel.
func pixel(t html.Token) bool {
	for _, a := range t.Attr {
		if (a.Key == "width" || a.Key == "height") && (strings.TrimSpace(a.Val) == "0" || strings.TrimSpace(a.Val) == "1" || strings.TrimSpace(a.Val) == "1px") {
			return true
		}
	}
	return false
}

// untitledLen bounds the title made for an item without one, in runes.
const untitledLen = 80

// ItemTitle is the title reader apps (and the `feedfold items` table) are
// given: the item's own, or for an item without one (Mastodon and other
// microblog feeds, many JSON Feeds) the start of its text, cut at a word,
// else its URL. Reader apps listed such items as blank lines. Only what is
// shown changes: the stored item, the deduper and the REST and
// command-line JSON keep the feed's (empty) title.
func ItemTitle(it store.Item) string {
	if it.Title != "" {
		return it.Title
	}
	src := it.Content
	if src == "" {
		src = it.Summary
	}
	if t := leadText(src, untitledLen); t != "" {
		return t
	}
	return it.URL
}

// leadText is the first n runes of the text of HTML src, whitespace
// collapsed, cut at the last word boundary with "…" when longer.
func leadText(src string, n int) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0 // inside <script> or <style>
	for b.Len() < 8*n {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken:
			if a, _ := z.TagName(); atom.Lookup(a) == atom.Script || atom.Lookup(a) == atom.Style {
				skip++
			}
		case html.EndTagToken:
			if a, _ := z.TagName(); (atom.Lookup(a) == atom.Script || atom.Lookup(a) == atom.Style) && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
				b.WriteByte(' ')
			}
		}
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := text[:runeOffset(text, n)]
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}

// runeOffset is the byte offset of rune n of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
