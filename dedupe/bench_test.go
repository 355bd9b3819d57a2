package dedupe

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
)

// BenchmarkSign measures fingerprinting throughput in MB/s of item HTML,
// on the corpus when present (else on the seed example).
func BenchmarkSign(b *testing.B) {
	cfg := DefaultConfig()
	var docs []Doc
	nat := loadCorpus(b, "dev-natural.jsonl")
	syn := loadCorpus(b, "dev-synthetic.jsonl")
	for _, it := range append(syn, nat[:500]...) {
		docs = append(docs, Doc{Title: it.Title, HTML: it.Content, URL: it.URL})
	}
	bp := NewBoilerplate(cfg)
	var total int64
	for _, d := range docs {
		bp.Observe(d)
		total += int64(len(d.HTML) + len(d.Title))
	}
	b.Run("analyzer", func(b *testing.B) {
		// As the aggregator signs: one Analyzer, reset per feed (here
		// every 50 items).
		b.SetBytes(total)
		var az Analyzer
		for i := 0; i < b.N; i++ {
			for j, d := range docs {
				if j%50 == 0 {
					az.Reset()
				}
				SignText(cfg, az.Analyze(d), bp)
			}
		}
	})
	b.Run("one-off", func(b *testing.B) {
		// Sign: a fresh Analyzer per item, as eval and explain do.
		b.SetBytes(total)
		for i := 0; i < b.N; i++ {
			for _, d := range docs {
				Sign(cfg, d, bp)
			}
		}
	})
}

// randomSignature is item i's signature in randomIndex: derived from i
// alone, so a benchmark can query any stored item without keeping them.
func randomSignature(i int) Signature {
	r := rand.New(rand.NewPCG(7, uint64(i)))
	s := Signature{SimHash: r.Uint64(), Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 100}
	for a := 0; a < IndexedAnchors; a++ {
		s.Anchors = append(s.Anchors, r.Uint32())
	}
	for m := 0; m < IndexedMinHashes; m++ {
		s.Sketch = append(s.Sketch, r.Uint32())
	}
	return s
}

// randomIndex fills an index with n random signatures, as a large database
// restored at start-up would.
func randomIndex(n int) *Index {
	x := NewIndex(DefaultConfig())
	for i := 0; i < n; i++ {
		x.Load(uint64(i+1), randomSignature(i))
	}
	x.Rebuild()
	return x
}

// BenchmarkIndexLookup: Candidates at 1,000,000 stored items. Each query
// is a different stored item, picked at random, with 2 bits flipped in its
// fingerprints and unrelated sentences and shingles (a full probe of every
// key), so it has a real match to find and its buckets are not in the CPU
// cache from an earlier query — as for a new item during a poll. Reports
// the median latency and the index's bytes per item.
func BenchmarkIndexLookup(b *testing.B) {
	const n = 1_000_000
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x := randomIndex(n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	perItem := float64(after.HeapAlloc-before.HeapAlloc) / n
	r := rand.New(rand.NewPCG(1, 1))
	flip := func(v uint64) uint64 { return v ^ 1<<r.IntN(64) ^ 1<<r.IntN(64) }
	var dst []uint64
	lat := make([]time.Duration, 0, b.N)
	q := Signature{Words: 100}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := randomSignature(r.IntN(n))
		q.SimHash, q.Lead, q.TitleHash = flip(s.SimHash), flip(s.Lead), flip(s.TitleHash)|1
		q.Anchors, q.Sketch = q.Anchors[:0], q.Sketch[:0]
		for a := 0; a < MaxAnchors; a++ {
			q.Anchors = append(q.Anchors, r.Uint32())
		}
		for m := 0; m < QueriedMinHashes; m++ {
			q.Sketch = append(q.Sketch, r.Uint32())
		}
		b.StartTimer()
		t0 := time.Now()
		dst = x.Candidates(q, dst[:0])
		lat = append(lat, time.Since(t0))
		if len(dst) == 0 {
			b.Fatal("stored neighbour not found")
		}
	}
	b.StopTimer()
	b.ReportMetric(perItem, "bytes/item")
	b.ReportMetric(float64(median(lat).Nanoseconds()), "median-ns")
	runtime.KeepAlive(x)
}

// BenchmarkIndexBuild: restoring 1,000,000 persisted fingerprints.
func BenchmarkIndexBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		randomIndex(1_000_000)
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkIndexGrow: an index grown to 1,000,000 items by Add, as a
// long-running serve grows it between restarts (spare capacity and the
// chains of items added since the last rebuild included). Reports bytes
// per item; ns/op is the whole growth.
func BenchmarkIndexGrow(b *testing.B) {
	const n = 1_000_000
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := rand.New(rand.NewPCG(7, 7))
		x := NewIndex(DefaultConfig())
		s := Signature{Words: 100}
		for id := uint64(1); id <= n; id++ {
			s.SimHash, s.TitleHash = r.Uint64(), r.Uint64()|1
			s.Anchors = append(s.Anchors[:0], r.Uint32())
			s.Sketch = s.Sketch[:0]
			for m := 0; m < IndexedMinHashes; m++ {
				s.Sketch = append(s.Sketch, r.Uint32())
			}
			x.Add(id, s)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/item")
		runtime.KeepAlive(x)
		b.StartTimer()
	}
}
