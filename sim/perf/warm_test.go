package perf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// space is a template's genome space bound to its baseline, with the
// scenario its Model compiles under.
type space struct {
	name string
	sc   *scenarios.Scenario
	base *infra.State
	sp   *genome.Space
	bd   *infra.Binder
}

// seedSpace is seed-demo with every gene free (sc.Pin = nil).
func seedSpace(t testing.TB) space {
	t.Helper()
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	sc.Pin = nil
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	return bindSpace(t, "seed-demo", tpl, sc)
}

func bindSpace(t testing.TB, name string, tpl *cfn.Template, sc *scenarios.Scenario) space {
	t.Helper()
	base, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := genome.Derive(tpl, sc)
	if err != nil {
		t.Fatal(err)
	}
	bd, err := infra.Bind(sp, base)
	if err != nil {
		t.Fatal(err)
	}
	return space{name: name, sc: sc, base: base, sp: sp, bd: bd}
}

// sameBits reports whether two results are bit-identical, field by field.
func sameBits(a, b *Result) bool {
	if len(a.Functions) != len(b.Functions) {
		return false
	}
	eq := func(x, y reflect.Value) bool {
		for i := range x.NumField() {
			fx, fy := x.Field(i), y.Field(i)
			switch fx.Kind() {
			case reflect.Float64:
				if math.Float64bits(fx.Float()) != math.Float64bits(fy.Float()) {
					return false
				}
			default:
				if fx.Interface() != fy.Interface() {
					return false
				}
			}
		}
		return true
	}
	for i := range a.Functions {
		if !eq(reflect.ValueOf(a.Functions[i]), reflect.ValueOf(b.Functions[i])) {
			return false
		}
	}
	return eq(reflect.ValueOf(a.App), reflect.ValueOf(b.App))
}

// perturbations returns values to set field v (settable) to, each
// different from its value: every field kind a resource struct has.
func perturbations(v reflect.Value, nAPIs int) []reflect.Value {
	var out []reflect.Value
	add := func(x any) {
		nv := reflect.New(v.Type()).Elem()
		switch xv := x.(type) {
		case int64:
			nv.SetInt(xv)
		case uint64:
			nv.SetUint(xv)
		case float64:
			nv.SetFloat(xv)
		case bool:
			nv.SetBool(xv)
		case string:
			nv.SetString(xv)
		case []int:
			nv.Set(reflect.ValueOf(xv))
		}
		if !reflect.DeepEqual(nv.Interface(), v.Interface()) {
			out = append(out, nv)
		}
	}
	switch v.Kind() {
	case reflect.Bool:
		add(!v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		x := v.Int()
		for _, y := range []int64{x + 1, x - 1, 0, -1, 1, 2, 5, 100, 3000, int64(nAPIs)} {
			add(y)
		}
	case reflect.Uint8, reflect.Uint, reflect.Uint64:
		x := v.Uint()
		for y := range uint64(12) {
			if y != x {
				add(y)
			}
		}
	case reflect.Float64:
		x := v.Float()
		for _, y := range []float64{x * 2, x / 2, x + 1, 0, -1, 1, 0.5, 128, 1024, 10240, 40000} {
			add(y)
		}
	case reflect.String:
		for _, y := range []string{"", "x", "python3.12", "java21", "nodejs22.x", "provided.al2023", v.String() + "x"} {
			add(y)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Int {
			add([]int(nil))
			add([]int{0})
			add(append(append([]int(nil), v.Interface().([]int)...), 0))
		}
	default:
		panic(fmt.Sprintf("perturbations: field kind %s not covered: extend the test", v.Kind()))
	}
	return out
}

// clone copies a State's resources deeply enough for one field to be
// changed.
func clone(st *infra.State) *infra.State {
	c := &infra.State{}
	c.CopyFrom(st)
	return c
}

// TestWarmModelMatchesFresh changes, one at a time, every field of every
// resource of infra.State (found by reflection, so a field added later is
// covered) on seed-demo's template and random variants of it: wherever the
// change moves a fresh Model's result, a Model whose memo tables are warm
// from the unchanged State gives the fresh result, there and back. A field
// the model reads but leaves out of a memo key would fail here (as
// Functions.Image did: TestRuntimeRowFollowsImage).
func TestWarmModelMatchesFresh(t *testing.T) {
	s := seedSpace(t)
	// Every API caches a share of the requests, so that its cache counts.
	s.sc.Workload.Apis = map[string]*scenarios.APILoad{}
	for _, api := range s.base.APIs {
		s.sc.Workload.Apis[api.ID] = &scenarios.APILoad{CacheHitRatio: 0.4}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	bases := []*infra.State{s.base}
	for range 12 {
		g := s.sp.Current()
		for j := range g {
			g[j] = rng.IntN(len(s.sp.Genes[j].Values))
		}
		st := s.bd.NewState()
		s.bd.Apply(st, g)
		bases = append(bases, st)
	}
	evalFresh := func(st *infra.State) *Result {
		m, err := Compile(s.base, s.sc)
		if err != nil {
			t.Fatal(err)
		}
		r := m.NewResult()
		m.Eval(st, r)
		return r
	}
	read := map[string]bool{}
	fields := map[string]bool{}
	for bi, base := range bases {
		want := evalFresh(base)
		primed, err := Compile(s.base, s.sc)
		if err != nil {
			t.Fatal(err)
		}
		primed.Eval(base, primed.NewResult())
		sv := reflect.ValueOf(base).Elem()
		for fi := range sv.NumField() {
			sf := sv.Type().Field(fi)
			if !sf.IsExported() {
				continue
			}
			perturb := func(name string, get func(*infra.State) reflect.Value) {
				fields[name] = true
				for _, nv := range perturbations(get(base), len(base.APIs)) {
					st := clone(base)
					get(st).Set(nv)
					got := evalFresh(st)
					if sameBits(got, want) {
						continue
					}
					read[name] = true
					// The primed Model, its memo tables warm, agrees
					// with the fresh one, there and back.
					for _, c := range []struct {
						st   *infra.State
						want *Result
					}{{st, got}, {base, want}} {
						r := primed.NewResult()
						primed.Eval(c.st, r)
						if !sameBits(r, c.want) {
							t.Errorf("base %d: %s = %v: the primed Model %+v\na fresh one %+v", bi, name, nv.Interface(), r, c.want)
						}
					}
				}
			}
			if sf.Type.Kind() != reflect.Slice {
				perturb(sf.Name, func(st *infra.State) reflect.Value { return reflect.ValueOf(st).Elem().Field(fi) })
				continue
			}
			if sf.Type.Elem().Kind() != reflect.Struct {
				t.Fatalf("State.%s: a slice of %s: extend the test", sf.Name, sf.Type.Elem())
			}
			for e := range sv.Field(fi).Len() {
				for ff := range sf.Type.Elem().NumField() {
					name := fmt.Sprintf("%s.%s", sf.Name, sf.Type.Elem().Field(ff).Name)
					perturb(name, func(st *infra.State) reflect.Value {
						return reflect.ValueOf(st).Elem().Field(fi).Index(e).Field(ff)
					})
				}
			}
		}
	}
	var names []string
	for name := range read {
		names = append(names, name)
	}
	sort.Strings(names)
	t.Logf("%d fields, %d change the result: %v", len(fields), len(read), names)
	// The fields the model is documented to read must be among them, or
	// the perturbations are too weak to test anything.
	for _, name := range []string{"Functions.MemoryMB", "Functions.Arch", "Functions.TimeoutS", "Functions.Reserved",
		"Functions.Provisioned", "Functions.Runtime", "Functions.Image", "Functions.API", "Tables.Provisioned", "Tables.RCU",
		"APIs.REST", "APIs.CacheGB", "Buckets.SSE"} {
		if !read[name] {
			t.Errorf("%s never changed the result", name)
		}
	}
}
