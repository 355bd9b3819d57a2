package store

import (
	"encoding/json"
	"fmt"
)

// User is an account of the HTTP API. State (read, starred) is keyed by
// user id, so more users need no migration; today the API serves the
// first user.
type User struct {
	ID   uint64 `json:"id"`
	Name string `json:"name"`
	// Hash is the bcrypt hash of the password.
	Hash []byte `json:"hash"`
	// FeverKey is md5("name:password"): the Fever API's credential, which
	// clients compute the same way (it cannot be derived from Hash).
	FeverKey string `json:"fever_key"`
}

// PutUser creates the user, or replaces the password of the user with the
// same name. It assigns ID to a new user.
func (t *Tx) PutUser(u *User) error {
	names := t.b(bucketUserNames)
	if v := names.Get([]byte(u.Name)); v != nil {
		u.ID = getU64(v)
	} else {
		id, err := t.b(bucketUsers).NextSequence()
		if err != nil {
			return fmt.Errorf("put user: %w", err)
		}
		u.ID = id
		if err := names.Put([]byte(u.Name), u64(id)); err != nil {
			return fmt.Errorf("put user: %w", err)
		}
	}
	v, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode user: %w", err)
	}
	return t.b(bucketUsers).Put(u64(u.ID), v)
}

// FirstUser returns the user with the lowest id, or ErrNotFound.
func (t *Tx) FirstUser() (User, error) {
	var u User
	k, v := t.b(bucketUsers).Cursor().First()
	if k == nil {
		return u, fmt.Errorf("user: %w", ErrNotFound)
	}
	if err := json.Unmarshal(v, &u); err != nil {
		return u, fmt.Errorf("decode user: %w", err)
	}
	return u, nil
}
