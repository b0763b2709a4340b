package evolve

import (
	"math"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// The synthetic problem: a hand-built space of 139,968 variants (10 genes)
// with a landscape shaped like a small serverless app's, deceptive on
// purpose and fair for a search.
//
// Deceptive: two trap blocks of three genes. The deployment block (type,
// alarms, PreTraffic hook) pays only as a whole (Linear10PercentEvery1Minute
// with errors+latency alarms and the hook): each part alone costs more than
// it buys, so from the template, and from most random starts, every
// one-gene move in the block leads away from it. The data block (KMS on the
// bucket, a customer key on the table, versioning) works the same way on
// compliance. Fair: each trap is only three genes, and the memory and
// capacity ladders are unimodal under a cost constraint, so a population
// that keeps good blocks and recombines them finds the optimum.
//
// The numbers are invented for the test (no AWS figure is claimed): they
// only shape the landscape.

var synthGenes = []struct {
	name, resource string
	attr           genome.Attr
	kind           genome.Kind
	values         []any
	current        int
	ordered        bool
}{
	{"Api.MemorySize", "Api", genome.MemorySize, genome.Number, []any{128, 512, 1024, 2048}, 0, true},
	{"Worker.MemorySize", "Worker", genome.MemorySize, genome.Number, []any{128, 512, 1024, 2048}, 0, true},
	{"Table.ProvisionedThroughput.ReadCapacityUnits", "Table", genome.ReadCapacity, genome.Number, []any{5, 25, 100}, 0, true},
	{"Table.ProvisionedThroughput.WriteCapacityUnits", "Table", genome.WriteCapacity, genome.Number, []any{5, 25, 100}, 0, true},
	{"Api.DeploymentPreference.Type", "Api", genome.DeployType, genome.Choice, []any{"AllAtOnce",
		"Canary10Percent5Minutes", "Canary10Percent10Minutes", "Canary10Percent15Minutes", "Canary10Percent30Minutes",
		"Linear10PercentEvery1Minute", "Linear10PercentEvery2Minutes", "Linear10PercentEvery3Minutes", "Linear10PercentEvery10Minutes"}, 0, false},
	{"Photos.Encryption", "Photos", genome.BucketSSE, genome.Choice, []any{"none", "AES256", "aws:kms"}, 0, true},
	{"Table.Encryption", "Table", genome.TableSSE, genome.Choice, []any{"aws-owned", "aws-managed-kms", "customer-kms"}, 0, true},
	{"Api.DeploymentPreference.Alarms", "Api", genome.DeployAlarms, genome.Choice, []any{"none", "errors", "errors+latency"}, 0, true},
	{"Photos.Versioning", "Photos", genome.Versioning, genome.Switch, []any{false, true}, 0, false},
	{"Api.DeploymentPreference.Hooks.PreTraffic", "Api", genome.PreTraffic, genome.Switch, []any{false, true}, 0, false},
}

// synthSpace returns the synthetic space with the named genes pinned.
func synthSpace(pins ...string) *genome.Space {
	sp := &genome.Space{}
	for _, g := range synthGenes {
		gene := genome.Gene{Name: g.name, Resource: g.resource, Kind: g.kind, Attr: g.attr,
			Values: g.values, Current: g.current, Ordered: g.ordered}
		for _, p := range pins {
			if p == g.name {
				gene.Pinned = true
			}
		}
		sp.Genes = append(sp.Genes, gene)
	}
	return sp
}

// trap is the deceptive trap of a three-gene block by the number of its
// genes at their target: the whole block pays most, and fewer parts pay
// less than none.
var trap = [4]float64{0.30, 0.15, 0.05, 0.60}

// synthEval computes the synthetic metrics of g without allocating.
func synthEval(g genome.Genome, m *sim.Metrics) {
	memMB := [4]float64{128, 512, 1024, 2048}
	capUnits := [3]float64{5, 25, 100}
	memA, memW := memMB[g[0]], memMB[g[1]]
	rcu, wcu := capUnits[g[2]], capUnits[g[3]]
	deploy, bucketSSE, tableSSE, alarms := g[4], g[5], g[6], g[7]
	versioning, pre := g[8], g[9]

	uA := b2i(deploy == 5) + b2i(alarms == 2) + pre
	uB := b2i(bucketSSE == 2) + b2i(tableSSE == 2) + versioning

	// Cost, USD per month: memory-proportional compute, per-unit
	// capacity, KMS and feature surcharges.
	cost := 20 + 0.03*memA + 0.012*memW + 0.2*rcu + 0.5*wcu
	cost += [3]float64{0, 0, 3}[bucketSSE] + [3]float64{0, 1, 4}[tableSSE] + 6*float64(versioning)
	cost += 0.8*float64(alarms) + 2*float64(pre)

	// p99 latency, ms: the API's CPU share grows up to 1024 MB, the
	// worker's up to 2048; reads throttle under 100 RCU, writes under 25 WCU.
	lat := 40 + 900*128/math.Min(memA, 1024) + 300*128/memW
	lat += 2*math.Max(0, 100-rcu) + 4*math.Max(0, 25-wcu)

	lead := [9]float64{0, 5, 10, 15, 30, 10, 20, 30, 100}[deploy]
	complexity := float64(alarms) + float64(versioning) + 2*float64(pre) + float64(b2i(deploy > 0))

	m.Objectives = sim.Objectives{CostUSDMonth: cost, LatencyP50MS: lat / 3, LatencyP95MS: lat / 1.5, LatencyP99MS: lat,
		Availability: 1, Compliance: trap[uB] / trap[3], DeployRisk: 100 - 150*trap[uA], LeadTimeMin: lead, Complexity: complexity}
	m.Fitness = 1/(1+cost/150) + 1/(1+lat/300) + trap[uA] + trap[uB] - 0.001*lead - 0.01*complexity
	// Hard constraint: at most 150 USD per month.
	m.Violation = math.Max(0, cost-150) / 150
	m.Feasible = m.Violation == 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func synthProblem(pins ...string) Problem {
	return Problem{Space: synthSpace(pins...), New: func() func(genome.Genome, *sim.Metrics) { return synthEval }}
}

// bruteForce evaluates the whole synthetic space.
func bruteForce(l *layout, f func(g genome.Genome, m *sim.Metrics)) {
	n := l.spaceSize64()
	g := make(genome.Genome, l.n)
	var m sim.Metrics
	for i := int64(0); i < n; i++ {
		l.decode(g, i)
		synthEval(g, &m)
		f(g, &m)
	}
}
