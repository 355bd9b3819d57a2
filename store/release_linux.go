package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// ReleaseMapped drops this process's mapping of the database pages it has
// read, leaving them in the kernel's page cache.
//
// Why: bbolt reads through a read-only shared memory map, and on every page
// it touches the kernel maps a whole window of neighbouring cached pages
// (fault-around, large folios) into the process. Over a poll, or days of
// serve, nearly the whole file ends up counted in feedfold's resident set
// although none of it is feedfold's memory: a 170 MB database showed as
// ~105 MiB of file-backed RSS. Dropping the mapping (madvise DONTNEED,
// which for a clean shared file mapping only unmaps: the next access
// faults the same bytes back from the page cache) keeps RSS to what
// feedfold allocates, and leaves those pages as ordinary, easily reclaimed
// cache. The aggregator calls it after start-up, between chunks of the
// index load, and after each feed it reads or writes, also from inside a
// write transaction (whose goroutine is the only one that could remap).
//
// It runs inside a read transaction, which holds bbolt's mmap lock: the
// mapping cannot be replaced (bbolt remaps when the file grows) while its
// address range is read from /proc/self/maps and released. The range is
// read again only when the mapping's start moved: reading the maps file
// each time cost 0.4 ms a call, 5% of a large poll's CPU. A mapping that
// starts where the old one did is the file remapped larger (bbolt never
// maps less of a file that never shrinks), so the old range lies inside it.
func (db *DB) ReleaseMapped() error {
	return db.bolt.View(func(*bolt.Tx) error {
		ranges, err := db.mappedRanges()
		if err != nil {
			return fmt.Errorf("release mapped pages: %w", err)
		}
		for _, r := range ranges {
			if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, r[0], r[1]-r[0], syscall.MADV_DONTNEED); e != 0 {
				return fmt.Errorf("release mapped pages: madvise: %w", e)
			}
		}
		return nil
	})
}

// mappedRanges returns the address ranges of the database's mapping; the
// caller holds a transaction.
func (db *DB) mappedRanges() ([][2]uintptr, error) {
	data := db.bolt.Info().Data
	db.mapped.Lock()
	defer db.mapped.Unlock()
	if data == db.mapped.data && db.mapped.ranges != nil {
		return db.mapped.ranges, nil
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		return nil, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, nil
	}
	ranges, err := fileMappings("/proc/self/maps", st.Ino)
	if err != nil {
		return nil, err
	}
	db.mapped.data, db.mapped.ranges = data, ranges
	return ranges, nil
}

// fileMappings returns the [start, end) address ranges of the read-only
// shared mappings of the file with inode ino listed in a maps file. Only
// such mappings are returned: releasing a private or writable one would
// lose data, so anything else is left alone.
func fileMappings(maps string, ino uint64) ([][2]uintptr, error) {
	f, err := os.Open(maps)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][2]uintptr
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 || fs[1] != "r--s" {
			continue
		}
		if n, err := strconv.ParseUint(fs[4], 10, 64); err != nil || n != ino {
			continue
		}
		lo, hi, ok := strings.Cut(fs[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		out = append(out, [2]uintptr{uintptr(start), uintptr(end)})
	}
	return out, sc.Err()
}
