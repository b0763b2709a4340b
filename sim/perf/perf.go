// Package perf is the latency, error and availability model of Lambda-based
// applications (issue 4): duration from the CPU share memory buys, cold starts
// from concurrency churn, throttling by an Erlang B loss model, timeouts from
// the duration distribution's tail, DynamoDB throttling and retries, API
// Gateway overhead. A seeded Monte Carlo simulation is the reference the fast
// model is tested against.
package perf

// FunctionResult is one function's performance under the workload.
// Times are in milliseconds, rates are shares of invocations in [0, 1].
type FunctionResult struct {
	// MeanDurationMS is the mean billed duration of a warm invocation at the
	// variant's memory and architecture (what Lambda bills as duration).
	MeanDurationMS float64
	// InitMS is the INIT duration of one cold start.
	InitMS              float64
	P50MS, P95MS, P99MS float64 // end-to-end latency seen by the caller
	ColdStartRate       float64
	ThrottleRate        float64
	TimeoutRate         float64
	ErrorRate           float64 // throttles, timeouts and failed downstream calls
	// MeanConcurrency and PeakConcurrency are Little's law's rate x duration.
	MeanConcurrency, PeakConcurrency float64
	// ProvisionedShare is the share of invocations served by provisioned
	// concurrency (billed at the lower duration price).
	ProvisionedShare float64
}

// AppResult is the application's traffic-weighted performance.
type AppResult struct {
	P50MS, P95MS, P99MS float64
	ErrorRate           float64
	Availability        float64
}

// Result is the model's output: Functions is indexed like infra.State.Functions.
type Result struct {
	Functions []FunctionResult
	App       AppResult
}
