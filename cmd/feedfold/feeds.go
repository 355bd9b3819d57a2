package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

func addCmd() command {
	return command{
		usage:   "add URL [--category NAME]",
		summary: "subscribe to a feed (an HTML page's advertised feed is discovered) and fetch it once",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			category := fs.String("category", "", "category (folder) of the feed")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("%w: add takes one URL", errUsage)
				}
				return a.withAggregator(ctx, func(db *store.DB, agg *aggregator.Aggregator) error {
					sub, err := agg.Subscribe(ctx, args[0], *category)
					if err != nil {
						return err
					}
					if sub.Discovered {
						fmt.Fprintf(a.stdout, "%s is a web page; it advertises %d feed(s), subscribing to the first: %s\n", args[0], len(sub.Candidates), sub.Feed.URL)
					}
					if sub.Guessed {
						fmt.Fprintf(a.stdout, "%s is a web page that advertises no feed; found one at a usual location of its site: %s\n", args[0], sub.Feed.URL)
					}
					var n int
					db.View(func(tx *store.Tx) error { n = tx.CountFeedItems(sub.Feed.ID); return nil })
					fmt.Fprintf(a.stdout, "subscribed to %s (%q, %d items)\n", sub.Feed.URL, sub.Feed.Title, n)
					if sub.Feed.LastError != "" {
						fmt.Fprintf(a.stdout, "warning: first fetch failed: %s\n", sub.Feed.LastError)
					}
					return nil
				})
			}
		},
	}
}

func categoryCmd() command {
	return command{
		usage:   "category set NAME --scope all|category|off",
		summary: "set a category's deduplication scope: across all feeds, within the category only, or off",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			scope := fs.String("scope", "", "all, category or off (empty: the global --dedupe-scope)")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 2 || args[0] != "set" {
					return fmt.Errorf("%w: category set NAME --scope SCOPE", errUsage)
				}
				if !aggregator.ValidScope(*scope) {
					return fmt.Errorf("%w: --scope %q: want all, category or off", errUsage, *scope)
				}
				return a.withAggregator(ctx, func(db *store.DB, agg *aggregator.Aggregator) error {
					if err := agg.SetCategoryScope(ctx, args[1], *scope); err != nil {
						return err
					}
					fmt.Fprintf(a.stdout, "category %q: dedupe scope %q\n", args[1], *scope)
					return nil
				})
			}
		},
	}
}

func removeCmd() command {
	return command{
		usage:   "remove URL",
		summary: "unsubscribe from a feed and delete its items",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("%w: remove takes one URL", errUsage)
				}
				db, err := a.openDB()
				if err != nil {
					return err
				}
				defer db.Close()
				err = db.Update(func(tx *store.Tx) error {
					f, err := tx.FeedByURL(args[0])
					if err != nil {
						return err
					}
					return tx.DeleteFeed(f.ID)
				})
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("not subscribed to %s", args[0])
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "unsubscribed from %s\n", args[0])
				return nil
			}
		},
	}
}

// feedJSON is the `feeds --json` line format: a contract for scripts.
type feedJSON struct {
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	Category    string     `json:"category"`
	SiteURL     string     `json:"site_url"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	LastFetched *time.Time `json:"last_fetched"`
	NextPoll    *time.Time `json:"next_poll"`
	Items       int        `json:"items"`
	Disabled    bool       `json:"disabled"`
	Failures    int        `json:"failures"`
	Interval    string     `json:"interval"`
	Dedupe      string     `json:"dedupe"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func feedsCmd() command {
	return command{
		usage:   "feeds [--json] | feeds set URL [--dedupe on|off|original|never-original] [--category NAME] [--title TITLE]",
		summary: "list subscriptions with their fetch status, or change one",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			asJSON := fs.Bool("json", false, "one JSON object per feed per line")
			dedupeSetting := fs.String("dedupe", "", "with set: on, off (never linked), original (always the original) or never-original")
			category := fs.String("category", "", "with set: move the feed to this category (empty: none)")
			title := fs.String("title", "", "with set: rename the feed (empty: use the feed's own title)")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) > 0 && args[0] == "set" {
					if len(args) != 2 {
						return fmt.Errorf("%w: feeds set takes one feed URL", errUsage)
					}
					var ch aggregator.FeedChange
					fs.Visit(func(f *flag.Flag) {
						switch f.Name {
						case "dedupe":
							ch.Dedupe = dedupeSetting
						case "category":
							ch.Category = category
						case "title":
							ch.Title = title
						}
					})
					if ch.Dedupe == nil && ch.Category == nil && ch.Title == nil {
						return fmt.Errorf("%w: feeds set needs --dedupe, --category or --title", errUsage)
					}
					return a.withAggregator(ctx, func(db *store.DB, agg *aggregator.Aggregator) error {
						f, err := agg.UpdateFeed(ctx, args[1], ch)
						if errors.Is(err, store.ErrNotFound) {
							return fmt.Errorf("not subscribed to %s", args[1])
						}
						if err != nil {
							return err
						}
						d := f.Dedupe
						if d == "" {
							d = "on"
						}
						fmt.Fprintf(a.stdout, "%s: title %q, category %q, dedupe %s\n", f.URL, f.Title, f.Category, d)
						return nil
					})
				}
				if len(args) != 0 {
					return fmt.Errorf("%w: feeds takes no arguments (or: feeds set URL ...)", errUsage)
				}
				db, err := a.openReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				var rows []feedJSON
				err = db.View(func(tx *store.Tx) error {
					feeds, err := tx.Feeds()
					for _, f := range feeds {
						d := f.Dedupe
						if d == "" {
							d = "on"
						}
						rows = append(rows, feedJSON{
							URL: f.URL, Title: f.Title, Category: f.Category, SiteURL: f.SiteURL,
							LastStatus: f.LastStatus, LastError: f.LastError,
							LastFetched: timePtr(f.LastFetched), NextPoll: timePtr(f.NextPoll),
							Items: tx.CountFeedItems(f.ID), Disabled: f.Disabled, Failures: f.Failures,
							Interval: f.Interval.String(), Dedupe: d,
						})
					}
					return err
				})
				if err != nil {
					return err
				}
				if *asJSON {
					enc := json.NewEncoder(a.stdout)
					for _, r := range rows {
						if err := enc.Encode(r); err != nil {
							return err
						}
					}
					return nil
				}
				table := [][]string{{"URL", "TITLE", "CATEGORY", "ITEMS", "STATUS", "NEXT POLL"}}
				for _, r := range rows {
					status := fmt.Sprint(r.LastStatus)
					switch {
					case r.Disabled:
						status = "disabled: " + r.LastError
					case r.LastError != "":
						status = "error: " + r.LastError
					case r.LastFetched == nil:
						status = "never fetched"
					}
					next := "-"
					if r.NextPoll != nil {
						next = r.NextPoll.Local().Format("2006-01-02 15:04")
					}
					table = append(table, []string{r.URL, r.Title, r.Category, strconv.Itoa(r.Items), status, next})
				}
				return writeTable(a.stdout, table)
			}
		},
	}
}
