package scenarios

import (
	"fmt"
	"strings"
)

// validator checks a decoded scenario's values; every problem is collected.
type validator struct {
	sc   *Scenario
	errs Errors
}

// Position returns where the value at a dotted key path was given: the
// file position, SetSource for a --set override, or, for a key that was not
// given, the position of its nearest given parent (the file's start at
// worst). Other packages use it to locate their own findings about a
// scenario value (an unknown gene in pin, an unknown rule in required_rules).
func (sc *Scenario) Position(path string) Position {
	for p := path; ; {
		if pos, ok := sc.pos[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if sc.Source == "" {
		return Position{}
	}
	return Position{File: sc.Source, Line: 1, Col: 1}
}

// given reports whether the key path was given explicitly.
func (sc *Scenario) given(path string) bool {
	_, ok := sc.pos[path]
	return ok
}

// Errorf returns a positioned problem about the value at a dotted key path,
// for other packages' checks of scenario values (genome: pins; compliance:
// rule names and parameters).
func (sc *Scenario) Errorf(path, format string, args ...any) *Problem {
	return &Problem{Position: sc.Position(path), Path: path, Msg: fmt.Sprintf(format, args...)}
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, v.sc.Errorf(path, format, args...))
}

func (v *validator) nonNeg(path string, x float64) {
	if x < 0 {
		v.errorf(path, "must not be negative, got %g", x)
	}
}

// positive checks a value whose 0 means "not given": an explicit 0 is
// refused as well as a negative value.
func (v *validator) positive(path string, x float64) {
	if x < 0 || (x == 0 && v.sc.given(path)) {
		v.errorf(path, "must be greater than 0, got %g", x)
	}
}

func (v *validator) unit(path string, x float64) {
	if x < 0 || x > 1 {
		v.errorf(path, "must be between 0 and 1, got %g", x)
	}
}

func (v *validator) unitPtr(path string, x *float64) {
	if x != nil {
		v.unit(path, *x)
	}
}

// validate checks every value of sc and returns the problems (nil if none).
func (sc *Scenario) validate() error {
	v := &validator{sc: sc}
	if strings.TrimSpace(sc.Name) == "" {
		v.errorf("name", "a scenario needs a name (name: my-what-if)")
	}
	if sc.Region != "" && sc.Region != DefaultRegion {
		v.errorf("region", "only %s prices exist (decisions.md \"prices\"), got %s", DefaultRegion, quote(sc.Region))
	}
	v.workload(&sc.Workload)
	v.release(&sc.Release)
	switch sc.Compliance.Semantics {
	case "", SemanticsTemplate, SemanticsDeployed:
	default:
		v.errorf("compliance.semantics", "must be %s or %s (decisions.md \"compliance semantics\"), got %s",
			SemanticsTemplate, SemanticsDeployed, quote(sc.Compliance.Semantics))
	}
	v.weights(&sc.Objectives)
	t := &sc.Targets
	v.positive("targets.budget_usd_month", t.BudgetUSDMonth)
	v.positive("targets.latency_slo_p99_ms", t.LatencySLOP99MS)
	v.positive("targets.error_budget", t.ErrorBudget)
	if t.ErrorBudget > 1 {
		v.errorf("targets.error_budget", "is a share of requests and must be at most 1, got %g", t.ErrorBudget)
	}
	v.positive("targets.failed_requests_per_release", t.FailedRequestsPerRelease)
	v.positive("targets.lead_time_min", t.LeadTimeMin)
	v.nonNeg("regularization", sc.Regularization)
	v.positive("account_concurrency", float64(sc.AccountConcurrency))
	c := &sc.Constraints
	v.nonNeg("constraints.max_cost_usd_month", c.MaxCostUSDMonth)
	v.nonNeg("constraints.max_latency_p99_ms", c.MaxLatencyP99MS)
	v.names("constraints.required_rules", c.RequiredRules)
	v.names("pin", sc.Pin)
	return v.errs.orNil()
}

// names checks a list of names: none empty, none repeated.
func (v *validator) names(path string, list []string) {
	seen := map[string]bool{}
	for i, s := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case strings.TrimSpace(s) == "":
			v.errorf(p, "empty name")
		case seen[s]:
			v.errorf(p, "%s is listed twice", quote(s))
		}
		seen[s] = true
	}
}

func (v *validator) workload(w *Workload) {
	for _, id := range sortedKeys(w.Functions) {
		f := w.Functions[id]
		p := "workload.functions." + id + "."
		v.nonNeg(p+"invocations_per_month", f.InvocationsPerMonth)
		v.positive(p+"peak_rps", f.PeakRPS)
		if mean := f.InvocationsPerMonth / secondsPerMonth; f.PeakRPS > 0 && f.PeakRPS < mean*(1-1e-9) {
			v.errorf(p+"peak_rps", "%g is below the mean rate of invocations_per_month (%.4g per second); the peak cannot be lower than the mean", f.PeakRPS, mean)
		}
		v.positive(p+"peak_hours_per_day", f.PeakHoursPerDay)
		if f.PeakHoursPerDay > 24 {
			v.errorf(p+"peak_hours_per_day", "a day has 24 hours, got %g", f.PeakHoursPerDay)
		}
		v.nonNeg(p+"duration_ms", f.DurationMS)
		if f.ReferenceMemoryMB != 0 || v.sc.given(p+"reference_memory_mb") {
			if f.ReferenceMemoryMB < MinMemoryMB || f.ReferenceMemoryMB > MaxMemoryMB {
				v.errorf(p+"reference_memory_mb", "must be a Lambda memory size from %d to %d MB, got %g", MinMemoryMB, MaxMemoryMB, f.ReferenceMemoryMB)
			}
		}
		v.unitPtr(p+"cpu_bound", f.CPUBound)
		if f.Threads != 0 || v.sc.given(p+"threads") {
			if f.Threads < 1 || f.Threads > MaxThreads {
				v.errorf(p+"threads", "must be from 1 to %d (Lambda gives at most %d vCPUs), got %d", MaxThreads, MaxThreads, f.Threads)
			}
		}
		v.positive(p+"arm64_speed", f.Arm64Speed)
		v.nonNeg(p+"duration_cv", f.DurationCV)
		v.positive(p+"idle_lifetime_min", f.IdleLifetimeMin)
		v.nonNeg(p+"package_mb", f.PackageMB)
		v.nonNeg(p+"log_gb_per_month", f.LogGBPerMonth)
		v.nonNeg(p+"deploys_per_month", f.DeploysPerMonth)
		for _, target := range sortedKeys(f.Calls) {
			c := f.Calls[target]
			cp := p + "calls." + target + "."
			v.nonNeg(cp+"reads", c.Reads)
			v.nonNeg(cp+"writes", c.Writes)
			v.nonNeg(cp+"gets", c.Gets)
			v.nonNeg(cp+"puts", c.Puts)
			v.nonNeg(cp+"sends", c.Sends)
		}
	}
	for _, id := range sortedKeys(w.Tables) {
		t := w.Tables[id]
		p := "workload.tables." + id + "."
		v.nonNeg(p+"storage_gb", t.StorageGB)
		v.positive(p+"item_kb", t.ItemKB)
		if t.ItemKB > MaxItemKB {
			v.errorf(p+"item_kb", "a DynamoDB item is at most %d KB, got %g", MaxItemKB, t.ItemKB)
		}
	}
	for _, id := range sortedKeys(w.Buckets) {
		b := w.Buckets[id]
		p := "workload.buckets." + id + "."
		v.nonNeg(p+"storage_gb", b.StorageGB)
		v.nonNeg(p+"object_kb", b.ObjectKB)
		v.nonNeg(p+"overwrite_rate", b.OverwriteRate)
		v.nonNeg(p+"access_log_gb_per_month", b.AccessLogGBPerMonth)
	}
	for _, id := range sortedKeys(w.Apis) {
		a := w.Apis[id]
		p := "workload.apis." + id + "."
		v.unit(p+"cache_hit_ratio", a.CacheHitRatio)
		v.nonNeg(p+"request_kb", a.RequestKB)
	}
	for _, id := range sortedKeys(w.Queues) {
		q := w.Queues[id]
		p := "workload.queues." + id + "."
		v.nonNeg(p+"messages_per_month", q.MessagesPerMonth)
		v.nonNeg(p+"message_kb", q.MessageKB)
	}
}

func (v *validator) release(r *Release) {
	v.unit("release.defect_rate", r.DefectRate)
	v.unit("release.defect_error_rate", r.DefectErrorRate)
	v.unitPtr("release.hook_catch_rate", r.HookCatchRate)
	v.positive("release.manual_detect_min", r.ManualDetectMin)
	if r.ManualDetectMin > MaxManualDetectMin {
		v.errorf("release.manual_detect_min", "must be at most %d minutes (a 730-hour month), got %g", MaxManualDetectMin, r.ManualDetectMin)
	}
	for _, name := range sortedKeys(r.Custom) {
		steps := r.Custom[name]
		p := "release.custom." + name
		if len(steps) == 0 {
			v.errorf(p, "a custom deployment configuration needs at least one step")
			continue
		}
		for i, s := range steps {
			sp := fmt.Sprintf("%s[%d].", p, i)
			v.nonNeg(sp+"at_min", s.AtMin)
			if s.Percent < 0 || s.Percent > 100 {
				v.errorf(sp+"percent", "must be between 0 and 100, got %g", s.Percent)
			}
			if i > 0 && (s.AtMin < steps[i-1].AtMin || s.Percent < steps[i-1].Percent) {
				v.errorf(sp[:len(sp)-1], "steps must go forward in time and traffic (at_min and percent never decrease)")
			}
		}
		if last := steps[len(steps)-1]; last.Percent != 100 {
			v.errorf(fmt.Sprintf("%s[%d].percent", p, len(steps)-1), "the last step must shift all traffic (percent: 100), got %g", last.Percent)
		}
	}
}

func (v *validator) weights(w *Weights) {
	all := []struct {
		key string
		w   *float64
	}{
		{"cost", w.Cost}, {"latency", w.Latency}, {"compliance", w.Compliance},
		{"availability", w.Availability}, {"deploy_safety", w.DeploySafety},
	}
	zero := 0
	for _, e := range all {
		if e.w == nil {
			continue
		}
		if *e.w < 0 {
			v.errorf("objectives."+e.key, "a weight must not be negative, got %g", *e.w)
		}
		if *e.w == 0 {
			zero++
		}
	}
	if zero == len(all) {
		v.errorf("objectives", "every objective weight is 0: nothing would be optimized")
	}
}
