package evolve

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// batchSize is the number of genomes the analysis evaluates per batch.
const batchSize = 4096

// bundleLimit bounds the subsets of one size a bundled roadmap step tries;
// above it the step bundles all remaining changes at once.
const bundleLimit = 20_000

// batcher collects genomes, evaluates them in batches through the
// evaluator and hands each result to visit, in the order they were added.
type batcher struct {
	ev    *evaluator
	gs    []genome.Genome
	n     int
	out   []sim.Metrics
	ok    []bool
	visit func(g genome.Genome, m *sim.Metrics)
}

// newBatcher returns a batcher on the evaluator's batch buffers, which
// grow as genomes are added and are reused by the next batcher: one
// batcher is in use at a time, flushed before the next is made.
func newBatcher(ev *evaluator, visit func(genome.Genome, *sim.Metrics)) *batcher {
	return &batcher{ev: ev, visit: visit, gs: ev.bgs, out: ev.bout, ok: ev.bok}
}

func (b *batcher) add(g genome.Genome) {
	if b.n == len(b.gs) {
		b.gs = append(b.gs, make(genome.Genome, b.ev.l.n))
		b.out = append(b.out, sim.Metrics{})
		b.ok = append(b.ok, false)
		b.ev.bgs, b.ev.bout, b.ev.bok = b.gs, b.out, b.ok
	}
	copy(b.gs[b.n], g)
	b.n++
	if b.n == batchSize {
		b.flush()
	}
}

func (b *batcher) flush() {
	if b.n == 0 {
		return
	}
	b.ev.evalBatch(b.gs[:b.n], b.out[:b.n], b.ok[:b.n])
	for i := 0; i < b.n; i++ {
		if b.ok[i] {
			b.visit(b.gs[i], &b.out[i])
		}
	}
	b.n = 0
}

// best keeps the first best variant offered.
type bestOf struct {
	g    genome.Genome
	m    sim.Metrics
	have bool
}

func (b *bestOf) offer(g genome.Genome, m *sim.Metrics) {
	if !b.have || better(m, &b.m) {
		b.g = append(b.g[:0], g...)
		b.m = *m
		b.have = true
	}
}

// analyse fills the next change, the roadmap, the best variant's changes
// and the sensitivity. The best variant may improve on the search's: when
// the exact neighbourhood or the roadmap finds a better one, it becomes
// Best and RoadmapNote says so.
func analyse(ev *evaluator, o Options, res *Result) {
	l := ev.l
	nc := nextChange(ev, o, res.Baseline, &res.BaselineMetrics)
	res.NextChange = nc
	var notes []string
	if improves(&nc.Metrics, &res.BestMetrics) {
		res.Best, res.BestMetrics = cloneGenome(nc.Genome), nc.Metrics
		notes = append(notes, "the next change beats the search's best variant, so it is the best")
	}
	res.Roadmap, notes = roadmap(ev, o, res, notes)
	if len(nc.Changes) > 0 && len(res.Roadmap) > 0 && distance(nc.Genome, res.Roadmap[0].Genome) != 0 {
		keeps := "does not keep it"
		if sharesChange(res.Baseline, nc.Genome, res.Best) {
			keeps = "keeps it only in part"
		}
		notes = append(notes, fmt.Sprintf("the next change gains most in one step (%+.4f), but the best variant found %s, so the roadmap starts with another step (%+.4f)",
			nc.Delta, keeps, res.Roadmap[0].Delta))
	}
	res.RoadmapNote = strings.Join(notes, "; ")
	res.BestChanges = l.space.Changes(res.Baseline, res.Best)
	res.Sensitivity = sensitivity(ev, res)
}

// sharesChange reports whether target takes any of the values next moved
// away from base.
func sharesChange(base, next, target genome.Genome) bool {
	for _, i := range diffGenes(base, next) {
		if target[i] == next[i] {
			return true
		}
	}
	return false
}

// neighbourhoodSize is the number of variants differing from a genome on
// 1..k free genes: the sum of the elementary symmetric polynomials
// e_1..e_k of (domain size - 1) over the free genes; +Inf past float range.
func neighbourhoodSize(l *layout, k int) float64 {
	e := make([]float64, k+1)
	e[0] = 1
	for _, i := range l.free {
		d := float64(l.size[i] - 1)
		for s := k; s >= 1; s-- {
			e[s] += e[s-1] * d
		}
	}
	total := 0.0
	for s := 1; s <= k; s++ {
		total += e[s]
	}
	return total
}

// enumerateNeighbourhood calls visit with every variant that differs from
// base on 1..k free genes (the genome passed is reused).
func enumerateNeighbourhood(l *layout, base genome.Genome, k int, visit func(genome.Genome)) {
	g := cloneGenome(base)
	var rec func(start, left int)
	rec = func(start, left int) {
		for fi := start; fi < len(l.free); fi++ {
			i := l.free[fi]
			for v := 0; v < l.size[i]; v++ {
				if v == base[i] {
					continue
				}
				g[i] = v
				visit(g)
				if left > 1 {
					rec(fi+1, left-1)
				}
			}
			g[i] = base[i]
		}
	}
	rec(0, k)
}

// nextChange finds the best variant within o.MaxChange genes of base:
// exactly when the neighbourhood has at most o.NeighbourhoodLimit variants,
// else as the best of the search's variants in it, improved by a
// steepest-ascent local search that stays inside it.
func nextChange(ev *evaluator, o Options, base genome.Genome, baseM *sim.Metrics) *NextChange {
	l := ev.l
	k := o.MaxChange
	size := neighbourhoodSize(l, k)
	nc := &NextChange{}
	if size <= math.MaxInt64 {
		nc.Neighbourhood = int64(size)
	} else {
		nc.Neighbourhood = math.MaxInt64
	}
	var b bestOf
	if size <= float64(o.NeighbourhoodLimit) {
		nc.Exact = true
		bt := newBatcher(ev, b.offer)
		enumerateNeighbourhood(l, base, k, bt.add)
		bt.flush()
	} else {
		// Start from the best variant the search met within k genes.
		g := make(genome.Genome, l.n)
		for j := 0; j < ev.nEntries; j++ {
			ev.entryGenome(g, j)
			if d := distance(g, base); d >= 1 && d <= k {
				b.offer(g, ev.entry(j))
			}
		}
		if b.have {
			// The entry may be a lean evaluation of the search's.
			ev.complete(b.g, &b.m)
		}
		cur := cloneGenome(base)
		curM := *baseM
		if b.have && better(&b.m, &curM) {
			cur, curM = cloneGenome(b.g), b.m
		}
		for iter := 0; iter < 100; iter++ {
			var step bestOf
			bt := newBatcher(ev, step.offer)
			g := cloneGenome(cur)
			for _, i := range l.free {
				for v := 0; v < l.size[i]; v++ {
					if v == cur[i] {
						continue
					}
					g[i] = v
					if d := distance(g, base); d >= 1 && d <= k {
						bt.add(g)
					}
				}
				g[i] = cur[i]
			}
			bt.flush()
			if !step.have || !improves(&step.m, &curM) {
				break
			}
			cur, curM = cloneGenome(step.g), step.m
			b.offer(cur, &curM)
		}
	}
	if !b.have || !improves(&b.m, baseM) {
		nc.Genome = cloneGenome(base)
		nc.Metrics = *baseM
		nc.Fitness = baseM.Fitness
		nc.Changes = []Change{}
		nc.Summary = fmt.Sprintf("no change of at most %d %s improves fitness: the template is a local optimum", k, plural(k, "gene", "genes"))
		if !baseM.Feasible {
			nc.Summary = fmt.Sprintf("no change of at most %d %s reduces the template's hard-constraint violation or, at the same violation, improves fitness; see the roadmap", k, plural(k, "gene", "genes"))
		}
		return nc
	}
	nc.Step = makeStep(ev, base, baseM, b.g, &b.m)
	return nc
}

// roadmap walks from the template to the best variant: each step applies
// the subset of at most MaxChange of the remaining changes that improves
// fitness most; when none does, the smallest improving set (Bundled).
func roadmap(ev *evaluator, o Options, res *Result, notes []string) ([]Step, []string) {
	steps := []Step{}
	cur := cloneGenome(res.Baseline)
	curM := res.BaselineMetrics
	for len(steps) <= ev.l.n {
		diff := diffGenes(cur, res.Best)
		if len(diff) == 0 {
			break
		}
		g, m, bundled, found := bestSubset(ev, cur, &curM, res.Best, diff, o.MaxChange)
		if !found {
			// No remaining change improves: cur is as good as the best.
			notes = append(notes, fmt.Sprintf("%d of the search's changes were left out: they do not improve fitness", len(diff)))
			res.Best, res.BestMetrics = cur, curM
			break
		}
		st := makeStep(ev, cur, &curM, g, &m)
		st.Version = fmt.Sprintf("v%d", len(steps)+1)
		st.Bundled = bundled
		if bundled {
			st.Summary = fmt.Sprintf("bundled: no set of at most %d of the remaining changes improves fitness alone; %s", o.MaxChange, st.Summary)
			notes = append(notes, fmt.Sprintf("step %s bundles %d changes because no smaller set improves fitness", st.Version, len(st.Changes)))
		}
		steps = append(steps, st)
		cur, curM = g, m
		if improves(&curM, &res.BestMetrics) {
			notes = append(notes, fmt.Sprintf("step %s reaches a variant better than the search's best, so it is the best", st.Version))
			res.Best, res.BestMetrics = cloneGenome(cur), curM
		}
	}
	return steps, notes
}

// bestSubset tries every subset of at most k of the genes diff (taking
// target's values) from cur and returns the best if it improves on cur;
// failing that, the best improving subset of the smallest larger size.
func bestSubset(ev *evaluator, cur genome.Genome, curM *sim.Metrics, target genome.Genome, diff []int, k int) (genome.Genome, sim.Metrics, bool, bool) {
	try := func(sizes []int) (bestOf, bool) {
		var b bestOf
		bt := newBatcher(ev, b.offer)
		g := cloneGenome(cur)
		for _, s := range sizes {
			combinations(len(diff), s, func(idx []int) {
				copy(g, cur)
				for _, j := range idx {
					g[diff[j]] = target[diff[j]]
				}
				bt.add(g)
			})
		}
		bt.flush()
		return b, b.have && improves(&b.m, curM)
	}
	var small []int
	for s := 1; s <= min(k, len(diff)); s++ {
		small = append(small, s)
	}
	if b, ok := try(small); ok {
		return b.g, b.m, false, true
	}
	for s := k + 1; s <= len(diff); s++ {
		if s < len(diff) && binomial(len(diff), s) > bundleLimit {
			s = len(diff)
		}
		if b, ok := try([]int{s}); ok {
			return b.g, b.m, true, true
		}
	}
	return nil, sim.Metrics{}, false, false
}

// combinations calls f with every s-subset of 0..n-1 in lexicographic order
// (the slice is reused).
func combinations(n, s int, f func([]int)) {
	if s <= 0 || s > n {
		return
	}
	idx := make([]int, s)
	for i := range idx {
		idx[i] = i
	}
	for {
		f(idx)
		i := s - 1
		for i >= 0 && idx[i] == n-s+i {
			i--
		}
		if i < 0 {
			return
		}
		idx[i]++
		for j := i + 1; j < s; j++ {
			idx[j] = idx[j-1] + 1
		}
	}
}

// binomial is C(n, k) as a float64.
func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// makeStep describes the move from (from, fm) to (to, tm).
func makeStep(ev *evaluator, from genome.Genome, fm *sim.Metrics, to genome.Genome, tm *sim.Metrics) Step {
	l := ev.l
	// Moot genes never count as changes (the metrics are the canonical
	// variant's: evalBatch evaluated it).
	from, to = cloneGenome(from), cloneGenome(to)
	l.canonical(from)
	l.canonical(to)
	st := Step{Genome: to, Metrics: *tm, Fitness: tm.Fitness, Delta: tm.Fitness - fm.Fitness,
		Changes: l.space.Changes(from, to)}
	diff := diffGenes(from, to)
	main := mainGene(ev, from, fm, to, diff)
	st.Label = label(&l.space.Genes[main], to[main] < from[main], fm, tm)
	var phrases []string
	for _, i := range diff {
		phrases = append(phrases, phrase(&l.space.Genes[i], from[i], to[i]))
	}
	if len(phrases) > 4 {
		phrases = append(phrases[:3], fmt.Sprintf("%d more changes", len(phrases)-3))
	}
	st.Summary = strings.Join(phrases, ", ") + ": " + deltas(fm, tm)
	return st
}

// mainGene is the gene of diff whose change alone, from from, gains most
// (the first on ties).
func mainGene(ev *evaluator, from genome.Genome, fm *sim.Metrics, to genome.Genome, diff []int) int {
	if len(diff) == 1 {
		return diff[0]
	}
	gs := make([]genome.Genome, len(diff))
	for j, i := range diff {
		gs[j] = cloneGenome(from)
		gs[j][i] = to[i]
	}
	out := make([]sim.Metrics, len(gs))
	ok := make([]bool, len(gs))
	ev.evalBatch(gs, out, ok)
	best := -1
	for j := range gs {
		if ok[j] && (best < 0 || better(&out[j], &out[best])) {
			best = j
		}
	}
	if best < 0 {
		return diff[0]
	}
	return diff[best]
}

// label says what a step mainly buys, from its main gene's attribute; a
// step that removes or weakens a feature is labelled by what that saves.
func label(g *genome.Gene, lower bool, fm, tm *sim.Metrics) string {
	if downgrade(g, lower) {
		if tm.Objectives.CostUSDMonth < fm.Objectives.CostUSDMonth {
			return "Lower cost"
		}
		return "Simpler architecture"
	}
	switch g.Attr {
	case genome.BucketSSE, genome.TableSSE:
		return "Encryption at rest"
	case genome.TLSOnly:
		return "Encryption in transit"
	case genome.PublicAccessBlock:
		return "Blocked public access"
	case genome.AccessLogging:
		return "Audit logging"
	case genome.Reserved, genome.Provisioned, genome.ReadCapacity, genome.WriteCapacity,
		genome.AutoScaling, genome.BillingMode, genome.CacheSize:
		return "Improved scalability"
	case genome.Versioning, genome.Replication, genome.PITR, genome.DLQ:
		return "Increased availability"
	case genome.DeployType, genome.DeployAlarms, genome.PreTraffic:
		return "Safer deployments"
	case genome.MemorySize, genome.Architecture:
		return "Faster or cheaper compute"
	case genome.Timeout:
		if lower {
			return "Fail-fast timeouts"
		}
		return "Fewer timeouts"
	case genome.Runtime:
		return "Supported runtime"
	case genome.APIType:
		return "Faster or cheaper API"
	}
	if tm.Objectives.CostUSDMonth < fm.Objectives.CostUSDMonth {
		return "Lower cost"
	}
	return "Better fitness"
}

// downgrade reports whether a change removes or weakens a feature: a switch
// turned off, encryption lowered, a nil (unset) number, fewer alarms or
// hooks. lower says whether the value index decreased.
func downgrade(g *genome.Gene, lower bool) bool {
	switch g.Attr {
	case genome.BucketSSE, genome.TableSSE, genome.DeployAlarms:
		return lower
	case genome.Reserved, genome.Provisioned, genome.CacheSize:
		return false
	}
	if g.Kind == genome.Switch {
		return lower
	}
	return false
}

// phrase says in words what changing gene g from index a to b does.
func phrase(g *genome.Gene, a, b int) string {
	from, to := g.Values[a], g.Values[b]
	r := g.Resource
	switch g.Attr {
	case genome.BucketSSE:
		switch to {
		case "none":
			return "removes encryption from " + r
		case "AES256":
			return "encrypts " + r + " with SSE-S3 (AES256)"
		case "aws:kms":
			return "encrypts " + r + " with KMS"
		case "aws:kms+bucket-key":
			return "encrypts " + r + " with KMS and a bucket key"
		}
	case genome.TableSSE:
		switch to {
		case "aws-owned":
			return "encrypts " + r + " with an AWS-owned key"
		case "aws-managed-kms":
			return "encrypts " + r + " with the AWS-managed KMS key"
		case "customer-kms":
			return "encrypts " + r + " with a customer-managed KMS key"
		}
	case genome.MemorySize:
		return fmt.Sprintf("sets %s memory from %s to %s MB", r, show(from), show(to))
	case genome.Architecture:
		return fmt.Sprintf("moves %s to %s", r, show(to))
	case genome.Timeout:
		return fmt.Sprintf("sets %s timeout from %s to %s s", r, show(from), show(to))
	case genome.Reserved:
		if to == nil {
			return "removes " + r + "'s reserved concurrency"
		}
		return fmt.Sprintf("reserves %s concurrent executions for %s", show(to), r)
	case genome.Provisioned:
		if to == nil {
			return "removes " + r + "'s provisioned concurrency"
		}
		return fmt.Sprintf("provisions %s concurrent executions for %s", show(to), r)
	case genome.Runtime:
		return fmt.Sprintf("moves %s from %s to %s", r, show(from), show(to))
	case genome.DeployType:
		if to == nil {
			return "removes " + r + "'s DeploymentPreference (no CodeDeploy traffic shifting)"
		}
		return fmt.Sprintf("deploys %s with %s", r, show(to))
	case genome.DeployAlarms:
		return fmt.Sprintf("sets %s's deployment alarms to %s", r, show(to))
	case genome.BillingMode:
		return fmt.Sprintf("switches %s to %s billing", r, show(to))
	case genome.ReadCapacity:
		return fmt.Sprintf("sets %s read capacity from %s to %s units", r, show(from), show(to))
	case genome.WriteCapacity:
		return fmt.Sprintf("sets %s write capacity from %s to %s units", r, show(from), show(to))
	case genome.AutoScaling:
		if to == "off" {
			return "turns off " + r + "'s auto scaling"
		}
		return fmt.Sprintf("auto-scales %s at %s%% target utilisation", r, show(to))
	case genome.APIType:
		article := "a" // "a REST API"
		if show(to) == "HTTP" {
			article = "an" // read letter by letter: "an HTTP API"
		}
		return fmt.Sprintf("moves %s to %s %s API", r, article, show(to))
	case genome.CacheSize:
		if to == nil {
			return "removes " + r + "'s cache"
		}
		return fmt.Sprintf("adds a %s GB cache to %s", show(to), r)
	}
	if on, ok := to.(bool); ok {
		what := map[genome.Attr]string{
			genome.Versioning: "versioning", genome.AccessLogging: "access logging",
			genome.Replication: "replication", genome.PublicAccessBlock: "the public access block",
			genome.TLSOnly: "a TLS-only policy", genome.PITR: "point-in-time recovery",
			genome.PreTraffic: "a PreTraffic hook", genome.DLQ: "a dead-letter queue",
		}[g.Attr]
		if what == "" {
			what = g.Name
		}
		if on {
			return "turns on " + what + " for " + r
		}
		return "turns off " + what + " for " + r
	}
	return fmt.Sprintf("sets %s from %s to %s", g.Name, show(from), show(to))
}

// show formats a gene value; nil is "not set".
func show(v any) string {
	if v == nil {
		return "not set"
	}
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%g", f)
	}
	return fmt.Sprint(v)
}

// deltas lists the objectives a step moves, in a fixed order.
func deltas(a, b *sim.Metrics) string {
	oa, ob := &a.Objectives, &b.Objectives
	var parts []string
	// add lists an objective whose delta is at least min (smaller moves
	// would print as noise: fractions of a cent, of a millisecond).
	add := func(name string, x, y, min float64, format func(float64) string) {
		d := y - x
		if math.IsNaN(d) || math.Abs(d) < min {
			return
		}
		parts = append(parts, name+" "+format(d))
	}
	if dr := b.RulesPassed - a.RulesPassed; dr != 0 {
		parts = append(parts, fmt.Sprintf("compliance %+d %s", dr, plural(abs(dr), "rule", "rules")))
	} else {
		add("compliance", oa.Compliance, ob.Compliance, 0.0005, func(d float64) string { return signed(d, "", "") })
	}
	add("cost", oa.CostUSDMonth, ob.CostUSDMonth, 0.005, func(d float64) string { return signed(d, "$", "/month") })
	add("p99 latency", oa.LatencyP99MS, ob.LatencyP99MS, 0.05, func(d float64) string { return signed(d, "", " ms") })
	add("error rate", oa.ErrorRate*100, ob.ErrorRate*100, 0.0001, func(d float64) string { return signed(d, "", " pts") })
	add("availability", oa.Availability*100, ob.Availability*100, 0.0001, func(d float64) string { return signed(d, "", " pts") })
	add("deploy risk", oa.DeployRisk, ob.DeployRisk, 0.005, func(d float64) string { return signed(d, "", " failed requests/release") })
	add("lead time", oa.LeadTimeMin, ob.LeadTimeMin, 0.05, func(d float64) string { return signed(d, "", " min") })
	add("complexity", oa.Complexity, ob.Complexity, 0.005, func(d float64) string { return signed(d, "", "") })
	if b.Feasible != a.Feasible {
		if b.Feasible {
			parts = append([]string{"meets the hard constraints"}, parts...)
		} else {
			parts = append([]string{"breaks a hard constraint"}, parts...)
		}
	}
	if len(parts) == 0 {
		return "fitness " + signed(b.Fitness-a.Fitness, "", "")
	}
	return strings.Join(parts, ", ")
}

// signed formats d with its sign, the unit around the magnitude
// ("+$0.40/month", "-12 ms").
func signed(d float64, pre, post string) string {
	s := "+"
	if d < 0 {
		s = "-"
	}
	a := math.Abs(d)
	var num string
	switch {
	case pre == "" && a >= 1 && math.Abs(a-math.Round(a)) < 1e-9:
		num = fmt.Sprintf("%.0f", a)
	case a >= 100:
		num = fmt.Sprintf("%.0f", a)
	case a >= 0.01:
		num = fmt.Sprintf("%.2f", a)
	default:
		num = fmt.Sprintf("%.2g", a)
	}
	return s + pre + num + post
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sensitivity measures, one gene at a time from the best variant, what each
// free gene does: changed genes are set back to the template's value, the
// others tried at every value.
func sensitivity(ev *evaluator, res *Result) []Sensitivity {
	l := ev.l
	best, base := res.Best, res.Baseline
	type probe struct{ gene, first, n int }
	var gs []genome.Genome
	var probes []probe
	for _, i := range l.free {
		p := probe{gene: i, first: len(gs)}
		if best[i] != base[i] {
			g := cloneGenome(best)
			g[i] = base[i]
			gs = append(gs, g)
		} else {
			for v := 0; v < l.size[i]; v++ {
				if v != best[i] {
					g := cloneGenome(best)
					g[i] = v
					gs = append(gs, g)
				}
			}
		}
		p.n = len(gs) - p.first
		probes = append(probes, p)
	}
	out := make([]sim.Metrics, len(gs))
	ok := make([]bool, len(gs))
	ev.evalBatch(gs, out, ok)
	bm := &res.BestMetrics
	sens := []Sensitivity{}
	for _, p := range probes {
		gene := &l.space.Genes[p.gene]
		s := Sensitivity{Gene: gene.Name, Changed: best[p.gene] != base[p.gene],
			From: gene.Values[base[p.gene]], To: gene.Values[best[p.gene]]}
		if s.Changed {
			s.Fitness = bm.Fitness - out[p.first].Fitness
			s.Objectives = subObjectives(&bm.Objectives, &out[p.first].Objectives)
		} else {
			lo, hi := bm.Objectives, bm.Objectives
			worst := bm.Fitness
			for j := p.first; j < p.first+p.n; j++ {
				if !ok[j] {
					continue
				}
				minMaxObjectives(&lo, &hi, &out[j].Objectives)
				worst = math.Min(worst, out[j].Fitness)
			}
			s.Fitness = bm.Fitness - worst
			s.Objectives = subObjectives(&hi, &lo)
		}
		sens = append(sens, s)
	}
	sort.SliceStable(sens, func(i, j int) bool {
		if sens[i].Changed != sens[j].Changed {
			return sens[i].Changed
		}
		return sens[i].Fitness > sens[j].Fitness
	})
	return sens
}

func subObjectives(a, b *sim.Objectives) sim.Objectives {
	return sim.Objectives{
		CostUSDMonth: a.CostUSDMonth - b.CostUSDMonth,
		LatencyP50MS: a.LatencyP50MS - b.LatencyP50MS,
		LatencyP95MS: a.LatencyP95MS - b.LatencyP95MS,
		LatencyP99MS: a.LatencyP99MS - b.LatencyP99MS,
		ErrorRate:    a.ErrorRate - b.ErrorRate,
		Availability: a.Availability - b.Availability,
		Compliance:   a.Compliance - b.Compliance,
		DeployRisk:   a.DeployRisk - b.DeployRisk,
		LeadTimeMin:  a.LeadTimeMin - b.LeadTimeMin,
		Complexity:   a.Complexity - b.Complexity,
	}
}

func minMaxObjectives(lo, hi, v *sim.Objectives) {
	mm := func(l, h *float64, x float64) {
		*l, *h = math.Min(*l, x), math.Max(*h, x)
	}
	mm(&lo.CostUSDMonth, &hi.CostUSDMonth, v.CostUSDMonth)
	mm(&lo.LatencyP50MS, &hi.LatencyP50MS, v.LatencyP50MS)
	mm(&lo.LatencyP95MS, &hi.LatencyP95MS, v.LatencyP95MS)
	mm(&lo.LatencyP99MS, &hi.LatencyP99MS, v.LatencyP99MS)
	mm(&lo.ErrorRate, &hi.ErrorRate, v.ErrorRate)
	mm(&lo.Availability, &hi.Availability, v.Availability)
	mm(&lo.Compliance, &hi.Compliance, v.Compliance)
	mm(&lo.DeployRisk, &hi.DeployRisk, v.DeployRisk)
	mm(&lo.LeadTimeMin, &hi.LeadTimeMin, v.LeadTimeMin)
	mm(&lo.Complexity, &hi.Complexity, v.Complexity)
}
