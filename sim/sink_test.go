package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCostSumsWithoutLines: the search's cost pass (sums only, no Line
// built) and the report's (every line kept) agree bit for bit on random
// seed-demo variants, and the kept lines add up, in order, to exactly the
// sums both report.
func TestCostSumsWithoutLines(t *testing.T) {
	p := seedPlan(t)
	e := p.NewEvaluator()
	sp := p.Space()
	r := rand.New(rand.NewPCG(5, 6))
	sums, kept := p.cost.newScratch(), p.cost.newScratch()
	kept.keep = true
	var m Metrics
	for n := 0; n < 300; n++ {
		g := sp.Current()
		if n > 0 {
			for i := range g {
				g[i] = r.IntN(len(sp.Genes[i].Values))
			}
		}
		e.Evaluate(g, &m)
		p.cost.eval(e.st, e.perfR, sums)
		p.cost.eval(e.st, e.perfR, kept)
		if math.Float64bits(sums.total) != math.Float64bits(kept.total) || sums.total != m.Objectives.CostUSDMonth {
			t.Fatalf("variant %d: total %v without lines, %v with, Evaluate %v", n, sums.total, kept.total, m.Objectives.CostUSDMonth)
		}
		if sums.unknown != kept.unknown {
			t.Fatalf("variant %d: %d usage-dependent lines without lines, %d with", n, sums.unknown, kept.unknown)
		}
		if len(sums.lines) != 0 {
			t.Fatalf("variant %d: the sums-only pass built %d lines", n, len(sums.lines))
		}
		unknown := 0
		for k := range p.cost.slots {
			var usd float64
			for _, l := range kept.lines[kept.spans[k][0]:kept.spans[k][1]] {
				usd += l.USDMonth
				if l.DependsOnUsage {
					unknown++
				}
			}
			if math.Float64bits(usd) != math.Float64bits(sums.usd[k]) || math.Float64bits(usd) != math.Float64bits(kept.usd[k]) {
				t.Fatalf("variant %d, %s: lines sum to %v, sums %v and %v", n, p.cost.slots[k].id, usd, sums.usd[k], kept.usd[k])
			}
		}
		if unknown != kept.unknown {
			t.Fatalf("variant %d: %d lines depend on usage, counted %d", n, unknown, kept.unknown)
		}
	}
}
