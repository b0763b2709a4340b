// Package scenarios holds the scenario file (workload, release model,
// objective weights, targets, constraints and pins), its strict validation,
// --set overrides and the built-in scenarios.
//
// Units are in the key names: _ms milliseconds, _mb megabytes (MiB as Lambda
// counts them), _gb gigabytes, _kb kilobytes, _usd_month US dollars per month.
// A month is 730 hours.
package scenarios

// Scenario is one what-if: a template, a workload and what "better" means.
// Zero values mean "not given"; the Given sets tell an explicit 0 from absent
// where the difference matters. Defaults are applied by the methods in
// defaults.go (RegularizationOr, (*FunctionLoad).PeakRPSOr, ...), never by
// the simulator guessing.
type Scenario struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Template is the template path as written (relative to the scenario
	// file); TemplatePath is it resolved against the scenario's directory,
	// or the embedded name for a built-in scenario.
	Template     string `yaml:"template"`
	TemplatePath string `yaml:"-"`
	Region       string `yaml:"region"` // default us-east-1

	Pricing        Pricing    `yaml:"pricing"`
	Workload       Workload   `yaml:"workload"`
	Release        Release    `yaml:"release"`
	Compliance     Compliance `yaml:"compliance"`
	Objectives     Weights    `yaml:"objectives"`
	Targets        Targets    `yaml:"targets"`
	Regularization float64    `yaml:"regularization"` // lambda; default 0.05
	// AccountConcurrency is the account's regional Lambda concurrency
	// limit, in concurrent executions, shared by every function without
	// reserved concurrency; default 1,000 (aws-facts.md 3.1: "1,000,
	// adjustable. New accounts may have lower limits").
	AccountConcurrency int         `yaml:"account_concurrency"`
	Constraints        Constraints `yaml:"constraints"`
	Pin                []string    `yaml:"pin"` // gene names the search may not change

	// Source is the scenario file's path ("builtin:seed-demo" for built-ins).
	Source string `yaml:"-"`

	// Given holds the top-level keys given explicitly (by the file or
	// --set), so that an explicit "regularization: 0" differs from absent.
	// nil in a struct literal: only non-zero values count as given.
	Given map[string]bool `yaml:"-"`

	// pos is where each key path's value was given (file or --set).
	pos map[string]Position
}

// Pricing options.
type Pricing struct {
	FreeTier bool `yaml:"free_tier"` // default false (decisions.md)
}

// Workload is the traffic and data the template serves, keyed by logical ID.
type Workload struct {
	Functions map[string]*FunctionLoad `yaml:"functions"`
	Tables    map[string]*TableLoad    `yaml:"tables"`
	Buckets   map[string]*BucketLoad   `yaml:"buckets"`
	Apis      map[string]*APILoad      `yaml:"apis"`
	Queues    map[string]*QueueLoad    `yaml:"queues"`
}

// FunctionLoad is one Lambda function's workload.
type FunctionLoad struct {
	InvocationsPerMonth float64 `yaml:"invocations_per_month"`
	// PeakRPS is the peak request rate; default the mean rate over 730 h x 3.
	PeakRPS float64 `yaml:"peak_rps"`
	// PeakHoursPerDay is how many hours a day the peak rate lasts (0 < h
	// <= 24); the rest of the day runs at the rate that keeps
	// invocations_per_month. Default 2.
	PeakHoursPerDay float64 `yaml:"peak_hours_per_day"`
	// DurationMS is the mean billed duration at ReferenceMemoryMB.
	DurationMS float64 `yaml:"duration_ms"`
	// ReferenceMemoryMB defaults to the template's MemorySize (SAM default 128).
	ReferenceMemoryMB float64 `yaml:"reference_memory_mb"`
	// CPUBound is the share of the duration that scales with CPU; default 0.5.
	CPUBound *float64 `yaml:"cpu_bound"`
	// Threads the code can use (1..6); default 1 (decisions.md "Lambda CPU").
	Threads int `yaml:"threads"`
	// Arm64Speed is the arm64 speed factor (>1 faster); default 1.0.
	Arm64Speed float64 `yaml:"arm64_speed"`
	// DurationCV is the duration's coefficient of variation; default 0.3.
	DurationCV float64 `yaml:"duration_cv"`
	// IdleLifetimeMin is how long an idle execution environment lives, in
	// minutes; default 5 (a few minutes, issue 4).
	IdleLifetimeMin float64 `yaml:"idle_lifetime_min"`
	// PackageMB is the deployment package size; 0 means a small package.
	PackageMB float64 `yaml:"package_mb"`
	// LogGBPerMonth is the CloudWatch Logs volume; 0 means "depends on usage".
	LogGBPerMonth float64 `yaml:"log_gb_per_month"`
	// DeploysPerMonth defaults to 4.
	DeploysPerMonth float64 `yaml:"deploys_per_month"`
	// Async marks a function invoked asynchronously (its latency is queue delay).
	Async bool `yaml:"async"`
	// Calls per invocation to other resources of the template, by logical ID.
	Calls map[string]*Calls `yaml:"calls"`

	// Given holds the keys given explicitly, so that an explicit
	// "duration_cv: 0" or "deploys_per_month: 0" differs from absent.
	Given map[string]bool `yaml:"-"`
}

// Calls is what one invocation does to one other resource.
type Calls struct {
	Reads  float64 `yaml:"reads"`  // DynamoDB reads (items)
	Writes float64 `yaml:"writes"` // DynamoDB writes (items)
	Gets   float64 `yaml:"gets"`   // S3 GETs
	Puts   float64 `yaml:"puts"`   // S3 PUTs
	Sends  float64 `yaml:"sends"`  // SQS messages sent
}

// TableLoad is one DynamoDB table's data.
type TableLoad struct {
	StorageGB       float64 `yaml:"storage_gb"`
	ItemKB          float64 `yaml:"item_kb"` // default 1
	ConsistentReads bool    `yaml:"consistent_reads"`
}

// BucketLoad is one S3 bucket's data.
type BucketLoad struct {
	StorageGB float64 `yaml:"storage_gb"`
	ObjectKB  float64 `yaml:"object_kb"`
	// OverwriteRate is the share of stored data overwritten per month; with
	// versioning on, that much becomes noncurrent versions.
	OverwriteRate float64 `yaml:"overwrite_rate"`
	// AccessLogGBPerMonth is the access-log volume when logging is on.
	AccessLogGBPerMonth float64 `yaml:"access_log_gb_per_month"`
}

// APILoad is one API's workload beyond what its functions receive.
type APILoad struct {
	// CacheHitRatio is the share of requests the REST cache serves when on.
	CacheHitRatio float64 `yaml:"cache_hit_ratio"`
	// RequestKB is the mean request size (HTTP APIs meter 512 KB steps).
	RequestKB float64 `yaml:"request_kb"`
}

// QueueLoad is one SQS queue's workload beyond the functions' sends.
type QueueLoad struct {
	MessagesPerMonth float64 `yaml:"messages_per_month"`
	MessageKB        float64 `yaml:"message_kb"`
}

// Release is the safe-deployment model: how often releases carry defects.
type Release struct {
	DefectRate      float64  `yaml:"defect_rate"`       // default 0.1
	DefectErrorRate float64  `yaml:"defect_error_rate"` // default 0.2
	HookCatchRate   *float64 `yaml:"hook_catch_rate"`   // default 0.5 where a hook exists
	// ManualDetectMin is how long, in minutes, a defect that no alarm or
	// hook stopped serves all traffic before people notice and roll back;
	// default 60.
	ManualDetectMin float64 `yaml:"manual_detect_min"`
	// Custom deployment configurations by name: their traffic steps.
	Custom map[string][]Step `yaml:"custom"`

	// Given holds the keys given explicitly, so that an explicit
	// "defect_rate: 0" differs from absent.
	Given map[string]bool `yaml:"-"`
}

// Step is one traffic shift of a custom deployment configuration.
type Step struct {
	AtMin   float64 `yaml:"at_min"`  // minutes after the start
	Percent float64 `yaml:"percent"` // share of traffic on the new version, 0..100
}

// Compliance options.
type Compliance struct {
	Semantics  string                       `yaml:"semantics"` // "template" (default) or "deployed"
	Parameters map[string]map[string]string `yaml:"parameters"`
}

// Weights are the objective weights; absent means 1.
type Weights struct {
	Cost         *float64 `yaml:"cost"`
	Latency      *float64 `yaml:"latency"`
	Compliance   *float64 `yaml:"compliance"`
	Availability *float64 `yaml:"availability"`
	DeploySafety *float64 `yaml:"deploy_safety"`
}

// Targets turn objectives into utilities.
type Targets struct {
	BudgetUSDMonth  float64 `yaml:"budget_usd_month"`   // cost utility is 1/2 here
	LatencySLOP99MS float64 `yaml:"latency_slo_p99_ms"` // latency utility is 1/2 here
	// ErrorBudget is the error rate at which availability utility is 1/2;
	// default 0.001 (99.9%).
	ErrorBudget float64 `yaml:"error_budget"`
	// FailedRequestsPerRelease at which deploy-safety utility is 1/2.
	FailedRequestsPerRelease float64 `yaml:"failed_requests_per_release"`
	// LeadTimeMin at which the lead-time part of deploy safety is 1/2,
	// in minutes.
	LeadTimeMin float64 `yaml:"lead_time_min"`
}

// Constraints are hard limits; a variant that breaks one is infeasible.
type Constraints struct {
	MaxCostUSDMonth float64  `yaml:"max_cost_usd_month"` // 0 = none
	MaxLatencyP99MS float64  `yaml:"max_latency_p99_ms"` // 0 = none
	RequiredRules   []string `yaml:"required_rules"`
}
