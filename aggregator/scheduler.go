package aggregator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Run polls due feeds on a schedule until ctx is cancelled, then waits for
// the poll in progress to commit what it has fetched and returns. The
// schedule itself lives in the database (each feed's next poll time), so a
// restart resumes where the last run stopped. An Aggregator from Open is
// prepared first (Prepare); a shutdown during that returns nil, and the
// next start prepares again.
func (a *Aggregator) Run(ctx context.Context) error {
	if err := a.Prepare(ctx); err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			a.log.Info("stopped while preparing the fingerprint index; the next start prepares it again")
			return nil
		}
		return err
	}
	s, err := gocron.NewScheduler(gocron.WithStopTimeout(30 * time.Second))
	if err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	// Wake often enough that a feed is never more than a small fraction of
	// the minimum interval late; each wake-up costs one read transaction.
	tick := min(max(a.opts.MinInterval/15, 5*time.Second), time.Minute)
	_, err = s.NewJob(
		gocron.DurationJob(tick),
		gocron.NewTask(func(jctx context.Context) {
			sum, err := a.Poll(jctx, false, nil)
			// Reader apps read items through the HTTP API between polls,
			// which maps database pages too (see releaseMapped).
			a.releaseMapped()
			switch {
			case err != nil && jctx.Err() != nil && errors.Is(err, context.Canceled):
				// Shutdown: what was fetched is committed, the rest
				// stays due for the next start.
				a.log.Info("poll stopped by shutdown", "feeds_done", sum.Fetched+sum.NotModified+len(sum.Failed), "feeds", sum.Feeds)
				return
			case err != nil:
				a.log.Error("poll failed", "error", err)
				return
			}
			if sum.Feeds > 0 {
				a.log.Info("poll done", "feeds", sum.Feeds, "fetched", sum.Fetched, "not_modified", sum.NotModified,
					"failed", len(sum.Failed), "new_items", sum.NewItems, "duplicates_linked", sum.Linked)
			}
		}),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()),
		gocron.WithContext(ctx),
	)
	if err != nil {
		return fmt.Errorf("schedule polling: %w", err)
	}
	if a.opts.RetentionDays > 0 || a.opts.RetentionItems > 0 {
		_, err = s.NewJob(
			gocron.DurationJob(time.Hour),
			gocron.NewTask(func(jctx context.Context) {
				n, err := a.Purge(jctx)
				if err != nil {
					a.log.Error("retention failed", "error", err)
					return
				}
				if n > 0 {
					a.log.Info("retention dropped old items", "items", n)
				}
			}),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithStartAt(gocron.WithStartImmediately()),
			gocron.WithContext(ctx),
		)
		if err != nil {
			return fmt.Errorf("schedule retention: %w", err)
		}
	}
	s.Start()
	<-ctx.Done()
	if err := s.Shutdown(); err != nil {
		return fmt.Errorf("scheduler shutdown: %w", err)
	}
	return nil
}
