// Package report renders evoarch's results as documents: the recommendation
// report of an evolve run (markdown and self-contained HTML, with the
// plots), the evaluation tables, and SARIF for compliance findings.
// Renderers take result values and return bytes; they never compute a cost,
// a latency or a fitness.
package report

import (
	"encoding/json"
	"fmt"
)

// Run is an evolve run as its JSON says it (INTERFACE.md "JSON of evolve
// --format json", plus the keys evoarch adds for reports). The report is
// rendered from this value, so `evolve --out` and `report RUN.json` give
// the same documents.
type Run struct {
	Scenario  string `json:"scenario"`
	Algorithm string `json:"algorithm"`
	Seed      int64  `json:"seed"`
	// MaxChange is K, the genes one next change or roadmap step may change
	// (added key; 0 when absent).
	MaxChange   int        `json:"max_change"`
	Evaluations int        `json:"evaluations"`
	Generations int        `json:"generations"`
	Baseline    Evaluation `json:"baseline"`
	Best        Best       `json:"best"`
	NextChange  *Step      `json:"next_change"`
	Roadmap     []Step     `json:"roadmap"`
	// RoadmapNote explains bundled steps and a roadmap that does not start
	// with the next change (added key).
	RoadmapNote string  `json:"roadmap_note,omitempty"`
	Pareto      []Point `json:"pareto"`
	History     []Gen   `json:"history"`
	// Sensitivity: what each gene of the best variant buys (added key).
	Sensitivity []Sensitivity `json:"sensitivity,omitempty"`
	// Rollout is the rollout comparison of the best variant (added key).
	Rollout *Rollout `json:"rollout,omitempty"`
	// Population is each generation's population on the cost/latency plane
	// (added key, for the animation).
	Population []PopFrame `json:"population,omitempty"`
	// Assumptions in force: prices' dates, decisions, scenario values (added key).
	Assumptions []Assumption `json:"assumptions,omitempty"`
	// Template is the input template's path (added key).
	Template string `json:"template,omitempty"`
}

// Evaluation is the evaluate object (INTERFACE.md "JSON of evaluate").
type Evaluation struct {
	Scenario   string             `json:"scenario"`
	Template   string             `json:"template"`
	Fitness    float64            `json:"fitness"`
	Objectives map[string]float64 `json:"objectives"`
	// NotComputed lists objectives the models could not compute.
	NotComputed []string                  `json:"not_computed,omitempty"`
	Assumptions []string                  `json:"assumptions,omitempty"`
	Score       map[string]map[string]any `json:"score"`
	Constraints []Constraint              `json:"constraints"`
	Cost        Cost                      `json:"cost"`
	Latency     struct {
		Functions []FunctionLatency `json:"functions"`
	} `json:"latency"`
	Compliance struct {
		Findings []Finding `json:"findings"`
	} `json:"compliance"`
	Deployments []Deployment   `json:"deployments"`
	Genome      map[string]any `json:"genome"`
}

// Best is the best variant's evaluation with its changes from today.
type Best struct {
	Evaluation
	Changes []Change `json:"changes"`
}

// UnmarshalJSON decodes the embedded evaluation and the changes.
func (b *Best) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &b.Evaluation); err != nil {
		return err
	}
	var c struct {
		Changes []Change `json:"changes"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	b.Changes = c.Changes
	return nil
}

// Constraint is one hard constraint's check.
type Constraint struct {
	Name  string  `json:"name"`
	Limit float64 `json:"limit"`
	Value float64 `json:"value"`
	OK    bool    `json:"ok"`
}

// Cost is the monthly bill.
type Cost struct {
	TotalUSDMonth float64        `json:"total_usd_month"`
	Resources     []CostResource `json:"resources"`
}

// CostResource is one resource's monthly cost with its line items.
type CostResource struct {
	ID       string     `json:"id"`
	Type     string     `json:"type"`
	USDMonth float64    `json:"usd_month"`
	Lines    []CostLine `json:"lines"`
}

// CostLine is one line item.
type CostLine struct {
	Item         string  `json:"item"`
	Quantity     float64 `json:"quantity"`
	Unit         string  `json:"unit"`
	UnitPriceUSD float64 `json:"unit_price_usd"`
	USDMonth     float64 `json:"usd_month"`
}

// FunctionLatency is one function's latency figures.
type FunctionLatency struct {
	ID            string  `json:"id"`
	P50MS         float64 `json:"p50_ms"`
	P95MS         float64 `json:"p95_ms"`
	P99MS         float64 `json:"p99_ms"`
	ColdStartRate float64 `json:"cold_start_rate"`
	ThrottleRate  float64 `json:"throttle_rate"`
	TimeoutRate   float64 `json:"timeout_rate"`
}

// Finding is one compliance rule's verdict on one resource.
type Finding struct {
	Rule       string `json:"rule"`
	Resource   string `json:"resource"`
	Status     string `json:"status"`
	Message    string `json:"message"`
	Suppressed *struct {
		By     string `json:"by"`
		Reason string `json:"reason"`
	} `json:"suppressed,omitempty"`
}

// Deployment is one function's deployment figures.
type Deployment struct {
	Function               string  `json:"function"`
	Type                   string  `json:"type"`
	LeadTimeMin            float64 `json:"lead_time_min"`
	ExpectedFailedRequests float64 `json:"expected_failed_requests"`
	DetectProbability      float64 `json:"detect_probability"`
}

// Change is one gene's change.
type Change struct {
	Gene string `json:"gene"`
	From any    `json:"from"`
	To   any    `json:"to"`
}

// Step is the next change or one roadmap step.
type Step struct {
	Version string   `json:"version,omitempty"`
	Changes []Change `json:"changes"`
	Fitness float64  `json:"fitness"`
	Delta   float64  `json:"delta,omitempty"`
	Summary string   `json:"summary,omitempty"`
	Label   string   `json:"label,omitempty"`
	// Bundled marks a roadmap step that changes more than K genes because
	// no smaller set improved fitness.
	Bundled bool `json:"bundled,omitempty"`
	// Exact and Neighbourhood (next change only): whether every variant
	// within K genes of today's template was evaluated, and how many there are.
	Exact         bool  `json:"exact,omitempty"`
	Neighbourhood int64 `json:"neighbourhood,omitempty"`
	// Objectives of the variant after this step (added key).
	Objectives map[string]float64 `json:"objectives,omitempty"`
}

// Point is one Pareto point.
type Point struct {
	Genome     map[string]any     `json:"genome"`
	Objectives map[string]float64 `json:"objectives"`
}

// Gen is one generation's history.
type Gen struct {
	Generation  int     `json:"generation"`
	BestFitness float64 `json:"best_fitness"`
	MeanFitness float64 `json:"mean_fitness"`
	Diversity   float64 `json:"diversity"`
}

// Sensitivity is what one gene of the best variant buys: the fitness and
// each objective's change between the best variant and the best with that
// gene set back (evolve's one-at-a-time sensitivity).
type Sensitivity struct {
	Gene       string             `json:"gene"`
	Changed    bool               `json:"changed"`
	Fitness    float64            `json:"fitness"`
	Objectives map[string]float64 `json:"objectives"`
}

// Rollout is the rollout comparison (INTERFACE.md "rollout" JSON).
type Rollout struct {
	Functions []struct {
		ID         string `json:"id"`
		Current    string `json:"current"`
		Strategies []struct {
			Type                   string  `json:"type"`
			LeadTimeMin            float64 `json:"lead_time_min"`
			DetectProbability      float64 `json:"detect_probability"`
			ExpectedFailedRequests float64 `json:"expected_failed_requests"`
			TimeToDetectMin        float64 `json:"time_to_detect_min"`
			FailedRequestsPerMonth float64 `json:"failed_requests_per_month"`
		} `json:"strategies"`
	} `json:"functions"`
}

// PopFrame is one generation's population: [cost, p99, compliance] each.
type PopFrame struct {
	Generation int          `json:"generation"`
	Points     [][3]float64 `json:"points"`
}

// Assumption is one modelling assumption in force.
type Assumption struct {
	Topic  string `json:"topic"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// DecodeRun reads a run's JSON (run.json); name is used in messages.
func DecodeRun(name string, data []byte) (*Run, error) {
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("report: %s is not an evolve run (JSON of evolve --format json): %w", name, err)
	}
	if r.Algorithm == "" || len(r.Baseline.Objectives) == 0 {
		return nil, fmt.Errorf("report: %s is not an evolve run: it needs \"algorithm\" and \"baseline.objectives\"", name)
	}
	return &r, nil
}
