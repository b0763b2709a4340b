package sim

import (
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
)

// walk returns a sequence of genomes of sp the way a search meets them:
// mostly one- and two-gene moves of a base that now and then moves to one
// of them, with random jumps, repeats and returns to earlier genomes.
func walk(sp *genome.Space, n int, rng *rand.Rand) []genome.Genome {
	random := func() genome.Genome {
		g := sp.Current()
		for i := range sp.Genes {
			if !sp.Genes[i].Pinned {
				g[i] = rng.Intn(len(sp.Genes[i].Values))
			}
		}
		return g
	}
	move := func(g genome.Genome) {
		i := rng.Intn(len(g))
		if !sp.Genes[i].Pinned {
			g[i] = rng.Intn(len(sp.Genes[i].Values))
		}
	}
	base := sp.Current()
	var seq []genome.Genome
	for len(seq) < n {
		var g genome.Genome
		switch r := rng.Intn(100); {
		case r < 3:
			g = random()
			base = g
		case r < 5 && len(seq) > 0:
			g = append(genome.Genome(nil), seq[len(seq)-1]...) // a repeat
		case r < 8 && len(seq) > 0:
			g = append(genome.Genome(nil), seq[rng.Intn(len(seq))]...) // back to an earlier one
		default:
			g = append(genome.Genome(nil), base...)
			move(g)
			if r%3 == 0 {
				move(g)
			}
			if r%7 == 0 {
				base = g
			}
		}
		seq = append(seq, g)
	}
	return seq
}

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
			sc, err := scenarios.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			sc.Pin = nil
			tpl, err := scenarios.ReadTemplate(sc)
			if err != nil {
				t.Fatal(err)
			}
			sp, err := genome.Derive(tpl, sc)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Compile(sp, sc)
			if err != nil {
				t.Fatal(err)
			}
			e := p.NewEvaluator()
			var got, want Metrics
			for k, g := range walk(sp, steps, rand.New(rand.NewSource(int64(len(name))))) {
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
	rng := rand.New(rand.NewSource(7))
	for i := range b {
		b[i] = rng.Intn(len(sp.Genes[i].Values))
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
