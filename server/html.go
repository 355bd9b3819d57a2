package server

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
