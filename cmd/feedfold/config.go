package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/feedfold/feedfold/dedupe"
)

// Config is every setting feedfold reads, as one validated value. Values
// come from, lowest precedence first: defaults, the TOML file named by
// --config (or FEEDFOLD_CONFIG), FEEDFOLD_* environment variables, flags.
type Config struct {
	DB                   string        `toml:"db"`
	Listen               string        `toml:"listen"`
	Workers              int           `toml:"workers"`
	PerHost              int           `toml:"per_host"`
	MinInterval          time.Duration `toml:"min_interval"`
	MaxInterval          time.Duration `toml:"max_interval"`
	Timeout              time.Duration `toml:"timeout"`
	ConnectTimeout       time.Duration `toml:"connect_timeout"`
	MaxBodyBytes         int64         `toml:"max_body_bytes"`
	MaxRedirects         int           `toml:"max_redirects"`
	UserAgent            string        `toml:"user_agent"`
	AllowPrivateNetworks bool          `toml:"allow_private_networks"`
	RetentionDays        int           `toml:"retention_days"`
	RetentionItems       int           `toml:"retention_items"`
	DedupeK              int           `toml:"dedupe_k"`
	DedupeScope          string        `toml:"dedupe_scope"`
	LogLevel             string        `toml:"log_level"`
	User                 string        `toml:"user"`
	// Password comes from FEEDFOLD_PASSWORD or the config file only: a
	// flag would show it to every user of `ps`.
	Password string `toml:"password"`
}

func defaultConfig() Config {
	return Config{
		DB:             "feedfold.db",
		Listen:         "127.0.0.1:8080",
		Workers:        8,
		PerHost:        2,
		MinInterval:    15 * time.Minute,
		MaxInterval:    24 * time.Hour,
		Timeout:        30 * time.Second,
		ConnectTimeout: 10 * time.Second,
		MaxBodyBytes:   10 << 20,
		MaxRedirects:   5,
		UserAgent:      "feedfold/0.1 (+https://github.com/feedfold/feedfold)",
		DedupeK:        dedupe.DefaultConfig().K,
		DedupeScope:    dedupe.ScopeAll,
		LogLevel:       "info",
		User:           "feedfold",
	}
}

// bindSettings registers every setting as a flag on fs, bound to c. The
// environment variable of a flag is FEEDFOLD_ plus its name in upper case
// with dashes as underscores; usage strings name it so -h documents both.
func bindSettings(fs *flag.FlagSet, c *Config) {
	str := func(p *string, name, usage string) { fs.StringVar(p, name, *p, usage+envNote(name)) }
	num := func(p *int, name, usage string) { fs.IntVar(p, name, *p, usage+envNote(name)) }
	dur := func(p *time.Duration, name, usage string) { fs.DurationVar(p, name, *p, usage+envNote(name)) }
	str(&c.DB, "db", "database file (created 0600 if absent)")
	str(&c.Listen, "listen", "HTTP listen address for serve")
	num(&c.Workers, "workers", "concurrent fetches in all")
	num(&c.PerHost, "per-host", "concurrent fetches per host")
	dur(&c.MinInterval, "min-interval", "shortest polling interval of a feed")
	dur(&c.MaxInterval, "max-interval", "longest polling interval of a feed")
	dur(&c.Timeout, "timeout", "total deadline of one fetch, body included")
	dur(&c.ConnectTimeout, "connect-timeout", "TCP+TLS connect deadline")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest feed body accepted, after decompression"+envNote("max-body-bytes"))
	num(&c.MaxRedirects, "max-redirects", "redirects followed per fetch")
	str(&c.UserAgent, "user-agent", "User-Agent header sent to feeds")
	fs.BoolVar(&c.AllowPrivateNetworks, "allow-private-networks", c.AllowPrivateNetworks, "allow fetching loopback and private addresses"+envNote("allow-private-networks"))
	num(&c.RetentionDays, "retention-days", "drop unstarred items first seen this many days ago (0: keep forever)")
	num(&c.RetentionItems, "retention-items", "keep at most this many items per feed (0: no cap)")
	num(&c.DedupeK, "dedupe-k", "Hamming distance threshold of near-duplicate fingerprints")
	str(&c.DedupeScope, "dedupe-scope", "link duplicates across all feeds (all), within a category (category) or not at all (off)")
	str(&c.LogLevel, "log-level", "debug, info, warn or error")
	str(&c.User, "user", "HTTP API user name (password: FEEDFOLD_PASSWORD or the config file)")
}

func envNote(flagName string) string { return " (env " + envName(flagName) + ")" }

func envName(flagName string) string {
	return "FEEDFOLD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// loadConfig builds the configuration from defaults, the config file and the
// environment; flags are applied later by each command's FlagSet.
func loadConfig(args []string, env map[string]string) (Config, error) {
	c := defaultConfig()
	path := env["FEEDFOLD_CONFIG"]
	if p, ok := configFlag(args); ok {
		path = p
	}
	if path != "" {
		md, err := toml.DecodeFile(path, &c)
		if err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return c, fmt.Errorf("config %s: unknown setting %q", path, und[0].String())
		}
	}
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	bindSettings(fs, &c)
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := env[envName(f.Name)]; ok && v != "" { // set but empty counts as unset
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
			}
		}
	})
	if v := env["FEEDFOLD_PASSWORD"]; v != "" {
		c.Password = v
	}
	return c, errors.Join(errs...)
}

// configFlag finds --config/-config in args without parsing the rest.
func configFlag(args []string) (string, bool) {
	for i, a := range args {
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "config" {
			continue
		}
		if hasVal {
			return val, true
		}
		if i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// validate checks the final configuration.
func (c Config) validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("db: empty path"))
	}
	if c.Workers < 1 || c.PerHost < 1 {
		errs = append(errs, errors.New("workers and per-host must be at least 1"))
	}
	if c.MinInterval < time.Second || c.MaxInterval < c.MinInterval {
		errs = append(errs, fmt.Errorf("intervals: need 1s <= min-interval (%s) <= max-interval (%s)", c.MinInterval, c.MaxInterval))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-body-bytes %d: at least 1024", c.MaxBodyBytes))
	}
	if c.RetentionDays < 0 || c.RetentionItems < 0 {
		errs = append(errs, errors.New("retention settings must not be negative"))
	}
	switch c.DedupeScope {
	case dedupe.ScopeAll, dedupe.ScopeCategory, dedupe.ScopeOff:
	default:
		errs = append(errs, fmt.Errorf("dedupe-scope %q: want all, category or off", c.DedupeScope))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	dc := dedupe.DefaultConfig()
	dc.K = c.DedupeK
	if err := dc.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("dedupe-k: %w", err))
	}
	return errors.Join(errs...)
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}
