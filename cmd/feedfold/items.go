package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// itemJSON is the `items --json` line format: a contract for scripts.
type itemJSON struct {
	ID        uint64     `json:"id"`
	FeedURL   string     `json:"feed_url"`
	URL       string     `json:"url"`
	Title     string     `json:"title"`
	Published time.Time  `json:"published"`
	Copies    []copyJSON `json:"copies"`
}

type copyJSON struct {
	ID        uint64    `json:"id"`
	FeedURL   string    `json:"feed_url"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Reason    string    `json:"reason"`
	Distance  int       `json:"distance"`
	Score     float64   `json:"score,omitempty"`
}

func itemsCmd() command {
	return command{
		usage:   "items [--json] [--feed URL] [--limit N]",
		summary: "list canonical items, newest first, with the copies linked to each",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			asJSON := fs.Bool("json", false, "JSON Lines: one canonical item per line, with its copies")
			feedURL := fs.String("feed", "", "only items of this feed")
			limit := fs.Int("limit", 0, "at most N items (0: all)")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: items takes no arguments", errUsage)
				}
				if *limit < 0 {
					return fmt.Errorf("%w: --limit must not be negative", errUsage)
				}
				db, err := a.openReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				enc := json.NewEncoder(a.stdout)
				var table [][]string
				err = db.View(func(tx *store.Tx) error {
					urls := map[uint64]string{}
					feedOf := func(id uint64) string {
						if u, ok := urls[id]; ok {
							return u
						}
						f, err := tx.Feed(id)
						if err == nil {
							urls[id] = f.URL
						}
						return f.URL
					}
					q := store.ItemQuery{Limit: *limit}
					if *feedURL != "" {
						f, err := tx.FeedByURL(*feedURL)
						if err != nil {
							return fmt.Errorf("not subscribed to %s", *feedURL)
						}
						q.Feed = f.ID
					}
					var werr error
					err := tx.Items(q, func(it store.Item) bool {
						row := itemJSON{ID: it.ID, FeedURL: feedOf(it.FeedID), URL: it.URL, Title: it.Title, Published: it.Published.UTC(), Copies: []copyJSON{}}
						for _, l := range tx.Copies(it.ID) {
							c, err := tx.Item(l.Copy)
							if err != nil {
								continue
							}
							row.Copies = append(row.Copies, copyJSON{
								ID: c.ID, FeedURL: feedOf(c.FeedID), URL: c.URL, Title: c.Title,
								Published: c.Published.UTC(), Reason: l.Reason, Distance: l.Distance, Score: l.Score,
							})
						}
						if *asJSON {
							werr = enc.Encode(row)
						} else {
							// The table, read by people, names an untitled item
							// as reader apps do; --json keeps the feed's title.
							table = append(table, []string{row.Published.Local().Format("2006-01-02 15:04"), aggregator.DisplayTitle(it), row.URL, copiesNote(len(row.Copies))})
						}
						return werr == nil
					})
					if err != nil {
						return err
					}
					return werr
				})
				if err != nil {
					return err
				}
				if !*asJSON {
					return writeTable(a.stdout, table)
				}
				return nil
			}
		},
	}
}

func copiesNote(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "(+1 copy)"
	default:
		return fmt.Sprintf("(+%d copies)", n)
	}
}
