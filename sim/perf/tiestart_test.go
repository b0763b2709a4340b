package perf

import (
	"math"
	"testing"
)

// TestPercentilesTiedWeights: the search starts from the quantile of the
// first heaviest component in the mixture's own order, as it did before
// prepQ sorted the components by shift, so a mixture whose heaviest
// components tie (functions with the same traffic, here two behind an API
// and one without) keeps the percentiles of the search before that change
// (e739b05^) within 1e-13, and the p99, searched on its own since, keeps
// that search's value. Starting from the first heaviest in shift order
// moved p50 by 1.2e-11.
func TestPercentilesTiedWeights(t *testing.T) {
	cs := []comp{
		{w: 1.140421807199843, shift: 25, mu: 4.96754644597573, sigma: 0.29356037920852385, capMS: 3025},
		{w: 0.0011307042156821585, shift: 25, mu: 5.66910156407634, sigma: 0.15971231806197553, capMS: 3168.4935246039886},
		{w: 1.140421807199843, shift: 25, mu: 4.96754644597573, sigma: 0.29356037920852385, capMS: 3025},
		{w: 0.0011307042156821585, shift: 25, mu: 5.66910156407634, sigma: 0.15971231806197553, capMS: 3168.4935246039886},
		{w: 1.140421807199843, shift: 0, mu: 4.96754644597573, sigma: 0.29356037920852385, capMS: 60000},
		{w: 0.0011307042156821585, shift: 0, mu: 5.66910156407634, sigma: 0.15971231806197553, capMS: 60143.49352460399},
	}
	for i := range cs {
		cs[i].finish()
	}
	// The search before e739b05, on the same components (the p99: the
	// search on its own, 3e-12 from the one that started at the p95).
	want := [3]float64{160.9591583265006, 251.8926341753412, 304.6786790272867}
	var got [3]float64
	got[0], got[1], got[2] = percentiles(cs)
	for j := range got {
		if r := math.Abs(got[j]-want[j]) / want[j]; !(r <= 1e-13) {
			t.Errorf("percentile %d: %v, before %v (relative %g)", j, got[j], want[j], r)
		}
	}
}
