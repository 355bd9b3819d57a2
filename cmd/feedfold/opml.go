package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/feedfold/feedfold/opml"
	"github.com/feedfold/feedfold/store"
)

func importCmd() command {
	return command{
		usage:   "import FILE.opml",
		summary: "subscribe to every feed of an OPML file (folders become categories; known feeds are left alone)",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("%w: import takes one OPML file", errUsage)
				}
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				subs, problems, err := opml.Parse(f)
				if err != nil {
					return err
				}
				for _, p := range problems {
					fmt.Fprintf(a.stderr, "skipped outline %q (line %d): %s\n", p.Title, p.Line, p.Reason)
				}
				db, err := a.openDB()
				if err != nil {
					return err
				}
				defer db.Close()
				bar := newProgress(a.stderr, len(subs), "importing")
				added, known := 0, 0
				// Chunks keep each transaction short on huge files, while a
				// whole chunk shares one fsync.
				const chunk = 500
				for i := 0; i < len(subs); i += chunk {
					if err := ctx.Err(); err != nil {
						return err
					}
					part := subs[i:min(i+chunk, len(subs))]
					err := db.Update(func(tx *store.Tx) error {
						a0, k0 := 0, 0
						for _, s := range part {
							feed := store.Feed{URL: s.URL, Title: s.Title, SiteURL: s.SiteURL, Category: s.Category, Dedupe: s.Dedupe}
							err := tx.AddFeed(&feed)
							switch {
							case errors.Is(err, store.ErrExists):
								k0++
							case err != nil:
								return err
							default:
								a0++
							}
						}
						added, known = added+a0, known+k0
						return nil
					})
					if err != nil {
						return err
					}
					if bar != nil {
						bar.Set(i + len(part))
					}
				}
				fmt.Fprintf(a.stdout, "imported %s: %d feeds added, %d already subscribed, %d outlines skipped\n", args[0], added, known, len(problems))
				return nil
			}
		},
	}
}

func exportCmd() command {
	return command{
		usage:   "export",
		summary: "write every subscription as OPML 2.0 to stdout",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: export takes no arguments", errUsage)
				}
				db, err := a.openReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				var subs []opml.Subscription
				err = db.View(func(tx *store.Tx) error {
					feeds, err := tx.Feeds()
					for _, f := range feeds {
						subs = append(subs, opml.Subscription{URL: f.URL, Title: f.Title, SiteURL: f.SiteURL, Category: f.Category, Dedupe: f.Dedupe})
					}
					return err
				})
				if err != nil {
					return err
				}
				return opml.Write(a.stdout, "feedfold subscriptions", subs, time.Now())
			}
		},
	}
}
