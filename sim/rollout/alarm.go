package rollout

import (
	"fmt"
	"math"
	"math/bits"
	"sort"

	"gonum.org/v1/gonum/mathext"

	"github.com/evoarch/evoarch/sim/infra"
)

// detector is an alarm the model can evaluate on a defect's errors: a
// datapoint of one period breaches when the period's error count is at
// least KMin; the alarm fires when Datapoints of the last EvalPeriods
// datapoints breach.
type detector struct {
	Name        string
	PeriodS     float64 // period, seconds
	EvalPeriods int     // EvaluationPeriods
	Datapoints  int     // DatapointsToAlarm (<= EvalPeriods)
	KMin        int     // smallest breaching error count in one period (>= 1)
}

// genomeErrorsAlarm is the alarm the DeploymentAlarms gene adds: Errors Sum
// > 0 over one 60 s period, 1 of 1 datapoints (brief, issue 6).
var genomeErrorsAlarm = detector{Name: "errors alarm (genome)", PeriodS: 60, EvalPeriods: 1, Datapoints: 1, KMin: 1}

// maxPeriods bounds the datapoints one alarm is evaluated over during one
// shift, so that a very long custom configuration cannot exhaust memory.
const maxPeriods = 200000

// readAlarm turns a template alarm into a detector for function fn, or
// explains why the alarm never fires on a defect of fn.
func readAlarm(a *infra.Alarm, fn int) (detector, string) {
	d := detector{Name: a.ID}
	if a.Statistic == "" || a.Metrics > 1 {
		return d, fmt.Sprintf("alarm %s uses metric math, which the model does not evaluate: it never rolls back a deployment here", a.ID)
	}
	if a.Namespace != "AWS/Lambda" || a.MetricName != "Errors" {
		return d, fmt.Sprintf("alarm %s watches %s %s, not AWS/Lambda Errors: a defect's errors do not make it fire", a.ID, a.Namespace, a.MetricName)
	}
	if a.Function >= 0 && a.Function != fn {
		return d, fmt.Sprintf("alarm %s watches the Errors of another function", a.ID)
	}
	if a.Statistic != "Sum" && a.Statistic != "Maximum" {
		return d, fmt.Sprintf("alarm %s uses the %s statistic; the model evaluates Sum and Maximum only, so it never rolls back here", a.ID, a.Statistic)
	}
	if !(a.PeriodS > 0) || math.IsInf(a.PeriodS, 0) {
		return d, fmt.Sprintf("alarm %s has no usable period (%g s)", a.ID, a.PeriodS)
	}
	if math.IsNaN(a.Threshold) || math.IsInf(a.Threshold, 0) {
		return d, fmt.Sprintf("alarm %s has no usable threshold", a.ID)
	}
	var k float64
	switch a.Comparison {
	case "GreaterThanThreshold":
		k = math.Floor(a.Threshold) + 1
	case "GreaterThanOrEqualToThreshold":
		k = math.Ceil(a.Threshold)
	default:
		return d, fmt.Sprintf("alarm %s compares with %q: more errors never make it fire", a.ID, a.Comparison)
	}
	if k <= 0 {
		return d, fmt.Sprintf("alarm %s is in ALARM with no errors at all (%s %g): CodeDeploy would roll back every deployment (aws-facts.md section 5); the model ignores it", a.ID, a.Comparison, a.Threshold)
	}
	if a.Statistic == "Maximum" {
		// Lambda records 0 or 1 Errors per invocation, so the period's
		// Maximum is 1 when any invocation failed.
		if k > 1 {
			return d, fmt.Sprintf("alarm %s needs a Maximum of Errors of %g, above 1: it never fires", a.ID, k)
		}
	}
	if k > 1e9 {
		k = 1e9
	}
	d.KMin = int(k)
	d.PeriodS = a.PeriodS
	d.EvalPeriods = max(a.EvaluationPeriods, 1)
	d.Datapoints = a.DatapointsToAlarm
	if d.Datapoints <= 0 || d.Datapoints > d.EvalPeriods {
		d.Datapoints = d.EvalPeriods
	}
	return d, ""
}

// breachProb is P(X >= k) for X ~ Poisson(mu).
func breachProb(mu float64, k int) float64 {
	if k <= 0 {
		return 1
	}
	if !(mu > 0) {
		return 0
	}
	return mathext.GammaIncReg(float64(k), mu)
}

// survival returns, for each evaluation j (the end of period j), the
// probability that the alarm has not fired by then, given each period's
// breach probability b[j]. approx is true when the M-of-N window was too
// wide to track exactly and breaches were never let drop out of it (which
// overstates detection).
func survival(b []float64, datapoints, evalPeriods int) (s []float64, approx bool) {
	s = make([]float64, len(b))
	e, d := evalPeriods, datapoints
	if d > len(b) {
		// Fewer periods than the datapoints it needs: it cannot fire.
		for j := range s {
			s[j] = 1
		}
		return s, false
	}
	// Datapoints before the start never breach, so a window longer than
	// the shift acts as one as long as the shift.
	e = min(e, len(b))
	switch {
	case d == e:
		// Run length of breaching periods, 0..e-1.
		p := make([]float64, e)
		p[0] = 1
		for j, bj := range b {
			next := make([]float64, e)
			alive := 0.0
			for r, pr := range p {
				next[0] += pr * (1 - bj)
				if r+1 < e {
					next[r+1] += pr * bj
				}
			}
			for _, v := range next {
				alive += v
			}
			p = next
			s[j] = alive
		}
	case len(b) <= e || e-1 > 14:
		// Breaches never leave the window within len(b) periods (exact), or
		// the window is too wide for the bit-mask states (approximate).
		approx = len(b) > e
		p := make([]float64, d)
		p[0] = 1
		for j, bj := range b {
			next := make([]float64, d)
			alive := 0.0
			for c, pc := range p {
				next[c] += pc * (1 - bj)
				if c+1 < d {
					next[c+1] += pc * bj
				}
			}
			for _, v := range next {
				alive += v
			}
			p = next
			s[j] = alive
		}
	default:
		// The last e-1 outcomes as a bit mask.
		w := uint(e - 1)
		mask := uint32(1)<<w - 1
		p := make([]float64, 1<<w)
		p[0] = 1
		for j, bj := range b {
			next := make([]float64, 1<<w)
			alive := 0.0
			for m, pm := range p {
				if pm == 0 {
					continue
				}
				prev := bits.OnesCount32(uint32(m))
				next[(uint32(m)<<1)&mask] += pm * (1 - bj)
				if prev+1 < d {
					next[(uint32(m)<<1|1)&mask] += pm * bj
				}
			}
			for _, v := range next {
				alive += v
			}
			p = next
			s[j] = alive
		}
	}
	return s, approx
}

// outcome is what a defective release's shift costs under one schedule and
// one set of alarms, before hooks.
type outcome struct {
	LeadMin float64 // minutes until all traffic is shifted
	// FailedShift is the expected failed requests from the start until the
	// rollback, or until the end of the shift when no alarm fires.
	FailedShift float64
	// Survive is the probability that no alarm fired during the shift.
	Survive float64
	// AlarmTimeMin is the sum over firing times of time x probability,
	// minutes (E[rollback time; an alarm fired]).
	AlarmTimeMin float64
	Valid        bool
}

// evaluate computes the outcome of a shift with errRate errors per second at
// full traffic on the defective version, watched by dets.
func evaluate(s *schedule, errRate float64, dets []detector) (outcome, []string, error) {
	var notes []string
	end := s.EndS
	type event struct{ t, surv float64 }
	var events []event // per alarm evaluation: time and that alarm's survival
	for _, d := range dets {
		n := int(math.Floor(end/d.PeriodS + 1e-9))
		if n <= 0 {
			continue
		}
		if n > maxPeriods {
			return outcome{}, nil, fmt.Errorf("rollout: a %g-minute shift holds %d periods of alarm %s (%g s): more than the %d the model evaluates", end/60, n, d.Name, d.PeriodS, maxPeriods)
		}
		b := make([]float64, n)
		for j := range b {
			t := float64(j+1) * d.PeriodS
			b[j] = breachProb(errRate*s.integral(t-d.PeriodS, t), d.KMin)
		}
		sv, approx := survival(b, d.Datapoints, d.EvalPeriods)
		if approx {
			notes = append(notes, fmt.Sprintf("alarm %s: %d of %d datapoints is too wide to evaluate exactly; breaches are kept for the whole shift, which overstates detection", d.Name, d.Datapoints, d.EvalPeriods))
		}
		for j, v := range sv {
			events = append(events, event{float64(j+1) * d.PeriodS, v})
		}
	}
	// Combined survival at each time: the best single alarm's (doc.go).
	sort.SliceStable(events, func(i, j int) bool { return events[i].t < events[j].t })
	times := make([]float64, 0, len(events))
	surv := make([]float64, 0, len(events))
	cur := 1.0
	for _, ev := range events {
		if ev.surv < cur {
			cur = ev.surv
		}
		if n := len(times); n > 0 && times[n-1] == ev.t {
			surv[n-1] = cur
			continue
		}
		times = append(times, ev.t)
		surv = append(surv, cur)
	}
	o := outcome{LeadMin: end / 60, Valid: true}
	// Breakpoints: schedule steps and alarm evaluations, within [0, end].
	bp := make([]float64, 0, len(s.AtS)+len(times)+2)
	bp = append(bp, 0)
	for _, t := range s.AtS {
		if t > 0 && t < end {
			bp = append(bp, t)
		}
	}
	bp = append(bp, times...)
	bp = append(bp, end)
	sort.Float64s(bp)
	sv, ti, prev := 1.0, 0, 1.0
	for i := 0; i+1 < len(bp); i++ {
		a, b := bp[i], bp[i+1]
		for ti < len(times) && times[ti] <= a {
			sv = surv[ti]
			o.AlarmTimeMin += times[ti] / 60 * (prev - sv)
			prev = sv
			ti++
		}
		if b > a {
			o.FailedShift += errRate * s.share(a) * sv * (b - a)
		}
	}
	for ti < len(times) {
		sv = surv[ti]
		o.AlarmTimeMin += times[ti] / 60 * (prev - sv)
		prev = sv
		ti++
	}
	o.Survive = sv
	return o, notes, nil
}
