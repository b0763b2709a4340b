package evolve

import (
	"context"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim"
)

// The search's own overhead per distinct evaluation (issue 7: over a
// million evaluations per second per core through evolve): long runs on one
// worker with an evaluation function that costs a few ns, so what remains is
// eaopt, selection, the memo cache, dedupe, immigrants and the history.

// wideSizes are the domain sizes of the wide problem's genes, cycled over
// wideGenes genes: about as many genes, and domains, as the seed template's
// space with every gene free.
var wideSizes = []int{2, 3, 4, 9, 13, 2, 2, 3}

const wideGenes = 50

// wideProblem is a 50-gene space (about 10^25 variants) with a cheap
// landscape: an additive fitness over every gene, a cost that grows with
// the same values and a hard cost limit, so the search keeps finding new
// variants for a long time and meets infeasible ones.
func wideProblem() Problem {
	sp := &genome.Space{}
	for i := 0; i < wideGenes; i++ {
		k := wideSizes[i%len(wideSizes)]
		vals := make([]any, k)
		for v := range vals {
			vals[v] = v
		}
		sp.Genes = append(sp.Genes, genome.Gene{Name: "g" + string(rune('A'+i%26)) + string(rune('a'+i/26)),
			Resource: "r" + string(rune('A'+i/5)), Kind: genome.Choice, Values: vals, Ordered: i%3 == 0})
	}
	return Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) { return wideEval }}
}

// wideEval is the wide problem's evaluation: a few ns, no allocation.
func wideEval(g genome.Genome, m *sim.Metrics) {
	fit, cost := 0.0, 0.0
	for i, v := range g {
		w := float64(i%7+1) / 7
		fit += w * float64(v) / float64(wideSizes[i%len(wideSizes)])
		cost += float64((i*v)%5) + float64(v)
	}
	m.Objectives = sim.Objectives{CostUSDMonth: cost, LatencyP99MS: 1000 - 10*fit, Compliance: math.Mod(fit, 1)}
	m.Fitness = fit - 0.01*cost
	m.Violation = math.Max(0, cost-150) / 150
	m.Feasible = m.Violation == 0
}

// benchOverhead runs opts on p b.N times and reports the nanoseconds of
// the run per distinct evaluation (search and analysis evaluations), the
// same minus the evaluation function's own cost evalNS (when known, > 0),
// and the allocations per evaluation.
func benchOverhead(b *testing.B, p Problem, opts Options, evalNS float64) {
	b.ReportAllocs()
	var evals float64
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		opts.Seed = int64(i + 1)
		r, err := Run(context.Background(), p, opts)
		if err != nil {
			b.Fatal(err)
		}
		evals += float64(r.Evaluations + r.AnalysisEvaluations)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	perEval := float64(b.Elapsed().Nanoseconds()) / evals
	b.ReportMetric(perEval, "ns/eval")
	if evalNS > 0 {
		b.ReportMetric(perEval-evalNS, "overhead-ns/eval")
	}
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/evals, "allocs/eval")
	b.ReportMetric(evals/float64(b.N), "evals/op")
}

// evalCost is the nanoseconds one call of f costs on a random genome of p.
func evalCost(p Problem) float64 {
	l, _ := newLayout(p.Space)
	f := p.New()
	gs := make([]genome.Genome, 256)
	for i := range gs {
		gs[i] = make(genome.Genome, l.n)
		l.decode(gs[i], int64(i)*7919)
	}
	var m sim.Metrics
	const n = 200_000
	start := time.Now()
	for i := 0; i < n; i++ {
		f(gs[i%len(gs)], &m)
	}
	return float64(time.Since(start).Nanoseconds()) / n
}

// longGA is a long ga run with stagnation off on one worker.
func longGA(alg string, budget int) Options {
	return Options{Algorithm: alg, Budget: budget, Generations: 1 << 30, Stagnation: 1 << 30, Workers: 1}
}

func BenchmarkOverheadGAWide(b *testing.B) {
	p := wideProblem()
	benchOverhead(b, p, longGA(GA, 200_000), evalCost(p))
}

func BenchmarkOverheadNSGA2Wide(b *testing.B) {
	p := wideProblem()
	benchOverhead(b, p, longGA(NSGA2, 50_000), evalCost(p))
}

func BenchmarkOverheadRandomWide(b *testing.B) {
	p := wideProblem()
	benchOverhead(b, p, Options{Algorithm: Random, Budget: 200_000, Population: 1000, Workers: 1}, evalCost(p))
}

// BenchmarkOverheadGASynth is the ga on the synthetic space until a fifth
// of it is spent: a converging population, many duplicate children.
func BenchmarkOverheadGASynth(b *testing.B) {
	p := synthProblem()
	benchOverhead(b, p, longGA(GA, 28_000), evalCost(p))
}

// seedDemoProblem is the seed template's scenario with every gene free
// (as cmd/evoarch's BenchmarkEvolveSeedDemo).
func seedDemoProblem(tb testing.TB) Problem {
	tb.Helper()
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		tb.Fatal(err)
	}
	sc.Pin = nil
	tmpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		tb.Fatal(err)
	}
	sp, err := genome.Derive(tmpl, sc)
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := sim.Compile(sp, sc)
	if err != nil {
		tb.Fatal(err)
	}
	return Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) { return plan.NewEvaluator().Evaluate },
		Lean: func() func(genome.Genome, *sim.Metrics) { return plan.NewLeanEvaluator().Evaluate }}
}

// BenchmarkOverheadGASeedDemo is the long ga run on the seed
// template (default population, 200,000 evaluations, stagnation off, one
// worker). The simulator's cost per call depends on its memo's state, so
// no overhead is subtracted: compare ns/eval and the profile.
func BenchmarkOverheadGASeedDemo(b *testing.B) {
	p := seedDemoProblem(b)
	benchOverhead(b, p, longGA(GA, 200_000), 0)
}

// BenchmarkOverheadReplaySeedDemo is evolve's own time per evaluation on
// the real trajectory of the default GA on seed-demo (every gene free,
// 100,000 evaluations, one worker): the run is recorded once through the
// simulator, then repeated with the simulator replaced by a replay of its
// recorded metrics in call order, so what is timed is the search alone on
// the variants it really meets (the synthetic problems' trajectories
// differ). It fails if the replay diverges from the recorded run.
func BenchmarkOverheadReplaySeedDemo(b *testing.B) {
	p := seedDemoProblem(b)
	opts := Options{Algorithm: GA, Seed: 3, Budget: 100000, Workers: 1, Generations: 100000, Stagnation: 100000}
	// The lean and the full functions' calls are recorded in one sequence
	// and replayed in it (one worker: a fixed call order).
	var rec []sim.Metrics
	record := func(inner func() func(genome.Genome, *sim.Metrics)) func() func(genome.Genome, *sim.Metrics) {
		return func() func(genome.Genome, *sim.Metrics) {
			f := inner()
			return func(g genome.Genome, m *sim.Metrics) { f(g, m); rec = append(rec, *m) }
		}
	}
	p.New, p.Lean = record(p.New), record(p.Lean)
	r0, err := Run(context.Background(), p, opts)
	if err != nil {
		b.Fatal(err)
	}
	next := 0
	replay := func() func(genome.Genome, *sim.Metrics) {
		return func(g genome.Genome, m *sim.Metrics) { *m = rec[next]; next++ }
	}
	p.New, p.Lean = replay, replay
	b.ReportAllocs()
	b.ResetTimer()
	evals := 0
	for i := 0; i < b.N; i++ {
		next = 0
		r, err := Run(context.Background(), p, opts)
		if err != nil {
			b.Fatal(err)
		}
		if r.BestMetrics != r0.BestMetrics || r.Evaluations != r0.Evaluations || next != len(rec) {
			b.Fatal("the replay diverged from the recorded run")
		}
		evals += r.Evaluations + r.AnalysisEvaluations
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(evals), "ns/eval")
}
