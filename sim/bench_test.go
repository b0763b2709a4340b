package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
)

// BenchmarkEvaluateNonPerf times what Evaluate does besides the latency
// model: the genome applied to the state, the bill (with the performance
// result of the template as written), compliance, rollout, complexity and
// the fitness; on the template's own genome ("current", as
// BenchmarkEvaluate) and on a cycle of 1,024 seeded random genomes of the
// seed-demo space ("random", as a search sees them).
func BenchmarkEvaluateNonPerf(b *testing.B) {
	p := seedPlan(b)
	sp := p.Space()
	r := rand.New(rand.NewPCG(3, 4))
	random := make([]genome.Genome, 1024)
	for k := range random {
		g := sp.Current()
		for i := range g {
			g[i] = r.IntN(len(sp.Genes[i].Values))
		}
		random[k] = g
	}
	current := make([]genome.Genome, 1024)
	for k := range current {
		current[k] = sp.Current()
	}
	for _, bc := range []struct {
		name string
		gs   []genome.Genome
	}{{"current", current}, {"random", random}} {
		b.Run(bc.name, func(b *testing.B) {
			e := p.NewEvaluator()
			var m Metrics
			e.Evaluate(sp.Current(), &m)
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				g := bc.gs[k&1023]
				k++
				p.binder.Apply(e.st, g)
				p.cost.eval(e.st, e.perfR, e.cost)
				m.Objectives.CostUSDMonth = e.cost.total
				p.comp.Eval(e.st, e.compR)
				m.Objectives.Compliance = e.compR.Score
				m.RulesPassed, m.RulesFailed = e.compR.Passed, e.compR.Failed
				p.roll.Eval(e.st, e.rollR)
				m.Objectives.DeployRisk, m.Objectives.LeadTimeMin = e.rollR.DeployRisk, e.rollR.LeadTimeMin
				m.Objectives.Complexity = complexity(e.st, p.keys)
				e.fitness(&m)
			}
		})
	}
}

// BenchmarkEvaluateWalk times Evaluate on a search-like walk of the
// seed-demo space with every gene free (costWalk: mostly one- and two-gene
// moves of a base, some jumps, repeats and returns), as the memetic GA
// feeds one evaluator: "all" with the latency model, "nonperf" without it
// (the performance result stays the template's), the rest of Evaluate.
func BenchmarkEvaluateWalk(b *testing.B) {
	p := scenarioPlan(b, "seed-demo", func(sc *scenarios.Scenario) { sc.Pin = nil })
	gs := costWalk(p.Space(), 4096, rand.New(rand.NewPCG(10, 4)))
	for _, name := range []string{"all", "nonperf"} {
		b.Run(name, func(b *testing.B) {
			e := p.NewEvaluator()
			var m Metrics
			e.Evaluate(gs[0], &m)
			if name == "nonperf" {
				e.perfM = nil
			}
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				e.Evaluate(gs[k&4095], &m)
				k++
			}
		})
	}
}

// BenchmarkEvaluateFlip times Evaluate on one evaluator alternating
// between the seed-demo template's genome (every gene free) and that
// genome with one gene moved to its next value: the one-gene move of the
// memetic GA at its smallest. The genes: a bucket's PublicAccessBlock (a
// gene the latency model does not read: bookkeeping only), a function's
// MemorySize, and its DeploymentPreference type. "all" with the latency
// model, "nonperf" without it (the performance result stays the last
// one).
func BenchmarkEvaluateFlip(b *testing.B) {
	p := scenarioPlan(b, "seed-demo", func(sc *scenarios.Scenario) { sc.Pin = nil })
	sp := p.Space()
	for _, gene := range []string{"encryptedBucket.PublicAccessBlock", "myFirstFunction.MemorySize", "myFirstFunction.DeploymentPreference.Type"} {
		gi := -1
		for i := range sp.Genes {
			if sp.Genes[i].Name == gene {
				gi = i
			}
		}
		if gi < 0 {
			b.Fatalf("seed-demo has no gene %s", gene)
		}
		for _, name := range []string{"all", "nonperf"} {
			b.Run(gene+"/"+name, func(b *testing.B) {
				e := p.NewEvaluator()
				var m Metrics
				g0, g1 := sp.Current(), sp.Current()
				g1[gi] = (g1[gi] + 1) % len(sp.Genes[gi].Values)
				e.Evaluate(g0, &m)
				e.Evaluate(g1, &m)
				if name == "nonperf" {
					e.perfM = nil
				}
				gs := [2]genome.Genome{g0, g1}
				b.ReportAllocs()
				k := 0
				for b.Loop() {
					e.Evaluate(gs[k&1], &m)
					k++
				}
			})
		}
	}
}
