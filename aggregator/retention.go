package aggregator

import (
	"context"
	"time"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// Purge applies the retention policy: items first seen more than
// RetentionDays ago, and each feed's items beyond the newest RetentionItems,
// are deleted unless starred. Age counts from when feedfold first saw an
// item, so an archive imported today is not purged today. It returns how
// many items were deleted.
func (a *Aggregator) Purge(ctx context.Context) (int, error) {
	if err := a.ready(); err != nil {
		return 0, err
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	total := 0
	for {
		// Bounded batches keep each write transaction short.
		n, err := a.purgeBatch(ctx, 1000)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (a *Aggregator) purgeBatch(ctx context.Context, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var removed []indexOp
	n := 0
	err := a.db.Update(func(tx *store.Tx) error {
		removed, n = removed[:0], 0
		var victims []uint64
		if a.opts.RetentionDays > 0 {
			cutoff := a.opts.Now().Add(-time.Duration(a.opts.RetentionDays) * 24 * time.Hour)
			for _, id := range tx.ItemsSeenBefore(cutoff, 0) {
				if !tx.Starred(id) {
					victims = append(victims, id)
				}
				if len(victims) >= limit {
					break
				}
			}
		}
		if a.opts.RetentionItems > 0 && len(victims) < limit {
			feeds, err := tx.Feeds()
			if err != nil {
				return err
			}
			for _, f := range feeds {
				ids, _ := tx.FeedItemIDs(f.ID) // oldest first
				for i := 0; i < len(ids)-a.opts.RetentionItems && len(victims) < limit; i++ {
					if !tx.Starred(ids[i]) {
						victims = append(victims, ids[i])
					}
				}
			}
		}
		seen := map[uint64]bool{}
		for _, id := range victims {
			if seen[id] {
				continue
			}
			seen[id] = true
			var sig dedupe.Signature
			b := tx.Signature(id)
			if err := tx.DeleteItem(id, true); err != nil {
				return err
			}
			if b != nil && sig.UnmarshalBinary(b) == nil {
				removed = append(removed, indexOp{add: false, id: id, sig: sig})
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, op := range removed {
		a.index.Remove(op.id, op.sig)
	}
	return n, nil
}
