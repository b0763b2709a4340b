package evolve

import (
	"math"
	"reflect"
	"testing"

	"github.com/evoarch/evoarch/sim"
)

// TestObjectiveValueMatchesGet: value (the archive's direct read) reads
// the same Metrics value as get for every objective, and min turns NaN
// into the worst value, on metrics whose float fields all differ.
func TestObjectiveValueMatchesGet(t *testing.T) {
	var m sim.Metrics
	next := 1.5
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.Float64:
			v.SetFloat(next)
			next++
		}
	}
	fill(reflect.ValueOf(&m).Elem())
	for _, e := range objectiveTable {
		o := e.obj
		if got, want := o.value(&m), o.get(&m); got != want {
			t.Errorf("%s: value %v, get %v", o.name, got, want)
		}
		want := o.get(&m)
		if o.maximize {
			want = -want
		}
		if got := o.min(&m); got != want {
			t.Errorf("%s: min %v, want %v", o.name, got, want)
		}
	}
	nan := sim.Metrics{Fitness: math.NaN(), Objectives: sim.Objectives{CostUSDMonth: math.NaN(), Compliance: math.NaN()}}
	for _, name := range []string{"cost", "compliance", "fitness"} {
		objs, err := parseObjectives([]string{name, "p99"})
		if err != nil {
			t.Fatal(err)
		}
		if got := objs[0].min(&nan); !math.IsInf(got, 1) {
			t.Errorf("%s: min of NaN = %v, want +Inf", name, got)
		}
	}
}
