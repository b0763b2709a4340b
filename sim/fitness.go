package sim

import (
	"math"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// Objective indexes, in report order (scenarios.ObjectiveNames).
const (
	objCost = iota
	objLatency
	objCompliance
	objAvailability
	objDeploySafety
	nObjectives
)

// objectiveNames are the weighted objectives' names in the scenario and in
// the Evaluation's score.
var objectiveNames = [nObjectives]string{"cost", "latency", "compliance", "availability", "deploy_safety"}

// fitnessParams are the scenario's weights, targets and constraints, read
// once at Compile.
type fitnessParams struct {
	weight [nObjectives]float64
	// budget (USD/month), slo (p99 ms), errBudget (share), failed (requests
	// per release) and lead (minutes) are the values at which each utility is
	// one half.
	budget, slo, errBudget, failed, lead float64
	lambda                               float64
	maxCost, maxP99                      float64 // 0 = no constraint
	required                             []string
	// errCurve is logHalf at errBudget (readFitness sets both).
	errCurve logCurve
}

func readFitness(sc *scenarios.Scenario, requestsPerMonth, releasesPerMonth float64) fitnessParams {
	if sc == nil {
		sc = &scenarios.Scenario{}
	}
	var f fitnessParams
	for i, n := range objectiveNames {
		f.weight[i] = sc.Weight(n)
	}
	f.budget = sc.BudgetUSDMonthOr()
	f.slo = sc.LatencySLOP99MSOr()
	f.errBudget = sc.ErrorBudgetOr()
	f.errCurve = newLogCurve(f.errBudget)
	f.failed = sc.FailedRequestsPerReleaseOr(requestsPerMonth, releasesPerMonth)
	f.lead = sc.LeadTimeMinOr()
	f.lambda = sc.RegularizationOr()
	f.maxCost = sc.Constraints.MaxCostUSDMonth
	f.maxP99 = sc.Constraints.MaxLatencyP99MS
	f.required = sc.Constraints.RequiredRules
	return f
}

// half is the utility of a "lower is better" value x against the target t
// at which the utility is one half: t / (t + x). It is 1 at x = 0, smooth,
// strictly decreasing, and tends to 0; negative or NaN x count as 0.
func half(t, x float64) float64 {
	x = nonNeg(x)
	if !(t > 0) {
		if x == 0 {
			return 1
		}
		return 0
	}
	return t / (t + x)
}

// logHalf is the utility of an error rate x (a share, 0..1) against the
// error budget t at which it is one half, on a logarithmic scale:
//
//	u(x) = 1 - ln(1 + a x) / ln(1 + a),  a = (1 - 2t) / t^2
//
// so that u(0) = 1, u(t) = 1/2 and u(1) = 0. Error rates span orders of
// magnitude (availability is counted in nines), and the log scale keeps a
// cut from 40% to 8% failed requests worth about as much as one from 0.4%
// to 0.08%, where t / (t + x) would give the first almost nothing. A budget
// outside (0, 1/2) falls back to half.
func logHalf(t, x float64) float64 {
	c := newLogCurve(t)
	return c.at(x)
}

// logCurve is logHalf at one budget t with its constants computed once:
// a and ln(1 + a), the same operations logHalf performs, so at(x) equals
// logHalf(t, x) bit for bit.
type logCurve struct {
	t     float64
	ok    bool // t in (0, 1/2): the log scale applies
	a, la float64
}

func newLogCurve(t float64) logCurve {
	c := logCurve{t: t, ok: t > 0 && t < 0.5}
	if c.ok {
		c.a = (1 - 2*t) / (t * t)
		c.la = math.Log1p(c.a)
	}
	return c
}

// at is logHalf(c.t, x).
func (c *logCurve) at(x float64) float64 {
	if !c.ok {
		return half(c.t, x)
	}
	x = min(nonNeg(x), 1)
	if x == 0 {
		// ln(1 + a*0) = 0 and la > 0: 1 - 0/la is exactly 1.
		return 1
	}
	return clamp01(1 - math.Log1p(c.a*x)/c.la)
}

// logMemo is a logCurve's last argument and value, so that a call with
// the same argument (bit for bit) skips the logarithm.
type logMemo struct {
	x, u float64
	ok   bool
}

// atMemo is c.at(x), from memo when x is its last argument (bit for bit);
// memo is then set to x and the value. A memo must serve one curve only.
func (c *logCurve) atMemo(x float64, memo *logMemo) float64 {
	if memo.ok && sameBits(x, memo.x) {
		return memo.u
	}
	u := c.at(x)
	memo.x, memo.u, memo.ok = x, u, true
	return u
}

// Utilities, each in [0, 1], higher is better:
//
//	cost          = budget / (budget + cost)               (targets.budget_usd_month)
//	latency       = slo / (slo + p99)                      (targets.latency_slo_p99_ms)
//	compliance    = the severity-weighted share of passing rules
//	availability  = logHalf(budget, error rate)            (targets.error_budget; 1/2 at the budget)
//	deploy_safety = (F / (F + risk) + L / (L + lead)) / 2  (failed requests per release F, lead time L)
//
// memo is the availability curve's (f.errCurve's) memo.
func (f *fitnessParams) utilities(o *Objectives, u *[nObjectives]float64, memo *logMemo) {
	u[objCost] = half(f.budget, o.CostUSDMonth)
	u[objLatency] = half(f.slo, o.LatencyP99MS)
	u[objCompliance] = clamp01(o.Compliance)
	u[objAvailability] = f.errCurve.atMemo(o.ErrorRate, memo)
	u[objDeploySafety] = (half(f.failed, o.DeployRisk) + half(f.lead, o.LeadTimeMin)) / 2
}

// Complexity weights: what a variant adds to run and understand. The
// numbers are the project's modelling choice (DESIGN.md "Complexity"), so
// that one more resource or service weighs as much as one hook, and a
// setting changed from its default a quarter of that.
const (
	cxResource = 1.0  // per resource deployed (functions, tables, buckets, APIs, queues, alarms, keys, and what genes add)
	cxService  = 1.0  // per distinct AWS service used
	cxSetting  = 0.25 // per setting that differs from the AWS/SAM default
	cxHook     = 1.0  // per PreTraffic/PostTraffic hook of a deployment
	cxAlarm    = 0.5  // per alarm watching a deployment (tuned thresholds to maintain)
)

// Services counted for complexity.
const (
	svcLambda = 1 << iota
	svcDynamoDB
	svcS3
	svcAPIGateway
	svcSQS
	svcCloudWatch
	svcKMS
	svcCodeDeploy
)

// complexity is
//
//	C = cxResource x resources + cxService x services + cxSetting x settings
//	  + cxHook x hooks + cxAlarm x alarms
//
// where resources counts the template's modelled resources plus those a
// gene adds (a customer key for a table, a scaling target and policy per
// auto-scaled table, a replica bucket, a log bucket, a TLS bucket policy, a
// dead-letter queue), settings counts non-default settings, hooks the
// traffic hooks and alarms the deployment alarms (the template's and the
// ones a gene adds). templateKeys is the customer keys the template declares.
func complexity(st *infra.State, templateKeys int) float64 {
	var res, settings, hooks, alarms float64
	svc := 0
	res += float64(templateKeys + len(st.Alarms))
	if templateKeys > 0 {
		svc |= svcKMS
	}
	if len(st.Alarms) > 0 {
		svc |= svcCloudWatch
	}
	for i := range st.Functions {
		f := &st.Functions[i]
		res++
		svc |= svcLambda
		if f.MemoryMB != 128 { // Lambda default MemorySize (aws-facts.md 3.1 [V])
			settings++
		}
		if f.Arch == infra.ARM64 {
			settings++
		}
		if f.TimeoutS != 3 { // Lambda default Timeout (aws-facts.md 3.1 [V])
			settings++
		}
		if f.Reserved != infra.None {
			settings++
		}
		if f.Provisioned > 0 {
			settings++
		}
		if f.EphemeralMB > 512 { // Lambda default /tmp (aws-facts.md 3.1 [V])
			settings++
		}
		if f.Deploy != infra.DeployNone {
			settings++
			svc |= svcCodeDeploy
		}
		if f.DLQ {
			settings++
			res++
			svc |= svcSQS
		}
		if f.PreTraffic {
			hooks++
		}
		if f.PostTraffic {
			hooks++
		}
		if f.AlarmLevel > 0 {
			alarms += float64(f.AlarmLevel)
			res += float64(f.AlarmLevel)
			svc |= svcCloudWatch
		}
		alarms += float64(len(f.Alarms))
	}
	for i := range st.Tables {
		t := &st.Tables[i]
		res++
		svc |= svcDynamoDB
		if t.Provisioned {
			settings++
		}
		if t.AutoScaleTarget > 0 {
			settings++
			res += 2 // a scalable target and a scaling policy
			svc |= svcCloudWatch
		}
		if t.SSE != infra.SSEOwned {
			settings++
		}
		if t.SSE == infra.SSECustomerKMS {
			svc |= svcKMS
			if !t.CustomerKeyInTemplate {
				res++
			}
		}
		if t.PITR {
			settings++
		}
		if t.Replicas > 0 {
			settings++
		}
	}
	for i := range st.Buckets {
		b := &st.Buckets[i]
		res++
		svc |= svcS3
		if b.SSE != infra.BucketSSENone {
			settings++
		}
		if b.SSE == infra.BucketSSEKMS || b.SSE == infra.BucketSSEKMSBucketKey {
			svc |= svcKMS
		}
		if b.Versioning {
			settings++
		}
		if b.Logging {
			settings++
			res++
		}
		if b.Replication {
			settings++
			res++
		}
		if b.BlockAll() {
			settings++
		}
		if b.TLSOnly {
			settings++
			res++
		}
	}
	for i := range st.APIs {
		a := &st.APIs[i]
		res++
		svc |= svcAPIGateway
		if a.CacheGB > 0 {
			settings++
		}
	}
	if len(st.Queues) > 0 {
		res += float64(len(st.Queues))
		svc |= svcSQS
	}
	var services float64
	for s := svc; s != 0; s &= s - 1 {
		services++
	}
	return cxResource*res + cxService*services + cxSetting*settings + cxHook*hooks + cxAlarm*alarms
}
