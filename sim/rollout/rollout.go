package rollout

import (
	"fmt"
	"math"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// FunctionResult is one function's safe-deployment figures under one
// deployment type (the JSON keys of INTERFACE.md's rollout strategies).
type FunctionResult struct {
	// Type is the DeploymentPreference type, a custom configuration's name,
	// or "none" when no CodeDeploy deployment shifts the traffic.
	Type string `json:"type"`
	// LeadTimeMin is the minutes until all traffic is shifted.
	LeadTimeMin float64 `json:"lead_time_min"`
	// DetectProbability is the chance a defective release is stopped by a
	// hook or an alarm before people find it, 0..1.
	DetectProbability float64 `json:"detect_probability"`
	// ExpectedFailedRequests is the expected failed requests of a release
	// that carries a defect (the blast radius).
	ExpectedFailedRequests float64 `json:"expected_failed_requests"`
	// TimeToDetectMin is the expected minutes from a defective release's
	// start until its rollback.
	TimeToDetectMin float64 `json:"time_to_detect_min"`
	// FailedRequestsPerMonth is ExpectedFailedRequests x defect_rate x
	// deploys_per_month.
	FailedRequestsPerMonth float64 `json:"failed_requests_per_month"`
	// Unknown is true when the figures are not computed: the type is a
	// custom CodeDeploy configuration whose traffic steps the scenario does
	// not give (release.custom.<Type>; Model.Notes says so). Every figure
	// above is then 0, meaning "not computed", and the function is left out
	// of Result.DeployRisk and Result.LeadTimeMin. Not part of the JSON
	// strategy object (INTERFACE.md lists its keys).
	Unknown bool `json:"-"`
}

// Strategy is one deployment type's figures for one function, as the
// rollout command prints them side by side.
type Strategy = FunctionResult

// Result is the model's output for one variant.
type Result struct {
	// Functions is indexed like infra.State.Functions.
	Functions []FunctionResult
	// DeployRisk is the sum of the functions' ExpectedFailedRequests:
	// expected failed requests per release of the app, a defect assumed in
	// the function released (see the package doc).
	DeployRisk float64
	// LeadTimeMin is the longest function's lead time, minutes: deployment
	// groups deploy in parallel (aws-facts.md section 5).
	LeadTimeMin float64
	// Unknown is the number of functions whose deployment figures are not
	// computed (FunctionResult.Unknown) and are missing from DeployRisk and
	// LeadTimeMin.
	Unknown int

	// m and keys are what Eval last wrote Functions from: keys[i] is
	// function i's inputs then, so Eval rewrites only the functions whose
	// inputs changed (each function's figures are a function of its model
	// and these inputs only).
	m    *Model
	keys []fnKey
}

// fnKey is what a function's figures read of its state: the deployment
// kind, whether it has alarms, and its hooks.
type fnKey struct {
	kind             infra.Deploy
	alarm, pre, post bool
}

// nKinds is the number of infra.Deploy values (DeployNone..DeployCustom).
const nKinds = int(infra.DeployCustom) + 1

// Model is the compiled safe-deployment model of one template under one
// scenario. It is read-only after Compile: Eval may run on one Model from
// several goroutines, each with its own Result.
type Model struct {
	rel releaseModel
	fns []fnModel
	// Notes are what the model could not read as written (alarms it cannot
	// evaluate, approximations), in function and alarm order, for the
	// command to show.
	Notes []string
}

// fnModel is one function's precomputed outcomes.
type fnModel struct {
	id      string
	rps     float64 // mean requests per second
	deploys float64 // releases per month
	errRate float64 // errors per second of a defective version at full traffic
	custom  string  // the template's custom configuration name, if any
	// noSteps: custom is a configuration the scenario gives no steps for;
	// its figures are not computed (FunctionResult.Unknown).
	noSteps bool
	// scheds per Deploy kind (index 0: no CodeDeploy, all at once).
	scheds [nKinds]schedule
	// dets: the template's alarms that can see a defect, without [0] and
	// with [1] the genome's errors alarm.
	dets [2][]detector
	// tab[kind][withGenomeAlarm] is the shift's outcome.
	tab [nKinds][2]outcome
}

// Compile builds the model: each function's mean rate and releases per
// month from the scenario's workload, the release model, the alarms of the
// template state st and the schedules of every deployment type. A function
// whose type is a custom configuration without steps in the scenario has
// its figures under that type not computed (FunctionResult.Unknown, and a
// note naming release.custom.<Type>); steps that are given but invalid are
// an error. sc may be nil (the defaults).
func Compile(st *infra.State, sc *scenarios.Scenario) (*Model, error) {
	if st == nil {
		return nil, fmt.Errorf("rollout: no template state")
	}
	m := &Model{rel: readRelease(sc), fns: make([]fnModel, len(st.Functions))}
	if err := m.rel.check(); err != nil {
		return nil, err
	}
	var custom map[string][]scenarios.Step
	if sc != nil {
		custom = sc.Release.Custom
	}
	for i := range st.Functions {
		fn := &st.Functions[i]
		f := &m.fns[i]
		f.id = fn.ID
		f.rps, f.deploys = functionLoad(sc, fn.ID)
		if math.IsNaN(f.rps) || f.rps < 0 || math.IsInf(f.rps, 0) {
			return nil, fmt.Errorf("rollout: workload.functions.%s.invocations_per_month: must be a number >= 0", fn.ID)
		}
		if math.IsNaN(f.deploys) || f.deploys < 0 || math.IsInf(f.deploys, 0) {
			return nil, fmt.Errorf("rollout: workload.functions.%s.deploys_per_month: must be a number >= 0", fn.ID)
		}
		f.errRate = f.rps * m.rel.DefectErrorRate
		for k := range nKinds {
			f.scheds[k] = predefined(infra.Deploy(k))
		}
		if fn.Deploy == infra.DeployCustom {
			f.custom = fn.DeployName
			if steps := custom[fn.DeployName]; len(steps) == 0 {
				f.noSteps = true
				m.Notes = append(m.Notes, fmt.Sprintf("%s: DeploymentPreference type %q is a custom CodeDeploy configuration without traffic steps in the scenario: its deployment risk and lead time are not computed (give them under release.custom.%s, a list of {at_min, percent})", fn.ID, fn.DeployName, fn.DeployName))
			} else {
				s, err := customSchedule(fn.ID, fn.DeployName, steps)
				if err != nil {
					return nil, err
				}
				f.scheds[infra.DeployCustom] = s
			}
		}
		for _, ai := range fn.Alarms {
			if ai < 0 || ai >= len(st.Alarms) {
				continue
			}
			d, why := readAlarm(&st.Alarms[ai], i)
			if why != "" {
				m.Notes = append(m.Notes, fn.ID+": "+why)
				continue
			}
			f.dets[0] = append(f.dets[0], d)
		}
		f.dets[1] = append(append([]detector(nil), f.dets[0]...), genomeErrorsAlarm)
		for k := range nKinds {
			if infra.Deploy(k) == infra.DeployCustom && (f.custom == "" || f.noSteps) {
				continue
			}
			for a := range 2 {
				dets := f.dets[a]
				if k == int(infra.DeployNone) {
					dets = nil // no CodeDeploy: nothing rolls back
				}
				o, notes, err := evaluate(&f.scheds[k], f.errRate, dets)
				if err != nil {
					return nil, fmt.Errorf("rollout: function %s, %s: %w", fn.ID, kindName(infra.Deploy(k), f.custom), err)
				}
				f.tab[k][a] = o
				if k == int(fn.Deploy) {
					for _, n := range notes {
						m.Notes = append(m.Notes, fn.ID+": "+n)
					}
				}
			}
		}
	}
	return m, nil
}

func (r *releaseModel) check() error {
	for _, c := range []struct {
		key string
		v   float64
	}{
		{"release.defect_rate", r.DefectRate},
		{"release.defect_error_rate", r.DefectErrorRate},
		{"release.hook_catch_rate", r.HookCatchRate},
	} {
		if math.IsNaN(c.v) || c.v < 0 || c.v > 1 {
			return fmt.Errorf("rollout: %s: must be between 0 and 1, got %g", c.key, c.v)
		}
	}
	return nil
}

// kindName is the label of a deployment kind: the predefined type, the
// custom configuration's name, or "none".
func kindName(d infra.Deploy, custom string) string {
	switch {
	case d == infra.DeployNone:
		return "none"
	case d == infra.DeployCustom:
		return custom
	default:
		return infra.DeployNames[d]
	}
}

// kindOf is the deployment kind that applies to fn: no CodeDeploy without
// an alias (DeploymentPreference requires AutoPublishAlias).
func kindOf(fn *infra.Function) infra.Deploy {
	if !fn.Alias || fn.Deploy > infra.DeployCustom {
		return infra.DeployNone
	}
	return fn.Deploy
}

// NewResult returns a Result sized for the model's functions.
func (m *Model) NewResult() *Result {
	return &Result{Functions: make([]FunctionResult, len(m.fns))}
}

// Eval writes the variant st's figures into out without allocating. st must
// have the functions of the state the model was compiled from, in the same
// order (a variant from infra.Binder); Eval reads each function's Alias,
// Deploy, AlarmLevel, PreTraffic and PostTraffic. The template's own alarms
// are those of the compiled state.
//
// Eval rewrites a function's figures only when its inputs differ from the
// previous Eval into out (of this model; out.Functions must not be written
// in between): the sums are redone in function order, so the result is
// bit-identical to a fresh Result's.
func (m *Model) Eval(st *infra.State, out *Result) {
	out.DeployRisk, out.LeadTimeMin, out.Unknown = 0, 0, 0
	n := min(len(m.fns), len(st.Functions), len(out.Functions))
	full := out.m != m || len(out.keys) != n
	if full {
		// Another model, or a Result of another size: forget the keys
		// (allocates only then).
		out.m, out.keys = m, make([]fnKey, n)
	}
	keys := out.keys[:n]
	for i := range n {
		fn := &st.Functions[i]
		r := &out.Functions[i]
		k := fnKey{kind: kindOf(fn), alarm: fn.AlarmLevel > 0, pre: fn.PreTraffic, post: fn.PostTraffic}
		if full || k != keys[i] {
			keys[i] = k
			m.resultInto(r, i, k.kind, fn.AlarmLevel, fn.PreTraffic, fn.PostTraffic)
		}
		if r.Unknown {
			out.Unknown++
		} else {
			out.DeployRisk += r.ExpectedFailedRequests
			out.LeadTimeMin = maxMin(out.LeadTimeMin, r.LeadTimeMin)
		}
	}
}

// maxMin is math.Max(a, b) without its call to assembly: math.Max is +Inf
// when either is, else the builtin max (NaN when either is NaN, +0 over -0).
func maxMin(a, b float64) float64 {
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return math.Inf(1)
	}
	return max(a, b)
}

// result combines function i's precomputed shift outcome for kind k with
// its hooks (package doc).
func (m *Model) result(i int, k infra.Deploy, alarmLevel uint8, pre, post bool) FunctionResult {
	var r FunctionResult
	m.resultInto(&r, i, k, alarmLevel, pre, post)
	return r
}

// resultInto is result writing into r (no copy of the result).
func (m *Model) resultInto(r *FunctionResult, i int, k infra.Deploy, alarmLevel uint8, pre, post bool) {
	f := &m.fns[i]
	if k == infra.DeployCustom && f.noSteps {
		*r = FunctionResult{Type: f.custom, Unknown: true}
		return
	}
	a := 0
	if alarmLevel > 0 {
		a = 1
	}
	o := &f.tab[k][a]
	if !o.Valid {
		k = infra.DeployNone
		o = &f.tab[k][a]
	}
	var hPre, hPost float64
	if k != infra.DeployNone {
		if pre {
			hPre = m.rel.HookCatchRate
		}
		if post {
			hPost = m.rel.HookCatchRate
		}
	}
	manualS := m.rel.ManualDetectMin * 60
	shifted := 1 - hPre
	failed := shifted * (o.FailedShift + o.Survive*(1-hPost)*f.errRate*manualS)
	*r = FunctionResult{
		Type:                   kindName(k, f.custom),
		LeadTimeMin:            o.LeadMin,
		DetectProbability:      hPre + shifted*((1-o.Survive)+o.Survive*hPost),
		ExpectedFailedRequests: failed,
		TimeToDetectMin:        shifted * (o.AlarmTimeMin + o.Survive*(o.LeadMin+(1-hPost)*m.rel.ManualDetectMin)),
		FailedRequestsPerMonth: failed * m.rel.DefectRate * f.deploys,
	}
}

// Strategies returns every predefined deployment type side by side for
// function fn of st, with its own alarms (and the genome's, at its
// AlarmLevel) and hooks; the template's own type is last when it is not a
// predefined one (a custom configuration, or "none"). A function without
// AutoPublishAlias cannot shift traffic: Strategies returns nil for it, as
// for an index out of range.
func (m *Model) Strategies(st *infra.State, fn int) []Strategy {
	if fn < 0 || fn >= len(m.fns) || fn >= len(st.Functions) {
		return nil
	}
	f := &st.Functions[fn]
	if !f.Alias {
		return nil
	}
	out := make([]Strategy, 0, nKinds)
	for k := infra.AllAtOnce; k <= infra.Linear10PercentEvery10Minutes; k++ {
		out = append(out, m.result(fn, k, f.AlarmLevel, f.PreTraffic, f.PostTraffic))
	}
	if k := kindOf(f); k == infra.DeployNone || k == infra.DeployCustom {
		out = append(out, m.result(fn, k, f.AlarmLevel, f.PreTraffic, f.PostTraffic))
	}
	return out
}

// Current returns the label of function fn's own deployment type in st
// (the Type of its row in Strategies), "none" without CodeDeploy.
func (m *Model) Current(st *infra.State, fn int) string {
	if fn < 0 || fn >= len(m.fns) || fn >= len(st.Functions) {
		return ""
	}
	return kindName(kindOf(&st.Functions[fn]), m.fns[fn].custom)
}

// Traffic returns function fn's mean request rate (requests per second) and
// releases per month as the model uses them.
func (m *Model) Traffic(fn int) (rps, deploysPerMonth float64) {
	if fn < 0 || fn >= len(m.fns) {
		return 0, 0
	}
	return m.fns[fn].rps, m.fns[fn].deploys
}

// Release returns the release model in force: defect rate, defect error
// rate, hook catch rate (shares 0..1) and the manual detection time
// (minutes).
func (m *Model) Release() (defectRate, defectErrorRate, hookCatchRate, manualDetectMin float64) {
	return m.rel.DefectRate, m.rel.DefectErrorRate, m.rel.HookCatchRate, m.rel.ManualDetectMin
}
