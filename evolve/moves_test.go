package evolve

import (
	"context"
	"math/rand"
	"slices"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// TestPackingSetUnpack: a key with one gene replaced by packing.set is the
// key of the genome with that gene changed, its hash follows from the old
// key's (hashMove), and unpack gives the genome back, across word
// boundaries and for one-value genes.
func TestPackingSetUnpack(t *testing.T) {
	for _, tt := range []struct {
		name string
		size []int
	}{
		{"word boundary", append([]int{100}, repeat(2, 64)...)},
		{"mixed", []int{2, 3, 1, 4, 9, 13, 2, 1, 3, 65535, 7}},
		{"exactly 256 bits", repeat(1<<16, 16)},
	} {
		p := newPacking(tt.size)
		if !p.ok {
			t.Fatalf("%s: does not pack", tt.name)
		}
		rng := rand.New(rand.NewSource(1))
		g := make(genome.Genome, len(tt.size))
		back := make(genome.Genome, len(tt.size))
		for range 200 {
			for i, k := range tt.size {
				g[i] = rng.Intn(k)
			}
			k := p.pack(g)
			p.unpack(back, &k)
			if !slices.Equal(back, g) {
				t.Fatalf("%s: unpack(pack(%v)) = %v", tt.name, g, back)
			}
			i := rng.Intn(len(g))
			g[i] = rng.Intn(tt.size[i])
			old, sum := k, hashSum(&k)
			p.set(&k, i, g[i])
			if want := p.pack(g); k != want {
				t.Fatalf("%s: set gene %d to %d: key %x, want %x", tt.name, i, g[i], k, want)
			}
			// evalMoves' hash of the changed key from the old key's sum
			w := p.word[i] & 3
			if h, want := hashFinish(hashMove(sum, w, old[w], k[w])), hashKey(&k); h != want {
				t.Fatalf("%s: set gene %d to %d: hash from the old sum %x, want %x", tt.name, i, g[i], h, want)
			}
		}
	}
}

// TestEvalMovesMatchesEvalBatch: evalMoves gives what evalBatch gives on
// the moves' genomes (results, ok flags, cache entries, best, budget), on
// the seed template's space, whose moot rules make some moves equal to
// others or to the base, with a budget that runs out in the middle of a
// batch; and on a space whose genomes do not pack.
func TestEvalMovesMatchesEvalBatch(t *testing.T) {
	wide := &genome.Space{}
	for i := range 17 {
		vals := make([]any, maxDomain) // 16 bits a gene: 272 bits in all
		for v := range vals {
			vals[v] = v
		}
		wide.Genes = append(wide.Genes, genome.Gene{Name: "g" + string(rune('a'+i)), Resource: "r", Kind: genome.Choice, Values: vals})
	}
	sum := func() func(genome.Genome, *sim.Metrics) {
		return func(g genome.Genome, m *sim.Metrics) {
			f := 0.0
			for i, v := range g {
				f += float64((i+1)*v%97) / 97
			}
			*m = sim.Metrics{Fitness: f, Feasible: true, Objectives: sim.Objectives{CostUSDMonth: f, LatencyP99MS: 100 - f, Compliance: f / 100}}
		}
	}
	demo := seedDemoProblem(t)
	for _, tt := range []struct {
		name    string
		p       Problem
		workers int // a's (b has 2): one worker evaluates and records each miss in turn
	}{
		{"seed-demo", demo, 2},
		{"seed-demo/1", demo, 1},
		{"no packing", Problem{Space: wide, New: sum}, 2},
		{"no packing/1", Problem{Space: wide, New: sum}, 1},
	} {
		l, err := newLayout(tt.p.Space)
		if err != nil {
			t.Fatal(err)
		}
		objs, _ := parseObjectives([]string{"cost", "latency", "compliance"})
		const budget = 700
		a := newEvaluator(context.Background(), l, tt.p.New, tt.workers, budget)
		b := newEvaluator(context.Background(), l, tt.p.New, 2, budget)
		a.archive, b.archive = newArchive(objs), newArchive(objs)
		rng := rand.New(rand.NewSource(3))
		base := make(genome.Genome, l.n)
		for round := 0; round < 12; round++ {
			l.randomGenome(base, rng)
			var mvs []move
			var gs []genome.Genome
			for _, i := range l.free {
				for v := 0; v < min(l.size[i], 6); v++ {
					if v != base[i] {
						mvs = append(mvs, move{int32(i), int32(v)})
						g := cloneGenome(base)
						g[i] = v
						gs = append(gs, g)
					}
				}
			}
			refA, okA := make([]*sim.Metrics, len(mvs)), make([]bool, len(mvs))
			outB, okB := make([]sim.Metrics, len(mvs)), make([]bool, len(mvs))
			a.evalMoves(base, mvs, refA, okA)
			b.evalBatch(gs, outB, okB)
			outA := make([]sim.Metrics, len(mvs))
			for t := range refA {
				outA[t] = *refA[t]
			}
			if !slices.Equal(okA, okB) || !slices.Equal(outA, outB) {
				t.Fatalf("%s round %d: evalMoves and evalBatch differ", tt.name, round)
			}
			if a.used != b.used || a.nEntries != b.nEntries || !slices.Equal(a.best, b.best) || a.bestMetrics != b.bestMetrics || len(a.archive.g) != len(b.archive.g) {
				t.Fatalf("%s round %d: evaluators differ: used %d/%d, entries %d/%d", tt.name, round, a.used, b.used, a.nEntries, b.nEntries)
			}
		}
		if a.used != budget {
			t.Errorf("%s: the test spent %d of its %d evaluations: it should exhaust the budget", tt.name, a.used, budget)
		}
		ga, gb := make(genome.Genome, l.n), make(genome.Genome, l.n)
		for j := range a.nEntries {
			a.entryGenome(ga, j)
			b.entryGenome(gb, j)
			if !slices.Equal(ga, gb) || *a.entry(j) != *b.entry(j) {
				t.Fatalf("%s: cache entry %d differs", tt.name, j)
			}
			if k, ok := a.cache.get(ga); !ok || int(k) != j {
				t.Fatalf("%s: entry %d's genome is not cached as entry %d", tt.name, j, j)
			}
		}
	}
}

// TestCacheGrowsWithinBatch: a batch whose new evaluations make the cache
// grow keeps every one of them: evaluating the same batch again costs no
// evaluation (the look-ups' slot hints are void once the table grows).
func TestCacheGrowsWithinBatch(t *testing.T) {
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	// A small budget reserves a small cache; the analysis phase is not
	// held to it, so one batch of 5000 variants grows the cache.
	ev := newEvaluator(context.Background(), l, p.New, 1, 10)
	ev.analysis = true
	gs := make([]genome.Genome, 5000)
	for i := range gs {
		gs[i] = make(genome.Genome, l.n)
		l.decode(gs[i], int64(i)*7+1)
	}
	out := make([]sim.Metrics, len(gs))
	ok := make([]bool, len(gs))
	ev.evalBatch(gs, out, ok)
	first := ev.analysisUsed
	ev.evalBatch(gs, out, ok)
	if again := ev.analysisUsed - first; again != 0 {
		t.Errorf("the same batch again cost %d evaluations, want 0 (first time %d)", again, first)
	}
}

// TestFullCache: once the cache holds maxCache entries, new results are
// evaluated into scratch and not kept, a batch that straddles the bound
// keeps the first of them, and every result is still its genome's; the
// entries kept are their genomes' results.
func TestFullCache(t *testing.T) {
	defer func(m int) { maxCache = m }(maxCache)
	maxCache = 150
	sum := func(g genome.Genome, m *sim.Metrics) {
		f := 0.0
		for i, v := range g {
			f += float64((i+3)*v%89) / 89
		}
		*m = sim.Metrics{Fitness: f, Feasible: true, Objectives: sim.Objectives{CostUSDMonth: f, LatencyP99MS: 100 - f}}
	}
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		ev := newEvaluator(context.Background(), l, func() func(genome.Genome, *sim.Metrics) { return sum }, workers, 2000)
		rng := rand.New(rand.NewSource(5))
		var want sim.Metrics
		for round := range 8 {
			gs := make([]genome.Genome, 40+round*10)
			for i := range gs {
				gs[i] = make(genome.Genome, l.n)
				l.randomGenome(gs[i], rng)
				if i%7 == 3 {
					copy(gs[i], gs[i-2]) // a repeat within the batch
				}
			}
			out, ok := make([]sim.Metrics, len(gs)), make([]bool, len(gs))
			ev.evalBatch(gs, out, ok)
			for i, g := range gs {
				c := cloneGenome(g)
				l.canonical(c)
				sum(c, &want)
				if !ok[i] || out[i] != want {
					t.Fatalf("workers %d round %d: genome %d: ok %v, %+v, want %+v", workers, round, i, ok[i], out[i], want)
				}
			}
		}
		if ev.nEntries != maxCache {
			t.Fatalf("workers %d: %d entries, want %d", workers, ev.nEntries, maxCache)
		}
		g := make(genome.Genome, l.n)
		for j := range ev.nEntries {
			ev.entryGenome(g, j)
			sum(g, &want)
			if *ev.entry(j) != want {
				t.Fatalf("workers %d: entry %d holds %+v, want its genome's %+v", workers, j, *ev.entry(j), want)
			}
		}
	}
}

// TestCacheOutgrowsBudget: the analysis evaluates past the budget, so the
// first entry chunk, sized to the budget, grows; the entries it held keep
// their results, and every genome evaluated is still a cache hit.
func TestCacheOutgrowsBudget(t *testing.T) {
	sum := func(g genome.Genome, m *sim.Metrics) {
		f := 0.0
		for i, v := range g {
			f += float64((i+5)*v%83) / 83
		}
		*m = sim.Metrics{Fitness: f, Feasible: true}
	}
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	ev := newEvaluator(context.Background(), l, func() func(genome.Genome, *sim.Metrics) { return sum }, 1, 20)
	rng := rand.New(rand.NewSource(9))
	var gs []genome.Genome
	seen := newMemo(&ev.pack)
	for len(gs) < 300 {
		g := make(genome.Genome, l.n)
		l.randomGenome(g, rng)
		l.canonical(g)
		if _, dup := seen.get(g); !dup {
			seen.put(g, 0)
			gs = append(gs, g)
		}
	}
	out, ok := make([]sim.Metrics, len(gs)), make([]bool, len(gs))
	ev.evalBatch(gs[:20], out[:20], ok[:20])
	ev.analysis = true
	for a := 20; a < len(gs); a += 40 {
		b := min(a+40, len(gs))
		ev.evalBatch(gs[a:b], out[a:b], ok[a:b])
	}
	if ev.nEntries != len(gs) || ev.analysisUsed != len(gs)-20 {
		t.Fatalf("%d entries, %d analysis evaluations; want %d, %d", ev.nEntries, ev.analysisUsed, len(gs), len(gs)-20)
	}
	var want sim.Metrics
	ev.evalBatch(gs, out, ok)
	for i, g := range gs {
		sum(g, &want)
		if !ok[i] || out[i] != want {
			t.Fatalf("genome %d: ok %v, %+v, want %+v", i, ok[i], out[i], want)
		}
	}
	if ev.nEntries != len(gs) {
		t.Fatalf("the second pass evaluated again: %d entries", ev.nEntries)
	}
}

// TestTouchEntriesKeepsEntries: the serial direct path touches the batch's
// cache entries ahead (touchEntries writes zero into them), which must
// change no result: over batches of one-gene moves on one worker that fill
// more than two chunks of entries (batches straddle chunk boundaries),
// every cache entry is still its genome's evaluation, and every entry not
// yet filled is zero (what touchEntries relies on).
func TestTouchEntriesKeepsEntries(t *testing.T) {
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	const budget = 2*chunkMask + 1000
	ev := newEvaluator(context.Background(), l, p.New, 1, budget)
	rng := rand.New(rand.NewSource(5))
	base := make(genome.Genome, l.n)
	var mvs []move
	var ref []*sim.Metrics
	var ok []bool
	for !ev.exhausted() {
		l.randomGenome(base, rng)
		mvs = mvs[:0]
		for _, i := range l.free {
			for v := range l.size[i] {
				if v != base[i] {
					mvs = append(mvs, move{int32(i), int32(v)})
				}
			}
		}
		ref, ok = make([]*sim.Metrics, len(mvs)), make([]bool, len(mvs))
		ev.evalMoves(base, mvs, ref, ok)
	}
	if ev.nEntries <= 2*(chunkMask+1) {
		t.Fatalf("the test filled %d entries: it should fill more than two chunks", ev.nEntries)
	}
	g := make(genome.Genome, l.n)
	for j := range ev.nEntries {
		ev.entryGenome(g, j)
		var want sim.Metrics
		synthEval(g, &want)
		if *ev.entry(j) != want {
			t.Fatalf("cache entry %d (%v) = %+v, want %+v", j, g, *ev.entry(j), want)
		}
	}
	last := ev.entries[len(ev.entries)-1]
	for j := ev.nEntries & chunkMask; j < len(last); j++ {
		if last[j] != (sim.Metrics{}) {
			t.Fatalf("unfilled cache entry %d is not zero", ev.nEntries-ev.nEntries&chunkMask+j)
		}
	}
}
