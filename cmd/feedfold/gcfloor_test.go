package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestGCPercentFor: the next collection comes at heapFloor while the live
// heap is small, at gcPercent over it once it is large, and never at a
// GOGC whose minimum heap would exceed the floor.
func TestGCPercentFor(t *testing.T) {
	const roots = 512 << 10
	for _, live := range []uint64{1 << 20, 4 << 20, 8 << 20, 10 << 20} {
		p := gcPercentFor(live, roots)
		// Go's goal, its minimum heap (4 MiB·GOGC/100) included.
		goal := max(live+(live+roots)*uint64(p)/100, 4<<20*uint64(p)/100)
		if goal > heapFloor || goal < heapFloor*85/100 {
			t.Errorf("live %d MiB: GOGC %d puts the goal at %.1f MiB, want just under %d MiB", live>>20, p, float64(goal)/(1<<20), heapFloor>>20)
		}
	}
	for _, live := range []uint64{12 << 20, heapFloor, 64 << 20, 1 << 30} {
		if p := gcPercentFor(live, roots); p != gcPercent {
			t.Errorf("live %d MiB: GOGC %d, want %d", live>>20, p, gcPercent)
		}
	}
	for _, live := range []uint64{0, 1, 64 << 10} {
		if p := gcPercentFor(live, 0); p != maxGCPercent {
			t.Errorf("live %d B: GOGC %d, want the cap %d", live, p, maxGCPercent)
		}
	}
	if 4<<20*maxGCPercent/100 > heapFloor {
		t.Errorf("maxGCPercent %d lets Go's minimum heap exceed the floor", maxGCPercent)
	}
}

// TestTuneGCFollowsCollections: once tuning, a collection sets GOGC from
// the live heap (this test's is far below the floor: above gcPercent), and
// after stop it is left alone.
func TestTuneGCFollowsCollections(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	stop := tuneGC(false)
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs after the cycle
		p := debug.SetGCPercent(gcPercent)
		if p > gcPercent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC stayed %d after collections, want it raised for a small heap", p)
		}
	}
	stop()
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if p := debug.SetGCPercent(gcPercent); p != gcPercent {
		t.Errorf("GOGC %d after stop, want it left at %d", p, gcPercent)
	}
}

// TestMemLimitFor: the soft memory limit is the floor while the live heap
// is small and twice the live heap beyond, so a large live heap (a big
// index) is never squeezed by it.
func TestMemLimitFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, memLimitFloor},
		{10 << 20, memLimitFloor},
		{memLimitFloor / 2, memLimitFloor},
		{20 << 20, 40 << 20},
		{60<<20 + 1, 121 << 20},
	} {
		if got := memLimitFor(c.live); got != c.want {
			t.Errorf("memLimitFor(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

// TestTuneGCSetsMemoryLimit: with limitMemory, tuning sets the soft
// memory limit for this test's small live heap: the floor.
func TestTuneGCSetsMemoryLimit(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	debug.SetMemoryLimit(math.MaxInt64)
	stop := tuneGC(true)
	defer stop()
	runtime.GC()
	if got := debug.SetMemoryLimit(-1); got != memLimitFloor {
		t.Errorf("memory limit %d while tuning a small heap, want %d", got, int64(memLimitFloor))
	}
}
