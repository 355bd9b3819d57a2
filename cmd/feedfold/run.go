package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// app is what every command gets: the configuration, the standard streams
// and a logger. It opens the database and aggregator on demand.
type app struct {
	cfg    Config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// command is one subcommand. flags registers its own flags (the settings
// flags are added for every command); exec runs it with the positional
// arguments.
type command struct {
	usage   string // e.g. "add URL [--category NAME]"
	summary string
	flags   func(fs *flag.FlagSet) func(ctx context.Context, a *app, args []string) error
}

// errUsage marks errors in how a command was called (exit status 2).
var errUsage = errors.New("usage")

func commands() map[string]command {
	return map[string]command{
		"add":      addCmd(),
		"remove":   removeCmd(),
		"feeds":    feedsCmd(),
		"import":   importCmd(),
		"export":   exportCmd(),
		"poll":     pollCmd(),
		"items":    itemsCmd(),
		"serve":    serveCmd(),
		"explain":  explainCmd(),
		"backup":   backupCmd(),
		"eval":     evalCmd(),
		"category": categoryCmd(),
		"check":    checkCmd(),
		"output":   outputCmd(),
		"token":    tokenCmd(),
		"user":     userCmd(),
	}
}

func run(ctx context.Context, args []string, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	cfg, err := loadConfig(args, env)
	if err != nil {
		fmt.Fprintln(stderr, "feedfold:", err)
		return 2
	}
	cmds := commands()

	global := flag.NewFlagSet("feedfold", flag.ContinueOnError)
	global.SetOutput(stderr)
	var configPath string
	global.StringVar(&configPath, "config", env["FEEDFOLD_CONFIG"], "TOML config file (env FEEDFOLD_CONFIG)")
	bindSettings(global, &cfg)
	global.Usage = func() { printUsage(stderr, global, cmds) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if global.NArg() == 0 {
		printUsage(stderr, global, cmds)
		return 2
	}
	name := global.Arg(0)
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "feedfold: unknown command %q\n", name)
		printUsage(stderr, global, cmds)
		return 2
	}
	fs := flag.NewFlagSet("feedfold "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&configPath, "config", configPath, "TOML config file (env FEEDFOLD_CONFIG)")
	bindSettings(fs, &cfg)
	exec := cmd.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: feedfold %s\n\n%s\n\nflags:\n", cmd.usage, cmd.summary)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, global.Args()[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintln(stderr, "feedfold: invalid configuration:", err)
		return 2
	}
	level, _ := parseLevel(cfg.LogLevel)
	a := &app{
		cfg: cfg, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if err := exec(ctx, a, pos); err != nil {
		fmt.Fprintf(stderr, "feedfold %s: %v\n", name, err)
		if errors.Is(err, errUsage) {
			fs.Usage()
			return 2
		}
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments ("add URL --category news"); "--" ends flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func printUsage(w io.Writer, global *flag.FlagSet, cmds map[string]command) {
	fmt.Fprintln(w, "usage: feedfold [flags] COMMAND [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-40s %s\n", cmds[n].usage, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nflags (every command accepts them; each also reads FEEDFOLD_<NAME>):")
	global.PrintDefaults()
}

// openDB opens the configured database for writing.
func (a *app) openDB() (*store.DB, error) {
	return store.Open(a.cfg.DB, store.Options{})
}

// openReadOnly opens the database with a shared lock, for commands that
// only read. A file written by an older feedfold is first opened writable
// once, which migrates it: after an upgrade, `feedfold items` must work
// before anything has written.
func (a *app) openReadOnly() (*store.DB, error) {
	if _, err := os.Stat(a.cfg.DB); err != nil {
		return nil, fmt.Errorf("database %s: %w (subscribe first with `feedfold add URL` or `feedfold import FILE.opml`)", a.cfg.DB, err)
	}
	db, err := store.Open(a.cfg.DB, store.Options{ReadOnly: true})
	if !errors.Is(err, store.ErrNeedsMigration) {
		return db, err
	}
	w, err := a.openDB()
	if err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("migrate %s: %w", a.cfg.DB, err)
	}
	return store.Open(a.cfg.DB, store.Options{ReadOnly: true})
}

// aggregatorOptions maps the configuration onto the aggregator's options.
func (a *app) aggregatorOptions() aggregator.Options {
	o := aggregator.Options{
		Fetch: aggregator.FetchOptions{
			UserAgent:            a.cfg.UserAgent,
			MaxBodyBytes:         a.cfg.MaxBodyBytes,
			ConnectTimeout:       a.cfg.ConnectTimeout,
			Timeout:              a.cfg.Timeout,
			MaxRedirects:         a.cfg.MaxRedirects,
			AllowPrivateNetworks: a.cfg.AllowPrivateNetworks,
		},
		Workers:        a.cfg.Workers,
		PerHost:        a.cfg.PerHost,
		MinInterval:    a.cfg.MinInterval,
		MaxInterval:    a.cfg.MaxInterval,
		RetentionDays:  a.cfg.RetentionDays,
		RetentionItems: a.cfg.RetentionItems,
		DedupeScope:    a.cfg.DedupeScope,
	}
	o.Dedupe = dedupeConfig(a.cfg)
	return o
}

// withAggregator opens the database for writing and builds a prepared
// aggregator (aggregator.New).
func (a *app) withAggregator(ctx context.Context, fn func(*store.DB, *aggregator.Aggregator) error) error {
	return a.withOpenAggregator(func(db *store.DB, agg *aggregator.Aggregator) error {
		if err := agg.Prepare(ctx); err != nil {
			return err
		}
		return fn(db, agg)
	})
}

// withOpenAggregator opens the database for writing and builds an
// aggregator that fn must prepare (aggregator.Open): serve answers reader
// apps while it prepares.
func (a *app) withOpenAggregator(fn func(*store.DB, *aggregator.Aggregator) error) error {
	db, err := a.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	agg, err := aggregator.Open(db, a.aggregatorOptions(), a.log)
	if err != nil {
		return err
	}
	return fn(db, agg)
}
