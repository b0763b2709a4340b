package perf

import (
	"reflect"
	"testing"
)

// TestLazyEvalIsWhole: a memo hit on another entry copies only part of a
// function's evaluation (fnModel.lazy); what reads the rest, the Monte
// Carlo here, must see the whole evaluation, as a fresh Model's. The
// same seed gives the same draws, so the two agree bit for bit or a field
// was read stale.
func TestLazyEvalIsWhole(t *testing.T) {
	base, sc, vs := seedVariants(t, 3, 0.5)
	m, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	out := m.NewResult()
	for _, v := range []int{0, 1, 2, 0} {
		m.Eval(vs[v], out)
	}
	lazy := 0
	for i := range m.fns {
		if m.fns[i].lazy && m.fns[i].has {
			lazy++
		}
	}
	if lazy == 0 {
		t.Fatal("no function with traffic left lazy: the test is too weak")
	}
	fresh, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	got, want := MonteCarlo(m, vs[0], 5, n), MonteCarlo(fresh, vs[0], 5, n)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Monte Carlo after memo hits %+v\nfresh %+v", got, want)
	}
	for i := range m.fns {
		if m.fns[i].lazy || m.fns[i].ev != fresh.fns[i].ev {
			t.Errorf("function %d: lazy %v after MonteCarlo, evaluation %+v\nfresh %+v", i, m.fns[i].lazy, m.fns[i].ev, fresh.fns[i].ev)
		}
	}
}
