// Package aggregator decides when and how feeds are fetched and turns what
// they return into stored, deduplicated items.
//
// An item's path: the scheduler (gocron) wakes the Aggregator, which picks
// the feeds whose next poll is due; workers (bounded globally and per host)
// fetch each feed with a conditional GET, parse it with gofeed from an
// io.Reader, normalise its entries, learn the feed's boilerplate and compute
// dedupe signatures in parallel; one writer goroutine then applies whole
// feeds in batched bbolt transactions: new and changed items, same-url and
// near-duplicate links, the feed's validators and its next poll time, all in
// the same transaction, so a 304 on the next poll can never hide items that
// were not stored.
package aggregator
