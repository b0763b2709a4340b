package perf

import (
	"math"
	"testing"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// TestMonteCarloAgreementThrottling compares the fast model with the
// simulation where requests throttle, retry and time out: reserved
// concurrency below the peak (Erlang B), an under-provisioned table with
// and without auto scaling, a Timeout cutting the duration's tail, and
// seed-demo as written (its 5/5 tables throttle hard at the peak). Run with
// -v for the table of both figures.
//
// Tolerances, per quantity: percentiles 5 %; error, timeout and throttle
// rates 5 % relative or 0.003 absolute (the simulation's own standard error
// on 40,000 requests is about 0.0025 at a rate of 0.3). Cold starts: the
// fast model adds the daily ramp from the off-peak pool to the peak one,
// which the simulation does not run (it simulates each regime steady), and
// its cold-start formula assumes durations of little spread; invocations
// that wait seconds for DynamoDB retries spread much wider, so the
// cold-start rate is held to a factor 2.5 or 0.002 absolute: it weighs
// next to nothing in the latency next to the retries.
func TestMonteCarloAgreementThrottling(t *testing.T) {
	type cse struct {
		name string
		st   *infra.State
		sc   *scenarios.Scenario
		fn   int
	}
	var cases []cse
	{ // Reserved concurrency at half the peak concurrency.
		st, sc := testState(), testScenario(1e8, 200)
		_, out := eval(t, st, sc)
		st.Functions[0].Reserved = int(out.Functions[0].PeakConcurrency / 2)
		cases = append(cases, cse{"reserved half the peak", st, sc, 0})
	}
	{ // 34 RCU and 34 WCU of peak demand on a 10/10 table.
		st := testState()
		st.Tables[0] = infra.Table{ID: "Tab", Provisioned: true, RCU: 10, WCU: 10}
		cases = append(cases, cse{"table 10/10", st, testScenario(3e7, 100), 0})
		st2 := testState()
		st2.Tables[0] = infra.Table{ID: "Tab", Provisioned: true, RCU: 10, WCU: 10, AutoScaleTarget: 70, AutoScaleMaxRCU: 20, AutoScaleMaxWCU: 20}
		cases = append(cases, cse{"table 10/10 auto scaling to 20", st2, testScenario(3e7, 100), 0})
	}
	{ // A 140 ms Timeout over a 100 ms mean, cv 0.3.
		st := testState()
		st.Functions[0].TimeoutS = 0.14
		cases = append(cases, cse{"timeout 140 ms", st, testScenario(3e7, 100), 0})
	}
	{ // seed-demo as written.
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
		for i := range st.Functions {
			if st.Functions[i].ID == "myFirstFunction" || st.Functions[i].ID == "mySecondFunction" {
				cases = append(cases, cse{"seed-demo " + st.Functions[i].ID, st, sc, i})
			}
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fast := eval(t, c.st, c.sc)
			mc := MonteCarlo(m, c.st, 7, 40000)
			f, r := fast.Functions[c.fn], mc.Functions[c.fn]
			for _, q := range []struct {
				name      string
				got, want float64
				rel, abs  float64
			}{
				{"p50", f.P50MS, r.P50MS, 0.05, 0},
				{"p95", f.P95MS, r.P95MS, 0.05, 0},
				{"p99", f.P99MS, r.P99MS, 0.05, 0},
				{"error rate", f.ErrorRate, r.ErrorRate, 0.05, 0.003},
				{"timeout rate", f.TimeoutRate, r.TimeoutRate, 0.05, 0.003},
				{"throttle rate", f.ThrottleRate, r.ThrottleRate, 0.05, 0.003},
				{"cold-start rate", f.ColdStartRate, r.ColdStartRate, 1.5, 0.002},
				{"app error rate", fast.App.ErrorRate, mc.App.ErrorRate, 0.05, 0.003},
			} {
				d := math.Abs(q.got - q.want)
				rel := 0.0
				if q.want != 0 {
					rel = d / math.Abs(q.want)
				}
				t.Logf("%-16s fast %10.5f  Monte Carlo %10.5f  rel %6.2f%%", q.name, q.got, q.want, 100*rel)
				if d > q.rel*math.Abs(q.want) && d > q.abs {
					t.Errorf("%s: fast %.5f, Monte Carlo %.5f", q.name, q.got, q.want)
				}
			}
		})
	}
}
