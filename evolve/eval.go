package evolve

import (
	"context"
	"math"
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
	ctx context.Context
	l   *layout
	fns []func(genome.Genome, *sim.Metrics)
	// full are the functions of New, one per worker, made when first
	// needed (the same as fns unless the search evaluates lean); newFull
	// makes them. The analysis evaluates with them.
	full    []func(genome.Genome, *sim.Metrics)
	newFull func() func(genome.Genome, *sim.Metrics)
	// lean is true when fns are Problem.Lean's: leanBits then marks the
	// cache entries a lean function wrote (bit j&63 of word j>>6), which
	// the analysis evaluates again with a full function (complete).
	lean     bool
	leanBits []uint64
	// cbuf and cgen are completeEntry's and complete's genome scratch.
	cbuf, cgen genome.Genome
	workers    int
	budget     int
	used       int
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
	// canonical base last), the canonical base, the base as given (mraw:
	// moves of genes in moot rules start from it) and the moves of the
	// batch
	mbuf  []int
	mgs   []genome.Genome
	mbase genome.Genome
	mraw  genome.Genome
	moves []move
	undo  int // the base's value of the gene doMove changed
	// mlog is ruleMove's undo log: gene, value before, in order.
	mlog []int
	// evalOne's batch of one
	one     [1]genome.Genome
	oneOut  [1]sim.Metrics
	oneOK   [1]bool
	miss    []int
	missIdx *memo
	tmp     []sim.Metrics
	// direct: the current batch's misses are evaluated into their cache
	// entries (evalKeyed).
	direct bool
	// zero is what evalKeyed's ref points at for a genome the budget left
	// unevaluated.
	zero sim.Metrics
}

// maxCache bounds the memo cache (entries); beyond it new results are not
// kept. A variable only so a test can lower it.
var maxCache = 4_000_000

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
	ev.full = ev.fns
	return ev
}

// leanWith records that ev.fns are lean functions (Problem.Lean) and that
// newFull makes the full ones (Problem.New), one per worker when needed.
func (ev *evaluator) leanWith(newFull func() func(genome.Genome, *sim.Metrics)) {
	ev.lean = true
	ev.newFull = newFull
	ev.full = make([]func(genome.Genome, *sim.Metrics), len(ev.fns))
}

// fullFns returns the full functions with the first n made.
func (ev *evaluator) fullFns(n int) []func(genome.Genome, *sim.Metrics) {
	for w := range min(n, len(ev.full)) {
		if ev.full[w] == nil {
			ev.full[w] = ev.newFull()
		}
	}
	return ev.full
}

// batchFns returns the functions the current batch evaluates with: the
// search's, or in the analysis the full ones (n of them made).
func (ev *evaluator) batchFns(n int) []func(genome.Genome, *sim.Metrics) {
	if ev.analysis && ev.lean {
		return ev.fullFns(n)
	}
	return ev.fns
}

// isLean reports whether cache entry j was written by a lean function.
func (ev *evaluator) isLean(j int) bool {
	return j>>6 < len(ev.leanBits) && ev.leanBits[j>>6]&(1<<(j&63)) != 0
}

// completeEntry evaluates cache entry j again with a full function when a
// lean one wrote it, in place, and clears its mark; it is counted nowhere
// (the variant was counted when it was first evaluated).
func (ev *evaluator) completeEntry(j int) {
	if !ev.isLean(j) {
		return
	}
	if len(ev.cbuf) != ev.l.n {
		ev.cbuf = make(genome.Genome, ev.l.n)
	}
	ev.entryGenome(ev.cbuf, j)
	ev.fullFns(1)[0](ev.cbuf, ev.entry(j))
	ev.leanBits[j>>6] &^= 1 << (j & 63)
}

// complete sets *m to g's full metrics when the search evaluated lean:
// from g's cache entry (completed in place first if a lean function wrote
// it) or, for a variant the cache does not hold (exhaustive bypasses it;
// a full cache keeps no more), a full evaluation. Nothing is counted: m
// is a variant the search already evaluated and counted.
func (ev *evaluator) complete(g genome.Genome, m *sim.Metrics) {
	if !ev.lean {
		return
	}
	if len(ev.cgen) != ev.l.n {
		ev.cgen = make(genome.Genome, ev.l.n)
	}
	c := ev.cgen
	copy(c, g)
	ev.l.canonical(c)
	k := ev.cache.key(c)
	if _, j, hit := ev.cache.lookup(&k, hashKey(&k), c); hit {
		ev.completeEntry(int(j))
		*m = *ev.entry(int(j))
		return
	}
	ev.fullFns(1)[0](c, m)
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
	ev.batch(gs, out, nil, ok)
}

// batch is evalBatch with evalKeyed's choice of results: out, or ref when
// out is nil.
func (ev *evaluator) batch(gs []genome.Genome, out []sim.Metrics, ref []*sim.Metrics, ok []bool) {
	gs = ev.canonicalBatch(gs)
	keys, hashes := ev.keyScratch(len(gs))
	for i, g := range gs {
		keys[i] = ev.cache.key(g)
		hashes[i] = hashKey(&keys[i])
	}
	ev.evalKeyed(gs, out, ref, ok)
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
// when it must be evaluated. Results go to out or, when out is nil, ref:
// ref[i] then points at gs[i]'s metrics (a cache entry, scratch, or zero
// metrics when ok[i] is false), valid until the evaluator's next batch.
func (ev *evaluator) evalKeyed(gs []genome.Genome, out []sim.Metrics, ref []*sim.Metrics, ok []bool) {
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
			if ev.analysis {
				ev.completeEntry(int(j))
			}
			if out != nil {
				out[i] = *ev.entry(int(j))
			} else {
				ref[i] = ev.entry(int(j))
			}
			ok[i] = true
			continue
		}
		if gs[i] != nil || ev.moves != nil && ev.l.inRule[ev.moves[i].i] {
			// A genome equal to an earlier miss of the batch is
			// filled below. (A nil one of a move of a gene no moot
			// rule involves differs from every other genome of its
			// batch: evalMoves.)
			ms, d, seen := ev.missIdx.lookup(k, h, gs[i])
			if seen {
				missOf[i] = d
				continue
			}
			if len(ev.miss) >= rem {
				continue
			}
			ev.missIdx.insert(k, h, gs[i], ms, int32(len(ev.miss)))
		} else if len(ev.miss) >= rem {
			continue
		}
		missOf[i] = int32(len(ev.miss))
		hint[len(ev.miss)] = slot
		ev.miss = append(ev.miss, i)
	}
	n := len(ev.miss)
	ev.direct = false
	if n > 0 {
		serial := n < parallelMin || ev.workers == 1
		if !serial {
			for _, i := range ev.miss {
				if gs[i] == nil {
					gs[i] = ev.moveGenome(i)
				}
			}
		}
		// The misses are evaluated straight into their cache entries
		// when the cache keeps them all (no copy of the metrics on the
		// way), else into scratch.
		ev.direct = ev.nEntries+n <= maxCache
		if ev.direct {
			ev.growEntries(ev.nEntries + n)
		} else if cap(ev.tmp) < n {
			ev.tmp = make([]sim.Metrics, n)
		}
		switch {
		case serial && ev.direct:
			// One worker, results straight into the cache: each miss
			// is evaluated and recorded in turn (in input order, as
			// the merge below would), while its genome and entry are
			// still in the CPU cache; a move's genome is the canonical
			// base with the move applied in place and undone after
			// (no copy of the genome per move).
			// Their entries are touched first, in one loop.
			fn := ev.batchFns(1)[0]
			ev.touchEntries(ev.nEntries, ev.nEntries+n)
			for k, i := range ev.miss {
				g := gs[i]
				if g == nil {
					g = ev.doMove(i)
				}
				fn(g, ev.entry(ev.nEntries))
				ev.record(g, &keys[i], hashes[i], hint[k], k)
				if gs[i] == nil {
					ev.undoMove(i)
				}
			}
		case serial:
			fn := ev.batchFns(1)[0]
			for k, i := range ev.miss {
				if gs[i] != nil {
					fn(gs[i], ev.result(k))
					continue
				}
				fn(ev.doMove(i), ev.result(k))
				ev.undoMove(i)
			}
		default:
			fns := ev.batchFns(ev.workers)
			ev.run(n, func(w, a, b int) {
				fn := fns[w]
				for k := a; k < b; k++ {
					fn(gs[ev.miss[k]], ev.result(k))
				}
			})
		}
		if !serial || !ev.direct {
			// Merge in input order.
			for k, i := range ev.miss {
				if gs[i] != nil {
					ev.record(gs[i], &keys[i], hashes[i], hint[k], k)
					continue
				}
				ev.record(ev.doMove(i), &keys[i], hashes[i], hint[k], k)
				ev.undoMove(i)
			}
		}
		if ev.analysis {
			ev.analysisUsed += n
		} else {
			ev.used += n
		}
	}
	// Fill the batch's own duplicates and the evaluated misses; a genome
	// the budget cut off gets zero metrics, never a reused buffer's.
	first := ev.nEntries - n
	if out == nil {
		for i, k := range missOf {
			switch {
			case ok[i]:
			case k >= 0:
				if ev.direct {
					ref[i] = ev.entry(first + int(k))
				} else {
					ref[i] = &ev.tmp[k]
				}
				ok[i] = true
			default:
				ev.zero = sim.Metrics{}
				ref[i] = &ev.zero
			}
		}
		return
	}
	for i, k := range missOf {
		switch {
		case ok[i]:
		case k >= 0:
			if ev.direct {
				out[i] = *ev.entry(first + int(k))
			} else {
				out[i] = ev.tmp[k]
			}
			ok[i] = true
		default:
			out[i] = sim.Metrics{}
		}
	}
}

// result is where miss k of the current batch is evaluated: its cache
// entry (ev.direct) or scratch.
func (ev *evaluator) result(k int) *sim.Metrics {
	if ev.direct {
		return ev.entry(ev.nEntries + k)
	}
	return &ev.tmp[k]
}

// move is a one-gene change: gene i to value index v.
type move struct{ i, v int32 }

// evalMoves is evalBatch on the genomes base with one move applied each
// (moves[t] gives the t-th; no two moves are equal, and none sets a gene to
// base's value), without building them: a move of a gene no
// moot rule involves keeps a canonical genome canonical, so its key is the
// canonical base's with one gene's bits replaced, and its genome is built
// only when it must be evaluated. ref[t] points at move t's metrics until
// the evaluator's next batch (evalKeyed).
func (ev *evaluator) evalMoves(base genome.Genome, moves []move, ref []*sim.Metrics, ok []bool) {
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
		ev.batch(gs, nil, ref, ok)
		return
	}
	cb := genome.Genome(ev.mbuf[nm*n : (nm+1)*n : (nm+1)*n])
	copy(cb, base)
	ev.l.canonical(cb)
	kb := ev.pack.pack(cb)
	sb := hashSum(&kb)
	if cap(ev.mraw) < n {
		ev.mraw = make(genome.Genome, n)
	}
	raw := ev.mraw[:n]
	copy(raw, base)
	kr := ev.pack.pack(raw)
	ev.mbase, ev.mraw, ev.moves = cb, raw, moves
	keys, hashes := ev.keyScratch(nm)
	for t, mv := range moves {
		gs[t] = nil
		if ev.l.inRule[mv.i] {
			// The canonical form of base with the move: base's key
			// with the move's and canonical's changes, each undone
			// after (no copy or full pack of a genome per move).
			// evalKeyed checks these for repeats.
			keys[t] = kr
			ev.ruleMove(mv, &keys[t])
			ev.undoRule(mv)
			hashes[t] = hashKey(&keys[t])
		} else {
			// Distinct moves off base's values give distinct
			// genomes, and this one differs in gene mv.i from every
			// move of a gene in a moot rule (canonical keeps genes
			// outside the rules): evalKeyed skips its check for
			// repeats.
			keys[t] = kb
			ev.pack.set(&keys[t], int(mv.i), int(mv.v))
			w := ev.pack.word[mv.i]
			hashes[t] = hashFinish(hashMove(sb, w, kb[w&3], keys[t][w&3]))
		}
	}
	ev.evalKeyed(gs, nil, ref, ok)
	ev.mbase, ev.moves = nil, nil
}

// moveGenome builds genome t of evalMoves: the canonical base with move t
// or, for a gene in a moot rule, the canonical form of the base with move t.
func (ev *evaluator) moveGenome(t int) genome.Genome {
	n := ev.l.n
	g := genome.Genome(ev.mbuf[t*n : (t+1)*n : (t+1)*n])
	mv := ev.moves[t]
	if ev.l.inRule[mv.i] {
		copy(g, ev.mraw)
		g[mv.i] = int(mv.v)
		ev.l.canonical(g)
		return g
	}
	copy(g, ev.mbase)
	g[mv.i] = int(mv.v)
	return g
}

// doMove applies move t of evalMoves in place and returns the genome:
// the canonical base with the move or, for a gene in a moot rule, the
// base as given with the move, made canonical; undoMove restores it.
func (ev *evaluator) doMove(t int) genome.Genome {
	mv := ev.moves[t]
	if ev.l.inRule[mv.i] {
		ev.ruleMove(mv, nil)
		return ev.mraw
	}
	ev.undo = ev.mbase[mv.i]
	ev.mbase[mv.i] = int(mv.v)
	return ev.mbase
}

func (ev *evaluator) undoMove(t int) {
	mv := ev.moves[t]
	if ev.l.inRule[mv.i] {
		ev.undoRule(mv)
		return
	}
	ev.mbase[mv.i] = ev.undo
}

// ruleMove applies mv to ev.mraw (the base as given) and makes it
// canonical (layout.canonical, rule by rule), logging each change in
// ev.mlog for undoRule; when k is not nil (the key of ev.mraw), it gets
// the same changes.
func (ev *evaluator) ruleMove(mv move, k *packedKey) {
	g, cur := ev.mraw, ev.l.current
	ev.undo = g[mv.i]
	g[mv.i] = int(mv.v)
	if k != nil {
		ev.pack.set(k, int(mv.i), int(mv.v))
	}
	ev.mlog = ev.mlog[:0]
	for _, r := range ev.l.moot {
		if r.when[g[r.j]] && g[r.i] != cur[r.i] {
			ev.mlog = append(ev.mlog, r.i, g[r.i])
			g[r.i] = cur[r.i]
			if k != nil {
				ev.pack.set(k, r.i, cur[r.i])
			}
		}
	}
}

// undoRule restores ev.mraw after ruleMove(mv, ...).
func (ev *evaluator) undoRule(mv move) {
	g := ev.mraw
	for e := len(ev.mlog) - 2; e >= 0; e -= 2 {
		g[ev.mlog[e]] = ev.mlog[e+1]
	}
	g[mv.i] = ev.undo
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

// touchEntries writes zero into cache entries [a, b) (a at least
// nEntries), which changes nothing: an entry at or beyond nEntries is as
// make left it, zero (every evaluation into an entry is recorded, so
// nEntries passes it; TestTouchEntriesKeepsEntries). The stores of one
// loop overlap their cache misses (and page faults): each evaluation
// that follows would otherwise stall on its entry's first write in turn
// (an entry is 120 bytes: two or three cache lines).
func (ev *evaluator) touchEntries(a, b int) {
	for a < b {
		lo := a & chunkMask
		hi := min(lo+b-a, chunkMask+1)
		clear(ev.entries[a>>chunkBits][lo:hi])
		a += hi - lo
	}
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

// record stores miss k of the current batch, a new evaluation of g (memo
// key k, hash h, slot a memo.insert hint): cache, best so far, Pareto
// archive. Its metrics are ev.result(k): in direct mode already in the
// next cache entry, so only the key is filed.
func (ev *evaluator) record(g genome.Genome, key *packedKey, h uint64, slot int, k int) {
	if ev.direct {
		j := ev.nEntries
		ev.cache.insert(key, h, g, slot, int32(j))
		ev.storeGenome(g, j)
		ev.markLean(j)
		ev.nEntries++
		ev.offer(g, ev.entry(j))
		return
	}
	m := &ev.tmp[k]
	if ev.nEntries < maxCache {
		j := ev.nEntries
		ev.growEntries(j + 1)
		ev.cache.insert(key, h, g, slot, int32(j))
		*ev.entry(j) = *m
		ev.storeGenome(g, j)
		ev.markLean(j)
		ev.nEntries++
	}
	ev.offer(g, m)
}

// markLean marks new cache entry j as a lean function's when the search
// evaluated it lean (the analysis evaluates with full functions).
func (ev *evaluator) markLean(j int) {
	if ev.lean && !ev.analysis {
		ev.leanBits[j>>6] |= 1 << (j & 63)
	}
}

// growEntries makes room for n entries in all: entry j exists for j < n.
// The first chunk is sized to the budget when that is smaller (it grows
// up to a full chunk if the analysis adds more); later chunks are
// full-sized, so a long run never copies what it has.
func (ev *evaluator) growEntries(n int) {
	last := (n - 1) >> chunkBits
	for c := len(ev.entries); c <= last; c++ {
		size := chunkMask + 1
		if c == 0 {
			size = min(size, max(ev.budget, 0)+1)
		}
		ev.entries = append(ev.entries, make([]sim.Metrics, size))
		if ev.lean {
			// A full chunk's marks, whatever the chunk's size.
			ev.leanBits = append(ev.leanBits, make([]uint64, (chunkMask+1)/64)...)
		}
		if !ev.pack.ok {
			ev.genes = append(ev.genes, make([]uint16, size*ev.l.n))
		}
	}
	if need := min(n, chunkMask+1); len(ev.entries[0]) < need {
		// The first chunk outgrew the budget: it doubles, up to a full
		// chunk.
		size := min(max(need, 2*len(ev.entries[0])), chunkMask+1)
		e := make([]sim.Metrics, size)
		copy(e, ev.entries[0])
		ev.entries[0] = e
		if !ev.pack.ok {
			g := make([]uint16, size*ev.l.n)
			copy(g, ev.genes[0])
			ev.genes[0] = g
		}
	}
}

// storeGenome keeps entry j's genome g when genomes do not pack (the
// cache's key is the genome otherwise).
func (ev *evaluator) storeGenome(g genome.Genome, j int) {
	if ev.pack.ok {
		return
	}
	n := ev.l.n
	dst := ev.genes[j>>chunkBits][(j&chunkMask)*n : (j&chunkMask)*n+n]
	for i, v := range g {
		dst[i] = uint16(v)
	}
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
