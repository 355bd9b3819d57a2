package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/server"
	"github.com/feedfold/feedfold/store"
)

func serveCmd() command {
	return command{
		usage:   "serve",
		summary: "poll feeds on their schedule and serve the HTTP API until SIGINT/SIGTERM",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: serve takes no arguments", errUsage)
				}
				// The API answers from the start; the aggregator prepares its
				// index in Run (after an upgrade, signing stored items again
				// first), and what needs the index answers 503 until then.
				return a.withOpenAggregator(func(db *store.DB, agg *aggregator.Aggregator) error {
					a.log.Info("feedfold serving", "db", a.cfg.DB, "listen", a.cfg.Listen)
					srv, handler, err := server.New(db, agg, server.Options{User: a.cfg.User, Password: a.cfg.Password}, a.log)
					if err != nil {
						return err
					}
					if !srv.HasCredentials() {
						a.log.Warn("no credentials: set FEEDFOLD_PASSWORD or run `feedfold user set NAME`; until then the HTTP API refuses every authenticated request")
					}
					ctx, cancel := context.WithCancel(ctx)
					defer cancel()
					httpErr := make(chan error, 1)
					go func() {
						httpErr <- server.ListenAndServe(ctx, a.cfg.Listen, handler, a.log)
						cancel() // a listener that cannot start stops the scheduler too
					}()
					// Run returns once ctx is cancelled and the poll in progress has
					// committed what it fetched, or when preparing the index
					// failed; either way the HTTP server is shut down (its
					// requests finished) before the deferred Close releases
					// the file.
					runErr := agg.Run(ctx)
					cancel()
					err = <-httpErr
					if runErr != nil {
						return runErr
					}
					if err != nil {
						return err
					}
					a.log.Info("feedfold stopped cleanly")
					return nil
				})
			}
		},
	}
}

func backupCmd() command {
	return command{
		usage:   "backup FILE",
		summary: "write a consistent copy of the database to FILE",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("%w: backup takes one file name", errUsage)
				}
				db, err := a.openReadOnly()
				if errors.Is(err, store.ErrLocked) {
					// serve holds the file: ask it for a copy instead.
					n, herr := backupViaServer(ctx, a, args[0])
					if herr != nil {
						return fmt.Errorf("%w; and the running server's /v1/backup failed: %v", err, herr)
					}
					fmt.Fprintf(a.stdout, "wrote %d bytes to %s (through the running feedfold serve)\n", n, args[0])
					return nil
				}
				if err != nil {
					return err
				}
				defer db.Close()
				n, err := db.BackupFile(args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "wrote %d bytes to %s\n", n, args[0])
				return nil
			}
		},
	}
}

func checkCmd() command {
	return command{
		usage:   "check",
		summary: "verify the database: bbolt pages, indexes, links and counts",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: check takes no arguments", errUsage)
				}
				db, err := a.openReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				if err := db.Check(); err != nil {
					return fmt.Errorf("database %s is inconsistent:\n%w", a.cfg.DB, err)
				}
				fmt.Fprintf(a.stdout, "%s: ok\n", a.cfg.DB)
				return nil
			}
		},
	}
}

// backupViaServer fetches /v1/backup from the serve process at --listen
// with the configured credentials, writing it to path (0600) atomically.
func backupViaServer(ctx context.Context, a *app, path string) (int64, error) {
	if a.cfg.Password == "" {
		return 0, errors.New("set FEEDFOLD_PASSWORD so feedfold can log in to it")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+a.cfg.Listen+"/v1/backup", nil)
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(a.cfg.User, a.cfg.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, resp.Body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return n, os.Rename(tmp, path)
}
