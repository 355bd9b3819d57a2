package store

import (
	"fmt"
)

// Flags is a user's state of one item.
type Flags uint8

// Item state flags.
const (
	Read Flags = 1 << iota
	Starred
)

// ItemFlags returns user's flags for an item.
func (t *Tx) ItemFlags(user, item uint64) Flags {
	v := t.b(bucketItemState).Get(keyPair(user, item))
	if len(v) == 0 {
		return 0
	}
	return Flags(v[0])
}

// SetItemFlags sets (set) and clears (clear) flags on an item for user.
func (t *Tx) SetItemFlags(user, item uint64, set, clear Flags) error {
	f := (t.ItemFlags(user, item) | set) &^ clear
	k := keyPair(user, item)
	var err error
	if f == 0 {
		err = t.b(bucketItemState).Delete(k)
	} else {
		err = t.b(bucketItemState).Put(k, []byte{byte(f)})
	}
	if err != nil {
		return fmt.Errorf("set state of item %d: %w", item, err)
	}
	return nil
}

// userIDs lists every user id, plus 0: the single configured user of a
// database that has no user records yet.
func (t *Tx) userIDs() []uint64 {
	var users []uint64
	c := t.b(bucketUsers).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		users = append(users, getU64(k))
	}
	return append(users, 0)
}

// inheritState gives to, for every user, the union of its own flags and
// from's: used when from stops being canonical and to takes over its cluster.
func (t *Tx) inheritState(from, to uint64) error {
	for _, u := range t.userIDs() {
		if f := t.ItemFlags(u, from); f != 0 {
			if err := t.SetItemFlags(u, to, f, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Tx) deleteItemState(item uint64) error {
	for _, u := range t.userIDs() {
		if err := t.b(bucketItemState).Delete(keyPair(u, item)); err != nil {
			return fmt.Errorf("delete state of item %d: %w", item, err)
		}
	}
	return nil
}

// Starred reports whether any user starred the item: retention never drops
// starred items.
func (t *Tx) Starred(item uint64) bool {
	for _, u := range t.userIDs() {
		if t.ItemFlags(u, item)&Starred != 0 {
			return true
		}
	}
	return false
}
