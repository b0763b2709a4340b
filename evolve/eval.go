package evolve

import (
	"context"
	"math"
	"slices"
	"sync"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// better reports whether a ranks strictly above b: feasible before
// infeasible, infeasible by smaller violation, feasible by higher fitness.
// NaN values rank last.
func better(a, b *sim.Metrics) bool {
	if a.Feasible != b.Feasible {
		return a.Feasible
	}
	if !a.Feasible {
		av, bv := nanHigh(a.Violation), nanHigh(b.Violation)
		if av != bv {
			return av < bv
		}
	}
	return nanLow(a.Fitness) > nanLow(b.Fitness)
}

// improveEps is the smallest fitness gain the next change and the roadmap
// count as an improvement, so float rounding is not sold as advice.
const improveEps = 1e-9

// improves reports whether a is better than b by more than rounding noise:
// better's order, with rounding noise in violation and fitness ignored.
func improves(a, b *sim.Metrics) bool {
	if a.Feasible != b.Feasible {
		return a.Feasible
	}
	if !a.Feasible {
		av, bv := nanHigh(a.Violation), nanHigh(b.Violation)
		if av < bv-improveEps {
			return true
		}
		if av > bv+improveEps {
			return false
		}
		// The same violation: a fitter variant is still a step forward
		// (fewer errors at the same p99, say), as better ranks it.
	}
	return nanLow(a.Fitness) > nanLow(b.Fitness)+improveEps
}

func nanHigh(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

func nanLow(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	return v
}

// infeasibleOffset lifts every infeasible variant's eaopt score above every
// feasible one's (eaopt minimises one float64): feasible scores are -Fitness,
// and a fitness of a billion is far outside what sim produces.
const infeasibleOffset = 1e9

// scalar is the eaopt score of m (lower is better), consistent with better
// for fitness values within ±infeasibleOffset.
func scalar(m *sim.Metrics) float64 {
	if !m.Feasible {
		return infeasibleOffset + math.Min(nanHigh(m.Violation), infeasibleOffset)
	}
	return -nanLow(m.Fitness)
}

// unevaluated is the eaopt score of a genome the budget left unevaluated.
var unevaluated = math.Inf(1)

// evaluator runs the problem's evaluation functions on batches of genomes:
// in parallel, merged in input order, through a memo cache, within the
// budget. It also keeps the best variant seen and feeds the Pareto archive.
// Its methods are called from one goroutine.
type evaluator struct {
	ctx     context.Context
	l       *layout
	fns     []func(genome.Genome, *sim.Metrics)
	workers int
	budget  int
	used    int
	// analysis marks the post-search phase: the budget and the context no
	// longer apply, and evaluations are counted in analysisUsed.
	analysis     bool
	analysisUsed int
	// force evaluates whatever the budget and the context (the template's
	// own genome, which every result needs).
	force bool

	pack  packing
	cache *memo
	// nEntries is the number of cached evaluations; entry j's metrics are
	// entries[j>>chunkBits][j&chunkMask] and its genome the cache's j-th
	// key or, for genomes that do not pack, genes[j>>chunkBits] at
	// [(j&chunkMask)*n, ...+n) (n genes): chunks of arenas, so a long run
	// neither allocates per entry nor copies what it has when it grows.
	nEntries int
	entries  [][]sim.Metrics
	genes    [][]uint16

	best        genome.Genome
	bestMetrics sim.Metrics
	haveBest    bool
	archive     *archive

	// buffers of the analysis' batchers (newBatcher)
	bgs  []genome.Genome
	bout []sim.Metrics
	bok  []bool

	// scratch of evalBatch
	canon    []genome.Genome // canonical copies of the batch (layout.canonical)
	canonBuf []int
	keys     []packedKey // the batch's memo keys
	hashes   []uint64    // and their hashes
	missOf   []int32
	hint     []int
	// scratch of evalMoves: the moves' genomes (mbuf holds them, and the
	// canonical base last), the base and the moves of the batch
	mbuf  []int
	mgs   []genome.Genome
	mbase genome.Genome
	moves []move
	// evalOne's batch of one
	one     [1]genome.Genome
	oneOut  [1]sim.Metrics
	oneOK   [1]bool
	miss    []int
	missIdx *memo
	tmp     []sim.Metrics
}

// maxCache bounds the memo cache (entries); beyond it new results are not kept.
const maxCache = 4_000_000

// analysisReserve is room the cache reserves beyond the budget for the
// analysis' evaluations, and maxReserve the most entries it reserves up
// front (a larger cache grows as it fills: a run may stop long before its
// budget).
const (
	analysisReserve = 1024
	maxReserve      = 1 << 18
)

// chunkBits sets the size of the evaluator's entry chunks (1<<chunkBits
// entries); chunkMask selects an entry within its chunk.
const (
	chunkBits = 12
	chunkMask = 1<<chunkBits - 1
)

func newEvaluator(ctx context.Context, l *layout, newFn func() func(genome.Genome, *sim.Metrics), workers, budget int) *evaluator {
	if workers < 1 {
		workers = 1
	}
	ev := &evaluator{ctx: ctx, l: l, workers: workers, budget: budget, pack: newPacking(l.size)}
	ev.cache, ev.missIdx = newMemo(&ev.pack), newMemo(&ev.pack)
	// The cache holds the budget's evaluations and the analysis' (a few
	// hundred): presized, it never rehashes nor copies its keys on the way.
	ev.cache.reserve(min(max(budget, 0)+analysisReserve, maxReserve))
	ev.fns = make([]func(genome.Genome, *sim.Metrics), workers)
	for i := range ev.fns {
		ev.fns[i] = newFn()
	}
	return ev
}

// remaining is the number of new evaluations still allowed.
func (ev *evaluator) remaining() int {
	if ev.analysis || ev.force {
		return math.MaxInt
	}
	if ev.ctx.Err() != nil {
		return 0
	}
	r := ev.budget - ev.used
	if r < 0 {
		return 0
	}
	return r
}

// exhausted reports whether the search must stop: budget spent or context done.
func (ev *evaluator) exhausted() bool { return ev.remaining() == 0 }

// evalOne evaluates one genome (through the cache); ok is false when the
// budget is spent.
func (ev *evaluator) evalOne(g genome.Genome) (sim.Metrics, bool) {
	ev.one[0] = g
	ev.evalBatch(ev.one[:], ev.oneOut[:], ev.oneOK[:])
	ev.one[0] = nil
	return ev.oneOut[0], ev.oneOK[0]
}

// parallelMin is the smallest batch of new genomes worth spreading over the
// workers.
const parallelMin = 32

// evalBatch fills out[i] and ok[i] for each gs[i]. Cached genomes cost
// nothing; new ones are evaluated in input order until the budget runs out,
// and ok[i] is false for the rest. Results do not depend on ev.workers.
func (ev *evaluator) evalBatch(gs []genome.Genome, out []sim.Metrics, ok []bool) {
	gs = ev.canonicalBatch(gs)
	keys, hashes := ev.keyScratch(len(gs))
	for i, g := range gs {
		keys[i] = ev.cache.key(g)
		hashes[i] = hashKey(&keys[i])
	}
	ev.evalKeyed(gs, out, ok)
}

// keyScratch returns the batch's key and hash scratch, n long.
func (ev *evaluator) keyScratch(n int) ([]packedKey, []uint64) {
	if cap(ev.keys) < n {
		ev.keys = make([]packedKey, n)
		ev.hashes = make([]uint64, n)
		ev.missOf = make([]int32, n)
		ev.hint = make([]int, n)
	}
	return ev.keys[:n], ev.hashes[:n]
}

// evalKeyed is evalBatch on canonical genomes whose keys and hashes are in
// ev.keys and ev.hashes. A nil gs[i] (evalMoves) is built by ev.moveGenome
// when it must be evaluated.
func (ev *evaluator) evalKeyed(gs []genome.Genome, out []sim.Metrics, ok []bool) {
	keys, hashes := ev.keys[:len(gs)], ev.hashes[:len(gs)]
	// missOf[i] is the index in ev.miss of gs[i]'s evaluation (its own or
	// an earlier equal genome's), -1 when none; hint[k] is miss k's slot
	// in the cache (memo.insert).
	missOf, hint := ev.missOf[:len(gs)], ev.hint
	ev.miss = ev.miss[:0]
	ev.missIdx.reset()
	rem := ev.remaining()
	// Room for every miss of the batch first: the cache must not grow
	// between a look-up and the insertion it hints (the hint would be a
	// slot of the old table).
	ev.cache.reserve(len(ev.cache.keys) + len(gs))
	ev.cache.touch(hashes)
	for i := range gs {
		ok[i] = false
		missOf[i] = -1
		k, h := &keys[i], hashes[i]
		slot, j, hit := ev.cache.lookup(k, h, gs[i])
		if hit {
			out[i] = *ev.entry(int(j))
			ok[i] = true
			continue
		}
		// A genome equal to an earlier miss of the batch is filled below.
		ms, d, seen := ev.missIdx.lookup(k, h, gs[i])
		if seen {
			missOf[i] = d
			continue
		}
		if len(ev.miss) >= rem {
			continue
		}
		ev.missIdx.insert(k, h, gs[i], ms, int32(len(ev.miss)))
		missOf[i] = int32(len(ev.miss))
		hint[len(ev.miss)] = slot
		ev.miss = append(ev.miss, i)
	}
	n := len(ev.miss)
	if n > 0 {
		if cap(ev.tmp) < n {
			ev.tmp = make([]sim.Metrics, n)
		}
		tmp := ev.tmp[:n]
		for _, i := range ev.miss {
			if gs[i] == nil {
				gs[i] = ev.moveGenome(i)
			}
		}
		if n < parallelMin || ev.workers == 1 {
			// One worker: no closure to allocate.
			fn := ev.fns[0]
			for k, i := range ev.miss {
				fn(gs[i], &tmp[k])
			}
		} else {
			ev.run(n, func(w, a, b int) {
				fn := ev.fns[w]
				for k := a; k < b; k++ {
					fn(gs[ev.miss[k]], &tmp[k])
				}
			})
		}
		// Merge in input order.
		for k, i := range ev.miss {
			ev.record(gs[i], &keys[i], hashes[i], hint[k], &tmp[k])
		}
		if ev.analysis {
			ev.analysisUsed += n
		} else {
			ev.used += n
		}
	}
	// Fill the batch's own duplicates and the evaluated misses; a genome
	// the budget cut off gets zero metrics, never a reused buffer's.
	for i, k := range missOf {
		switch {
		case ok[i]:
		case k >= 0:
			out[i] = ev.tmp[k]
			ok[i] = true
		default:
			out[i] = sim.Metrics{}
		}
	}
}

// move is a one-gene change: gene i to value index v.
type move struct{ i, v int32 }

// evalMoves is evalBatch on the genomes base with one move applied each
// (moves[t] gives the t-th), without building them: a move of a gene no
// moot rule involves keeps a canonical genome canonical, so its key is the
// canonical base's with one gene's bits replaced, and its genome is built
// only when it must be evaluated.
func (ev *evaluator) evalMoves(base genome.Genome, moves []move, out []sim.Metrics, ok []bool) {
	n, nm := ev.l.n, len(moves)
	if cap(ev.mbuf) < (nm+1)*n {
		ev.mbuf = make([]int, (nm+1)*n)
		ev.mgs = make([]genome.Genome, nm)
	}
	gs := ev.mgs[:nm]
	if !ev.pack.ok {
		for t, mv := range moves {
			g := genome.Genome(ev.mbuf[t*n : (t+1)*n : (t+1)*n])
			copy(g, base)
			g[mv.i] = int(mv.v)
			gs[t] = g
		}
		ev.evalBatch(gs, out, ok)
		return
	}
	cb := genome.Genome(ev.mbuf[nm*n : (nm+1)*n : (nm+1)*n])
	copy(cb, base)
	ev.l.canonical(cb)
	kb := ev.pack.pack(cb)
	ev.mbase, ev.moves = cb, moves
	keys, hashes := ev.keyScratch(nm)
	for t, mv := range moves {
		if ev.l.inRule[mv.i] {
			g := genome.Genome(ev.mbuf[t*n : (t+1)*n : (t+1)*n])
			copy(g, base)
			g[mv.i] = int(mv.v)
			ev.l.canonical(g)
			gs[t] = g
			keys[t] = ev.pack.pack(g)
		} else {
			gs[t] = nil
			keys[t] = kb
			ev.pack.set(&keys[t], int(mv.i), int(mv.v))
		}
		hashes[t] = hashKey(&keys[t])
	}
	ev.evalKeyed(gs, out, ok)
	ev.mbase, ev.moves = nil, nil
}

// moveGenome builds genome t of evalMoves: the canonical base with move t.
func (ev *evaluator) moveGenome(t int) genome.Genome {
	n := ev.l.n
	g := genome.Genome(ev.mbuf[t*n : (t+1)*n : (t+1)*n])
	copy(g, ev.mbase)
	mv := ev.moves[t]
	g[mv.i] = int(mv.v)
	return g
}

// canonicalBatch returns gs with moot genes set to the template's values,
// as copies in reused scratch memory where that changes a genome (the
// callers' genomes are untouched: an enumeration may be walking one of
// them).
func (ev *evaluator) canonicalBatch(gs []genome.Genome) []genome.Genome {
	if len(ev.l.moot) == 0 {
		return gs
	}
	n := ev.l.n
	if cap(ev.canonBuf) < len(gs)*n {
		ev.canonBuf = make([]int, len(gs)*n)
		ev.canon = make([]genome.Genome, len(gs))
	}
	ev.canon = ev.canon[:len(gs)]
	for i, g := range gs {
		if ev.l.isCanonical(g) {
			ev.canon[i] = g
			continue
		}
		c := genome.Genome(ev.canonBuf[i*n : (i+1)*n : (i+1)*n])
		copy(c, g)
		ev.l.canonical(c)
		ev.canon[i] = c
	}
	return ev.canon
}

// run calls f(worker, a, b) over [0,n) split into contiguous chunks, one per
// worker, and waits.
func (ev *evaluator) run(n int, f func(w, a, b int)) {
	w := ev.workers
	if n < parallelMin || w == 1 {
		f(0, 0, n)
		return
	}
	if w > n {
		w = n
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for k := 0; k < w; k++ {
		a, b := k*chunk, min((k+1)*chunk, n)
		if a >= b {
			break
		}
		wg.Add(1)
		go func(k, a, b int) {
			defer wg.Done()
			f(k, a, b)
		}(k, a, b)
	}
	wg.Wait()
}

// entry returns the metrics of cached evaluation j.
func (ev *evaluator) entry(j int) *sim.Metrics {
	return &ev.entries[j>>chunkBits][j&chunkMask]
}

// entryGenome writes the genome of cached evaluation j into dst.
func (ev *evaluator) entryGenome(dst genome.Genome, j int) {
	if ev.pack.ok {
		// The cache's j-th key is entry j's genome, packed.
		ev.pack.unpack(dst, &ev.cache.keys[j])
		return
	}
	n := ev.l.n
	a := (j & chunkMask) * n
	for i, v := range ev.genes[j>>chunkBits][a : a+n] {
		dst[i] = int(v)
	}
}

// record stores a new evaluation of g (memo key k): cache, best so far,
// Pareto archive.
// (hash h, slot a memo.insert hint).
func (ev *evaluator) record(g genome.Genome, k *packedKey, h uint64, slot int, m *sim.Metrics) {
	if ev.nEntries < maxCache {
		j := ev.nEntries
		c := j >> chunkBits
		if c == len(ev.entries) {
			// The first chunk is sized to the budget when that is
			// smaller (it grows up to a full chunk if the analysis adds
			// more); later chunks are full-sized, so a long run never
			// copies what it has.
			size := chunkMask + 1
			if c == 0 {
				size = min(size, max(ev.budget, 0)+1)
			}
			ev.entries = append(ev.entries, make([]sim.Metrics, 0, size))
			if !ev.pack.ok {
				ev.genes = append(ev.genes, make([]uint16, 0, size*ev.l.n))
			}
		}
		ev.cache.insert(k, h, g, slot, int32(j))
		ev.entries[c] = append(ev.entries[c], *m)
		if !ev.pack.ok {
			n := len(ev.genes[c])
			gs := slices.Grow(ev.genes[c], len(g))[:n+len(g)]
			dst := gs[n:]
			for i, v := range g {
				dst[i] = uint16(v)
			}
			ev.genes[c] = gs
		}
		ev.nEntries++
	}
	ev.offer(g, m)
}

// offer updates the best so far and the archive with a variant the search
// evaluated; the analysis phase decides itself what it keeps.
func (ev *evaluator) offer(g genome.Genome, m *sim.Metrics) {
	if ev.analysis {
		return
	}
	if !ev.haveBest || better(m, &ev.bestMetrics) {
		ev.best = append(ev.best[:0], g...)
		ev.bestMetrics = *m
		ev.haveBest = true
	}
	if ev.archive != nil {
		ev.archive.add(g, m)
	}
}
