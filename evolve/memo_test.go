package evolve

import (
	"context"
	"math/bits"
	"math/rand"
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

// TestPackWords: pack puts every gene's value at its own bits (each
// value recovered from the key), for random layouts that fill one to four
// words.
func TestPackWords(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		size := make([]int, 1+rng.Intn(120))
		for i := range size {
			size[i] = 2 + rng.Intn(20)
		}
		p := newPacking(size)
		if !p.ok {
			continue
		}
		g := make(genome.Genome, len(size))
		for i := range g {
			g[i] = rng.Intn(size[i])
		}
		k := p.pack(g)
		// Decode in the layout's order: words fill gene by gene.
		w, off := 0, 0
		for i, sz := range size {
			b := bits.Len(uint(sz - 1))
			if off+b > 64 {
				w, off = w+1, 0
			}
			if got := int(k[w] >> off & (1<<b - 1)); got != g[i] {
				t.Fatalf("trial %d: gene %d of %d reads %d from word %d, want %d", trial, i, len(size), got, w, g[i])
			}
			off += b
		}
	}
}

// TestMemoGrowAndEpochs: a memo keeps every entry through many doublings,
// answers absent keys as absent, and after resets (the epoch wrapping
// round included) holds only what was put since.
func TestMemoGrowAndEpochs(t *testing.T) {
	size := repeat(13, 50)
	p := newPacking(size)
	m := newMemo(&p)
	rng := rand.New(rand.NewSource(2))
	var gs []genome.Genome
	seen := map[[50]int]bool{}
	for len(gs) < 50_000 {
		g := make(genome.Genome, len(size))
		var a [50]int
		for i := range g {
			g[i] = rng.Intn(13)
			a[i] = g[i]
		}
		if !seen[a] {
			seen[a] = true
			gs = append(gs, g)
		}
	}
	half := len(gs) / 2
	for round := 0; round < 3; round++ {
		if round == 2 {
			m.epoch = maxEpoch // the next reset wraps round
		}
		m.reset()
		for j, g := range gs[:half] {
			m.put(g, int32(j+round))
		}
		for j, g := range gs {
			v, ok := m.get(g)
			if j < half && (!ok || v != int32(j+round)) {
				t.Fatalf("round %d: genome %d gives %d, %v", round, j, v, ok)
			}
			if j >= half && ok {
				t.Fatalf("round %d: genome %d found but never put", round, j)
			}
		}
	}
}
