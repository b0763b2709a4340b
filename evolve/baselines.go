package evolve

import (
	"math/rand"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// idleRounds stops random and hillclimb after this many rounds in a row
// that found no new variant (a space smaller than the budget).
const idleRounds = 50

// runRandom samples variants uniformly, Population per round, until the
// budget is spent: the baseline a search has to beat.
func runRandom(ev *evaluator, o Options, progress func(Generation)) string {
	l := ev.l
	rng := rand.New(rand.NewSource(o.Seed))
	progress(roundStats(ev, 0, []genome.Genome{l.current}, []sim.Metrics{ev.bestMetrics}, []bool{true}))
	if len(l.free) == 0 {
		return StopExhausted
	}
	gs := make([]genome.Genome, o.Population)
	for i := range gs {
		gs[i] = make(genome.Genome, l.n)
	}
	out := make([]sim.Metrics, len(gs))
	ok := make([]bool, len(gs))
	idle := 0
	for round := 1; ; round++ {
		if r := stopReason(ev); r != "" {
			return r
		}
		if idle >= idleRounds {
			return StopExhausted
		}
		for _, g := range gs {
			l.randomGenome(g, rng)
		}
		before := ev.used
		ev.evalBatch(gs, out, ok)
		if ev.used == before {
			idle++
		} else {
			idle = 0
		}
		progress(roundStats(ev, round, gs, out, ok))
	}
}

// runHillClimb is steepest-ascent hill climbing with random restarts: from
// the template's genome, evaluate every variant one gene away, move to the
// best if it improves, else restart from a random variant.
func runHillClimb(ev *evaluator, o Options, progress func(Generation)) string {
	l := ev.l
	rng := rand.New(rand.NewSource(o.Seed))
	progress(roundStats(ev, 0, []genome.Genome{l.current}, []sim.Metrics{ev.bestMetrics}, []bool{true}))
	if len(l.free) == 0 {
		return StopExhausted
	}
	cur := cloneGenome(l.current)
	curM := ev.bestMetrics
	var gs []genome.Genome
	var out []sim.Metrics
	var ok []bool
	idle := 0
	for round := 1; ; round++ {
		if r := stopReason(ev); r != "" {
			return r
		}
		if idle >= idleRounds {
			return StopExhausted
		}
		gs = gs[:0]
		for _, i := range l.free {
			for v := 0; v < l.size[i]; v++ {
				if v == cur[i] {
					continue
				}
				g := cloneGenome(cur)
				g[i] = v
				gs = append(gs, g)
			}
		}
		out = append(out[:0], make([]sim.Metrics, len(gs))...)
		ok = append(ok[:0], make([]bool, len(gs))...)
		before := ev.used
		ev.evalBatch(gs, out, ok)
		if ev.used == before {
			idle++
		} else {
			idle = 0
		}
		progress(roundStats(ev, round, gs, out, ok))
		bi := -1
		for i := range gs {
			if ok[i] && (bi < 0 || better(&out[i], &out[bi])) {
				bi = i
			}
		}
		if bi >= 0 && improves(&out[bi], &curM) {
			cur, curM = gs[bi], out[bi]
			continue
		}
		// A local optimum: restart.
		l.randomGenome(cur, rng)
		m, good := ev.evalOne(cur)
		if !good {
			continue
		}
		curM = m
	}
}

// stopReason says why a baseline search must stop, or "".
func stopReason(ev *evaluator) string {
	switch {
	case ev.ctx.Err() != nil:
		return StopCancelled
	case ev.exhausted():
		return StopBudget
	}
	if n := ev.l.spaceSize64(); n >= 0 && int64(ev.used) >= n {
		return StopExhausted
	}
	return ""
}

// roundStats is the history line of one round of random or hillclimb.
func roundStats(ev *evaluator, round int, gs []genome.Genome, out []sim.Metrics, ok []bool) Generation {
	g := Generation{Generation: round, BestFitness: ev.bestMetrics.Fitness, Evaluations: ev.used}
	var pop []genome.Genome
	sum := 0.0
	for i := range gs {
		if ok[i] {
			pop = append(pop, gs[i])
			sum += out[i].Fitness
		}
	}
	if len(pop) > 0 {
		g.MeanFitness = sum / float64(len(pop))
	}
	g.Diversity = diversity(ev.l, pop)
	return g
}

// exhaustiveBlock is the number of variants evaluated between two
// cancellation checks.
const exhaustiveBlock = 1 << 16

// exhaustiveSub is the span of ranks whose fitness is summed in one
// sequence: the mean is summed per span, then over spans in order, so it
// does not depend on the number of workers.
const exhaustiveSub = 1024

// runExhaustive evaluates every variant by its mixed-radix rank, the rank
// range split over the workers. Each worker keeps the first best of its
// contiguous range and a Pareto archive; merging them in range order gives
// exactly what one worker would find, whatever the number of workers. It
// bypasses the memo cache and allocates nothing per evaluation.
func runExhaustive(ev *evaluator, o Options, progress func(Generation)) string {
	l := ev.l
	total := l.spaceSize64()
	w := ev.workers
	type part struct {
		g        genome.Genome
		best     genome.Genome
		bestM    sim.Metrics
		haveBest bool
		arch     *archive
		m        sim.Metrics
	}
	parts := make([]part, w)
	for k := range parts {
		parts[k].g = make(genome.Genome, l.n)
		parts[k].best = make(genome.Genome, l.n)
	}
	round := int64(exhaustiveBlock) * int64(w)
	sums := make([]float64, (round+exhaustiveSub-1)/exhaustiveSub)
	merged := 0.0
	ev.used = 0 // the template's own variant is one of the space's
	for start := int64(0); start < total; start += round {
		if ev.ctx.Err() != nil {
			return StopCancelled
		}
		end := min(total, start+round)
		n := end - start
		// Chunks are whole spans, so each span is summed by one worker.
		chunk := ((n+int64(w)-1)/int64(w) + exhaustiveSub - 1) / exhaustiveSub * exhaustiveSub
		clear(sums)
		for k := range parts {
			parts[k].haveBest = false
			if ev.archive != nil {
				parts[k].arch = newArchive(ev.archive.objs)
			}
		}
		runParts(w, func(k int) {
			p := &parts[k]
			a, b := start+int64(k)*chunk, min(end, start+int64(k+1)*chunk)
			fn := ev.fns[k]
			for idx := a; idx < b; idx++ {
				l.decode(p.g, idx)
				l.canonical(p.g) // moot genes at the template's values
				fn(p.g, &p.m)
				sums[(idx-start)/exhaustiveSub] += p.m.Fitness
				if !p.haveBest || better(&p.m, &p.bestM) {
					copy(p.best, p.g)
					p.bestM, p.haveBest = p.m, true
				}
				if p.arch != nil {
					p.arch.add(p.g, &p.m)
				}
			}
		})
		for _, s := range sums {
			merged += s
		}
		for k := range parts {
			p := &parts[k]
			if p.haveBest {
				ev.offer(p.best, &p.bestM)
			}
			if p.arch != nil {
				ev.archive.merge(p.arch)
			}
		}
		ev.used += int(n)
	}
	g := Generation{Generation: 0, BestFitness: ev.bestMetrics.Fitness, Evaluations: ev.used}
	if total > 0 {
		g.MeanFitness = merged / float64(total)
	}
	// The "population" is the whole space: per gene, two random variants
	// differ with probability 1 - 1/k.
	for _, i := range l.free {
		g.Diversity += 1 - 1/float64(l.size[i])
	}
	if len(l.free) > 0 {
		g.Diversity /= float64(len(l.free))
	}
	progress(g)
	return StopExhausted
}

// runParts runs f(0..w-1) concurrently and waits.
func runParts(w int, f func(k int)) {
	done := make(chan struct{}, w)
	for k := 0; k < w; k++ {
		go func(k int) {
			f(k)
			done <- struct{}{}
		}(k)
	}
	for k := 0; k < w; k++ {
		<-done
	}
}
