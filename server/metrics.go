package server

import (
	"fmt"
	"net/http"

	"github.com/feedfold/feedfold/store"
)

// metrics writes the Prometheus text exposition format.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	var feeds, items, copies int
	s.db.View(func(tx *store.Tx) error {
		fs, _ := tx.Feeds()
		feeds, items, copies = len(fs), tx.CountItems(), tx.CountLinks()
		return nil
	})
	st := s.agg.Stats()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	ready := 0
	if st.Prepared {
		ready = 1
	}
	p("# HELP feedfold_ready 1 once the fingerprint index is loaded and polling runs; 0 while it is prepared (after an upgrade, stored items are signed again first).\n# TYPE feedfold_ready gauge\nfeedfold_ready %d\n", ready)
	p("# HELP feedfold_feeds Subscribed feeds.\n# TYPE feedfold_feeds gauge\nfeedfold_feeds %d\n", feeds)
	p("# HELP feedfold_items Stored items, copies included.\n# TYPE feedfold_items gauge\nfeedfold_items %d\n", items)
	p("# HELP feedfold_duplicates Stored items linked as copies of another.\n# TYPE feedfold_duplicates gauge\nfeedfold_duplicates %d\n", copies)
	p("# HELP feedfold_polls_total Feed fetches by outcome since start.\n# TYPE feedfold_polls_total counter\n")
	p("feedfold_polls_total{outcome=\"fetched\"} %d\nfeedfold_polls_total{outcome=\"not_modified\"} %d\nfeedfold_polls_total{outcome=\"failed\"} %d\n",
		st.PollsFetched, st.PollsNotModified, st.PollsFailed)
	p("# HELP feedfold_new_items_total Items stored since start.\n# TYPE feedfold_new_items_total counter\nfeedfold_new_items_total %d\n", st.NewItems)
	p("# HELP feedfold_duplicates_linked_total Items linked to an original since start.\n# TYPE feedfold_duplicates_linked_total counter\nfeedfold_duplicates_linked_total %d\n", st.DuplicatesLinked)
	p("# HELP feedfold_fetch_duration_seconds Feed fetch latency.\n# TYPE feedfold_fetch_duration_seconds histogram\n")
	for i, b := range st.FetchBounds {
		p("feedfold_fetch_duration_seconds_bucket{le=\"%g\"} %d\n", b, st.FetchBuckets[i])
	}
	n := st.FetchBuckets[len(st.FetchBuckets)-1]
	p("feedfold_fetch_duration_seconds_bucket{le=\"+Inf\"} %d\nfeedfold_fetch_duration_seconds_sum %g\nfeedfold_fetch_duration_seconds_count %d\n", n, st.FetchSeconds, n)
}
