// Command ingestbench measures feedfold's ingest end to end against the
// cost of parsing alone, on this machine.
//
// It writes N synthetic feeds × M items to a temporary directory, times
// gofeed parsing every byte of them on one core (the baseline), then
// serves the files from loopback in a child process and runs the real
// feedfold binary (`import` then `poll --all`, twice) in another child, so
// the peak RSS and CPU reported are feedfold's alone. The second poll is
// answered 304 by every feed.
//
//	go run ./cmd/ingestbench -feeds 1000 -items 50
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingestbench:", err)
		os.Exit(1)
	}
}
