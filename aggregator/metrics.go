package aggregator

import (
	"sync/atomic"
	"time"
)

// fetchBuckets are the upper bounds (seconds) of the fetch latency
// histogram exposed as Prometheus buckets.
var fetchBuckets = [...]float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// counters are the aggregator's running totals since start.
type counters struct {
	fetched, notModified, failed, newItems, linked atomic.Int64
	latency                                        [len(fetchBuckets) + 1]atomic.Int64
	latencySumMicros                               atomic.Int64
}

// Stats is a snapshot of the counters.
type Stats struct {
	PollsFetched, PollsNotModified, PollsFailed int64
	NewItems, DuplicatesLinked                  int64
	// FetchBuckets[i] counts fetches that took at most FetchBounds[i]
	// seconds (cumulative, Prometheus style); the last is all fetches.
	FetchBounds  []float64
	FetchBuckets []int64
	FetchSeconds float64
	// Prepared is whether the fingerprint index is ready (see Open): until
	// then nothing is polled.
	Prepared bool
}

func (c *counters) observeFetch(d time.Duration) {
	s := d.Seconds()
	for i, b := range fetchBuckets {
		if s <= b {
			c.latency[i].Add(1)
		}
	}
	c.latency[len(fetchBuckets)].Add(1)
	c.latencySumMicros.Add(d.Microseconds())
}

func (c *counters) add(s Summary) {
	c.fetched.Add(int64(s.Fetched))
	c.notModified.Add(int64(s.NotModified))
	c.failed.Add(int64(len(s.Failed)))
	c.newItems.Add(int64(s.NewItems))
	c.linked.Add(int64(s.Linked))
}

// Stats returns the totals since this Aggregator was built.
func (a *Aggregator) Stats() Stats {
	c := &a.counters
	st := Stats{
		PollsFetched: c.fetched.Load(), PollsNotModified: c.notModified.Load(), PollsFailed: c.failed.Load(),
		NewItems: c.newItems.Load(), DuplicatesLinked: c.linked.Load(),
		FetchBounds: fetchBuckets[:], FetchSeconds: float64(c.latencySumMicros.Load()) / 1e6,
		Prepared: a.ready() == nil,
	}
	for i := range c.latency {
		st.FetchBuckets = append(st.FetchBuckets, c.latency[i].Load())
	}
	return st
}
