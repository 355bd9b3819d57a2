package store

import (
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// rssFile is this process's file-backed resident memory in bytes.
func rssFile(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "RssFile:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// TestReleaseMappedDropsFilePagesAndKeepsData: after reading a 24 MB
// bucket, the database's pages count in RSS; ReleaseMapped takes them out,
// and every value still reads back intact.
func TestReleaseMappedDropsFilePagesAndKeepsData(t *testing.T) {
	db := openTest(t)
	r := rand.New(rand.NewPCG(1, 2))
	const n, size = 6000, 4000
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("blob"))
		if err != nil {
			return err
		}
		for i := range n {
			v := make([]byte, size)
			for j := 0; j < size; j += 8 {
				binary.LittleEndian.PutUint64(v[j:], r.Uint64())
			}
			if err := b.Put(binary.BigEndian.AppendUint32(nil, uint32(i)), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := func() uint32 {
		var c uint32
		if err := db.bolt.View(func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("blob")).ForEach(func(k, v []byte) error {
				c = crc32.Update(c, crc32.IEEETable, v)
				return nil
			})
		}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	want := sum()
	before := rssFile(t)
	if err := db.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	after := rssFile(t)
	t.Logf("RssFile %d MiB -> %d MiB", before>>20, after>>20)
	if before-after < 16<<20 {
		t.Errorf("ReleaseMapped freed %d MiB of file-backed RSS, want at least 16 of the 24 read", (before-after)>>20)
	}
	if got := sum(); got != want {
		t.Fatalf("data changed after ReleaseMapped: crc %08x, want %08x", got, want)
	}
}

func TestFileMappingsOnlySharedReadOnlyOfThatFile(t *testing.T) {
	maps := strings.Join([]string{
		"7f0000000000-7f0000100000 r--s 00000000 fd:01 42 /data/feedfold.db",
		"7f0000200000-7f0000300000 rw-s 00000000 fd:01 42 /data/feedfold.db",
		"7f0000400000-7f0000500000 r--p 00000000 fd:01 42 /data/feedfold.db",
		"7f0000600000-7f0000700000 r--s 00000000 fd:01 43 /data/other.db",
		"c000000000-c004000000 rw-p 00000000 00:00 0",
		"garbage",
	}, "\n")
	path := filepath.Join(t.TempDir(), "maps")
	if err := os.WriteFile(path, []byte(maps), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := fileMappings(path, 42)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]uintptr{{0x7f0000000000, 0x7f0000100000}}
	if len(got) != 1 || got[0] != want[0] {
		t.Fatalf("got %x, want %x", got, want)
	}
}
