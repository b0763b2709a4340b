package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
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
		if alg == evolve.NSGA2 && !strings.Contains(out, "Pareto front") {
			t.Errorf("nsga2 without a front:\n%s", out)
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
	return evolve.Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) { return plan.NewEvaluator().Evaluate }}, plan
}

// BenchmarkEvolveSeedDemo measures evaluations per second through evolve
// (random search: every evaluation a new variant, one worker, the memo
// cache and the batch machinery included) on the seed template's scenario
// with all genes free, and the simulator's allocations per evaluation.
func BenchmarkEvolveSeedDemo(b *testing.B) {
	b.ReportAllocs()
	p, plan := seedDemoProblem(b)
	e := plan.NewEvaluator()
	var m sim.Metrics
	g := p.Space.Current()
	allocs := testing.AllocsPerRun(100, func() { e.Evaluate(g, &m) })
	const budget = 20000
	var r *evolve.Result
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		r, err = evolve.Run(context.Background(), p, evolve.Options{Algorithm: evolve.Random, Seed: int64(i), Budget: budget, Workers: 1, Population: 1000})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.Evaluations+r.AnalysisEvaluations)*float64(b.N)/b.Elapsed().Seconds(), "evals/s/core")
	b.ReportMetric(allocs, "sim-allocs/eval")
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
