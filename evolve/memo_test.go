package evolve

import (
	"context"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

func TestMemo(t *testing.T) {
	tests := []struct {
		name   string
		size   []int
		packed bool
	}{
		// 7 bits + 64 one-bit genes: the second word starts at the gene that
		// would straddle it.
		{"word boundary", append([]int{100}, repeat(2, 64)...), true},
		{"exactly 256 bits", repeat(1<<16, 16), true},
		{"over 256 bits", repeat(1<<16, 17), false},
	}
	for _, tt := range tests {
		p := newPacking(tt.size)
		if p.ok != tt.packed {
			t.Fatalf("%s: packed %v, want %v", tt.name, p.ok, tt.packed)
		}
		m := newMemo(&p)
		// Every genome with one gene at its top value, and the all-zero one:
		// all distinct keys.
		var gs []genome.Genome
		gs = append(gs, make(genome.Genome, len(tt.size)))
		for i, k := range tt.size {
			g := make(genome.Genome, len(tt.size))
			g[i] = k - 1
			gs = append(gs, g)
		}
		for j, g := range gs {
			if _, ok := m.get(g); ok {
				t.Fatalf("%s: genome %d found before it was put", tt.name, j)
			}
			m.put(g, int32(j))
		}
		for j, g := range gs {
			if v, ok := m.get(g); !ok || v != int32(j) {
				t.Fatalf("%s: genome %d gives %d, %v", tt.name, j, v, ok)
			}
		}
		m.reset()
		if _, ok := m.get(gs[1]); ok {
			t.Errorf("%s: reset kept an entry", tt.name)
		}
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestEvalBatchAllocsPerEvaluation: evaluating new variants through the
// memo cache allocates nothing per evaluation, only when the cache grows
// (amortised: well under one allocation in ten evaluations).
func TestEvalBatchAllocsPerEvaluation(t *testing.T) {
	p := synthProblem()
	l, _ := newLayout(p.Space)
	ev := newEvaluator(context.Background(), l, p.New, 1, 1<<30)
	const batch, runs = 64, 200
	gs := make([]genome.Genome, batch*(runs+1))
	for i := range gs {
		gs[i] = make(genome.Genome, l.n)
		l.decode(gs[i], int64(i))
	}
	out := make([]sim.Metrics, batch)
	ok := make([]bool, batch)
	next := 0
	allocs := testing.AllocsPerRun(runs, func() {
		ev.evalBatch(gs[next:next+batch], out, ok)
		next += batch
	})
	if perEval := allocs / batch; perEval > 0.1 {
		t.Errorf("%.3f allocations per new evaluation", perEval)
	}
	if ev.used != len(gs) {
		t.Errorf("%d evaluations, want %d distinct", ev.used, len(gs))
	}
}
