// Package sim is the simulator: it compiles a template's genome space and a
// scenario into a flat Plan once, then evaluates genomes without allocating.
//
// Model and units. A month is 730 hours (decisions.md). Costs are USD per
// month at the embedded us-east-1 list prices (prices/*.yaml, each with its
// source in aws-facts.md and a date), per resource and line item; the
// account's free tier is off unless the scenario turns it on, and is then
// shared by all resources of the account. A usage-based cost whose usage
// the scenario does not give is 0 and listed as "depends on usage".
// Latency (milliseconds), errors and availability (shares of requests) come
// from sim/perf; compliance (a 0..1 severity-weighted share) from
// sim/compliance; deployment risk (failed requests per release) and lead
// time (minutes) from sim/rollout. Fitness, higher is better, is the
// weighted sum of per-objective utilities in [0, 1] minus the
// regularization lambda times the complexity (see fitness.go).
package sim

import (
	"fmt"
	"math"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/compliance"
	"github.com/evoarch/evoarch/sim/infra"
	"github.com/evoarch/evoarch/sim/perf"
	"github.com/evoarch/evoarch/sim/rollout"
)

// Plan is a template's genome space and a scenario compiled once. It is
// read-only after Compile; each goroutine evaluates through its own
// Evaluator.
type Plan struct {
	sp       *genome.Space
	sc       *scenarios.Scenario
	t        *cfn.Template
	prices   *Prices
	base     *infra.State
	binder   *infra.Binder
	cost     *costModel
	comp     *compliance.Engine // read-only, shared by the evaluators
	roll     *rollout.Model     // read-only, shared by the evaluators
	fit      fitnessParams
	keys     int // customer managed keys the template declares
	computed Computed
	// refNote says where the workload's reference memory and architecture
	// came from when not from the evaluated template ("" when they did).
	refNote string
}

// Computed says which models produced the objectives; an objective whose
// model is not available is "not computed" and left out of the fitness.
type Computed struct {
	Latency    bool `json:"latency"`    // latency, error rate, availability (sim/perf)
	Compliance bool `json:"compliance"` // sim/compliance
	Deploy     bool `json:"deploy"`     // deploy risk and lead time (sim/rollout)
}

// Compile compiles the space sp (whose template is the one the scenario's
// workload describes) and the scenario sc (nil: no workload, defaults only).
func Compile(sp *genome.Space, sc *scenarios.Scenario) (*Plan, error) {
	if sp == nil || sp.Template == nil {
		return nil, fmt.Errorf("sim: no genome space")
	}
	if sc == nil {
		sc = scenarios.Empty("")
	}
	prices, err := LoadPrices(sc.RegionOr())
	if err != nil {
		return nil, err
	}
	base, err := infra.Baseline(sp.Template)
	if err != nil {
		return nil, err
	}
	binder, err := infra.Bind(sp, base)
	if err != nil {
		return nil, err
	}
	sc, p0 := referenced(sc, sp.Template, base)
	p := &Plan{sp: sp, sc: sc, t: sp.Template, prices: prices, base: base, binder: binder, refNote: p0}
	p.keys = len(sp.Template.ByType("AWS::KMS::Key"))
	p.cost = compileCost(sp.Template, base, sc, prices)
	if _, err := perf.Compile(base, sc); err != nil {
		return nil, err
	}
	// Latency, errors and availability need traffic: with no function
	// workload they are not computed rather than a perfect 0 ms.
	for i := range p.cost.fns {
		if p.cost.fns[i].known {
			p.computed.Latency = true
		}
	}
	if p.comp, err = compliance.Compile(sp.Template, base, sc, nil); err != nil {
		return nil, err
	}
	p.computed.Compliance = true
	if p.roll, err = rollout.Compile(base, sc); err != nil {
		return nil, err
	}
	p.computed.Deploy = true
	var reqs, releases, n float64
	for i := range base.Functions {
		if fl := sc.Function(base.Functions[i].ID); fl != nil {
			reqs += fl.InvocationsPerMonth
			releases += fl.DeploysPerMonthOr()
			n++
		}
	}
	if n > 0 {
		releases /= n // releases of the application: the functions' mean
	}
	p.fit = readFitness(sc, reqs, releases)
	return p, nil
}

// Space returns the compiled genome space.
func (p *Plan) Space() *genome.Space { return p.sp }

// Scenario returns the compiled scenario.
func (p *Plan) Scenario() *scenarios.Scenario { return p.sc }

// Computed says which objectives the plan's models compute.
func (p *Plan) Computed() Computed { return p.computed }

// Prices returns the plan's price tables.
func (p *Plan) Prices() *Prices { return p.prices }

// Evaluator evaluates genomes of one Plan without allocating. It is not
// safe for concurrent use: make one per goroutine. It is incremental: the
// state, the bill and the compliance checks of a genome are rebuilt from
// the previous genome's, redoing only what the genes that differ touch,
// and the latency model keeps exact results per function; the metrics are
// the same, bit for bit, as a fresh Evaluator's (TestEvaluatorIncremental),
// so a search that moves one gene at a time runs several times faster.
type Evaluator struct {
	p  *Plan
	st *infra.State
	// prev is the genome st holds (a copy), when havePrev: the next
	// genome's state is built from it, redoing only the genes that differ
	// (infra.Binder.ApplyFrom). Nothing else writes st.
	prev     genome.Genome
	havePrev bool
	perfM    *perf.Model
	perfR    *perf.Result
	cost     *costScratch
	compR    *compliance.Result
	rollR    *rollout.Result
	util     [nObjectives]float64
	// avMemo is the availability utility's last error rate and value.
	avMemo logMemo
	// uMemo is the other utilities' last inputs (fitnessParams.utilities).
	uMemo utilMemo
	// ch is what the last ApplyChanged rewrote of st: the cost, the
	// compliance checks and the complexity compare or recount only that.
	ch infra.Changed
	cx cxCache
	// rollOK says rollR holds roll.Eval of st as the functions were at
	// the previous call: rollout reads only the functions (Alias, Deploy,
	// AlarmLevel, PreTraffic, PostTraffic), so a change list that names
	// none leaves rollR as it is.
	rollOK bool
}

// NewEvaluator returns an Evaluator with its own scratch state.
func (p *Plan) NewEvaluator() *Evaluator {
	e := &Evaluator{p: p, st: p.binder.NewState(), cost: p.cost.newScratch(), prev: make(genome.Genome, len(p.sp.Genes))}
	if p.comp != nil {
		e.compR = p.comp.NewResult()
	}
	if p.roll != nil {
		e.rollR = p.roll.NewResult()
	}
	if p.computed.Latency {
		// Compile succeeded on the same inputs in Plan.Compile.
		if m, err := perf.Compile(p.base, p.sc); err == nil {
			// The search reads the application's percentiles only;
			// Report turns the functions' back on.
			m.SkipFunctionPercentiles(true)
			e.perfM, e.perfR = m, m.NewResult()
		}
	}
	return e
}

// NewLeanEvaluator returns an Evaluator for a search whose fitness,
// constraints and objectives read neither the application's p50 nor its
// p95 (the fitness reads the p99): it leaves Objectives.LatencyP50MS and
// LatencyP95MS NaN when the latency model runs (0, as NewEvaluator's, when
// it does not), and writes every other figure bit for bit as NewEvaluator's
// does (the p99 is searched on its own), for about half the cost of the
// application's percentiles.
func (p *Plan) NewLeanEvaluator() *Evaluator {
	e := p.NewEvaluator()
	if e.perfM != nil {
		e.perfM.SkipLowerAppPercentiles(true)
	}
	return e
}

// Evaluate writes the metrics of genome g into m. g must come from the
// plan's Space (one value index per gene, in range). It does not allocate.
func (e *Evaluator) Evaluate(g genome.Genome, m *Metrics) {
	p := e.p
	switch {
	case len(g) != len(e.prev):
		// Not a genome of the space: st no longer holds prev.
		p.binder.Apply(e.st, g)
		e.havePrev = false
		e.ch = infra.Changed{All: true}
	case e.havePrev:
		p.binder.ApplyChanged(e.st, e.prev, g, &e.ch)
	default:
		p.binder.Apply(e.st, g)
		e.ch = infra.Changed{All: true}
	}
	if len(g) == len(e.prev) {
		copy(e.prev, g)
		e.havePrev = true
	}
	st := e.st
	*m = Metrics{}
	o := &m.Objectives
	if e.perfM != nil {
		e.perfM.EvalChanged(st, e.perfR, &e.ch)
		a := &e.perfR.App
		o.LatencyP50MS, o.LatencyP95MS, o.LatencyP99MS = a.P50MS, a.P95MS, a.P99MS
		o.ErrorRate, o.Availability = a.ErrorRate, a.Availability
	}
	// Every model's cache below was last given this st, and Evaluate is
	// the only writer of st: e.ch lists all that changed since.
	p.cost.evalChanged(st, e.perfR, e.cost, &e.ch)
	o.CostUSDMonth = e.cost.total
	if p.comp != nil {
		p.comp.EvalChanged(st, e.compR, &e.ch)
		o.Compliance = e.compR.Score
		m.RulesPassed, m.RulesFailed = e.compR.Passed, e.compR.Failed
	}
	if p.roll != nil {
		// The alarms the genome adds are billed on the functions' cost
		// lines (cloudwatch) and counted in complexity.
		if !e.rollOK || e.ch.All || e.ch.Has('f') {
			p.roll.Eval(st, e.rollR)
			e.rollOK = true
		}
		o.DeployRisk, o.LeadTimeMin = e.rollR.DeployRisk, e.rollR.LeadTimeMin
	}
	o.Complexity = e.cx.eval(st, p.keys, &e.ch)
	e.fitness(m)
}

// fitness fills Fitness, Feasible and Violation from the objectives.
func (e *Evaluator) fitness(m *Metrics) {
	f := &e.p.fit
	c := e.p.computed
	f.utilitiesMemo(&m.Objectives, &e.util, &e.avMemo, &e.uMemo)
	var sum float64
	for i := 0; i < nObjectives; i++ {
		if e.p.objectiveComputed(i) {
			sum += f.weight[i] * e.util[i]
		}
	}
	m.Fitness = sum - f.lambda*m.Objectives.Complexity
	var v float64
	if f.maxCost > 0 && m.Objectives.CostUSDMonth > f.maxCost {
		v += (m.Objectives.CostUSDMonth - f.maxCost) / f.maxCost
	}
	if c.Latency && f.maxP99 > 0 && m.Objectives.LatencyP99MS > f.maxP99 {
		v += (m.Objectives.LatencyP99MS - f.maxP99) / f.maxP99
	}
	if c.Compliance && e.compR != nil {
		// Each required rule's unsuppressed non-compliant finding counts 1.
		v += float64(e.compR.RequiredBroken)
	}
	if math.IsNaN(m.Fitness) {
		m.Fitness = math.Inf(-1)
	}
	m.Violation = v
	m.Feasible = v == 0
}

// objectiveComputed reports whether objective i has a model.
func (p *Plan) objectiveComputed(i int) bool {
	switch i {
	case objCost:
		return true
	case objLatency, objAvailability:
		return p.computed.Latency
	case objCompliance:
		return p.computed.Compliance
	case objDeploySafety:
		return p.computed.Deploy
	}
	return false
}

// referenced returns sc with each function's duration reference taken from
// the scenario's own template when the evaluated template t is another
// file. duration_ms is "the mean billed duration at reference_memory_mb"
// (INTERFACE.md), and reference_memory_mb defaults to "the template's
// MemorySize": the template the workload was written for. Without this, a
// variant written out by apply or evolve and evaluated as a template of its
// own (gate BASELINE CANDIDATE) would have its new memory taken as the
// reference and lose the speed-up the search credited it with.
//
// For every function with a workload and without reference_memory_mb, the
// copy gets the scenario template's MemorySize; when the scenario template
// runs the function on another architecture, duration_ms is converted to
// the evaluated template's (duration on arm64 = duration on x86_64 /
// arm64_speed, decisions.md "arm64"). sc itself is not modified. The note
// is for the report's assumptions; it is "" when nothing was taken over.
func referenced(sc *scenarios.Scenario, t *cfn.Template, base *infra.State) (*scenarios.Scenario, string) {
	if sc == nil || sc.TemplatePath == "" || t == nil || sc.TemplatePath == t.Path || len(sc.Workload.Functions) == 0 {
		return sc, ""
	}
	rt, err := scenarios.ReadTemplate(sc)
	if err != nil {
		return sc, "duration references from the evaluated template: the scenario's template " + sc.TemplatePath + " could not be read"
	}
	ref, err := infra.Baseline(rt)
	if err != nil {
		return sc, "duration references from the evaluated template: the scenario's template " + sc.TemplatePath + " could not be modelled"
	}
	c := *sc
	c.Workload.Functions = make(map[string]*scenarios.FunctionLoad, len(sc.Workload.Functions))
	changed := false
	for id, fl := range sc.Workload.Functions {
		if fl == nil {
			c.Workload.Functions[id] = fl
			continue
		}
		f := *fl
		c.Workload.Functions[id] = &f
		ri, bi := ref.FunctionIndex(id), base.FunctionIndex(id)
		if ri < 0 || bi < 0 {
			continue
		}
		rf, bf := &ref.Functions[ri], &base.Functions[bi]
		if f.ReferenceMemoryMB <= 0 {
			mem := rf.MemoryMB
			if mem <= 0 {
				mem = infra.DefaultMemoryMB
			}
			bmem := bf.MemoryMB
			if bmem <= 0 {
				bmem = infra.DefaultMemoryMB
			}
			if mem != bmem {
				f.ReferenceMemoryMB = mem
				changed = true
			}
		}
		if rf.Arch != bf.Arch && f.DurationMS > 0 {
			// perf scales duration_ms from the evaluated template's
			// architecture: restate it there.
			speed := f.Arm64SpeedOr()
			if rf.Arch == infra.ARM64 {
				f.DurationMS *= speed
			} else {
				f.DurationMS /= speed
			}
			changed = true
		}
	}
	if !changed {
		return sc, ""
	}
	return &c, "durations are at the memory and architecture of the scenario's template " + sc.TemplatePath + " (reference_memory_mb not given)"
}
