package aggregator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// resignChunk is how many stored items resignStale signs again in one
// write transaction: each commit is an fsync, each transaction maps the
// pages of the items it reads, and the analyser holds every text it read
// until reset (as analyzeChunk bounds it in prepare).
const resignChunk = analyzeChunk

// resignStale signs every stored item again when the database records an
// older reading of text than this feedfold's (dedupe.ReadingVersion), and
// reports whether it did. A signature is made once, when its item
// arrives, and every later copy is compared with it: without this, an
// upgrade that reads text better (words broken at line ends joined,
// accents folded) would help only items arriving after it, and an old
// item and a new copy of it, read two ways, would look less alike than
// either does to itself.
//
// Items are read with their feed's boilerplate model as stored now (it
// has seen at least as much as when they were signed). Signatures whose
// item retention has dropped keep their old reading: there is no text left
// to read. Each chunk commits on its own; the caller records the new
// reading (recordReading) once it has also linked the items left alone
// (linkAlone), so a crash or a shutdown part way leaves a database that is
// signed and linked again from the start on the next open: signing is a
// pure function of the stored item, and linking skips what is linked.
func (a *Aggregator) resignStale(ctx context.Context) (resigned bool, _ error) {
	var reading uint64
	var stored bool
	if err := a.db.View(func(tx *store.Tx) error {
		reading, stored = tx.SigReading(), tx.HasSignatures()
		return nil
	}); err != nil {
		return false, fmt.Errorf("read signature reading: %w", err)
	}
	if reading >= dedupe.ReadingVersion {
		return false, nil
	}
	if !stored {
		return false, a.recordReading()
	}
	start := time.Now()
	a.log.Info("signing stored items again: this version reads their text differently",
		"from_reading", reading, "to_reading", dedupe.ReadingVersion)
	feeds := map[uint64]*feedReading{}
	n, kept := 0, 0
	lastLog := start
	var jobs []resignJob
	err := a.storedInChunks(ctx, func(tx *store.Tx, ids []uint64) error {
		jobs = jobs[:0]
		for _, id := range ids {
			j, err := a.resignInput(tx, feeds, id)
			if errors.Is(err, store.ErrNotFound) {
				kept++ // retention dropped the item; its fingerprint stays as it is
				continue
			}
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		if err := a.signAll(jobs); err != nil {
			return err
		}
		for _, j := range jobs {
			if err := tx.PutSignature(j.id, j.sig); err != nil {
				return err
			}
		}
		n += len(jobs)
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			a.log.Info("signing stored items again", "items", n)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("sign stored items again (%d done; all again on the next start): %w", n, err)
	}
	a.log.Info("stored items signed again", "items", n, "without_text", kept, "duration", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// linkAlone tries to link every stored item that is in no cluster, in
// arrival (id) order, as if it had just arrived: after resignStale, items
// the earlier reading kept apart (an original stored without its accents
// folded, and its ASCII-only copy) may now be copies. Clusters already
// made are left as they are. Each chunk commits on its own.
func (a *Aggregator) linkAlone(ctx context.Context) error {
	start := time.Now()
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	linked := 0
	err := a.storedInChunks(ctx, func(tx *store.Tx, ids []uint64) error {
		st := newTxState(tx, a.opts.DedupeScope)
		st.release = a.releaseMapped
		for _, id := range ids {
			ok, err := a.linkIfAlone(tx, st, id)
			if err != nil {
				return err
			}
			if ok {
				linked++
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("link stored items (%d linked; the rest on the next start): %w", linked, err)
	}
	a.log.Info("stored items linked as read now", "linked", linked, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// recordReading records that every stored signature is of this version's
// reading of text.
func (a *Aggregator) recordReading() error {
	if err := a.db.Update(func(tx *store.Tx) error { return tx.PutSigReading(dedupe.ReadingVersion) }); err != nil {
		return fmt.Errorf("record signature reading: %w", err)
	}
	return nil
}

// feedReading is what signing a feed's items needs of the feed.
type feedReading struct {
	site string
	bp   *dedupe.Boilerplate
}

// resignJob is one stored item to sign again: its text and feed's model
// in, its encoded signature out.
type resignJob struct {
	id  uint64
	doc dedupe.Doc
	bp  *dedupe.Boilerplate
	sig []byte
}

// resignInput reads what signing the stored item id needs. It returns
// store.ErrNotFound when the item is gone (its signature outlived it), or
// its feed.
func (a *Aggregator) resignInput(tx *store.Tx, feeds map[uint64]*feedReading, id uint64) (resignJob, error) {
	it, err := tx.Item(id)
	if err != nil {
		return resignJob{}, err
	}
	fr := feeds[it.FeedID]
	if fr == nil {
		if len(feeds) >= 64 {
			clear(feeds) // items come in id order, mostly a feed's together
		}
		f, err := tx.Feed(it.FeedID)
		if err != nil {
			return resignJob{}, err
		}
		fr = &feedReading{site: siteOf(f), bp: a.boilerplate(tx.Boilerplate(f.ID), f.URL)}
		feeds[it.FeedID] = fr
	}
	return resignJob{id: id, doc: docOf(it, fr.site), bp: fr.bp}, nil
}

// signAll signs jobs on every core, one analyser each (the pool polls
// use: nothing polls while the index is prepared). Signing reads a feed's
// boilerplate model and changes nothing in it, so workers share models.
// Reading the items stays with the transaction's goroutine, as bbolt
// requires: on the 50,000-item benchmark database signing again took
// 4.9–6.0 s this way against 7.0–7.5 s on one core.
func (a *Aggregator) signAll(jobs []resignJob) error {
	workers := min(cap(a.slots.analyzers), len(jobs))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			az, release, _ := a.slots.acquire(context.Background(), 0) // waits for nothing but a core
			defer release()
			for i := w; i < len(jobs); i += workers {
				j := &jobs[i]
				sig, err := dedupe.SignText(a.opts.Dedupe, az.Analyze(j.doc), j.bp).MarshalBinary()
				if err != nil {
					errs[w] = fmt.Errorf("sign item %d: %w", j.id, err)
					return
				}
				j.sig = sig
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// storedInChunks calls fn with the ids of every stored signature, in id
// (arrival) order, resignChunk at a time, each chunk in a write
// transaction of its own, and releases the mapped pages between them.
func (a *Aggregator) storedInChunks(ctx context.Context, fn func(tx *store.Tx, ids []uint64) error) error {
	for from, more := uint64(0), true; more; {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := a.db.Update(func(tx *store.Tx) error {
			var ids []uint64
			next, err := tx.SignaturesFrom(from, resignChunk, func(id uint64, _ []byte) error {
				ids = append(ids, id)
				return nil
			})
			if err != nil {
				return err
			}
			from, more = next, next != 0
			return fn(tx, ids)
		})
		if err != nil {
			return err
		}
		a.releaseMapped()
	}
	return nil
}
