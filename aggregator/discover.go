package aggregator

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      true,
	"application/rdf+xml":   true,
	"text/xml":              true,
}

// Discover returns the feed URLs an HTML page advertises with
// <link rel="alternate" type="…feed type…" href>, resolved against the page
// URL (or its <base href>), in document order, without repeats.
func Discover(page []byte, pageURL string) []string {
	z := html.NewTokenizer(bytes.NewReader(page))
	base := pageURL
	var out []string
	seen := map[string]bool{}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Body {
				return out // feeds are advertised in <head>
			}
			if !hasAttr || (a != atom.Link && a != atom.Base) {
				continue
			}
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				attrs[string(k)] = string(v)
				if !more {
					break
				}
			}
			if a == atom.Base {
				if h := attrs["href"]; h != "" {
					base = resolve(pageURL, h)
				}
				continue
			}
			rels := strings.Fields(strings.ToLower(attrs["rel"]))
			alt := false
			for _, r := range rels {
				alt = alt || r == "alternate"
			}
			typ := strings.ToLower(strings.TrimSpace(strings.Split(attrs["type"], ";")[0]))
			if !alt || !feedTypes[typ] || attrs["href"] == "" {
				continue
			}
			u := resolve(base, strings.TrimSpace(attrs["href"]))
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
}
