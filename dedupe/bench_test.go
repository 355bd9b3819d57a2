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
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			Sign(cfg, d, bp)
		}
	}
}

// randomIndex fills an index with n random signatures, as a large database
// restored at start-up would.
func randomIndex(n int) (*Index, []Signature) {
	cfg := DefaultConfig()
	r := rand.New(rand.NewPCG(7, 7))
	x := NewIndex(cfg)
	sigs := make([]Signature, 1000)
	for i := 0; i < n; i++ {
		s := Signature{SimHash: r.Uint64(), Lead: r.Uint64(), TitleHash: r.Uint64() | 1, Words: 100}
		for a := 0; a < IndexedAnchors; a++ {
			s.Anchors = append(s.Anchors, r.Uint32())
		}
		for m := 0; m < IndexedMinHashes; m++ {
			s.Sketch = append(s.Sketch, r.Uint32())
		}
		if i < len(sigs) {
			sigs[i] = s
		}
		x.Load(uint64(i+1), s)
	}
	x.Rebuild()
	return x, sigs
}

// BenchmarkIndexLookup: Candidates at 1,000,000 stored items; each query
// is a stored signature with 2 bits flipped per fingerprint, so it has a
// real match to find. Reports bytes per item of the index.
func BenchmarkIndexLookup(b *testing.B) {
	const n = 1_000_000
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x, sigs := randomIndex(n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	perItem := float64(after.HeapAlloc-before.HeapAlloc) / n
	r := rand.New(rand.NewPCG(1, 1))
	queries := make([]Signature, len(sigs))
	for i, s := range sigs {
		flip := func(v uint64) uint64 { return v ^ 1<<r.IntN(64) ^ 1<<r.IntN(64) }
		queries[i] = Signature{SimHash: flip(s.SimHash), Lead: flip(s.Lead), TitleHash: flip(s.TitleHash) | 1, Words: 100}
		for a := 0; a < MaxAnchors; a++ {
			queries[i].Anchors = append(queries[i].Anchors, r.Uint32()) // unrelated sentences: a full anchor probe
		}
		for m := 0; m < QueriedMinHashes; m++ {
			queries[i].Sketch = append(queries[i].Sketch, r.Uint32()) // and a full MinHash probe
		}
	}
	var dst []uint64
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		dst = x.Candidates(queries[i%len(queries)], dst[:0])
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
