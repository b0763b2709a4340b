// Package perf is the latency, error and availability model of Lambda-based
// applications (issue 4): duration from the CPU share memory buys, cold starts
// from concurrency churn, throttling by an Erlang B loss model, timeouts from
// the duration distribution's tail, DynamoDB throttling and retries, API
// Gateway overhead. A seeded Monte Carlo simulation is the reference the fast
// model is tested against.
//
// Units: times in milliseconds, rates in requests per second, concurrency in
// execution environments (erlangs), every other rate a share in [0, 1].
// Traffic has two regimes: the peak (peak_rps) for peak_hours_per_day hours
// a day (default 2), or less when that would carry over half of the
// requests, and the off-peak rest at the rate that keeps
// invocations_per_month. Every figure is computed in both and weighted by
// the share of requests each carries (facts.go peakMaxShare). Functions
// without reserved concurrency share the account's account_concurrency
// (default 1,000) less the reservations. Latency percentiles are quantiles of a
// mixture of shifted lognormals (warm, cold, retried, cache hits), found by
// safeguarded Newton steps. Functions carrying together under 1e-5 of the
// synchronous requests are left out of the application's mixture (model.go
// minFnShare), so each application percentile is a true quantile within
// +-1e-5 of its level; error rate and availability still count them.
// Throttled synchronous requests fail fast and count only in the error
// rate. An invocation runs at most its Timeout:
// durations, concurrency and billing use the means capped there, and the
// share beyond it is the timeout rate. Every constant's source is in
// facts.go.
//
// Speed: a Model remembers each function's evaluation under a key of every
// input it depends on (its settings, the throttle probabilities of the
// tables it calls, the shared pool's blocking), and the application's
// percentiles under its functions' latency components, so a search that revisits
// configurations pays a look-up (see Model.Eval). A search skips the
// functions' own percentiles (Model.SkipFunctionPercentiles): the
// application's are searched from the latency components alone, so they
// are the same bits either way.
package perf

// FunctionResult is one function's performance under the workload.
// Times are in milliseconds, rates are shares of invocations in [0, 1].
type FunctionResult struct {
	// MeanDurationMS is the mean billed duration of a warm invocation at the
	// variant's memory and architecture (what Lambda bills as duration),
	// DynamoDB retries included: each invocation runs at most the
	// function's Timeout, so the mean never passes it.
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
	// InvokedShare is the share of the scenario's requests that invoke the
	// function: 1 minus the REST cache's hit ratio when the cache is on.
	// Cost should bill invocations_per_month x InvokedShare.
	InvokedShare float64
	// NoTraffic is true when the scenario gives the function no invocations:
	// its rates and percentiles are 0, meaning "depends on usage", and it is
	// left out of the application's figures.
	NoTraffic bool
}

// AppResult is the application's traffic-weighted performance.
// Latencies cover the synchronous functions' requests (asynchronous ones
// count queue delay, not user latency), weighted by their request rates.
type AppResult struct {
	P50MS, P95MS, P99MS float64
	// ErrorRate is the share of all functions' requests that fail.
	ErrorRate float64
	// Availability is the share of requests served, 1 - ErrorRate.
	Availability float64
	// RequestsPerSecond is the mean request rate of all functions; 0 means
	// the scenario gives no traffic and the figures are not computed.
	RequestsPerSecond float64
}

// Result is the model's output: Functions is indexed like infra.State.Functions.
type Result struct {
	Functions []FunctionResult
	App       AppResult
}
