package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim/infra"
)

// Evaluation is one variant's full breakdown: the JSON of INTERFACE.md
// "evaluate --format json", plus the genome and a few added keys
// (feasible, not_computed, assumptions). Lists are never null.
type Evaluation struct {
	Scenario string  `json:"scenario"`
	Template string  `json:"template"`
	Fitness  float64 `json:"fitness"`
	Feasible bool    `json:"feasible"`
	// Violation is the relative excess over the hard constraints (0 when
	// feasible).
	Violation  float64          `json:"violation"`
	Objectives ObjectivesReport `json:"objectives"`
	// NotComputed lists the objective keys whose model is not available;
	// their values are null and they are left out of the fitness.
	NotComputed []string         `json:"not_computed"`
	Score       Score            `json:"score"`
	Constraints []Constraint     `json:"constraints"`
	Cost        Cost             `json:"cost"`
	Latency     LatencyReport    `json:"latency"`
	Compliance  ComplianceReport `json:"compliance"`
	Deployments []Deployment     `json:"deployments"`
	Genome      GenomeValues     `json:"genome"`
	// Assumptions are the defaults in force that the scenario did not give.
	Assumptions []string `json:"assumptions"`
}

// ObjectivesReport is Objectives with null for what was not computed.
type ObjectivesReport struct {
	CostUSDMonth *float64 `json:"cost_usd_month"`
	LatencyP50MS *float64 `json:"latency_p50_ms"`
	LatencyP95MS *float64 `json:"latency_p95_ms"`
	LatencyP99MS *float64 `json:"latency_p99_ms"`
	ErrorRate    *float64 `json:"error_rate"`
	Availability *float64 `json:"availability"`
	Compliance   *float64 `json:"compliance"`
	DeployRisk   *float64 `json:"deploy_risk"`
	LeadTimeMin  *float64 `json:"lead_time_min"`
	Complexity   *float64 `json:"complexity"`
}

// ObjectiveScore is one objective's part of the fitness.
type ObjectiveScore struct {
	Weight       float64 `json:"weight"`
	Utility      float64 `json:"utility"`
	Contribution float64 `json:"contribution"` // weight x utility
	// Computed is false when the objective's model is not available: it
	// contributes nothing.
	Computed bool `json:"computed"`
	// Target is the value at which the utility is one half, when it has one:
	// USD per month (cost), p99 ms (latency), error rate (availability),
	// failed requests per release (deploy_safety).
	Target *float64 `json:"target,omitempty"`
	// LeadTimeTargetMin is deploy_safety's second target: the lead time, in
	// minutes, at which the lead-time half of its utility is one half.
	LeadTimeTargetMin *float64 `json:"lead_time_target_min,omitempty"`
}

// Regularization is the complexity penalty: lambda x complexity.
type Regularization struct {
	Lambda  float64 `json:"lambda"`
	Penalty float64 `json:"penalty"`
}

// Score is the fitness breakdown; its JSON keys are the objective names and
// "regularization".
type Score struct {
	Cost           ObjectiveScore `json:"cost"`
	Latency        ObjectiveScore `json:"latency"`
	Compliance     ObjectiveScore `json:"compliance"`
	Availability   ObjectiveScore `json:"availability"`
	DeploySafety   ObjectiveScore `json:"deploy_safety"`
	Regularization Regularization `json:"regularization"`
}

// Objective returns the score of objective name (see scenarios.ObjectiveNames).
func (s *Score) Objective(name string) *ObjectiveScore {
	switch name {
	case "cost":
		return &s.Cost
	case "latency":
		return &s.Latency
	case "compliance":
		return &s.Compliance
	case "availability":
		return &s.Availability
	case "deploy_safety":
		return &s.DeploySafety
	}
	return nil
}

// ObjectiveNames are the weighted objectives in report order.
func ObjectiveNames() []string { return objectiveNames[:] }

// Constraint is one hard constraint of the scenario and how the variant
// stands against it.
type Constraint struct {
	Name  string  `json:"name"`
	Limit float64 `json:"limit"`
	Value float64 `json:"value"`
	OK    bool    `json:"ok"`
	// Computed is false when the value's model is not available (the
	// constraint is then not enforced).
	Computed bool `json:"computed"`
}

// LatencyReport is the per-function performance.
type LatencyReport struct {
	Computed  bool              `json:"computed"`
	Functions []FunctionLatency `json:"functions"`
}

// FunctionLatency is one function's latency (ms) and rates (shares).
type FunctionLatency struct {
	ID            string  `json:"id"`
	P50MS         float64 `json:"p50_ms"`
	P95MS         float64 `json:"p95_ms"`
	P99MS         float64 `json:"p99_ms"`
	ColdStartRate float64 `json:"cold_start_rate"`
	ThrottleRate  float64 `json:"throttle_rate"`
	TimeoutRate   float64 `json:"timeout_rate"`
	// MeanDurationMS is the billed mean duration at the variant's memory.
	MeanDurationMS float64 `json:"mean_duration_ms"`
	// HasWorkload is false when the scenario gives the function no traffic.
	HasWorkload bool `json:"has_workload"`
}

// ComplianceReport is the rule findings.
type ComplianceReport struct {
	Computed bool      `json:"computed"`
	Findings []Finding `json:"findings"`
}

// Finding is one rule's verdict on one resource.
type Finding struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Status   string `json:"status"` // COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE
	Message  string `json:"message"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"column,omitempty"`
	// SuppressedBy names what suppressed a NON_COMPLIANT finding, if any.
	SuppressedBy string `json:"suppressed_by,omitempty"`
}

// Deployment is one function's release under its DeploymentPreference.
// The figures are null, with Computed false and a Note, for a custom
// deployment configuration whose traffic steps the scenario does not give.
type Deployment struct {
	Function               string   `json:"function"`
	Type                   string   `json:"type"`
	LeadTimeMin            *float64 `json:"lead_time_min"`
	ExpectedFailedRequests *float64 `json:"expected_failed_requests"`
	DetectProbability      *float64 `json:"detect_probability"`
	Computed               bool     `json:"computed"`
	Note                   string   `json:"note,omitempty"`
}

// GenomeValue is one gene's value in a variant.
type GenomeValue struct {
	Gene  string
	Value any
}

// GenomeValues is a variant's genes in Space order; its JSON is an object
// {gene: value} in that order.
type GenomeValues []GenomeValue

// MarshalJSON writes the genes as one object, in order.
func (g GenomeValues) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range g {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(v.Gene)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(v.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a {gene: value} object, keeping its order.
func (g *GenomeValues) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("sim: genome: want a JSON object")
	}
	out := GenomeValues{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		out = append(out, GenomeValue{Gene: k, Value: v})
	}
	*g = out
	return nil
}

// objectivesReport returns o with nil for what is not computed.
func (p *Plan) objectivesReport(o *Objectives) (ObjectivesReport, []string) {
	v := func(x float64) *float64 { return &x }
	r := ObjectivesReport{CostUSDMonth: v(o.CostUSDMonth), Complexity: v(o.Complexity)}
	missing := []string{}
	if p.computed.Latency {
		r.LatencyP50MS, r.LatencyP95MS, r.LatencyP99MS = v(o.LatencyP50MS), v(o.LatencyP95MS), v(o.LatencyP99MS)
		r.ErrorRate, r.Availability = v(o.ErrorRate), v(o.Availability)
	} else {
		missing = append(missing, "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "error_rate", "availability")
	}
	if p.computed.Compliance {
		r.Compliance = v(o.Compliance)
	} else {
		missing = append(missing, "compliance")
	}
	if p.computed.Deploy {
		r.DeployRisk, r.LeadTimeMin = v(o.DeployRisk), v(o.LeadTimeMin)
	} else {
		missing = append(missing, "deploy_risk", "lead_time_min")
	}
	return r, missing
}

// Summary is the short form of an evaluation: the batch form's line.
type Summary struct {
	Fitness     float64          `json:"fitness"`
	Objectives  ObjectivesReport `json:"objectives"`
	Feasible    bool             `json:"feasible"`
	Violation   float64          `json:"violation"`
	NotComputed []string         `json:"not_computed"`
}

// Summarize returns the short form of metrics m (allocates).
func (p *Plan) Summarize(m *Metrics) Summary {
	o, missing := p.objectivesReport(&m.Objectives)
	return Summary{Fitness: m.Fitness, Objectives: o, Feasible: m.Feasible, Violation: m.Violation, NotComputed: missing}
}

// Report evaluates g and returns its full breakdown (allocates; for
// reports, not for the search). g must come from the plan's Space.
func (p *Plan) Report(g genome.Genome) *Evaluation {
	e := p.NewEvaluator()
	e.cost.keep = true // the report lists the line items
	if e.perfM != nil {
		e.perfM.SkipFunctionPercentiles(false) // the report lists them
	}
	var m Metrics
	e.Evaluate(g, &m)
	st := e.st
	ev := &Evaluation{
		Scenario:    p.sc.Name,
		Template:    p.t.Path,
		Fitness:     m.Fitness,
		Feasible:    m.Feasible,
		Violation:   m.Violation,
		Constraints: []Constraint{},
		Deployments: []Deployment{},
		Genome:      GenomeValues{},
		Latency:     LatencyReport{Computed: p.computed.Latency, Functions: []FunctionLatency{}},
		Compliance:  ComplianceReport{Computed: p.computed.Compliance, Findings: []Finding{}},
	}
	ev.Objectives, ev.NotComputed = p.objectivesReport(&m.Objectives)

	// Score.
	f := &p.fit
	targets := [nObjectives]*float64{objCost: &f.budget, objLatency: &f.slo, objAvailability: &f.errBudget, objDeploySafety: &f.failed}
	for i, name := range objectiveNames {
		s := ev.Score.Objective(name)
		s.Weight = f.weight[i]
		s.Computed = p.objectiveComputed(i)
		if targets[i] != nil {
			t := *targets[i]
			s.Target = &t
		}
		if i == objDeploySafety {
			l := f.lead
			s.LeadTimeTargetMin = &l
		}
		if s.Computed {
			s.Utility = e.util[i]
			s.Contribution = s.Weight * s.Utility
		}
	}
	ev.Score.Regularization = Regularization{Lambda: f.lambda, Penalty: f.lambda * m.Objectives.Complexity}

	// Constraints.
	if f.maxCost > 0 {
		ev.Constraints = append(ev.Constraints, Constraint{Name: "max_cost_usd_month", Limit: f.maxCost,
			Value: m.Objectives.CostUSDMonth, OK: m.Objectives.CostUSDMonth <= f.maxCost, Computed: true})
	}
	if f.maxP99 > 0 {
		c := Constraint{Name: "max_latency_p99_ms", Limit: f.maxP99, Computed: p.computed.Latency, OK: true}
		if c.Computed {
			c.Value = m.Objectives.LatencyP99MS
			c.OK = c.Value <= f.maxP99
		}
		ev.Constraints = append(ev.Constraints, c)
	}
	var findings []Finding
	if p.comp != nil {
		for _, cf := range p.comp.Findings(st) {
			f := Finding{Rule: cf.Rule, Resource: cf.Resource, Status: cf.Status, Message: cf.Message, Line: cf.Line, Col: cf.Col}
			if cf.Suppressed != nil {
				f.SuppressedBy = cf.Suppressed.By
			}
			findings = append(findings, f)
		}
		ev.Compliance.Findings = append(ev.Compliance.Findings, findings...)
	}
	for _, r := range f.required {
		// limit 0: no unsuppressed NON_COMPLIANT finding of the rule.
		c := Constraint{Name: "required_rules:" + r, Limit: 0, Computed: p.computed.Compliance, OK: true}
		for _, fd := range findings {
			if fd.Rule == r && fd.Status == "NON_COMPLIANT" && fd.SuppressedBy == "" {
				c.Value++
			}
		}
		c.OK = c.Value == 0
		ev.Constraints = append(ev.Constraints, c)
	}
	if p.roll != nil {
		for i := range st.Functions {
			fn := &st.Functions[i]
			if !fn.Alias && fn.Deploy == infra.DeployNone {
				continue // no version to shift: nothing is released through CodeDeploy
			}
			r := &e.rollR.Functions[i]
			d := Deployment{Function: fn.ID, Type: r.Type}
			if r.Unknown {
				d.Note = "custom deployment configuration without steps: give them as release.custom." + r.Type
			} else {
				lead, failed, detect := r.LeadTimeMin, r.ExpectedFailedRequests, r.DetectProbability
				d.LeadTimeMin, d.ExpectedFailedRequests, d.DetectProbability, d.Computed = &lead, &failed, &detect, true
			}
			ev.Deployments = append(ev.Deployments, d)
		}
	}

	ev.Cost = p.cost.report(st, e.cost)

	if p.computed.Latency && e.perfR != nil {
		for i := range st.Functions {
			r := &e.perfR.Functions[i]
			ev.Latency.Functions = append(ev.Latency.Functions, FunctionLatency{
				ID: st.Functions[i].ID, P50MS: r.P50MS, P95MS: r.P95MS, P99MS: r.P99MS,
				ColdStartRate: r.ColdStartRate, ThrottleRate: r.ThrottleRate, TimeoutRate: r.TimeoutRate,
				MeanDurationMS: r.MeanDurationMS, HasWorkload: p.cost.fns[i].known,
			})
		}
	}

	for i := range p.sp.Genes {
		ev.Genome = append(ev.Genome, GenomeValue{Gene: p.sp.Genes[i].Name, Value: p.sp.Value(g, i)})
	}
	ev.Assumptions = p.assumptions()
	return ev
}

// assumptions lists the defaults in force that the scenario did not give.
func (p *Plan) assumptions() []string {
	out := []string{}
	sc := p.sc
	if !sc.BudgetGiven() {
		out = append(out, "targets.budget_usd_month not given: the cost utility is 1/2 at the default budget")
	}
	if !sc.LatencySLOGiven() {
		out = append(out, "targets.latency_slo_p99_ms not given: the latency utility is 1/2 at the default SLO")
	}
	if p.refNote != "" {
		out = append(out, p.refNote)
	}
	if !sc.Pricing.FreeTier {
		out = append(out, "free tier off (decisions.md): architectures are compared, not accounts")
	}
	var noLoad []string
	for i := range p.base.Functions {
		if !p.cost.fns[i].known {
			noLoad = append(noLoad, p.base.Functions[i].ID)
		}
	}
	sort.Strings(noLoad)
	for _, id := range noLoad {
		out = append(out, "function "+id+" has no workload: its usage costs depend on usage")
	}
	if p.roll != nil {
		out = append(out, p.roll.Notes...)
	}
	return out
}
