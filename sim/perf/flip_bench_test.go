package perf

import (
	"testing"

	"github.com/evoarch/evoarch/sim/infra"
)

// BenchmarkEvalFlip alternates one Model between two seed-demo variants
// (every gene free, the template's values) that differ in one gene, as the
// memetic GA's climb moves one variant: a gene the latency model does not
// read (a bucket's public access block: every call's inputs unchanged) and
// a function's memory (that function's entry changes, both in its memo).
// Function percentiles skipped, as the search evaluates.
func BenchmarkEvalFlip(b *testing.B) {
	for _, c := range []struct{ name, gene string }{
		{"noop", "encryptedBucket.PublicAccessBlock"},
		{"memory", "myFirstFunction.MemorySize"},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := seedSpace(b)
			gi := -1
			for j := range s.sp.Genes {
				if s.sp.Genes[j].Name == c.gene {
					gi = j
				}
			}
			if gi < 0 {
				b.Fatalf("no gene %s in seed-demo's space", c.gene)
			}
			m, err := Compile(s.base, s.sc)
			if err != nil {
				b.Fatal(err)
			}
			m.SkipFunctionPercentiles(true)
			out := m.NewResult()
			g0 := s.sp.Current()
			g1 := s.sp.Current()
			g1[gi] = (g1[gi] + 1) % len(s.sp.Genes[gi].Values)
			st := [2]*infra.State{s.bd.NewState(), s.bd.NewState()}
			s.bd.Apply(st[0], g0)
			s.bd.Apply(st[1], g1)
			m.Eval(st[0], out)
			m.Eval(st[1], out)
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				m.Eval(st[k&1], out)
				k++
			}
		})
	}
}
