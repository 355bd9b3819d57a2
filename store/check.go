package store

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Check verifies the database: bbolt's own page consistency, then
// feedfold's invariants — every index entry points to an existing record,
// every link to existing items and a matching cluster entry, every item to
// an existing feed, and the counts of records and index entries agree. It
// runs in a read transaction, so it may run beside a writer. It returns
// every violation found (joined), or nil.
func (d *DB) Check() error {
	return d.View(func(t *Tx) error {
		var errs []error
		bad := func(format string, a ...any) {
			if len(errs) < 50 {
				errs = append(errs, fmt.Errorf(format, a...))
			}
		}
		for err := range t.tx.Check() {
			bad("bbolt: %v", err)
		}
		items := t.b(bucketItems)
		exists := func(id uint64) bool { return items.Get(u64(id)) != nil }
		nItems := 0
		groupRefs := map[uint64]uint64{} // group id -> records pointing into it
		err := items.ForEach(func(k, v []byte) error {
			nItems++
			if len(v) > 0 && v[0] == itemGroupTag {
				if _, rest, err := splitItemRecord(v); err == nil {
					if gid, _, _, err := groupRef(rest); err == nil {
						groupRefs[gid]++
					}
				}
			}
			it, err := t.decodeItem(getU64(k), v)
			if err != nil {
				bad("%v", err)
				return nil
			}
			if t.b(bucketFeeds).Get(u64(it.FeedID)) == nil {
				bad("item %d: feed %d missing", it.ID, it.FeedID)
			}
			if id, _, ok := t.ItemIDByKey(it.FeedID, it.Key); !ok || id != it.ID {
				bad("item %d: key index entry missing", it.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		t.b(bucketItemBodyRefs).ForEach(func(k, v []byte) error {
			n, _ := binary.Uvarint(v)
			if gid := getU64(k); n != groupRefs[gid] {
				bad("item group %d: counted %d references, %d records point into it", gid, n, groupRefs[gid])
			}
			return nil
		})
		for gid := range groupRefs {
			if t.b(bucketItemBodyRefs).Get(u64(gid)) == nil {
				bad("item group %d: records point into it but it has no reference count", gid)
			}
		}
		t.b(bucketItemBodies).ForEach(func(k, _ []byte) error {
			if gid := getU64(k); groupRefs[gid] == 0 {
				bad("item group %d: no record points into it", gid)
			}
			return nil
		})
		for _, ix := range []struct {
			name []byte
			off  int
		}{{bucketItemTime, 8}, {bucketItemFeedTime, 16}, {bucketItemSeen, 8}} {
			n := 0
			t.b(ix.name).ForEach(func(k, _ []byte) error {
				n++
				if id := getU64(k[ix.off:]); !exists(id) {
					bad("%s: entry for missing item %d", ix.name, id)
				}
				return nil
			})
			if n != nItems {
				bad("%s: %d entries for %d items", ix.name, n, nItems)
			}
		}
		for _, b := range [][]byte{bucketItemKeys, bucketItemURLs} {
			t.b(b).ForEach(func(k, v []byte) error {
				if id := getU64(v); !exists(id) {
					bad("%s %q: points to missing item %d", b, k, id)
				}
				return nil
			})
		}
		t.b(bucketSigs).ForEach(func(k, _ []byte) error {
			if !exists(getU64(k)) {
				bad("signature of missing item %d", getU64(k))
			}
			return nil
		})
		t.b(bucketLinks).ForEach(func(k, _ []byte) error {
			l, ok := t.LinkOf(getU64(k))
			switch {
			case !ok:
				bad("link %d unreadable", getU64(k))
			case !exists(l.Copy) || !exists(l.Original):
				bad("link %d -> %d: item missing", l.Copy, l.Original)
			case t.isCopy(l.Original):
				bad("link %d -> %d: the original is itself a copy", l.Copy, l.Original)
			case t.b(bucketCluster).Get(keyPair(l.Original, l.Copy)) == nil:
				bad("link %d -> %d: no cluster entry", l.Copy, l.Original)
			}
			return nil
		})
		t.b(bucketCluster).ForEach(func(k, _ []byte) error {
			if l, ok := t.LinkOf(getU64(k[8:])); !ok || l.Original != getU64(k[:8]) {
				bad("cluster entry %d|%d without its link", getU64(k[:8]), getU64(k[8:]))
			}
			return nil
		})
		t.b(bucketFeedURLs).ForEach(func(k, v []byte) error {
			f, err := t.Feed(getU64(v))
			if err != nil || f.URL != string(k) {
				bad("feed url %q: record missing or differs", k)
			}
			return nil
		})
		if a, b := t.b(bucketFeeds).Stats().KeyN, t.b(bucketFeedURLs).Stats().KeyN; a != b {
			bad("%d feeds but %d feed URLs", a, b)
		}
		return errors.Join(errs...)
	})
}
