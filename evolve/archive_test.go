package evolve

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// TestArchiveMatchesReference: archive.add (its recent-rejecter order and
// its below-every-point shortcut) keeps exactly the points, in the same
// order, as the plain rule: reject a variant some point weakly dominates,
// else drop the points it dominates and append it. The variants come in
// runs near one another (as a climb's moves do), on small integer grids
// with many ties and equal vectors, some infeasible.
func TestArchiveMatchesReference(t *testing.T) {
	objs, _ := parseObjectives([]string{"cost", "latency", "compliance"})
	rng := rand.New(rand.NewSource(11))
	for round := range 40 {
		a := newArchive(objs)
		var refG []genome.Genome
		var refV [][]float64
		grid := 3 + round%6
		center := [3]int{}
		for i := range 600 {
			if i%25 == 0 {
				for k := range center {
					center[k] = rng.Intn(grid)
				}
			}
			var c [3]float64
			for k := range c {
				c[k] = float64(center[k] + rng.Intn(3) - 1)
			}
			m := sim.Metrics{Feasible: rng.Intn(10) > 0, Objectives: sim.Objectives{CostUSDMonth: c[0], LatencyP99MS: c[1], Compliance: c[2]}}
			g := genome.Genome{round, i}
			a.add(g, &m)
			if !m.Feasible {
				continue
			}
			v := a.vector(nil, &m)
			rejected := false
			for _, p := range refV {
				if weaklyDominates(p, v, len(v)) {
					rejected = true
				}
			}
			if rejected {
				continue
			}
			j := 0
			for k := range refV {
				if !paretoDominates(v, refV[k]) {
					refG[j], refV[j] = refG[k], refV[k]
					j++
				}
			}
			refG, refV = append(refG[:j], g), append(refV[:j], v)
			if len(a.g) != len(refG) {
				t.Fatalf("round %d variant %d: archive has %d points, reference %d", round, i, len(a.g), len(refG))
			}
		}
		for k := range refG {
			if !slices.Equal(a.g[k], refG[k]) || !slices.Equal(a.v[k], refV[k]) {
				t.Fatalf("round %d: point %d is %v %v, reference %v %v", round, k, a.g[k], a.v[k], refG[k], refV[k])
			}
		}
	}
}
