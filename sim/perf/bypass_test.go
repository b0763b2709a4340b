package perf

import (
	"math/rand/v2"
	"testing"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// bypassPhase is a run of seed-demo variants for TestBypassChangesNothing:
// drawn uniformly (every gene random, as a random search draws them) or a
// walk of one-gene moves (as a local search makes them, revisiting
// configurations).
type bypassPhase struct {
	random bool
	n      int
}

// bypassSeq returns seed-demo's template state (every gene free), its
// scenario and the variants of the phases in turn, each phase's from a
// seeded rng.
func bypassSeq(t *testing.T, phases []bypassPhase) (*infra.State, *scenarios.Scenario, []*infra.State) {
	t.Helper()
	s := seedSpace(t)
	base, sc, sp, b := s.base, s.sc, s.sp, s.bd
	rng := rand.New(rand.NewPCG(7, 8))
	g := sp.Current()
	var out []*infra.State
	for _, ph := range phases {
		for range ph.n {
			if ph.random {
				for j := range g {
					g[j] = rng.IntN(len(sp.Genes[j].Values))
				}
			} else {
				j := rng.IntN(len(g))
				g[j] = rng.IntN(len(sp.Genes[j].Values))
			}
			st := b.NewState()
			b.Apply(st, g)
			out = append(out, st)
		}
	}
	return base, sc, out
}

// TestBypassChangesNothing runs seed-demo's variants in phases, random
// (every function new in every variant) and local (one-gene moves),
// through a Model whose bypass policy turns its tables off and on, and
// checks that every figure, and what MonteCarlo reads, equals a Model's
// without tables bit for bit, with and without the functions' and the
// lower application percentiles. It checks the policy too: the tables are
// off in the random phases (but for a window sampling them every
// bypassSpan windows) and on in the local ones, once a window has shown it.
func TestBypassChangesNothing(t *testing.T) {
	phases := []bypassPhase{{true, 1300}, {false, 400}, {true, 700}, {false, 400}}
	base, sc, vs := bypassSeq(t, phases)
	for _, lean := range []bool{false, true} {
		on, err := Compile(base, sc)
		if err != nil {
			t.Fatal(err)
		}
		off, err := Compile(base, sc)
		if err != nil {
			t.Fatal(err)
		}
		off.noMemo = true
		for _, m := range []*Model{on, off} {
			m.SkipFunctionPercentiles(lean)
			m.SkipLowerAppPercentiles(lean)
		}
		ro, rf := on.NewResult(), off.NewResult()
		k := 0
		for p, ph := range phases {
			offEvals := 0
			for i := range ph.n {
				v := vs[k]
				on.Eval(v, ro)
				off.Eval(v, rf)
				if !sameBits(ro, rf) {
					t.Fatalf("lean %v, phase %d, evaluation %d (bypass %v): %+v\nwithout tables %+v", lean, p, i, on.bypass, ro, rf)
				}
				for f := range on.fns {
					if on.fns[f].whole() != off.fns[f].ev {
						t.Fatalf("lean %v, phase %d, evaluation %d (bypass %v): function %d: state %+v\nwithout tables %+v",
							lean, p, i, on.bypass, f, on.fns[f].whole(), off.fns[f].ev)
					}
				}
				if on.bypass {
					offEvals++
				}
				k++
			}
			// Two windows to notice a new phase; one in bypassSpan+1
			// samples with the tables on.
			settled := ph.n - 2*adaptWindow
			if ph.random && offEvals < settled*bypassSpan/(bypassSpan+1)-adaptWindow {
				t.Errorf("lean %v, random phase %d: tables off in %d of %d evaluations", lean, p, offEvals, ph.n)
			}
			if !ph.random && offEvals > 2*adaptWindow {
				t.Errorf("lean %v, local phase %d: tables off in %d of %d evaluations", lean, p, offEvals, ph.n)
			}
		}
		// On, off, a sample on and off again in the first random phase,
		// then on and off with the phases.
		if on.switches < 6 {
			t.Errorf("lean %v: the policy switched %d times", lean, on.switches)
		}
	}
}
