package server

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// Fever API (/fever/?api): what older iOS/macOS readers speak. Auth is
// api_key = md5("user:password"), sent as a form field. Items are
// canonical items only; marks apply to whole clusters. See README.md.

// feverKey computes the api_key the clients send.
func feverKey(user, password string) string {
	sum := md5.Sum([]byte(user + ":" + password))
	return hex.EncodeToString(sum[:])
}

func (s *Server) routesFever(mux *http.ServeMux) {
	mux.HandleFunc("/fever/", s.fever)
}

func (s *Server) fever(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	resp := map[string]any{"api_version": 3, "auth": 0}
	key := r.Form.Get("api_key")
	client := clientAddr(r)
	if s.feverKey == "" || s.limiter.blocked(client) || subtle.ConstantTimeCompare([]byte(strings.ToLower(key)), []byte(s.feverKey)) != 1 {
		if key != "" {
			s.limiter.fail(client)
		}
		writeJSON(w, http.StatusOK, resp) // Fever reports auth failure in the body
		return
	}
	resp["auth"] = 1
	resp["last_refreshed_on_time"] = time.Now().Unix()
	q := r.URL.Query()
	has := func(k string) bool { _, ok := q[k]; return ok || r.PostForm.Has(k) }
	if has("mark") {
		if err := s.feverMark(r); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"api_version": 3, "auth": 1, "error": err.Error()})
			return
		}
	}
	err := s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		feeds, err := tx.Feeds()
		if err != nil {
			return err
		}
		groups := feverGroups(feeds)
		if has("groups") || has("feeds") {
			fg := feedsGroups(feeds, groups)
			if has("groups") {
				gs := []map[string]any{}
				for i, g := range groups {
					gs = append(gs, map[string]any{"id": i + 1, "title": g})
				}
				resp["groups"] = gs
			}
			if has("feeds") {
				fs := []map[string]any{}
				for _, f := range feeds {
					fs = append(fs, map[string]any{"id": f.ID, "favicon_id": f.ID, "title": titleOr(f), "url": f.URL,
						"site_url": f.SiteURL, "is_spark": 0, "last_updated_on_time": f.LastFetched.Unix()})
				}
				resp["feeds"] = fs
			}
			resp["feeds_groups"] = fg
		}
		if has("favicons") {
			resp["favicons"] = []any{}
		}
		if has("links") {
			resp["links"] = []any{}
		}
		if has("unread_item_ids") || has("saved_item_ids") {
			var unread, saved []string
			tx.ItemMetas(store.ItemQuery{}, func(it store.ItemMeta) bool {
				f := tx.ItemFlags(user, it.ID)
				if f&store.Read == 0 {
					unread = append(unread, strconv.FormatUint(it.ID, 10))
				}
				if f&store.Starred != 0 {
					saved = append(saved, strconv.FormatUint(it.ID, 10))
				}
				return true
			})
			if has("unread_item_ids") {
				resp["unread_item_ids"] = strings.Join(unread, ",")
			}
			if has("saved_item_ids") {
				resp["saved_item_ids"] = strings.Join(saved, ",")
			}
		}
		if has("items") {
			items, total := s.feverItems(tx, fc, q)
			resp["items"], resp["total_items"] = items, total
		}
		return nil
	})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"api_version": 3, "auth": 1, "error": "database error"})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// feverGroups are the categories, sorted; a group's id is its index + 1.
func feverGroups(feeds []store.Feed) []string {
	var gs []string
	for _, f := range feeds {
		if f.Category != "" && !slices.Contains(gs, f.Category) {
			gs = append(gs, f.Category)
		}
	}
	slices.Sort(gs)
	return gs
}

func feedsGroups(feeds []store.Feed, groups []string) []map[string]any {
	out := []map[string]any{}
	for i, g := range groups {
		var ids []string
		for _, f := range feeds {
			if f.Category == g {
				ids = append(ids, strconv.FormatUint(f.ID, 10))
			}
		}
		out = append(out, map[string]any{"group_id": i + 1, "feed_ids": strings.Join(ids, ",")})
	}
	return out
}

// feverItems answers items with since_id (ascending after it), max_id
// (descending before it) or with_ids (at most 50), 50 at a time.
func (s *Server) feverItems(tx *store.Tx, fc *feedCache, q map[string][]string) ([]map[string]any, int) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	// Ids are arrival order: a page is a seek in the items by id, and only
	// its items are read.
	total := tx.CountCanonical()
	var pick []uint64
	take := func(id uint64) bool { pick = append(pick, id); return len(pick) < 50 }
	switch {
	case get("with_ids") != "":
		for _, v := range strings.Split(get("with_ids"), ",") {
			if id, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil && len(pick) < 50 && !slices.Contains(pick, id) && tx.IsCanonical(id) {
				pick = append(pick, id)
			}
		}
		slices.Sort(pick)
	case get("max_id") != "":
		max, _ := strconv.ParseUint(get("max_id"), 10, 64)
		tx.CanonicalIDs(0, max, true, take)
	default:
		since, _ := strconv.ParseUint(get("since_id"), 10, 64)
		tx.CanonicalIDs(since, 0, false, take)
	}
	out := []map[string]any{}
	for _, id := range pick {
		it, err := tx.Item(id)
		if err != nil {
			continue
		}
		flags := tx.ItemFlags(user, it.ID)
		out = append(out, map[string]any{
			"id": it.ID, "feed_id": it.FeedID, "title": aggregator.DisplayTitle(it), "author": it.Author,
			"html": s.contentWithCopies(tx, fc, it), "url": it.URL, "is_saved": b2i(flags&store.Starred != 0),
			"is_read": b2i(flags&store.Read != 0), "created_on_time": it.Published.Unix(),
		})
	}
	return out, total
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

type feverError string

func (e feverError) Error() string { return string(e) }

// feverMark applies mark=item|feed|group, as=read|unread|saved|unsaved,
// id=N, before=unix seconds (for feed and group).
func (s *Server) feverMark(r *http.Request) error {
	mark, as := r.Form.Get("mark"), r.Form.Get("as")
	id, err := strconv.ParseUint(r.Form.Get("id"), 10, 64)
	if err != nil {
		return feverError("id: want a number")
	}
	flag, on := store.Read, true
	switch as {
	case "read":
	case "unread":
		on = false
	case "saved":
		flag = store.Starred
	case "unsaved":
		flag, on = store.Starred, false
	default:
		return feverError("as: want read, unread, saved or unsaved")
	}
	before := time.Now()
	if v := r.Form.Get("before"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return feverError("before: want Unix seconds")
		}
		before = time.Unix(secs, 0)
	}
	return s.db.Update(func(tx *store.Tx) error {
		switch mark {
		case "item":
			return markCluster(tx, id, flag, on)
		case "feed", "group":
			feeds, err := tx.Feeds()
			if err != nil {
				return err
			}
			groups := feverGroups(feeds)
			match := map[uint64]bool{}
			for _, f := range feeds {
				if mark == "feed" && f.ID == id || mark == "group" && (id == 0 || int(id) <= len(groups) && f.Category == groups[id-1]) {
					match[f.ID] = true
				}
			}
			var ids []uint64
			tx.ItemMetas(store.ItemQuery{}, func(it store.ItemMeta) bool {
				if match[it.FeedID] && it.Published.Before(before) {
					ids = append(ids, it.ID)
				}
				return true
			})
			for _, iid := range ids {
				if err := markCluster(tx, iid, store.Read, true); err != nil {
					return err
				}
			}
			return nil
		}
		return feverError("mark: want item, feed or group")
	})
}
