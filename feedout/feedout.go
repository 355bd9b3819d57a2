// Package feedout renders a list of canonical items as Atom 1.0, RSS 2.0
// or JSON Feed 1.1 — the deduplicated stream feedfold publishes. It is a
// leaf: plain types in, bytes out, with encoding/xml and encoding/json
// structs (never string building), so every document is well formed.
package feedout

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"time"
)

// Feed is the document's metadata.
type Feed struct {
	Title    string
	SelfURL  string // this document's URL
	HomeURL  string
	Updated  time.Time
	Language string
}

// Entry is one canonical item. ID must be stable across renderings.
type Entry struct {
	ID          string
	Title       string
	URL         string
	Author      string
	Published   time.Time
	Updated     time.Time
	ContentHTML string // already sanitised
	Source      Source // the feed the original came from
	Copies      []Source
	Enclosures  []Enclosure // podcast audio, video, images, as the feed gave them
}

// Enclosure is a media file attached to an entry.
type Enclosure struct {
	URL    string
	Type   string // MIME type; may be empty
	Length int64  // bytes; 0 when the feed did not say
}

// Source credits a feed: its title, site and (for copies) the item's URL.
type Source struct {
	Title   string
	SiteURL string
	ItemURL string
}

// Formats.
const (
	Atom = "atom"
	RSS  = "rss"
	JSON = "json"
)

// ContentType returns the media type of a format.
func ContentType(format string) string {
	switch format {
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case RSS:
		return "application/rss+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/octet-stream"
}

// Render writes the document in the given format.
func Render(format string, f Feed, entries []Entry) ([]byte, error) {
	switch format {
	case Atom:
		return renderAtom(f, entries)
	case RSS:
		return renderRSS(f, entries)
	case JSON:
		return renderJSON(f, entries)
	}
	return nil, fmt.Errorf("feedout: unknown format %q (want atom, rss or json)", format)
}

var footer = template.Must(template.New("footer").Parse(
	`{{if .}}<hr><p>Also published by: {{range $i, $c := .}}{{if $i}}, {{end}}<a href="{{$c.ItemURL}}">{{if $c.Title}}{{$c.Title}}{{else}}{{$c.ItemURL}}{{end}}</a>{{end}}</p>{{end}}`))

// body is the entry's content with the "Also published by" footer.
func body(e Entry) string {
	var b bytes.Buffer
	b.WriteString(e.ContentHTML)
	footer.Execute(&b, e.Copies)
	return b.String()
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel    string `xml:"rel,attr,omitempty"`
	Href   string `xml:"href,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
	Length int64  `xml:"length,attr,omitempty"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published,omitempty"`
	Links     []atomLink  `xml:"link"`
	Author    *atomPerson `xml:"author,omitempty"`
	Content   atomText    `xml:"content"`
	Source    *atomSource `xml:"source,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomSource struct {
	Title string    `xml:"title,omitempty"`
	Link  *atomLink `xml:"link,omitempty"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func renderAtom(f Feed, entries []Entry) ([]byte, error) {
	doc := atomFeed{Title: f.Title, ID: f.SelfURL, Updated: rfc3339(f.Updated),
		Links: []atomLink{{Rel: "self", Href: f.SelfURL, Type: "application/atom+xml"}}}
	if f.HomeURL != "" {
		doc.Links = append(doc.Links, atomLink{Rel: "alternate", Href: f.HomeURL})
	}
	for _, e := range entries {
		ae := atomEntry{Title: e.Title, ID: e.ID, Updated: rfc3339(e.Updated), Published: rfc3339(e.Published),
			Content: atomText{Type: "html", Body: body(e)}}
		if e.URL != "" {
			ae.Links = append(ae.Links, atomLink{Rel: "alternate", Href: e.URL, Type: "text/html"})
		}
		for _, c := range e.Copies {
			if c.ItemURL != "" {
				ae.Links = append(ae.Links, atomLink{Rel: "related", Href: c.ItemURL, Type: "text/html", Title: c.Title})
			}
		}
		for _, enc := range e.Enclosures {
			ae.Links = append(ae.Links, atomLink{Rel: "enclosure", Href: enc.URL, Type: enc.Type, Length: enc.Length})
		}
		if e.Author != "" {
			ae.Author = &atomPerson{Name: e.Author}
		}
		if e.Source.Title != "" || e.Source.SiteURL != "" {
			ae.Source = &atomSource{Title: e.Source.Title}
			if e.Source.SiteURL != "" {
				ae.Source.Link = &atomLink{Rel: "alternate", Href: e.Source.SiteURL}
			}
		}
		doc.Entries = append(doc.Entries, ae)
	}
	return marshalXML(doc)
}

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Self          rssSelf   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link,omitempty"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Author      string        `xml:"dc:creator,omitempty"`
	Description string        `xml:"description"`
	Source      *rssSource    `xml:"source,omitempty"`
	Enclosure   *rssEnclosure `xml:"enclosure,omitempty"`
}

// rssEnclosure: RSS 2.0 allows one an item, and requires all three
// attributes (length 0 when unknown, as the RSS Advisory Board advises).
type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssSource struct {
	URL   string `xml:"url,attr"`
	Title string `xml:",chardata"`
}

func renderRSS(f Feed, entries []Entry) ([]byte, error) {
	home := f.HomeURL
	if home == "" {
		home = f.SelfURL
	}
	doc := rssDoc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", DC: "http://purl.org/dc/elements/1.1/", Channel: rssChannel{
		Title: f.Title, Link: home, Description: f.Title, LastBuildDate: f.Updated.UTC().Format(time.RFC1123Z),
		Self: rssSelf{Href: f.SelfURL, Rel: "self", Type: "application/rss+xml"}}}
	for _, e := range entries {
		it := rssItem{Title: e.Title, Link: e.URL, GUID: rssGUID{IsPermaLink: "false", Value: e.ID},
			PubDate: e.Published.UTC().Format(time.RFC1123Z), Description: body(e)}
		if e.Source.SiteURL != "" {
			it.Source = &rssSource{URL: e.Source.SiteURL, Title: e.Source.Title}
		}
		if len(e.Enclosures) > 0 {
			enc := e.Enclosures[0]
			it.Enclosure = &rssEnclosure{URL: enc.URL, Length: enc.Length, Type: mimeOr(enc.Type)}
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return marshalXML(doc)
}

func marshalXML(v any) ([]byte, error) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("feedout: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url,omitempty"`
	FeedURL     string     `json:"feed_url"`
	Language    string     `json:"language,omitempty"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url,omitempty"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
	Feedfold      map[string]any   `json:"_feedfold,omitempty"`
}

type jsonAttachment struct {
	URL         string `json:"url"`
	MIMEType    string `json:"mime_type"` // required by JSON Feed
	SizeInBytes int64  `json:"size_in_bytes,omitempty"`
}

// mimeOr is t, or the generic binary type where a format requires one and
// the feed gave none.
func mimeOr(t string) string {
	if t == "" {
		return "application/octet-stream"
	}
	return t
}

type jsonAuthor struct {
	Name string `json:"name"`
}

func renderJSON(f Feed, entries []Entry) ([]byte, error) {
	doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.HomeURL, FeedURL: f.SelfURL, Language: f.Language, Items: []jsonItem{}}
	for _, e := range entries {
		it := jsonItem{ID: e.ID, URL: e.URL, Title: e.Title, ContentHTML: body(e),
			DatePublished: rfc3339(e.Published), DateModified: rfc3339(e.Updated)}
		if e.Author != "" {
			it.Authors = []jsonAuthor{{Name: e.Author}}
		}
		for _, enc := range e.Enclosures {
			it.Attachments = append(it.Attachments, jsonAttachment{URL: enc.URL, MIMEType: mimeOr(enc.Type), SizeInBytes: enc.Length})
		}
		// JSON Feed's extension convention: keys starting with "_".
		copies := make([]map[string]string, 0, len(e.Copies))
		for _, c := range e.Copies {
			copies = append(copies, map[string]string{"url": c.ItemURL, "feed": c.Title})
		}
		it.Feedfold = map[string]any{"source": map[string]string{"title": e.Source.Title, "url": e.Source.SiteURL}, "copies": copies}
		doc.Items = append(doc.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("feedout: %w", err)
	}
	return buf.Bytes(), nil
}
