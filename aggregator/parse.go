package aggregator

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"

	"github.com/feedfold/feedfold/store"
)

// ErrNotAFeed means the body is not RSS, Atom or JSON Feed: typically an
// HTML page, whose advertised feeds Discover can find.
var ErrNotAFeed = errors.New("not a feed (RSS, Atom or JSON Feed expected)")

// ParsedFeed is a parsed, normalised feed.
type ParsedFeed struct {
	Title   string
	SiteURL string
	// TTL is how long the feed asks readers to wait between polls (RSS
	// <ttl>, sy:updatePeriod/updateFrequency), 0 if it says nothing.
	TTL   time.Duration
	Items []store.Item
	// AltKeys[i], unless NoAlt, names another key Items[i] may be stored
	// under. An entry without a GUID is keyed by its link when it alone
	// carries the link, and by its text when other entries of the
	// document share it (normalizeItems); a notice board polled with
	// three entries and later with one would otherwise store the one
	// again under its other key.
	AltKeys []AltKey
}

// sourceTranslator is gofeed's RSS translator plus what it drops that
// dedupe needs: the item's <source url> (a credit to the original) and the
// channel's <ttl>. It also turns off gofeed's per-item HTML scan for images,
// which costs a full HTML parse per item and which feedfold never uses.
//
// With lifted sections (see liftSections) it first puts the lifted texts back.
type sourceTranslator struct {
	gofeed.DefaultRSSTranslator
	restore *restorer
}

func (t *sourceTranslator) Translate(feed any) (*gofeed.Feed, error) {
	if rf, ok := feed.(*rss.Feed); ok && t.restore != nil {
		t.restore.restoreRSS(rf)
	}
	f, err := t.DefaultRSSTranslator.Translate(feed)
	if err != nil {
		return nil, err
	}
	rf, ok := feed.(*rss.Feed)
	if !ok {
		return f, nil
	}
	if rf.TTL != "" {
		if f.Custom == nil {
			f.Custom = map[string]string{}
		}
		f.Custom["ttl"] = rf.TTL
	}
	if len(rf.Items) == len(f.Items) {
		for i, it := range rf.Items {
			// RSS 2.0: a <guid> is the item's permanent link unless it
			// says isPermaLink="false"; gofeed keeps it only as the id,
			// so items with a guid and no <link> had no URL at all.
			if f.Items[i].Link == "" && len(f.Items[i].Links) == 0 && it.GUID != nil && !strings.EqualFold(strings.TrimSpace(it.GUID.IsPermalink), "false") {
				if g := strings.TrimSpace(it.GUID.Value); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
					f.Items[i].Link = g
				}
			}
			if it.Source != nil && it.Source.URL != "" {
				if f.Items[i].Custom == nil {
					f.Items[i].Custom = map[string]string{}
				}
				f.Items[i].Custom["source_url"] = it.Source.URL
			}
		}
	}
	return f, nil
}

func newParser(r *restorer) *gofeed.Parser {
	p := gofeed.NewParser()
	p.RSSTranslator = &sourceTranslator{
		DefaultRSSTranslator: gofeed.DefaultRSSTranslator{DisableContentImageScan: true},
		restore:              r,
	}
	p.AtomTranslator = &atomTranslator{restore: r}
	p.JSONTranslator = &jsonTranslator{}
	return p
}

// atomTranslator is gofeed's Atom translator after the lifted texts (if
// any) are put back (see liftSections), with plain-text content made HTML
// (see plainTextHTML).
type atomTranslator struct {
	gofeed.DefaultAtomTranslator
	restore *restorer
}

func (t *atomTranslator) Translate(feed any) (*gofeed.Feed, error) {
	af, ok := feed.(*atom.Feed)
	if ok && t.restore != nil {
		t.restore.restoreAtom(af)
	}
	f, err := t.DefaultAtomTranslator.Translate(feed)
	if err != nil || !ok || len(af.Entries) != len(f.Items) {
		return f, err
	}
	for i, e := range af.Entries {
		// Only an explicit type="text": feeds that leave the type out
		// (plain text by the spec) very often put escaped HTML there.
		if c := e.Content; c != nil && c.Src == "" && strings.EqualFold(strings.TrimSpace(c.Type), "text") && f.Items[i].Content == c.Value {
			f.Items[i].Content = plainTextHTML(c.Value)
		}
	}
	return f, nil
}

// jsonTranslator is gofeed's JSON Feed translator with the fields the
// format defines as plain text (content_text, summary) made HTML: gofeed
// passes them on as they are, and feedfold stores and serves content as
// HTML.
type jsonTranslator struct{ gofeed.DefaultJSONTranslator }

func (t *jsonTranslator) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultJSONTranslator.Translate(feed)
	jf, ok := feed.(*jsonfeed.Feed)
	if err != nil || !ok || len(jf.Items) != len(f.Items) {
		return f, err
	}
	for i, it := range jf.Items {
		if it.ContentHTML == "" && it.ContentText != "" {
			f.Items[i].Content = plainTextHTML(it.ContentText)
		}
		// Some generators put HTML in summary all the same; a closing
		// tag or a <br> gives them away (a "Vec<String>" in text has
		// neither).
		if it.Summary != "" && !looksLikeMarkup(it.Summary) {
			f.Items[i].Description = plainTextHTML(it.Summary)
		}
	}
	return f, nil
}

// looksLikeMarkup reports whether s holds an HTML closing tag or a <br>.
func looksLikeMarkup(s string) bool {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+2 >= len(s) {
			return false
		}
		c, d := s[i+1], s[i+2]|0x20 // d: ASCII lower-cased
		if c == '/' && 'a' <= d && d <= 'z' || c|0x20 == 'b' && d == 'r' {
			return true
		}
		s = s[i+1:]
	}
}

// plainTextHTML is plain text as HTML that shows it as written: escaped
// (a "Vec<String>" in a programming post's text would otherwise reach the
// sanitizer as a tag and vanish), with blank lines as paragraphs and line
// breaks kept.
func plainTextHTML(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !strings.Contains(s, "\n") {
		return html.EscapeString(s)
	}
	var b strings.Builder
	for p := range strings.SplitSeq(s, "\n\n") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(p), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}

// parseFeed runs gofeed over body, lifting the large text sections of an
// RSS or Atom body out of its way (see liftSections) and parsing the body whole
// whenever they cannot all be put back.
func parseFeed(body []byte, kind gofeed.FeedType) (*gofeed.Feed, error) {
	return parseLifting(body, kind, liftMin)
}

// parseLifting is parseFeed lifting sections of at least minLen bytes;
// tests lift small ones too.
func parseLifting(body []byte, kind gofeed.FeedType, minLen int) (*gofeed.Feed, error) {
	lf := rssLift
	if kind == gofeed.FeedTypeAtom {
		lf = atomLift
	}
	if kind == gofeed.FeedTypeRSS || kind == gofeed.FeedTypeAtom {
		if skel, lifted := liftSections(body, lf, minLen); lifted != nil {
			r := newRestorer(lifted)
			f, err := newParser(r).Parse(bytes.NewReader(skel))
			if err == nil && r.complete() {
				return f, nil
			}
		}
	}
	return newParser(nil).Parse(bytes.NewReader(body))
}

// detectPeek is how much of a body feed-type detection reads; gofeed's
// Parse looks at the same 4 KiB.
const detectPeek = 4096

// Parse parses a feed body fetched from feedURL and normalises its items
// (see normalize). now stands for "first seen" and bounds future dates.
func Parse(body []byte, contentType, feedURL string, now time.Time) (*ParsedFeed, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	body = toUTF8(body, contentType)
	// Detection reads only the start, as gofeed's own Parse does: handing
	// it the whole body copied every feed once more (a sixth of all bytes
	// allocated while polling).
	kind := gofeed.DetectFeedType(bytes.NewReader(body[:min(len(body), detectPeek)]))
	switch kind {
	case gofeed.FeedTypeUnknown:
		if looksLikeHTML(body) {
			return nil, fmt.Errorf("%w: the URL answered with an HTML page", ErrNotAFeed)
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, fmt.Errorf("%w: empty body", ErrNotAFeed)
		}
		return nil, ErrNotAFeed
	}
	f, err := parseFeed(body, kind)
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	pf := &ParsedFeed{
		Title:   cleanTitle(f.Title),
		SiteURL: resolve(feedURL, f.Link),
		TTL:     feedTTL(f),
	}
	pf.Items, pf.AltKeys = normalizeItems(f, feedURL, now)
	return pf, nil
}

// toUTF8 converts bodies in UTF-16 (by BOM) and in non-UTF-8 charsets that
// the XML declaration does not mention but the Content-Type does; the XML
// parser itself handles declared encodings. Invalid UTF-8 in a body that
// claims UTF-8 is replaced rather than failing the whole feed.
func toUTF8(body []byte, contentType string) []byte {
	if bytes.HasPrefix(body, []byte{0xfe, 0xff}) || bytes.HasPrefix(body, []byte{0xff, 0xfe}) {
		enc, _, _ := charset.DetermineEncoding(body, "text/xml")
		if out, err := enc.NewDecoder().Bytes(body); err == nil {
			return dropXMLEncoding(out)
		}
	}
	if utf8.Valid(body) {
		return body
	}
	head := body[:min(len(body), 200)]
	if bytes.Contains(bytes.ToLower(head), []byte("encoding=")) && !bytes.Contains(bytes.ToLower(head), []byte("utf-8")) {
		return body // a declared non-UTF-8 encoding: the XML reader converts it
	}
	if _, name, _ := charset.DetermineEncoding(body, contentType); name != "utf-8" {
		enc, _ := charset.Lookup(name)
		if enc != nil {
			if out, err := enc.NewDecoder().Bytes(body); err == nil {
				return dropXMLEncoding(out)
			}
		}
	}
	// Declared (or assumed) UTF-8 but not valid: Windows-1252 is by far the
	// commonest truth behind such feeds.
	if enc, _ := charset.Lookup("windows-1252"); enc != nil {
		if out, err := enc.NewDecoder().Bytes(body); err == nil {
			return dropXMLEncoding(out)
		}
	}
	return bytes.ToValidUTF8(body, []byte("\uFFFD"))
}

// dropXMLEncoding rewrites the encoding declaration of an already converted
// body to UTF-8, so the XML reader does not convert it a second time.
func dropXMLEncoding(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return b
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 {
		return b
	}
	return append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), b[end+2:]...)
}

func looksLikeHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

func feedTTL(f *gofeed.Feed) time.Duration {
	var ttl time.Duration
	if s, ok := f.Custom["ttl"]; ok {
		if m, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && m > 0 {
			ttl = time.Duration(m) * time.Minute
		}
	}
	if sy, ok := f.Extensions["sy"]; ok {
		period := 24 * time.Hour
		if e := sy["updatePeriod"]; len(e) > 0 {
			switch strings.ToLower(strings.TrimSpace(e[0].Value)) {
			case "hourly":
				period = time.Hour
			case "daily":
				period = 24 * time.Hour
			case "weekly":
				period = 7 * 24 * time.Hour
			case "monthly":
				period = 30 * 24 * time.Hour
			case "yearly":
				period = 365 * 24 * time.Hour
			}
		}
		freq := 1
		if e := sy["updateFrequency"]; len(e) > 0 {
			if n, err := strconv.Atoi(strings.TrimSpace(e[0].Value)); err == nil && n > 0 {
				freq = n
			}
		}
		ttl = max(ttl, period/time.Duration(freq))
	}
	return ttl
}
