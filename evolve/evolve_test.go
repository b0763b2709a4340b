package evolve

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/MaxHalford/eaopt"
	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

func mustRun(t testing.TB, p Problem, o Options) *Result {
	t.Helper()
	r, err := Run(context.Background(), p, o)
	if err != nil {
		t.Fatalf("Run(%+v): %v", o, err)
	}
	return r
}

// small budgets keep the unit tests fast; quality is measured by the
// Search benchmarks.
var algorithmCases = []Options{
	{Algorithm: GA, Population: 20, Generations: 15},
	{Algorithm: NSGA2, Population: 20, Generations: 15},
	{Algorithm: Random, Budget: 300},
	{Algorithm: HillClimb, Budget: 300},
}

func TestDeterminismAcrossWorkers(t *testing.T) {
	p := synthProblem()
	cases := append(append([]Options(nil), algorithmCases...),
		Options{Algorithm: Exhaustive, MaxChange: 2},
		Options{Algorithm: GA, Population: 30, Generations: 20, MaxChange: 3})
	for _, o := range cases {
		t.Run(o.Algorithm, func(t *testing.T) {
			o.Seed = 42
			o1, o4 := o, o
			o1.Workers, o4.Workers = 1, 4
			a, b := mustRun(t, p, o1), mustRun(t, p, o4)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("1 worker and 4 workers differ: %s", diffFields(a, b))
			}
			c := mustRun(t, p, o4)
			if !reflect.DeepEqual(b, c) {
				t.Fatal("two runs with the same seed differ")
			}
			if o.Algorithm != Exhaustive {
				o.Seed = 43
				d := mustRun(t, p, o)
				if reflect.DeepEqual(d.History, a.History) {
					t.Error("seeds 42 and 43 give the same history: is the seed used?")
				}
			}
		})
	}
}

// diffFields names the Result fields that differ.
func diffFields(a, b *Result) string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	var out []string
	for i := 0; i < va.NumField(); i++ {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return strings.Join(out, ", ")
}

// neighbourhoodOptimum is the best variant within k genes of the template,
// by brute force over the whole space.
func neighbourhoodOptimum(l *layout, k int) (genome.Genome, sim.Metrics) {
	var best genome.Genome
	var bm sim.Metrics
	bruteForce(l, func(g genome.Genome, m *sim.Metrics) {
		if d := distance(g, l.current); d >= 1 && d <= k && (best == nil || better(m, &bm)) {
			best, bm = cloneGenome(g), *m
		}
	})
	return best, bm
}

func TestNextChangeIsNeighbourhoodOptimum(t *testing.T) {
	p := synthProblem()
	l, _ := newLayout(p.Space)
	for _, k := range []int{1, 2, 3} {
		want, wm := neighbourhoodOptimum(l, k)
		for _, alg := range []string{GA, Random} {
			r := mustRun(t, p, Options{Algorithm: alg, Seed: 1, MaxChange: k, Budget: 200, Population: 10, Generations: 5})
			nc := r.NextChange
			if !nc.Exact {
				t.Fatalf("k=%d: neighbourhood of %d not enumerated", k, nc.Neighbourhood)
			}
			if nc.Metrics.Fitness != wm.Fitness || distance(nc.Genome, want) != 0 {
				t.Errorf("k=%d %s: next change %v (fitness %v), brute force %v (fitness %v)", k, alg, nc.Genome, nc.Fitness, want, wm.Fitness)
			}
			if d := distance(nc.Genome, r.Baseline); d < 1 || d > k || len(nc.Changes) != d {
				t.Errorf("k=%d: next change moves %d genes, %d changes listed", k, d, len(nc.Changes))
			}
			if math.Abs(nc.Delta-(wm.Fitness-r.BaselineMetrics.Fitness)) > 1e-12 {
				t.Errorf("k=%d: delta %v, want %v", k, nc.Delta, wm.Fitness-r.BaselineMetrics.Fitness)
			}
		}
	}
	// The neighbourhood size is the count of variants within k genes.
	for _, k := range []int{1, 2, 3} {
		n := int64(0)
		bruteForce(l, func(g genome.Genome, _ *sim.Metrics) {
			if d := distance(g, l.current); d >= 1 && d <= k {
				n++
			}
		})
		if got := neighbourhoodSize(l, k); got != float64(n) {
			t.Errorf("neighbourhoodSize(%d) = %v, brute force %d", k, got, n)
		}
	}
}

func TestNextChangeInexact(t *testing.T) {
	p := synthProblem()
	l, _ := newLayout(p.Space)
	_, wm := neighbourhoodOptimum(l, 2)
	r := mustRun(t, p, Options{Seed: 1, MaxChange: 2, NeighbourhoodLimit: 10, Population: 20, Generations: 10})
	nc := r.NextChange
	if nc.Exact {
		t.Fatal("a neighbourhood over the limit was called exact")
	}
	if d := distance(nc.Genome, r.Baseline); d > 2 {
		t.Fatalf("inexact next change moves %d genes, more than 2", d)
	}
	if nc.Fitness > wm.Fitness || nc.Fitness < r.BaselineMetrics.Fitness {
		t.Fatalf("inexact next change fitness %v outside [baseline %v, optimum %v]", nc.Fitness, r.BaselineMetrics.Fitness, wm.Fitness)
	}
}

func TestNoImprovingNextChange(t *testing.T) {
	// The template pinned except one gene already at its best: no change helps.
	sp := synthSpace()
	for i := range sp.Genes {
		sp.Genes[i].Pinned = i != 9
	}
	p := Problem{Space: sp, New: synthProblem().New}
	r := mustRun(t, p, Options{Algorithm: Exhaustive})
	if len(r.NextChange.Changes) != 0 || !strings.Contains(r.NextChange.Summary, "no change") {
		t.Fatalf("next change %+v, want none", r.NextChange)
	}
	if len(r.Roadmap) != 0 || len(r.BestChanges) != 0 {
		t.Fatalf("roadmap %v, changes %v: want none", r.Roadmap, r.BestChanges)
	}
}

func checkRoadmap(t *testing.T, r *Result, k int) {
	t.Helper()
	prev := r.BaselineMetrics
	cur := r.Baseline
	for _, st := range r.Roadmap {
		if !improves(&st.Metrics, &prev) {
			t.Errorf("%s: fitness %v does not improve on %v", st.Version, st.Fitness, prev.Fitness)
		}
		d := distance(cur, st.Genome)
		if d != len(st.Changes) || d == 0 {
			t.Errorf("%s: %d genes moved, %d changes listed", st.Version, d, len(st.Changes))
		}
		if d > k && !st.Bundled {
			t.Errorf("%s: %d genes, more than K=%d, not marked bundled", st.Version, d, k)
		}
		if st.Label == "" || st.Summary == "" {
			t.Errorf("%s: no label or summary", st.Version)
		}
		if math.Abs(st.Delta-(st.Fitness-prev.Fitness)) > 1e-12 {
			t.Errorf("%s: delta %v != %v", st.Version, st.Delta, st.Fitness-prev.Fitness)
		}
		prev, cur = st.Metrics, st.Genome
	}
	if distance(cur, r.Best) != 0 {
		t.Errorf("roadmap ends at %v, best is %v", cur, r.Best)
	}
	if prev.Fitness != r.BestMetrics.Fitness {
		t.Errorf("roadmap ends at fitness %v, best %v", prev.Fitness, r.BestMetrics.Fitness)
	}
}

func TestRoadmap(t *testing.T) {
	p := synthProblem()
	for _, k := range []int{1, 2, 3} {
		r := mustRun(t, p, Options{Algorithm: Exhaustive, MaxChange: k})
		checkRoadmap(t, r, k)
		bundled := 0
		for _, st := range r.Roadmap {
			if st.Bundled {
				bundled++
				if !strings.HasPrefix(st.Summary, "bundled") {
					t.Errorf("bundled step %s does not say so: %q", st.Version, st.Summary)
				}
			}
		}
		// The two three-gene traps need a bundle below K=3 and none at 3.
		if (k < 3) != (bundled > 0) {
			t.Errorf("K=%d: %d bundled steps", k, bundled)
		}
		if k < 3 && !strings.Contains(r.RoadmapNote, "bundles") {
			t.Errorf("K=%d: roadmap note %q does not mention the bundle", k, r.RoadmapNote)
		}
	}
	for _, o := range algorithmCases {
		r := mustRun(t, p, o)
		checkRoadmap(t, r, 1)
	}
}

func TestPinsNeverChange(t *testing.T) {
	pins := []string{"Api.DeploymentPreference.Type", "Photos.Encryption", "Worker.MemorySize"}
	sp := synthSpace(pins...)
	var pinned []int
	for i, g := range sp.Genes {
		if g.Pinned {
			pinned = append(pinned, i)
		}
	}
	var broken atomic.Int64
	p := Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) {
		return func(g genome.Genome, m *sim.Metrics) {
			for _, i := range pinned {
				if g[i] != sp.Genes[i].Current {
					broken.Add(1)
				}
			}
			synthEval(g, m)
		}
	}}
	cases := append(append([]Options(nil), algorithmCases...), Options{Algorithm: Exhaustive, MaxChange: 3})
	for _, o := range cases {
		broken.Store(0)
		r := mustRun(t, p, o)
		if n := broken.Load(); n > 0 {
			t.Errorf("%s: %d evaluations changed a pinned gene", o.Algorithm, n)
		}
		all := []genome.Genome{r.Best, r.NextChange.Genome}
		for _, st := range r.Roadmap {
			all = append(all, st.Genome)
		}
		for _, pt := range r.Pareto {
			all = append(all, pt.Genome)
		}
		for _, g := range all {
			for _, i := range pinned {
				if g[i] != sp.Genes[i].Current {
					t.Errorf("%s: result genome %v changes pinned gene %s", o.Algorithm, g, sp.Genes[i].Name)
				}
			}
		}
		for _, s := range r.Sensitivity {
			for _, name := range pins {
				if s.Gene == name {
					t.Errorf("%s: sensitivity lists pinned gene %s", o.Algorithm, name)
				}
			}
		}
		if want := int64(4 * 3 * 3 * 3 * 3 * 2 * 2); r.SpaceSize.Int64() != want {
			t.Errorf("space size %v, want %d over the free genes", r.SpaceSize, want)
		}
	}
}

func TestParetoNonDominated(t *testing.T) {
	p := synthProblem()
	objs, _ := parseObjectives([]string{"cost", "latency", "compliance"})
	vec := func(m *sim.Metrics) []float64 {
		v := make([]float64, len(objs))
		for k := range objs {
			v[k] = objs[k].min(m)
		}
		return v
	}
	ex := mustRun(t, p, Options{Algorithm: Exhaustive})
	// The exhaustive front is exactly the brute-force one.
	var all [][]float64
	var feasible []bool
	bruteForce(ex.layoutForTest(t, p), func(g genome.Genome, m *sim.Metrics) {
		all = append(all, vec(m))
		feasible = append(feasible, m.Feasible)
	})
	trueFront := 0
	for i := range all {
		if !feasible[i] {
			continue
		}
		dominated := false
		for j := range all {
			if feasible[j] && paretoDominates(all[j], all[i]) {
				dominated = true
				break
			}
		}
		if !dominated {
			trueFront++
		}
	}
	distinct := map[[3]float64]bool{}
	for i := range all {
		if feasible[i] {
			dominated := false
			for j := range all {
				if feasible[j] && paretoDominates(all[j], all[i]) {
					dominated = true
					break
				}
			}
			if !dominated {
				distinct[[3]float64{all[i][0], all[i][1], all[i][2]}] = true
			}
		}
	}
	if len(ex.Pareto) != len(distinct) {
		t.Errorf("exhaustive front has %d points, brute force %d distinct vectors (%d variants)", len(ex.Pareto), len(distinct), trueFront)
	}
	for _, r := range []*Result{ex, mustRun(t, p, Options{Algorithm: NSGA2, Seed: 5, Population: 30, Generations: 20})} {
		if len(r.Pareto) == 0 {
			t.Fatalf("%s: empty front", r.Algorithm)
		}
		for i := range r.Pareto {
			vi := vec(&r.Pareto[i].Metrics)
			if !r.Pareto[i].Metrics.Feasible {
				t.Errorf("%s: infeasible point on the front", r.Algorithm)
			}
			for j := range r.Pareto {
				if i != j && paretoDominates(vec(&r.Pareto[j].Metrics), vi) {
					t.Errorf("%s: point %d dominated by point %d", r.Algorithm, i, j)
				}
			}
			for k, v := range r.Pareto[i].Values {
				if v != objs[k].value(&r.Pareto[i].Metrics) {
					t.Errorf("%s: point %d value %d = %v, metrics say %v", r.Algorithm, i, k, v, objs[k].value(&r.Pareto[i].Metrics))
				}
			}
		}
		if r.Compromise == nil || r.Compromise.Explanation == "" {
			t.Errorf("%s: no compromise point", r.Algorithm)
		}
	}
}

func (r *Result) layoutForTest(t *testing.T, p Problem) *layout {
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestNSGA2History(t *testing.T) {
	r := mustRun(t, synthProblem(), Options{Algorithm: NSGA2, Seed: 2, Population: 30, Generations: 15})
	if len(r.History) < 2 || len(r.Reference) != 3 {
		t.Fatalf("history %d lines, reference %v", len(r.History), r.Reference)
	}
	for i := 1; i < len(r.History); i++ {
		if r.History[i].Hypervolume < r.History[i-1].Hypervolume-1e-9 {
			t.Errorf("hypervolume fell at generation %d: %v -> %v", i, r.History[i-1].Hypervolume, r.History[i].Hypervolume)
		}
	}
	if r.History[len(r.History)-1].Hypervolume <= 0 {
		t.Error("no hypervolume")
	}
}

func TestHypervolume(t *testing.T) {
	cases := []struct {
		name   string
		points [][]float64
		ref    []float64
		want   float64
	}{
		{"one point 2d", [][]float64{{1, 1}}, []float64{3, 3}, 4},
		{"staircase 2d", [][]float64{{0, 2}, {1, 1}, {2, 0}}, []float64{3, 3}, 3 + 2 + 1},
		{"dominated point adds nothing", [][]float64{{1, 1}, {2, 2}}, []float64{3, 3}, 4},
		{"outside the reference", [][]float64{{4, 0}}, []float64{3, 3}, 0},
		{"unit cube 3d", [][]float64{{0, 0, 0}}, []float64{1, 1, 1}, 1},
		// Two boxes 2x1x1 and 1x2x1 overlapping in a 1x1x1 cube: 2+2-1.
		{"two boxes 3d", [][]float64{{0, 1, 0}, {1, 0, 0}}, []float64{2, 2, 1}, 3},
		{"three points 3d", [][]float64{{0, 0, 1}, {0, 1, 0}, {1, 0, 0}}, []float64{2, 2, 2}, 8 - 1},
		{"4d box", [][]float64{{0, 0, 0, 0}}, []float64{1, 2, 3, 4}, 24},
	}
	for _, c := range cases {
		if got := Hypervolume(c.points, c.ref); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Monte Carlo cross-check on random 3d fronts.
	rng := rand.New(rand.NewSource(9))
	for trial := 0; trial < 5; trial++ {
		var pts [][]float64
		for i := 0; i < 15; i++ {
			pts = append(pts, []float64{rng.Float64(), rng.Float64(), rng.Float64()})
		}
		ref := []float64{1, 1, 1}
		hits, n := 0, 200000
		for i := 0; i < n; i++ {
			x := []float64{rng.Float64(), rng.Float64(), rng.Float64()}
			for _, p := range pts {
				if weaklyDominates(p, x, 3) {
					hits++
					break
				}
			}
		}
		mc := float64(hits) / float64(n)
		// Binomial standard error is at most 0.5/sqrt(n) ~ 0.0011; allow 5 sigma.
		if got := Hypervolume(pts, ref); math.Abs(got-mc) > 0.006 {
			t.Errorf("trial %d: hypervolume %v, Monte Carlo %v", trial, got, mc)
		}
	}
}

func TestExhaustiveLimit(t *testing.T) {
	_, err := Run(context.Background(), synthProblem(), Options{Algorithm: Exhaustive, ExhaustiveLimit: 1000})
	var se *SizeError
	if !errors.As(err, &se) || se.Size.Int64() != 139968 || !strings.Contains(err.Error(), "139968") {
		t.Fatalf("err = %v, want a SizeError naming 139968 variants", err)
	}
}

func TestCancelKeepsBestSoFar(t *testing.T) {
	for _, alg := range []string{GA, NSGA2, Random, HillClimb, Exhaustive} {
		ctx, cancel := context.WithCancel(context.Background())
		o := Options{Algorithm: alg, Seed: 1, Population: 20, Generations: 1000, Stagnation: 1000, Budget: 100000}
		o.Progress = func(g Generation) {
			if g.Generation >= 2 || alg == Exhaustive {
				cancel()
			}
		}
		if alg == Exhaustive {
			cancel()
		}
		r, err := Run(ctx, synthProblem(), o)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if r.StopReason != StopCancelled || r.Best == nil || r.NextChange == nil {
			t.Errorf("%s: stop %q, best %v", alg, r.StopReason, r.Best)
		}
		if alg != Exhaustive && r.Generations > 3 {
			t.Errorf("%s: ran %d generations after the cancel", alg, r.Generations)
		}
	}
}

func TestBudgetAndStops(t *testing.T) {
	p := synthProblem()
	for _, alg := range []string{GA, NSGA2, Random, HillClimb} {
		r := mustRun(t, p, Options{Algorithm: alg, Seed: 3, Budget: 250, Population: 20, Generations: 1000, Stagnation: 1000})
		if r.Evaluations > 250 || r.StopReason != StopBudget {
			t.Errorf("%s: %d evaluations, stop %q; want <= 250 and budget", alg, r.Evaluations, r.StopReason)
		}
		if r.Evaluations < 200 {
			t.Errorf("%s: spent only %d of a 250 budget", alg, r.Evaluations)
		}
	}
	// The ga's local search spends from the budget too: a budget of its
	// own lets the generations decide.
	r := mustRun(t, p, Options{Seed: 3, Population: 10, Generations: 4, Budget: 1 << 20})
	if r.StopReason != StopGenerations || r.Generations != 4 || len(r.History) != 5 {
		t.Errorf("stop %q after %d generations (%d history lines), want generations after 4", r.StopReason, r.Generations, len(r.History))
	}
	r = mustRun(t, p, Options{Seed: 3, Population: 10, Generations: 1000, Stagnation: 3, Budget: 1 << 30})
	if r.StopReason != StopStagnation {
		t.Errorf("stop %q, want stagnation", r.StopReason)
	}
	// A space smaller than the budget is exhausted, not looped over.
	sp := synthSpace()
	for i := range sp.Genes {
		sp.Genes[i].Pinned = i > 1
	}
	for _, alg := range []string{GA, NSGA2, Random, HillClimb} {
		r := mustRun(t, Problem{Space: sp, New: p.New}, Options{Algorithm: alg, Seed: 1, Budget: 1000, Generations: 1000, Stagnation: 1000})
		if r.StopReason != StopExhausted || r.Evaluations != 16 {
			t.Errorf("%s on 16 variants: stop %q after %d evaluations", alg, r.StopReason, r.Evaluations)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	p := synthProblem()
	cases := []struct {
		o    Options
		want string
	}{
		{Options{Algorithm: "annealing"}, `unknown algorithm "annealing": valid values are {ga|nsga2|random|hillclimb|exhaustive}`},
		{Options{Algorithm: NSGA2, Objectives: []string{"cost", "beauty"}}, `unknown objective "beauty"`},
		{Options{Algorithm: NSGA2, Objectives: []string{"cost"}}, "at least 2 objectives"},
		{Options{Algorithm: NSGA2, Objectives: []string{"cost", "cost_usd_month"}}, "given twice"},
		{Options{Population: 2}, "invalid population 2"},
		{Options{Budget: -1}, "negative option"},
		{Options{ExhaustiveLimit: -1}, "negative option: exhaustive limit -1"},
	}
	for _, c := range cases {
		_, err := Run(context.Background(), p, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "evolve: ") {
			t.Errorf("%+v: err %v, want %q", c.o, err, c.want)
		}
	}
	if _, err := Run(context.Background(), Problem{Space: synthSpace()}, Options{}); err == nil {
		t.Error("no evaluator accepted")
	}
	bad := synthSpace()
	bad.Genes[0].Current = 9
	if _, err := Run(context.Background(), Problem{Space: bad, New: p.New}, Options{}); err == nil {
		t.Error("out-of-domain current value accepted")
	}
}

func TestBetterIsFeasibilityFirst(t *testing.T) {
	feas := func(f float64) sim.Metrics { return sim.Metrics{Fitness: f, Feasible: true} }
	infeas := func(f, v float64) sim.Metrics { return sim.Metrics{Fitness: f, Violation: v} }
	cases := []struct {
		name string
		a, b sim.Metrics
		want bool
	}{
		{"higher fitness", feas(2), feas(1), true},
		{"lower fitness", feas(1), feas(2), false},
		{"feasible beats infeasible", feas(-5), infeas(9, 0.1), true},
		{"infeasible loses", infeas(9, 0.1), feas(-5), false},
		{"smaller violation", infeas(0, 0.1), infeas(5, 0.2), true},
		{"NaN fitness last", feas(math.NaN()), feas(-100), false},
		{"equal", feas(1), feas(1), false},
	}
	for _, c := range cases {
		if got := better(&c.a, &c.b); got != c.want {
			t.Errorf("%s: better = %v", c.name, got)
		}
		if c.want && !(scalar(&c.a) < scalar(&c.b)) {
			t.Errorf("%s: eaopt scores %v, %v out of order", c.name, scalar(&c.a), scalar(&c.b))
		}
	}
}

func TestMutationRespectsDomains(t *testing.T) {
	sp := synthSpace("Photos.Versioning")
	l, _ := newLayout(sp)
	rng := rand.New(rand.NewSource(4))
	g := cloneGenome(l.current)
	steps, jumps := 0, 0
	for trial := 0; trial < 20000; trial++ {
		before := cloneGenome(g)
		l.mutate(g, rng)
		if distance(before, g) == 0 {
			t.Fatal("a mutation changed nothing")
		}
		if !l.valid(g) {
			t.Fatalf("mutation left the domain or changed a pinned gene: %v", g)
		}
		// Gene 0 is an ordered ladder of 4 values.
		if d := g[0] - before[0]; d != 0 {
			if d == 1 || d == -1 {
				steps++
			} else {
				jumps++
			}
		}
	}
	// Steps: stepProb plus the share of uniform draws that land next door.
	if share := float64(steps) / float64(steps+jumps); share < 0.8 {
		t.Errorf("ordered gene stepped to a neighbour in %.2f of its mutations, want most", share)
	}
}

func TestSensitivity(t *testing.T) {
	r := mustRun(t, synthProblem(), Options{Algorithm: Exhaustive})
	l, _ := newLayout(synthSpace())
	if len(r.Sensitivity) != len(l.free) {
		t.Fatalf("%d sensitivities for %d free genes", len(r.Sensitivity), len(l.free))
	}
	for _, s := range r.Sensitivity {
		if !s.Changed {
			if s.Fitness < 0 {
				t.Errorf("%s: fitness swing %v < 0 from the optimum", s.Gene, s.Fitness)
			}
			continue
		}
		i := -1
		for j, g := range l.space.Genes {
			if g.Name == s.Gene {
				i = j
			}
		}
		g := cloneGenome(r.Best)
		g[i] = l.current[i]
		var m sim.Metrics
		synthEval(g, &m)
		if math.Abs(s.Fitness-(r.BestMetrics.Fitness-m.Fitness)) > 1e-12 ||
			math.Abs(s.Objectives.CostUSDMonth-(r.BestMetrics.Objectives.CostUSDMonth-m.Objectives.CostUSDMonth)) > 1e-9 {
			t.Errorf("%s: sensitivity %v / cost %v, direct %v / %v", s.Gene, s.Fitness, s.Objectives.CostUSDMonth,
				r.BestMetrics.Fitness-m.Fitness, r.BestMetrics.Objectives.CostUSDMonth-m.Objectives.CostUSDMonth)
		}
	}
}

func TestStepWords(t *testing.T) {
	l, _ := newLayout(synthSpace())
	ev := newEvaluator(context.Background(), l, synthProblem().New, 1, 1000)
	var m0 sim.Metrics
	synthEval(l.current, &m0)
	cases := []struct {
		set            map[int]int
		label, summary string
	}{
		{map[int]int{5: 2}, "Encryption at rest", "encrypts Photos with KMS: compliance -0.25, cost +$3.00/month"},
		{map[int]int{0: 2}, "Faster or cheaper compute", "sets Api memory from 128 to 1024 MB: cost +$26.88/month, p99 latency -788 ms"},
		{map[int]int{8: 1}, "Increased availability", "turns on versioning for Photos: compliance -0.25, cost +$6.00/month, complexity +1"},
		{map[int]int{4: 5, 7: 2, 9: 1}, "Safer deployments", "deploys Api with Linear10PercentEvery1Minute, sets Api's deployment alarms to errors+latency, turns on a PreTraffic hook for Api"},
	}
	for _, c := range cases {
		g := cloneGenome(l.current)
		for i, v := range c.set {
			g[i] = v
		}
		var m sim.Metrics
		synthEval(g, &m)
		st := makeStep(ev, l.current, &m0, g, &m)
		if st.Label != c.label || !strings.HasPrefix(st.Summary, c.summary) {
			t.Errorf("step %v: label %q summary %q; want %q, %q", c.set, st.Label, st.Summary, c.label, c.summary)
		}
	}
	api := &genome.Gene{Name: "Api.Type", Resource: "Api", Attr: genome.APIType, Kind: genome.Choice, Values: []any{"REST", "HTTP"}}
	if got := phrase(api, 0, 1); got != "moves Api to an HTTP API" {
		t.Errorf("REST to HTTP reads %q", got)
	}
	if got := phrase(api, 1, 0); got != "moves Api to a REST API" {
		t.Errorf("HTTP to REST reads %q", got)
	}
	// Removing a feature is labelled by what it saves.
	g := cloneGenome(l.current)
	g[8] = 1
	var on, off sim.Metrics
	synthEval(g, &on)
	synthEval(l.current, &off)
	if st := makeStep(ev, g, &on, l.current, &off); st.Label != "Lower cost" {
		t.Errorf("turning versioning off labelled %q", st.Label)
	}
}

// TestRoadmapNoteWhenNextChangeIsOffTheRoad: the best single step (A) is
// not part of the best variant (B and C), so the roadmap starts elsewhere
// and says why.
func TestRoadmapNoteWhenNextChangeIsOffTheRoad(t *testing.T) {
	sp := &genome.Space{}
	for _, n := range []string{"A", "B", "C"} {
		sp.Genes = append(sp.Genes, genome.Gene{Name: "R." + n, Resource: "R", Kind: genome.Switch, Values: []any{false, true}})
	}
	fitness := map[[3]int]float64{{1, 0, 0}: 0.9, {0, 1, 0}: 0.5, {0, 1, 1}: 1.0, {0, 0, 1}: 0.1, {1, 1, 1}: 0.2}
	p := Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) {
		return func(g genome.Genome, m *sim.Metrics) {
			*m = sim.Metrics{Feasible: true, Fitness: fitness[[3]int{g[0], g[1], g[2]}]}
		}
	}}
	r := mustRun(t, p, Options{Algorithm: Exhaustive})
	if got := r.NextChange.Changes; len(got) != 1 || got[0].Gene != "R.A" {
		t.Fatalf("next change %v, want R.A", got)
	}
	if len(r.Roadmap) != 2 || r.Roadmap[0].Changes[0].Gene != "R.B" {
		t.Fatalf("roadmap %+v, want B then C", r.Roadmap)
	}
	if !strings.Contains(r.RoadmapNote, "the best variant found does not keep it, so the roadmap starts with another step (+0.5000)") {
		t.Errorf("roadmap note %q", r.RoadmapNote)
	}
}

// TestMootGenesNeverChange: a gene another gene makes moot (read capacity
// on an on-demand table) is never reported as a change, and variants that
// differ only there are evaluated once.
func TestMootGenesNeverChange(t *testing.T) {
	sp := &genome.Space{Genes: []genome.Gene{
		{Name: "T.BillingMode", Resource: "T", Attr: genome.BillingMode, Kind: genome.Choice, Values: []any{"PROVISIONED", "PAY_PER_REQUEST"}},
		{Name: "T.ProvisionedThroughput.ReadCapacityUnits", Resource: "T", Attr: genome.ReadCapacity, Kind: genome.Number, Values: []any{5, 25, 100}, Ordered: true},
	}}
	evals := 0
	// On-demand is better; under it the capacity does nothing, but a naive
	// model that charged capacity anyway would still prefer 5 units.
	p := Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) {
		return func(g genome.Genome, m *sim.Metrics) {
			evals++
			m.Feasible = true
			if g[0] == 1 {
				m.Fitness = 10
				return
			}
			m.Fitness = float64(g[1])
		}
	}}
	res, err := Run(context.Background(), p, Options{Algorithm: Exhaustive, Workers: 1, MaxChange: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.BestChanges {
		if c.Gene == "T.ProvisionedThroughput.ReadCapacityUnits" {
			t.Errorf("a moot gene is reported as a change: %+v", c)
		}
	}
	if res.Best[1] != 0 {
		t.Errorf("best keeps the template's capacity under on-demand: got index %d", res.Best[1])
	}
	// Through the evaluator, the three on-demand variants are one.
	l, err := newLayout(sp)
	if err != nil {
		t.Fatal(err)
	}
	ev := newEvaluator(context.Background(), l, p.New, 1, 100)
	gs := []genome.Genome{{1, 0}, {1, 1}, {1, 2}, {0, 2}}
	out, ok := make([]sim.Metrics, len(gs)), make([]bool, len(gs))
	evals = 0
	ev.evalBatch(gs, out, ok)
	if evals != 2 || ev.used != 2 {
		t.Errorf("evaluated %d variants (used %d), want 2: the on-demand ones are one", evals, ev.used)
	}
	if gs[1][1] != 1 || gs[2][1] != 2 {
		t.Error("evalBatch changed the caller's genomes")
	}
}

// TestGALocalSearch: the ga evaluates its best variant's one-gene
// neighbourhood in the generation the best changes, so on a unimodal gene
// of 200 values one generation of a population of 4 (8 variants bred)
// already reaches the optimum.
func TestGALocalSearch(t *testing.T) {
	vals := make([]any, 200)
	for i := range vals {
		vals[i] = 128 + i
	}
	sp := &genome.Space{Genes: []genome.Gene{{Name: "Api.MemorySize", Resource: "Api", Kind: genome.Number,
		Attr: genome.MemorySize, Values: vals, Current: 0, Ordered: true}}}
	const peak = 137
	eval := func(g genome.Genome, m *sim.Metrics) {
		*m = sim.Metrics{Fitness: -math.Abs(float64(g[0]-peak)) / 200, Feasible: true}
	}
	p := Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) { return eval }}
	for seed := int64(1); seed <= 5; seed++ {
		r := mustRun(t, p, Options{Seed: seed, Population: 4, Generations: 1, Budget: 1 << 20})
		if got := r.History[1].BestFitness; got != 0 {
			t.Errorf("seed %d: best fitness %.4f after one generation, want 0 (value %d)", seed, got, 128+peak)
		}
	}
}

// TestClimbReturnsScoredIndividual: the individual a restart's climb
// returns carries its metrics and its eaopt score (an unscored one ranks
// last and is lost from the population), and is better than its start.
func TestClimbReturnsScoredIndividual(t *testing.T) {
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	ev := newEvaluator(context.Background(), l, p.New, 1, 1<<20)
	s := &search{l: l, ev: ev, score: scalar}
	rng := rand.New(rand.NewSource(1))
	for range 5 {
		x := s.take()
		l.randomGenome(x.g, rng)
		start := eaopt.Individuals{newIndividual(x, rng)}
		s.evaluate(start)
		out := s.climb(start[0], rng)
		g := out.Genome.(*gaGenome)
		if out.Genome == start[0].Genome {
			continue // already a local optimum
		}
		if !g.ok || !out.Evaluated || out.Fitness != scalar(&g.met) {
			t.Errorf("climb returned ok %v, evaluated %v, score %v; want its metrics' score %v", g.ok, out.Evaluated, out.Fitness, scalar(&g.met))
		}
		if !better(&g.met, &x.met) {
			t.Errorf("climb returned fitness %.4f from %.4f", g.met.Fitness, x.met.Fitness)
		}
	}
}
