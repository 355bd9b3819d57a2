package aggregator

import (
	"context"
	"fmt"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// FeedChange is an edit of a subscription; nil fields are left alone.
type FeedChange struct {
	Dedupe   *string // "on", "off", "original", "never-original"
	Category *string
	Title    *string
}

// ValidDedupe reports whether p is a per-feed deduplication setting.
func ValidDedupe(p string) bool {
	switch p {
	case "on", "off", "original", "never-original":
		return true
	}
	return false
}

// ValidScope reports whether s is a category deduplication scope ("" is
// "inherit the global scope").
func ValidScope(s string) bool {
	switch s {
	case "", dedupe.ScopeAll, dedupe.ScopeCategory, dedupe.ScopeOff:
		return true
	}
	return false
}

// UpdateFeed applies a change to a subscription. When the change can alter
// deduplication (the feed's setting, or its category under a category
// scope), every cluster holding one of the feed's items is decided again,
// in the same transaction: items of a feed turned off become canonical
// items of their own again (with their own read state), an "original"
// feed's items take over their clusters, and items of a feed turned back
// on are linked afresh. Nothing else is touched.
func (a *Aggregator) UpdateFeed(ctx context.Context, feedURL string, ch FeedChange) (store.Feed, error) {
	if ch.Dedupe != nil && !ValidDedupe(*ch.Dedupe) {
		return store.Feed{}, fmt.Errorf("dedupe setting %q: want on, off, original or never-original", *ch.Dedupe)
	}
	if err := a.ready(); err != nil {
		return store.Feed{}, err
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	var f store.Feed
	err := a.db.Update(func(tx *store.Tx) error {
		var err error
		if f, err = tx.FeedByURL(feedURL); err != nil {
			return err
		}
		reeval := false
		if ch.Dedupe != nil {
			p := *ch.Dedupe
			if p == "on" {
				p = ""
			}
			reeval = reeval || p != f.Dedupe
			f.Dedupe = p
		}
		if ch.Category != nil && *ch.Category != f.Category {
			f.Category = *ch.Category
			reeval = true
		}
		if ch.Title != nil {
			f.Title, f.UserTitle = *ch.Title, *ch.Title != ""
		}
		if err := tx.PutFeed(f); err != nil {
			return err
		}
		if !reeval {
			return nil
		}
		return a.reevaluate(ctx, tx, []uint64{f.ID})
	})
	return f, err
}

// SetCategoryScope sets a category's deduplication scope and re-decides the
// clusters of its feeds' items.
func (a *Aggregator) SetCategoryScope(ctx context.Context, category, scope string) error {
	if !ValidScope(scope) {
		return fmt.Errorf("dedupe scope %q: want all, category or off", scope)
	}
	if err := a.ready(); err != nil {
		return err
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	return a.db.Update(func(tx *store.Tx) error {
		c := tx.Category(category)
		c.DedupeScope = scope
		if err := tx.PutCategory(c); err != nil {
			return err
		}
		feeds, err := tx.Feeds()
		if err != nil {
			return err
		}
		var ids []uint64
		for _, f := range feeds {
			if f.Category == category {
				ids = append(ids, f.ID)
			}
		}
		return a.reevaluate(ctx, tx, ids)
	})
}

// reevaluate re-decides every cluster that holds an item of the feeds, then
// tries to link their items that are left alone. The caller holds indexMu.
func (a *Aggregator) reevaluate(ctx context.Context, tx *store.Tx, feedIDs []uint64) error {
	st := newTxState(tx, a.opts.DedupeScope)
	var items []uint64
	roots := map[uint64]bool{}
	for _, fid := range feedIDs {
		ids, err := tx.FeedItemIDs(fid)
		if err != nil {
			return err
		}
		for _, id := range ids {
			items = append(items, id)
			roots[tx.Root(id)] = true
		}
	}
	for root := range roots {
		if err := ctx.Err(); err != nil {
			return err
		}
		members := st.Members(root)
		for _, c := range members[1:] {
			if err := tx.Unlink(c); err != nil {
				return err
			}
		}
		d := dedupe.Recluster(a.opts.Dedupe, st, members, nil, nil)
		if len(d.Links) > 0 {
			if err := tx.SetCluster(d.Root, storeLinks(d.Links)); err != nil {
				return err
			}
		}
	}
	for _, id := range items {
		if _, err := a.linkIfAlone(tx, st, id); err != nil {
			return err
		}
	}
	return nil
}
