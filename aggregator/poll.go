package aggregator

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// Failure is one feed that could not be fetched or parsed.
type Failure struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// Summary reports one poll run. Items are counted only once they are
// committed to the database.
type Summary struct {
	Feeds       int       `json:"feeds"`        // feeds attempted
	Fetched     int       `json:"fetched"`      // answered 200 and parsed
	NotModified int       `json:"not_modified"` // answered 304, or 200 with the body whose items are stored
	Failed      []Failure `json:"failed"`
	NewItems    int       `json:"new_items"`
	Updated     int       `json:"updated_items"` // seen again with changed content
	Linked      int       `json:"duplicates_linked"`
}

// Progress is called after each feed is committed, with the count of feeds
// done and the total of the run. It may be nil.
type Progress func(done, total int)

// Poll fetches every due feed (all enabled feeds when all is true) once and
// stores what is new. It returns an error only when feedfold itself cannot
// work (the database fails); feeds that fail are listed in the Summary and
// recorded against each feed.
func (a *Aggregator) Poll(ctx context.Context, all bool, progress Progress) (Summary, error) {
	if err := a.ready(); err != nil {
		return Summary{}, err
	}
	a.pollMu.Lock()
	defer a.pollMu.Unlock()

	var feeds []store.Feed
	now := a.opts.Now()
	err := a.db.View(func(tx *store.Tx) error {
		fs, err := tx.Feeds()
		for _, f := range fs {
			if f.Disabled {
				continue
			}
			if all || !f.NextPoll.After(now) {
				feeds = append(feeds, f)
			}
		}
		return err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("list feeds: %w", err)
	}
	return a.pollFeeds(ctx, interleaveHosts(feeds), progress)
}

// PollFeed fetches one feed now, whatever its schedule.
func (a *Aggregator) PollFeed(ctx context.Context, feedID uint64) (Summary, error) {
	if err := a.ready(); err != nil {
		return Summary{}, err
	}
	a.pollMu.Lock()
	defer a.pollMu.Unlock()
	var f store.Feed
	if err := a.db.View(func(tx *store.Tx) (err error) { f, err = tx.Feed(feedID); return err }); err != nil {
		return Summary{}, err
	}
	return a.pollFeeds(ctx, []store.Feed{f}, nil)
}

func (a *Aggregator) pollFeeds(ctx context.Context, feeds []store.Feed, progress Progress) (Summary, error) {
	sum := Summary{Feeds: len(feeds)}
	if len(feeds) == 0 {
		return sum, nil
	}
	jobs := make(chan store.Feed)
	// A short queue: a finished feed waits for the writer holding all its
	// items, so a long one only adds memory.
	results := make(chan feedResult, 2)
	hosts := newHostLimiter(a.opts.PerHost)

	var wg sync.WaitGroup
	workers := min(a.opts.Workers, len(feeds))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				release, err := hosts.acquire(ctx, hostOf(f.URL))
				if err != nil {
					results <- feedResult{feed: f, cancelled: true}
					continue
				}
				r, done := a.fetchFeed(ctx, f, release)
				results <- r
				done()
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, f := range feeds {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	// The writer: this goroutine. It drains results into batched write
	// transactions so an fsync covers many feeds.
	done := 0
	cancelled := 0 // of done: feeds the cancellation stopped mid-fetch
	var werr error
	batch := make([]feedResult, 0, a.opts.BatchFeeds)
	batchItems := 0 // new or changed items in batch
	flush := func() {
		if len(batch) == 0 || werr != nil {
			batch, batchItems = batch[:0], 0
			return
		}
		st, err := a.applyBatch(batch)
		if err != nil {
			werr = err
		}
		sum.add(st)
		a.counters.add(st)
		done += len(batch)
		if progress != nil {
			progress(done, len(feeds))
		}
		batch, batchItems = batch[:0], 0
	}
	// A batch is committed when it is full (BatchFeeds feeds or
	// BatchItems items), or when no further feed has arrived within
	// BatchLinger of the last one (or the poll is over), so a feed that
	// arrives alone waits at most that long. Committing whenever the queue
	// was momentarily empty gave 915 commits for 1000 feeds in a large
	// poll: the writer spent 6.9 of its 11 s committing, two fsyncs and
	// the rewritten index pages each time, and the cores idled while it
	// waited on the disk.
	linger := time.NewTimer(a.opts.BatchLinger)
	linger.Stop()
	for open := true; open; {
		select {
		case r, ok := <-results:
			if !ok {
				open = false
				break
			}
			if r.cancelled {
				cancelled++
			}
			batch = append(batch, r)
			batchItems += len(r.items)
			if len(batch) >= a.opts.BatchFeeds || batchItems >= a.opts.BatchItems {
				flush()
			}
			linger.Reset(a.opts.BatchLinger)
		case <-linger.C:
			flush()
		}
	}
	linger.Stop()
	flush()
	if werr != nil {
		return sum, werr
	}
	if err := ctx.Err(); err != nil && (done < len(feeds) || cancelled > 0) {
		return sum, fmt.Errorf("poll interrupted after %d of %d feeds: %w", done-cancelled, len(feeds), err)
	}
	return sum, nil
}

func (s *Summary) add(o Summary) {
	s.Fetched += o.Fetched
	s.NotModified += o.NotModified
	s.Failed = append(s.Failed, o.Failed...)
	s.NewItems += o.NewItems
	s.Updated += o.Updated
	s.Linked += o.Linked
}

// hostLimiter caps concurrent fetches per host.
type hostLimiter struct {
	mu    sync.Mutex
	per   int
	slots map[string]chan struct{}
}

func newHostLimiter(per int) *hostLimiter {
	return &hostLimiter{per: per, slots: make(map[string]chan struct{})}
}

func (h *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	h.mu.Lock()
	ch, ok := h.slots[host]
	if !ok {
		ch = make(chan struct{}, h.per)
		h.slots[host] = ch
	}
	h.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Hostname())
}

// interleaveHosts orders feeds round-robin by host, so that workers blocked
// on one busy host's limit are rare and other hosts are not starved.
func interleaveHosts(feeds []store.Feed) []store.Feed {
	byHost := map[string][]store.Feed{}
	var hosts []string
	for _, f := range feeds {
		h := hostOf(f.URL)
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], f)
	}
	sort.SliceStable(hosts, func(i, j int) bool { return len(byHost[hosts[i]]) > len(byHost[hosts[j]]) })
	out := make([]store.Feed, 0, len(feeds))
	for len(out) < len(feeds) {
		for _, h := range hosts {
			if q := byHost[h]; len(q) > 0 {
				out = append(out, q[0])
				byHost[h] = q[1:]
			}
		}
	}
	return out
}

// feedResult is what a worker hands the writer: the feed record as it
// should be saved, and the prepared items.
type feedResult struct {
	feed        store.Feed
	oldURL      string
	items       []prepared
	boilerplate []byte // new learned state, nil when unchanged
	notModified bool
	err         error // fetch or parse failure, already recorded in feed
	// cancelled is set when shutdown interrupted the fetch: nothing about
	// the feed is written, so it is simply polled again next time.
	cancelled bool
}

type prepared struct {
	item     store.Item        // a changed item (existing != 0); empty for a new one, which enc holds
	existing uint64            // id of the stored item with the same key, 0 when new
	enc      store.EncodedItem // a new item's record, encoded by the worker
	sig      dedupe.Signature
	sigBytes []byte
}

var errRedirectConflict = errors.New("redirect target is already subscribed")
