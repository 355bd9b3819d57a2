package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/feedout"
	"github.com/feedfold/feedfold/store"
)

// tokenSetting names the output-feed access token in the store.
const tokenSetting = "output_token"

// RotateToken replaces the output-feed token with a new random one (256
// bits, hex) and returns it: old feed URLs stop working at once.
func RotateToken(db *store.DB) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	return tok, db.Update(func(tx *store.Tx) error { return tx.PutSetting(tokenSetting, tok) })
}

// Sanitizer is the policy item HTML goes through before it is served:
// bluemonday's user-content policy (no script, no event handlers, no
// javascript: URLs), links opened safely, and no images that are tracking
// pixels by their size.
func Sanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// Document builds the deduplicated output feed: the newest n canonical
// items (of one category when category is non-nil), each crediting its
// source feed and listing its copies. selfURL is the document's own URL.
func Document(db *store.DB, san *bluemonday.Policy, format string, category *string, n int, selfURL string) ([]byte, time.Time, error) {
	var (
		entries []feedout.Entry
		newest  time.Time
	)
	err := db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		var itemErr error
		walkErr := tx.ItemMetas(store.ItemQuery{}, func(m store.ItemMeta) bool {
			f := fc.get(m.FeedID)
			if category != nil && f.Category != *category {
				return true
			}
			it, err := tx.Item(m.ID)
			if err != nil {
				itemErr = err
				return false
			}
			content := it.Content
			if content == "" {
				content = it.Summary
			}
			e := feedout.Entry{
				ID: "urn:feedfold:item:" + strconv.FormatUint(it.ID, 10), Title: aggregator.DisplayTitle(it), URL: it.URL, Author: it.Author,
				Published: it.Published, Updated: it.Updated, ContentHTML: san.Sanitize(absolutize(content, it.URL)),
				Source: feedout.Source{Title: f.Title, SiteURL: f.SiteURL}, Enclosures: enclosuresOf(it),
			}
			if e.Updated.Before(e.Published) {
				e.Updated = e.Published
			}
			for _, l := range tx.Copies(it.ID) {
				c, err := tx.Item(l.Copy)
				if err != nil {
					continue
				}
				e.Copies = append(e.Copies, feedout.Source{Title: fc.get(c.FeedID).Title, SiteURL: fc.get(c.FeedID).SiteURL, ItemURL: c.URL})
			}
			if e.Updated.After(newest) {
				newest = e.Updated
			}
			entries = append(entries, e)
			return len(entries) < n
		})
		return errors.Join(walkErr, itemErr)
	})
	if err != nil {
		return nil, newest, err
	}
	title := "feedfold: all stories"
	if category != nil {
		title = "feedfold: " + *category
	}
	if newest.IsZero() {
		newest = time.Unix(0, 0)
	}
	doc, err := feedout.Render(format, feedout.Feed{Title: title, SelfURL: selfURL, Updated: newest}, entries)
	return doc, newest, err
}

// outputFeed serves /feeds/all.{atom,rss,json} and
// /feeds/category/{name}.{atom,rss,json}, with user credentials or
// ?token=, ETag and Last-Modified, and 304 for unchanged documents.
func (s *Server) outputFeed(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	i := strings.LastIndex(name, ".")
	if i < 0 {
		i = len(name)
	}
	base, format := name[:i], strings.TrimPrefix(name[i:], ".")
	if format != feedout.Atom && format != feedout.RSS && format != feedout.JSON {
		writeError(w, http.StatusNotFound, errors.New("want .atom, .rss or .json"))
		return
	}
	var category *string
	if strings.HasPrefix(r.URL.Path, "/feeds/category/") {
		category = &base
	} else if base != "all" {
		writeError(w, http.StatusNotFound, errors.New("want /feeds/all.{atom,rss,json} or /feeds/category/NAME.{atom,rss,json}"))
		return
	}
	n := 50
	if v := r.URL.Query().Get("n"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 1 || x > 500 {
			writeError(w, http.StatusBadRequest, fmt.Errorf("n %q: want 1 to 500", v))
			return
		}
		n = x
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	self := scheme + "://" + r.Host + r.URL.Path
	doc, newest, err := Document(s.db, s.san, format, category, n, self)
	if err != nil {
		writeError(w, statusOf(err), errors.New("building the feed failed"))
		return
	}
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", newest.UTC().Format(http.TimeFormat))
	w.Header().Set("Cache-Control", "private, max-age=60")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && r.Header.Get("If-None-Match") == "" && !newest.Truncate(time.Second).After(ims) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", feedout.ContentType(format))
	w.Write(doc)
}

// authOrToken accepts the user's credentials or the output-feed token (in
// ?token=), for the URLs a feed reader subscribes to.
func (s *Server) authOrToken(next http.Handler) http.Handler {
	withAuth := s.auth(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("token")
		if tok == "" {
			withAuth.ServeHTTP(w, r)
			return
		}
		var want string
		s.db.View(func(tx *store.Tx) error { want = tx.Setting(tokenSetting); return nil })
		if want == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(want)) != 1 {
			s.limiter.fail(clientAddr(r))
			writeError(w, http.StatusUnauthorized, errors.New("invalid token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// enclosuresOf lists an item's media files for the outputs, web URLs only:
// a feed's enclosure is a link a reader app may open, and
// "javascript:…" must not become one.
func enclosuresOf(it store.Item) []feedout.Enclosure {
	var out []feedout.Enclosure
	for _, e := range it.Enclosures {
		if u, err := url.Parse(e.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			out = append(out, feedout.Enclosure{URL: e.URL, Type: e.Type, Length: e.Length})
		}
	}
	return out
}
