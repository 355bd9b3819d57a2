package aggregator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// Options configure an Aggregator. Zero values take the documented defaults.
type Options struct {
	Fetch FetchOptions
	// Workers bounds concurrent fetches across all hosts (default 8: enough
	// to hide network latency, few enough that parsing keeps both cores busy
	// without thrashing).
	Workers int
	// PerHost bounds concurrent fetches to one host (default 2), so 500
	// feeds on one server are fetched politely.
	PerHost int
	// MinInterval and MaxInterval bound the adaptive polling interval
	// (defaults 15 minutes and 24 hours).
	MinInterval, MaxInterval time.Duration
	// RetentionDays drops items first seen longer ago (0 keeps forever);
	// RetentionItems keeps at most this many items per feed (0: no cap).
	// Starred items are never dropped.
	RetentionDays  int
	RetentionItems int
	// Dedupe holds the near-duplicate thresholds.
	Dedupe dedupe.Config
	// DedupeScope is the deduplication scope of categories without a
	// setting of their own: "all" (default), "category" or "off".
	DedupeScope string
	// BatchFeeds is how many fetched feeds one write transaction applies at
	// most (default 64): one commit and its two fsyncs per batch rather
	// than per feed. Feeds that answered 304 only update their own record,
	// so an all-304 poll of 1000 feeds commits 16 times; feeds with new
	// items reach BatchItems first.
	BatchFeeds int
	// BatchItems ends a batch early once it holds this many new or changed
	// items (default 100): a transaction's dirty pages, held in memory
	// until commit, grow with its items. In a 1000-feed first poll (50
	// items a feed), 800 peaked 5 MiB higher than 200, and 200 peaked
	// 44.0–47.5 MiB against 43.5–45.2 at 100 over four alternating runs,
	// for the same time.
	BatchItems int
	// BatchLinger is how long a partly filled batch waits for the next
	// fetched feed before it is committed anyway (default 20ms).
	BatchLinger time.Duration
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.PerHost <= 0 {
		o.PerHost = 2
	}
	if o.MinInterval <= 0 {
		o.MinInterval = 15 * time.Minute
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = 24 * time.Hour
	}
	if o.MaxInterval < o.MinInterval {
		o.MaxInterval = o.MinInterval
	}
	if o.BatchFeeds <= 0 {
		o.BatchFeeds = 64
	}
	if o.BatchItems <= 0 {
		o.BatchItems = 100
	}
	if o.BatchLinger <= 0 {
		o.BatchLinger = 20 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Dedupe.K == 0 {
		o.Dedupe = dedupe.DefaultConfig()
	}
	if o.DedupeScope == "" {
		o.DedupeScope = dedupe.ScopeAll
	}
}

// Aggregator polls feeds into a store. One Aggregator owns a database: it
// keeps the in-memory fingerprint index that mirrors the stored signatures,
// so two Aggregators must not write the same database.
type Aggregator struct {
	db      *store.DB
	fetcher *Fetcher
	opts    Options
	log     *slog.Logger

	// pollMu serialises poll runs: the scheduler and a manual refresh never
	// fetch the same feed twice at once.
	pollMu sync.Mutex

	// indexMu guards index. The writer mutates it; nothing else reads it
	// concurrently today, but the HTTP API's "explain" will.
	indexMu sync.Mutex
	index   *dedupe.Index

	rndMu sync.Mutex
	rnd   *rand.Rand

	// slots gates parsing and signing to one feed per core (parseSlots).
	slots *parseSlots

	counters counters

	// prepOnce runs Prepare once; prepDone is closed when it has, with
	// prepErr its result.
	prepOnce sync.Once
	prepDone chan struct{}
	prepErr  error
}

// ErrPreparing is returned by the methods that fetch, store or unlink
// items of an Aggregator built by Open whose Prepare has not finished:
// they need the fingerprint index. The HTTP API answers it with 503 and
// Retry-After.
var ErrPreparing = errors.New("feedfold is preparing its fingerprint index (after an upgrade it signs stored items again first); try again shortly")

// New builds an Aggregator over db and prepares it (Prepare): what a
// command that polls or subscribes once needs.
func New(ctx context.Context, db *store.DB, opts Options, log *slog.Logger) (*Aggregator, error) {
	a, err := Open(db, opts, log)
	if err != nil {
		return nil, err
	}
	if err := a.Prepare(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Open builds an Aggregator over db without loading its fingerprint index:
// until Prepare (or Run, which calls it) has finished, Poll, PollFeed,
// Subscribe, Unsubscribe, UpdateFeed, SetCategoryScope and Purge return
// ErrPreparing. serve opens this way so that reader apps are answered from
// the first second, while the first start after an upgrade signs every
// stored item again (about half a minute per 200,000 items) and a large
// index loads.
func Open(db *store.DB, opts Options, log *slog.Logger) (*Aggregator, error) {
	opts.setDefaults()
	if err := opts.Dedupe.Validate(); err != nil {
		return nil, fmt.Errorf("dedupe config: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Aggregator{
		db:       db,
		fetcher:  NewFetcher(opts.Fetch),
		opts:     opts,
		log:      log,
		rnd:      rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed)),
		prepDone: make(chan struct{}),
	}
	a.slots = newParseSlots(runtime.GOMAXPROCS(0))
	return a, nil
}

// Prepare loads the fingerprint index from the stored signatures, first
// signing stored items again if this version reads text differently from
// the one that signed them (resignStale), and then linking the stored
// items that are alone if they were (linkAlone). It runs once: later and
// concurrent calls wait for and return the first call's result, so an
// Aggregator whose preparation was cancelled stays unprepared (the next
// start does the work again).
func (a *Aggregator) Prepare(ctx context.Context) error {
	a.prepOnce.Do(func() {
		a.prepErr = a.prepareIndex(ctx)
		close(a.prepDone)
	})
	return a.prepErr
}

// ready returns nil once Prepare has succeeded, ErrPreparing while it has
// not finished, or the error it failed with (no longer ErrPreparing: it
// will not be retried by this Aggregator).
func (a *Aggregator) ready() error {
	select {
	case <-a.prepDone:
		if a.prepErr != nil {
			return fmt.Errorf("fingerprint index not prepared: %w", a.prepErr)
		}
		return nil
	default:
		return ErrPreparing
	}
}

func (a *Aggregator) prepareIndex(ctx context.Context) error {
	resigned, err := a.resignStale(ctx)
	if err != nil {
		return err
	}
	if err := a.loadIndex(ctx); err != nil {
		return err
	}
	if resigned {
		if err := a.linkAlone(ctx); err != nil {
			return err
		}
		if err := a.recordReading(); err != nil {
			return err
		}
	}
	return nil
}

// loadIndex rebuilds the in-memory fingerprint index from the sigs bucket.
// It reads in chunks, one read transaction each, releasing the mapped
// database pages between them: signatures are interleaved with item pages
// in the file, and reading all of them at once mapped most of the file.
func (a *Aggregator) loadIndex(ctx context.Context) error {
	const chunk = 4096
	start := time.Now()
	idx := dedupe.NewIndex(a.opts.Dedupe)
	n := 0
	var s dedupe.Signature // reused: UnmarshalIndexed keeps its slices
	for from, more := uint64(0), true; more; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("load fingerprint index: %w", err)
		}
		err := a.db.View(func(tx *store.Tx) error {
			next, err := tx.SignaturesFrom(from, chunk, func(id uint64, b []byte) error {
				if err := s.UnmarshalIndexed(b); err != nil {
					a.log.Warn("skipping unreadable signature", "item_id", id, "error", err)
					return nil
				}
				idx.Load(id, s) // bulk path: one Rebuild below, no per-item overflow
				n++
				return nil
			})
			from, more = next, next != 0
			return err
		})
		if err != nil {
			return fmt.Errorf("load fingerprint index: %w", err)
		}
		a.releaseMapped()
	}
	idx.Rebuild()
	a.index = idx
	a.log.Debug("fingerprint index loaded", "items", n, "duration", time.Since(start))
	return nil
}

// releaseMapped drops the database pages this process has mapped (see
// store.DB.ReleaseMapped): reading signatures or committing a batch maps
// far more of the file than it touches. A failure costs only memory.
func (a *Aggregator) releaseMapped() {
	if err := a.db.ReleaseMapped(); err != nil {
		a.log.Warn("could not release mapped database pages", "error", err)
	}
}

// jitter returns a float in [0,1) from the aggregator's own source.
func (a *Aggregator) jitter() float64 {
	a.rndMu.Lock()
	defer a.rndMu.Unlock()
	return a.rnd.Float64()
}
