package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this code reads and writes. Open migrates
// older files forward, one step at a time, inside a single transaction.
const SchemaVersion = 6

// migrations[i] upgrades a file from schema i to i+1. Version 0 is an empty
// file: the first migration creates every bucket.
var migrations = []func(*Tx) error{
	func(t *Tx) error {
		for _, b := range allBuckets {
			if _, err := t.tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 2: per-category settings (deduplication scope).
	func(t *Tx) error {
		if _, err := t.tx.CreateBucketIfNotExists(bucketCategories); err != nil {
			return fmt.Errorf("create bucket %s: %w", bucketCategories, err)
		}
		return nil
	},
	// 3: item records written from now on start with their metadata
	// (itemMetaTag). Older records still read as they are; the version
	// changes so that an older feedfold refuses the file instead of
	// failing on every new record.
	func(*Tx) error { return nil },
	// 4: new items' bodies are compressed in groups (see itemGroupTag).
	// Records of schema 3 and before read as they are.
	func(t *Tx) error {
		for _, b := range [][]byte{bucketItemBodies, bucketItemBodyRefs} {
			if _, err := t.tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 5: how often each source is credited by other sites' items (see
	// Tx.Citations). Items stored before count nothing: their credits
	// live in signatures, which only the deduper reads.
	func(t *Tx) error {
		if _, err := t.tx.CreateBucketIfNotExists(bucketCitations); err != nil {
			return fmt.Errorf("create bucket %s: %w", bucketCitations, err)
		}
		return nil
	},
	// 6: links that name no one entry are no same-url identity (see
	// forgetSharedLinks).
	(*Tx).forgetSharedLinks,
}

// Options tune Open. The zero value is usable.
type Options struct {
	// LockTimeout bounds the wait for another process to release the file.
	// Zero means 2 seconds: long enough to ride out a short-lived command,
	// short enough that a user never mistakes the wait for a hang.
	LockTimeout time.Duration
	// ReadOnly opens with a shared lock; writes fail.
	ReadOnly bool
	// NoSync skips fsync on commit. Only for tests and benchmarks that
	// measure something else: a crash may then lose acknowledged writes.
	NoSync bool
}

// DB is an open feedfold database. It is safe for concurrent use: any number
// of View transactions run alongside one Update.
type DB struct {
	bolt  *bolt.DB
	path  string
	codec *codec

	// mapped caches where bbolt's memory map lies (see ReleaseMapped).
	mapped struct {
		sync.Mutex
		data   uintptr // start of the mapping the ranges were read for
		ranges [][2]uintptr
	}
}

// Open opens (creating it 0600 if absent) the database at path, migrating it
// to SchemaVersion. It returns an error wrapping ErrLocked when another
// process holds the file, and ErrSchema when the file is newer than this code.
func Open(path string, opts Options) (*DB, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      timeout,
		ReadOnly:     opts.ReadOnly,
		NoSync:       opts.NoSync,
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			holder := lockHolder(path)
			if holder == "" {
				holder = "another process"
			}
			return nil, fmt.Errorf("open %s: %w: held by %s (waited %s). Stop that process (SIGTERM lets `feedfold serve` finish its writes), or use another --db", path, ErrLocked, holder, timeout)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Grow the file 4 MiB at a time (bbolt's default is 16 MiB), so a
	// small database is not mostly preallocated space.
	b.AllocSize = 4 << 20
	c, err := newCodec()
	if err != nil {
		b.Close()
		return nil, err
	}
	d := &DB{bolt: b, path: path, codec: c}
	if !opts.ReadOnly {
		if err := d.migrate(); err != nil {
			b.Close()
			return nil, err
		}
	} else if err := d.checkSchema(); err != nil {
		b.Close()
		return nil, err
	}
	return d, nil
}

func (d *DB) checkSchema() error {
	return d.bolt.View(func(tx *bolt.Tx) error {
		v := schemaOf(tx)
		switch {
		case v < SchemaVersion:
			return fmt.Errorf("open %s: schema %d, this feedfold reads %d: %w", d.path, v, SchemaVersion, ErrNeedsMigration)
		case v > SchemaVersion:
			return fmt.Errorf("open %s: schema %d, this feedfold reads %d: %w", d.path, v, SchemaVersion, ErrSchema)
		}
		return nil
	})
}

func schemaOf(tx *bolt.Tx) uint64 {
	m := tx.Bucket(bucketMeta)
	if m == nil {
		return 0
	}
	return getU64(m.Get([]byte("schema")))
}

func (d *DB) migrate() error {
	return d.bolt.Update(func(tx *bolt.Tx) error {
		v := schemaOf(tx)
		if v > SchemaVersion {
			return fmt.Errorf("open %s: schema %d is newer than this feedfold (%d): %w", d.path, v, SchemaVersion, ErrSchema)
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](&Tx{tx: tx, c: d.codec, writable: true}); err != nil {
				return fmt.Errorf("migrate %s to schema %d: %w", d.path, v+1, err)
			}
		}
		return tx.Bucket(bucketMeta).Put([]byte("schema"), u64(SchemaVersion))
	})
}

// Close releases the file lock. In-flight transactions finish first.
func (d *DB) Close() error {
	err := d.bolt.Close()
	d.codec.close()
	return err
}

// Path is the file the database lives in.
func (d *DB) Path() string { return d.path }

// View runs fn in a read-only transaction.
func (d *DB) View(fn func(*Tx) error) error {
	return d.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, c: d.codec}) })
}

// Update runs fn in a read-write transaction and commits (with fsync) when fn
// returns nil. Everything fn wrote is durable once Update returns nil.
func (d *DB) Update(fn func(*Tx) error) error {
	return d.bolt.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, c: d.codec, writable: true}) })
}

// Backup writes a consistent snapshot of the database to w. It runs in a
// read transaction, so writers keep going while it copies.
func (d *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := d.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup %s: %w", d.path, err)
	}
	return n, nil
}

// BackupFile writes a snapshot to path (mode 0600) and syncs it.
func (d *DB) BackupFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n, err := d.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// Tx is one transaction. Its methods keep every secondary index consistent
// with the records. Values returned from a Tx are copies and stay valid after
// the transaction ends.
type Tx struct {
	tx       *bolt.Tx
	c        *codec
	writable bool

	groups     map[*encodedGroup]uint64 // groups stored by this transaction
	groupRawID uint64                   // the group last decompressed (0: none)
	groupRaw   []byte
}

func (t *Tx) b(name []byte) *bolt.Bucket {
	b := t.tx.Bucket(name)
	if t.writable && appendOnly(name) {
		// Keys of these buckets grow (ids from NextSequence, first-seen
		// times): filling pages before splitting them keeps the file near
		// the size of its data instead of twice it.
		b.FillPercent = 0.95
	}
	return b
}

func appendOnly(name []byte) bool {
	switch string(name) {
	case "items", "sigs", "item_seen", "links", "feeds", "item_bodies", "item_body_refs":
		return true
	}
	return false
}
