package aggregator

import (
	"math"
	"sort"
	"time"
)

// IntervalParams are the inputs of NextInterval.
type IntervalParams struct {
	Min, Max time.Duration
	// Published are the publish times of the items in the feed now.
	Published []time.Time
	// TTL and MaxAge are what the feed and the HTTP response ask for; the
	// interval is never shorter than either.
	TTL, MaxAge time.Duration
	// Jitter returns a float in [0,1); nil means no jitter.
	Jitter func() float64
}

// NextInterval is the adaptive polling interval: about half the median gap
// between the feed's recent items (so a new item waits on average a quarter
// of a gap), never below what the feed asks for, clamped to [Min, Max] and
// jittered by ±10% so feeds polled together drift apart.
func NextInterval(p IntervalParams) time.Duration {
	d := p.Max
	if gap, ok := medianGap(p.Published, 10); ok {
		d = gap / 2
	}
	d = max(d, p.TTL, p.MaxAge)
	d = min(max(d, p.Min), p.Max)
	if p.Jitter != nil {
		d = time.Duration(float64(d) * (0.9 + 0.2*p.Jitter()))
		d = min(max(d, p.Min), p.Max)
	}
	return d
}

// medianGap is the median gap between the newest n distinct publish times.
func medianGap(ts []time.Time, n int) (time.Duration, bool) {
	uniq := make([]time.Time, 0, len(ts))
	seen := map[int64]bool{}
	for _, t := range ts {
		if !t.IsZero() && !seen[t.Unix()] {
			seen[t.Unix()] = true
			uniq = append(uniq, t)
		}
	}
	if len(uniq) < 2 {
		return 0, false
	}
	sort.Slice(uniq, func(i, j int) bool { return uniq[i].After(uniq[j]) })
	if len(uniq) > n {
		uniq = uniq[:n]
	}
	gaps := make([]time.Duration, 0, len(uniq)-1)
	for i := 1; i < len(uniq); i++ {
		gaps = append(gaps, uniq[i-1].Sub(uniq[i]))
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	return gaps[len(gaps)/2], true
}

// Backoff is the wait before retrying a feed after `failures` consecutive
// failures: base·2^(failures-1) with "equal jitter" (half fixed, half
// random, so retries spread out but never collapse to zero), at least
// retryAfter, at most limit (unless Retry-After asks for longer).
func Backoff(failures int, retryAfter, base, limit time.Duration, jitter func() float64) time.Duration {
	if failures < 1 {
		failures = 1
	}
	exp := float64(base) * math.Pow(2, float64(min(failures-1, 30)))
	d := time.Duration(math.Min(exp, float64(limit)))
	if jitter != nil {
		d = d/2 + time.Duration(float64(d/2)*jitter())
	}
	if d < retryAfter {
		d = retryAfter
	}
	if d > limit && retryAfter <= limit {
		d = limit
	}
	return d
}
