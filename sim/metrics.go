package sim

// Objectives are one variant's objective values (INTERFACE.md "objectives").
type Objectives struct {
	CostUSDMonth float64 `json:"cost_usd_month"` // USD per month
	LatencyP50MS float64 `json:"latency_p50_ms"` // milliseconds, traffic-weighted over the app
	LatencyP95MS float64 `json:"latency_p95_ms"`
	LatencyP99MS float64 `json:"latency_p99_ms"`
	ErrorRate    float64 `json:"error_rate"`   // share of requests that fail
	Availability float64 `json:"availability"` // share of requests served
	Compliance   float64 `json:"compliance"`   // 0..1, severity-weighted share
	DeployRisk   float64 `json:"deploy_risk"`  // expected failed requests per release
	LeadTimeMin  float64 `json:"lead_time_min"`
	Complexity   float64 `json:"complexity"`
}

// Metrics is what Plan.Evaluate writes for one genome, without allocating.
type Metrics struct {
	Objectives Objectives
	// Fitness is the weighted utility minus the complexity penalty; higher is better.
	Fitness float64
	// Feasible is false when a hard constraint is broken.
	Feasible bool
	// Violation is the total relative excess over the hard constraints
	// (0 when feasible), so the search can rank infeasible variants.
	Violation float64
	// RulesPassed and RulesFailed count the unsuppressed COMPLIANT and
	// NON_COMPLIANT compliance findings.
	RulesPassed, RulesFailed int
}
