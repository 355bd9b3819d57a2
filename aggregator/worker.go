package aggregator

import (
	"context"
	"errors"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// fetchFeed fetches, parses and prepares one feed. It never returns an
// error: failures are recorded on the feed record the writer saves.
// fetched is called once the response is in (its body read whole), before
// parsing: it frees the feed's slot of its host's connection limit, which
// guards the server, not the cores, so the next feed of a busy host is
// fetched while this one is parsed (with servers 20 ms away, 1000 feeds on
// one host took 17.2-21.0 s holding the slot through parsing and
// 13.5-16.9 s without). The caller calls done once it has handed the result on: until
// then the feed keeps its parsing slot, so no more prepared feeds wait for
// the writer than there are cores (each is several times its feed's size).
func (a *Aggregator) fetchFeed(ctx context.Context, f store.Feed, fetched func()) (_ feedResult, done func()) {
	done = func() {}
	now := a.opts.Now()
	f.LastFetched = now
	f.LastStatus = 0 // set below once a response arrives
	t0 := time.Now()
	resp, err := a.fetcher.Fetch(ctx, f.URL, Validators{ETag: f.ETag, LastModified: f.LastModified})
	fetched()
	a.counters.observeFetch(time.Since(t0))
	if err != nil {
		if ctx.Err() != nil {
			return feedResult{feed: f, cancelled: true}, done
		}
		return a.failed(f, err), done
	}
	res := feedResult{}
	if resp.PermanentRedirect && resp.FinalURL != "" && resp.FinalURL != f.URL {
		res.oldURL = f.URL
		f.URL = resp.FinalURL
	}
	f.LastStatus = resp.Status
	var bodyHash uint64
	if !resp.NotModified {
		bodyHash = hashBody(resp.Body)
	}
	if resp.NotModified || f.BodyHash != 0 && bodyHash == f.BodyHash {
		// A 304, or the very body whose items the last poll stored (a
		// server without validators): nothing to parse or write but the
		// feed's record. The response's validators, if any, describe
		// that same body.
		if !resp.NotModified {
			f.ETag, f.LastModified = resp.ETag, resp.LastModified
			a.fetcher.Release(resp)
		}
		f.LastError, f.Failures = "", 0
		f.NextPoll = now.Add(a.interval(f, nil, 0, resp.MaxAge))
		res.feed, res.notModified = f, true
		return res, done
	}
	az, release, err := a.slots.acquire(ctx, len(resp.Body))
	if err != nil {
		a.fetcher.Release(resp)
		return feedResult{feed: f, cancelled: true}, done
	}
	done = release
	parsed, err := Parse(resp.Body, resp.ContentType, f.URL, now)
	a.fetcher.Release(resp) // parsed holds copies of what it needs
	if err != nil {
		return a.failed(f, err), done
	}
	// Validators and body hash go with the items, in the writer's
	// transaction; apply keeps the stored ones if this result fails.
	f.ETag, f.LastModified, f.BodyHash = resp.ETag, resp.LastModified, bodyHash
	if parsed.Title != "" && !f.UserTitle {
		f.Title = parsed.Title
	}
	if parsed.SiteURL != "" {
		f.SiteURL = parsed.SiteURL
	}
	f.LastError, f.Failures = "", 0
	pub := make([]time.Time, 0, len(parsed.Items))
	for _, it := range parsed.Items {
		pub = append(pub, it.Published)
	}
	f.Interval = a.interval(f, pub, parsed.TTL, resp.MaxAge)
	f.NextPoll = now.Add(f.Interval)
	res.feed = f
	if err := a.prepare(az, &res, parsed.Items, parsed.AltKeys); err != nil {
		return a.failed(f, err), done
	}
	return res, done
}

// prepare drops unchanged items, learns the feed's boilerplate from the new
// ones, signs them and encodes each new item's record. It runs on a worker,
// so this CPU work spreads over all cores while the single writer only
// links and stores.
//
// The texts analysed with az are dropped before it returns; the signatures
// kept in res share no memory with them.
//
// altKeys (ParsedFeed.AltKeys) name where an entry may be stored already
// under its other key: found there unchanged, it is skipped.
func (a *Aggregator) prepare(az *dedupe.Analyzer, res *feedResult, items []store.Item, altKeys []AltKey) error {
	f := res.feed
	var bpState []byte
	res.items = make([]prepared, 0, len(items))
	err := a.db.View(func(tx *store.Tx) error {
		for i, it := range items {
			id, hash, ok := tx.ItemIDByKey(f.ID, it.Key)
			if ok && (hash == it.Hash || hash == legacyContentHash(it)) {
				continue // unchanged (stored by this version, or an earlier one)
			}
			if !ok && i < len(altKeys) && altKeys[i] != NoAlt {
				if _, hash, ok := tx.ItemIDByKey(f.ID, altKey(it, altKeys[i])); ok && hash == it.Hash {
					continue // unchanged, stored under its other key
				}
			}
			it.FeedID = f.ID
			res.items = append(res.items, prepared{item: it, existing: id})
		}
		if len(res.items) > 0 {
			bpState = tx.Boilerplate(f.ID)
		}
		return nil
	})
	a.releaseMapped() // the item-key lookups mapped pages; see applyBatch
	if err != nil || len(res.items) == 0 {
		return err
	}
	bp := a.boilerplate(bpState, f.URL)
	site := siteOf(f)
	// Learn from every new item first, so the first poll of a feed
	// already strips what its items share; then sign.
	if len(res.items) > analyzeChunk {
		if err := a.prepareInChunks(az, res, bp, site, analyzeChunk); err != nil {
			return err
		}
	} else {
		texts := make([]*dedupe.Text, len(res.items))
		for i, p := range res.items {
			texts[i] = az.Analyze(docOf(p.item, site))
			if p.existing == 0 {
				bp.ObserveText(texts[i])
			}
		}
		// The bodies go before signing, which needs only the texts.
		if err := a.encodeFresh(res); err != nil {
			return err
		}
		for i := range res.items {
			if err := a.sign(&res.items[i], texts[i], bp); err != nil {
				return err
			}
		}
	}
	state, err := bp.MarshalBinary()
	if err != nil {
		return err
	}
	res.boilerplate = state
	return nil
}

// analyzeChunk is the most items prepare analyses at once. Analysed
// texts take about ten times their item's text, and all of a feed's are
// held from learning to signing: a podcast archive of 5,000 items (a 9.4
// MB feed) peaked at 102 MB on its first poll. Past this many new items,
// a feed is read twice, a chunk at a time: once to learn its
// boilerplate, once to sign (prepareInChunks).
const analyzeChunk = 256

// prepareInChunks is prepare's learning, signing and encoding for a feed
// of more than chunk items, with at most chunk analysed texts alive.
func (a *Aggregator) prepareInChunks(az *dedupe.Analyzer, res *feedResult, bp *dedupe.Boilerplate, site string, chunk int) error {
	for i, p := range res.items {
		if p.existing == 0 {
			bp.ObserveText(az.Analyze(docOf(p.item, site)))
		}
		if (i+1)%chunk == 0 {
			az.Reset()
		}
	}
	az.Reset()
	for i := range res.items {
		p := &res.items[i]
		if err := a.sign(p, az.Analyze(docOf(p.item, site)), bp); err != nil {
			return err
		}
		if (i+1)%chunk == 0 {
			az.Reset()
		}
	}
	return a.encodeFresh(res)
}

// encodeFresh encodes the new items' records (store.DB.EncodeItems): their
// bodies are compressed together, as read together they share most of
// their words. Each item's text goes once its record has it.
func (a *Aggregator) encodeFresh(res *feedResult) error {
	var fresh []store.Item
	for _, p := range res.items {
		if p.existing == 0 {
			fresh = append(fresh, p.item)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	enc, err := a.db.EncodeItems(fresh)
	if err != nil {
		return err
	}
	j := 0
	for i := range res.items {
		if p := &res.items[i]; p.existing == 0 {
			p.enc = enc[j]
			p.item = store.Item{}
			j++
		}
	}
	return nil
}

// boilerplate decodes a feed's stored boilerplate model (nil: none yet).
// An unreadable one is logged and replaced by an empty model: the feed
// relearns what it repeats, and nothing else is lost.
func (a *Aggregator) boilerplate(state []byte, feedURL string) *dedupe.Boilerplate {
	bp := dedupe.NewBoilerplate(a.opts.Dedupe)
	if state == nil {
		return bp
	}
	if err := bp.UnmarshalBinary(state); err != nil {
		a.log.Warn("discarding unreadable boilerplate state", "feed_url", feedURL, "error", err)
		return dedupe.NewBoilerplate(a.opts.Dedupe)
	}
	return bp
}

// sign fills p's signature from its analysed text.
func (a *Aggregator) sign(p *prepared, t *dedupe.Text, bp *dedupe.Boilerplate) error {
	p.sig = dedupe.SignText(a.opts.Dedupe, t, bp)
	b, err := p.sig.MarshalBinary()
	if err != nil {
		return err
	}
	p.sigBytes = b
	return nil
}

func docOf(it store.Item, site string) dedupe.Doc {
	html := it.Content
	if len(html) < len(it.Summary) {
		html = it.Summary
	}
	return dedupe.Doc{Title: it.Title, HTML: html, URL: it.URL, FeedSite: site, SourceURL: it.SourceURL}
}

// failed records a fetch or parse failure on the feed and schedules the
// retry with exponential backoff (Retry-After as a floor); 410 Gone
// disables the feed for good.
func (a *Aggregator) failed(f store.Feed, err error) feedResult {
	now := a.opts.Now()
	f.LastFetched = now
	f.LastError = err.Error()
	f.Failures++
	var retryAfter time.Duration
	var se *StatusError
	if errors.As(err, &se) {
		f.LastStatus = se.Code
		retryAfter = se.RetryAfter
		if se.Code == 410 {
			f.Disabled = true
		}
	}
	f.NextPoll = now.Add(Backoff(f.Failures, retryAfter, a.opts.MinInterval, a.opts.MaxInterval, a.jitter))
	return feedResult{feed: f, err: err}
}

// interval is the adaptive polling interval for a feed that just answered.
func (a *Aggregator) interval(f store.Feed, published []time.Time, ttl, maxAge time.Duration) time.Duration {
	if published == nil && f.Interval > 0 {
		return f.Interval
	}
	return NextInterval(IntervalParams{
		Min:       a.opts.MinInterval,
		Max:       a.opts.MaxInterval,
		Published: published,
		TTL:       ttl,
		MaxAge:    maxAge,
		Jitter:    a.jitter,
	})
}

// readsVersion names what parsing and normalising make of a body. It is
// part of the body hash: bump it when a change makes the same bytes yield
// other items (a fix that keeps entries it dropped), so that bodies stored
// before are read again instead of being skipped as unchanged.
const readsVersion = "feedfold-reads-1"

// hashBody is the hash Feed.BodyHash keeps of a stored body.
func hashBody(body []byte) uint64 {
	var d xxhash.Digest
	d.Reset()
	d.Write(body)
	d.WriteString(readsVersion)
	return d.Sum64()
}
