package evolve

import (
	"math"
	"math/rand"
	"sort"
	"testing"
)

// hsoRef is the hypervolume slicing of Hypervolume before its
// three-dimensional case kept its slices sorted: each slice sorted again.
func hsoRef(ps [][]float64, ref []float64, d int) float64 {
	if d == 1 {
		best := ref[0]
		for _, p := range ps {
			best = math.Min(best, p[0])
		}
		return ref[0] - best
	}
	sorted := append([][]float64(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i][d-1] < sorted[j][d-1] })
	if d == 2 {
		vol, bestX := 0.0, ref[0]
		for i, p := range sorted {
			bestX = math.Min(bestX, p[0])
			top := ref[1]
			if i+1 < len(sorted) {
				top = sorted[i+1][1]
			}
			vol += (ref[0] - bestX) * (top - p[1])
		}
		return vol
	}
	vol := 0.0
	var slice [][]float64
	for i, p := range sorted {
		slice = addNonDominated(slice, p, d-1)
		top := ref[d-1]
		if i+1 < len(sorted) {
			top = sorted[i+1][d-1]
		}
		if depth := top - p[d-1]; depth > 0 {
			vol += hsoRef(slice, ref, d-1) * depth
		}
	}
	return vol
}

// TestHypervolumeMatchesReference: Hypervolume gives bit for bit the
// result of the plain slicing algorithm, on random point sets with many
// ties (coordinates on a coarse grid) in two to four dimensions, so the
// hypervolume history of a run does not depend on the faster slicing.
func TestHypervolumeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 300; trial++ {
		d := 2 + trial%3
		n := 1 + rng.Intn(60)
		grid := float64(2 + rng.Intn(10))
		var ps [][]float64
		for range n {
			p := make([]float64, d)
			for k := range p {
				p[k] = math.Floor(rng.Float64()*grid) / grid * 10
				if rng.Intn(4) == 0 {
					p[k] += rng.Float64() // off the grid now and then
				}
			}
			ps = append(ps, p)
		}
		ref := make([]float64, d)
		for k := range ref {
			ref[k] = 10.5
		}
		got, want := Hypervolume(ps, ref), hsoRef(ps, ref, d)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("trial %d (d %d, %d points): %v, reference %v", trial, d, n, got, want)
		}
	}
}
