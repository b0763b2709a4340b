package main

import (
	"runtime/debug"
	"testing"
)

// TestSearchGC: the evolve command raises GOGC for searches up to
// maxTunedBudget evaluations and restores it after; larger searches and a
// user's GOGC or GOMEMLIMIT keep Go's setting.
func TestSearchGC(t *testing.T) {
	gcPercent := func() int {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	for _, c := range []struct {
		name   string
		budget int
		env    string
		want   int
	}{
		{"default budget", 0, "", searchGCPercent},
		{"at the bound", maxTunedBudget, "", searchGCPercent},
		{"over the bound", maxTunedBudget + 1, "", 100},
		{"user GOGC", 1000, "GOGC", 100},
		{"user GOMEMLIMIT", 1000, "GOMEMLIMIT", 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv(c.env, "200")
			}
			before := debug.SetGCPercent(100)
			defer debug.SetGCPercent(before)
			restore := searchGC(c.budget)
			if got := gcPercent(); got != c.want {
				t.Errorf("during the search GOGC is %d, want %d", got, c.want)
			}
			restore()
			if got := gcPercent(); got != 100 {
				t.Errorf("after the search GOGC is %d, want 100 (restored)", got)
			}
		})
	}
}
