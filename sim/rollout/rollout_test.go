package rollout

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// fnState is a hand-built function with an alias (Baseline is tested by
// its owner; these tests need only the fields the model reads).
func fnState(id string, d infra.Deploy) infra.Function {
	return infra.Function{ID: id, Type: "AWS::Serverless::Function", Alias: true, Deploy: d, DeployName: infra.DeployNames[d], API: -1, Queue: -1, Reserved: infra.None}
}

// oneFunction is a state with one function named Fn and a scenario giving
// it invocationsPerMonth.
func oneFunction(d infra.Deploy, invocationsPerMonth float64) (*infra.State, *scenarios.Scenario) {
	st := &infra.State{Functions: []infra.Function{fnState("Fn", d)}}
	sc := &scenarios.Scenario{Name: "t", Workload: scenarios.Workload{Functions: map[string]*scenarios.FunctionLoad{
		"Fn": {InvocationsPerMonth: invocationsPerMonth},
	}}}
	return st, sc
}

// perSecond is a month's invocations at 1 request per second (730 h).
const perSecond = 730 * 3600

func mustCompile(t testing.TB, st *infra.State, sc *scenarios.Scenario) *Model {
	t.Helper()
	m, err := Compile(st, sc)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

func eval(t testing.TB, st *infra.State, sc *scenarios.Scenario) FunctionResult {
	t.Helper()
	m := mustCompile(t, st, sc)
	r := m.NewResult()
	m.Eval(st, r)
	return r.Functions[0]
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-12
}

func TestLeadTimes(t *testing.T) {
	// decisions.md "deployment lead time": AllAtOnce 0, Canary N, Linear 10 x N.
	tests := []struct {
		d    infra.Deploy
		want float64
	}{
		{infra.AllAtOnce, 0},
		{infra.Canary10Percent5Minutes, 5},
		{infra.Canary10Percent10Minutes, 10},
		{infra.Canary10Percent15Minutes, 15},
		{infra.Canary10Percent30Minutes, 30},
		{infra.Linear10PercentEvery1Minute, 10},
		{infra.Linear10PercentEvery2Minutes, 20},
		{infra.Linear10PercentEvery3Minutes, 30},
		{infra.Linear10PercentEvery10Minutes, 100},
		{infra.DeployNone, 0},
	}
	for _, tt := range tests {
		t.Run(kindName(tt.d, ""), func(t *testing.T) {
			st, sc := oneFunction(tt.d, perSecond)
			got := eval(t, st, sc)
			if got.LeadTimeMin != tt.want {
				t.Errorf("lead time %g min, want %g", got.LeadTimeMin, tt.want)
			}
			if got.Type != kindName(tt.d, "") {
				t.Errorf("type %q", got.Type)
			}
		})
	}
}

func TestHandComputed(t *testing.T) {
	// 1 request/s, defect_error_rate 0.2 (default): 0.2 errors/s at full
	// traffic. Manual detection after 60 min (scenarios.DefaultManualDetectMin).
	st, sc := oneFunction(infra.AllAtOnce, perSecond)
	got := eval(t, st, sc)
	want := FunctionResult{Type: "AllAtOnce", LeadTimeMin: 0, DetectProbability: 0,
		ExpectedFailedRequests: 0.2 * 3600, TimeToDetectMin: 60,
		FailedRequestsPerMonth: 0.2 * 3600 * 0.1 * 4}
	if !resultsNear(got, want, 1e-9) {
		t.Errorf("AllAtOnce:\n got %+v\nwant %+v", got, want)
	}

	// Canary 5 min with the genome's errors alarm (Errors Sum > 0 per
	// minute): at 10% the errors per minute are Poisson(1.2); the alarm
	// survives a minute with probability e^-1.2.
	st, sc = oneFunction(infra.Canary10Percent5Minutes, perSecond)
	st.Functions[0].AlarmLevel = 1
	got = eval(t, st, sc)
	q := math.Exp(-1.2)
	shift, ttd := 0.0, 0.0
	for j := range 5 {
		shift += 1.2 * math.Pow(q, float64(j))
		ttd += float64(j+1) * (math.Pow(q, float64(j)) - math.Pow(q, float64(j+1)))
	}
	s5 := math.Pow(q, 5)
	want = FunctionResult{Type: "Canary10Percent5Minutes", LeadTimeMin: 5, DetectProbability: 1 - s5,
		ExpectedFailedRequests: shift + s5*0.2*3600, TimeToDetectMin: ttd + s5*(5+60)}
	want.FailedRequestsPerMonth = want.ExpectedFailedRequests * 0.1 * 4
	if !resultsNear(got, want, 1e-9) {
		t.Errorf("Canary with alarm:\n got %+v\nwant %+v", got, want)
	}
}

// TestManualDetectMin: release.manual_detect_min sets how long an
// undetected defect serves all traffic (AllAtOnce: the whole blast radius),
// in the closed form and the Monte Carlo reference alike.
func TestManualDetectMin(t *testing.T) {
	for _, tt := range []struct {
		name string
		min  float64 // scenario value, 0 = not given
		want float64 // minutes at full traffic
	}{
		{"default", 0, scenarios.DefaultManualDetectMin},
		{"15 minutes", 15, 15},
		{"a day", 1440, 1440},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, sc := oneFunction(infra.AllAtOnce, perSecond)
			sc.Release.ManualDetectMin = tt.min
			got := eval(t, st, sc)
			// 1 request/s x defect_error_rate 0.2 x 60 s per minute.
			if want := 0.2 * 60 * tt.want; !near(got.ExpectedFailedRequests, want, 1e-9) || !near(got.TimeToDetectMin, tt.want, 1e-9) {
				t.Errorf("failed requests %g, time to detect %g; want %g, %g", got.ExpectedFailedRequests, got.TimeToDetectMin, want, tt.want)
			}
		})
	}
}

func resultsNear(a, b FunctionResult, rel float64) bool {
	return a.Type == b.Type && near(a.LeadTimeMin, b.LeadTimeMin, rel) &&
		near(a.DetectProbability, b.DetectProbability, rel) &&
		near(a.ExpectedFailedRequests, b.ExpectedFailedRequests, rel) &&
		near(a.TimeToDetectMin, b.TimeToDetectMin, rel) &&
		near(a.FailedRequestsPerMonth, b.FailedRequestsPerMonth, rel)
}

// errorsAlarm is a template alarm on the function's Errors.
func errorsAlarm(id, stat string, periodS float64, eval, datapoints int, threshold float64, cmp string) infra.Alarm {
	return infra.Alarm{ID: id, Namespace: "AWS/Lambda", MetricName: "Errors", Statistic: stat, Metrics: 1,
		PeriodS: periodS, EvaluationPeriods: eval, DatapointsToAlarm: datapoints, Threshold: threshold,
		Comparison: cmp, Function: 0}
}

func TestBlastRadiusOrdering(t *testing.T) {
	strategies := func(t *testing.T, alarmLevel uint8, alarms []infra.Alarm) map[string]Strategy {
		st, sc := oneFunction(infra.AllAtOnce, 3*perSecond)
		st.Functions[0].AlarmLevel = alarmLevel
		st.Alarms = alarms
		for i := range alarms {
			st.Functions[0].Alarms = append(st.Functions[0].Alarms, i)
		}
		m := mustCompile(t, st, sc)
		out := map[string]Strategy{}
		for _, s := range m.Strategies(st, 0) {
			out[s.Type] = s
		}
		if len(out) != 9 {
			t.Fatalf("%d strategies, want the 9 predefined", len(out))
		}
		return out
	}
	t.Run("genome alarm: AllAtOnce loses more than a canary", func(t *testing.T) {
		s := strategies(t, 1, nil)
		all, can := s["AllAtOnce"], s["Canary10Percent10Minutes"]
		if !(all.ExpectedFailedRequests > 5*can.ExpectedFailedRequests) {
			t.Errorf("AllAtOnce %g failed requests, canary %g: want far more", all.ExpectedFailedRequests, can.ExpectedFailedRequests)
		}
		if !(can.DetectProbability > 0.99) || all.DetectProbability != 0 {
			t.Errorf("detect: canary %g, AllAtOnce %g", can.DetectProbability, all.DetectProbability)
		}
	})
	t.Run("template alarm: AllAtOnce loses more than a canary", func(t *testing.T) {
		s := strategies(t, 0, []infra.Alarm{errorsAlarm("ErrAlarm", "Sum", 60, 1, 1, 5, "GreaterThanOrEqualToThreshold")})
		all, can := s["AllAtOnce"], s["Canary10Percent5Minutes"]
		if !(all.ExpectedFailedRequests > can.ExpectedFailedRequests) {
			t.Errorf("AllAtOnce %g, canary %g", all.ExpectedFailedRequests, can.ExpectedFailedRequests)
		}
	})
	t.Run("no alarm: a canary is no safer in the end", func(t *testing.T) {
		s := strategies(t, 0, nil)
		all := s["AllAtOnce"]
		for name, st := range s {
			if st.ExpectedFailedRequests < all.ExpectedFailedRequests {
				t.Errorf("%s loses %g < AllAtOnce's %g without an alarm", name, st.ExpectedFailedRequests, all.ExpectedFailedRequests)
			}
			if st.DetectProbability != 0 {
				t.Errorf("%s detects %g without alarm or hook", name, st.DetectProbability)
			}
		}
	})
	t.Run("slower shifts take longer", func(t *testing.T) {
		s := strategies(t, 1, nil)
		if !(s["Linear10PercentEvery10Minutes"].LeadTimeMin > s["Canary10Percent5Minutes"].LeadTimeMin) {
			t.Error("lead time ordering")
		}
	})
}

func TestHooks(t *testing.T) {
	one := 1.0
	tests := []struct {
		name       string
		pre, post  bool
		catch      *float64
		wantDetect float64
		wantFailed float64 // share of the no-hook blast radius
	}{
		{"none", false, false, nil, 0, 1},
		{"pretraffic default 0.5", true, false, nil, 0.5, 0.5},
		{"pretraffic catches all", true, false, &one, 1, 0},
		{"posttraffic default 0.5", false, true, nil, 0.5, -1},
		{"both", true, true, nil, 0.75, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, sc := oneFunction(infra.Canary10Percent5Minutes, perSecond)
			base := eval(t, st, sc)
			st.Functions[0].PreTraffic, st.Functions[0].PostTraffic = tt.pre, tt.post
			sc.Release.HookCatchRate = tt.catch
			got := eval(t, st, sc)
			if !near(got.DetectProbability, tt.wantDetect, 1e-12) {
				t.Errorf("detect %g, want %g", got.DetectProbability, tt.wantDetect)
			}
			if tt.wantFailed >= 0 && !near(got.ExpectedFailedRequests, tt.wantFailed*base.ExpectedFailedRequests, 1e-12) {
				t.Errorf("failed %g, want %g x %g", got.ExpectedFailedRequests, tt.wantFailed, base.ExpectedFailedRequests)
			}
			if tt.post {
				// The PostTraffic hook rolls back at the end of the shift:
				// its catches lose only the canary's 5 minutes at 10%.
				canary := 0.2 * 0.1 * 300
				full := base.ExpectedFailedRequests - canary
				pre := 0.0
				if tt.pre {
					pre = 0.5
				}
				want := (1 - pre) * (canary + 0.5*full)
				if !near(got.ExpectedFailedRequests, want, 1e-9) {
					t.Errorf("failed %g, want %g", got.ExpectedFailedRequests, want)
				}
			}
		})
	}
	t.Run("no CodeDeploy, no hooks", func(t *testing.T) {
		st, sc := oneFunction(infra.DeployNone, perSecond)
		st.Functions[0].PreTraffic = true
		if got := eval(t, st, sc); got.DetectProbability != 0 {
			t.Errorf("detect %g without DeploymentPreference", got.DetectProbability)
		}
	})
}

func TestClosedFormAgainstMonteCarlo(t *testing.T) {
	n := 400000
	if testing.Short() {
		n = 40000
	}
	tests := []struct {
		name   string
		d      infra.Deploy
		rate   float64 // requests per second
		level  uint8
		alarms []infra.Alarm
		pre    bool
		post   bool
	}{
		{"AllAtOnce no alarm", infra.AllAtOnce, 1, 0, nil, false, false},
		{"canary genome alarm", infra.Canary10Percent10Minutes, 0.5, 1, nil, false, false},
		{"linear genome alarm low traffic", infra.Linear10PercentEvery2Minutes, 0.05, 1, nil, false, false},
		{"canary Sum>=5 over 5 min", infra.Canary10Percent30Minutes, 1, 0,
			[]infra.Alarm{errorsAlarm("A", "Sum", 300, 1, 1, 5, "GreaterThanOrEqualToThreshold")}, false, false},
		{"linear Maximum 5 of 5 (the SAM example)", infra.Linear10PercentEvery3Minutes, 0.1, 0,
			[]infra.Alarm{errorsAlarm("A", "Maximum", 60, 5, 5, 1, "GreaterThanOrEqualToThreshold")}, false, false},
		{"linear 2 of 3 datapoints", infra.Linear10PercentEvery1Minute, 0.2, 0,
			[]infra.Alarm{errorsAlarm("A", "Sum", 60, 3, 2, 1, "GreaterThanThreshold")}, false, false},
		{"two alarms neither implies (best single alarm is approximate)", infra.Canary10Percent30Minutes, 2, 0,
			[]infra.Alarm{errorsAlarm("A", "Sum", 60, 1, 1, 3, "GreaterThanOrEqualToThreshold"),
				errorsAlarm("B", "Sum", 300, 1, 1, 5, "GreaterThanOrEqualToThreshold")}, false, false},
		{"genome alarm dominates a 5-minute Sum alarm, hooks", infra.Canary10Percent15Minutes, 0.3, 2,
			[]infra.Alarm{errorsAlarm("A", "Sum", 300, 1, 1, 10, "GreaterThanThreshold")}, true, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, sc := oneFunction(tt.d, tt.rate*perSecond)
			f := &st.Functions[0]
			f.AlarmLevel, f.PreTraffic, f.PostTraffic = tt.level, tt.pre, tt.post
			st.Alarms = tt.alarms
			for j := range tt.alarms {
				f.Alarms = append(f.Alarms, j)
			}
			m := mustCompile(t, st, sc)
			r := m.NewResult()
			m.Eval(st, r)
			cf := r.Functions[0]
			mc := MonteCarlo(m, st, 0, int64(1000+i), n)
			t.Logf("closed form %+v\nMonte Carlo %+v", cf, mc)
			// A few percent: the Monte Carlo's standard error at n = 400000
			// is at most about 1% of the mean for these cases (the rare
			// undetected releases that serve all traffic for an hour
			// dominate the variance).
			tol := 0.03
			if testing.Short() {
				tol = 0.08
			}
			if !near(cf.ExpectedFailedRequests, mc.ExpectedFailedRequests, tol) {
				t.Errorf("failed requests: closed form %g, Monte Carlo %g", cf.ExpectedFailedRequests, mc.ExpectedFailedRequests)
			}
			if !near(cf.TimeToDetectMin, mc.TimeToDetectMin, tol) {
				t.Errorf("time to detect: closed form %g, Monte Carlo %g", cf.TimeToDetectMin, mc.TimeToDetectMin)
			}
			if math.Abs(cf.DetectProbability-mc.DetectProbability) > tol/2 {
				t.Errorf("detect probability: closed form %g, Monte Carlo %g", cf.DetectProbability, mc.DetectProbability)
			}
			if cf.LeadTimeMin != mc.LeadTimeMin || cf.Type != mc.Type {
				t.Errorf("lead time / type: %g %s vs %g %s", cf.LeadTimeMin, cf.Type, mc.LeadTimeMin, mc.Type)
			}
		})
	}
	t.Run("seeded", func(t *testing.T) {
		st, sc := oneFunction(infra.Canary10Percent5Minutes, perSecond)
		st.Functions[0].AlarmLevel = 1
		m := mustCompile(t, st, sc)
		if a, b := MonteCarlo(m, st, 0, 7, 500), MonteCarlo(m, st, 0, 7, 500); a != b {
			t.Errorf("same seed, different results: %+v %+v", a, b)
		}
	})
}

// TestSurvivalExact checks the M-of-N alarm recursions against every breach
// pattern of a few periods.
func TestSurvivalExact(t *testing.T) {
	b := []float64{0.1, 0.5, 0.3, 0.8, 0.05, 0.6, 0.9}
	for e := 1; e <= 5; e++ {
		for d := 1; d <= e; d++ {
			got, approx := survival(b, d, e)
			if approx {
				t.Fatalf("%d of %d: approximate", d, e)
			}
			for j := range b {
				want := 0.0
				for pat := 0; pat < 1<<(j+1); pat++ {
					p, fired := 1.0, false
					for i := 0; i <= j; i++ {
						br := pat>>i&1 == 1
						if br {
							p *= b[i]
						} else {
							p *= 1 - b[i]
						}
						c := 0
						for w := max(0, i-e+1); w <= i; w++ {
							c += pat >> w & 1
						}
						if c >= d {
							fired = true
						}
					}
					if !fired {
						want += p
					}
				}
				if !near(got[j], want, 1e-12) {
					t.Errorf("%d of %d, period %d: survival %g, want %g", d, e, j, got[j], want)
				}
			}
		}
	}
}

func TestAppResult(t *testing.T) {
	st := &infra.State{Functions: []infra.Function{
		fnState("A", infra.Canary10Percent10Minutes),
		fnState("B", infra.Linear10PercentEvery3Minutes),
		{ID: "NoAlias", API: -1, Queue: -1},
	}}
	st.Functions[0].AlarmLevel = 2
	st.Functions[1].AlarmLevel = 1
	sc := &scenarios.Scenario{Workload: scenarios.Workload{Functions: map[string]*scenarios.FunctionLoad{
		"A": {InvocationsPerMonth: perSecond, DeploysPerMonth: 10}, "B": {InvocationsPerMonth: 2 * perSecond},
		"NoAlias": {InvocationsPerMonth: perSecond},
	}}}
	m := mustCompile(t, st, sc)
	r := m.NewResult()
	m.Eval(st, r)
	sum := 0.0
	for _, f := range r.Functions {
		sum += f.ExpectedFailedRequests
	}
	if !near(r.DeployRisk, sum, 1e-12) {
		t.Errorf("DeployRisk %g, sum %g", r.DeployRisk, sum)
	}
	if r.LeadTimeMin != 30 {
		t.Errorf("app lead time %g, want the longest, 30", r.LeadTimeMin)
	}
	if got := r.Functions[2]; got.Type != "none" || got.ExpectedFailedRequests != 0.2*3600 {
		t.Errorf("no alias: %+v", got)
	}
	if got := r.Functions[0]; !near(got.FailedRequestsPerMonth, got.ExpectedFailedRequests*0.1*10, 1e-12) {
		t.Errorf("per month %g", got.FailedRequestsPerMonth)
	}
	if m.Strategies(st, 2) != nil {
		t.Error("strategies for a function without alias")
	}
	if m.Strategies(st, 9) != nil {
		t.Error("strategies out of range")
	}
}

func TestCustom(t *testing.T) {
	st := &infra.State{Functions: []infra.Function{
		{ID: "Fn", Alias: true, Deploy: infra.DeployCustom, DeployName: "TestDeploymentConfiguration", API: -1, Queue: -1},
		{ID: "Other", Alias: true, Deploy: infra.Canary10Percent5Minutes, API: -1, Queue: -1},
	}}
	sc := &scenarios.Scenario{Workload: scenarios.Workload{Functions: map[string]*scenarios.FunctionLoad{
		"Fn": {InvocationsPerMonth: 1e6}, "Other": {InvocationsPerMonth: 1e6},
	}}}
	// No steps in the scenario: not fatal; Fn's figures are not computed
	// and left out of the app's, with a note naming the scenario key.
	m := mustCompile(t, st, sc)
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "Fn") || !strings.Contains(m.Notes[0], "TestDeploymentConfiguration") ||
		!strings.Contains(m.Notes[0], "release.custom.TestDeploymentConfiguration") {
		t.Fatalf("custom without steps: notes %q", m.Notes)
	}
	r := m.NewResult()
	m.Eval(st, r)
	other := r.Functions[1]
	if got := r.Functions[0]; !got.Unknown || got.Type != "TestDeploymentConfiguration" || got.LeadTimeMin != 0 || got.ExpectedFailedRequests != 0 {
		t.Errorf("custom without steps: %+v", got)
	}
	if other.Unknown || r.Unknown != 1 || r.DeployRisk != other.ExpectedFailedRequests || r.LeadTimeMin != other.LeadTimeMin || r.LeadTimeMin != 5 {
		t.Errorf("app without the unknown function: %+v", r)
	}
	if s := m.Strategies(st, 0); len(s) != 10 || !s[9].Unknown || s[8].Unknown {
		t.Errorf("strategies without steps: %+v", s)
	}
	// The genome moving Fn to a predefined type computes it again.
	v := *st
	v.Functions = append([]infra.Function(nil), st.Functions...)
	v.Functions[0].Deploy = infra.Linear10PercentEvery10Minutes
	m.Eval(&v, r)
	if r.Unknown != 0 || r.Functions[0].Unknown || r.LeadTimeMin != 100 {
		t.Errorf("predefined type: %+v", r)
	}
	if a := testing.AllocsPerRun(50, func() { m.Eval(st, r) }); a != 0 {
		t.Errorf("Eval with an unknown function allocates %v times", a)
	}
	st.Functions = st.Functions[:1]
	sc.Release.Custom = map[string][]scenarios.Step{"TestDeploymentConfiguration": {{AtMin: 0, Percent: 25}, {AtMin: 12, Percent: 100}}}
	m = mustCompile(t, st, sc)
	r = m.NewResult()
	m.Eval(st, r)
	if got := r.Functions[0]; got.Unknown || len(m.Notes) != 0 || got.Type != "TestDeploymentConfiguration" || got.LeadTimeMin != 12 {
		t.Errorf("custom: %+v", got)
	}
	if s := m.Strategies(st, 0); len(s) != 10 || s[9].Type != "TestDeploymentConfiguration" {
		t.Errorf("strategies: %d, last %+v", len(s), s[len(s)-1])
	}
	for _, bad := range [][]scenarios.Step{
		{{AtMin: 0, Percent: 50}},
		{{AtMin: 5, Percent: 100}, {AtMin: 1, Percent: 100}},
		{{AtMin: math.NaN(), Percent: 100}},
		{{AtMin: 0, Percent: 120}},
	} {
		sc.Release.Custom["TestDeploymentConfiguration"] = bad
		if _, err := Compile(st, sc); err == nil || !strings.HasPrefix(err.Error(), "rollout: ") {
			t.Errorf("steps %v: error %v", bad, err)
		}
	}
}

func TestAlarmsTheModelCannotRead(t *testing.T) {
	tests := []struct {
		name  string
		alarm infra.Alarm
		note  string
	}{
		{"misspelt metric", infra.Alarm{ID: "A", Namespace: "AWS/Lambda", MetricName: "Error", Statistic: "Maximum", PeriodS: 60, EvaluationPeriods: 5, Threshold: 1, Comparison: "GreaterThanOrEqualToThreshold", Function: 0}, "not AWS/Lambda Errors"},
		{"metric math", infra.Alarm{ID: "A", Function: -1}, "metric math"},
		{"average", errorsAlarm("A", "Average", 60, 1, 1, 0.1, "GreaterThanThreshold"), "Average"},
		{"less than", errorsAlarm("A", "Sum", 60, 1, 1, 1, "LessThanThreshold"), "LessThanThreshold"},
		{"always in alarm", errorsAlarm("A", "Sum", 60, 1, 1, 0, "GreaterThanOrEqualToThreshold"), "in ALARM"},
		{"other function", infra.Alarm{ID: "A", Namespace: "AWS/Lambda", MetricName: "Errors", Statistic: "Sum", PeriodS: 60, EvaluationPeriods: 1, Comparison: "GreaterThanThreshold", Function: 3}, "another function"},
		{"maximum above one", errorsAlarm("A", "Maximum", 60, 1, 1, 2, "GreaterThanThreshold"), "above 1"},
	}
	t.Run("huge evaluation periods", func(t *testing.T) {
		for _, d := range []int{1, 1 << 30} {
			st, sc := oneFunction(infra.Linear10PercentEvery10Minutes, perSecond)
			st.Alarms = []infra.Alarm{errorsAlarm("A", "Sum", 10, 1<<30, d, 1e300, "GreaterThanThreshold")}
			st.Functions[0].Alarms = []int{0}
			m := mustCompile(t, st, sc)
			r := m.NewResult()
			m.Eval(st, r)
			if r.Functions[0].DetectProbability != 0 {
				t.Errorf("datapoints %d: detects %g", d, r.Functions[0].DetectProbability)
			}
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, sc := oneFunction(infra.Canary10Percent5Minutes, perSecond)
			st.Alarms = []infra.Alarm{tt.alarm}
			st.Functions[0].Alarms = []int{0}
			m := mustCompile(t, st, sc)
			if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], tt.note) || !strings.HasPrefix(m.Notes[0], "Fn: alarm A") {
				t.Errorf("notes %q, want one containing %q", m.Notes, tt.note)
			}
			r := m.NewResult()
			m.Eval(st, r)
			if r.Functions[0].DetectProbability != 0 {
				t.Errorf("an unreadable alarm detects %g", r.Functions[0].DetectProbability)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	bad := 1.5
	tests := []struct {
		name string
		mod  func(*scenarios.Scenario)
		want string
	}{
		{"defect rate", func(sc *scenarios.Scenario) { sc.Release.DefectRate = 2 }, "release.defect_rate"},
		{"defect error rate", func(sc *scenarios.Scenario) { sc.Release.DefectErrorRate = -1 }, "release.defect_error_rate"},
		{"hook catch rate", func(sc *scenarios.Scenario) { sc.Release.HookCatchRate = &bad }, "release.hook_catch_rate"},
		{"invocations", func(sc *scenarios.Scenario) { sc.Workload.Functions["Fn"].InvocationsPerMonth = math.Inf(1) }, "invocations_per_month"},
		{"very long custom shift", func(sc *scenarios.Scenario) {
			sc.Release.Custom = map[string][]scenarios.Step{"Slow": {{AtMin: 1e12, Percent: 100}}}
		}, "periods"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, sc := oneFunction(infra.AllAtOnce, perSecond)
			if tt.name == "very long custom shift" {
				st.Functions[0].Deploy, st.Functions[0].DeployName = infra.DeployCustom, "Slow"
			}
			tt.mod(sc)
			_, err := Compile(st, sc)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rollout: ") {
				t.Errorf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
	if _, err := Compile(nil, nil); err == nil {
		t.Error("nil state accepted")
	}
	if m, err := Compile(&infra.State{Functions: []infra.Function{fnState("Fn", infra.AllAtOnce)}}, nil); err != nil || m == nil {
		t.Errorf("nil scenario: %v", err)
	}
}

func TestEvalAllocatesNothing(t *testing.T) {
	st, sc := benchState()
	m := mustCompile(t, st, sc)
	r := m.NewResult()
	if n := testing.AllocsPerRun(100, func() { m.Eval(st, r) }); n != 0 {
		t.Errorf("Eval allocates %g times", n)
	}
}

func benchState() (*infra.State, *scenarios.Scenario) {
	st := &infra.State{Alarms: []infra.Alarm{errorsAlarm("A", "Sum", 60, 3, 2, 2, "GreaterThanThreshold")}}
	sc := &scenarios.Scenario{Workload: scenarios.Workload{Functions: map[string]*scenarios.FunctionLoad{}}}
	for i, d := range []infra.Deploy{infra.Linear10PercentEvery10Minutes, infra.Canary10Percent5Minutes, infra.AllAtOnce, infra.DeployNone} {
		f := fnState(string(rune('A'+i)), d)
		f.AlarmLevel, f.PreTraffic, f.Alarms = uint8(i%3), i%2 == 0, []int{0}
		st.Functions = append(st.Functions, f)
		sc.Workload.Functions[f.ID] = &scenarios.FunctionLoad{InvocationsPerMonth: float64(i+1) * perSecond}
	}
	return st, sc
}

func BenchmarkEval(b *testing.B) {
	st, sc := benchState()
	m := mustCompile(b, st, sc)
	r := m.NewResult()
	b.ReportAllocs()
	for b.Loop() {
		m.Eval(st, r)
	}
}

func BenchmarkCompile(b *testing.B) {
	st, sc := benchState()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(st, sc); err != nil {
			b.Fatal(err)
		}
	}
}

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

// TestCorpusCustomDeployment: SAM's translator test template with custom
// CodeDeploy configurations compiles without a scenario for them; those
// functions are not computed, each with a note naming its scenario key.
func TestCorpusCustomDeployment(t *testing.T) {
	path := filepath.Join(corpusDir(t), "serverless-application-model", "translator-input", "function_with_custom_codedeploy_deployment_preference.yaml")
	tpl, err := cfn.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	sc := scenarios.Empty("")
	m, err := Compile(st, sc)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	r := m.NewResult()
	m.Eval(st, r)
	unknown := 0
	for i, f := range st.Functions {
		got := r.Functions[i]
		if kindOf(&f) != infra.DeployCustom {
			if got.Unknown {
				t.Errorf("%s (%s): not computed", f.ID, got.Type)
			}
			continue
		}
		unknown++
		if !got.Unknown || got.Type != f.DeployName {
			t.Errorf("%s: custom %q: %+v", f.ID, f.DeployName, got)
		}
		note := false
		for _, n := range m.Notes {
			note = note || strings.HasPrefix(n, f.ID+": ") && strings.Contains(n, "release.custom."+f.DeployName)
		}
		if !note {
			t.Errorf("%s: no note naming release.custom.%s in %q", f.ID, f.DeployName, m.Notes)
		}
	}
	if unknown == 0 || r.Unknown != unknown {
		t.Errorf("%d custom functions, result counts %d unknown", unknown, r.Unknown)
	}
	if math.IsNaN(r.DeployRisk) || math.IsNaN(r.LeadTimeMin) {
		t.Errorf("app %+v", r)
	}
}

// TestEvalIncremental: one Result fed a sequence of states (each a random
// change of the last to a function's deployment kind, alias, alarm level or
// hooks) holds, after every Eval, exactly what a fresh Result holds; and a
// Result moved to another model forgets the first one's figures.
func TestEvalIncremental(t *testing.T) {
	st, sc := benchState()
	m := mustCompile(t, st, sc)
	r := m.NewResult()
	rng := rand.New(rand.NewPCG(5, 9))
	for step := range 2000 {
		f := &st.Functions[rng.IntN(len(st.Functions))]
		switch rng.IntN(5) {
		case 0:
			f.Deploy = infra.Deploy(rng.IntN(nKinds))
		case 1:
			f.Alias = !f.Alias
		case 2:
			f.AlarmLevel = uint8(rng.IntN(3))
		case 3:
			f.PreTraffic = !f.PreTraffic
		case 4:
			f.PostTraffic = !f.PostTraffic
		}
		m.Eval(st, r)
		want := m.NewResult()
		m.Eval(st, want)
		if !reflect.DeepEqual(r.Functions, want.Functions) || math.Float64bits(r.DeployRisk) != math.Float64bits(want.DeployRisk) ||
			math.Float64bits(r.LeadTimeMin) != math.Float64bits(want.LeadTimeMin) || r.Unknown != want.Unknown {
			t.Fatalf("step %d: got %+v, want %+v", step, r, want)
		}
	}
	// Another model (other hook catch rate) on the same Result and state.
	sc2 := *sc
	hc := 0.25
	sc2.Release.HookCatchRate = &hc
	m2 := mustCompile(t, st, &sc2)
	m2.Eval(st, r)
	want := m2.NewResult()
	m2.Eval(st, want)
	if !reflect.DeepEqual(r.Functions, want.Functions) {
		t.Fatalf("other model: got %+v, want %+v", r.Functions, want.Functions)
	}
}
