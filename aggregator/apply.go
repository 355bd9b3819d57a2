package aggregator

import (
	"errors"
	"fmt"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// indexOp journals a change to the in-memory index made inside a write
// transaction, so it can be undone if the transaction does not commit.
type indexOp struct {
	add bool
	id  uint64
	sig dedupe.Signature
}

// applyBatch writes a batch of fetched feeds in one transaction. If that
// transaction fails, each feed is retried alone so one bad feed cannot keep
// the others out; a feed that still fails is recorded as failed with its
// validators cleared (so the next poll fetches it in full rather than
// getting a 304 for items that were never stored). The returned error is
// non-nil only when the database itself cannot be written.
func (a *Aggregator) applyBatch(batch []feedResult) (Summary, error) {
	a.indexMu.Lock()
	defer a.indexMu.Unlock()

	var (
		sum     Summary
		journal []indexOp
	)
	err := a.db.Update(func(tx *store.Tx) error {
		sum, journal = Summary{}, journal[:0]
		for _, r := range batch {
			st, err := a.apply(tx, r, &journal)
			if err != nil {
				return err
			}
			// Each feed's writes touch pages all over the file (random
			// keys), and the kernel maps ~14 cached neighbours per page
			// touched: released per feed, not per batch, that is a few
			// MiB of resident set less at the peak of a large poll. Safe
			// mid-transaction: only this goroutine could remap the file.
			a.releaseMapped()
			sum.add(st)
		}
		return nil
	})
	if err == nil {
		return sum, nil
	}
	a.undo(journal)
	if len(batch) == 1 {
		return a.recordStoreFailure(batch[0], err)
	}
	sum = Summary{}
	for _, r := range batch {
		st, err := a.applyBatch([]feedResult{r})
		sum.add(st)
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}

func (a *Aggregator) recordStoreFailure(r feedResult, cause error) (Summary, error) {
	a.log.Error("storing feed failed", "feed_url", r.feed.URL, "error", cause)
	f := r.feed
	f.ETag, f.LastModified = "", ""
	f.LastError = fmt.Sprintf("store: %v", cause)
	f.Failures++
	err := a.db.Update(func(tx *store.Tx) error {
		cur, err := tx.Feed(f.ID)
		if err != nil {
			return err
		}
		cur.ETag, cur.LastModified = "", ""
		cur.LastError, cur.Failures, cur.LastFetched = f.LastError, f.Failures, f.LastFetched
		cur.NextPoll = f.NextPoll
		return tx.PutFeed(cur)
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Summary{}, fmt.Errorf("database unwritable: %w", err)
	}
	return Summary{Failed: []Failure{{URL: f.URL, Reason: f.LastError}}}, nil
}

func (a *Aggregator) undo(journal []indexOp) {
	for i := len(journal) - 1; i >= 0; i-- {
		op := journal[i]
		if op.add {
			a.index.Remove(op.id, op.sig)
		} else {
			a.index.Add(op.id, op.sig)
		}
	}
}

// apply writes one fetched feed: its items, their links and the feed record
// (validators included) in the caller's transaction.
func (a *Aggregator) apply(tx *store.Tx, r feedResult, journal *[]indexOp) (Summary, error) {
	var sum Summary
	if r.cancelled {
		return sum, nil
	}
	cur, err := tx.Feed(r.feed.ID)
	if errors.Is(err, store.ErrNotFound) {
		return sum, nil // unsubscribed while it was being fetched
	}
	if err != nil {
		return sum, err
	}
	switch {
	case r.err != nil:
		sum.Failed = append(sum.Failed, Failure{URL: r.feed.URL, Reason: r.err.Error()})
	case r.notModified:
		sum.NotModified++
	default:
		sum.Fetched++
	}
	// Items are linked with what this fetch learned about the feed (its
	// site link above all, which attribution compares against).
	next := mergeFetched(cur, r.feed)
	if r.err != nil {
		// A failed fetch stored no items: the validators and body hash
		// it may carry must not make the next poll skip them.
		next.ETag, next.LastModified, next.BodyHash = cur.ETag, cur.LastModified, cur.BodyHash
	}
	st := newTxState(tx, a.opts.DedupeScope)
	st.feeds[cur.ID] = next
	st.release = a.releaseMapped
	for _, p := range r.items {
		if p.existing != 0 {
			if err := a.update(tx, p, journal); err != nil {
				return sum, err
			}
			sum.Updated++
			continue
		}
		linked, err := a.insert(tx, st, p, journal)
		if err != nil {
			return sum, err
		}
		sum.NewItems++
		if linked {
			sum.Linked++
		}
	}
	if r.boilerplate != nil {
		if err := tx.PutBoilerplate(cur.ID, r.boilerplate); err != nil {
			return sum, err
		}
	}
	if err := tx.PutFeed(next); errors.Is(err, store.ErrExists) {
		// A permanent redirect to a URL that is subscribed already: keep
		// polling the old URL and say why.
		next.URL = cur.URL
		next.LastError = fmt.Sprintf("permanent redirect to %s, which is already subscribed", r.feed.URL)
		err = tx.PutFeed(next)
	}
	return sum, err
}

// mergeFetched overlays what a fetch learned onto the stored feed record, so
// a user's edit made while the fetch ran (category, title) is kept.
func mergeFetched(cur, f store.Feed) store.Feed {
	cur.URL = f.URL
	if !cur.UserTitle {
		cur.Title = f.Title
	}
	cur.SiteURL = f.SiteURL
	cur.ETag, cur.LastModified, cur.BodyHash = f.ETag, f.LastModified, f.BodyHash
	cur.LastStatus, cur.LastError, cur.LastFetched = f.LastStatus, f.LastError, f.LastFetched
	cur.NextPoll, cur.Interval, cur.Failures = f.NextPoll, f.Interval, f.Failures
	cur.Disabled = cur.Disabled || f.Disabled
	return cur
}

// link places a stored item in its cluster: same-url match first, then
// near-duplicates through the index. Every item is indexed (by the caller)
// whatever its feed's setting, so turning deduplication on later finds it.
func (a *Aggregator) link(tx *store.Tx, st *txState, m store.ItemMeta, url string, sig dedupe.Signature) (bool, error) {
	f, ok := st.feed(m.FeedID)
	if !ok {
		return false, nil
	}
	var sameURL uint64
	if prev, ok := tx.ItemIDByNormURL(m.NormURL); ok && prev != m.ID {
		sameURL = prev
	}
	dec := dedupe.LinkItem(a.opts.Dedupe, a.index, st, m.ID, sig, st.memberOf(m, f, sig), sameURL)
	if dec.Refused != "" {
		a.log.Warn("duplicate refused", "item_url", url, "feed_url", f.URL, "reason", dec.Refused)
	}
	if len(dec.Links) == 0 {
		return false, nil
	}
	return true, tx.SetCluster(dec.Root, storeLinks(dec.Links))
}

// linkIfAlone links the stored item id as a new item is linked, unless it
// is in a cluster already, and reports whether it joined one. An item that
// is gone (its signature outlived it) or has no readable signature is left
// alone. The caller holds indexMu.
func (a *Aggregator) linkIfAlone(tx *store.Tx, st *txState, id uint64) (bool, error) {
	if tx.Root(id) != id || len(tx.Copies(id)) > 0 {
		return false, nil
	}
	// The record's head is all linking reads: no decompressing.
	m, err := tx.ItemMeta(id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sig, ok := st.Signature(id)
	if !ok {
		return false, nil
	}
	return a.link(tx, st, m, m.NormURL, sig)
}

func storeLinks(ls []dedupe.Link) []store.Link {
	out := make([]store.Link, len(ls))
	for i, l := range ls {
		out[i] = store.Link{Copy: l.Copy, Original: l.Original, Reason: l.Reason, Distance: l.Distance, Score: l.Score}
	}
	return out
}

// update replaces a changed item in place and refreshes its signature.
func (a *Aggregator) update(tx *store.Tx, p prepared, journal *[]indexOp) error {
	it := p.item
	it.ID = p.existing
	if err := tx.UpdateItem(it); err != nil {
		return err
	}
	if old := tx.Signature(it.ID); old != nil {
		var s dedupe.Signature
		if s.UnmarshalBinary(old) == nil {
			a.index.Remove(it.ID, s)
			*journal = append(*journal, indexOp{add: false, id: it.ID, sig: s})
		}
	}
	if err := tx.PutSignature(it.ID, p.sigBytes); err != nil {
		return err
	}
	a.index.Add(it.ID, p.sig)
	*journal = append(*journal, indexOp{add: true, id: it.ID, sig: p.sig})
	return nil
}

// insert stores a new item and links it to its cluster: exact same-url
// duplicates first, then near-duplicates through the fingerprint index.
// It reports whether the item ended up in a cluster with others.
func (a *Aggregator) insert(tx *store.Tx, st *txState, p prepared, journal *[]indexOp) (bool, error) {
	it, err := tx.InsertEncoded(p.enc)
	if err != nil {
		return false, err
	}
	if err := tx.PutSignature(it.ID, p.sigBytes); err != nil {
		return false, err
	}
	if len(p.sig.Credits) > 0 {
		if f, ok := st.feed(it.FeedID); ok {
			if err := tx.AddCitations(dedupe.CitedSources(siteOf(f), p.sig.Credits)); err != nil {
				return false, err
			}
		}
	}
	linked, err := a.link(tx, st, metaOf(it), it.URL, p.sig)
	if err != nil {
		return false, err
	}
	a.index.Add(it.ID, p.sig)
	*journal = append(*journal, indexOp{add: true, id: it.ID, sig: p.sig})
	return linked, nil
}
