package aggregator

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestBigFeedsParseOneAtATime: a second body over bigBodyBytes waits until
// the first big one is released, while an ordinary feed takes the other
// core meanwhile; a wait ends with its context.
func TestBigFeedsParseOneAtATime(t *testing.T) {
	s := newParseSlots(2)
	ctx := context.Background()
	az, releaseBig, err := s.acquire(ctx, bigBodyBytes+1)
	if err != nil || az == nil {
		t.Fatalf("first big feed: %v", err)
	}
	second := make(chan func(), 1)
	go func() {
		_, release, err := s.acquire(ctx, 3*bigBodyBytes)
		if err != nil {
			t.Error(err)
		}
		second <- release
	}()
	select {
	case <-second:
		t.Fatal("a second big feed got a slot while the first held one")
	case <-time.After(50 * time.Millisecond):
	}
	// An ordinary feed is not held up by the waiting big one.
	small, releaseSmall, err := s.acquire(ctx, 100<<10)
	if err != nil || small == nil || small == az {
		t.Fatalf("ordinary feed while a big one parses: %v", err)
	}
	releaseSmall()
	releaseBig()
	select {
	case release := <-second:
		release()
	case <-time.After(5 * time.Second):
		t.Fatal("the second big feed never got a slot after the first was released")
	}

	// Waiting for the big-feed slot ends with the context.
	_, release, _ := s.acquire(ctx, bigBodyBytes+1)
	cancelled, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, _, err := s.acquire(cancelled, bigBodyBytes+1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for the big-feed slot past the context: %v", err)
	}
	release()
	// Both cores are free again.
	for range 2 {
		if _, _, err := s.acquire(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
}
