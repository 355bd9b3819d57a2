package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"
)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ingestbench", flag.ContinueOnError)
	feeds := fs.Int("feeds", 1000, "number of feeds")
	items := fs.Int("items", 50, "items per feed")
	itemBytes := fs.Int("item-bytes", 3000, "approximate HTML bytes of an item's content")
	serveDir := fs.String("serve", "", "internal: serve this directory on loopback and print the address")
	latency := fs.Duration("latency", 0, "delay every response by this long, as a remote server's round trips do (0: loopback speed)")
	noValidators := fs.Bool("no-validators", false, "serve without Last-Modified and ignore conditional requests, as many servers do: the second poll gets every body again")
	bin := fs.String("feedfold", "", "feedfold binary to measure (default: go build ./cmd/feedfold)")
	keep := fs.Bool("keep", false, "keep the temporary directory")
	format := fs.String("format", "rss", "feed format: rss (item HTML in CDATA), rss-escaped (entity-escaped HTML) or atom")
	text := fs.String("text", "small", "item text: small (a 200-word vocabulary, every item the same length) or zipf (30,000 words by Zipf's law, lengths spread 0.3–1.7×, closer to real feeds)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serveDir != "" {
		return serve(ctx, *serveDir, *latency, *noValidators, stdout)
	}

	dir, err := os.MkdirTemp("", "ingestbench")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	feedDir := filepath.Join(dir, "feeds")
	os.Mkdir(feedDir, 0o755)
	total, err := genFeeds(feedDir, *feeds, *items, *itemBytes, *format, *text)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	fmt.Fprintf(stdout, "feeds: %d × %d items (%s, %s text), %.1f MB\n", *feeds, *items, *format, *text, float64(total)/1e6)

	parse, err := parseAll(feedDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gofeed parse alone, one core: %.2f s (%.1f MB/s)\n", parse.Seconds(), float64(total)/1e6/parse.Seconds())

	if *bin == "" {
		*bin = filepath.Join(dir, "feedfold")
		build := exec.CommandContext(ctx, "go", "build", "-o", *bin, "./cmd/feedfold")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build feedfold: %w", err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	srv := exec.CommandContext(ctx, self, "-serve", feedDir, "-latency", latency.String(), "-no-validators="+strconv.FormatBool(*noValidators))
	srvOut, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	addr, err := bufio.NewReader(srvOut).ReadString('\n')
	if err != nil {
		return fmt.Errorf("feed server: %w", err)
	}
	addr = strings.TrimSpace(addr)

	opml := filepath.Join(dir, "feeds.opml")
	if err := writeOPML(opml, addr, *feeds); err != nil {
		return err
	}
	db := filepath.Join(dir, "bench.db")
	env := append(os.Environ(), "FEEDFOLD_DB="+db, "FEEDFOLD_ALLOW_PRIVATE_NETWORKS=true", "FEEDFOLD_LOG_LEVEL=warn")
	if _, err := runChild(ctx, *bin, env, "import", opml); err != nil {
		return err
	}
	first, err := runChild(ctx, *bin, env, "poll", "--all")
	if err != nil {
		return err
	}
	second, err := runChild(ctx, *bin, env, "poll", "--all")
	if err != nil {
		return err
	}
	st, err := os.Stat(db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "first poll:  %s\n  wall %.2f s (%.2f× the one-core parse time), cpu user %.2f s sys %.2f s, peak RSS %.1f MiB (private %.1f MiB)\n",
		first.out, first.wall.Seconds(), first.wall.Seconds()/parse.Seconds(), first.user.Seconds(), first.sys.Seconds(), float64(first.maxRSS)/(1<<20), float64(first.maxAnon)/(1<<20))
	fmt.Fprintf(stdout, "second poll: %s\n  wall %.2f s, peak RSS %.1f MiB (private %.1f MiB)\n", second.out, second.wall.Seconds(), float64(second.maxRSS)/(1<<20), float64(second.maxAnon)/(1<<20))
	fmt.Fprintf(stdout, "database: %.1f MB (%.2f× the feed bytes)\n", float64(st.Size())/1e6, float64(st.Size())/float64(total))
	return nil
}

type childRun struct {
	out       string
	wall      time.Duration
	user, sys time.Duration
	maxRSS    int64 // bytes: VmHWM, which includes file pages of the bbolt mmap
	maxAnon   int64 // bytes: peak sampled RssAnon, feedfold's private memory
}

func runChild(ctx context.Context, bin string, env []string, args ...string) (childRun, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return childRun{}, err
	}
	// Peak RSS is read from the child's own VmHWM: the rusage maxrss of an
	// exec'd child also counts this (larger) process's memory at fork time.
	done := make(chan struct{})
	peaks := make(chan [2]int64, 1)
	go func() {
		var peak [2]int64 // VmHWM, sampled RssAnon
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			hwm, anon := procMem(cmd.Process.Pid)
			peak[0], peak[1] = max(peak[0], hwm), max(peak[1], anon)
			select {
			case <-done:
				peaks <- peak
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	p := <-peaks
	r := childRun{out: strings.TrimSpace(strings.SplitN(out.String(), "\n", 2)[0]), wall: time.Since(start), maxRSS: p[0], maxAnon: p[1]}
	if err != nil {
		return r, fmt.Errorf("feedfold %s: %w", strings.Join(args, " "), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.user = time.Duration(ru.Utime.Nano())
		r.sys = time.Duration(ru.Stime.Nano())
	}
	return r, nil
}

// procMem returns a live process's peak resident set (VmHWM) and its
// current private resident memory (RssAnon), in bytes; zeros once it has
// exited. VmHWM counts the pages of bbolt's memory-mapped file that the
// kernel maps in around every touched page (clean page cache, shared and
// reclaimable); RssAnon is the memory feedfold itself allocated.
func procMem(pid int) (hwm, anon int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	kb := func(rest string) int64 {
		var v int64
		fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &v)
		return v * 1024
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = kb(rest)
		}
		if rest, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			anon = kb(rest)
		}
	}
	return hwm, anon
}

func parseAll(dir string) (time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return 0, err
	}
	bodies := make([][]byte, len(files))
	for i, f := range files {
		if bodies[i], err = os.ReadFile(f); err != nil {
			return 0, err
		}
	}
	// One core, as the target says: with two, the collector runs
	// on the second core beside the parsing goroutine and the baseline
	// would be a third faster than one core parsing.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.GC()
	p := gofeed.NewParser()
	start := time.Now()
	for _, b := range bodies {
		if _, err := p.Parse(bytes.NewReader(b)); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func writeOPML(path, addr string, n int) error {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>bench</title></head><body>`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<outline type="rss" text="site %d" xmlUrl="http://%s/feed%04d.xml"/>`, i, addr, i)
	}
	b.WriteString(`</body></opml>`)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// serve runs the loopback feed server child: files with Last-Modified, so
// a second poll is answered 304, unless noValidators: then every request
// gets the whole file, with no validator to send back.
func serve(ctx context.Context, dir string, latency time.Duration, noValidators bool, stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, ln.Addr().String())
	var h http.Handler = http.FileServer(http.Dir(dir))
	if noValidators {
		files := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("If-Modified-Since")
			r.Header.Del("If-None-Match")
			files.ServeHTTP(noLastModified{w}, r)
		})
	}
	if latency > 0 {
		files := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(latency)
			files.ServeHTTP(w, r)
		})
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); s.Close() }()
	if err := s.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// noLastModified drops the Last-Modified header the file server sets.
type noLastModified struct{ http.ResponseWriter }

func (w noLastModified) WriteHeader(code int) {
	w.Header().Del("Last-Modified")
	w.ResponseWriter.WriteHeader(code)
}

func (w noLastModified) Write(b []byte) (int, error) {
	w.Header().Del("Last-Modified")
	return w.ResponseWriter.Write(b)
}
