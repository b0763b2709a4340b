package scenarios

// Every default of the scenario file lives here, as a constant with its
// source and a method that reads the struct and applies it. The simulator
// calls these methods and never guesses a value itself; a usage the scenario
// does not give stays 0 and is reported as "depends on usage"
// (decisions.md "usage not given"), so only modelling parameters (shares,
// factors, weights, targets) get defaults, never traffic or data volumes.

// Scenario-wide defaults.
const (
	// DefaultRegion is the only region with prices (decisions.md "prices";
	// INTERFACE.md scenario file "region: us-east-1 # default us-east-1").
	DefaultRegion = "us-east-1"
	// HoursPerMonth is the month used everywhere (decisions.md "month";
	// INTERFACE.md "A month is 730 hours").
	HoursPerMonth = 730
	// secondsPerMonth is HoursPerMonth in seconds.
	secondsPerMonth = HoursPerMonth * 3600

	// SemanticsTemplate and SemanticsDeployed are the compliance semantics;
	// template is the default (decisions.md "compliance semantics").
	SemanticsTemplate = "template"
	SemanticsDeployed = "deployed"

	// DefaultWeight is every objective's weight when not given
	// (INTERFACE.md "objectives: # weights; default 1 each").
	DefaultWeight = 1.0
	// DefaultRegularization is lambda in fitness = sum(weight x utility) -
	// lambda x complexity (INTERFACE.md "regularization: 0.05").
	DefaultRegularization = 0.05
	// DefaultAccountConcurrency is Lambda's default regional concurrency
	// limit per account (aws-facts.md 3.1 [V]: "Default regional
	// concurrency: 1,000, adjustable. New accounts may have lower limits").
	DefaultAccountConcurrency = 1000
)

// Workload defaults (per function and table).
const (
	// PeakFactor: the default peak_rps is the mean rate over 730 hours times
	// 3 (INTERFACE.md "peak_rps: ... default: the mean rate over 730 hours,
	// times 3").
	PeakFactor = 3.0
	// DefaultPeakHoursPerDay is how long the peak rate lasts each day, in
	// hours: two busy hours a day. A modelling choice with no AWS source
	// (it was sim/perf's peakHoursPerDay [U]); scenario key
	// workload.functions.X.peak_hours_per_day.
	DefaultPeakHoursPerDay = 2.0
	// DefaultCPUBound is the share of duration that scales with CPU
	// (INTERFACE.md "cpu_bound: 0.5 ... default 0.5").
	DefaultCPUBound = 0.5
	// DefaultThreads: single-threaded work gains nothing past 1,769 MB
	// (decisions.md "Lambda CPU", threads: 1 the default).
	DefaultThreads = 1
	// MaxThreads is Lambda's largest vCPU count, 6 at 10,240 MB
	// (aws-facts.md 3.1 [V], AWS Graviton blog; decisions.md "Lambda CPU").
	MaxThreads = 6
	// DefaultArm64Speed: arm64 runs at the same speed unless the scenario
	// says otherwise (decisions.md "arm64": "speed factor 1.0").
	DefaultArm64Speed = 1.0
	// DefaultDurationCV is the coefficient of variation of a function's
	// duration (standard deviation / mean), a project modelling choice for
	// the scenario key workload.functions.X.duration_cv (brief of issue 3):
	// moderate spread, so p99 is about 1.8x the mean under a log-normal.
	DefaultDurationCV = 0.3
	// DefaultIdleLifetimeMin is how long an idle execution environment is
	// kept, in minutes: "a few minutes" (issue 4; scenario key
	// workload.functions.X.idle_lifetime_min).
	DefaultIdleLifetimeMin = 5.0
	// DefaultDeploysPerMonth (INTERFACE.md "deploys_per_month: 8 # default 4").
	DefaultDeploysPerMonth = 4.0
	// DefaultMemoryMB is Lambda's default MemorySize when the template sets
	// none (aws-facts.md 3.1 [V], "The default value is 128 MB"; section 6).
	DefaultMemoryMB = 128
	// MinMemoryMB and MaxMemoryMB bound a Lambda memory size (aws-facts.md
	// 3.1 [V], "128 MB to 10,240 MB").
	MinMemoryMB = 128
	MaxMemoryMB = 10240
	// DefaultItemKB is a DynamoDB item's size (INTERFACE.md
	// "item_kb: 1"; brief of issue 3: default 1).
	DefaultItemKB = 1.0
	// MaxItemKB is DynamoDB's item size limit, 400 KB (AWS DynamoDB
	// developer guide, "Service, account, and table quotas": item size).
	MaxItemKB = 400
)

// Release-model defaults (INTERFACE.md scenario file, "release:").
const (
	// DefaultDefectRate: share of releases that carry a defect ("defect_rate: 0.1").
	DefaultDefectRate = 0.1
	// DefaultDefectErrorRate: error rate of a defective version ("defect_error_rate: 0.2").
	DefaultDefectErrorRate = 0.2
	// DefaultHookCatchRate: chance a PreTraffic hook catches a defect,
	// "default 0.5 where a hook exists".
	DefaultHookCatchRate = 0.5
	// DefaultManualDetectMin is how long, in minutes, a defect that no
	// alarm or hook stopped serves all traffic before people notice and
	// roll back. A project choice, not an AWS fact: the "less than one hour"
	// time to restore service of the DORA State of DevOps reports' elite
	// performers [U] (scenario key release.manual_detect_min).
	DefaultManualDetectMin = 60.0
	// MaxManualDetectMin bounds release.manual_detect_min at a month, in
	// minutes (730 h, decisions.md "month"): the model is monthly.
	MaxManualDetectMin = HoursPerMonth * 60
)

// Target defaults: the value of an objective at which its utility is 1/2.
const (
	// DefaultBudgetUSDMonth is the cost at which the cost utility is 1/2
	// when the scenario gives no targets.budget_usd_month: $100 a month, a
	// project choice of the order of a small production serverless app's
	// bill (the seed-demo's own budget). It is a scale, not a limit; a
	// scenario that cares about cost should give its budget, and reports
	// list the default among the assumptions in force (BudgetGiven).
	DefaultBudgetUSDMonth = 100.0
	// DefaultLatencySLOP99MS is the p99 latency at which the latency utility
	// is 1/2 when the scenario gives no targets.latency_slo_p99_ms: 1,000 ms,
	// the limit for a user's flow of thought to stay uninterrupted (J.
	// Nielsen, Usability Engineering, 1993, ch. 5 "Response times"). A
	// project choice, listed as an assumption in force (LatencySLOGiven).
	DefaultLatencySLOP99MS = 1000.0
	// DefaultErrorBudget is the error rate at which availability utility is
	// 1/2: 0.001, a 99.9% availability objective (scenario key
	// targets.error_budget; the project's default per the brief of issue 3).
	DefaultErrorBudget = 0.001
	// DefaultLeadTimeMin is the deployment lead time at which the lead-time
	// part of deploy safety is 1/2: 10 minutes, the time
	// Linear10PercentEvery1Minute takes to shift all traffic, the seed
	// demo's own choice (decisions.md "deployment lead time").
	DefaultLeadTimeMin = 10.0
)

// RegionOr returns the region, DefaultRegion when not given.
func (sc *Scenario) RegionOr() string {
	if sc.Region == "" {
		return DefaultRegion
	}
	return sc.Region
}

// SemanticsOr returns the compliance semantics, SemanticsTemplate when not given.
func (sc *Scenario) SemanticsOr() string {
	if sc.Compliance.Semantics == "" {
		return SemanticsTemplate
	}
	return sc.Compliance.Semantics
}

// RegularizationOr returns lambda, the complexity penalty's weight;
// DefaultRegularization unless given (an explicit 0 turns the penalty off).
func (sc *Scenario) RegularizationOr() float64 {
	if sc.Regularization == 0 && !sc.Given["regularization"] {
		return DefaultRegularization
	}
	return sc.Regularization
}

// ObjectiveNames are the weighted objectives, in report order; Weight takes
// one of them.
var ObjectiveNames = []string{"cost", "latency", "compliance", "availability", "deploy_safety"}

// Weight returns an objective's weight (DefaultWeight when not given); name
// is one of ObjectiveNames. An unknown name has weight 0.
func (sc *Scenario) Weight(name string) float64 {
	var w *float64
	switch name {
	case "cost":
		w = sc.Objectives.Cost
	case "latency":
		w = sc.Objectives.Latency
	case "compliance":
		w = sc.Objectives.Compliance
	case "availability":
		w = sc.Objectives.Availability
	case "deploy_safety":
		w = sc.Objectives.DeploySafety
	default:
		return 0
	}
	if w == nil {
		return DefaultWeight
	}
	return *w
}

// BudgetUSDMonthOr returns the cost, in USD per month, at which the cost
// utility is 1/2 (DefaultBudgetUSDMonth when not given).
func (sc *Scenario) BudgetUSDMonthOr() float64 {
	if sc.Targets.BudgetUSDMonth > 0 {
		return sc.Targets.BudgetUSDMonth
	}
	return DefaultBudgetUSDMonth
}

// BudgetGiven reports whether the scenario gives its budget (reports list a
// default budget among the assumptions).
func (sc *Scenario) BudgetGiven() bool { return sc.Targets.BudgetUSDMonth > 0 }

// LatencySLOP99MSOr returns the p99 latency, in milliseconds, at which the
// latency utility is 1/2 (DefaultLatencySLOP99MS when not given).
func (sc *Scenario) LatencySLOP99MSOr() float64 {
	if sc.Targets.LatencySLOP99MS > 0 {
		return sc.Targets.LatencySLOP99MS
	}
	return DefaultLatencySLOP99MS
}

// LatencySLOGiven reports whether the scenario gives its latency SLO.
func (sc *Scenario) LatencySLOGiven() bool { return sc.Targets.LatencySLOP99MS > 0 }

// ErrorBudgetOr returns the error rate (share of requests, 0..1) at which
// the availability utility is 1/2 (DefaultErrorBudget when not given).
func (sc *Scenario) ErrorBudgetOr() float64 {
	if sc.Targets.ErrorBudget > 0 {
		return sc.Targets.ErrorBudget
	}
	return DefaultErrorBudget
}

// LeadTimeMinOr returns the deployment lead time, in minutes, at which the
// lead-time part of deploy safety is 1/2 (DefaultLeadTimeMin when not given).
func (sc *Scenario) LeadTimeMinOr() float64 {
	if sc.Targets.LeadTimeMin > 0 {
		return sc.Targets.LeadTimeMin
	}
	return DefaultLeadTimeMin
}

// FailedRequestsPerReleaseOr returns the expected failed requests per
// release at which the deploy-safety utility is 1/2. When the scenario does
// not give it, a release may spend its share of the month's error budget:
// ErrorBudgetOr() x requestsPerMonth / releasesPerMonth (requests the
// application serves in a month, releases of it in a month), and at least 1
// request so that an idle application still has a scale.
func (sc *Scenario) FailedRequestsPerReleaseOr(requestsPerMonth, releasesPerMonth float64) float64 {
	if sc.Targets.FailedRequestsPerRelease > 0 {
		return sc.Targets.FailedRequestsPerRelease
	}
	if releasesPerMonth < 1 {
		releasesPerMonth = 1
	}
	return max(1, sc.ErrorBudgetOr()*requestsPerMonth/releasesPerMonth)
}

// AccountConcurrencyOr returns the account's regional Lambda concurrency
// limit, in concurrent executions (DefaultAccountConcurrency when not given).
func (sc *Scenario) AccountConcurrencyOr() int {
	if sc.AccountConcurrency <= 0 {
		return DefaultAccountConcurrency
	}
	return sc.AccountConcurrency
}

// ManualDetectMinOr returns how long, in minutes, an undetected defect
// serves all traffic before people roll back (DefaultManualDetectMin when
// not given).
func (r *Release) ManualDetectMinOr() float64 {
	if r.ManualDetectMin <= 0 {
		return DefaultManualDetectMin
	}
	return r.ManualDetectMin
}

// DefectRateOr returns the share of releases that carry a defect (0..1).
func (r *Release) DefectRateOr() float64 {
	if r.DefectRate == 0 && !r.Given["defect_rate"] {
		return DefaultDefectRate
	}
	return r.DefectRate
}

// DefectErrorRateOr returns the error rate (0..1) of a defective version.
func (r *Release) DefectErrorRateOr() float64 {
	if r.DefectErrorRate == 0 && !r.Given["defect_error_rate"] {
		return DefaultDefectErrorRate
	}
	return r.DefectErrorRate
}

// HookCatchRateOr returns the chance (0..1) that a PreTraffic hook catches a
// defect: 0 when the function has no hook, else the scenario's value or
// DefaultHookCatchRate.
func (r *Release) HookCatchRateOr(hasHook bool) float64 {
	if !hasHook {
		return 0
	}
	if r.HookCatchRate == nil {
		return DefaultHookCatchRate
	}
	return *r.HookCatchRate
}

// Function returns the workload of one function, or nil when the scenario
// gives none (its usage-based costs then "depend on usage").
func (sc *Scenario) Function(id string) *FunctionLoad { return sc.Workload.Functions[id] }

// Table returns the data of one table, or nil.
func (sc *Scenario) Table(id string) *TableLoad { return sc.Workload.Tables[id] }

// Bucket returns the data of one bucket, or nil.
func (sc *Scenario) Bucket(id string) *BucketLoad { return sc.Workload.Buckets[id] }

// API returns the workload of one API, or nil.
func (sc *Scenario) API(id string) *APILoad { return sc.Workload.Apis[id] }

// Queue returns the workload of one queue, or nil.
func (sc *Scenario) Queue(id string) *QueueLoad { return sc.Workload.Queues[id] }

// MeanRPS returns the mean request rate over the month, in requests per
// second: invocations_per_month / (730 h x 3600 s).
func (f *FunctionLoad) MeanRPS() float64 {
	return f.InvocationsPerMonth / secondsPerMonth
}

// PeakRPSOr returns the peak request rate in requests per second: the
// scenario's peak_rps, else the mean rate over 730 hours times PeakFactor.
func (f *FunctionLoad) PeakRPSOr() float64 {
	if f.PeakRPS > 0 {
		return f.PeakRPS
	}
	return f.MeanRPS() * PeakFactor
}

// PeakHoursPerDayOr returns how many hours a day the peak rate lasts
// (DefaultPeakHoursPerDay when not given).
func (f *FunctionLoad) PeakHoursPerDayOr() float64 {
	if f.PeakHoursPerDay <= 0 {
		return DefaultPeakHoursPerDay
	}
	return f.PeakHoursPerDay
}

// PeakMaxShare bounds the share of a function's requests its daily peak
// carries: a peak_rps far above the mean is a short burst, not hours of
// traffic, so the peak then lasts less than peak_hours_per_day. One half, a
// modelling choice with no AWS source [U] (sim/perf's peakMaxShare).
const PeakMaxShare = 0.5

// DailyRegimes splits the day into the peak and the off-peak rest, the
// traffic shape sim/perf and the cost model share: the peak runs at
// PeakRPSOr (at least the mean) for PeakHoursPerDayOr hours, shortened so
// that it carries at most PeakMaxShare of the requests; the off-peak rest
// runs at the rate that keeps invocations_per_month. Rates are requests per
// second; peakShare is the peak's share of the day in [0, 1].
func (f *FunctionLoad) DailyRegimes() (offRPS, peakRPS, peakShare float64) {
	mean := f.MeanRPS()
	if !(mean > 0) {
		return 0, 0, 0
	}
	peakRPS = max(f.PeakRPSOr(), mean)
	peakShare = min(max(f.PeakHoursPerDayOr()/24, 0), 1)
	if peakRPS*peakShare > PeakMaxShare*mean {
		peakShare = PeakMaxShare * mean / peakRPS
	}
	if peakShare < 1 {
		offRPS = (mean - peakRPS*peakShare) / (1 - peakShare)
	}
	return offRPS, peakRPS, peakShare
}

// ReferenceMemoryMBOr returns the memory size, in MB, at which duration_ms
// was measured: the scenario's value, else the template's MemorySize
// (templateMB, the function's effective MemorySize as written today; 0 when
// the template sets none, which means Lambda's DefaultMemoryMB).
func (f *FunctionLoad) ReferenceMemoryMBOr(templateMB float64) float64 {
	if f.ReferenceMemoryMB > 0 {
		return f.ReferenceMemoryMB
	}
	if templateMB > 0 {
		return templateMB
	}
	return DefaultMemoryMB
}

// CPUBoundOr returns the share (0..1) of the duration that scales with CPU.
func (f *FunctionLoad) CPUBoundOr() float64 {
	if f.CPUBound == nil {
		return DefaultCPUBound
	}
	return *f.CPUBound
}

// ThreadsOr returns how many threads the code can use (1..MaxThreads).
func (f *FunctionLoad) ThreadsOr() int {
	if f.Threads <= 0 {
		return DefaultThreads
	}
	return f.Threads
}

// Arm64SpeedOr returns the arm64 speed factor (>1 means arm64 is faster):
// duration on arm64 = duration on x86_64 / factor.
func (f *FunctionLoad) Arm64SpeedOr() float64 {
	if f.Arm64Speed <= 0 {
		return DefaultArm64Speed
	}
	return f.Arm64Speed
}

// DurationCVOr returns the duration's coefficient of variation
// (dimensionless); an explicit 0 means a fixed duration.
func (f *FunctionLoad) DurationCVOr() float64 {
	if f.DurationCV == 0 && !f.Given["duration_cv"] {
		return DefaultDurationCV
	}
	return f.DurationCV
}

// IdleLifetimeMinOr returns how long an idle execution environment lives,
// in minutes.
func (f *FunctionLoad) IdleLifetimeMinOr() float64 {
	if f.IdleLifetimeMin <= 0 {
		return DefaultIdleLifetimeMin
	}
	return f.IdleLifetimeMin
}

// DeploysPerMonthOr returns the releases of the function per month; an
// explicit 0 means the function is not released during the month.
func (f *FunctionLoad) DeploysPerMonthOr() float64 {
	if f.DeploysPerMonth == 0 && !f.Given["deploys_per_month"] {
		return DefaultDeploysPerMonth
	}
	return f.DeploysPerMonth
}

// ItemKBOr returns the mean item size of a table, in KB.
func (t *TableLoad) ItemKBOr() float64 {
	if t.ItemKB <= 0 {
		return DefaultItemKB
	}
	return t.ItemKB
}
