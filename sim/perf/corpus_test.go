package perf

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// corpusDir is <repo root>/../shared/corpus, the repo root found by walking
// up to go.mod.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "corpus")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// checkResult fails on any figure out of its range.
func checkResult(t *testing.T, name string, out *Result) {
	t.Helper()
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	rate := func(v float64) bool { return bad(v) || v > 1+1e-12 }
	for i, f := range out.Functions {
		if bad(f.P50MS) || bad(f.P95MS) || bad(f.P99MS) || bad(f.MeanDurationMS) || bad(f.InitMS) ||
			bad(f.MeanConcurrency) || bad(f.PeakConcurrency) ||
			rate(f.ColdStartRate) || rate(f.ThrottleRate) || rate(f.TimeoutRate) || rate(f.ErrorRate) || rate(f.ProvisionedShare) {
			t.Errorf("%s: function %d: %+v", name, i, f)
		}
		if !f.NoTraffic && (f.P50MS > f.P95MS+1e-6 || f.P95MS > f.P99MS+1e-6) {
			t.Errorf("%s: function %d: percentiles out of order %+v", name, i, f)
		}
	}
	a := out.App
	if bad(a.P50MS) || bad(a.P95MS) || bad(a.P99MS) || rate(a.ErrorRate) || rate(a.Availability) {
		t.Errorf("%s: app %+v", name, a)
	}
}

// TestCorpus compiles and evaluates every valid corpus template with a
// synthetic workload on every function, as written and as a stressed
// variant: no panic, every figure finite and in range.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	f, err := os.Open(filepath.Join(dir, "INDEX.tsv"))
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 8 || cols[7] != "valid" {
			continue
		}
		tpl, err := cfn.ReadFile(filepath.Join(dir, cols[0]))
		if err != nil {
			continue // the parser's tests judge parsing
		}
		st, err := infra.Baseline(tpl)
		if err != nil || len(st.Functions) == 0 {
			continue
		}
		n++
		s := &scenarios.Scenario{Name: "corpus", Workload: scenarios.Workload{Functions: map[string]*scenarios.FunctionLoad{}}}
		for i, fn := range st.Functions {
			fl := &scenarios.FunctionLoad{InvocationsPerMonth: 1e6 * float64(i+1), DurationMS: 150, Calls: map[string]*scenarios.Calls{}}
			for _, tb := range st.Tables {
				fl.Calls[tb.ID] = &scenarios.Calls{Reads: 1, Writes: 0.5}
			}
			for _, b := range st.Buckets {
				fl.Calls[b.ID] = &scenarios.Calls{Gets: 1}
			}
			s.Workload.Functions[fn.ID] = fl
		}
		m, err := Compile(st, s)
		if err != nil {
			t.Errorf("%s: %v", cols[0], err)
			continue
		}
		out := m.NewResult()
		m.Eval(st, out)
		checkResult(t, cols[0], out)
		// A stressed variant of the same shape.
		for i := range st.Functions {
			fn := &st.Functions[i]
			fn.MemoryMB, fn.Arch, fn.Provisioned, fn.Reserved, fn.TimeoutS = 128, infra.ARM64, 2, 3, 0.2
		}
		for i := range st.Tables {
			st.Tables[i].Provisioned, st.Tables[i].RCU, st.Tables[i].WCU = true, 1, 1
		}
		m.Eval(st, out)
		checkResult(t, cols[0]+" (stressed)", out)
	}
	if n == 0 {
		t.Fatal("no corpus template with a function")
	}
}

func TestSeedDemo(t *testing.T) {
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	m, out := eval(t, st, sc)
	checkResult(t, "seed-demo", out)
	if out.App.RequestsPerSecond <= 0 || out.App.P50MS <= 0 || out.App.P99MS <= out.App.P50MS {
		t.Errorf("seed-demo app %+v", out.App)
	}
	mc := MonteCarlo(m, st, 1, 20000)
	checkResult(t, "seed-demo Monte Carlo", mc)
	if !within(out.App.P95MS, mc.App.P95MS, 0.05) {
		t.Errorf("seed-demo p95 %.1f ms, Monte Carlo %.1f ms", out.App.P95MS, mc.App.P95MS)
	}
}

func TestCompileErrors(t *testing.T) {
	st := testState()
	for _, tc := range []struct {
		name string
		edit func(*scenarios.Scenario)
		want string
	}{
		{"unknown function", func(s *scenarios.Scenario) { s.Workload.Functions["Nope"] = &scenarios.FunctionLoad{} }, "workload.functions.Nope"},
		{"negative duration", func(s *scenarios.Scenario) { s.Workload.Functions["Fn"].DurationMS = -1 }, "duration_ms"},
		{"cpu_bound above 1", func(s *scenarios.Scenario) { s.Workload.Functions["Fn"].CPUBound = ptr(2) }, "cpu_bound"},
		{"negative calls", func(s *scenarios.Scenario) { s.Workload.Functions["Fn"].Calls["Tab"].Reads = -1 }, "calls.Tab"},
		{"cache hit ratio", func(s *scenarios.Scenario) {
			s.Workload.Apis = map[string]*scenarios.APILoad{"Api": {CacheHitRatio: 1.5}}
		}, "cache_hit_ratio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := testScenario(1e6, 100)
			tc.edit(sc)
			_, err := Compile(st, sc)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "perf: ") {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
	if _, err := Compile(nil, nil); err == nil {
		t.Error("nil state accepted")
	}
	m, err := Compile(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := m.NewResult()
	m.Eval(st, out)
	if !out.Functions[0].NoTraffic || out.App.RequestsPerSecond != 0 || out.App.Availability != 1 {
		t.Errorf("no scenario: %+v", out)
	}
}
