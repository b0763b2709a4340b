package evolve

import (
	"fmt"
	"strings"

	"github.com/evoarch/evoarch/sim"
)

// objective is one axis of the Pareto front.
type objective struct {
	name     string // the INTERFACE.md objectives key
	maximize bool
	// field names the Metrics value the objective reads (value).
	field objField
}

// objField names a Metrics value an objective reads.
type objField uint8

const (
	fCost objField = iota
	fP99
	fP95
	fP50
	fCompliance
	fAvailability
	fErrorRate
	fDeployRisk
	fLeadTime
	fComplexity
	fFitness
)

// value returns the Metrics value the objective reads.
func (o *objective) value(m *sim.Metrics) float64 {
	switch o.field {
	case fCost:
		return m.Objectives.CostUSDMonth
	case fP99:
		return m.Objectives.LatencyP99MS
	case fP95:
		return m.Objectives.LatencyP95MS
	case fP50:
		return m.Objectives.LatencyP50MS
	case fCompliance:
		return m.Objectives.Compliance
	case fAvailability:
		return m.Objectives.Availability
	case fErrorRate:
		return m.Objectives.ErrorRate
	case fDeployRisk:
		return m.Objectives.DeployRisk
	case fLeadTime:
		return m.Objectives.LeadTimeMin
	case fComplexity:
		return m.Objectives.Complexity
	default:
		return m.Fitness
	}
}

// min returns the objective as a value to minimise.
func (o *objective) min(m *sim.Metrics) float64 {
	v := o.value(m)
	if o.maximize {
		return -nanLow(v)
	}
	return nanHigh(v)
}

var objectiveTable = []struct {
	aliases []string
	obj     objective
}{
	{[]string{"cost", "cost_usd_month"}, objective{"cost_usd_month", false, fCost}},
	{[]string{"latency", "latency_p99_ms", "p99"}, objective{"latency_p99_ms", false, fP99}},
	{[]string{"latency_p95_ms", "p95"}, objective{"latency_p95_ms", false, fP95}},
	{[]string{"latency_p50_ms", "p50"}, objective{"latency_p50_ms", false, fP50}},
	{[]string{"compliance"}, objective{"compliance", true, fCompliance}},
	{[]string{"availability"}, objective{"availability", true, fAvailability}},
	{[]string{"error_rate", "errors"}, objective{"error_rate", false, fErrorRate}},
	{[]string{"deploy_risk", "deploy_safety"}, objective{"deploy_risk", false, fDeployRisk}},
	{[]string{"lead_time", "lead_time_min"}, objective{"lead_time_min", false, fLeadTime}},
	{[]string{"complexity"}, objective{"complexity", false, fComplexity}},
	{[]string{"fitness"}, objective{"fitness", true, fFitness}},
}

// ObjectiveNames lists the names Options.Objectives accepts (each
// objective's short name; its INTERFACE.md key is accepted too).
func ObjectiveNames() []string {
	out := make([]string, len(objectiveTable))
	for i, e := range objectiveTable {
		out[i] = e.aliases[0]
	}
	return out
}

func parseObjectives(names []string) ([]objective, error) {
	var out []objective
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(strings.ToLower(n))
		found := false
		for _, e := range objectiveTable {
			for _, a := range e.aliases {
				if a == n {
					found = true
				}
			}
			if found {
				if seen[e.obj.name] {
					return nil, fmt.Errorf("evolve: objective %q given twice", n)
				}
				seen[e.obj.name] = true
				out = append(out, e.obj)
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("evolve: unknown objective %q: valid values are {%s}", n, strings.Join(ObjectiveNames(), "|"))
		}
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("evolve: nsga2 needs at least 2 objectives, got %d", len(out))
	}
	return out, nil
}

func objectiveNames(objs []objective) []string {
	out := make([]string, len(objs))
	for i := range objs {
		out[i] = objs[i].name
	}
	return out
}

// readsLowerPercentiles reports whether one of objs reads the
// application's p50 or p95 latency (which a lean evaluation leaves out).
func readsLowerPercentiles(objs []objective) bool {
	for i := range objs {
		if objs[i].field == fP50 || objs[i].field == fP95 {
			return true
		}
	}
	return false
}
