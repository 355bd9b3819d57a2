package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// InsertItem stores a new item, assigning it.ID, and indexes it by feed
// key, time, first-seen time and normalised URL (the URL index keeps the
// first item that used a URL).
func (t *Tx) InsertItem(it *Item) error {
	v, err := t.c.encodeItem(*it)
	if err != nil {
		return fmt.Errorf("encode item: %w", err)
	}
	return t.insert(it, v)
}

// EncodedItem is a new item with its record already encoded by
// EncodeItems: the record's head, and where the item's JSON lies in its
// group's decompressed bytes.
type EncodedItem struct {
	item      Item
	head      []byte
	group     *encodedGroup
	off, size uint32
}

// InsertEncoded stores an item encoded by EncodeItems as InsertItem would,
// and returns it with its assigned ID and without its text (which Item
// reads back).
func (t *Tx) InsertEncoded(e EncodedItem) (Item, error) {
	it := e.item
	if e.group == nil {
		return it, fmt.Errorf("insert item: not encoded")
	}
	gid, err := t.groupID(e.group)
	if err != nil {
		return it, fmt.Errorf("insert item: %w", err)
	}
	v := binary.AppendUvarint(append(make([]byte, 0, len(e.head)+12), e.head...), gid)
	v = binary.AppendUvarint(v, uint64(e.off))
	v = binary.AppendUvarint(v, uint64(e.size))
	if err := t.refGroup(gid, 1); err != nil {
		return it, fmt.Errorf("insert item: %w", err)
	}
	return it, t.insert(&it, v)
}

// itemMetaTag starts an item record laid out by encodeItem. Records of
// earlier versions start with '{' (JSON) or zstd's magic number.
const itemMetaTag = 0x01

// encodeItem lays out an item's record: itemMetaTag, then what ItemMeta
// returns — feed id, published and first-seen times, normalised URL — as
// varints, then the whole item as zstd-compressed JSON. Linking reads the
// metadata of every candidate it weighs, inside the single writer; up front
// and uncompressed it costs a few varints instead of decompressing and
// parsing the whole record (which was half of linking's time). The ID is
// left out: a record's ID is its key (Item sets it from there), so it can
// be encoded before the ID is assigned.
func (c *codec) encodeItem(it Item) ([]byte, error) {
	it.ID = 0
	var head [64]byte
	return c.encodeCompressed(appendItemHead(head[:0], itemMetaTag, it), itemBody{Item: &it})
}

// appendItemHead appends tag and the metadata that ItemMeta returns.
func appendItemHead(h []byte, tag byte, it Item) []byte {
	h = append(h, tag)
	h = binary.AppendUvarint(h, it.FeedID)
	h = binary.AppendVarint(h, it.Published.Unix())
	h = binary.AppendUvarint(h, uint64(it.Published.Nanosecond()))
	h = binary.AppendVarint(h, it.FirstSeen.Unix())
	h = binary.AppendUvarint(h, uint64(it.FirstSeen.Nanosecond()))
	h = binary.AppendUvarint(h, uint64(len(it.NormURL)))
	return append(h, it.NormURL...)
}

// itemBody is the JSON of an item record laid out by encodeItem: the Item
// without what the head holds, which written twice cost 2% of the
// database. Embedding ItemMeta beside Item leaves each of those fields
// twice at the same depth, both tagged, and encoding/json then drops both
// (TestItemRecordHead checks); ID, 0 in records, is omitted by a shallower
// field.
type itemBody struct {
	*Item
	ItemMeta
	ID uint64 `json:"id,omitempty"`
}

var errBadItemHead = errors.New("bad item record head")

// splitItemRecord reads the metadata of a record laid out by encodeItem
// (or by EncodeItems, itemGroupTag) and returns it with what follows: the
// compressed JSON, or the reference into a group.
func splitItemRecord(v []byte) (m ItemMeta, rest []byte, err error) {
	if !hasItemHead(v) {
		return m, nil, errBadItemHead
	}
	v = v[1:]
	u := func() uint64 {
		x, n := binary.Uvarint(v)
		if n <= 0 {
			err = errBadItemHead
			return 0
		}
		v = v[n:]
		return x
	}
	// binary.AppendVarint wrote the seconds zig-zag encoded.
	i := func() int64 {
		x := u()
		return int64(x>>1) ^ -int64(x&1)
	}
	m.FeedID = u()
	pubSec, pubNsec := i(), u()
	seenSec, seenNsec := i(), u()
	urlLen := u()
	if err != nil || pubNsec >= 1e9 || seenNsec >= 1e9 || urlLen > uint64(len(v)) {
		return m, nil, errBadItemHead
	}
	m.Published = time.Unix(pubSec, int64(pubNsec)).UTC()
	m.FirstSeen = time.Unix(seenSec, int64(seenNsec)).UTC()
	m.NormURL = string(v[:urlLen])
	return m, v[urlLen:], nil
}

func (t *Tx) insert(it *Item, v []byte) error {
	items := t.b(bucketItems)
	id, err := items.NextSequence()
	if err != nil {
		return fmt.Errorf("insert item: %w", err)
	}
	it.ID = id
	if err := items.Put(u64(id), v); err != nil {
		return fmt.Errorf("put item %d: %w", id, err)
	}
	if err := t.b(bucketItemKeys).Put(keyFeedString(it.FeedID, it.Key), keyPair(id, it.Hash)); err != nil {
		return fmt.Errorf("insert item %d: %w", id, err)
	}
	if err := t.indexTimes(*it); err != nil {
		return err
	}
	if err := t.b(bucketItemSeen).Put(keyTimeID(it.FirstSeen, id), nil); err != nil {
		return fmt.Errorf("insert item %d: %w", id, err)
	}
	if it.NormURL != "" {
		urls := t.b(bucketItemURLs)
		if urls.Get([]byte(it.NormURL)) == nil {
			if err := urls.Put([]byte(it.NormURL), u64(id)); err != nil {
				return fmt.Errorf("insert item %d: %w", id, err)
			}
		}
	}
	return nil
}

func (t *Tx) indexTimes(it Item) error {
	if err := t.b(bucketItemTime).Put(keyTimeID(it.Published, it.ID), nil); err != nil {
		return fmt.Errorf("index item %d: %w", it.ID, err)
	}
	if err := t.b(bucketItemFeedTime).Put(keyFeedTimeID(it.FeedID, it.Published, it.ID), nil); err != nil {
		return fmt.Errorf("index item %d: %w", it.ID, err)
	}
	return nil
}

func (t *Tx) unindexTimes(it Item) error {
	if err := t.b(bucketItemTime).Delete(keyTimeID(it.Published, it.ID)); err != nil {
		return fmt.Errorf("unindex item %d: %w", it.ID, err)
	}
	if err := t.b(bucketItemFeedTime).Delete(keyFeedTimeID(it.FeedID, it.Published, it.ID)); err != nil {
		return fmt.Errorf("unindex item %d: %w", it.ID, err)
	}
	return nil
}

func (t *Tx) putItem(it Item) error {
	v, err := t.c.encodeItem(it)
	if err != nil {
		return fmt.Errorf("encode item %d: %w", it.ID, err)
	}
	// The item leaves the group its body was stored in, if any.
	if err := t.unrefGroup(t.b(bucketItems).Get(u64(it.ID))); err != nil {
		return fmt.Errorf("put item %d: %w", it.ID, err)
	}
	if err := t.b(bucketItems).Put(u64(it.ID), v); err != nil {
		return fmt.Errorf("put item %d: %w", it.ID, err)
	}
	return nil
}

// UpdateItem replaces a stored item's content in place (same id, same
// links), moving its time index entries if its published time changed.
func (t *Tx) UpdateItem(it Item) error {
	old, err := t.Item(it.ID)
	if err != nil {
		return err
	}
	it.FeedID, it.Key, it.FirstSeen = old.FeedID, old.Key, old.FirstSeen
	if old.Hash != it.Hash {
		if err := t.b(bucketItemKeys).Put(keyFeedString(it.FeedID, it.Key), keyPair(it.ID, it.Hash)); err != nil {
			return fmt.Errorf("update item %d: %w", it.ID, err)
		}
	}
	if !old.Published.Equal(it.Published) {
		if err := t.unindexTimes(old); err != nil {
			return err
		}
		if err := t.indexTimes(it); err != nil {
			return err
		}
	}
	return t.putItem(it)
}

// Item returns the item with the given id, or ErrNotFound.
func (t *Tx) Item(id uint64) (Item, error) {
	var it Item
	v := t.b(bucketItems).Get(u64(id))
	if v == nil {
		return it, fmt.Errorf("item %d: %w", id, ErrNotFound)
	}
	return t.decodeItem(id, v)
}

// ItemMeta is what linking needs of a stored item: its feed, normalised URL
// and times, without its text.
type ItemMeta struct {
	ID        uint64    `json:"-"`
	FeedID    uint64    `json:"feed_id"`
	NormURL   string    `json:"norm_url"`
	Published time.Time `json:"published"`
	FirstSeen time.Time `json:"first_seen"`
}

// ItemMeta returns the metadata of the item with the given id, or
// ErrNotFound. Deduplication reads it for every candidate it weighs: it
// is read from the record's uncompressed head (see encodeItem), or for
// records of earlier versions decoded alone, without the item's content.
func (t *Tx) ItemMeta(id uint64) (ItemMeta, error) {
	var m ItemMeta
	v := t.b(bucketItems).Get(u64(id))
	if v == nil {
		return m, fmt.Errorf("item %d: %w", id, ErrNotFound)
	}
	var err error
	if hasItemHead(v) {
		m, _, err = splitItemRecord(v)
	} else {
		err = t.c.decode(v, &m)
	}
	if err != nil {
		return m, fmt.Errorf("decode item %d: %w", id, err)
	}
	m.ID = id
	return m, nil
}

// decodeItem decodes the record stored under id. Records written since
// encodeItem or EncodeItems carry ID 0 (older ones their ID): the key is
// what counts.
func (t *Tx) decodeItem(id uint64, v []byte) (Item, error) {
	var it Item
	if hasItemHead(v) {
		m, rest, err := splitItemRecord(v)
		if err == nil {
			if v[0] == itemGroupTag {
				err = t.decodeGrouped(rest, &it)
			} else {
				err = t.c.decode(rest, &itemBody{Item: &it})
			}
		}
		if err != nil {
			return it, fmt.Errorf("decode item %d: %w", id, err)
		}
		it.FeedID, it.NormURL, it.Published, it.FirstSeen = m.FeedID, m.NormURL, m.Published, m.FirstSeen
	} else if err := t.c.decode(v, &it); err != nil {
		return it, fmt.Errorf("decode item %d: %w", id, err)
	}
	it.ID = id
	return it, nil
}

// ItemIDByKey returns the id and content hash of the feed's item with this
// key, if stored. The hash lets a poll skip unchanged items without
// decoding them.
func (t *Tx) ItemIDByKey(feed uint64, key string) (id, hash uint64, ok bool) {
	v := t.b(bucketItemKeys).Get(keyFeedString(feed, key))
	if len(v) < 16 {
		return 0, 0, false
	}
	return getU64(v), getU64(v[8:]), true
}

// ItemIDByNormURL returns the first stored item that used this normalised URL.
func (t *Tx) ItemIDByNormURL(u string) (uint64, bool) {
	if u == "" {
		return 0, false
	}
	v := t.b(bucketItemURLs).Get([]byte(u))
	return getU64(v), v != nil
}

// FeedItemIDs returns the ids of a feed's items, oldest published first.
func (t *Tx) FeedItemIDs(feed uint64) ([]uint64, error) {
	var ids []uint64
	c := t.b(bucketItemFeedTime).Cursor()
	p := u64(feed)
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		ids = append(ids, getU64(k[16:]))
	}
	return ids, nil
}

// CountItems returns the number of stored items.
func (t *Tx) CountItems() int { return t.b(bucketItems).Stats().KeyN }

// DeleteItem removes an item and every index entry that points at it. If it
// was the canonical item of a cluster, the earliest-published remaining copy
// becomes canonical; if it was a copy, its link goes. With dropSignature the
// dedupe signature goes too (otherwise it is kept so later copies still find
// the story).
func (t *Tx) DeleteItem(id uint64, dropSignature bool) error {
	it, err := t.Item(id)
	if err != nil {
		return err
	}
	if err := t.detach(id); err != nil {
		return err
	}
	if err := t.unindexTimes(it); err != nil {
		return err
	}
	if err := t.b(bucketItemSeen).Delete(keyTimeID(it.FirstSeen, id)); err != nil {
		return fmt.Errorf("delete item %d: %w", id, err)
	}
	if err := t.b(bucketItemKeys).Delete(keyFeedString(it.FeedID, it.Key)); err != nil {
		return fmt.Errorf("delete item %d: %w", id, err)
	}
	if it.NormURL != "" {
		urls := t.b(bucketItemURLs)
		if getU64(urls.Get([]byte(it.NormURL))) == id {
			if err := urls.Delete([]byte(it.NormURL)); err != nil {
				return fmt.Errorf("delete item %d: %w", id, err)
			}
		}
	}
	if err := t.deleteItemState(id); err != nil {
		return err
	}
	if dropSignature {
		if err := t.b(bucketSigs).Delete(u64(id)); err != nil {
			return fmt.Errorf("delete item %d: %w", id, err)
		}
	}
	if err := t.unrefGroup(t.b(bucketItems).Get(u64(id))); err != nil {
		return fmt.Errorf("delete item %d: %w", id, err)
	}
	return t.b(bucketItems).Delete(u64(id))
}

// ItemQuery selects items for listing.
type ItemQuery struct {
	Feed   uint64    // 0: all feeds
	Before time.Time // zero: no upper bound (exclusive, by published time)
	// BeforeID breaks ties with Before for cursor pagination: items published
	// exactly at Before are listed only when their id is below BeforeID.
	BeforeID uint64
	Limit    int // 0: no limit
	// All lists copies too; by default only canonical items are listed.
	All bool
}

// Items calls fn for each matching item, newest published first, until fn
// returns false or Limit items were visited.
func (t *Tx) Items(q ItemQuery, fn func(Item) bool) error {
	return t.walkItems(q, func(id uint64) (bool, error) {
		it, err := t.Item(id)
		if err != nil {
			return false, err
		}
		return fn(it), nil
	})
}

// ItemMetas is Items without the items' text: it reads only the head of
// each record (see ItemMeta), not the compressed group its text is in.
// What filters a long listing by feed, time or read state (unread
// counts, a page of unread items among thousands read) reads this, and
// the text only of what it keeps: decoding every item cost 1.8 s per
// 50,000 items a request.
func (t *Tx) ItemMetas(q ItemQuery, fn func(ItemMeta) bool) error {
	return t.walkItems(q, func(id uint64) (bool, error) {
		m, err := t.ItemMeta(id)
		if err != nil {
			return false, err
		}
		return fn(m), nil
	})
}

// CanonicalIDs calls fn with the id of each canonical item in id
// (arrival) order until fn returns false: ascending from the first id
// above after, or, with desc, descending from the first id below before.
// It seeks instead of walking every item, so a client paging through
// items by id (Fever's since_id and max_id) costs a page, not the whole
// database, per request.
func (t *Tx) CanonicalIDs(after, before uint64, desc bool, fn func(id uint64) bool) {
	if !desc && after == math.MaxUint64 {
		return // after+1 would wrap to the first item
	}
	c := t.b(bucketItems).Cursor()
	links := t.b(bucketLinks)
	var k []byte
	if desc {
		if k, _ = c.Seek(u64(before)); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
	} else {
		k, _ = c.Seek(u64(after + 1))
	}
	next := c.Next
	if desc {
		next = c.Prev
	}
	for ; k != nil; k, _ = next() {
		if links.Get(k) == nil && !fn(getU64(k)) {
			return
		}
	}
}

// IsCanonical reports whether the item id is stored and no copy of
// another.
func (t *Tx) IsCanonical(id uint64) bool {
	return t.b(bucketItems).Get(u64(id)) != nil && t.b(bucketLinks).Get(u64(id)) == nil
}

// CountCanonical returns how many stored items are canonical: every item
// but the copies.
func (t *Tx) CountCanonical() int { return t.b(bucketItemTime).Stats().KeyN - t.CountLinks() }

// walkItems calls visit with the id of each item q matches, newest
// published first, until visit returns false or an error, or Limit items
// were visited.
func (t *Tx) walkItems(q ItemQuery, visit func(id uint64) (bool, error)) error {
	var (
		c      = t.b(bucketItemTime).Cursor()
		prefix []byte
		off    = 0
	)
	if q.Feed != 0 {
		c = t.b(bucketItemFeedTime).Cursor()
		prefix = u64(q.Feed)
		off = 8
	}
	var k []byte
	if !q.Before.IsZero() {
		seek := append(append([]byte(nil), prefix...), keyTimeID(q.Before, q.BeforeID)...)
		k, _ = c.Seek(seek)
		if k == nil {
			k, _ = c.Last()
		}
		for k != nil && string(k) >= string(seek) {
			k, _ = c.Prev()
		}
	} else if prefix != nil {
		next := u64(q.Feed + 1)
		k, _ = c.Seek(next)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
	} else {
		k, _ = c.Last()
	}
	links := t.b(bucketLinks)
	n := 0
	for ; k != nil && hasPrefix(k, prefix); k, _ = c.Prev() {
		id := getU64(k[off+8:])
		if !q.All && links.Get(u64(id)) != nil {
			continue
		}
		more, err := visit(id)
		if err != nil {
			return err
		}
		n++
		if !more || (q.Limit > 0 && n >= q.Limit) {
			return nil
		}
	}
	return nil
}

// ItemsSeenBefore returns the ids of items first seen before cutoff, oldest
// first, at most limit of them (0: all).
func (t *Tx) ItemsSeenBefore(cutoff time.Time, limit int) []uint64 {
	var ids []uint64
	c := t.b(bucketItemSeen).Cursor()
	end := keyTimeID(cutoff, 0)
	for k, _ := c.First(); k != nil && string(k) < string(end); k, _ = c.Next() {
		ids = append(ids, getU64(k[8:]))
		if limit > 0 && len(ids) >= limit {
			break
		}
	}
	return ids
}

// PutSignature stores an item's dedupe signature.
func (t *Tx) PutSignature(id uint64, sig []byte) error {
	if err := t.b(bucketSigs).Put(u64(id), sig); err != nil {
		return fmt.Errorf("put signature %d: %w", id, err)
	}
	return nil
}

// Signature returns an item's dedupe signature, or nil.
func (t *Tx) Signature(id uint64) []byte { return clone(t.b(bucketSigs).Get(u64(id))) }

// SignaturesFrom calls fn for at most limit stored signatures with ids of
// at least from, in id order, and returns the id to continue from (0 when
// none are left): a large index is read in chunks, one transaction each.
// The bytes are only valid during the call.
func (t *Tx) SignaturesFrom(from uint64, limit int, fn func(id uint64, sig []byte) error) (uint64, error) {
	c := t.b(bucketSigs).Cursor()
	n := 0
	for k, v := c.Seek(u64(from)); k != nil; k, v = c.Next() {
		if n == limit {
			return getU64(k), nil
		}
		if err := fn(getU64(k), v); err != nil {
			return 0, err
		}
		n++
	}
	return 0, nil
}
