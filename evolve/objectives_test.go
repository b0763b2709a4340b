package evolve

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/evoarch/evoarch/sim"
)

// TestObjectiveValue: every objective reads the Metrics value its
// INTERFACE.md key names (the objectives' JSON, or the fitness), and min
// negates the maximised ones, on metrics whose float fields all differ.
func TestObjectiveValue(t *testing.T) {
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
	data, err := json.Marshal(m.Objectives)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]float64{}
	if err := json.Unmarshal(data, &byKey); err != nil {
		t.Fatal(err)
	}
	byKey["fitness"] = m.Fitness
	for _, e := range objectiveTable {
		o := e.obj
		want, ok := byKey[o.name]
		if !ok {
			t.Fatalf("%s: no such objectives key", o.name)
		}
		if got := o.value(&m); got != want {
			t.Errorf("%s: value %v, want %v", o.name, got, want)
		}
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
