package server

import (
	"encoding/xml"
	"html/template"
	"net/http"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// alsoPublished is the footer that links a canonical item's copies.
var alsoPublished = template.Must(template.New("also").Parse(
	`{{if .}}<hr><p>Also published by: {{range $i, $c := .}}{{if $i}}, {{end}}<a href="{{$c.URL}}">{{$c.Title}}</a>{{end}}</p>{{end}}`))

// The Atom form of a stream (/reader/atom/<stream>): what newsboat's FeedHQ
// mode reads. Entry ids are the long item ids it sends back to edit-tag;
// read and starred state are Google Reader categories.
type grAtomFeed struct {
	XMLName xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	GR      string        `xml:"xmlns:gr,attr"`
	ID      string        `xml:"id"`
	Title   string        `xml:"title"`
	Updated string        `xml:"updated"`
	Cont    string        `xml:"gr:continuation,omitempty"`
	Entries []grAtomEntry `xml:"entry"`
}

type grAtomEntry struct {
	ID         string           `xml:"id"`
	Categories []grAtomCategory `xml:"category"`
	Title      string           `xml:"title"`
	Published  string           `xml:"published"`
	Updated    string           `xml:"updated"`
	Link       grAtomLink       `xml:"link"`
	Content    grAtomContent    `xml:"content"`
	Author     grAtomAuthor     `xml:"author"`
	Source     grAtomSource     `xml:"source"`
}

type grAtomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr"`
	Label  string `xml:"label,attr"`
}

type grAtomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr"`
}

type grAtomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type grAtomAuthor struct {
	Name string `xml:"name"`
}

type grAtomSource struct {
	ID    string `xml:"id"`
	Title string `xml:"title"`
}

func (s *Server) grAtom(w http.ResponseWriter, r *http.Request) {
	stream, err := streamFromPath(r, "/reader/atom/")
	if err != nil || stream == "" {
		http.Error(w, "stream id required", http.StatusBadRequest)
		return
	}
	p, err := parseStream(stream, r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	doc := grAtomFeed{GR: "http://www.google.com/schemas/reader/atom/", ID: "tag:google.com,2005:reader/" + p.stream,
		Title: p.stream, Updated: time.Now().UTC().Format(time.RFC3339)}
	s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		page, next := s.selectItems(tx, fc, p)
		doc.Cont = next
		if f, err := tx.FeedByURL(stream[min(len(stream), len(feedPrefix)):]); err == nil {
			doc.Title = titleOr(f)
		}
		for _, m := range page {
			it, err := tx.Item(m.ID)
			if err != nil {
				continue
			}
			f := fc.get(it.FeedID)
			flags := tx.ItemFlags(user, it.ID)
			cats := []grAtomCategory{{Term: stateReading, Scheme: "http://www.google.com/reader/", Label: "reading-list"}}
			if flags&store.Read != 0 {
				cats = append(cats, grAtomCategory{Term: stateRead, Scheme: "http://www.google.com/reader/", Label: "read"})
			}
			if flags&store.Starred != 0 {
				cats = append(cats, grAtomCategory{Term: stateStarred, Scheme: "http://www.google.com/reader/", Label: "starred"})
			}
			author := it.Author
			if author == "" {
				author = titleOr(f)
			}
			doc.Entries = append(doc.Entries, grAtomEntry{
				ID: longID(it.ID), Categories: cats, Title: aggregator.DisplayTitle(it),
				Published: it.Published.UTC().Format(time.RFC3339), Updated: it.Updated.UTC().Format(time.RFC3339),
				Link:    grAtomLink{Rel: "alternate", Href: it.URL, Type: "text/html"},
				Content: grAtomContent{Type: "html", Body: s.contentWithCopies(tx, fc, it)},
				Author:  grAtomAuthor{Name: author},
				Source:  grAtomSource{ID: "tag:google.com,2005:reader/" + feedPrefix + f.URL, Title: titleOr(f)},
			})
		}
		return nil
	})
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		http.Error(w, "rendering failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	w.Write(out)
}
