package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/feedfold/feedfold/server"
)

func outputCmd() command {
	return command{
		usage:   "output [--format atom|rss|json] [--category NAME] [--n N]",
		summary: "write the deduplicated feed (what /feeds/all.atom serves) to stdout",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			format := fs.String("format", "atom", "atom, rss or json (JSON Feed 1.1)")
			category := fs.String("category", "", "only this category")
			n := fs.Int("n", 50, "newest N canonical items")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: output takes no arguments", errUsage)
				}
				if *n < 1 || *n > 500 {
					return fmt.Errorf("%w: --n must be 1 to 500", errUsage)
				}
				var cat *string
				fs.Visit(func(f *flag.Flag) {
					if f.Name == "category" {
						cat = category
					}
				})
				db, err := a.openReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				self := "http://" + a.cfg.Listen + "/feeds/all." + *format
				if cat != nil {
					self = "http://" + a.cfg.Listen + "/feeds/category/" + *cat + "." + *format
				}
				doc, _, err := server.Document(db, server.Sanitizer(), *format, cat, *n, self)
				if err != nil {
					return err
				}
				_, err = a.stdout.Write(doc)
				return err
			}
		},
	}
}

func tokenCmd() command {
	return command{
		usage:   "token rotate",
		summary: "make a new access token for the output feeds and the OPML URL (the old one stops working)",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 1 || args[0] != "rotate" {
					return fmt.Errorf("%w: token rotate", errUsage)
				}
				db, err := a.openDB()
				if err != nil {
					return err
				}
				defer db.Close()
				tok, err := server.RotateToken(db)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "token: %s\nfeeds: http://%s/feeds/all.atom?token=%s\nopml:  http://%s/v1/opml?token=%s\n", tok, a.cfg.Listen, tok, a.cfg.Listen, tok)
				return nil
			}
		},
	}
}
