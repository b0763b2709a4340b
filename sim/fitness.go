package sim

import (
	"math"
	"math/bits"

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

// utilMemo is the inputs of the utilities other than availability at the
// last utilitiesMemo call, by their bits, when ok.
type utilMemo struct {
	cost, p99, comp, risk, lead uint64
	ok                          bool
}

// utilitiesMemo is utilities, recomputing only the utilities whose inputs
// differ, bit for bit, from memo's (u must hold memo's call's values);
// memo is then set to o's.
func (f *fitnessParams) utilitiesMemo(o *Objectives, u *[nObjectives]float64, av *logMemo, memo *utilMemo) {
	cost, p99, comp := math.Float64bits(o.CostUSDMonth), math.Float64bits(o.LatencyP99MS), math.Float64bits(o.Compliance)
	risk, lead := math.Float64bits(o.DeployRisk), math.Float64bits(o.LeadTimeMin)
	if !memo.ok {
		f.utilities(o, u, av)
		*memo = utilMemo{cost: cost, p99: p99, comp: comp, risk: risk, lead: lead, ok: true}
		return
	}
	if cost != memo.cost {
		u[objCost] = half(f.budget, o.CostUSDMonth)
		memo.cost = cost
	}
	if p99 != memo.p99 {
		u[objLatency] = half(f.slo, o.LatencyP99MS)
		memo.p99 = p99
	}
	if comp != memo.comp {
		u[objCompliance] = clamp01(o.Compliance)
		memo.comp = comp
	}
	u[objAvailability] = f.errCurve.atMemo(o.ErrorRate, av)
	if risk != memo.risk || lead != memo.lead {
		u[objDeploySafety] = (half(f.failed, o.DeployRisk) + half(f.lead, o.LeadTimeMin)) / 2
		memo.risk, memo.lead = risk, lead
	}
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
	var c cxCache
	return c.eval(st, templateKeys, nil)
}

// cxPart is what one resource adds to complexity's counts: resources,
// settings, hooks and alarms, and the services it uses (svc* bits).
type cxPart struct {
	res, settings, hooks, alarms int32
	svc                          uint8
}

// nSvc is the number of svc* bits.
const nSvc = 8

// cxCache is an Evaluator's complexity: every resource's part and their
// totals, so that a call told which resources changed (infra.Changed)
// recomputes their parts only. The counts are integers, and complexity's
// float sums of them are exact, so the result is the same bit for bit
// whatever was recomputed.
type cxCache struct {
	valid          bool
	fn, tb, bk, ap []cxPart
	tot            cxPart
	// svc[k] counts the resources that use service bit k; services is
	// the number of k with svc[k] > 0.
	svc      [nSvc]int32
	services int32
}

// eval returns complexity(st, templateKeys). ch (when not nil and the cache
// is valid) lists every resource of st that may differ from the State of
// the previous call (infra.Binder.ApplyChanged); nil: st is recounted.
func (c *cxCache) eval(st *infra.State, templateKeys int, ch *infra.Changed) float64 {
	if !c.valid || ch == nil || ch.All || len(c.fn) != len(st.Functions) || len(c.tb) != len(st.Tables) ||
		len(c.bk) != len(st.Buckets) || len(c.ap) != len(st.APIs) {
		c.count(st, templateKeys)
	} else {
		for k := 0; k < ch.Len(); k++ {
			kind, i := ch.At(k)
			switch kind {
			case 'f':
				c.move(&c.fn[i], fnPart(&st.Functions[i]))
			case 't':
				c.move(&c.tb[i], tablePart(&st.Tables[i]))
			case 'b':
				c.move(&c.bk[i], bucketPart(&st.Buckets[i]))
			case 'a':
				c.move(&c.ap[i], apiPart(&st.APIs[i]))
			}
		}
	}
	t := &c.tot
	return cxResource*float64(t.res) + cxService*float64(c.services) + cxSetting*float64(t.settings) +
		cxHook*float64(t.hooks) + cxAlarm*float64(t.alarms)
}

// count recounts every resource of st.
func (c *cxCache) count(st *infra.State, templateKeys int) {
	c.fn = resize(c.fn, len(st.Functions))
	c.tb = resize(c.tb, len(st.Tables))
	c.bk = resize(c.bk, len(st.Buckets))
	c.ap = resize(c.ap, len(st.APIs))
	c.tot, c.svc, c.services = cxPart{}, [nSvc]int32{}, 0
	// The template's keys, alarms and queues: no gene changes them.
	var fixed cxPart
	fixed.res = int32(templateKeys + len(st.Alarms) + len(st.Queues))
	if templateKeys > 0 {
		fixed.svc |= svcKMS
	}
	if len(st.Alarms) > 0 {
		fixed.svc |= svcCloudWatch
	}
	if len(st.Queues) > 0 {
		fixed.svc |= svcSQS
	}
	c.add(fixed, 1)
	for i := range st.Functions {
		c.fn[i] = fnPart(&st.Functions[i])
		c.add(c.fn[i], 1)
	}
	for i := range st.Tables {
		c.tb[i] = tablePart(&st.Tables[i])
		c.add(c.tb[i], 1)
	}
	for i := range st.Buckets {
		c.bk[i] = bucketPart(&st.Buckets[i])
		c.add(c.bk[i], 1)
	}
	for i := range st.APIs {
		c.ap[i] = apiPart(&st.APIs[i])
		c.add(c.ap[i], 1)
	}
	c.valid = true
}

// move replaces the part *old with p in the totals.
func (c *cxCache) move(old *cxPart, p cxPart) {
	if *old == p {
		return
	}
	c.add(*old, -1)
	c.add(p, 1)
	*old = p
}

// add adds sign (1 or -1) times p to the totals.
func (c *cxCache) add(p cxPart, sign int32) {
	c.tot.res += sign * p.res
	c.tot.settings += sign * p.settings
	c.tot.hooks += sign * p.hooks
	c.tot.alarms += sign * p.alarms
	for s := p.svc; s != 0; s &= s - 1 {
		k := bits.TrailingZeros8(s)
		n := c.svc[k]
		c.svc[k] = n + sign
		switch {
		case n == 0:
			c.services++
		case n+sign == 0:
			c.services--
		}
	}
}

// resize returns s with length n, reusing its array when it is large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// fnPart is what function f adds to complexity.
func fnPart(f *infra.Function) cxPart {
	p := cxPart{res: 1, svc: svcLambda}
	if f.MemoryMB != 128 { // Lambda default MemorySize (aws-facts.md 3.1 [V])
		p.settings++
	}
	if f.Arch == infra.ARM64 {
		p.settings++
	}
	if f.TimeoutS != 3 { // Lambda default Timeout (aws-facts.md 3.1 [V])
		p.settings++
	}
	if f.Reserved != infra.None {
		p.settings++
	}
	if f.Provisioned > 0 {
		p.settings++
	}
	if f.EphemeralMB > 512 { // Lambda default /tmp (aws-facts.md 3.1 [V])
		p.settings++
	}
	if f.Deploy != infra.DeployNone {
		p.settings++
		p.svc |= svcCodeDeploy
	}
	if f.DLQ {
		p.settings++
		p.res++
		p.svc |= svcSQS
	}
	if f.PreTraffic {
		p.hooks++
	}
	if f.PostTraffic {
		p.hooks++
	}
	if f.AlarmLevel > 0 {
		p.alarms += int32(f.AlarmLevel)
		p.res += int32(f.AlarmLevel)
		p.svc |= svcCloudWatch
	}
	p.alarms += int32(len(f.Alarms))
	return p
}

// tablePart is what table t adds to complexity.
func tablePart(t *infra.Table) cxPart {
	p := cxPart{res: 1, svc: svcDynamoDB}
	if t.Provisioned {
		p.settings++
	}
	if t.AutoScaleTarget > 0 {
		p.settings++
		p.res += 2 // a scalable target and a scaling policy
		p.svc |= svcCloudWatch
	}
	if t.SSE != infra.SSEOwned {
		p.settings++
	}
	if t.SSE == infra.SSECustomerKMS {
		p.svc |= svcKMS
		if !t.CustomerKeyInTemplate {
			p.res++
		}
	}
	if t.PITR {
		p.settings++
	}
	if t.Replicas > 0 {
		p.settings++
	}
	return p
}

// bucketPart is what bucket b adds to complexity.
func bucketPart(b *infra.Bucket) cxPart {
	p := cxPart{res: 1, svc: svcS3}
	if b.SSE != infra.BucketSSENone {
		p.settings++
	}
	if b.SSE == infra.BucketSSEKMS || b.SSE == infra.BucketSSEKMSBucketKey {
		p.svc |= svcKMS
	}
	if b.Versioning {
		p.settings++
	}
	if b.Logging {
		p.settings++
		p.res++
	}
	if b.Replication {
		p.settings++
		p.res++
	}
	if b.BlockAll() {
		p.settings++
	}
	if b.TLSOnly {
		p.settings++
		p.res++
	}
	return p
}

// apiPart is what API a adds to complexity.
func apiPart(a *infra.API) cxPart {
	p := cxPart{res: 1, svc: svcAPIGateway}
	if a.CacheGB > 0 {
		p.settings++
	}
	return p
}
