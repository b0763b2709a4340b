package perf

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// seedVariants returns seed-demo's template state and scenario and n
// variants drawn at random (seeded) from its genome space, each gene moved
// with probability pMove from the template's value, so configurations
// repeat as they do in a search.
func seedVariants(t testing.TB, n int, pMove float64) (*infra.State, *scenarios.Scenario, []*infra.State) {
	t.Helper()
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	sd := bindSpace(t, "seed-demo", tpl, sc)
	base, sp, b := sd.base, sd.sp, sd.bd
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]*infra.State, n)
	for i := range out {
		g := sp.Current()
		for j := range g {
			if rng.Float64() < pMove {
				g[j] = rng.IntN(len(sp.Genes[j].Values))
			}
		}
		out[i] = b.NewState()
		b.Apply(out[i], g)
	}
	return base, sc, out
}

// TestMemoChangesNothing evaluates a sequence of variants, with repeats,
// with the memo tables and without: every figure is bit-identical, and so
// is what MonteCarlo reads from the last evaluation.
func TestMemoChangesNothing(t *testing.T) {
	base, sc, vs := seedVariants(t, 300, 0.3)
	on, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	off, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	off.noMemo = true
	ro, rf := on.NewResult(), off.NewResult()
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range 2000 {
		v := vs[rng.IntN(len(vs))]
		on.Eval(v, ro)
		off.Eval(v, rf)
		if !reflect.DeepEqual(ro, rf) {
			t.Fatalf("evaluation %d: memo %+v\nwithout %+v", k, ro, rf)
		}
		for i := range on.fns {
			if on.fns[i].whole() != off.fns[i].ev {
				t.Fatalf("evaluation %d: function %d: memo state %+v\nwithout %+v", k, i, on.fns[i].whole(), off.fns[i].ev)
			}
		}
	}
	hits := 0
	for i := range on.fns {
		hits += on.fns[i].memo.n
	}
	if hits == 0 || on.app.n == 0 {
		t.Errorf("memo tables unused: %d function entries, %d app entries", hits, on.app.n)
	}
}

// TestSkipFunctionPercentiles: with the functions' percentiles skipped
// (randomly on and off between evaluations, the memo shared), every figure
// equals a full evaluation's bit for bit, the application's percentiles
// included, and the functions' percentiles are 0.
func TestSkipFunctionPercentiles(t *testing.T) {
	base, sc, vs := seedVariants(t, 200, 0.3)
	on, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	full, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	full.noMemo = true
	ro, rf := on.NewResult(), full.NewResult()
	rng := rand.New(rand.NewPCG(5, 6))
	skipped := 0
	for k := range 1500 {
		skip := rng.IntN(2) == 0
		on.SkipFunctionPercentiles(skip)
		v := vs[rng.IntN(len(vs))]
		on.Eval(v, ro)
		full.Eval(v, rf)
		want := &Result{Functions: append([]FunctionResult(nil), rf.Functions...), App: rf.App}
		if skip {
			skipped++
			for i := range want.Functions {
				w := &want.Functions[i]
				if !w.NoTraffic && w.P99MS <= 0 {
					t.Fatalf("evaluation %d: function %d has no p99 in the full evaluation", k, i)
				}
				w.P50MS, w.P95MS, w.P99MS = 0, 0, 0
			}
		}
		if !reflect.DeepEqual(ro, want) {
			t.Fatalf("evaluation %d (skip %v): got %+v\nwant %+v", k, skip, ro, want)
		}
	}
	if skipped == 0 || skipped == 1500 {
		t.Fatalf("skipped %d of 1500 evaluations", skipped)
	}
}

// TestMemoReset fills a function memo past its limit: the tables start
// again and the results stay right.
func TestMemoReset(t *testing.T) {
	base, sc, vs := seedVariants(t, 200, 0.5)
	on, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	on.adaptive = false // the tables on throughout: their resets are the test
	for i := range on.fns {
		on.fns[i].memo.limit = 8
	}
	on.app.limit = 5
	on.compTab.limit = 3
	off, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	off.noMemo = true
	ro, rf := on.NewResult(), off.NewResult()
	for k := range 3 {
		for i, v := range vs {
			on.Eval(v, ro)
			off.Eval(v, rf)
			if !reflect.DeepEqual(ro, rf) {
				t.Fatalf("pass %d, variant %d: memo %+v\nwithout %+v", k, i, ro, rf)
			}
		}
	}
	for i := range on.fns {
		if n := on.fns[i].memo.n; n > 8 || on.fns[i].ents.n != n {
			t.Errorf("function %d: %d entries, %d values, limit 8", i, n, on.fns[i].ents.n)
		}
	}
	if on.app.n > 5 || len(on.appVals) != on.app.n {
		t.Errorf("app: %d entries, %d values, limit 5", on.app.n, len(on.appVals))
	}
	if on.compTab.n > 3 || on.compGen < 3 {
		t.Errorf("components: %d entries, generation %d, limit 3", on.compTab.n, on.compGen)
	}
}

// TestCompTabReset fills the components table past its limit while the
// function entries stay (their memos large): the ids the entries took
// before a reset are void, and the results stay right.
func TestCompTabReset(t *testing.T) {
	base, sc, vs := seedVariants(t, 60, 0.5)
	on, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	on.compTab.limit = len(on.mix)
	on.SkipFunctionPercentiles(true)
	off, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	off.noMemo = true
	off.SkipFunctionPercentiles(true)
	ro, rf := on.NewResult(), off.NewResult()
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range 2000 {
		v := vs[rng.IntN(len(vs))]
		on.Eval(v, ro)
		off.Eval(v, rf)
		if !sameBits(ro, rf) {
			t.Fatalf("evaluation %d: memo %+v\nwithout %+v", k, ro.App, rf.App)
		}
	}
	if on.compGen < 100 {
		t.Errorf("components table reset %d times in 2000 evaluations", on.compGen-1)
	}
}

// TestMemoIndex adds keys up to the limit and past it, growing by
// doubling and, whole, all at once.
func TestMemoIndex(t *testing.T) {
	for _, whole := range []bool{false, true} {
		mt := newMemo(2, 1, 100)
		mt.whole = whole
		memoIndex(t, &mt)
		if whole && (cap(mt.keys) != 200 || len(mt.slots) != 256) {
			t.Errorf("whole: room for %d keys, %d slots, want 100 and 256", cap(mt.keys)/2, len(mt.slots))
		}
	}
}

func memoIndex(t *testing.T, mt *memo) {
	for i := range 100 {
		k := []uint64{uint64(i), uint64(i * i)}
		if _, _, ok := mt.find(k); ok {
			t.Fatalf("key %d found before it was added", i)
		}
		_, h, _ := mt.find(k)
		if id, reset := mt.add(k, h); id != i || reset {
			t.Fatalf("key %d: id %d reset %v", i, id, reset)
		}
	}
	for i := range 100 {
		if id, _, ok := mt.find([]uint64{uint64(i), uint64(i * i)}); !ok || id != i {
			t.Fatalf("key %d: id %d found %v", i, id, ok)
		}
	}
	k := []uint64{1000, 1}
	_, h, _ := mt.find(k)
	if id, reset := mt.add(k, h); id != 0 || !reset {
		t.Errorf("past the limit: id %d reset %v", id, reset)
	}
	if _, _, ok := mt.find([]uint64{5, 25}); ok {
		t.Error("an entry survived the reset")
	}
}

// benchSeed evaluates seed-demo's variants in a cycle, as sim's Evaluator
// does (the application's figures, not the functions' percentiles).
func benchSeed(b *testing.B, n int, pMove float64, noMemo bool) {
	base, sc, vs := seedVariants(b, n, pMove)
	m, err := Compile(base, sc)
	if err != nil {
		b.Fatal(err)
	}
	m.noMemo = noMemo
	m.SkipFunctionPercentiles(true) // as the search evaluates
	out := m.NewResult()
	for _, v := range vs {
		m.Eval(v, out) // the memo tables grow here, not in the loop
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Eval(vs[i], out)
		if i++; i == len(vs) {
			i = 0
		}
	}
}

// BenchmarkEvalSeed is seed-demo's template as written (3 functions), the
// memo warm.
func BenchmarkEvalSeed(b *testing.B) { benchSeed(b, 1, 0, false) }

// BenchmarkEvalSeedCold is the same without the memo tables: every
// evaluation computed (a miss).
func BenchmarkEvalSeedCold(b *testing.B) { benchSeed(b, 1, 0, true) }

// BenchmarkEvalSeedVariants cycles through 1,000 seed-demo variants
// (each gene moved with probability 0.2), the memo warm.
func BenchmarkEvalSeedVariants(b *testing.B) { benchSeed(b, 1000, 0.2, false) }

// BenchmarkEvalSeedVariantsCold is the same without the memo tables.
func BenchmarkEvalSeedVariantsCold(b *testing.B) { benchSeed(b, 1000, 0.2, true) }

// BenchmarkEvalCold is BenchmarkEval without the memo tables.
func BenchmarkEvalCold(b *testing.B) {
	st := testState()
	st.Functions[0].Provisioned = 2
	m, out := eval(b, st, testScenario(3e7, 100))
	m.noMemo = true
	b.ReportAllocs()
	for b.Loop() {
		m.Eval(st, out)
	}
}

// BenchmarkEvalSeedRandom cycles through 20,000 seed-demo variants drawn
// uniformly (every gene moved), as evolve's random search draws them: the
// memo mostly misses.
func BenchmarkEvalSeedRandom(b *testing.B) { benchSeed(b, 20000, 1, false) }

// BenchmarkEvalSeedNeighbours evaluates, as the memetic ga's climb does,
// every one-gene neighbour of random seed-demo variants in turn: most
// functions keep the configuration of the previous evaluation, one changes.
func BenchmarkEvalSeedNeighbours(b *testing.B) {
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		b.Fatal(err)
	}
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		b.Fatal(err)
	}
	sd := bindSpace(b, "seed-demo", tpl, sc)
	base, sp, bd := sd.base, sd.sp, sd.bd
	rng := rand.New(rand.NewPCG(1, 2))
	var vs []*infra.State
	for range 20 {
		g0 := sp.Current()
		for j := range g0 {
			g0[j] = rng.IntN(len(sp.Genes[j].Values))
		}
		for j := range g0 {
			for v := range sp.Genes[j].Values {
				g := append(genome.Genome(nil), g0...)
				g[j] = v
				st := bd.NewState()
				bd.Apply(st, g)
				vs = append(vs, st)
			}
		}
	}
	m, err := Compile(base, sc)
	if err != nil {
		b.Fatal(err)
	}
	m.SkipFunctionPercentiles(true)
	out := m.NewResult()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Eval(vs[i], out)
		if i++; i == len(vs) {
			i = 0
		}
	}
}

// TestRuntimeRowFollowsImage: a warm model given the same function as a
// container image (same Runtime string) answers as a fresh model does: its
// cached INIT row follows the package type too.
func TestRuntimeRowFollowsImage(t *testing.T) {
	base, sc, _ := seedVariants(t, 1, 0)
	warm, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	out := warm.NewResult()
	warm.Eval(base, out)
	img := &infra.State{}
	img.CopyFrom(base)
	for i := range img.Functions {
		img.Functions[i].Image = true
	}
	warm.Eval(img, out)
	fresh, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := fresh.NewResult()
	fresh.Eval(img, want)
	if !reflect.DeepEqual(out, want) {
		t.Errorf("warm model on image functions:\n got %+v\nwant %+v", out.App, want.App)
	}
}
