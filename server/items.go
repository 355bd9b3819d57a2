package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/feedfold/feedfold/store"
)

// itemOut is a canonical item in API responses.
type itemOut struct {
	ID        uint64    `json:"id"`
	FeedID    uint64    `json:"feed_id"`
	FeedURL   string    `json:"feed_url"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Author    string    `json:"author,omitempty"`
	Published time.Time `json:"published"`
	Read      bool      `json:"read"`
	Starred   bool      `json:"starred"`
	Content   string    `json:"content,omitempty"`
	Summary   string    `json:"summary,omitempty"`
	// Enclosures are the item's media files (podcast audio…), web URLs
	// only.
	Enclosures []enclosureOut `json:"enclosures,omitempty"`
	Copies     []copyOut      `json:"copies"`
}

type enclosureOut struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

type copyOut struct {
	ID        uint64    `json:"id"`
	FeedURL   string    `json:"feed_url"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Reason    string    `json:"reason"`
	Distance  int       `json:"distance"`
	Score     float64   `json:"score"`
}

type feedCache struct {
	tx    *store.Tx
	feeds map[uint64]store.Feed
}

func (c *feedCache) get(id uint64) store.Feed {
	if f, ok := c.feeds[id]; ok {
		return f
	}
	f, _ := c.tx.Feed(id)
	c.feeds[id] = f
	return f
}

func (s *Server) itemOf(tx *store.Tx, fc *feedCache, it store.Item, full bool) itemOut {
	flags := tx.ItemFlags(user, it.ID)
	out := itemOut{ID: it.ID, FeedID: it.FeedID, FeedURL: fc.get(it.FeedID).URL, URL: it.URL, Title: it.Title, Author: it.Author,
		Published: it.Published.UTC(), Read: flags&store.Read != 0, Starred: flags&store.Starred != 0, Copies: []copyOut{}}
	for _, e := range enclosuresOf(it) {
		out.Enclosures = append(out.Enclosures, enclosureOut{URL: e.URL, Type: e.Type, Length: e.Length})
	}
	if full {
		out.Content, out.Summary = s.prepareHTML(it.Content, it.URL), s.prepareHTML(it.Summary, it.URL)
	}
	for _, l := range tx.Copies(it.ID) {
		c, err := tx.Item(l.Copy)
		if err != nil {
			continue
		}
		out.Copies = append(out.Copies, copyOut{ID: c.ID, FeedURL: fc.get(c.FeedID).URL, URL: c.URL, Title: c.Title,
			Published: c.Published.UTC(), Reason: l.Reason, Distance: l.Distance, Score: l.Score})
	}
	return out
}

// itemQuery is a parsed GET /v1/items request.
type itemQuery struct {
	feed            uint64
	category        *string
	unread, starred bool
	since           time.Time
	limit           int
	before          time.Time
	beforeID        uint64
}

// parseItemQuery validates the list parameters: feed (id), category,
// unread=true, starred=true, since (RFC 3339 or Unix seconds), limit
// (1–1000, default 100) and cursor (from the previous page's next_cursor).
func parseItemQuery(q map[string][]string) (itemQuery, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	p := itemQuery{limit: 100}
	if v := get("feed"); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil || id == 0 {
			return p, fmt.Errorf("feed %q: want a feed id", v)
		}
		p.feed = id
	}
	if v, ok := q["category"]; ok {
		c := ""
		if len(v) > 0 {
			c = v[0]
		}
		p.category = &c
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"unread", &p.unread}, {"starred", &p.starred}} {
		if v := get(b.name); v != "" {
			x, err := strconv.ParseBool(v)
			if err != nil {
				return p, fmt.Errorf("%s %q: want true or false", b.name, v)
			}
			*b.dst = x
		}
	}
	if v := get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			secs, err2 := strconv.ParseInt(v, 10, 64)
			if err2 != nil || secs < 0 {
				return p, fmt.Errorf("since %q: want RFC 3339 or Unix seconds", v)
			}
			t = time.Unix(secs, 0)
		}
		p.since = t
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return p, fmt.Errorf("limit %q: want 1 to 1000", v)
		}
		p.limit = n
	}
	if v := get("cursor"); v != "" {
		ts, id, ok := strings.Cut(v, "-")
		nanos, err1 := strconv.ParseInt(ts, 10, 64)
		iid, err2 := strconv.ParseUint(id, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return p, fmt.Errorf("cursor %q: not a cursor this server gave", v)
		}
		p.before, p.beforeID = time.Unix(0, nanos), iid
	}
	return p, nil
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) {
	p, err := parseItemQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	out := []itemOut{}
	next := ""
	err = s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		q := store.ItemQuery{Feed: p.feed, Before: p.before, BeforeID: p.beforeID}
		var itemErr error
		walkErr := tx.ItemMetas(q, func(it store.ItemMeta) bool {
			if !p.since.IsZero() && it.Published.Before(p.since) {
				return false // newest first: everything after is older
			}
			if p.category != nil && fc.get(it.FeedID).Category != *p.category {
				return true
			}
			flags := tx.ItemFlags(user, it.ID)
			if p.unread && flags&store.Read != 0 || p.starred && flags&store.Starred == 0 {
				return true
			}
			if len(out) == p.limit {
				last := out[len(out)-1]
				next = fmt.Sprintf("%d-%d", last.Published.UnixNano(), last.ID)
				return false
			}
			full, err := tx.Item(it.ID)
			if err != nil {
				itemErr = err
				return false
			}
			out = append(out, s.itemOf(tx, fc, full, false))
			return true
		})
		return errors.Join(walkErr, itemErr)
	})
	if err != nil {
		writeError(w, statusOf(err), errors.New("listing items failed"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "next_cursor": next})
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	var out itemOut
	err = s.db.View(func(tx *store.Tx) error {
		it, err := tx.Item(id)
		if err != nil {
			return err
		}
		out = s.itemOf(tx, &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}, it, true)
		if l, ok := tx.LinkOf(id); ok {
			w.Header().Set("X-Feedfold-Original", strconv.FormatUint(l.Original, 10))
		}
		return nil
	})
	if err != nil {
		writeError(w, statusOf(err), fmt.Errorf("item %d: %w", id, store.ErrNotFound))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// setFlag marks an item read/unread or starred/unstarred. The flag is set on
// the whole cluster (canonical item and every copy), so the story is read
// wherever a client meets it, and it survives re-linking.
func (s *Server) setFlag(f store.Flags, on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		err = s.db.Update(func(tx *store.Tx) error { return markCluster(tx, id, f, on) })
		if err != nil {
			writeError(w, statusOf(err), fmt.Errorf("item %d: %w", id, err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// markCluster sets or clears a flag on an item's whole cluster: the
// canonical item and every copy, so the story is read wherever a client
// meets it and the state survives re-linking.
func markCluster(tx *store.Tx, id uint64, f store.Flags, on bool) error {
	if _, err := tx.Item(id); err != nil {
		return err
	}
	root := tx.Root(id)
	ids := []uint64{root}
	for _, l := range tx.Copies(root) {
		ids = append(ids, l.Copy)
	}
	set, clear := f, store.Flags(0)
	if !on {
		set, clear = 0, f
	}
	for _, iid := range ids {
		if err := tx.SetItemFlags(user, iid, set, clear); err != nil {
			return err
		}
	}
	return nil
}
