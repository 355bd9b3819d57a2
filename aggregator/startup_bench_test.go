package aggregator

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// BenchmarkStartup measures what `feedfold serve` does before it can link
// anything: open a database holding 1,000,000 signatures and load them
// into the fingerprint index (New). The signatures are real ones, from
// signing generated articles, varied so that every item has its own
// fingerprint and keys; the database is on disk and its pages are in the
// page cache, as after a restart. ns/op is one start-up; also reported:
// the slowest, and the signature bytes per item read.
func BenchmarkStartup(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "startup.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cfg := dedupe.DefaultConfig()
	var real []dedupe.Signature
	bodies, _ := benchBodies(20, 50)
	for _, body := range bodies {
		pf, err := Parse([]byte(body), "", "https://bench.example/", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range pf.Items {
			real = append(real, dedupe.Sign(cfg, docOf(it, "https://bench.example/"), nil))
		}
	}
	r := rand.New(rand.NewPCG(11, 12))
	var sigBytes int64
	const batch = 50_000
	for start := 0; start < n; start += batch {
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < start+batch; i++ {
				s := real[i%len(real)]
				s.SimHash, s.TitleHash = r.Uint64(), r.Uint64()|1
				s.Sketch = append([]uint32(nil), s.Sketch...)
				for j := range s.Sketch {
					s.Sketch[j] ^= r.Uint32()
				}
				s.Anchors = append([]uint32(nil), s.Anchors...)
				for j := range s.Anchors {
					s.Anchors[j] ^= r.Uint32()
				}
				enc, err := s.MarshalBinary()
				if err != nil {
					return err
				}
				sigBytes += int64(len(enc))
				if err := tx.PutSignature(uint64(i+1), enc); err != nil {
					return err
				}
			}
			// Signed at this version's reading, as by a running feedfold:
			// a restart, not the first start after an upgrade (which signs
			// every stored item again first).
			return tx.PutSigReading(dedupe.ReadingVersion)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if f, err := os.Open(path); err != nil { // into the page cache
		b.Fatal(err)
	} else {
		io.Copy(io.Discard, f)
		f.Close()
	}
	runtime.GC()
	var slowest time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		a, err := New(context.Background(), db, Options{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		slowest = max(slowest, time.Since(start))
		b.StopTimer()
		if a.index.Len() != n {
			b.Fatalf("index holds %d, want %d", a.index.Len(), n)
		}
		runtime.KeepAlive(a)
		db.Close()
		runtime.GC() // the previous index's memory is not the next one's cost
		b.StartTimer()
	}
	b.ReportMetric(slowest.Seconds(), "s-slowest")
	b.ReportMetric(float64(sigBytes)/n, "sig-bytes/item")
}
