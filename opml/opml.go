// Package opml reads and writes OPML subscription lists (1.0 and 2.0), the
// format every feed reader imports and exports.
//
// Categories: a feed nested inside outlines gets the titles of its parent
// outlines joined with "/" ("News/World"); a feed at the top level takes
// the first entry of its category attribute ("/News/World,/Other" →
// "News/World"). Write nests categories on "/" again, so a round trip is
// exact. A category name that itself contains "/" therefore comes back
// nested: that is the price of round-tripping through nesting, which every
// reader understands, rather than through an attribute few read.
package opml

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Namespace is feedfold's OPML extension namespace; its `dedupe` attribute
// carries a feed's deduplication setting through export and import.
const Namespace = "https://feedfold.dev/opml"

const (
	maxInput = 32 << 20 // a hostile file cannot make Parse read more
	maxDepth = 32
)

// ErrNotOPML is returned by Parse for a document that is not OPML at all.
var ErrNotOPML = errors.New("not an OPML document")

// Subscription is one feed outline, flattened.
type Subscription struct {
	URL      string
	Title    string
	SiteURL  string
	Category string
	Dedupe   string // "", "on", "off", "original", "never-original"
}

// Problem is an outline that could not be imported.
type Problem struct {
	Line   int
	Title  string
	Reason string
}

// Parse reads an OPML document. Outlines that cannot be subscribed (no
// xmlUrl where a feed is expected, a non-HTTP(S) or unparsable URL) are
// returned as Problems and skipped; repeats of a URL keep the first. The
// error is non-nil only when the input is not OPML.
func Parse(r io.Reader) ([]Subscription, []Problem, error) {
	br := bufio.NewReader(io.LimitReader(r, maxInput))
	dec := xml.NewDecoder(br)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity

	var (
		subs     []Subscription
		problems []Problem
		seen     = map[string]bool{}
		stack    []string // category path of open outlines
		sawOPML  bool
		depth    int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !sawOPML {
				return nil, nil, fmt.Errorf("%w: %v", ErrNotOPML, err)
			}
			line, _ := dec.InputPos()
			problems = append(problems, Problem{Line: line, Reason: "malformed XML, the rest of the file was skipped: " + err.Error()})
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth+3 {
				return subs, problems, fmt.Errorf("opml: outlines nested more than %d deep", maxDepth)
			}
			name := strings.ToLower(t.Name.Local)
			if !sawOPML {
				if name != "opml" {
					return nil, nil, fmt.Errorf("%w: root element is <%s>", ErrNotOPML, t.Name.Local)
				}
				sawOPML = true
				continue
			}
			if name != "outline" {
				continue
			}
			o := outlineOf(t)
			line, _ := dec.InputPos()
			if o.xmlURL == "" {
				if o.isFeed {
					problems = append(problems, Problem{Line: line, Title: o.title(), Reason: "feed outline without xmlUrl"})
				}
				stack = append(stack, o.title())
				continue
			}
			// A feed outline may have children; they are read as feeds of
			// the same category.
			stack = append(stack, "")
			u, perr := checkURL(o.xmlURL)
			if perr != "" {
				problems = append(problems, Problem{Line: line, Title: o.title(), Reason: perr})
				continue
			}
			if seen[u] {
				continue
			}
			seen[u] = true
			subs = append(subs, Subscription{
				URL:      u,
				Title:    o.title(),
				SiteURL:  strings.TrimSpace(o.htmlURL),
				Category: category(stack[:len(stack)-1], o.category),
				Dedupe:   o.dedupe,
			})
		case xml.EndElement:
			depth--
			if strings.EqualFold(t.Name.Local, "outline") && len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if !sawOPML {
		return nil, nil, fmt.Errorf("%w: no <opml> element", ErrNotOPML)
	}
	return subs, problems, nil
}

type outline struct {
	text, titleAttr, xmlURL, htmlURL, category, dedupe string
	isFeed                                             bool
}

func (o outline) title() string {
	if t := strings.TrimSpace(o.titleAttr); t != "" {
		return t
	}
	return strings.TrimSpace(o.text)
}

func outlineOf(t xml.StartElement) outline {
	var o outline
	for _, a := range t.Attr {
		switch strings.ToLower(a.Name.Local) {
		case "text":
			o.text = a.Value
		case "title":
			o.titleAttr = a.Value
		case "xmlurl":
			o.xmlURL = strings.TrimSpace(a.Value)
		case "htmlurl":
			o.htmlURL = a.Value
		case "category":
			o.category = a.Value
		case "type":
			v := strings.ToLower(a.Value)
			o.isFeed = v == "rss" || v == "atom"
		case "dedupe":
			if a.Name.Space == Namespace || a.Name.Space == "ff" || a.Name.Space == "" {
				if v := strings.ToLower(strings.TrimSpace(a.Value)); validDedupe(v) {
					o.dedupe = v
				}
			}
		}
	}
	return o
}

func validDedupe(v string) bool {
	switch v {
	case "on", "off", "original", "never-original":
		return true
	}
	return false
}

func checkURL(raw string) (string, string) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "unparsable xmlUrl: " + err.Error()
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return "", fmt.Sprintf("xmlUrl %q is not an absolute http(s) URL", raw)
		}
		return "", fmt.Sprintf("xmlUrl scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Sprintf("xmlUrl %q has no host", raw)
	}
	return raw, ""
}

// category is the nesting path, or else the first category attribute entry.
func category(stack []string, attr string) string {
	var parts []string
	for _, s := range stack {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, "/")
	}
	first, _, _ := strings.Cut(attr, ",")
	return strings.Trim(strings.TrimSpace(first), "/")
}

// xml output structures.
type doc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	NS      string   `xml:"xmlns:ff,attr"`
	Head    struct {
		Title       string `xml:"title"`
		DateCreated string `xml:"dateCreated"`
	} `xml:"head"`
	Body struct {
		Outlines []*node `xml:"outline"`
	} `xml:"body"`
}

type node struct {
	Text     string  `xml:"text,attr"`
	Title    string  `xml:"title,attr,omitempty"`
	Type     string  `xml:"type,attr,omitempty"`
	XMLURL   string  `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string  `xml:"htmlUrl,attr,omitempty"`
	Dedupe   string  `xml:"ff:dedupe,attr,omitempty"`
	Children []*node `xml:"outline"`
}

// Write writes subs as an indented OPML 2.0 document: one outline per
// category level, feeds sorted by title then URL, categories by name, so
// exports diff cleanly.
func Write(w io.Writer, title string, subs []Subscription, now time.Time) error {
	var d doc
	d.Version, d.NS = "2.0", Namespace
	d.Head.Title = title
	d.Head.DateCreated = now.UTC().Format(time.RFC1123Z)
	sorted := append([]Subscription(nil), subs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Title != sorted[j].Title {
			return sorted[i].Title < sorted[j].Title
		}
		return sorted[i].URL < sorted[j].URL
	})
	root := &node{}
	folders := map[string]*node{}
	var folder func(path string) *node
	folder = func(path string) *node {
		if path == "" {
			return root
		}
		if n, ok := folders[path]; ok {
			return n
		}
		parent, name := "", path
		if i := strings.LastIndex(path, "/"); i >= 0 {
			parent, name = path[:i], path[i+1:]
		}
		n := &node{Text: name, Title: name}
		p := folder(parent)
		p.Children = append(p.Children, n)
		folders[path] = n
		return n
	}
	for _, s := range sorted {
		cat := strings.Trim(s.Category, "/")
		d := s.Dedupe
		if d == "on" {
			d = ""
		}
		text := s.Title
		if text == "" {
			text = s.URL
		}
		f := folder(cat)
		f.Children = append(f.Children, &node{Text: text, Title: s.Title, Type: "rss", XMLURL: s.URL, HTMLURL: s.SiteURL, Dedupe: d})
	}
	sortFolders(root)
	d.Body.Outlines = root.Children
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sortFolders puts folders (sorted by name) after the feeds of each level.
func sortFolders(n *node) {
	sort.SliceStable(n.Children, func(i, j int) bool {
		a, b := n.Children[i], n.Children[j]
		af, bf := a.XMLURL == "", b.XMLURL == ""
		if af != bf {
			return !af
		}
		if af {
			return a.Text < b.Text
		}
		return false
	})
	for _, c := range n.Children {
		if c.XMLURL == "" {
			sortFolders(c)
		}
	}
}
