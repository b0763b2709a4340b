package perf

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestSkipLowerAppPercentiles: a model that leaves the application's p50
// and p95 out gives every other figure, the p99 included, bit for bit as a
// model that computes them, warm (memo on) and cold, over seed-demo
// variants in a random order with repeats.
func TestSkipLowerAppPercentiles(t *testing.T) {
	base, sc, vs := seedVariants(t, 300, 0.3)
	lean, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	lean.SkipLowerAppPercentiles(true)
	lean.SkipFunctionPercentiles(true)
	full, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	full.SkipFunctionPercentiles(true)
	cold, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	cold.noMemo = true
	cold.SkipFunctionPercentiles(true)
	rl, rf, rc := lean.NewResult(), full.NewResult(), cold.NewResult()
	rng := rand.New(rand.NewPCG(7, 8))
	withP99 := 0
	for k := range 3000 {
		v := vs[rng.IntN(len(vs))]
		lean.Eval(v, rl)
		full.Eval(v, rf)
		cold.Eval(v, rc)
		if !sameBits(rf, rc) {
			t.Fatalf("evaluation %d: the warm full model differs from a cold one", k)
		}
		if rf.App.P99MS > 0 {
			withP99++
			if !(rf.App.P50MS <= rf.App.P95MS && rf.App.P95MS <= rf.App.P99MS) {
				t.Fatalf("evaluation %d: percentiles out of order: %+v", k, rf.App)
			}
			if !math.IsNaN(rl.App.P50MS) || !math.IsNaN(rl.App.P95MS) {
				t.Fatalf("evaluation %d: the lean model computed p50 %v, p95 %v", k, rl.App.P50MS, rl.App.P95MS)
			}
		}
		want := &Result{Functions: append([]FunctionResult(nil), rf.Functions...), App: rf.App}
		got := &Result{Functions: append([]FunctionResult(nil), rl.Functions...), App: rl.App}
		if rf.App.P99MS > 0 {
			want.App.P50MS, want.App.P95MS = 0, 0
			got.App.P50MS, got.App.P95MS = 0, 0
		}
		if !reflect.DeepEqual(got, want) || math.Float64bits(got.App.P99MS) != math.Float64bits(want.App.P99MS) {
			t.Fatalf("evaluation %d: lean %+v\nfull %+v", k, got.App, want.App)
		}
	}
	if withP99 == 0 {
		t.Fatal("no variant with application percentiles")
	}
}
