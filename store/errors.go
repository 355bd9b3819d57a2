package store

import "errors"

// Sentinel errors. Callers branch on them with errors.Is; the HTTP layer maps
// them to status codes in one place.
var (
	// ErrNotFound is returned when a feed, item or user does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned when adding a feed whose URL is already subscribed.
	ErrExists = errors.New("already exists")
	// ErrLocked is returned by Open when another process holds the database.
	ErrLocked = errors.New("database is locked by another process")
	// ErrSchema is returned when the file was written by a newer feedfold.
	ErrSchema = errors.New("unsupported database schema")
	// ErrNeedsMigration is returned by a read-only Open of a file written
	// by an older feedfold: a read-only open cannot migrate it, and
	// opening it once writable does.
	ErrNeedsMigration = errors.New("database needs migrating to this feedfold's schema")
)
