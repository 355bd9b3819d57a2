package store

import (
	"encoding/json"
	"fmt"
)

// LinkOf returns the link that makes id a copy, if it is one.
func (t *Tx) LinkOf(id uint64) (Link, bool) {
	v := t.b(bucketLinks).Get(u64(id))
	if v == nil {
		return Link{}, false
	}
	var l Link
	if err := json.Unmarshal(v, &l); err != nil {
		return Link{}, false
	}
	return l, true
}

// Root returns the canonical item of id's cluster (id itself when canonical).
func (t *Tx) Root(id uint64) uint64 {
	if l, ok := t.LinkOf(id); ok {
		return l.Original
	}
	return id
}

// Copies returns the links of every copy of the canonical item root, in
// copy-id order.
func (t *Tx) Copies(root uint64) []Link {
	var out []Link
	c := t.b(bucketCluster).Cursor()
	p := u64(root)
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		if l, ok := t.LinkOf(getU64(k[8:])); ok {
			out = append(out, l)
		}
	}
	return out
}

// CountLinks returns the number of items stored as copies.
func (t *Tx) CountLinks() int { return t.b(bucketLinks).Stats().KeyN }

// SetCluster makes root the canonical item of a cluster whose copies are
// given by links (every link must name root as Original). Members that
// belonged to other clusters move; a previous canonical item that is now a
// copy hands its read/starred state to root, so a user's state follows the
// story, not the item.
func (t *Tx) SetCluster(root uint64, links []Link) error {
	if err := t.detach(root); err != nil {
		return err
	}
	for _, l := range links {
		if l.Original != root {
			return fmt.Errorf("set cluster %d: link %d -> %d names another original", root, l.Copy, l.Original)
		}
		if l.Copy == root {
			continue
		}
		wasRoot := !t.isCopy(l.Copy)
		if err := t.unlink(l.Copy); err != nil {
			return err
		}
		if wasRoot {
			if err := t.inheritState(l.Copy, root); err != nil {
				return err
			}
		}
		v, err := encode(l)
		if err != nil {
			return fmt.Errorf("encode link %d: %w", l.Copy, err)
		}
		if err := t.b(bucketLinks).Put(u64(l.Copy), v); err != nil {
			return fmt.Errorf("put link %d: %w", l.Copy, err)
		}
		if err := t.b(bucketCluster).Put(keyPair(root, l.Copy), nil); err != nil {
			return fmt.Errorf("put link %d: %w", l.Copy, err)
		}
	}
	return nil
}

func (t *Tx) isCopy(id uint64) bool { return t.b(bucketLinks).Get(u64(id)) != nil }

// unlink removes id's own link (if it is a copy), leaving its copies alone.
func (t *Tx) unlink(id uint64) error {
	l, ok := t.LinkOf(id)
	if !ok {
		return nil
	}
	if err := t.b(bucketCluster).Delete(keyPair(l.Original, id)); err != nil {
		return fmt.Errorf("unlink %d: %w", id, err)
	}
	if err := t.b(bucketLinks).Delete(u64(id)); err != nil {
		return fmt.Errorf("unlink %d: %w", id, err)
	}
	return nil
}

// Unlink turns a copy back into a canonical item of its own.
func (t *Tx) Unlink(id uint64) error { return t.unlink(id) }

// detach takes id out of any cluster. If id was canonical with copies, the
// earliest-published copy (then lowest id) becomes canonical of the rest.
func (t *Tx) detach(id uint64) error {
	if err := t.unlink(id); err != nil {
		return err
	}
	copies := t.Copies(id)
	if len(copies) == 0 {
		return nil
	}
	var (
		next    uint64
		nextPub Item
	)
	for _, l := range copies {
		if err := t.b(bucketCluster).Delete(keyPair(id, l.Copy)); err != nil {
			return fmt.Errorf("detach %d: %w", id, err)
		}
		if err := t.b(bucketLinks).Delete(u64(l.Copy)); err != nil {
			return fmt.Errorf("detach %d: %w", id, err)
		}
		it, err := t.Item(l.Copy)
		if err != nil {
			continue
		}
		if next == 0 || it.Published.Before(nextPub.Published) {
			next, nextPub = l.Copy, it
		}
	}
	if next == 0 {
		return nil
	}
	var rest []Link
	for _, l := range copies {
		if l.Copy != next {
			l.Original = next
			rest = append(rest, l)
		}
	}
	if err := t.inheritState(id, next); err != nil {
		return err
	}
	return t.SetCluster(next, rest)
}
