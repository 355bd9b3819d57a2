// Command feedfold is a self-hosted feed aggregator that shows each story
// once: it polls RSS, Atom and JSON feeds into an embedded bbolt database and
// links republished copies of a story to its original.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
