package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/feedfold/feedfold/server"
	"github.com/feedfold/feedfold/store"
)

func userCmd() command {
	return command{
		usage:   "user set NAME",
		summary: "set the HTTP API account (password read from the terminal or stdin, stored as a bcrypt hash)",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 2 || args[0] != "set" || args[1] == "" {
					return fmt.Errorf("%w: user set NAME", errUsage)
				}
				pw, err := readPassword(a)
				if err != nil {
					return err
				}
				if len(pw) < 8 {
					return errors.New("password: at least 8 characters")
				}
				u, err := server.NewUser(args[1], pw)
				if err != nil {
					return err
				}
				db, err := a.openDB()
				if err != nil {
					return err
				}
				defer db.Close()
				if err := db.Update(func(tx *store.Tx) error { return tx.PutUser(&u) }); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "user %q set; `feedfold serve` uses it when FEEDFOLD_PASSWORD is not set\n", u.Name)
				return nil
			}
		},
	}
}

// readPassword reads a password without echo from a terminal, else the
// first line of stdin (for scripts).
func readPassword(a *app) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
