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
// one Model. "apply" times the ApplyFrom alone, to subtract.
func BenchmarkEvalGASeq(b *testing.B) {
	for _, apply := range []bool{false, true} {
		name := "eval"
		if apply {
			name = "apply"
		}
		b.Run(name, func(b *testing.B) {
			s, gs := seqGenomes(b, 100000)
			m, err := Compile(s.base, s.sc)
			if err != nil {
				b.Fatal(err)
			}
			m.SkipFunctionPercentiles(true)
			out := m.NewResult()
			st := s.bd.NewState()
			s.bd.Apply(st, gs[0])
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				j := i + 1
				if j == len(gs) {
					j = 0
				}
				s.bd.ApplyFrom(st, gs[i], gs[j])
				if !apply {
					m.Eval(st, out)
				}
				i = j
			}
		})
	}
}
