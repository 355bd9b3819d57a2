//go:build !linux

package store

// ReleaseMapped is a no-op where feedfold does not know how to drop a
// file mapping's resident pages (see release_linux.go).
func (db *DB) ReleaseMapped() error { return nil }
