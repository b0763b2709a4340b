package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLogHalf(t *testing.T) {
	const budget = 0.001 // scenarios' default error budget (99.9%)
	tests := []struct {
		x, want float64
	}{
		{0, 1},
		{budget, 0.5},
		{1, 0},
		{2, 0},  // clamped: a share cannot exceed 1
		{-1, 1}, // negative counts as 0
		{0.4, 1 - math.Log1p(998000*0.4)/math.Log1p(998000)},
	}
	for _, tt := range tests {
		if got := logHalf(budget, tt.x); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("logHalf(%g, %g) = %g, want %g", budget, tt.x, got, tt.want)
		}
	}
	// Strictly decreasing, and a cut from 40% to 8% errors is worth far
	// more than under t / (t + x) (issue 3: the breakdown shows why a
	// variant wins; an 80% cut in failures must show).
	prev := 2.0
	for _, x := range []float64{0, 1e-9, 1e-6, 1e-4, 1e-3, 1e-2, 0.08, 0.4, 0.9, 1} {
		u := logHalf(budget, x)
		if !(u < prev) && x != 0 {
			t.Errorf("logHalf not decreasing at %g: %g after %g", x, u, prev)
		}
		prev = u
	}
	if gain, old := logHalf(budget, 0.08)-logHalf(budget, 0.4), half(budget, 0.08)-half(budget, 0.4); gain < 10*old {
		t.Errorf("40%% -> 8%% errors gains %g, want far more than t/(t+x)'s %g", gain, old)
	}
	// Outside (0, 1/2) the budget falls back to t / (t + x).
	if got := logHalf(0.7, 0.7); got != 0.5 {
		t.Errorf("fallback: got %g", got)
	}
}

// TestLogMemo: the memoized availability utility equals the curve's, bit
// for bit, on a sequence of repeated and changed error rates (signed
// zeros, NaN, out of range included).
func TestLogMemo(t *testing.T) {
	xs := []float64{0, 0, math.Copysign(0, -1), 1e-4, 1e-4, 0.4, math.NaN(), math.NaN(), 2, 1e-4, 0.001, 0.001, -1, 0.5}
	for _, budget := range []float64{0.001, 0.7} {
		c := newLogCurve(budget)
		var memo logMemo
		for k, x := range xs {
			if got, want := c.atMemo(x, &memo), c.at(x); !sameBits(got, want) {
				t.Errorf("budget %g step %d: atMemo(%g) = %g, want %g", budget, k, x, got, want)
			}
		}
	}
}

// TestUtilitiesMemo: utilitiesMemo, fed a sequence of objectives that
// change one input at a time (values that repeat, -0, NaN and
// infinities among them), gives utilities' values bit for bit.
func TestUtilitiesMemo(t *testing.T) {
	f := readFitness(nil, 1e6, 4)
	vals := []float64{0, math.Copysign(0, -1), 0.001, 0.5, 1, 3, 120, 1e9, math.NaN(), math.Inf(1), -2}
	rng := rand.New(rand.NewPCG(5, 6))
	var o Objectives
	fields := []*float64{&o.CostUSDMonth, &o.LatencyP99MS, &o.Compliance, &o.ErrorRate, &o.DeployRisk, &o.LeadTimeMin}
	var got, want [nObjectives]float64
	var av, avWant logMemo
	var memo utilMemo
	for k := 0; k < 5000; k++ {
		*fields[rng.IntN(len(fields))] = vals[rng.IntN(len(vals))]
		f.utilitiesMemo(&o, &got, &av, &memo)
		f.utilities(&o, &want, &avWant)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("step %d, %+v: utility %s %v, want %v", k, o, objectiveNames[i], got[i], want[i])
			}
		}
	}
}
