package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// heapFloor is the heap size below which feedfold does not collect: with
// gcPercent alone a small live heap (a poll's first minutes, a small
// install) is collected every few MB allocated, hundreds of times a poll,
// although the memory a larger heap would take is within what the poll
// reaches anyway once its live heap has grown. The heap goal is the larger
// of heapFloor and gcPercent over the live heap, so the peak is unchanged.
const heapFloor = 16 << 20

// gcPercentFor returns the GOGC that puts the next collection at the
// larger of heapFloor and gcPercent over a live heap of live bytes,
// rounded down to tens so that it rarely changes. Go sets the heap goal
// at live + (live + roots)·GOGC/100, roots being the goroutine stacks and
// globals it scans, so those count too.
func gcPercentFor(live, roots uint64) int {
	if live >= heapFloor {
		return gcPercent
	}
	if live+roots == 0 {
		return maxGCPercent
	}
	p := int(100 * float64(heapFloor-live) / float64(live+roots))
	return min(max(gcPercent, p/10*10), maxGCPercent)
}

// maxGCPercent bounds gcPercentFor: Go never collects a heap below
// 4 MB·GOGC/100, so a higher GOGC would raise the floor past heapFloor.
const maxGCPercent = 100 * heapFloor / (4 << 20)

// memLimitFloor is the least soft memory limit tuneGC sets.
const memLimitFloor = 30 << 20

// memLimitFor returns the soft memory limit (debug.SetMemoryLimit) for a
// live heap of live bytes: twice it, at least memLimitFloor, rounded up to
// a MiB. Below the limit the heap goal is GOGC's as before; what the limit
// changes is that the runtime returns freed pages to the system as the
// process nears it instead of keeping them for later, so the peak
// resident set follows the heap. On prose-like feeds (ingestbench -text
// zipf) a 1000-feed first poll peaked at 45.5–47.8 MiB, at the edge of
// the 48 MiB target, without it. Twice the live heap keeps the limit far
// from a large live heap (a million items' index is 60 MB), where a fixed
// limit would make the collector run without end.
func memLimitFor(live uint64) int64 {
	l := max(memLimitFloor, 2*live)
	return int64((l + 1<<20 - 1) &^ (1<<20 - 1))
}

// gcSentinel is garbage made to learn when a collection has run: its
// finalizer runs after the collection that found it unreachable. It is
// large enough not to share a tiny-allocator block, whose finalizer would
// wait for its neighbours.
type gcSentinel struct{ _ [32]byte }

// tuneGC sets GOGC to gcPercentFor the live heap after every collection,
// and with limitMemory the soft memory limit to memLimitFor it, until the
// returned stop is called.
func tuneGC(limitMemory bool) (stop func()) {
	var stopped atomic.Bool
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/globals:bytes"}, {Name: "/gc/scan/stack:bytes"}}
	last, lastLimit := -1, int64(-1)
	if limitMemory {
		lastLimit = memLimitFor(0)
		debug.SetMemoryLimit(lastLimit)
	}
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
			if stopped.Load() {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[1].Value.Kind() == metrics.KindUint64 && sample[2].Value.Kind() == metrics.KindUint64 {
				live := sample[0].Value.Uint64()
				if p := gcPercentFor(live, sample[1].Value.Uint64()+sample[2].Value.Uint64()); p != last {
					debug.SetGCPercent(p)
					last = p
				}
				if l := memLimitFor(live); limitMemory && l != lastLimit {
					debug.SetMemoryLimit(l)
					lastLimit = l
				}
			}
			arm()
		})
	}
	arm()
	return func() { stopped.Store(true) }
}
