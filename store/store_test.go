package store

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "test.db"), Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenCreates0600AndLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	start := time.Now()
	_, err = Open(path, Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second Open took %v, want it bounded by the lock timeout", d)
	}
}

func TestSchemaNewerIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(tx *boltTx) error {
		return tx.Bucket(bucketMeta).Put([]byte("schema"), u64(SchemaVersion+1))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrSchema) {
		t.Fatalf("Open newer schema: %v, want ErrSchema", err)
	}
}

func TestFeedCRUD(t *testing.T) {
	db := openTest(t)
	err := db.Update(func(tx *Tx) error {
		f := Feed{URL: "https://a.example/feed", Category: "news"}
		if err := tx.AddFeed(&f); err != nil {
			return err
		}
		if f.ID == 0 {
			t.Error("AddFeed assigned no id")
		}
		dup := Feed{URL: "https://a.example/feed"}
		if err := tx.AddFeed(&dup); !errors.Is(err, ErrExists) {
			t.Errorf("AddFeed duplicate: %v, want ErrExists", err)
		}
		f.URL = "https://a.example/new"
		if err := tx.PutFeed(f); err != nil {
			return err
		}
		if _, err := tx.FeedByURL("https://a.example/feed"); !errors.Is(err, ErrNotFound) {
			t.Errorf("old URL still found: %v", err)
		}
		got, err := tx.FeedByURL("https://a.example/new")
		if err != nil {
			return err
		}
		if got.ID != f.ID || got.Category != "news" {
			t.Errorf("FeedByURL = %+v", got)
		}
		return tx.DeleteFeed(f.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		fs, _ := tx.Feeds()
		if len(fs) != 0 {
			t.Errorf("feeds after delete = %d", len(fs))
		}
		return nil
	})
}

func addItems(t *testing.T, db *DB, feed uint64, n int, base time.Time) []uint64 {
	t.Helper()
	var ids []uint64
	err := db.Update(func(tx *Tx) error {
		for i := 0; i < n; i++ {
			it := Item{FeedID: feed, Key: "k" + string(rune('a'+i)), Title: "t", Published: base.Add(time.Duration(i) * time.Hour), FirstSeen: base}
			if err := tx.InsertItem(&it); err != nil {
				return err
			}
			ids = append(ids, it.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestItemsNewestFirstAndCanonicalOnly(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := addItems(t, db, 1, 3, base)
	b := addItems(t, db, 2, 2, base.Add(30*time.Minute))
	// b[1] (published base+1h30) is a copy of a[0].
	if err := db.Update(func(tx *Tx) error {
		return tx.SetCluster(a[0], []Link{{Copy: b[1], Original: a[0], Reason: "simhash", Distance: 2}})
	}); err != nil {
		t.Fatal(err)
	}
	got := listed(t, db, ItemQuery{})
	want := []uint64{a[2], a[1], b[0], a[0]}
	if !equalIDs(got, want) {
		t.Errorf("canonical newest first = %v, want %v", got, want)
	}
	if got := listed(t, db, ItemQuery{Feed: 1, Limit: 2}); !equalIDs(got, []uint64{a[2], a[1]}) {
		t.Errorf("feed 1 limit 2 = %v", got)
	}
	// Cursor: items strictly older than a[1].
	var before Item
	db.View(func(tx *Tx) (err error) { before, err = tx.Item(a[1]); return err })
	if got := listed(t, db, ItemQuery{Before: before.Published, BeforeID: before.ID}); !equalIDs(got, []uint64{b[0], a[0]}) {
		t.Errorf("before a[1] = %v", got)
	}
	if got := listed(t, db, ItemQuery{All: true}); !equalIDs(got, []uint64{a[2], b[1], a[1], b[0], a[0]}) {
		t.Errorf("all, copies too = %v", got)
	}
}

// listed returns the ids Items lists for q, after checking that
// ItemMetas lists the same items in the same order with the same
// metadata (what the API filters long listings with).
func listed(t *testing.T, db *DB, q ItemQuery) []uint64 {
	t.Helper()
	var items []Item
	var metas []ItemMeta
	db.View(func(tx *Tx) error {
		if err := tx.Items(q, func(it Item) bool { items = append(items, it); return true }); err != nil {
			t.Fatal(err)
		}
		return tx.ItemMetas(q, func(m ItemMeta) bool { metas = append(metas, m); return true })
	})
	var ids []uint64
	for i, it := range items {
		ids = append(ids, it.ID)
		if i >= len(metas) {
			t.Fatalf("ItemMetas(%+v) lists %d items, Items %d", q, len(metas), len(items))
		}
		m := metas[i]
		if m.ID != it.ID || m.FeedID != it.FeedID || !m.Published.Equal(it.Published) || !m.FirstSeen.Equal(it.FirstSeen) || m.NormURL != it.NormURL {
			t.Errorf("ItemMetas(%+v)[%d] = %+v, want the metadata of item %d", q, i, m, it.ID)
		}
	}
	if len(metas) != len(items) {
		t.Errorf("ItemMetas(%+v) lists %d items, Items %d", q, len(metas), len(items))
	}
	return ids
}

func TestReRootKeepsStateAndDeleteReroots(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := addItems(t, db, 1, 3, base)
	copyID, orig, third := ids[1], ids[0], ids[2]
	err := db.Update(func(tx *Tx) error {
		// copy arrived first and is canonical, read by the user.
		if err := tx.SetCluster(copyID, []Link{{Copy: third, Original: copyID, Reason: "simhash"}}); err != nil {
			return err
		}
		if err := tx.SetItemFlags(0, copyID, Read|Starred, 0); err != nil {
			return err
		}
		// the true original arrives: the cluster is re-linked to it.
		return tx.SetCluster(orig, []Link{
			{Copy: copyID, Original: orig, Reason: "attribution"},
			{Copy: third, Original: orig, Reason: "simhash"},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		if r := tx.Root(third); r != orig {
			t.Errorf("root of third = %d, want %d", r, orig)
		}
		if f := tx.ItemFlags(0, orig); f != Read|Starred {
			t.Errorf("state of new original = %v, want read+starred", f)
		}
		if n := len(tx.Copies(orig)); n != 2 {
			t.Errorf("copies = %d, want 2", n)
		}
		if n := len(tx.Copies(copyID)); n != 0 {
			t.Errorf("old root still has %d copies", n)
		}
		return nil
	})
	if err := db.Update(func(tx *Tx) error { return tx.DeleteItem(orig, true) }); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		// copyID (published earlier than third) takes over.
		if r := tx.Root(third); r != copyID {
			t.Errorf("after delete, root of third = %d, want %d", r, copyID)
		}
		if tx.Root(copyID) != copyID {
			t.Error("new root is still linked")
		}
		return nil
	})
}

func TestBackupIsOpenable(t *testing.T) {
	db := openTest(t)
	addItems(t, db, 1, 5, time.Now())
	out := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.BackupFile(out); err != nil {
		t.Fatal(err)
	}
	b, err := Open(out, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer b.Close()
	b.View(func(tx *Tx) error {
		if n := tx.CountItems(); n != 5 {
			t.Errorf("backup items = %d, want 5", n)
		}
		return nil
	})
}

func equalIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMigratesSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addItems(t, db, 1, 2, time.Now())
	// Make it a schema-1 file: no categories bucket, version 1.
	if err := db.bolt.Update(func(tx *boltTx) error {
		if err := tx.DeleteBucket(bucketCategories); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put([]byte("schema"), u64(1))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("open schema 1: %v", err)
	}
	defer db.Close()
	err = db.Update(func(tx *Tx) error {
		if n := tx.CountItems(); n != 2 {
			t.Errorf("items after migration = %d", n)
		}
		return tx.PutCategory(Category{Name: "News", DedupeScope: "category"})
	})
	if err != nil {
		t.Fatalf("categories after migration: %v", err)
	}
	db.View(func(tx *Tx) error {
		if schemaOf(tx.tx) != SchemaVersion {
			t.Errorf("schema = %d", schemaOf(tx.tx))
		}
		if tx.Category("News").DedupeScope != "category" {
			t.Error("category setting lost")
		}
		return nil
	})
}

// TestMigratesSchema4: a file from before the citation counts opens,
// gains their bucket and counts from then on.
func TestMigratesSchema4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(tx *boltTx) error {
		if err := tx.DeleteBucket(bucketCitations); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put([]byte("schema"), u64(4))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatalf("open schema 4: %v", err)
	}
	defer db.Close()
	for range 2 {
		if err := db.Update(func(tx *Tx) error { return tx.AddCitations([]string{"bbc.co.uk", "reuters"}) }); err != nil {
			t.Fatalf("count citations after migration: %v", err)
		}
	}
	db.View(func(tx *Tx) error {
		if n := tx.Citations("bbc.co.uk"); n != 2 {
			t.Errorf("bbc.co.uk cited %d times, want 2", n)
		}
		if n := tx.Citations("mirror.co.uk"); n != 0 {
			t.Errorf("an uncited source counts %d", n)
		}
		return nil
	})
}

// TestMigratesSchema5ForgetsSharedLinks: a database of schema 5 holds the
// stories of a feed that gave every entry its home page as link folded
// into the first as same-url copies, and a comment feed's comments folded
// into one another. Opened now, those items stand on their own again and
// their links are no same-url identity; a same-url copy across feeds and
// a copy linked by its text stay linked.
func TestMigratesSchema5ForgetsSharedLinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var town, comments, wire []uint64
	var news, copied uint64
	if err := db.Update(func(tx *Tx) error {
		add := func(f *Feed) error { return tx.AddFeed(f) }
		put := func(feed uint64, key, norm string) uint64 {
			it := Item{FeedID: feed, Key: key, Title: key, NormURL: norm, Published: base, FirstSeen: base}
			if err := tx.InsertItem(&it); err != nil {
				t.Fatal(err)
			}
			return it.ID
		}
		notices := Feed{URL: "https://town.example/feed", SiteURL: "https://town.example/"}
		blog := Feed{URL: "https://blog.example/post/feed"}
		a, b := Feed{URL: "https://a.example/feed"}, Feed{URL: "https://b.example/feed"}
		for _, f := range []*Feed{&notices, &blog, &a, &b} {
			if err := add(f); err != nil {
				return err
			}
		}
		for _, k := range []string{"n1", "n2", "n3"} {
			town = append(town, put(notices.ID, k, "https://town.example"))
		}
		for _, k := range []string{"c1", "c2"} {
			comments = append(comments, put(blog.ID, k, "https://blog.example/post"))
		}
		news, copied = put(a.ID, "a1", "https://news.example/story"), put(b.ID, "b1", "https://news.example/story")
		wire = []uint64{put(a.ID, "w1", "https://a.example/wire"), put(a.ID, "w2", "https://a.example/wire")}
		for _, c := range []struct {
			root  uint64
			links []Link
		}{
			{town[0], []Link{{Copy: town[1], Original: town[0], Reason: "same-url"}, {Copy: town[2], Original: town[0], Reason: "same-url"}}},
			{comments[0], []Link{{Copy: comments[1], Original: comments[0], Reason: "same-url"}}},
			{news, []Link{{Copy: copied, Original: news, Reason: "same-url"}}},
			{wire[0], []Link{{Copy: wire[1], Original: wire[0], Reason: "simhash"}}},
		} {
			if err := tx.SetCluster(c.root, c.links); err != nil {
				return err
			}
		}
		return tx.tx.Bucket(bucketMeta).Put([]byte("schema"), u64(5))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatalf("open schema 5: %v", err)
	}
	defer db.Close()
	db.View(func(tx *Tx) error {
		for _, id := range append(append([]uint64{}, town...), comments...) {
			if r := tx.Root(id); r != id {
				t.Errorf("item %d is still a copy of %d", id, r)
			}
			if m, err := tx.ItemMeta(id); err != nil || m.NormURL != "" {
				t.Errorf("item %d: normalised URL %q (%v), want none", id, m.NormURL, err)
			}
		}
		for _, u := range []string{"https://town.example", "https://blog.example/post"} {
			if id, ok := tx.ItemIDByNormURL(u); ok {
				t.Errorf("%s still names item %d", u, id)
			}
		}
		if tx.Root(copied) != news || tx.Root(wire[1]) != wire[0] {
			t.Errorf("a same-url copy across feeds (root %d, want %d) or a copy linked by text (root %d, want %d) lost its link", tx.Root(copied), news, tx.Root(wire[1]), wire[0])
		}
		if id, ok := tx.ItemIDByNormURL("https://news.example/story"); !ok || id != news {
			t.Errorf("the story's URL names item %d (%v), want %d", id, ok, news)
		}
		return nil
	})
	if err := db.Check(); err != nil {
		t.Errorf("check after the migration: %v", err)
	}
}

func TestCheckFindsBrokenInvariants(t *testing.T) {
	db := openTest(t)
	ids := addItems(t, db, 1, 3, time.Now())
	if err := db.Update(func(tx *Tx) error {
		f := Feed{URL: "https://x.example/"}
		if err := tx.AddFeed(&f); err != nil {
			return err
		}
		return tx.SetCluster(ids[0], []Link{{Copy: ids[1], Original: ids[0], Reason: "simhash"}})
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("healthy database: %v", err)
	}
	// Remove the original's record behind the store's back.
	db.bolt.Update(func(tx *boltTx) error { return tx.Bucket(bucketItems).Delete(u64(ids[0])) })
	err := db.Check()
	if err == nil {
		t.Fatal("Check passed on a database with a dangling link and index entries")
	}
	for _, want := range []string{"missing item", "link"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error lacks %q: %v", want, err)
		}
	}
}

// TestSignaturesFromChunks: reading signatures in chunks sees each once,
// in id order, whatever the chunk size.
func TestSignaturesFromChunks(t *testing.T) {
	db := openTest(t)
	if err := db.Update(func(tx *Tx) error {
		for id := uint64(1); id <= 10; id++ {
			if err := tx.PutSignature(id*3, []byte{byte(id)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1, 3, 10, 11} {
		var got []uint64
		for from, more := uint64(0), true; more; {
			if err := db.View(func(tx *Tx) error {
				next, err := tx.SignaturesFrom(from, chunk, func(id uint64, sig []byte) error {
					if sig[0] != byte(id/3) {
						t.Errorf("id %d: signature %v", id, sig)
					}
					got = append(got, id)
					return nil
				})
				from, more = next, next != 0
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != 10 || got[0] != 3 || got[9] != 30 || !slices.IsSorted(got) {
			t.Errorf("chunk %d: got %v", chunk, got)
		}
	}
}

// TestEncodedItemsReadBack: an item encoded before its transaction (as poll
// workers do) is stored like InsertItem's, and reads back with the ID its
// key gives, as do records of the first versions that carry their ID.
func TestEncodedItemsReadBack(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	want := Item{FeedID: 1, Key: "g1", URL: "https://x.example/1", NormURL: "https://x.example/1", Title: "Title", Content: "<p>body</p>", Published: base, FirstSeen: base, Hash: 7}
	enc, err := db.EncodeItems([]Item{want})
	if err != nil {
		t.Fatal(err)
	}
	var id uint64
	if err := db.Update(func(tx *Tx) error {
		if err := tx.AddFeed(&Feed{URL: "https://x.example/feed"}); err != nil {
			return err
		}
		addOld := Item{FeedID: 1, Key: "g0", Title: "old", Published: base, FirstSeen: base}
		if err := tx.InsertItem(&addOld); err != nil {
			return err
		}
		// A record as the first versions wrote it, ID inside.
		addOld.Title = "older"
		v, err := encode(addOld)
		if err != nil {
			return err
		}
		if err := tx.b(bucketItems).Put(u64(addOld.ID), v); err != nil {
			return err
		}
		it, err := tx.InsertEncoded(enc[0])
		id = it.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		got, err := tx.Item(id)
		want.ID = id
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Item(%d) = %+v, %v; want %+v", id, got, err, want)
		}
		m, err := tx.ItemMeta(id)
		wantMeta := ItemMeta{ID: id, FeedID: 1, NormURL: want.NormURL, Published: base, FirstSeen: base}
		if err != nil || !reflect.DeepEqual(m, wantMeta) {
			t.Errorf("ItemMeta(%d) = %+v, %v; want %+v", id, m, err, wantMeta)
		}
		if _, err := tx.ItemMeta(id + 100); !errors.Is(err, ErrNotFound) {
			t.Errorf("ItemMeta of a missing item: %v", err)
		}
		if gotID, _, ok := tx.ItemIDByKey(1, "g1"); !ok || gotID != id {
			t.Errorf("key index = %d, %v; want %d", gotID, ok, id)
		}
		if old, err := tx.Item(1); err != nil || old.ID != 1 || old.Title != "older" {
			t.Errorf("old record = %+v, %v", old, err)
		}
		return nil
	})
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestItemRecordHead: an item's record carries its linking metadata ahead
// of the compressed JSON, so ItemMeta reads it without the rest (a record
// whose compressed part is damaged still answers ItemMeta, while Item
// reports the damage); records of schema 2 (compressed JSON alone) still
// read both ways; a cut head is an error, never a panic.
func TestItemRecordHead(t *testing.T) {
	db := openTest(t)
	pub := time.Date(2026, 3, 4, 5, 6, 7, 890, time.UTC)
	seen := time.Date(2026, 3, 5, 0, 0, 0, 1, time.UTC)
	items := []Item{
		{FeedID: 1, Key: "a", NormURL: "https://x.example/a", Title: "A", Content: "<p>a</p>", Published: pub, FirstSeen: seen},
		{FeedID: 2, Key: "b", Title: "no URL, no date", FirstSeen: seen},
	}
	var ids []uint64
	if err := db.Update(func(tx *Tx) error {
		for _, f := range []string{"https://x.example/feed", "https://y.example/feed"} {
			if err := tx.AddFeed(&Feed{URL: f}); err != nil {
				return err
			}
		}
		for i := range items {
			if err := tx.InsertItem(&items[i]); err != nil {
				return err
			}
			ids = append(ids, items[i].ID)
		}
		// A schema-2 record: compressed JSON with no head.
		old := Item{FeedID: 2, Key: "c", NormURL: "https://y.example/c", Title: "C", Published: pub, FirstSeen: seen}
		if err := tx.InsertItem(&old); err != nil {
			return err
		}
		v, err := tx.c.encodeCompressed(nil, old)
		if err != nil {
			return err
		}
		items, ids = append(items, old), append(ids, old.ID)
		return tx.b(bucketItems).Put(u64(old.ID), v)
	}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		// The JSON after the head does not repeat it.
		_, rest, err := splitItemRecord(tx.b(bucketItems).Get(u64(ids[0])))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := tx.c.dec.DecodeAll(rest, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{`"id"`, `"feed_id"`, `"norm_url"`, `"published"`, `"first_seen"`} {
			if bytes.Contains(raw, []byte(field)) {
				t.Errorf("record JSON repeats %s: %s", field, raw)
			}
		}
		for i, id := range ids {
			want := items[i]
			got, err := tx.Item(id)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("Item(%d) = %+v, %v; want %+v", id, got, err, want)
			}
			m, err := tx.ItemMeta(id)
			wantMeta := ItemMeta{ID: id, FeedID: want.FeedID, NormURL: want.NormURL, Published: want.Published, FirstSeen: want.FirstSeen}
			if err != nil || m.FeedID != wantMeta.FeedID || m.NormURL != wantMeta.NormURL || !m.Published.Equal(wantMeta.Published) || !m.FirstSeen.Equal(wantMeta.FirstSeen) || m.Published.IsZero() != want.Published.IsZero() {
				t.Errorf("ItemMeta(%d) = %+v, %v; want %+v", id, m, err, wantMeta)
			}
		}
		return nil
	})
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	// Damage the compressed part of the first record.
	id := ids[0]
	if err := db.Update(func(tx *Tx) error {
		v := bytes.Clone(tx.b(bucketItems).Get(u64(id)))
		_, rest, err := splitItemRecord(v)
		if err != nil {
			return err
		}
		for i := len(v) - len(rest); i < len(v); i++ {
			v[i] = 0xff
		}
		return tx.b(bucketItems).Put(u64(id), v)
	}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		if m, err := tx.ItemMeta(id); err != nil || m.NormURL != items[0].NormURL {
			t.Errorf("ItemMeta of a record with a damaged body = %+v, %v", m, err)
		}
		if _, err := tx.Item(id); err == nil {
			t.Error("Item of a damaged record: no error")
		}
		v := tx.b(bucketItems).Get(u64(id))
		_, rest, _ := splitItemRecord(v)
		for n := 0; n < len(v)-len(rest); n++ {
			if _, _, err := splitItemRecord(v[:n]); err == nil {
				t.Errorf("head cut to %d bytes read without error", n)
			}
		}
		return nil
	})
}

// TestCanonicalIDsPageByArrival: Fever clients page through items by id
// (since_id upwards, max_id downwards); copies are never listed, and the
// count of canonical items leaves them out.
func TestCanonicalIDsPageByArrival(t *testing.T) {
	db := openTest(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := addItems(t, db, 1, 6, base) // ids[3] becomes a copy of ids[0]
	if err := db.Update(func(tx *Tx) error {
		return tx.SetCluster(ids[0], []Link{{Copy: ids[3], Original: ids[0], Reason: "simhash"}})
	}); err != nil {
		t.Fatal(err)
	}
	page := func(after, before uint64, desc bool, n int) []uint64 {
		var got []uint64
		db.View(func(tx *Tx) error {
			tx.CanonicalIDs(after, before, desc, func(id uint64) bool { got = append(got, id); return len(got) < n })
			return nil
		})
		return got
	}
	for _, c := range []struct {
		name          string
		after, before uint64
		desc          bool
		n             int
		want          []uint64
	}{
		{"from the start", 0, 0, false, 10, []uint64{ids[0], ids[1], ids[2], ids[4], ids[5]}},
		{"since an id, two at a time", ids[1], 0, false, 2, []uint64{ids[2], ids[4]}},
		{"since the last", ids[5], 0, false, 10, nil},
		{"since the largest id there can be", math.MaxUint64, 0, false, 10, nil},
		{"below an id, downwards", 0, ids[5], true, 10, []uint64{ids[4], ids[2], ids[1], ids[0]}},
		{"below a copy's id", 0, ids[3], true, 2, []uint64{ids[2], ids[1]}},
		{"below an id past the last", 0, ids[5] + 100, true, 1, []uint64{ids[5]}},
		{"below the first", 0, ids[0], true, 10, nil},
	} {
		if got := page(c.after, c.before, c.desc, c.n); !equalIDs(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	db.View(func(tx *Tx) error {
		if n := tx.CountCanonical(); n != 5 {
			t.Errorf("CountCanonical = %d, want 5", n)
		}
		if tx.IsCanonical(ids[3]) || !tx.IsCanonical(ids[2]) || tx.IsCanonical(ids[5]+1) {
			t.Error("IsCanonical: want copies and missing items not canonical, others canonical")
		}
		return nil
	})
}
