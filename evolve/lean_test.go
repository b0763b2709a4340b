package evolve

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim"
)

// scenarioProblem is a built-in scenario's problem (every gene free when
// free is set), with sim's lean evaluators as Lean; leanCalls and
// fullCalls count the calls of each kind of function.
func scenarioProblem(tb testing.TB, name string, free bool, leanCalls, fullCalls *atomic.Int64) Problem {
	tb.Helper()
	sc, err := scenarios.Load(name)
	if err != nil {
		tb.Fatal(err)
	}
	if free {
		sc.Pin = nil
	}
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
	counted := func(newEv func() *sim.Evaluator, n *atomic.Int64) func() func(genome.Genome, *sim.Metrics) {
		return func() func(genome.Genome, *sim.Metrics) {
			e := newEv()
			return func(g genome.Genome, m *sim.Metrics) { n.Add(1); e.Evaluate(g, m) }
		}
	}
	return Problem{Space: sp, New: counted(plan.NewEvaluator, fullCalls), Lean: counted(plan.NewLeanEvaluator, leanCalls)}
}

// sameBits returns the path of the first difference between a and b, ""
// when they are equal: floats compare by their bits (NaN equals the same
// NaN), and skip(path) leaves a field out.
func sameBits(a, b reflect.Value, path string, skip func(string) bool) string {
	if skip(path) {
		return ""
	}
	if a.Kind() != b.Kind() {
		return path + ": kinds differ"
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
			return fmt.Sprintf("%s: %v != %v", path, a.Float(), b.Float())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return path
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d != %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return path
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q != %q", path, a.String(), b.String())
		}
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil differs"
			}
			return ""
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return path + ": types differ"
		}
		return sameBits(a.Elem(), b.Elem(), path, skip)
	case reflect.Slice, reflect.Array:
		if a.Kind() == reflect.Slice && a.IsNil() != b.IsNil() {
			return path + ": nil differs"
		}
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: lengths %d != %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := sameBits(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), skip); d != "" {
				return d
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if d := sameBits(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, skip); d != "" {
				return d
			}
		}
	default:
		return path + ": unexpected kind " + a.Kind().String()
	}
	return ""
}

// membersP50P95 matches the only values a lean run may leave out of its
// Result: the p50 and p95 of History's Members (Generation.Members).
func membersP50P95(path string) bool {
	return strings.HasPrefix(path, ".History[") && strings.Contains(path, ".Members[") &&
		(strings.HasSuffix(path, ".LatencyP50MS") || strings.HasSuffix(path, ".LatencyP95MS"))
}

// TestLeanSameResult: with Problem.Lean (sim's lean evaluators) every
// built-in scenario, with its pins and with every gene free, gives the
// Result New alone gives, for every algorithm, seeds 1-2, one and three
// workers: the same JSON bytes and every Metrics, genome, history entry
// and count bit for bit (NaN-aware), but the Members' p50 and p95. The
// lean functions must do the search's work, and none when an objective
// reads p50.
func TestLeanSameResult(t *testing.T) {
	type algo struct {
		name string
		opts Options
		lean bool // the search may evaluate lean
	}
	algos := []algo{
		{"ga", Options{Algorithm: GA, Population: 40, Generations: 8}, true},
		{"nsga2", Options{Algorithm: NSGA2, Population: 40, Generations: 6}, true},
		{"nsga2-p50,cost", Options{Algorithm: NSGA2, Population: 40, Generations: 6, Objectives: []string{"p50", "cost"}}, false},
		// The next change from the search's variants (not enumerated).
		{"ga-inexact", Options{Algorithm: GA, Population: 40, Generations: 8, MaxChange: 2, NeighbourhoodLimit: 10}, true},
		{"random", Options{Algorithm: Random, Budget: 150}, true},
		{"hillclimb", Options{Algorithm: HillClimb, Budget: 150}, true},
	}
	// Runs whose lean search left p50 out somewhere (else the test proves
	// nothing).
	differs := 0
	for _, name := range scenarios.Names() {
		for _, free := range []bool{false, true} {
			list := algos
			if name == "workshop-tiny" && !free {
				list = append(list[:len(list):len(list)], algo{"exhaustive", Options{Algorithm: Exhaustive}, true})
			}
			for _, a := range list {
				for seed := int64(1); seed <= 2; seed++ {
					for _, workers := range []int{1, 3} {
						o := a.opts
						o.Seed, o.Workers = seed, workers
						label := fmt.Sprintf("%s/free=%v/%s/seed=%d/workers=%d", name, free, a.name, seed, workers)
						if checkLean(t, label, name, free, o, a.lean) {
							differs++
						}
					}
				}
			}
		}
	}
	if differs == 0 {
		t.Error("no lean run left p50 out of a population's member: the lean evaluator was never lean")
	}
}

// checkLean runs scenario name with o with and without Lean, reports any
// difference, and returns whether the lean run left p50 out of a member.
func checkLean(t *testing.T, label, name string, free bool, o Options, lean bool) bool {
	t.Helper()
	var leanCalls, fullCalls, plainCalls, unused atomic.Int64
	pl := scenarioProblem(t, name, free, &leanCalls, &fullCalls)
	plain := scenarioProblem(t, name, free, &unused, &plainCalls)
	plain.Lean = nil
	want, err := Run(context.Background(), plain, o)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	got, err := Run(context.Background(), pl, o)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	if d := sameBits(reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem(), "", membersP50P95); d != "" {
		t.Errorf("%s: lean result differs at %s", label, d)
		return false
	}
	jw, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	jg, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(jw) != string(jg) {
		t.Errorf("%s: lean JSON differs:\n%s\n%s", label, jg, jw)
	}
	if unused.Load() != 0 {
		t.Errorf("%s: a problem without Lean called a lean function", label)
	}
	switch {
	case lean && leanCalls.Load() == 0:
		t.Errorf("%s: the search never evaluated lean", label)
	case !lean && leanCalls.Load() != 0:
		t.Errorf("%s: %d lean evaluations with p50 as an objective", label, leanCalls.Load())
	case !lean && fullCalls.Load() != plainCalls.Load():
		t.Errorf("%s: %d full evaluations, %d without Lean", label, fullCalls.Load(), plainCalls.Load())
	}
	return leftOut(got)
}

// leftOut reports whether a member of r's history has a NaN p50.
func leftOut(r *Result) bool {
	for _, g := range r.History {
		for _, m := range g.Members {
			if math.IsNaN(m.LatencyP50MS) {
				return true
			}
		}
	}
	return false
}

// TestLeanFullCache: with a cache too small for the search, variants the
// cache does not hold (the best, front points) are still completed with
// full functions, counted nowhere.
func TestLeanFullCache(t *testing.T) {
	defer func(n int) { maxCache = n }(maxCache)
	maxCache = 60
	for _, workers := range []int{1, 3} {
		for _, o := range []Options{
			{Algorithm: GA, Population: 40, Generations: 8},
			{Algorithm: NSGA2, Population: 40, Generations: 6},
			{Algorithm: HillClimb, Budget: 300},
		} {
			o.Seed, o.Workers = 1, workers
			checkLean(t, fmt.Sprintf("seed-demo/%s/workers=%d", o.Algorithm, workers), "seed-demo", true, o, true)
		}
	}
}
