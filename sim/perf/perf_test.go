package perf

import (
	"fmt"
	"math"
	"testing"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// testState is a hand-built variant: one function behind an API, reading a
// table and a bucket.
func testState() *infra.State {
	return &infra.State{
		Functions: []infra.Function{{
			ID: "Fn", Type: "AWS::Serverless::Function", MemoryMB: 512, Arch: infra.X86,
			TimeoutS: 3, Reserved: infra.None, Runtime: "nodejs22.x", API: 0, Queue: -1,
		}},
		Tables:  []infra.Table{{ID: "Tab"}},
		Buckets: []infra.Bucket{{ID: "Bkt"}},
		APIs:    []infra.API{{ID: "Api", REST: false}},
	}
}

func ptr(v float64) *float64 { return &v }

// testScenario gives Fn invocationsPerMonth at durMS (at 512 MB).
func testScenario(invocations, durMS float64) *scenarios.Scenario {
	return &scenarios.Scenario{Name: "t", Workload: scenarios.Workload{
		Functions: map[string]*scenarios.FunctionLoad{"Fn": {
			InvocationsPerMonth: invocations, DurationMS: durMS, CPUBound: ptr(0.8),
			Calls: map[string]*scenarios.Calls{"Tab": {Reads: 2, Writes: 1}, "Bkt": {Gets: 1}},
		}},
		Tables: map[string]*scenarios.TableLoad{"Tab": {ItemKB: 1}},
	}}
}

func eval(t testing.TB, st *infra.State, sc *scenarios.Scenario) (*Model, *Result) {
	t.Helper()
	m, err := Compile(st, sc)
	if err != nil {
		t.Fatal(err)
	}
	out := m.NewResult()
	m.Eval(st, out)
	return m, out
}

func within(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestMonteCarloAgreement compares the fast model with the simulation over a
// grid of memory x architecture x provisioned concurrency x traffic.
func TestMonteCarloAgreement(t *testing.T) {
	type cfg struct {
		mem  float64
		arch infra.Arch
		prov bool
		inv  float64
	}
	var grid []cfg
	for _, mem := range []float64{256, 1024, 3008} {
		for _, arch := range []infra.Arch{infra.X86, infra.ARM64} {
			for _, prov := range []bool{false, true} {
				// 100k/month: about 0.04 rps, cold starts matter; 30M/month:
				// 11 rps mean, 34 rps peak.
				for _, inv := range []float64{1e5, 3e7} {
					grid = append(grid, cfg{mem, arch, prov, inv})
				}
			}
		}
	}
	n := 40000
	if testing.Short() {
		n = 15000
		grid = grid[:4]
	}
	for _, g := range grid {
		name := fmt.Sprintf("mem%v/arch%d/prov%v/inv%g", g.mem, g.arch, g.prov, g.inv)
		t.Run(name, func(t *testing.T) {
			st := testState()
			sc := testScenario(g.inv, 100)
			sc.Workload.Functions["Fn"].Arm64Speed = 1.2
			m, err := Compile(st, sc)
			if err != nil {
				t.Fatal(err)
			}
			v := testState()
			v.Functions[0].MemoryMB = g.mem
			v.Functions[0].Arch = g.arch
			fast := m.NewResult()
			m.Eval(v, fast)
			if g.prov {
				v.Functions[0].Provisioned = int(math.Ceil(fast.Functions[0].PeakConcurrency)) + 1
				m.Eval(v, fast)
			}
			mc := MonteCarlo(m, v, 7, n)
			f, r := fast.Functions[0], mc.Functions[0]
			for _, q := range []struct {
				name      string
				got, want float64
			}{{"p50", f.P50MS, r.P50MS}, {"p95", f.P95MS, r.P95MS}, {"p99", f.P99MS, r.P99MS},
				{"app p99", fast.App.P99MS, mc.App.P99MS}} {
				if !within(q.got, q.want, 0.04) {
					t.Errorf("%s: fast %.2f ms, Monte Carlo %.2f ms (cold %.4f vs %.4f)", q.name, q.got, q.want, f.ColdStartRate, r.ColdStartRate)
				}
			}
		})
	}
}

// TestColdRateAgainstMonteCarlo checks the cold-start formula (and its
// fitted coldOverlap) against the simulation from sparse to steady traffic,
// at one steady rate (no peak: the daily ramp is not simulated) from 0.004
// to 114 concurrent requests: within 30 % or 3e-4 absolute. 30 %: a few
// dozen cold starts among 60,000 requests at high traffic, the simulation's
// own noise is 15-20 %.
func TestColdRateAgainstMonteCarlo(t *testing.T) {
	for _, dur := range []float64{100, 1000, 3000} {
		for _, inv := range []float64{1e4, 1e5, 1e6, 3e6, 1e7, 3e7, 1e8} {
			st := testState()
			st.Functions[0].TimeoutS = 900
			sc := testScenario(inv, dur)
			fl := sc.Workload.Functions["Fn"]
			fl.Calls = nil
			fl.PeakRPS = fl.MeanRPS()
			m, out := eval(t, st, sc)
			mc := MonteCarlo(m, st, 11, 60000)
			got, want := out.Functions[0].ColdStartRate, mc.Functions[0].ColdStartRate
			if math.Abs(got-want) > 0.3*want && math.Abs(got-want) > 3e-4 {
				t.Errorf("duration %v ms, invocations %g (%.3f concurrent): cold-start rate %.5f, Monte Carlo %.5f",
					dur, inv, out.Functions[0].MeanConcurrency, got, want)
			}
		}
	}
}

func TestMoreMemoryNeverSlower(t *testing.T) {
	st := testState()
	st.Functions[0].TimeoutS = 900 // no timeout in the way of the means
	sc := testScenario(1e6, 400)
	sc.Workload.Functions["Fn"].CPUBound = ptr(1)
	m, err := Compile(st, sc)
	if err != nil {
		t.Fatal(err)
	}
	out := m.NewResult()
	prev, prevP99, prevMem := math.Inf(1), math.Inf(1), 0.0
	for mem := 128.0; mem <= 10240; mem += 64 {
		st.Functions[0].MemoryMB = mem
		m.Eval(st, out)
		f := out.Functions[0]
		if f.MeanDurationMS > prev+1e-9 || f.P99MS > prevP99+1e-6 {
			t.Fatalf("%v MB: duration %.3f ms p99 %.3f ms, slower than %.3f / %.3f at less memory", mem, f.MeanDurationMS, f.P99MS, prev, prevP99)
		}
		// Single-threaded: flat past one vCPU (1,769 MB, aws-facts.md 3.1).
		if prevMem > mbPerVCPU && f.MeanDurationMS != prev {
			t.Fatalf("%v MB: duration %.3f ms changed past the single-thread plateau (%.3f)", mem, f.MeanDurationMS, prev)
		}
		prev, prevP99, prevMem = f.MeanDurationMS, f.P99MS, mem
	}
	// 512 MB reference at cpu_bound 1: 128 MB is 4x slower.
	st.Functions[0].MemoryMB = 128
	m.Eval(st, out)
	if !within(out.Functions[0].MeanDurationMS, 1600, 1e-9) {
		t.Errorf("128 MB: %.2f ms, want 1600", out.Functions[0].MeanDurationMS)
	}
}

func TestThreadsUseMoreVCPUs(t *testing.T) {
	st := testState()
	sc := testScenario(1e6, 400)
	sc.Workload.Functions["Fn"].CPUBound = ptr(1)
	sc.Workload.Functions["Fn"].Threads = 6
	m, out := eval(t, st, sc)
	st.Functions[0].MemoryMB = 10240
	m.Eval(st, out)
	// 10,240 / 512 = 20x the CPU share of the reference.
	if got := out.Functions[0].MeanDurationMS; !within(got, 20, 1e-9) {
		t.Errorf("10,240 MB with 6 threads: %.3f ms, want 20", got)
	}
}

func TestProvisionedAtPeakRemovesColdStarts(t *testing.T) {
	st := testState()
	m, out := eval(t, st, testScenario(3e6, 100))
	before := out.Functions[0].ColdStartRate
	if before <= 0 {
		t.Fatalf("no cold starts without provisioned concurrency")
	}
	// Cover the peak concurrency with room for its fluctuation.
	peakN := out.Functions[0].PeakConcurrency
	st.Functions[0].Provisioned = int(math.Ceil(peakN + 4*math.Sqrt(peakN) + 2))
	m.Eval(st, out)
	f := out.Functions[0]
	if f.ColdStartRate > 1e-4 || f.ColdStartRate >= before/10 {
		t.Errorf("provisioned %d at peak concurrency %.2f: cold-start rate %.6f (was %.6f)", st.Functions[0].Provisioned, peakN, f.ColdStartRate, before)
	}
	if f.ProvisionedShare < 0.999 {
		t.Errorf("provisioned share %.4f", f.ProvisionedShare)
	}
}

func TestReservedBelowPeakThrottles(t *testing.T) {
	st := testState()
	m, out := eval(t, st, testScenario(1e8, 200))
	if out.Functions[0].ThrottleRate > 1e-9 {
		t.Fatalf("throttles %.6f without a reservation", out.Functions[0].ThrottleRate)
	}
	peakN := out.Functions[0].PeakConcurrency
	st.Functions[0].Reserved = int(peakN / 2)
	m.Eval(st, out)
	if out.Functions[0].ThrottleRate < 0.05 || out.App.ErrorRate < 0.05 {
		t.Errorf("reserved %d below peak concurrency %.1f: throttle rate %.4f, error rate %.4f", st.Functions[0].Reserved, peakN, out.Functions[0].ThrottleRate, out.App.ErrorRate)
	}
	mc := MonteCarlo(m, st, 3, 30000)
	if got, want := out.Functions[0].ThrottleRate, mc.Functions[0].ThrottleRate; !within(got, want, 0.15) {
		t.Errorf("Erlang B throttle rate %.4f, Monte Carlo %.4f", got, want)
	}
}

func TestTimeoutBelowDurationFails(t *testing.T) {
	st := testState()
	m, out := eval(t, st, testScenario(1e6, 100))
	if out.Functions[0].TimeoutRate > 1e-6 {
		t.Fatalf("timeouts %.6f at 3 s for 100 ms", out.Functions[0].TimeoutRate)
	}
	st.Functions[0].TimeoutS = 0.08 // 80 ms under a 100 ms mean
	m.Eval(st, out)
	f := out.Functions[0]
	if f.TimeoutRate < 0.5 || f.ErrorRate < f.TimeoutRate || out.App.Availability > 0.5 {
		t.Errorf("timeout 80 ms: timeout rate %.3f error rate %.3f availability %.3f", f.TimeoutRate, f.ErrorRate, out.App.Availability)
	}
	if f.P99MS > 80+httpAPIOverheadMS+1e-6 {
		t.Errorf("p99 %.2f ms beyond the timeout", f.P99MS)
	}
}

func TestHTTPFasterThanREST(t *testing.T) {
	st := testState()
	m, out := eval(t, st, testScenario(1e6, 100))
	http := *out
	http.Functions = append([]FunctionResult(nil), out.Functions...)
	st.APIs[0].REST = true
	m.Eval(st, out)
	for _, q := range [][2]float64{{http.App.P50MS, out.App.P50MS}, {http.App.P99MS, out.App.P99MS}} {
		if q[0] >= q[1] {
			t.Errorf("HTTP %.2f ms not faster than REST %.2f ms", q[0], q[1])
		}
	}
	// The REST cache serves its hit ratio at cache latency.
	sc := testScenario(1e6, 100)
	sc.Workload.Apis = map[string]*scenarios.APILoad{"Api": {CacheHitRatio: 0.6}}
	st.APIs[0].CacheGB = 0.5
	m, cached := eval(t, st, sc)
	_ = m
	if !within(cached.App.P50MS, restCacheHitMS, 1e-6) || !within(cached.Functions[0].InvokedShare, 0.4, 1e-12) {
		t.Errorf("cache 60%%: p50 %.2f ms, invoked share %.2f", cached.App.P50MS, cached.Functions[0].InvokedShare)
	}
}

func TestUnderProvisionedTableHurts(t *testing.T) {
	st := testState()
	_, ok := eval(t, st, testScenario(3e7, 100))
	// 2 reads of 1 KB eventually consistent (0.5 RCU) at 34 rps peak is
	// 34 RCU; 1 WCU x 34 rps is 34 WCU. Provision 10 of each.
	st.Tables[0] = infra.Table{ID: "Tab", Provisioned: true, RCU: 10, WCU: 10}
	m, bad := eval(t, st, testScenario(3e7, 100))
	if !(bad.App.P99MS > ok.App.P99MS*2 || bad.App.ErrorRate > ok.App.ErrorRate+0.01) {
		t.Errorf("under-provisioned: p99 %.1f ms error %.4f; on-demand p99 %.1f error %.4f", bad.App.P99MS, bad.App.ErrorRate, ok.App.P99MS, ok.App.ErrorRate)
	}
	// Auto scaling to 70 % fixes most of it.
	st.Tables[0].AutoScaleTarget = 70
	out := m.NewResult()
	m.Eval(st, out)
	if out.App.P99MS >= bad.App.P99MS || out.App.ErrorRate > bad.App.ErrorRate {
		t.Errorf("auto scaling: p99 %.1f ms error %.4f, no better than %.1f / %.4f", out.App.P99MS, out.App.ErrorRate, bad.App.P99MS, bad.App.ErrorRate)
	}
	// The simulation agrees on the error rate. At this extreme (70 % of peak
	// attempts throttled) the fast model counts timeouts and exhausted
	// retries as independent, which they are not: 15 %.
	st.Tables[0].AutoScaleTarget = 0
	m.Eval(st, out)
	mc := MonteCarlo(m, st, 5, 30000)
	if !within(out.App.ErrorRate, mc.App.ErrorRate, 0.15) {
		t.Errorf("error rate %.4f, Monte Carlo %.4f", out.App.ErrorRate, mc.App.ErrorRate)
	}
}

func TestEvalAllocatesNothing(t *testing.T) {
	st := testState()
	st.Functions[0].Provisioned = 2
	m, out := eval(t, st, testScenario(3e7, 100))
	if a := testing.AllocsPerRun(100, func() { m.Eval(st, out) }); a != 0 {
		t.Errorf("Eval allocates %v times", a)
	}
}

func BenchmarkEval(b *testing.B) {
	st := testState()
	st.Functions[0].Provisioned = 2
	m, out := eval(b, st, testScenario(3e7, 100))
	b.ReportAllocs()
	for b.Loop() {
		m.Eval(st, out)
	}
}

func BenchmarkMonteCarlo(b *testing.B) {
	st := testState()
	m, _ := eval(b, st, testScenario(3e7, 100))
	b.ReportAllocs()
	for b.Loop() {
		MonteCarlo(m, st, 1, 10000)
	}
}

// TestPeakHoursPerDay: the peak lasts workload.functions.X.peak_hours_per_day
// (default 2 hours), capped where it would carry over peakMaxShare of the
// requests.
func TestPeakHoursPerDay(t *testing.T) {
	for _, tt := range []struct {
		name  string
		hours float64 // scenario value, 0 = not given
		want  float64 // peak share of the day
	}{
		{"default", 0, scenarios.DefaultPeakHoursPerDay / 24},
		{"1 hour", 1, 1.0 / 24},
		{"4 hours", 4, 4.0 / 24},
		// 12 h at 3x the mean would carry 150% of the requests: the peak
		// lasts peakMaxShare / 3 of the day instead.
		{"capped", 12, peakMaxShare / 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc := testScenario(1e7, 100)
			fl := sc.Workload.Functions["Fn"]
			fl.PeakRPS = 3 * fl.MeanRPS()
			fl.PeakHoursPerDay = tt.hours
			m, _ := eval(t, testState(), sc)
			fm := &m.fns[0]
			if got := fm.timeShare[peak]; math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("peak share of the day %g, want %g", got, tt.want)
			}
			// The regimes keep the month's requests.
			if got := fm.rates[peak]*fm.timeShare[peak] + fm.rates[offPeak]*fm.timeShare[offPeak]; !within(got, fm.rate, 1e-12) {
				t.Errorf("mean rate %g, want %g", got, fm.rate)
			}
		})
	}
	sc := testScenario(1e7, 100)
	sc.Workload.Functions["Fn"].PeakHoursPerDay = 25
	if _, err := Compile(testState(), sc); err == nil {
		t.Error("peak_hours_per_day 25 compiled")
	}
}

// TestAccountConcurrency: functions without a reservation share the
// scenario's account_concurrency (default 1,000); an account limit below
// 100 is the whole pool (aws-facts.md 3.1 "New accounts may have lower
// limits").
func TestAccountConcurrency(t *testing.T) {
	st := testState()
	_, out := eval(t, st, testScenario(1e8, 200))
	peakN := out.Functions[0].PeakConcurrency
	if out.Functions[0].ThrottleRate > 1e-9 {
		t.Fatalf("throttles %.6f under the default account limit", out.Functions[0].ThrottleRate)
	}
	if peakN >= 100 {
		t.Fatalf("peak concurrency %.1f: the test needs it under 100", peakN)
	}
	for _, tt := range []struct {
		name     string
		limit    int
		throttle bool
	}{
		{"default", 0, false},
		{"ample", 5000, false},
		{"half the peak", int(peakN / 2), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc := testScenario(1e8, 200)
			sc.AccountConcurrency = tt.limit
			m, out := eval(t, st, sc)
			f := out.Functions[0]
			if got := f.ThrottleRate > 0.05; got != tt.throttle {
				t.Errorf("limit %d, peak concurrency %.1f: throttle rate %.4f", tt.limit, peakN, f.ThrottleRate)
			}
			if !tt.throttle {
				return
			}
			mc := MonteCarlo(m, st, 5, 30000)
			if got, want := f.ThrottleRate, mc.Functions[0].ThrottleRate; !within(got, want, 0.15) {
				t.Errorf("Erlang B throttle rate %.4f, Monte Carlo %.4f", got, want)
			}
		})
	}
}

// TestDurationCappedByTimeout: a function whose calls throttle long enough
// to pass its Timeout runs (and is billed) at most the Timeout. The mean
// duration agrees with the simulation, which cuts each invocation there,
// and the figures stay consistent: timeouts are errors, no percentile
// passes the Timeout plus the API overhead.
func TestDurationCappedByTimeout(t *testing.T) {
	st := testState()
	st.Tables[0] = infra.Table{ID: "Tab", Provisioned: true, RCU: 10, WCU: 10}
	sc := testScenario(3e7, 100)
	m, out := eval(t, st, sc)
	f := out.Functions[0]
	timeoutMS := st.Functions[0].TimeoutS * 1000
	if f.MeanDurationMS > timeoutMS || f.TimeoutRate <= 0.01 {
		t.Fatalf("mean duration %.1f ms, timeout rate %.4f, with a %v ms timeout", f.MeanDurationMS, f.TimeoutRate, timeoutMS)
	}
	if f.ErrorRate < f.TimeoutRate || f.P99MS > timeoutMS+httpAPIOverheadMS+1e-9 {
		t.Errorf("error rate %.4f below timeout rate %.4f, or p99 %.1f ms past the timeout", f.ErrorRate, f.TimeoutRate, f.P99MS)
	}
	mc := MonteCarlo(m, st, 9, 40000)
	t.Logf("mean duration %.1f ms (Monte Carlo %.1f), timeout rate %.4f (%.4f)", f.MeanDurationMS, mc.Functions[0].MeanDurationMS, f.TimeoutRate, mc.Functions[0].TimeoutRate)
	if got, want := f.MeanDurationMS, mc.Functions[0].MeanDurationMS; !within(got, want, 0.1) {
		t.Errorf("mean duration %.1f ms, Monte Carlo %.1f ms", got, want)
	}
	// With a Timeout far above every duration the cap changes nothing.
	st.Functions[0].TimeoutS = 900
	m.Eval(st, out)
	ev := m.fns[0].whole()
	uncapped := 0.0
	for r := range 2 {
		uncapped += m.fns[0].reqShare[r] * (ev.durMS + ev.pRetry[r]*ev.retryMS)
	}
	if got := out.Functions[0].MeanDurationMS; !within(got, uncapped, 1e-9) || got <= f.MeanDurationMS {
		t.Errorf("900 s timeout: mean duration %.3f ms, want the uncapped %.3f", got, uncapped)
	}
}
