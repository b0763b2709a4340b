package compliance

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// space is a template's genome space bound to its baseline State.
type space struct {
	tpl    *cfn.Template
	sc     *scenarios.Scenario
	sp     *genome.Space
	base   *infra.State
	binder *infra.Binder
}

// seedSpace is seed-demo with every gene free (sc.Pin = nil), as the
// search sees it.
func seedSpace(t testing.TB) *space {
	t.Helper()
	tpl, sc := seedInputs(t)
	sc.Pin = nil
	return bindSpace(t, tpl, sc)
}

func bindSpace(t testing.TB, tpl *cfn.Template, sc *scenarios.Scenario) *space {
	t.Helper()
	sp, err := genome.Derive(tpl, sc)
	if err != nil {
		t.Fatal(err)
	}
	base, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	binder, err := infra.Bind(sp, base)
	if err != nil {
		t.Fatal(err)
	}
	return &space{tpl, sc, sp, base, binder}
}

// walk returns n genomes of sp as the memetic search evaluates them: one-
// and two-gene moves of a base (mostly of the gene moved last) that moves on now and then, random jumps,
// repeats of the genome before and returns to an earlier genome.
func walk(sp *genome.Space, rng *rand.Rand, n int) []genome.Genome {
	random := func() genome.Genome {
		g := sp.Current()
		for i := range g {
			g[i] = rng.IntN(len(sp.Genes[i].Values))
		}
		return g
	}
	// A climb tries the values of one gene after another: a move is
	// mostly of the gene moved last.
	last := 0
	move := func(g genome.Genome) {
		if rng.IntN(3) == 0 {
			last = rng.IntN(len(g))
		}
		g[last] = rng.IntN(len(sp.Genes[last].Values))
	}
	base := random()
	out := make([]genome.Genome, 0, n)
	for len(out) < n {
		var g genome.Genome
		switch r := rng.IntN(100); {
		case r < 55: // one-gene move of the base
			g = append(genome.Genome(nil), base...)
			move(g)
		case r < 75: // two-gene move
			g = append(genome.Genome(nil), base...)
			move(g)
			move(g)
		case r < 82: // the base moves on
			move(base)
			g = append(genome.Genome(nil), base...)
		case r < 88: // a random jump, which becomes the base
			base = random()
			g = append(genome.Genome(nil), base...)
		case r < 94 && len(out) > 0: // a repeat
			g = out[len(out)-1]
		case len(out) > 0: // back to an earlier genome
			g = out[rng.IntN(len(out))]
		default:
			g = random()
		}
		out = append(out, g)
	}
	return out
}

// benchGenomes returns the seed-demo space (every gene free) and a walk
// of it, or /tmp/seq.json (the GA's own sequence of that space) when seq
// is set and the file exists.
func benchGenomes(b *testing.B, seq bool) (*space, []genome.Genome) {
	s := seedSpace(b)
	if !seq {
		return s, walk(s.sp, rand.New(rand.NewPCG(11, 12)), 8192)
	}
	data, err := os.ReadFile("/tmp/seq.json")
	if err != nil {
		b.Skip("no /tmp/seq.json")
	}
	var raw [][]int
	if err := json.Unmarshal(data, &raw); err != nil {
		b.Fatal(err)
	}
	gs := make([]genome.Genome, len(raw))
	for k, g := range raw {
		if len(g) != len(s.sp.Genes) {
			b.Skip("/tmp/seq.json is of another space")
		}
		gs[k] = g
	}
	return s, gs
}

// BenchmarkEvalWalk evaluates, with one Result and one State, the genomes
// of a walk of the seed-demo space ("walk") and of the GA's own sequence
// ("ga", when /tmp/seq.json exists), in order, as an evaluator does. The
// genome is applied to the State in the loop: "apply" times that alone,
// to subtract.
func BenchmarkEvalWalk(b *testing.B) {
	for _, bc := range []struct {
		name  string
		seq   bool
		apply bool
	}{{"walk", false, false}, {"walk-apply", false, true}, {"ga", true, false}, {"ga-apply", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			s, gs := benchGenomes(b, bc.seq)
			e, err := Compile(s.tpl, s.base, s.sc, nil)
			if err != nil {
				b.Fatal(err)
			}
			st := s.binder.NewState()
			r := e.NewResult()
			s.binder.Apply(st, gs[0])
			e.Eval(st, r)
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				s.binder.Apply(st, gs[k%len(gs)])
				if !bc.apply {
					e.Eval(st, r)
				}
				k++
			}
		})
	}
}

// scores is r's exported fields.
func scores(r *Result) Result {
	return Result{Score: r.Score, Passed: r.Passed, Failed: r.Failed, RequiredOK: r.RequiredOK, RequiredBroken: r.RequiredBroken}
}

// show is r's exported fields, the score in full.
func show(r *Result) string {
	return fmt.Sprintf("{Score:%v Passed:%d Failed:%d RequiredOK:%v RequiredBroken:%d}", r.Score, r.Passed, r.Failed, r.RequiredOK, r.RequiredBroken)
}

// sameScores reports whether a and b are equal, the score bit for bit.
func sameScores(a, b *Result) bool {
	return scores(a) == scores(b) && math.Float64bits(a.Score) == math.Float64bits(b.Score)
}

// engineCases are the scenario variants the incremental tests compile
// each template with: both semantics, and the parameters and required
// rules that change what the inlined checks read.
func engineCases(sc *scenarios.Scenario) []*scenarios.Scenario {
	params := []map[string]map[string]string{
		nil,
		{
			"s3-bucket-replication-enabled":            {"ReplicationType": "SAME-REGION"},
			"s3-bucket-level-public-access-prohibited": {"excludedPublicBuckets": "encryptedBucket"},
			"lambda-concurrency-check":                 {"ConcurrencyLimitLow": "5", "ConcurrencyLimitHigh": "100"},
			"lambda-function-settings-check":           {"timeout": "3", "memorySize": "128"},
			"dynamodb-throughput-limit-check":          {"accountRCUThresholdPercentage": "0.01", "accountWCUThresholdPercentage": "0.02"},
		},
		{
			"s3-bucket-replication-enabled":  {"ReplicationType": "CROSS-REGION"},
			"lambda-function-settings-check": {"runtime": "nodejs22.x,python3.13", "role": "x"},
		},
	}
	var out []*scenarios.Scenario
	for _, sem := range []string{SemanticsTemplate, SemanticsDeployed} {
		for pi, ps := range params {
			c := *sc
			c.Compliance.Semantics = sem
			c.Compliance.Parameters = ps
			if pi > 0 {
				c.Constraints.RequiredRules = []string{"s3-bucket-server-side-encryption-enabled", "lambda-function-settings-check", "dynamodb-throughput-limit-check", "lambda-dlq-check"}
			}
			out = append(out, &c)
		}
	}
	return out
}

// corpusSpaces returns the spaces of the valid corpus templates that have genes.
func corpusSpaces(t *testing.T) []*space {
	t.Helper()
	root, paths := validCorpus(t)
	var out []*space
	for _, p := range paths {
		tpl, err := cfn.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		sc := scenarios.Empty("incr")
		sp, err := genome.Derive(tpl, sc)
		if err != nil || len(sp.Genes) == 0 {
			continue
		}
		out = append(out, bindSpace(t, tpl, sc))
	}
	return out
}

// checkIncr compares what inc (a Result carried from call to call) gives on
// st with a fresh Result's Eval and with every check's rule.
func checkIncr(t *testing.T, e *Engine, st *infra.State, inc *Result, what func() string) {
	t.Helper()
	e.Eval(st, inc)
	fresh := e.NewResult()
	e.Eval(st, fresh)
	slow := e.NewResult()
	e.evalRules(st, slow)
	if !sameScores(inc, fresh) || !sameScores(inc, slow) {
		t.Fatalf("%s: incremental %s, fresh %s, rules %s", what(), show(inc), show(fresh), show(slow))
	}
}

// TestIncrementalMatchesFull: Eval with one Result over long walks of
// the seed-demo space (every gene free) and of every corpus template
// with genes, in both semantics and with the parameters that change the
// inlined checks, gives what a fresh Result and the rules give, bit for
// bit, at every step; also when the State is another object than the
// one before, when the Result alternates between engines, and when it is
// a copy of another Result.
func TestIncrementalMatchesFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	spaces := append([]*space{seedSpace(t)}, corpusSpaces(t)...)
	steps := 0
	for si, s := range spaces {
		n := 1500
		if si > 0 {
			n = 150
		}
		var engines []*Engine
		for _, sc := range engineCases(s.sc) {
			e, err := Compile(s.tpl, s.base, sc, nil)
			if err != nil {
				t.Fatalf("%s: %v", s.tpl.Path, err)
			}
			engines = append(engines, e)
		}
		for ei, e := range engines {
			other := engines[(ei+1)%len(engines)]
			inc := e.NewResult()
			st := s.binder.NewState()
			for k, g := range walk(s.sp, rng, n) {
				cur := st
				switch r := rng.IntN(20); {
				case r == 0: // a State built by someone else
					cur = s.binder.NewState()
				case r == 1: // the Result served another engine meanwhile
					checkIncr(t, other, st, inc, func() string { return "other engine" })
				case r == 2: // a copy of the Result carries on
					cp := *inc
					checkIncr(t, e, cur, &cp, func() string { return "copy" })
					if cp.inc == inc.inc {
						t.Fatal("a copy of a Result shares its cache: Results in two goroutines would race")
					}
					inc = &cp
				}
				s.binder.Apply(cur, g)
				checkIncr(t, e, cur, inc, func() string {
					return fmt.Sprintf("%s engine %d step %d genome %v", s.tpl.Path, ei, k, g)
				})
				steps++
			}
		}
	}
	if steps < 10000 {
		t.Errorf("only %d steps compared", steps)
	}
}

// fieldValues are the values TestIncrementalPerturbFields gives a field
// besides its own: each kind's edge cases and the values the rules and
// parameters test against. A field of a new kind fails the test until
// it is listed here.
func fieldValues(t *testing.T, v reflect.Value, path string) []reflect.Value {
	var out []reflect.Value
	add := func(x any) { out = append(out, reflect.ValueOf(x).Convert(v.Type())) }
	switch v.Kind() {
	case reflect.Bool:
		add(!v.Bool())
	case reflect.Int:
		for _, x := range []int64{v.Int() + 1, v.Int() - 1, -1, 0, 1, 3, 5, 100, 101, 1000} {
			add(x)
		}
	case reflect.Uint8:
		// Every value of the State's enums (Deploy has the most).
		for x := uint64(0); x <= uint64(infra.DeployCustom); x++ {
			add(x)
		}
	case reflect.Float64:
		for _, x := range []float64{v.Float() * 2, v.Float() + 1, -v.Float(), -1, math.Copysign(0, -1), 0, 0.5, 1, 3, 128, 1024, 30000, 70000} {
			add(x)
		}
	case reflect.String:
		for _, x := range []string{"", v.String() + "x", "nodejs22.x", "python3.13", "nodejs12.x", "provided.al2023",
			"CodeDeployDefault.LambdaAllAtOnce", "CodeDeployDefault.LambdaCanary10Percent5Minutes", "AllAtOnce"} {
			add(x)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Int {
			t.Fatalf("%s: no perturbations for %s", path, v.Type())
		}
		for _, x := range [][]int{nil, {0}, {0, 1}} {
			add(x)
		}
	default:
		t.Fatalf("%s: no perturbations for %s", path, v.Type())
	}
	return out
}

// leaf is one settable field of a State: a top-level scalar or a field of
// one resource.
type leaf struct {
	path string
	v    reflect.Value
}

// leaves returns every exported field of st's resources (and st's own
// scalar fields).
func leaves(st *infra.State) []leaf {
	var out []leaf
	sv := reflect.ValueOf(st).Elem()
	for i := 0; i < sv.NumField(); i++ {
		f, ft := sv.Field(i), sv.Type().Field(i)
		if !ft.IsExported() {
			continue
		}
		if f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Struct {
			out = append(out, leaf{ft.Name, f})
			continue
		}
		for k := 0; k < f.Len(); k++ {
			r := f.Index(k)
			for j := 0; j < r.NumField(); j++ {
				if r.Type().Field(j).IsExported() {
					out = append(out, leaf{fmt.Sprintf("%s[%d].%s", ft.Name, k, r.Type().Field(j).Name), r.Field(j)})
				}
			}
		}
	}
	return out
}

// cloneState copies st's resource slices (a field set through the copy
// does not change st).
func cloneState(st *infra.State) *infra.State {
	c := *st
	c.Functions = append([]infra.Function(nil), st.Functions...)
	c.Tables = append([]infra.Table(nil), st.Tables...)
	c.Buckets = append([]infra.Bucket(nil), st.Buckets...)
	c.APIs = append([]infra.API(nil), st.APIs...)
	c.Queues = append([]infra.Queue(nil), st.Queues...)
	c.Alarms = append([]infra.Alarm(nil), st.Alarms...)
	return &c
}

// TestIncrementalPerturbFields proves the dependency index complete:
// from a State its Result has just evaluated, every field of every
// resource of infra.State (found by reflection) is changed alone, to
// each of several values, and Eval with that Result must give what a
// fresh Result and the rules give; then back to the State before. The
// starting States are random variants of the seed-demo space and of the
// corpus templates, and random States whose every field is drawn from
// the same values (so that fields read only in some configurations,
// such as DeployName under a custom deployment, are read).
func TestIncrementalPerturbFields(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	spaces := append([]*space{seedSpace(t)}, corpusSpaces(t)...)
	perturbed := 0
	for si, s := range spaces {
		bases := 24
		if si > 0 {
			bases = 2
		}
		for ci, sc := range engineCases(s.sc) {
			if si > 0 && ci%3 != 0 {
				continue
			}
			e, err := Compile(s.tpl, s.base, sc, nil)
			if err != nil {
				t.Fatalf("%s: %v", s.tpl.Path, err)
			}
			inc := e.NewResult()
			for b := 0; b < bases; b++ {
				st := s.binder.NewState()
				g := s.sp.Current()
				for i := range g {
					g[i] = rng.IntN(len(s.sp.Genes[i].Values))
				}
				s.binder.Apply(st, g)
				st = cloneState(st)
				ls := leaves(st)
				if b%2 == 1 {
					// A random State: every field drawn from its values.
					for _, l := range ls {
						if vs := fieldValues(t, l.v, l.path); rng.IntN(2) == 0 {
							l.v.Set(vs[rng.IntN(len(vs))])
						}
					}
				}
				e.Eval(st, inc)
				for _, l := range ls {
					old := reflect.ValueOf(l.v.Interface())
					for _, v := range fieldValues(t, l.v, l.path) {
						l.v.Set(v)
						checkIncr(t, e, st, inc, func() string {
							return fmt.Sprintf("%s engine %d base %d: %s = %v", s.tpl.Path, ci, b, l.path, v)
						})
						l.v.Set(old)
						checkIncr(t, e, st, inc, func() string {
							return fmt.Sprintf("%s engine %d base %d: %s back to %v", s.tpl.Path, ci, b, l.path, old)
						})
						perturbed++
					}
				}
			}
		}
	}
	if perturbed < 10000 {
		t.Errorf("only %d perturbations", perturbed)
	}
}

// TestEvalAllocatesNothing: Eval on a Result from NewResult allocates
// nothing, on its first call as on the walk after it.
func TestEvalAllocatesNothing(t *testing.T) {
	s := seedSpace(t)
	e, err := Compile(s.tpl, s.base, s.sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	gs := walk(s.sp, rand.New(rand.NewPCG(41, 42)), 64)
	sts := make([]*infra.State, len(gs))
	for k, g := range gs {
		sts[k] = s.binder.NewState()
		s.binder.Apply(sts[k], g)
	}
	fresh := make([]*Result, 32)
	for i := range fresh {
		fresh[i] = e.NewResult()
	}
	k := 0
	if n := testing.AllocsPerRun(20, func() {
		e.Eval(sts[k%len(sts)], fresh[k])
		k++
	}); n != 0 {
		t.Errorf("a first Eval: %v allocations, want 0", n)
	}
	r := e.NewResult()
	if n := testing.AllocsPerRun(200, func() {
		e.Eval(sts[k%len(sts)], r)
		k++
	}); n != 0 {
		t.Errorf("Eval: %v allocations per call, want 0", n)
	}
}

// TestWriteSumAfterOtherWriter: a Result whose exported fields another
// path wrote (the rules' Eval of the template as written, st nil) since
// the incremental path last wrote them gets them rewritten by the next
// incremental Eval, even when that Eval's packed sums are those of the
// incremental Eval before (Result.writeSum skips only its own writes).
func TestWriteSumAfterOtherWriter(t *testing.T) {
	s := seedSpace(t)
	e, err := Compile(s.tpl, s.base, s.sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := e.NewResult()
	e.Eval(nil, tmpl)
	rng := rand.New(rand.NewPCG(5, 6))
	st := s.binder.NewState()
	tested := 0
	for k := 0; k < 200 && tested < 20; k++ {
		g := s.sp.Current()
		for i := range g {
			g[i] = rng.IntN(len(s.sp.Genes[i].Values))
		}
		s.binder.Apply(st, g)
		want := e.NewResult()
		e.Eval(st, want)
		if sameScores(want, tmpl) {
			continue // the stale fields would look right
		}
		tested++
		out := e.NewResult()
		e.Eval(st, out)
		e.Eval(nil, out) // the rules' path writes the template's figures
		if !sameScores(out, tmpl) {
			t.Fatalf("variant %d: Eval(nil) gave %s, want the template's %s", k, show(out), show(tmpl))
		}
		e.EvalChanged(st, out, &infra.Changed{}) // nothing changed since the incremental path's last call
		if !sameScores(out, want) {
			t.Fatalf("variant %d: after another writer, incremental %s, want %s", k, show(out), show(want))
		}
		// Twice in a row (the skip): still the variant's figures.
		e.EvalChanged(st, out, &infra.Changed{})
		if !sameScores(out, want) {
			t.Fatalf("variant %d: repeated, incremental %s, want %s", k, show(out), show(want))
		}
	}
	if tested == 0 {
		t.Fatal("no variant scores other than the template")
	}
}
