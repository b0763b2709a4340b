package perf

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/evoarch/evoarch/genome"
)

// seqGenomes returns seed-demo's space (every gene free) and the first n
// genomes the GA evaluated on it, in order, from /tmp/seq.json, or, when
// the file is missing or of another space (CI), a walk of one-gene moves
// from random variants, as the memetic GA's climb evaluates them.
func seqGenomes(b testing.TB, n int) (space, []genome.Genome) {
	s := seedSpace(b)
	var gs []genome.Genome
	if data, err := os.ReadFile("/tmp/seq.json"); err == nil {
		var raw [][]int
		if json.Unmarshal(data, &raw) == nil {
			for _, g := range raw {
				if len(g) != len(s.sp.Genes) {
					gs = nil
					break
				}
				gs = append(gs, g)
			}
		}
	}
	if len(gs) == 0 {
		rng := rand.New(rand.NewPCG(5, 6))
		g := s.sp.Current()
		for len(gs) < n {
			if rng.IntN(50) == 0 {
				for j := range g {
					g[j] = rng.IntN(len(s.sp.Genes[j].Values))
				}
			}
			j := rng.IntN(len(g))
			g[j] = rng.IntN(len(s.sp.Genes[j].Values))
			gs = append(gs, append(genome.Genome(nil), g...))
		}
	}
	return s, gs[:min(n, len(gs))]
}

// BenchmarkEvalGASeq evaluates the GA's sequence (seqGenomes) in order,
// as sim's Evaluator does: one State, each genome applied to it from the
// previous one (infra.Binder.ApplyFrom), the application's figures only,
// one Model, over and over (its memo warm after the first pass). "lean"
// leaves the application's p50 and p95 out (SkipLowerAppPercentiles), as
// the search runs; "-run" starts each pass with a new Model (untimed), as
// one GA run meets the sequence once; "apply" times the ApplyFrom alone,
// to subtract.
func BenchmarkEvalGASeq(b *testing.B) {
	for _, c := range []struct {
		name               string
		apply, lean, fresh bool
	}{
		{"eval", false, false, false}, {"lean", false, true, false},
		{"eval-run", false, false, true}, {"lean-run", false, true, true},
		{"apply", true, false, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, gs := seqGenomes(b, 100000)
			compile := func() *Model {
				m, err := Compile(s.base, s.sc)
				if err != nil {
					b.Fatal(err)
				}
				m.SkipFunctionPercentiles(true)
				m.SkipLowerAppPercentiles(c.lean)
				return m
			}
			m := compile()
			out := m.NewResult()
			st := s.bd.NewState()
			s.bd.Apply(st, gs[0])
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				j := i + 1
				if j == len(gs) {
					j = 0
					if c.fresh {
						b.StopTimer()
						m = compile()
						b.StartTimer()
					}
				}
				s.bd.ApplyFrom(st, gs[i], gs[j])
				if !c.apply {
					m.Eval(st, out)
				}
				i = j
			}
		})
	}
}

// BenchmarkMixtureSolve times the percentile search alone (percentilesIn)
// on the application mixtures of the first 20,000 evaluations of the GA's
// sequence (seqGenomes), in order: "full" the p50, p95 and p99, "lean" the
// p99 alone (SkipLowerAppPercentiles).
func BenchmarkMixtureSolve(b *testing.B) {
	s, gs := seqGenomes(b, 20000)
	m, err := Compile(s.base, s.sc)
	if err != nil {
		b.Fatal(err)
	}
	m.noMemo = true
	m.SkipFunctionPercentiles(true)
	out := m.NewResult()
	st := s.bd.NewState()
	s.bd.Apply(st, gs[0])
	var mixes [][]comp
	for i := 1; i < len(gs); i++ {
		s.bd.ApplyFrom(st, gs[i-1], gs[i])
		m.Eval(st, out)
		if out.App.P99MS > 0 {
			mixes = append(mixes, append([]comp(nil), m.mixComps...))
		}
	}
	if len(mixes) == 0 {
		b.Fatal("no application mixture in the sequence")
	}
	for _, lean := range []bool{false, true} {
		name := "full"
		if lean {
			name = "lean"
		}
		b.Run(name, func(b *testing.B) {
			buf := make([]qcomp, 0, len(mixes[0]))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				percentilesIn(mixes[i], buf, lean)
				if i++; i == len(mixes) {
					i = 0
				}
			}
		})
	}
}
