package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/feedfold/feedfold/dedupe"
)

func evalCmd() command {
	return command{
		usage:   "eval CORPUS.jsonl [--json]",
		summary: "measure the deduper on labelled data: pairwise precision/recall and originals chosen right",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			asJSON := fs.Bool("json", false, "print the reports as JSON")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("%w: eval takes one JSON Lines file", errUsage)
				}
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				var items []dedupe.LabeledItem
				sc := bufio.NewScanner(f)
				sc.Buffer(make([]byte, 1<<20), 1<<26)
				for line := 1; sc.Scan(); line++ {
					var it dedupe.LabeledItem
					if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
						return fmt.Errorf("%s line %d: %w", args[0], line, err)
					}
					items = append(items, it)
				}
				if err := sc.Err(); err != nil {
					return err
				}
				cfg := dedupeConfig(a.cfg)
				for _, order := range []dedupe.Order{dedupe.ByPublished, dedupe.Reversed, dedupe.Shuffled} {
					if err := ctx.Err(); err != nil {
						return err
					}
					r := dedupe.Evaluate(cfg, items, order)
					if *asJSON {
						if err := json.NewEncoder(a.stdout).Encode(map[string]any{"order": order, "report": r}); err != nil {
							return err
						}
						continue
					}
					fmt.Fprintf(a.stdout, "%-9s items %d  precision %.4f (%d/%d pairs)  recall %.4f (%d/%d)  original right %.4f (%d/%d)\n",
						order, r.Items, r.Precision, r.TruePairs, r.PredictedPairs, r.Recall, r.TruePairs, r.LabelPairs,
						r.OriginalRate, r.OriginalsRight, r.OriginalsJudged)
				}
				return nil
			}
		},
	}
}
