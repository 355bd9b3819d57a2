package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/schollz/progressbar/v3"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

func pollCmd() command {
	return command{
		usage:   "poll [--all] [--json]",
		summary: "fetch every due feed (or all) once, store what is new and print a summary",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			all := fs.Bool("all", false, "fetch every enabled feed, not only those due")
			asJSON := fs.Bool("json", false, "print the summary as one JSON object")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: poll takes no arguments", errUsage)
				}
				return a.withAggregator(ctx, func(db *store.DB, agg *aggregator.Aggregator) error {
					var bar *progressbar.ProgressBar
					sum, err := agg.Poll(ctx, *all, func(done, total int) {
						if bar == nil {
							if bar = newProgress(a.stderr, total, "polling"); bar == nil {
								return
							}
						}
						bar.Set(done)
					})
					if err != nil {
						return err
					}
					if *asJSON {
						if sum.Failed == nil {
							sum.Failed = []aggregator.Failure{}
						}
						return json.NewEncoder(a.stdout).Encode(sum)
					}
					fmt.Fprintf(a.stdout, "polled %d feeds: %d fetched, %d not modified, %d failed; %d new items, %d updated, %d duplicates linked\n",
						sum.Feeds, sum.Fetched, sum.NotModified, len(sum.Failed), sum.NewItems, sum.Updated, sum.Linked)
					for _, f := range sum.Failed {
						fmt.Fprintf(a.stdout, "  failed %s: %s\n", f.URL, f.Reason)
					}
					return nil
				})
			}
		},
	}
}
