// Command feedfold is a self-hosted feed aggregator that shows each story
// once: it polls RSS, Atom and JSON feeds into an embedded bbolt database and
// links republished copies of a story to its original.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is feedfold's default GOGC once the live heap is past
// heapFloor (see tuneGC). Its live heap is small (the fingerprint index,
// the feeds in flight, a bbolt transaction) and parsing makes mostly
// short-lived garbage, so collecting at 1.5× the live heap instead of Go's
// 2× cuts a third of the private memory of a large poll (35 → 25 MiB at
// 1000 feeds). Below the floor, collecting that often only costs CPU, so
// the goal stays at the floor there, and a soft memory limit of twice the
// live heap makes the runtime hand freed memory back (memLimitFor). A
// GOGC in the environment still wins and turns all three off; a
// GOMEMLIMIT replaces the limit.
const gcPercent = 50

func main() {
	stopTuning := func() {}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		stopTuning = tuneGC(os.Getenv("GOMEMLIMIT") == "")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	stopTuning()
	os.Exit(code)
}
