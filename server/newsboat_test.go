package server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedfold/feedfold/store"
)

// newsboat drives Debian's newsboat 2.21 non-interactively (see
// shared/CLIENTS.md): reload, print-unread, then the cache's items.
type newsboat struct {
	t   *testing.T
	dir string
}

func newNewsboat(t *testing.T, config string, urls ...string) *newsboat {
	t.Helper()
	if _, err := exec.LookPath("newsboat"); err != nil {
		t.Skip("newsboat is not installed (.ci/run installs it)")
	}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("sqlite3 is not installed (.ci/run installs it)")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "home"), 0o755)
	config += fmt.Sprintf("\nreload-threads 1\ndownload-timeout 10\ndownload-retries 1\nerror-log \"%s/error.log\"\n", dir)
	os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o644)
	os.WriteFile(filepath.Join(dir, "urls"), []byte(strings.Join(urls, "\n")+"\n"), 0o644)
	return &newsboat{t: t, dir: dir}
}

func (n *newsboat) run(args ...string) string {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"-C", filepath.Join(n.dir, "config"), "-u", filepath.Join(n.dir, "urls"), "-c", filepath.Join(n.dir, "cache.db")}
	cmd := exec.CommandContext(ctx, "newsboat", append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+filepath.Join(n.dir, "home"), "LC_ALL=C", "TERM=xterm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		n.t.Fatalf("newsboat %v: %v\n%s", args, err, out)
	}
	if log, _ := os.ReadFile(filepath.Join(n.dir, "error.log")); len(log) > 0 {
		n.t.Fatalf("newsboat error log:\n%s", log)
	}
	return string(out)
}

// interactive runs the UI once with run-on-startup ops, under script(1),
// so newsboat sends its mark-read calls.
func (n *newsboat) interactive(ops string) {
	n.t.Helper()
	cfg, _ := os.ReadFile(filepath.Join(n.dir, "config"))
	ui := filepath.Join(n.dir, "config.ui")
	os.WriteFile(ui, append(cfg, []byte(fmt.Sprintf("run-on-startup %s ; hard-quit\n", ops))...), 0o644)
	nb := fmt.Sprintf("newsboat -q -C %s -u %s -c %s", ui, filepath.Join(n.dir, "urls"), filepath.Join(n.dir, "cache.db"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", nb, "/dev/null")
	cmd.Env = append(os.Environ(), "HOME="+filepath.Join(n.dir, "home"), "LC_ALL=C.UTF-8", "TERM=xterm")
	if out, err := cmd.CombinedOutput(); err != nil {
		n.t.Fatalf("interactive newsboat: %v\n%s", err, out)
	}
}

func (n *newsboat) items() []string {
	n.t.Helper()
	out, err := exec.Command("sqlite3", "-separator", " | ", filepath.Join(n.dir, "cache.db"),
		"select url, unread, feedurl from rss_item where deleted=0 order by url").CombinedOutput()
	if err != nil {
		n.t.Fatalf("sqlite3: %v %s", err, out)
	}
	var rows []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			rows = append(rows, l)
		}
	}
	return rows
}

// TestNewsboatGoogleReader: newsboat's FeedHQ mode (a real Google Reader
// client) syncs the reading list, sees each story once, and marking an
// article read in its UI marks the story and its copies read in feedfold.
func TestNewsboatGoogleReader(t *testing.T) {
	api, db, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`","category":"News"}`, true)
	}
	os.WriteFile(filepath.Join(t.TempDir(), "x"), nil, 0o644)
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("secret\n"), 0o600)
	nb := newNewsboat(t, fmt.Sprintf(`urls-source "feedhq"
feedhq-url "%s"
feedhq-login "user"
feedhq-passwordfile "%s"
feedhq-show-special-feeds "no"
feedhq-min-items 100`, api.URL, pw))
	nb.run("-x", "reload")
	out := nb.run("-x", "print-unread")
	if !strings.Contains(out, "2 unread articles") {
		t.Errorf("print-unread = %q, want 2 (the flood story once, and the budget story)", out)
	}
	rows := nb.items()
	flood := 0
	for _, r := range rows {
		if strings.Contains(r, "/flood") {
			flood++
		}
	}
	if len(rows) != 2 || flood != 1 {
		t.Fatalf("newsboat cache = %q, want 2 items with the flood story once", rows)
	}
	// The first feed in the list ("Copy") holds only a copy, so it shows
	// nothing; the second ("Orig") has both stories.
	nb.interactive("down ; open ; open")
	time.Sleep(300 * time.Millisecond)
	read := 0
	db.View(func(tx *store.Tx) error {
		return tx.Items(store.ItemQuery{All: true}, func(it store.Item) bool {
			if tx.ItemFlags(user, it.ID)&store.Read != 0 {
				read++
			}
			return true
		})
	})
	// The first article of "Orig" is the flood story: it and its copy
	// are read now (3 items: the story, its copy — and nothing else).
	if read != 2 {
		t.Fatalf("opening the flood story in newsboat marked %d items read in feedfold, want 2 (the story and its copy)", read)
	}
	// After a reload newsboat shows one unread article fewer.
	nb.run("-x", "reload")
	if out := nb.run("-x", "print-unread"); !strings.Contains(out, "1 unread article") {
		t.Errorf("after reading one: %q, want 1 unread", out)
	}
}

// TestNewsboatOutputFeedsAndOPML: newsboat reads the deduplicated Atom and
// RSS output (token in the URL) and the OPML export as its URL source.
func TestNewsboatOutputFeedsAndOPML(t *testing.T) {
	api, db, fsrv := fixture(t)
	for _, p := range []string{"/orig", "/copy"} {
		call(t, api, "POST", "/v1/feeds", `{"url":"`+fsrv.URL+p+`"}`, true)
	}
	tok, err := RotateToken(db)
	if err != nil {
		t.Fatal(err)
	}
	nb := newNewsboat(t, "", api.URL+"/feeds/all.atom?token="+tok, api.URL+"/feeds/all.rss?token="+tok)
	nb.run("-x", "reload")
	if out := nb.run("-x", "print-unread"); !strings.Contains(out, "2 unread articles") {
		t.Errorf("output feeds: %q, want 2 unread (newsboat merges the same guid across the two formats)", out)
	}
	if rows := nb.items(); len(rows) != 2 {
		t.Errorf("output feeds in newsboat's cache: %q", rows)
	}
	op := newNewsboat(t, fmt.Sprintf("urls-source \"opml\"\nopml-url \"%s/v1/opml?token=%s\"", api.URL, tok))
	op.run("-x", "reload")
	rows := op.items()
	feeds := map[string]bool{}
	for _, r := range rows {
		parts := strings.Split(r, " | ")
		feeds[parts[len(parts)-1]] = true
	}
	if len(feeds) != 2 {
		t.Errorf("OPML mode subscribed to %d feeds (%q), want 2", len(feeds), rows)
	}
}
