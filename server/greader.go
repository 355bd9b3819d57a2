package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// Google Reader API: what FreshRSS and Miniflux implement and reader apps
// (NetNewsWire, Reeder, ReadYou, newsboat's FeedHQ mode) call. See
// README.md in this directory for the supported subset and id formats.

const (
	stateRead    = "user/-/state/com.google/read"
	stateStarred = "user/-/state/com.google/starred"
	stateReading = "user/-/state/com.google/reading-list"
	stateKept    = "user/-/state/com.google/kept-unread"
	labelPrefix  = "user/-/label/"
	feedPrefix   = "feed/"
	itemPrefix   = "tag:google.com,2005:reader/item/"
	secretKey    = "greader_secret"
)

func (s *Server) routesGReader(mux *http.ServeMux) {
	mux.HandleFunc("POST /accounts/ClientLogin", s.clientLogin)
	mux.HandleFunc("GET /accounts/ClientLogin", s.clientLogin)
	g := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, s.greaderAuth(fn)) }
	g("GET /reader/api/0/token", s.grToken)
	g("GET /reader/api/0/user-info", s.grUserInfo)
	g("GET /reader/api/0/subscription/list", s.grSubscriptions)
	g("POST /reader/api/0/subscription/edit", s.grSubscriptionEdit)
	g("POST /reader/api/0/subscription/quickadd", s.grQuickAdd)
	g("GET /reader/api/0/tag/list", s.grTags)
	g("GET /reader/api/0/unread-count", s.grUnreadCount)
	g("GET /reader/api/0/stream/contents/{stream...}", s.grStreamContents)
	g("GET /reader/api/0/stream/items/ids", s.grItemIDs)
	g("GET /reader/api/0/stream/items/contents", s.grItemContents)
	g("POST /reader/api/0/stream/items/contents", s.grItemContents)
	g("POST /reader/api/0/edit-tag", s.grEditTag)
	g("POST /reader/api/0/mark-all-as-read", s.grMarkAllRead)
	g("GET /reader/atom/{stream...}", s.grAtom)
}

// secret is a random key kept in the store: auth and edit tokens are
// HMACs of it, so they survive restarts and all change if it is rotated.
func (s *Server) secret() []byte {
	var sec string
	s.db.View(func(tx *store.Tx) error { sec = tx.Setting(secretKey); return nil })
	if sec == "" {
		b := make([]byte, 32)
		rand.Read(b)
		sec = hex.EncodeToString(b)
		s.db.Update(func(tx *store.Tx) error {
			if cur := tx.Setting(secretKey); cur != "" {
				sec = cur
				return nil
			}
			return tx.PutSetting(secretKey, sec)
		})
	}
	return []byte(sec)
}

func (s *Server) derive(purpose string) string {
	m := hmac.New(sha256.New, s.secret())
	m.Write([]byte(purpose + "\x00" + s.opts.User))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Server) clientLogin(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	client := clientAddr(r)
	if s.limiter.blocked(client) {
		http.Error(w, "Error=TooManyFailures", http.StatusTooManyRequests)
		return
	}
	if !s.check(r.Form.Get("Email"), r.Form.Get("Passwd")) {
		s.limiter.fail(client)
		http.Error(w, "Error=BadAuthentication", http.StatusUnauthorized)
		return
	}
	auth := s.derive("auth")
	if r.Form.Get("output") == "json" {
		writeJSON(w, http.StatusOK, map[string]string{"SID": auth, "LSID": auth, "Auth": auth})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "SID=%s\nLSID=%s\nAuth=%s\n", auth, auth, auth)
}

// greaderAuth checks "Authorization: GoogleLogin auth=<token>" and, on
// POST, the edit token T (clients that send an empty T or "x" are
// accepted, as the reference servers do: auth is a header, not a cookie,
// so T guards nothing here).
func (s *Server) greaderAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(h, "GoogleLogin auth=")
		if !ok || s.hash == nil || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.derive("auth"))) != 1 {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			r.ParseForm()
			if t := r.Form.Get("T"); t != "" && t != "x" && subtle.ConstantTimeCompare([]byte(t), []byte(s.derive("edit"))) != 1 {
				w.Header().Set("X-Reader-Google-Bad-Token", "true")
				http.Error(w, "Unauthorized", http.StatusUnauthorized)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) grToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, s.derive("edit"))
}

func (s *Server) grUserInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"userId": "1", "userName": s.opts.User, "userProfileId": "1", "userEmail": s.opts.User})
}

func (s *Server) grSubscriptions(w http.ResponseWriter, r *http.Request) {
	type cat struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	}
	type sub struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		Categories []cat  `json:"categories"`
		URL        string `json:"url"`
		HTMLURL    string `json:"htmlUrl"`
		IconURL    string `json:"iconUrl"`
	}
	out := []sub{}
	s.db.View(func(tx *store.Tx) error {
		fs, err := tx.Feeds()
		for _, f := range fs {
			sb := sub{ID: feedPrefix + f.URL, Title: titleOr(f), Categories: []cat{}, URL: f.URL, HTMLURL: f.SiteURL}
			if f.Category != "" {
				sb.Categories = append(sb.Categories, cat{ID: labelPrefix + f.Category, Label: f.Category})
			}
			out = append(out, sb)
		}
		return err
	})
	writeJSON(w, http.StatusOK, map[string]any{"subscriptions": out})
}

func titleOr(f store.Feed) string {
	if f.Title != "" {
		return f.Title
	}
	return f.URL
}

func (s *Server) grSubscriptionEdit(w http.ResponseWriter, r *http.Request) {
	feedURL, ok := strings.CutPrefix(r.Form.Get("s"), feedPrefix)
	if !ok {
		http.Error(w, "s: want feed/<url>", http.StatusBadRequest)
		return
	}
	var err error
	switch r.Form.Get("ac") {
	case "subscribe":
		cat := strings.TrimPrefix(r.Form.Get("a"), labelPrefix)
		_, err = s.agg.Subscribe(r.Context(), feedURL, cat)
		if errors.Is(err, store.ErrExists) {
			err = nil
		}
	case "unsubscribe":
		var f store.Feed
		if err = s.db.View(func(tx *store.Tx) (e error) { f, e = tx.FeedByURL(feedURL); return e }); err == nil {
			err = s.agg.Unsubscribe(r.Context(), f.ID)
		}
	case "edit":
		ch := feedChange(r.Form)
		_, err = s.agg.UpdateFeed(r.Context(), feedURL, ch)
	default:
		http.Error(w, "ac: want subscribe, unsubscribe or edit", http.StatusBadRequest)
		return
	}
	if err != nil {
		st := grStatus(err)
		if st == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryPreparing)
		}
		http.Error(w, err.Error(), st)
		return
	}
	fmt.Fprint(w, "OK")
}

func grStatus(err error) int {
	if st := statusOf(err); st != http.StatusInternalServerError {
		return st
	}
	return http.StatusBadRequest
}

func (s *Server) grQuickAdd(w http.ResponseWriter, r *http.Request) {
	u := strings.TrimPrefix(r.Form.Get("quickadd"), feedPrefix)
	sub, err := s.agg.Subscribe(r.Context(), u, "")
	if err != nil && !errors.Is(err, store.ErrExists) {
		writeJSON(w, http.StatusOK, map[string]any{"numResults": 0, "query": u, "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"numResults": 1, "query": u, "streamId": feedPrefix + sub.Feed.URL, "streamName": titleOr(sub.Feed)})
}

func (s *Server) grTags(w http.ResponseWriter, r *http.Request) {
	tags := []map[string]string{{"id": stateStarred}}
	s.db.View(func(tx *store.Tx) error {
		fs, _ := tx.Feeds()
		seen := map[string]bool{}
		for _, f := range fs {
			if f.Category != "" && !seen[f.Category] {
				seen[f.Category] = true
				tags = append(tags, map[string]string{"id": labelPrefix + f.Category, "type": "folder"})
			}
		}
		return nil
	})
	writeJSON(w, http.StatusOK, map[string]any{"tags": tags})
}

func (s *Server) grUnreadCount(w http.ResponseWriter, r *http.Request) {
	type count struct {
		ID     string `json:"id"`
		Count  int    `json:"count"`
		Newest string `json:"newestItemTimestampUsec"`
	}
	counts := map[string]*count{}
	add := func(id string, it store.ItemMeta) {
		c := counts[id]
		if c == nil {
			c = &count{ID: id, Newest: "0"}
			counts[id] = c
		}
		c.Count++
		if us := strconv.FormatInt(it.Published.UnixMicro(), 10); c.Count == 1 {
			c.Newest = us
		}
	}
	s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		return tx.ItemMetas(store.ItemQuery{}, func(it store.ItemMeta) bool {
			if tx.ItemFlags(user, it.ID)&store.Read != 0 {
				return true
			}
			f := fc.get(it.FeedID)
			add(stateReading, it)
			add(feedPrefix+f.URL, it)
			if f.Category != "" {
				add(labelPrefix+f.Category, it)
			}
			return true
		})
	})
	out := []count{}
	max := 0
	for _, c := range counts {
		out = append(out, *c)
		if c.Count > max {
			max = c.Count
		}
	}
	slices.SortFunc(out, func(a, b count) int { return strings.Compare(a.ID, b.ID) })
	writeJSON(w, http.StatusOK, map[string]any{"max": max, "unreadcounts": out})
}

// streamParams is a parsed stream request.
type streamParams struct {
	stream      string
	n           int
	cont        int // offset into the matching items
	oldestFirst bool
	olderThan   time.Time
	newerThan   time.Time
	exclude     []string
	include     []string
}

// normStream turns "user/1234/state/..." into "user/-/state/...".
func normStream(id string) string {
	if rest, ok := strings.CutPrefix(id, "user/"); ok {
		if i := strings.IndexByte(rest, '/'); i > 0 {
			return "user/-" + rest[i:]
		}
	}
	return id
}

func parseStream(stream string, q url.Values) (streamParams, error) {
	p := streamParams{stream: normStream(stream), n: 20}
	if v := q.Get("n"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fmt.Errorf("n %q: want a positive number", v)
		}
		p.n = min(n, 10000)
	}
	if v := q.Get("c"); v != "" {
		c, err := strconv.Atoi(v)
		if err != nil || c < 0 {
			return p, fmt.Errorf("c %q: not a continuation this server gave", v)
		}
		p.cont = c
	}
	p.oldestFirst = q.Get("r") == "o"
	for _, tp := range []struct {
		key string
		dst *time.Time
	}{{"ot", &p.olderThan}, {"nt", &p.newerThan}} {
		if v := q.Get(tp.key); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return p, fmt.Errorf("%s %q: want seconds since 1970", tp.key, v)
			}
			*tp.dst = time.Unix(0, int64(f*1e9))
		}
	}
	for _, x := range q["xt"] {
		p.exclude = append(p.exclude, normStream(x))
	}
	for _, x := range q["it"] {
		p.include = append(p.include, normStream(x))
	}
	return p, nil
}

// matches reports whether a canonical item belongs to a stream.
func inStream(stream string, f store.Feed, flags store.Flags) bool {
	switch {
	case stream == stateReading:
		return true
	case stream == stateRead:
		return flags&store.Read != 0
	case stream == stateStarred:
		return flags&store.Starred != 0
	case stream == stateKept:
		return flags&store.Read == 0
	case strings.HasPrefix(stream, feedPrefix):
		return f.URL == stream[len(feedPrefix):]
	case strings.HasPrefix(stream, labelPrefix):
		return f.Category == stream[len(labelPrefix):]
	}
	return false
}

// selectItems returns the page of canonical items of a stream (their
// metadata: the caller reads the text of those it shows) and the
// continuation for the next page ("" on the last).
func (s *Server) selectItems(tx *store.Tx, fc *feedCache, p streamParams) ([]store.ItemMeta, string) {
	var all []store.ItemMeta
	limit := p.cont + p.n + 1
	tx.ItemMetas(store.ItemQuery{}, func(it store.ItemMeta) bool {
		if !p.olderThan.IsZero() && !it.Published.Before(p.olderThan) {
			return true
		}
		if !p.newerThan.IsZero() && !it.Published.After(p.newerThan) {
			return false
		}
		f := fc.get(it.FeedID)
		flags := tx.ItemFlags(user, it.ID)
		if !inStream(p.stream, f, flags) {
			return true
		}
		for _, x := range p.exclude {
			if inStream(x, f, flags) {
				return true
			}
		}
		for _, x := range p.include {
			if !inStream(x, f, flags) {
				return true
			}
		}
		all = append(all, it)
		// Newest first can stop early; oldest first needs them all.
		return p.oldestFirst || len(all) < limit
	})
	if p.oldestFirst {
		slices.Reverse(all)
	}
	if p.cont >= len(all) {
		return nil, ""
	}
	end := min(p.cont+p.n, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return all[p.cont:end], next
}

func longID(id uint64) string { return fmt.Sprintf("%s%016x", itemPrefix, id) }

// parseItemID accepts every form clients send: the long form (padded or
// not), a bare 16-digit hex id, or a signed decimal.
func parseItemID(v string) (uint64, error) {
	v = strings.TrimSpace(v)
	if h, ok := strings.CutPrefix(v, itemPrefix); ok {
		return strconv.ParseUint(h, 16, 64)
	}
	if len(v) == 16 {
		if id, err := strconv.ParseUint(v, 16, 64); err == nil {
			return id, nil
		}
	}
	if d, err := strconv.ParseInt(v, 10, 64); err == nil {
		return uint64(d), nil
	}
	if d, err := strconv.ParseUint(v, 10, 64); err == nil {
		return d, nil
	}
	return 0, fmt.Errorf("item id %q: not a Google Reader item id", v)
}

// grItem is one item in the JSON stream format.
type grItem struct {
	ID            string              `json:"id"`
	CrawlTimeMsec string              `json:"crawlTimeMsec"`
	TimestampUsec string              `json:"timestampUsec"`
	Published     int64               `json:"published"`
	Updated       int64               `json:"updated"`
	Title         string              `json:"title"`
	Author        string              `json:"author,omitempty"`
	Canonical     []map[string]string `json:"canonical"`
	Alternate     []map[string]string `json:"alternate"`
	Summary       map[string]string   `json:"summary"`
	Origin        map[string]string   `json:"origin"`
	Categories    []string            `json:"categories"`
	// Enclosure lists podcast and other media files as Google Reader
	// did: href, type, length (a string).
	Enclosure []map[string]string `json:"enclosure,omitempty"`
}

func (s *Server) grItemOf(tx *store.Tx, fc *feedCache, it store.Item) grItem {
	f := fc.get(it.FeedID)
	flags := tx.ItemFlags(user, it.ID)
	cats := []string{stateReading}
	if flags&store.Read != 0 {
		cats = append(cats, stateRead)
	}
	if flags&store.Starred != 0 {
		cats = append(cats, stateStarred)
	}
	if f.Category != "" {
		cats = append(cats, labelPrefix+f.Category)
	}
	return grItem{
		ID: longID(it.ID), CrawlTimeMsec: strconv.FormatInt(it.FirstSeen.UnixMilli(), 10),
		TimestampUsec: strconv.FormatInt(it.Published.UnixMicro(), 10),
		Published:     it.Published.Unix(), Updated: it.Updated.Unix(), Title: aggregator.DisplayTitle(it), Author: it.Author,
		Canonical:  []map[string]string{{"href": it.URL}},
		Alternate:  []map[string]string{{"href": it.URL, "type": "text/html"}},
		Summary:    map[string]string{"direction": "ltr", "content": s.contentWithCopies(tx, fc, it)},
		Origin:     map[string]string{"streamId": feedPrefix + f.URL, "title": titleOr(f), "htmlUrl": f.SiteURL},
		Categories: cats,
		Enclosure:  grEnclosures(it),
	}
}

func grEnclosures(it store.Item) []map[string]string {
	var out []map[string]string
	for _, e := range enclosuresOf(it) {
		m := map[string]string{"href": e.URL}
		if e.Type != "" {
			m["type"] = e.Type
		}
		if e.Length > 0 {
			m["length"] = strconv.FormatInt(e.Length, 10)
		}
		out = append(out, m)
	}
	return out
}

// contentWithCopies is the sanitised content with the "Also published by"
// footer linking the copies.
func (s *Server) contentWithCopies(tx *store.Tx, fc *feedCache, it store.Item) string {
	content := it.Content
	if content == "" {
		content = it.Summary
	}
	var b strings.Builder
	b.WriteString(s.prepareHTML(content, it.URL))
	var copies []struct{ Title, URL string }
	for _, l := range tx.Copies(it.ID) {
		if c, err := tx.Item(l.Copy); err == nil {
			copies = append(copies, struct{ Title, URL string }{titleOr(fc.get(c.FeedID)), c.URL})
		}
	}
	alsoPublished.Execute(&b, copies)
	return b.String()
}

func (s *Server) grStreamContents(w http.ResponseWriter, r *http.Request) {
	stream, err := streamFromPath(r, "/reader/api/0/stream/contents/")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if stream == "" {
		stream = r.URL.Query().Get("s")
	}
	p, err := parseStream(stream, r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out := map[string]any{"id": p.stream, "updated": time.Now().Unix()}
	items := []grItem{}
	s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		page, next := s.selectItems(tx, fc, p)
		for _, m := range page {
			if it, err := tx.Item(m.ID); err == nil {
				items = append(items, s.grItemOf(tx, fc, it))
			}
		}
		if next != "" {
			out["continuation"] = next
		}
		return nil
	})
	out["items"] = items
	writeJSON(w, http.StatusOK, out)
}

func streamFromPath(r *http.Request, prefix string) (string, error) {
	raw, ok := strings.CutPrefix(r.URL.EscapedPath(), prefix)
	if !ok {
		return "", nil
	}
	s, err := url.PathUnescape(raw)
	if err != nil {
		return "", fmt.Errorf("stream id: %w", err)
	}
	return s, nil
}

func (s *Server) grItemIDs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, err := parseStream(q.Get("s"), q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	type ref struct {
		ID        string   `json:"id"`
		Direct    []string `json:"directStreamIds"`
		Timestamp string   `json:"timestampUsec"`
	}
	refs := []ref{}
	out := map[string]any{}
	s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		page, next := s.selectItems(tx, fc, p)
		for _, it := range page {
			refs = append(refs, ref{ID: strconv.FormatInt(int64(it.ID), 10), Direct: []string{}, Timestamp: strconv.FormatInt(it.Published.UnixMicro(), 10)})
		}
		if next != "" {
			out["continuation"] = next
		}
		return nil
	})
	out["itemRefs"] = refs
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) grItemContents(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	items := []grItem{}
	var bad error
	s.db.View(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		for _, v := range r.Form["i"] {
			id, err := parseItemID(v)
			if err != nil {
				bad = err
				return nil
			}
			it, err := tx.Item(tx.Root(id))
			if err != nil {
				continue
			}
			items = append(items, s.grItemOf(tx, fc, it))
		}
		return nil
	})
	if bad != nil {
		http.Error(w, bad.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": stateReading, "updated": time.Now().Unix(), "items": items})
}

func (s *Server) grEditTag(w http.ResponseWriter, r *http.Request) {
	var ids []uint64
	for _, v := range r.Form["i"] {
		id, err := parseItemID(v)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ids = append(ids, id)
	}
	type op struct {
		flag store.Flags
		on   bool
	}
	var ops []op
	for _, a := range r.Form["a"] {
		switch normStream(a) {
		case stateRead:
			ops = append(ops, op{store.Read, true})
		case stateStarred:
			ops = append(ops, op{store.Starred, true})
		case stateKept, "user/-/state/com.google/tracking-kept-unread":
			ops = append(ops, op{store.Read, false})
		}
	}
	for _, rm := range r.Form["r"] {
		switch normStream(rm) {
		case stateRead:
			ops = append(ops, op{store.Read, false})
		case stateStarred:
			ops = append(ops, op{store.Starred, false})
		}
	}
	err := s.db.Update(func(tx *store.Tx) error {
		for _, id := range ids {
			for _, o := range ops {
				if err := markCluster(tx, id, o.flag, o.on); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		http.Error(w, "edit-tag failed", http.StatusInternalServerError)
		return
	}
	fmt.Fprint(w, "OK")
}

func (s *Server) grMarkAllRead(w http.ResponseWriter, r *http.Request) {
	p, err := parseStream(r.Form.Get("s"), url.Values{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var before time.Time
	if v := r.Form.Get("ts"); v != "" {
		us, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			http.Error(w, "ts: want microseconds", http.StatusBadRequest)
			return
		}
		before = time.UnixMicro(us)
	}
	err = s.db.Update(func(tx *store.Tx) error {
		fc := &feedCache{tx: tx, feeds: map[uint64]store.Feed{}}
		var ids []uint64
		tx.ItemMetas(store.ItemQuery{}, func(it store.ItemMeta) bool {
			if (before.IsZero() || it.Published.Before(before)) && inStream(p.stream, fc.get(it.FeedID), tx.ItemFlags(user, it.ID)) {
				ids = append(ids, it.ID)
			}
			return true
		})
		for _, id := range ids {
			if err := markCluster(tx, id, store.Read, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		http.Error(w, "mark-all-as-read failed", http.StatusInternalServerError)
		return
	}
	fmt.Fprint(w, "OK")
}

// feedChange reads a subscription/edit: t renames, a adds a label (moves
// the feed to that category), r removes it (to no category).
func feedChange(form url.Values) aggregator.FeedChange {
	var ch aggregator.FeedChange
	if t := form.Get("t"); t != "" {
		ch.Title = &t
	}
	if a := form.Get("a"); strings.HasPrefix(normStream(a), labelPrefix) {
		c := strings.TrimPrefix(normStream(a), labelPrefix)
		ch.Category = &c
	} else if rm := form.Get("r"); strings.HasPrefix(normStream(rm), labelPrefix) {
		c := ""
		ch.Category = &c
	}
	return ch
}
