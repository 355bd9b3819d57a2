package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// buildFeedfold compiles the real binary for tests that run it as a
// separate process.
func buildFeedfold(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "feedfold")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// growingFeeds serves n feeds whose item count grows by one every round,
// each item with enough text that a poll takes a while.
type growingFeeds struct {
	round atomic.Int64
	n     int
	*httptest.Server
}

func newGrowingFeeds(t *testing.T, n int) *growingFeeds {
	g := &growingFeeds{n: n}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f int
		fmt.Sscanf(r.URL.Path, "/%d", &f)
		items := 20 + int(g.round.Load())
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Feed %d</title><link>https://feed%d.example/</link>`, f, f)
		for i := 0; i < items; i++ {
			rnd := rand.New(rand.NewPCG(uint64(f), uint64(i)))
			var body strings.Builder
			for body.Len() < 2000 {
				fmt.Fprintf(&body, "word%d ", rnd.IntN(5000))
			}
			fmt.Fprintf(w, `<item><guid>f%d-i%d</guid><title>Item %d of feed %d</title><link>https://feed%d.example/%d</link><description>%s</description></item>`, f, i, i, f, f, i, body.String())
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *growingFeeds) served() int { return g.n * (20 + int(g.round.Load())) }

// TestKill9 runs the real feedfold poll and kills it with SIGKILL at random
// moments, at least 50 times. After every kill the database must open, pass Check,
// and hold at least every item of the last poll that reported success;
// a final poll must then complete what was interrupted.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 trials take ~30 s")
	}
	bin := buildFeedfold(t)
	feeds := newGrowingFeeds(t, 30)
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.db")
	env := append(os.Environ(), "FEEDFOLD_DB="+db, "FEEDFOLD_ALLOW_PRIVATE_NETWORKS=true", "FEEDFOLD_LOG_LEVEL=error")
	var opml strings.Builder
	opml.WriteString(`<opml version="2.0"><body>`)
	for i := 0; i < feeds.n; i++ {
		fmt.Fprintf(&opml, `<outline type="rss" text="f%d" xmlUrl="%s/%d"/>`, i, feeds.URL, i)
	}
	opml.WriteString(`</body></opml>`)
	os.WriteFile(filepath.Join(dir, "f.opml"), []byte(opml.String()), 0o644)
	if out, err := runBin(bin, env, "import", filepath.Join(dir, "f.opml")); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}

	rnd := rand.New(rand.NewPCG(42, 42))
	deadline := time.Now().Add(90 * time.Second)
	acknowledged := 0 // items present after the last poll that reported success
	kills, completed := 0, 0
	// Until 50 polls were killed mid-way (bounded in count and time): a
	// random delay lets some polls finish, so acknowledged items are
	// checked too.
	for trial := 0; kills < 50 && trial < 150 && time.Now().Before(deadline); trial++ {
		feeds.round.Add(1)
		cmd := exec.Command(bin, "poll", "--all", "--json")
		cmd.Env = env
		var out strings.Builder
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("trial %d: poll failed: %v", trial, err)
			}
			var sum aggregator.Summary
			if err := json.Unmarshal([]byte(out.String()), &sum); err != nil {
				t.Fatalf("trial %d: summary %q: %v", trial, out.String(), err)
			}
			completed++
			acknowledged = feeds.served()
		case <-time.After(time.Duration(5+rnd.IntN(150)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
		d, err := store.Open(db, store.Options{LockTimeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("trial %d: database does not open after kill: %v", trial, err)
		}
		if err := d.Check(); err != nil {
			d.Close()
			t.Fatalf("trial %d: invariants broken after kill: %v", trial, err)
		}
		var n int
		d.View(func(tx *store.Tx) error { n = tx.CountItems(); return nil })
		d.Close()
		if n < acknowledged {
			t.Fatalf("trial %d: %d items stored, but a completed poll had acknowledged %d", trial, n, acknowledged)
		}
	}
	// Polling resumes: one uninterrupted poll stores everything served.
	if out, err := runBin(bin, env, "poll", "--all"); err != nil {
		t.Fatalf("final poll: %v %s", err, out)
	}
	d, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	d.View(func(tx *store.Tx) error { n = tx.CountItems(); return nil })
	if n != feeds.served() {
		t.Errorf("after the final poll: %d items, want %d", n, feeds.served())
	}
	t.Logf("kill -9 trials: %d killed mid-poll, %d completed; items lost: 0; final items %d", kills, completed, n)
	if kills < 50 {
		t.Errorf("only %d polls were killed mid-way; the trial timing no longer exercises crashes", kills)
	}
}

func runBin(bin string, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestServeSIGTERMAndBusyDatabase: while serve runs, other commands fail
// within seconds naming the running process; SIGTERM makes serve finish
// and exit cleanly within a bounded time, leaving a consistent database.
func TestServeSIGTERMAndBusyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := buildFeedfold(t)
	feeds := newGrowingFeeds(t, 10)
	dir := t.TempDir()
	db := filepath.Join(dir, "serve.db")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	env := append(os.Environ(), "FEEDFOLD_DB="+db, "FEEDFOLD_ALLOW_PRIVATE_NETWORKS=true", "FEEDFOLD_LOG_LEVEL=info",
		"FEEDFOLD_LISTEN="+listen, "FEEDFOLD_PASSWORD=test-password")
	for i := 0; i < feeds.n; i++ {
		d, _ := store.Open(db, store.Options{})
		d.Update(func(tx *store.Tx) error { return tx.AddFeed(&store.Feed{URL: fmt.Sprintf("%s/%d", feeds.URL, i)}) })
		d.Close()
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(1500 * time.Millisecond) // let it poll

	start := time.Now()
	out, err := runBin(bin, env, "items")
	if err == nil {
		t.Errorf("items succeeded while serve holds the database: %s", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("items took %v to give up", d)
	}
	if !strings.Contains(out, fmt.Sprint(cmd.Process.Pid)) || !strings.Contains(out, "serve") {
		t.Errorf("busy-database message does not name the running process (pid %d): %s", cmd.Process.Pid, out)
	}

	// backup still works: through the running server's API.
	backup := filepath.Join(dir, "backup.db")
	if out, err := runBin(bin, env, "backup", backup); err != nil || !strings.Contains(out, "through the running feedfold serve") {
		t.Fatalf("backup while serving: %v %s", err, out)
	}
	if b, err := store.Open(backup, store.Options{ReadOnly: true}); err != nil {
		t.Fatalf("backup does not open: %v", err)
	} else {
		if err := b.Check(); err != nil {
			t.Errorf("backup is inconsistent: %v", err)
		}
		b.Close()
	}

	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not exit within 15 s of SIGTERM")
	}
	if !strings.Contains(logs.String(), "stopped cleanly") {
		t.Errorf("no clean-stop log line:\n%s", logs.String())
	}
	d, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Check(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	var n int
	d.View(func(tx *store.Tx) error { n = tx.CountItems(); return nil })
	if n != feeds.served() {
		t.Errorf("serve stored %d items, want %d", n, feeds.served())
	}
}
