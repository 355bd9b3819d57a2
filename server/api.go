package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/opml"
	"github.com/feedfold/feedfold/store"
)

// user is the single account's id in the per-user state: 0 until user
// records exist (store keys state by user, so more users need no migration).
const user = 0

func (s *Server) routesAPI(mux *http.ServeMux) {
	h := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, s.auth(fn)) }
	h("GET /v1/feeds", s.listFeeds)
	h("POST /v1/feeds", s.addFeed)
	h("GET /v1/feeds/{id}", s.getFeed)
	h("PATCH /v1/feeds/{id}", s.patchFeed)
	h("DELETE /v1/feeds/{id}", s.deleteFeed)
	h("POST /v1/feeds/{id}/refresh", s.refreshFeed)
	h("GET /v1/items", s.listItems)
	h("GET /v1/items/{id}", s.getItem)
	h("PUT /v1/items/{id}/read", s.setFlag(store.Read, true))
	h("DELETE /v1/items/{id}/read", s.setFlag(store.Read, false))
	h("PUT /v1/items/{id}/star", s.setFlag(store.Starred, true))
	h("DELETE /v1/items/{id}/star", s.setFlag(store.Starred, false))
	mux.Handle("GET /v1/opml", s.authOrToken(http.HandlerFunc(s.exportOPML))) // OPML-URL clients use the token
	h("POST /v1/opml", s.importOPML)
	h("GET /v1/backup", s.backup)
}

// feedOut is a feed in API responses.
type feedOut struct {
	ID          uint64     `json:"id"`
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	SiteURL     string     `json:"site_url"`
	Category    string     `json:"category"`
	Dedupe      string     `json:"dedupe"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	LastFetched *time.Time `json:"last_fetched"`
	NextPoll    *time.Time `json:"next_poll"`
	Disabled    bool       `json:"disabled"`
	Items       int        `json:"items"`
}

func feedOf(tx *store.Tx, f store.Feed) feedOut {
	t := func(v time.Time) *time.Time {
		if v.IsZero() {
			return nil
		}
		v = v.UTC()
		return &v
	}
	d := f.Dedupe
	if d == "" {
		d = "on"
	}
	return feedOut{ID: f.ID, URL: f.URL, Title: f.Title, SiteURL: f.SiteURL, Category: f.Category, Dedupe: d,
		LastStatus: f.LastStatus, LastError: f.LastError, LastFetched: t(f.LastFetched), NextPoll: t(f.NextPoll),
		Disabled: f.Disabled, Items: tx.CountFeedItems(f.ID)}
}

func pathID(r *http.Request) (uint64, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("id %q: want a positive decimal integer", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) listFeeds(w http.ResponseWriter, r *http.Request) {
	out := []feedOut{}
	err := s.db.View(func(tx *store.Tx) error {
		fs, err := tx.Feeds()
		for _, f := range fs {
			out = append(out, feedOf(tx, f))
		}
		return err
	})
	if err != nil {
		writeError(w, statusOf(err), errors.New("listing feeds failed"))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getFeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	var out feedOut
	err = s.db.View(func(tx *store.Tx) error {
		f, err := tx.Feed(id)
		out = feedOf(tx, f)
		return err
	})
	if err != nil {
		writeError(w, statusOf(err), fmt.Errorf("feed %d: %w", id, store.ErrNotFound))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	return nil
}

func (s *Server) addFeed(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL      string `json:"url"`
		Category string `json:"category"`
	}
	if err := decodeBody(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if !strings.HasPrefix(in.URL, "http://") && !strings.HasPrefix(in.URL, "https://") {
		writeError(w, http.StatusBadRequest, errors.New("url: an http or https URL is required"))
		return
	}
	sub, err := s.agg.Subscribe(r.Context(), in.URL, in.Category)
	switch {
	case errors.Is(err, store.ErrExists):
		writeError(w, http.StatusConflict, fmt.Errorf("already subscribed to %s", in.URL))
		return
	case errors.Is(err, aggregator.ErrPreparing):
		writeError(w, http.StatusServiceUnavailable, err)
		return
	case err != nil:
		// The feed could not be fetched or found: the request is what is wrong.
		writeError(w, http.StatusUnprocessableEntity, err)
		return
	}
	var out feedOut
	s.db.View(func(tx *store.Tx) error { out = feedOf(tx, sub.Feed); return nil })
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) patchFeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	var in struct {
		Title    *string `json:"title"`
		Category *string `json:"category"`
		Dedupe   *string `json:"dedupe"`
	}
	if err := decodeBody(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if in.Dedupe != nil && !aggregator.ValidDedupe(*in.Dedupe) {
		writeError(w, http.StatusBadRequest, fmt.Errorf("dedupe %q: want on, off, original or never-original", *in.Dedupe))
		return
	}
	var url string
	if err := s.db.View(func(tx *store.Tx) error { f, err := tx.Feed(id); url = f.URL; return err }); err != nil {
		writeError(w, statusOf(err), fmt.Errorf("feed %d: %w", id, store.ErrNotFound))
		return
	}
	f, err := s.agg.UpdateFeed(r.Context(), url, aggregator.FeedChange{Dedupe: in.Dedupe, Category: in.Category, Title: in.Title})
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	var out feedOut
	s.db.View(func(tx *store.Tx) error { out = feedOf(tx, f); return nil })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteFeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if err := s.agg.Unsubscribe(r.Context(), id); err != nil {
		writeError(w, statusOf(err), fmt.Errorf("feed %d: %w", id, err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) refreshFeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	sum, err := s.agg.PollFeed(r.Context(), id)
	if err != nil {
		writeError(w, statusOf(err), fmt.Errorf("feed %d: %w", id, err))
		return
	}
	if sum.Failed == nil {
		sum.Failed = []aggregator.Failure{}
	}
	writeJSON(w, http.StatusOK, sum)
}

func (s *Server) exportOPML(w http.ResponseWriter, r *http.Request) {
	var subs []opml.Subscription
	err := s.db.View(func(tx *store.Tx) error {
		fs, err := tx.Feeds()
		for _, f := range fs {
			subs = append(subs, opml.Subscription{URL: f.URL, Title: f.Title, SiteURL: f.SiteURL, Category: f.Category, Dedupe: f.Dedupe})
		}
		return err
	})
	if err != nil {
		writeError(w, statusOf(err), errors.New("export failed"))
		return
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, "feedfold subscriptions", subs, time.Now()); err != nil {
		writeError(w, http.StatusInternalServerError, errors.New("export failed"))
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *Server) importOPML(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, statusOf(err), fmt.Errorf("request body: %w", err))
		return
	}
	subs, problems, err := opml.Parse(bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	added, known := 0, 0
	err = s.db.Update(func(tx *store.Tx) error {
		added, known = 0, 0
		for _, sub := range subs {
			f := store.Feed{URL: sub.URL, Title: sub.Title, SiteURL: sub.SiteURL, Category: sub.Category, Dedupe: sub.Dedupe}
			switch err := tx.AddFeed(&f); {
			case errors.Is(err, store.ErrExists):
				known++
			case err != nil:
				return err
			default:
				added++
			}
		}
		return nil
	})
	if err != nil {
		writeError(w, statusOf(err), errors.New("import failed"))
		return
	}
	skipped := []opml.Problem{}
	skipped = append(skipped, problems...)
	writeJSON(w, http.StatusOK, map[string]any{"added": added, "already_subscribed": known, "skipped": skipped})
}

// backup streams a consistent copy of the database (one read transaction;
// writers continue meanwhile): how `feedfold backup` works while serve
// holds the file.
func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="feedfold.db"`)
	if _, err := s.db.Backup(w); err != nil {
		s.log.Error("backup failed", "error", err)
	}
}
