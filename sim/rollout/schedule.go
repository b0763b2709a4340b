package rollout

import (
	"fmt"
	"math"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// schedule is a deployment's traffic shifting: from AtS[k] seconds on, the
// new version serves Share[k] of the traffic (0 before AtS[0]); the shift
// ends at EndS seconds (the lead time), with Share 1 from its last step.
type schedule struct {
	AtS   []float64 // step start times, seconds from the deployment's start, increasing
	Share []float64 // new version's share of traffic from AtS[k], 0..1, never decreasing
	EndS  float64   // end of the shift, seconds (>= the last step)
}

// predefined returns the schedule of a predefined deployment type
// (aws-facts.md section 5; lead times per decisions.md).
func predefined(d infra.Deploy) schedule {
	switch d {
	case infra.Canary10Percent5Minutes:
		return canary(5)
	case infra.Canary10Percent10Minutes:
		return canary(10)
	case infra.Canary10Percent15Minutes:
		return canary(15)
	case infra.Canary10Percent30Minutes:
		return canary(30)
	case infra.Linear10PercentEvery1Minute:
		return linear(1)
	case infra.Linear10PercentEvery2Minutes:
		return linear(2)
	case infra.Linear10PercentEvery3Minutes:
		return linear(3)
	case infra.Linear10PercentEvery10Minutes:
		return linear(10)
	default: // AllAtOnce, and no CodeDeploy at all
		return schedule{AtS: []float64{0}, Share: []float64{1}, EndS: 0}
	}
}

// canary: "Shifts 10 percent of traffic in the first increment. The
// remaining 90 percent is deployed N minutes later" (aws-facts.md section 5).
func canary(n float64) schedule {
	return schedule{AtS: []float64{0, n * 60}, Share: []float64{0.1, 1}, EndS: n * 60}
}

// linear: "Shifts 10 percent of traffic every N minutes until all traffic is
// shifted": 10% at 0, 100% at 9N, complete at 10N (decisions.md).
func linear(n float64) schedule {
	s := schedule{AtS: make([]float64, 10), Share: make([]float64, 10), EndS: 10 * n * 60}
	for k := range 10 {
		s.AtS[k] = float64(k) * n * 60
		s.Share[k] = float64(k+1) / 10
	}
	return s
}

// customSchedule builds the schedule of a custom deployment configuration
// from the scenario's release.custom.<name> steps.
func customSchedule(fnID, name string, steps []scenarios.Step) (schedule, error) {
	path := "release.custom." + name
	if len(steps) == 0 {
		return schedule{}, fmt.Errorf("rollout: function %s: DeploymentPreference type %q is a custom CodeDeploy configuration: give its traffic steps in the scenario under %s (a list of {at_min, percent})", fnID, name, path)
	}
	s := schedule{AtS: make([]float64, len(steps)), Share: make([]float64, len(steps))}
	for i, st := range steps {
		p := fmt.Sprintf("%s[%d]", path, i)
		if math.IsNaN(st.AtMin) || math.IsInf(st.AtMin, 0) || st.AtMin < 0 {
			return schedule{}, fmt.Errorf("rollout: %s.at_min: must be a number of minutes >= 0, got %g", p, st.AtMin)
		}
		if math.IsNaN(st.Percent) || st.Percent < 0 || st.Percent > 100 {
			return schedule{}, fmt.Errorf("rollout: %s.percent: must be between 0 and 100, got %g", p, st.Percent)
		}
		if i > 0 && (st.AtMin < steps[i-1].AtMin || st.Percent < steps[i-1].Percent) {
			return schedule{}, fmt.Errorf("rollout: %s: steps must go forward in time and traffic (at_min and percent never decrease)", p)
		}
		s.AtS[i] = st.AtMin * 60
		s.Share[i] = st.Percent / 100
	}
	last := len(steps) - 1
	if s.Share[last] != 1 {
		return schedule{}, fmt.Errorf("rollout: %s[%d].percent: the last step must shift all traffic (percent: 100), got %g", path, last, steps[last].Percent)
	}
	s.EndS = s.AtS[last]
	return s, nil
}

// share returns the new version's share of traffic at t seconds.
func (s *schedule) share(t float64) float64 {
	v := 0.0
	for k, at := range s.AtS {
		if at > t {
			break
		}
		v = s.Share[k]
	}
	return v
}

// integral returns the integral of the share over [a, b] seconds (a <= b):
// the seconds of full traffic the new version serves in that interval.
func (s *schedule) integral(a, b float64) float64 {
	if b <= a {
		return 0
	}
	sum := 0.0
	for k, at := range s.AtS {
		end := math.Inf(1)
		if k+1 < len(s.AtS) {
			end = s.AtS[k+1]
		}
		lo, hi := math.Max(a, at), math.Min(b, end)
		if hi > lo {
			sum += s.Share[k] * (hi - lo)
		}
	}
	return sum
}
