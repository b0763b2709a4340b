package sim

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
)

// TestEvaluatorIncremental: one evaluator fed a search-like sequence of
// genomes (its models answering from their previous calls where they can)
// gives every genome the metrics a fresh evaluator gives it, bit for bit,
// on every built-in scenario with every gene free.
func TestEvaluatorIncremental(t *testing.T) {
	names := scenarios.Names()
	steps := 600
	if testing.Short() {
		steps = 150
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p := scenarioPlan(t, name, func(sc *scenarios.Scenario) { sc.Pin = nil })
			e := p.NewEvaluator()
			var got, want Metrics
			for k, g := range costWalk(p.Space(), steps, rand.New(rand.NewPCG(uint64(len(name)), 1))) {
				e.Evaluate(g, &got)
				p.NewEvaluator().Evaluate(g, &want)
				if !sameMetrics(&got, &want) {
					t.Fatalf("step %d, genome %v:\n got %+v\nwant %+v", k, g, got, want)
				}
			}
		})
	}
}

// sameMetrics compares every float of two Metrics by its bits (NaN equal
// to NaN).
func sameMetrics(a, b *Metrics) bool {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	return sameValue(va, vb)
}

func sameValue(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Float64, reflect.Float32:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Array, reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
}

// TestEvaluatorOtherLength: a genome of another length than the space's
// (Evaluate applies its first len(space) genes, as a fresh evaluator does)
// leaves the evaluator answering the next genomes as a fresh one would:
// the state it built is not the previous genome's.
func TestEvaluatorOtherLength(t *testing.T) {
	p := seedPlan(t)
	sp := p.Space()
	a := sp.Current()
	b := sp.Current()
	rng := rand.New(rand.NewPCG(7, 1))
	for i := range b {
		b[i] = rng.IntN(len(sp.Genes[i].Values))
	}
	long := append(append(genome.Genome(nil), b...), 0)
	for k, seq := range [][]genome.Genome{{a, long, a}, {a, long, b}, {long, a, long, b}} {
		e := p.NewEvaluator()
		var got, want Metrics
		for j, g := range seq {
			e.Evaluate(g, &got)
			p.NewEvaluator().Evaluate(g, &want)
			if !sameMetrics(&got, &want) {
				t.Fatalf("sequence %d step %d (length %d):\n got %+v\nwant %+v", k, j, len(g), got, want)
			}
		}
	}
}

// TestLeanEvaluator: a lean evaluator, fed the same search-like sequence,
// writes every figure of a full evaluator's metrics bit for bit but the
// application's p50 and p95, which it leaves NaN when the latency model
// runs, on every built-in scenario with every gene free.
func TestLeanEvaluator(t *testing.T) {
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			p := scenarioPlan(t, name, func(sc *scenarios.Scenario) { sc.Pin = nil })
			lean, full := p.NewLeanEvaluator(), p.NewEvaluator()
			var got, want Metrics
			for k, g := range costWalk(p.Space(), 300, rand.New(rand.NewPCG(uint64(len(name)), 2))) {
				lean.Evaluate(g, &got)
				full.Evaluate(g, &want)
				if p.computed.Latency && want.Objectives.LatencyP99MS > 0 &&
					!(math.IsNaN(got.Objectives.LatencyP50MS) && math.IsNaN(got.Objectives.LatencyP95MS)) {
					t.Fatalf("step %d: the lean evaluator computed p50 %v and p95 %v", k, got.Objectives.LatencyP50MS, got.Objectives.LatencyP95MS)
				}
				got.Objectives.LatencyP50MS, got.Objectives.LatencyP95MS = 0, 0
				want.Objectives.LatencyP50MS, want.Objectives.LatencyP95MS = 0, 0
				if !sameMetrics(&got, &want) {
					t.Fatalf("step %d, genome %v:\n lean %+v\n full %+v", k, g, got, want)
				}
			}
		})
	}
}
