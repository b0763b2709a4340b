package main

import (
	"os"
	"runtime/debug"
)

// searchGCPercent is the collector's GOGC during a search of at most
// maxTunedBudget evaluations, and maxTunedBudget that bound.
//
// A search's heap is mostly caches that live to its end and grow through
// it: every evaluation's metrics, the memo keys and the latency model's
// tables, about 330 bytes per evaluation (BenchmarkEvolveSeedDemo/ga's
// B/op over its 100,000 evaluations). At Go's default GOGC=100 the
// collector runs about three times in such a search, each time the heap
// doubles, and costs it about 5% of its time (BenchmarkEvolveSeedDemo:
// ga-evolve-gc against ga, in one process). Letting the heap reach 5x its
// live size removes most of those runs: 250,000 evaluations keep about
// 100 MB live, so the heap stays under about 500 MB.
const (
	searchGCPercent = 400
	maxTunedBudget  = 250_000
)

// searchGC sets the collector for a search of budget evaluations (0: the
// default budget, a few tens of thousands) and returns what restores it:
// searchGCPercent up to maxTunedBudget evaluations, Go's own setting for
// larger searches or when the user set GOGC or GOMEMLIMIT.
func searchGC(budget int) (restore func()) {
	if budget > maxTunedBudget || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(searchGCPercent)
	return func() { debug.SetGCPercent(old) }
}
