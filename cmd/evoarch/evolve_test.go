package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evoarch/evoarch/evolve"
	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim"
)

func TestNewEvolveCmd(t *testing.T) {
	def := evolveOptions{Format: "text", Algorithm: "ga", Seed: 1, Population: evolve.DefaultPopulation,
		Generations: evolve.DefaultGenerations, MaxChange: 1, WatchDelay: 400 * time.Millisecond}
	with := func(f func(o *evolveOptions)) evolveOptions { o := def; f(&o); return o }
	tests := []struct {
		args    []string
		want    evolveOptions
		wantErr bool
	}{
		{args: nil, want: def},
		{args: []string{"t.yaml", "--scenario", "s.yaml", "--seed", "7"}, want: with(func(o *evolveOptions) {
			o.Template, o.Scenario, o.Seed = "t.yaml", "s.yaml", 7
		})},
		{args: []string{"--algorithm", "nsga2", "--objectives", "cost,latency", "--population", "30", "--generations", "5",
			"--budget", "900", "--max-change", "2", "--format", "json", "--set", "a=1"}, want: with(func(o *evolveOptions) {
			o.Algorithm, o.Objectives, o.Population, o.Generations = "nsga2", []string{"cost", "latency"}, 30, 5
			o.Budget, o.MaxChange, o.Format, o.Sets = 900, 2, "json", []string{"a=1"}
		})},
		{args: []string{"--out", "rep", "--watch", "--watch-delay", "1s"}, want: with(func(o *evolveOptions) {
			o.Out, o.Watch, o.WatchDelay = "rep", true, time.Second
		})},
		{args: []string{"--algorithm", "annealing"}, wantErr: true},
		{args: []string{"--format", "sarif"}, wantErr: true},
		{args: []string{"--budget", "-1"}, wantErr: true},
		{args: []string{"a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		var got *evolveOptions
		cmd := newEvolveCmd(&IO{}, func(o *evolveOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: err = %v", tt.args, err)
			continue
		}
		if tt.wantErr {
			var fe *FlagError
			if !errors.As(err, &fe) && !strings.Contains(err.Error(), "accepts at most") {
				t.Errorf("%v: %v is not a flag error", tt.args, err)
			}
			continue
		}
		got.IO = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.args, *got, tt.want)
		}
	}
}

func runEvolve(t *testing.T, o evolveOptions) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	o.IO = &IO{Out: &out, ErrOut: &errOut}
	err := evolveRun(&o)
	return out.String(), errOut.String(), err
}

func TestEvolveRunJSONDeterministic(t *testing.T) {
	base := evolveOptions{Format: "json", Algorithm: "ga", Seed: 3, Population: 20, Generations: 10, MaxChange: 1}
	a, _, err := runEvolve(t, func() evolveOptions { o := base; o.Workers = 1; return o }())
	if err != nil && !errors.Is(err, ErrNo) {
		t.Fatal(err)
	}
	b, _, _ := runEvolve(t, func() evolveOptions { o := base; o.Workers = 3; return o }())
	if a != b {
		t.Fatal("1 and 3 workers give different JSON")
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(a), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	for _, k := range []string{"scenario", "algorithm", "seed", "evaluations", "generations", "baseline", "best",
		"next_change", "roadmap", "pareto", "history"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	best := doc["best"].(map[string]any)
	for _, k := range []string{"fitness", "objectives", "genome", "changes"} {
		if _, ok := best[k]; !ok {
			t.Errorf("best.%s missing", k)
		}
	}
	nc := doc["next_change"].(map[string]any)
	for _, k := range []string{"changes", "fitness", "delta", "summary"} {
		if _, ok := nc[k]; !ok {
			t.Errorf("next_change.%s missing", k)
		}
	}
	for _, st := range doc["roadmap"].([]any) {
		for _, k := range []string{"version", "changes", "fitness", "label"} {
			if _, ok := st.(map[string]any)[k]; !ok {
				t.Errorf("roadmap step without %s", k)
			}
		}
	}
	h := doc["history"].([]any)
	if len(h) == 0 {
		t.Fatal("empty history")
	}
	for _, k := range []string{"generation", "best_fitness", "mean_fitness", "diversity"} {
		if _, ok := h[0].(map[string]any)[k]; !ok {
			t.Errorf("history without %s", k)
		}
	}
}

func TestEvolveRunAlgorithms(t *testing.T) {
	for _, alg := range evolve.Algorithms() {
		o := evolveOptions{Format: "text", Algorithm: alg, Seed: 1, Population: 12, Generations: 4, Budget: 200, MaxChange: 1,
			Scenario: "workshop-tiny"}
		out, _, err := runEvolve(t, o)
		if err != nil && !errors.Is(err, ErrNo) {
			t.Fatalf("%s: %v", alg, err)
		}
		if !strings.HasPrefix(out, "Next change") || !strings.Contains(out, "Roadmap") || !strings.Contains(out, "Search: "+alg) {
			t.Errorf("%s: text output:\n%s", alg, out)
		}
		if alg == evolve.NSGA2 && (!strings.Contains(out, "Pareto front") || !strings.Contains(out, "recommended trade-off") ||
			!regexp.MustCompile(`variant \d+ changes \d+ genes? from the template`).MatchString(out)) {
			t.Errorf("nsga2 without a front and its recommended variant's changes:\n%s", out)
		}
	}
}

func TestEvolveExhaustiveTooLarge(t *testing.T) {
	_, _, err := runEvolve(t, evolveOptions{Format: "text", Algorithm: "exhaustive", Seed: 1, MaxChange: 1})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "variants, over the exhaustive limit") {
		t.Fatalf("err = %v, want an input error naming the size", err)
	}
	if code := exitCode(err, &IO{ErrOut: &bytes.Buffer{}}); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
}

func TestEvolveInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, errOut, err := runEvolve(t, evolveOptions{Format: "json", Algorithm: "ga", Seed: 1, Population: 10,
		Generations: 1000, MaxChange: 1, Context: ctx})
	if err != nil && !errors.Is(err, ErrNo) {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "interrupted") || !strings.Contains(out, `"stop_reason": "cancelled"`) {
		t.Fatalf("stderr %q; stdout lacks the cancelled result", errOut)
	}
}

func TestEvolveSeedDemoSpeed(t *testing.T) {
	start := time.Now()
	if _, _, err := runEvolve(t, evolveOptions{Format: "text", Algorithm: "ga", Seed: 1, Population: evolve.DefaultPopulation,
		Generations: evolve.DefaultGenerations, MaxChange: 1}); err != nil && !errors.Is(err, ErrNo) {
		t.Fatal(err)
	}
	// The "done when": well under a second on the default scenario.
	// The bound is loose (race detector, loaded CI); the benchmark measures.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("evolve on seed-demo took %v", d)
	}
}

// seedDemoProblem is the seed template's scenario with every gene free.
func seedDemoProblem(tb testing.TB) (evolve.Problem, *sim.Plan) {
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
	return problemOf(sp, plan), plan
}

// BenchmarkEvolveSeedDemo measures distinct evaluations per second through
// evolve on one worker, on the seed template's scenario with all genes
// free: the memo cache, the batch machinery, the Pareto archive and the
// analysis included. "random" is the worst case for the simulator's own
// caches (every variant new in every gene); "ga" is the default search on
// a long run (no early stop), whose children share most genes with their
// parents (and its local search evaluates one-gene moves). sim-share is
// the simulator's share of a run's time (the run's own evaluations
// replayed through a fresh evaluator); x-sim-random is the rate against
// the bare simulator's on distinct random variants. It also reports the
// allocations per evaluation: of the simulator alone on distinct random
// variants (sim-allocs/eval), and of the whole run, analysis included,
// divided by its evaluations (run-allocs/eval).
//
// Runs after the first in one process reuse memory the previous runs
// freed, which the evolve command's single search cannot: "-cold" runs
// start with the free memory returned to the operating system
// (debug.FreeOSMemory, untimed), so every page a run touches is faulted in
// afresh, as in the command. faults/eval is the run's page faults per
// evaluation (Linux; 0 elsewhere).
func BenchmarkEvolveSeedDemo(b *testing.B) {
	ga := evolve.Options{Algorithm: evolve.GA, Budget: 100000, Workers: 1, Generations: 100000, Stagnation: 100000}
	for _, c := range []struct {
		name string
		opts evolve.Options
		gc   bool
		cold bool
	}{
		{"random", evolve.Options{Algorithm: evolve.Random, Budget: 20000, Workers: 1, Population: 1000}, false, false},
		{"ga", ga, false, false},
		// The same, with the collector set as the evolve command sets
		// it for a search of that budget (searchGC).
		{"ga-evolve-gc", ga, true, false},
		// And on a cold heap, as the evolve command's one search runs.
		{"ga-evolve-gc-cold", ga, true, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.gc {
				defer searchGC(c.opts.Budget)()
			}
			benchEvolveSeedDemo(b, c.opts, c.cold)
		})
	}
}

func benchEvolveSeedDemo(b *testing.B, opts evolve.Options, cold bool) {
	b.ReportAllocs()
	p, plan := seedDemoProblem(b)
	e := plan.NewEvaluator()
	var m sim.Metrics
	rng := rand.New(rand.NewSource(1))
	const variants = 200
	gs := make([]genome.Genome, variants+1)
	for i := range gs {
		gs[i] = p.Space.Current()
		for j := range p.Space.Genes {
			gs[i][j] = rng.Intn(len(p.Space.Genes[j].Values))
		}
	}
	next := 0
	simAllocs := testing.AllocsPerRun(variants, func() { e.Evaluate(gs[next], &m); next++ })
	// The baseline, in the same process: the simulator alone, on a fresh
	// evaluator, over distinct random variants.
	base := make([]genome.Genome, 20000)
	for i := range base {
		base[i] = p.Space.Current()
		for j := range p.Space.Genes {
			base[i][j] = rng.Intn(len(p.Space.Genes[j].Values))
		}
	}
	fresh := plan.NewEvaluator()
	start := time.Now()
	for _, g := range base {
		fresh.Evaluate(g, &m)
	}
	simRate := float64(len(base)) / time.Since(start).Seconds()
	var r *evolve.Result
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	evals := 0.0
	faults := int64(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if cold {
			b.StopTimer()
			debug.FreeOSMemory()
			b.StartTimer()
		}
		f0 := pageFaults()
		var err error
		opts.Seed = int64(i)
		r, err = evolve.Run(context.Background(), p, opts)
		faults += pageFaults() - f0
		if err != nil {
			b.Fatal(err)
		}
		evals += float64(r.Evaluations + r.AnalysisEvaluations)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	rate := evals / b.Elapsed().Seconds()
	b.ReportMetric(rate, "evals/s/core")
	b.ReportMetric(float64(faults)/evals, "faults/eval")
	// The simulator's share of a run: the last run's own evaluations, in
	// its order (one worker), replayed through a fresh evaluator.
	// Lean and full calls are replayed through a lean and a full
	// evaluator.
	var seq []genome.Genome
	var lean []bool
	recorder := func(isLean bool, newEv func() *sim.Evaluator) func() func(genome.Genome, *sim.Metrics) {
		return func() func(genome.Genome, *sim.Metrics) {
			ev := newEv()
			return func(g genome.Genome, m *sim.Metrics) {
				seq = append(seq, slices.Clone(g))
				lean = append(lean, isLean)
				ev.Evaluate(g, m)
			}
		}
	}
	rec := p
	rec.New = recorder(false, plan.NewEvaluator)
	rec.Lean = recorder(true, plan.NewLeanEvaluator)
	opts.Seed = int64(b.N - 1)
	if _, err := evolve.Run(context.Background(), rec, opts); err != nil {
		b.Fatal(err)
	}
	replay, replayLean := plan.NewEvaluator(), plan.NewLeanEvaluator()
	start = time.Now()
	for i, g := range seq {
		if lean[i] {
			replayLean.Evaluate(g, &m)
		} else {
			replay.Evaluate(g, &m)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/(b.Elapsed().Seconds()/float64(b.N)), "sim-share")
	// evolve's rate as a share of the bare simulator's on random variants
	// (above 1 when the search's variants share the simulator's caches).
	b.ReportMetric(rate/simRate, "x-sim-random")
	b.ReportMetric(simAllocs, "sim-allocs/eval")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/evals, "run-allocs/eval")
}

// BenchmarkSeedDemoEvaluate is the simulator alone on the same problem,
// for comparison with BenchmarkEvolveSeedDemo (the search's overhead).
func BenchmarkSeedDemoEvaluate(b *testing.B) {
	b.ReportAllocs()
	p, plan := seedDemoProblem(b)
	e := plan.NewEvaluator()
	var m sim.Metrics
	g := p.Space.Current()
	for i := 0; i < b.N; i++ {
		e.Evaluate(g, &m)
	}
}

// TestAssumptionsOf: the assumptions name the prices' dates, the decisions
// and the scenario's values, and say which values are defaults.
func TestAssumptionsOf(t *testing.T) {
	_, plan := seedDemoProblem(t)
	got := map[string]assumptionJSON{}
	for _, a := range assumptionsOf(plan) {
		if a.Topic == "" || a.Value == "" || a.Source == "" {
			t.Errorf("incomplete assumption %+v", a)
		}
		got[a.Topic] = a
	}
	for topic, want := range map[string]string{
		"prices: lambda":   "us-east-1 list prices dated 20",
		"month":            "730 hours",
		"cost target":      "$100 per month",
		"hard constraints": "p99 latency at most 2000 ms",
		"release model":    "10% of releases carry a defect",
		"error budget":     "0.001",
	} {
		if !strings.Contains(got[topic].Value, want) {
			t.Errorf("%s: %q, want it to contain %q", topic, got[topic].Value, want)
		}
	}
	if src := got["error budget"].Source; !strings.HasPrefix(src, "default") {
		t.Errorf("the error budget is a default, source %q", src)
	}
}

// seedDemoSubspaces are real search spaces of about 10^5 variants from the
// seed template: the free genes of each (every other gene is pinned).
var seedDemoSubspaces = []struct {
	name  string
	genes []string
}{
	// 13 x 9 x 3 x 2 x 9 x 2 x 2 x 4 = 101,088 variants: memory, the
	// deployment blocks of both functions, both tables' billing modes and
	// a bucket's encryption. The deployments interact through the release's
	// lead time (the slower function's): a one-gene move of one function
	// can leave it unchanged.
	{"deployments", []string{
		"myFirstFunction.MemorySize", "myFirstFunction.DeploymentPreference.Type", "myFirstFunction.DeploymentPreference.Alarms",
		"myFirstFunction.DeploymentPreference.Hooks.PreTraffic", "mySecondFunction.DeploymentPreference.Type",
		"encryptedTable.BillingMode", "unencryptedTable.BillingMode", "encryptedBucket.Encryption",
	}},
	// 13 x 13 x 2 x 2 x 9 x 9 x 4 = 219,024 variants: both functions'
	// memory, architecture and reserved concurrency, and a runtime. They
	// interact through the account's shared concurrency and the latency
	// mixture of the two functions.
	{"functions", []string{
		"myFirstFunction.MemorySize", "mySecondFunction.MemorySize", "myFirstFunction.Architectures", "mySecondFunction.Architectures",
		"myFirstFunction.ReservedConcurrentExecutions", "mySecondFunction.ReservedConcurrentExecutions", "mySecondFunction.Runtime",
	}},
}

// BenchmarkSearchSeedDemo is the search-quality check on real
// spaces from a real template (the synthetic, deceptive one is in evolve's
// BenchmarkSearchGA): over 20 seeds, how often ga, random and hillclimb
// find the exhaustive optimum with 2% of the space's evaluations. It fails
// when ga misses the target (19 of 20), does not beat random search, or
// finds the optimum less often than hill climbing. Real configuration
// spaces are nearly separable, so hill climbing does well on them too and
// the two can tie; the deceptive synthetic space is where ga must beat it.
func BenchmarkSearchSeedDemo(b *testing.B) {
	for _, sub := range seedDemoSubspaces {
		b.Run(sub.name, func(b *testing.B) { searchSeedDemo(b, sub.genes) })
	}
}

func searchSeedDemo(b *testing.B, free []string) {
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		b.Fatal(err)
	}
	tmpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		b.Fatal(err)
	}
	all, err := genome.Derive(tmpl, &scenarios.Scenario{})
	if err != nil {
		b.Fatal(err)
	}
	sc.Pin = nil
	for _, g := range all.Genes {
		if !slices.Contains(free, g.Name) {
			sc.Pin = append(sc.Pin, g.Name)
		}
	}
	sp, err := genome.Derive(tmpl, sc)
	if err != nil {
		b.Fatal(err)
	}
	plan, err := sim.Compile(sp, sc)
	if err != nil {
		b.Fatal(err)
	}
	p := problemOf(sp, plan)
	opt, err := evolve.Run(context.Background(), p, evolve.Options{Algorithm: evolve.Exhaustive})
	if err != nil {
		b.Fatal(err)
	}
	space := opt.SpaceSize.Int64()
	budget := int(0.02 * float64(space))
	const seeds = 20
	hits := map[string]int{}
	// reach: per algorithm and seed, the evaluations the search had spent
	// when its best first reached the optimum (budget+1 when it did not).
	reach := map[string][]int{}
	for i := 0; i < b.N; i++ {
		clear(hits)
		clear(reach)
		for _, alg := range []string{evolve.GA, evolve.Random, evolve.HillClimb} {
			for seed := int64(1); seed <= seeds; seed++ {
				r, err := evolve.Run(context.Background(), p, evolve.Options{Algorithm: alg, Seed: seed, Budget: budget, Population: 40, Generations: 1000})
				if err != nil {
					b.Fatal(err)
				}
				// The search's own best, before the analysis could improve it.
				if r.History[len(r.History)-1].BestFitness >= opt.BestMetrics.Fitness-1e-12 {
					hits[alg]++
				}
				at := budget + 1
				for _, h := range r.History {
					if h.BestFitness >= opt.BestMetrics.Fitness-1e-12 {
						at = h.Evaluations
						break
					}
				}
				reach[alg] = append(reach[alg], at)
			}
			slices.Sort(reach[alg])
		}
	}
	median := func(alg string) int { return reach[alg][seeds/2] }
	b.ReportMetric(float64(space), "variants")
	b.ReportMetric(float64(hits[evolve.GA]), "ga-hits/20")
	b.ReportMetric(float64(hits[evolve.Random]), "random-hits/20")
	b.ReportMetric(float64(hits[evolve.HillClimb]), "hillclimb-hits/20")
	b.ReportMetric(float64(median(evolve.GA)), "ga-median-evals-to-opt")
	b.ReportMetric(float64(median(evolve.HillClimb)), "hillclimb-median-evals-to-opt")
	b.Logf("seed-demo subspace of %d variants, optimum %.6f, budget %d evaluations (2%%); hits of %d seeds: ga %d, random %d, hillclimb %d; median evaluations to the optimum: ga %d, hillclimb %d (budget+1 when not reached)",
		space, opt.BestMetrics.Fitness, budget, seeds, hits[evolve.GA], hits[evolve.Random], hits[evolve.HillClimb], median(evolve.GA), median(evolve.HillClimb))
	if hits[evolve.GA] < 19 || hits[evolve.GA] <= hits[evolve.Random] || hits[evolve.GA] < hits[evolve.HillClimb] {
		b.Errorf("ga found the optimum in %d of %d seeds (target 19, more than random's %d and at least hill climbing's %d)",
			hits[evolve.GA], seeds, hits[evolve.Random], hits[evolve.HillClimb])
	}
}
