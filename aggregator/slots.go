package aggregator

import (
	"context"

	"github.com/feedfold/feedfold/dedupe"
)

// bigBodyBytes is the body size past which a feed is parsed only while no
// other such feed is: ordinary feeds are tens to hundreds of KB, podcast
// archives several MB.
const bigBodyBytes = 2 << 20

// parseSlots gates parsing and signing: one feed per core, each lent that
// core's text analyser (whose memory is reused from feed to feed), and at
// most one feed whose body is over bigBodyBytes. Workers are many so that
// slow servers overlap, but a fetched body is small next to what parsing
// and analysis make of it: gofeed expands a body to several times its
// size, and two 9 MB podcast archives parsed at once peaked at 150 MB.
// Ordinary feeds go on using the other cores while a big one is parsed.
type parseSlots struct {
	analyzers chan *dedupe.Analyzer
	big       chan struct{}
}

func newParseSlots(cores int) *parseSlots {
	s := &parseSlots{analyzers: make(chan *dedupe.Analyzer, cores), big: make(chan struct{}, 1)}
	for range cores {
		s.analyzers <- new(dedupe.Analyzer)
	}
	return s
}

// acquire waits for a core's slot for a body of size bytes (and first for
// the big-feed slot when it is over bigBodyBytes, so two big feeds never
// hold one core each while waiting for each other) and returns its
// analyser and the release that resets the analyser and frees the slots.
func (s *parseSlots) acquire(ctx context.Context, size int) (*dedupe.Analyzer, func(), error) {
	big := size > bigBodyBytes
	if big {
		select {
		case s.big <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	select {
	case az := <-s.analyzers:
		return az, func() {
			az.Reset()
			s.analyzers <- az
			if big {
				<-s.big
			}
		}, nil
	case <-ctx.Done():
		if big {
			<-s.big
		}
		return nil, nil, ctx.Err()
	}
}
