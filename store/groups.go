package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// Item bodies compressed in groups (schema 4).
//
// A poll's new items of one feed are encoded by EncodeItems: their JSON
// bodies are laid end to end and compressed together, about groupBytes at
// a time, into one item_bodies record; each item's own record keeps its
// head (what ItemMeta reads) and where its JSON lies in the group.
//
// Why: compressed one by one, a record of real prose is 2–4 KB, and bbolt
// keeps at least two values on a leaf node, so two such records take two
// or three 4 KB pages: the items bucket of a realistic ingest was 157 MB of
// pages for 106 MB of records, and the database 1.2–1.4× the feed bytes
// it held. A group is one large value whose pages are full but the last,
// and compressed together the items share their words: 0.43 instead of
// 0.56 of the JSON on prose (0.40 instead of 0.51 on ingestbench's small
// vocabulary), at the same speed. Reading one item decompresses its group
// (32 KB, a fraction of a millisecond); a Tx keeps the last group it
// decompressed, as a feed's listing and Check read a group's items one
// after another.
//
// item_body_refs counts the records that point into each group. An item
// that is updated gets a record of its own and leaves its group; the
// group goes when its last item does.
const itemGroupTag = 0x02

// groupBytes is how much JSON a group holds before the next one starts.
// Larger groups compress a little better (0.41 at 64 KB against 0.43 on
// prose) but every single-item read decompresses the whole group.
const groupBytes = 32 << 10

// encodedGroup is a group's compressed bytes, shared by the EncodedItems
// that point into it until a transaction stores it.
type encodedGroup struct{ blob []byte }

func hasItemHead(v []byte) bool {
	return len(v) > 0 && (v[0] == itemMetaTag || v[0] == itemGroupTag)
}

// EncodeItems encodes new items for InsertEncoded outside any transaction,
// with their bodies compressed together in groups (see itemGroupTag); items
// of one feed belong together, as they are read together. Encoding and
// compressing costs more than storing; done this way it runs on the
// caller's goroutine (a poll's workers, one per core) instead of inside the
// single writer. The EncodedItems keep the items' text (Content, Summary)
// only in the compressed group: a fetched feed waiting for the writer then
// holds a third of the bytes it would. It is safe for concurrent use.
func (d *DB) EncodeItems(items []Item) ([]EncodedItem, error) {
	c := d.codec
	s, _ := c.bufs.Get().(*scratch)
	if s == nil {
		s = new(scratch)
	}
	defer c.bufs.Put(s)
	s.raw.Reset()
	out := make([]EncodedItem, len(items))
	start := 0
	flush := func(end int) {
		s.out = c.enc.EncodeAll(s.raw.Bytes(), s.out[:0])
		g := &encodedGroup{blob: bytes.Clone(s.out)}
		for i := start; i < end; i++ {
			out[i].group = g
		}
		s.raw.Reset()
		start = end
	}
	for i, it := range items {
		it.ID = 0
		off := s.raw.Len()
		if err := encodeTo(&s.raw, itemBody{Item: &it}); err != nil {
			return nil, fmt.Errorf("encode item: %w", err)
		}
		head := appendItemHead(nil, itemGroupTag, it)
		it.Content, it.Summary = "", ""
		out[i] = EncodedItem{item: it, head: head, off: uint32(off), size: uint32(s.raw.Len() - off)}
		if s.raw.Len() >= groupBytes {
			flush(i + 1)
		}
	}
	if start < len(items) {
		flush(len(items))
	}
	return out, nil
}

// groupID stores g on its first use in this transaction and returns its id.
// Ids are per transaction: a batch that fails and is retried feed by feed
// stores its groups again.
func (t *Tx) groupID(g *encodedGroup) (uint64, error) {
	if id, ok := t.groups[g]; ok {
		return id, nil
	}
	b := t.b(bucketItemBodies)
	id, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	if err := b.Put(u64(id), g.blob); err != nil {
		return 0, fmt.Errorf("put item group %d: %w", id, err)
	}
	if t.groups == nil {
		t.groups = make(map[*encodedGroup]uint64)
	}
	t.groups[g] = id
	return id, nil
}

// refGroup adds delta to the count of records pointing into group gid and
// deletes the group when none is left.
func (t *Tx) refGroup(gid uint64, delta int64) error {
	refs := t.b(bucketItemBodyRefs)
	n, _ := binary.Uvarint(refs.Get(u64(gid)))
	left := int64(n) + delta
	if left > 0 {
		return refs.Put(u64(gid), binary.AppendUvarint(nil, uint64(left)))
	}
	if err := refs.Delete(u64(gid)); err != nil {
		return err
	}
	if t.groupRawID == gid {
		t.groupRawID = 0
	}
	return t.b(bucketItemBodies).Delete(u64(gid))
}

// unrefGroup releases the group an item record v points into, if any.
func (t *Tx) unrefGroup(v []byte) error {
	if len(v) == 0 || v[0] != itemGroupTag {
		return nil
	}
	_, rest, err := splitItemRecord(v)
	if err != nil {
		return err
	}
	gid, _, _, err := groupRef(rest)
	if err != nil {
		return err
	}
	return t.refGroup(gid, -1)
}

var errBadGroupRef = errors.New("bad item group reference")

// groupRef reads the group id, offset and size that follow a grouped
// record's head.
func groupRef(rest []byte) (gid uint64, off, size int, err error) {
	var vals [3]uint64
	for i := range vals {
		x, n := binary.Uvarint(rest)
		if n <= 0 {
			return 0, 0, 0, errBadGroupRef
		}
		vals[i], rest = x, rest[n:]
	}
	if vals[0] == 0 || vals[1] > 1<<31 || vals[2] > 1<<31 {
		return 0, 0, 0, errBadGroupRef
	}
	return vals[0], int(vals[1]), int(vals[2]), nil
}

// decodeGrouped decodes into it the JSON a grouped record's reference
// (rest) points at.
func (t *Tx) decodeGrouped(rest []byte, it *Item) error {
	gid, off, size, err := groupRef(rest)
	if err != nil {
		return err
	}
	if t.groupRawID != gid {
		v := t.b(bucketItemBodies).Get(u64(gid))
		if v == nil {
			return fmt.Errorf("item group %d: %w", gid, ErrNotFound)
		}
		raw, err := t.c.dec.DecodeAll(v, t.groupRaw[:0])
		if err != nil {
			t.groupRawID = 0
			return fmt.Errorf("item group %d: %w", gid, err)
		}
		t.groupRaw, t.groupRawID = raw, gid
	}
	if off+size > len(t.groupRaw) {
		return fmt.Errorf("item group %d: %w", gid, errBadGroupRef)
	}
	// json.Unmarshal copies every string it decodes, so the group's buffer
	// can be reused for the next group.
	return json.Unmarshal(t.groupRaw[off:off+size], &itemBody{Item: it})
}
