package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// groupItems makes n items of feed 1 whose bodies together span several
// groups (each about 6 KB of JSON).
func groupItems(n int, base time.Time) []Item {
	items := make([]Item, n)
	for i := range items {
		u := fmt.Sprintf("https://x.example/%d", i)
		items[i] = Item{
			FeedID: 1, Key: fmt.Sprintf("g%d", i), URL: u, NormURL: u,
			Title:     fmt.Sprintf("Story %d", i),
			Content:   "<p>" + strings.Repeat(fmt.Sprintf("word%d ", i), 800) + "</p>",
			Summary:   fmt.Sprintf("summary %d", i),
			Published: base.Add(time.Duration(i) * time.Minute), FirstSeen: base, Hash: uint64(i + 1),
		}
	}
	return items
}

func insertGrouped(t *testing.T, db *DB, items []Item) []uint64 {
	t.Helper()
	enc, err := db.EncodeItems(items)
	if err != nil {
		t.Fatal(err)
	}
	return insertEncoded(t, db, enc)
}

// insertEncoded stores enc in one transaction, subscribing feed 1 first
// if needed, and returns the items' ids.
func insertEncoded(t *testing.T, db *DB, enc []EncodedItem) []uint64 {
	t.Helper()
	var ids []uint64
	if err := db.Update(func(tx *Tx) error {
		if _, err := tx.Feed(1); errors.Is(err, ErrNotFound) {
			if err := tx.AddFeed(&Feed{URL: "https://x.example/feed"}); err != nil {
				return err
			}
		}
		for _, e := range enc {
			it, err := tx.InsertEncoded(e)
			if err != nil {
				return err
			}
			ids = append(ids, it.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

func countKeys(db *DB, bucket []byte) (n int) {
	db.View(func(tx *Tx) error { n = tx.b(bucket).Stats().KeyN; return nil })
	return n
}

// TestGroupedItemsReadBack: a feed's new items stored with their bodies
// compressed together read back exactly, in any order, share a few
// groups, and pass Check.
func TestGroupedItemsReadBack(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := groupItems(20, base)
	ids := insertGrouped(t, db, items)
	groups := countKeys(db, bucketItemBodies)
	if groups < 2 || groups >= len(items) {
		t.Errorf("%d items stored in %d groups; want several items per group and more than one group", len(items), groups)
	}
	db.View(func(tx *Tx) error {
		for _, i := range []int{19, 0, 7, 8, 3, 19} { // across groups and back
			want := items[i]
			want.ID = ids[i]
			got, err := tx.Item(ids[i])
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("Item(%d) = %q, %v; want %q", ids[i], got.Title, err, want.Title)
			}
			m, err := tx.ItemMeta(ids[i])
			if err != nil || m.NormURL != want.NormURL || !m.Published.Equal(want.Published) {
				t.Errorf("ItemMeta(%d) = %+v, %v", ids[i], m, err)
			}
		}
		return nil
	})
	if err := db.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

// TestGroupsGoWithTheirLastItem: deleting some of a group's items leaves
// the others readable; an updated item gets a record of its own; the group
// goes once no record points into it.
func TestGroupsGoWithTheirLastItem(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := groupItems(12, base)
	ids := insertGrouped(t, db, items)
	if err := db.Update(func(tx *Tx) error {
		for _, id := range ids[:len(ids)/2] {
			if err := tx.DeleteItem(id, true); err != nil {
				return err
			}
		}
		up := items[len(ids)/2]
		up.ID, up.Content = ids[len(ids)/2], "<p>changed</p>"
		return tx.UpdateItem(up)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("Check after deleting half: %v", err)
	}
	db.View(func(tx *Tx) error {
		if got, err := tx.Item(ids[len(ids)/2]); err != nil || got.Content != "<p>changed</p>" {
			t.Errorf("updated item = %q, %v", got.Content, err)
		}
		for i, id := range ids[len(ids)/2+1:] {
			if got, err := tx.Item(id); err != nil || got.Content != items[len(ids)/2+1+i].Content {
				t.Errorf("Item(%d) after deleting its neighbours: %v", id, err)
			}
		}
		return nil
	})
	if err := db.Update(func(tx *Tx) error {
		for _, id := range ids[len(ids)/2:] {
			if err := tx.DeleteItem(id, true); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n, r := countKeys(db, bucketItemBodies), countKeys(db, bucketItemBodyRefs); n != 0 || r != 0 {
		t.Errorf("after deleting every item: %d groups and %d reference counts left", n, r)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("Check after deleting all: %v", err)
	}
}

// TestGroupsStoredAgainOnRetry: the writer retries a failed batch feed by
// feed with the same encoded items; the retry must store their groups
// again, not point into groups of the transaction that rolled back.
func TestGroupsStoredAgainOnRetry(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := groupItems(6, base)
	enc, err := db.EncodeItems(items)
	if err != nil {
		t.Fatal(err)
	}
	failed := errors.New("disk full")
	err = db.Update(func(tx *Tx) error {
		if err := tx.AddFeed(&Feed{URL: "https://x.example/feed"}); err != nil {
			return err
		}
		for _, e := range enc {
			if _, err := tx.InsertEncoded(e); err != nil {
				return err
			}
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("first attempt: %v", err)
	}
	ids := insertEncoded(t, db, enc)
	db.View(func(tx *Tx) error {
		for i, id := range ids {
			if got, err := tx.Item(id); err != nil || got.Content != items[i].Content {
				t.Errorf("Item(%d) after a retried insert: %v", id, err)
			}
		}
		return nil
	})
	if err := db.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

// TestCheckFindsBrokenGroups: a group whose count disagrees with the
// records, or that records point into but is gone, is reported.
func TestCheckFindsBrokenGroups(t *testing.T) {
	db := openTest(t)
	insertGrouped(t, db, groupItems(3, time.Now()))
	db.bolt.Update(func(tx *boltTx) error {
		return tx.Bucket(bucketItemBodyRefs).Put(u64(1), []byte{9})
	})
	if err := db.Check(); err == nil || !strings.Contains(err.Error(), "references") {
		t.Errorf("Check with a wrong reference count: %v", err)
	}
	db.bolt.Update(func(tx *boltTx) error {
		tx.Bucket(bucketItemBodyRefs).Delete(u64(1))
		return tx.Bucket(bucketItemBodies).Delete(u64(1))
	})
	if err := db.Check(); err == nil || !strings.Contains(err.Error(), "item group 1") {
		t.Errorf("Check with a missing group: %v", err)
	}
}

// TestGroupsUnderRandomChanges: whatever mix of grouped inserts, updates
// and deletes a database sees, every item reads back what was last
// written and Check finds the reference counts right.
func TestGroupsUnderRandomChanges(t *testing.T) {
	db := openTest(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	want := map[uint64]string{} // id -> content
	next := 0
	for round := range 40 {
		switch op := rnd.IntN(3); {
		case op == 0 || len(want) < 5: // a poll's new items
			items := groupItems(1+rnd.IntN(15), base)
			for i := range items {
				items[i].Key = fmt.Sprintf("k%d", next)
				items[i].Content = fmt.Sprintf("<p>%d %s</p>", next, strings.Repeat("x", rnd.IntN(9000)))
				next++
			}
			for i, id := range insertGrouped(t, db, items) {
				want[id] = items[i].Content
			}
		default:
			if err := db.Update(func(tx *Tx) error {
				for id := range want {
					if rnd.IntN(3) != 0 {
						continue
					}
					if op == 1 {
						it, err := tx.Item(id)
						if err != nil {
							return err
						}
						it.Content = fmt.Sprintf("<p>updated in round %d</p>", round)
						if err := tx.UpdateItem(it); err != nil {
							return err
						}
						want[id] = it.Content
						continue
					}
					if err := tx.DeleteItem(id, rnd.IntN(2) == 0); err != nil {
						return err
					}
					delete(want, id)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Check(); err != nil {
			t.Fatalf("round %d: Check: %v", round, err)
		}
	}
	db.View(func(tx *Tx) error {
		for id, content := range want {
			if got, err := tx.Item(id); err != nil || got.Content != content {
				t.Errorf("Item(%d) = %.40q, %v; want %.40q", id, got.Content, err, content)
			}
		}
		return nil
	})
}
