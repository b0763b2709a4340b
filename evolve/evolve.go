// Package evolve searches a template's genome space for better variants and
// turns what it finds into advice: the best variant, the next incremental
// change (the best variant reachable from today's template by changing at
// most K genes), a roadmap of improving steps, a Pareto front and a
// one-at-a-time sensitivity of the best variant.
//
// The search knows nothing of AWS: a Problem is a genome.Space and a factory
// of evaluation functions that fill a sim.Metrics. Variants are ranked
// feasibility-first: a feasible variant (no hard constraint broken) beats an
// infeasible one, infeasible variants are ranked by their total relative
// violation, and feasible ones by Fitness (higher is better).
//
// Algorithms (Options.Algorithm):
//   - "ga" (default): a genetic algorithm on github.com/MaxHalford/eaopt with a
//     custom elitist model, tournament selection, uniform crossover that
//     changes only the receiving genome, domain-respecting mutation, the
//     template's own genome in the first population, parallel evaluation,
//     restarts with a one-gene local search from the best variant when the
//     search stalls, and an early stop on stagnation.
//   - "nsga2": NSGA-II as a custom eaopt Model over Options.Objectives
//     (default cost, p99 latency, compliance), with its own Pareto archive,
//     the hypervolume per generation and a recommended compromise point.
//   - "random", "hillclimb": baselines spending the same evaluation budget
//     (uniform sampling; steepest-ascent hill climbing with random restarts).
//   - "exhaustive": every variant, when the space has at most
//     Options.ExhaustiveLimit of them (else a *SizeError).
//
// Determinism: every random draw comes from sources seeded by Options.Seed,
// evaluation functions are assumed pure, and parallel results are merged in
// a fixed order, so the same seed and inputs give the same Result whatever
// the number of workers. Distinct genomes are evaluated once (a memo cache);
// Result.Evaluations counts distinct evaluations, the unit of Options.Budget.
package evolve

import (
	"context"
	"fmt"
	"math/big"
	"runtime"
	"strings"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// Problem is what the search optimises.
type Problem struct {
	// Space holds the genes; pinned genes never change.
	Space *genome.Space
	// New returns an evaluation function with its own scratch memory; the
	// search calls New once per worker goroutine. The function must be pure:
	// the same genome always gives the same Metrics.
	New func() func(g genome.Genome, m *sim.Metrics)
	// Lean, when set, is like New, but its functions may leave the
	// application's p50 and p95 latency (Objectives.LatencyP50MS and
	// LatencyP95MS) out (any value, NaN say) and must give every other
	// figure exactly as New's do. The search then evaluates with Lean's
	// functions unless the run's objectives read p50 or p95; every Metrics
	// of the Result (and everything the analysis reads) is still New's: a
	// variant evaluated lean is evaluated again with New's function where
	// its p50 or p95 could matter, and neither count is charged. nil means
	// New only.
	Lean func() func(g genome.Genome, m *sim.Metrics)
}

// Algorithm names accepted by Options.Algorithm.
const (
	GA         = "ga"
	NSGA2      = "nsga2"
	Random     = "random"
	HillClimb  = "hillclimb"
	Exhaustive = "exhaustive"
)

// Algorithms lists the valid Options.Algorithm values, the default first.
func Algorithms() []string { return []string{GA, NSGA2, Random, HillClimb, Exhaustive} }

// Defaults of Options; each applies when the field is zero.
const (
	DefaultPopulation      = 50
	DefaultGenerations     = 100
	DefaultMaxChange       = 1
	DefaultStagnation      = 100
	DefaultExhaustiveLimit = 2_000_000
	// DefaultNeighbourhoodLimit bounds the exact enumeration of the next
	// change's neighbourhood; above it the next change is the best of a
	// local search inside the neighbourhood (NextChange.Exact is false).
	DefaultNeighbourhoodLimit = 200_000
)

// Options configure Run. Zero values mean the documented defaults.
type Options struct {
	// Algorithm is one of Algorithms(); default "ga".
	Algorithm string
	// Seed seeds every random source of the run.
	Seed int64
	// Population is the population size of ga and nsga2; default 50.
	Population int
	// Generations is the generation limit of ga and nsga2; default 100.
	Generations int
	// Budget is the number of distinct evaluations the search may spend
	// (the baseline included); 0 means Population x (Generations+1) for
	// breeding plus Generations x the neighbourhood size (the one-gene
	// moves of a variant: the sum over free genes of their values but one)
	// for the ga's local search, the same figure for every algorithm so
	// their defaults compare at one budget. exhaustive ignores it.
	Budget int
	// MaxChange is K, the number of genes one next-change or roadmap step
	// may change; default 1.
	MaxChange int
	// Objectives are the Pareto objectives (ObjectiveNames()): nsga2
	// searches by them, every algorithm keeps the front of what it
	// evaluated over them; default cost, latency, compliance.
	Objectives []string
	// Workers is the number of evaluation goroutines; 0 means GOMAXPROCS.
	Workers int
	// ExhaustiveLimit is the largest space exhaustive accepts; default 2,000,000.
	ExhaustiveLimit int64
	// NeighbourhoodLimit bounds the exact next-change enumeration; default 200,000.
	NeighbourhoodLimit int
	// Stagnation stops ga and nsga2 after this many generations without
	// improvement (of the best fitness; of the hypervolume for nsga2);
	// default 100, so the default 100 generations run to the end.
	Stagnation int
	// Progress, when set, is called after each generation (from the
	// goroutine that called Run).
	Progress func(Generation)
}

// Stop reasons (Result.StopReason).
const (
	StopGenerations = "generations" // the generation limit was reached
	StopBudget      = "budget"      // the evaluation budget was spent
	StopStagnation  = "stagnation"  // no improvement for Options.Stagnation generations
	StopExhausted   = "exhausted"   // every variant was evaluated
	StopCancelled   = "cancelled"   // the context was cancelled: the best so far
)

// Change is one gene's move (INTERFACE.md "changes"): genome.Change, so
// the search and the genome describe a change the same way.
type Change = genome.Change

// Generation is one line of a run's history.
type Generation struct {
	Generation int `json:"generation"`
	// BestFitness is the fitness of the best variant found so far.
	BestFitness float64 `json:"best_fitness"`
	// MeanFitness is the mean fitness of the current population (of the
	// generation's evaluations for random and hillclimb).
	MeanFitness float64 `json:"mean_fitness"`
	// Diversity is the mean normalised Hamming distance between two members
	// of the population, over the free genes: 0 when all are equal, 1 when
	// every pair differs on every gene.
	Diversity float64 `json:"diversity"`
	// Evaluations is the number of distinct evaluations so far.
	Evaluations int `json:"evaluations"`
	// Members are the objectives of the generation's population (ga and
	// nsga2), for pictures of the population moving; not in the JSON.
	// When the search evaluated lean (Problem.Lean), their LatencyP50MS
	// and LatencyP95MS are Lean's (NaN for sim's lean evaluator): read the
	// other objectives.
	Members []sim.Objectives `json:"-"`
	// Best is the best variant so far (ga and nsga2), for live displays;
	// not in the JSON. Generations share one copy while the best stays
	// the same: read it, do not modify it.
	Best genome.Genome `json:"-"`
	// Hypervolume is the hypervolume of the Pareto archive (nsga2 only), in
	// the units of the objectives' product, against Result.Reference.
	Hypervolume float64 `json:"hypervolume,omitempty"`
}

// Step is a move from one variant to another: the next change, or one
// version of the roadmap.
type Step struct {
	// Version names a roadmap step ("v1", "v2", ...); empty for the next change.
	Version string `json:"version,omitempty"`
	// Genome is the variant after the step.
	Genome  genome.Genome `json:"-"`
	Changes []Change      `json:"changes"`
	Metrics sim.Metrics   `json:"-"`
	Fitness float64       `json:"fitness"`
	// Delta is the fitness gained by the step.
	Delta float64 `json:"delta"`
	// Label says what the step mainly buys ("Encryption at rest").
	Label string `json:"label,omitempty"`
	// Summary is one line saying why, with the metric deltas.
	Summary string `json:"summary"`
	// Bundled is true when the step changes more than MaxChange genes
	// because no smaller set of the remaining changes improved fitness.
	Bundled bool `json:"bundled,omitempty"`
}

// NextChange is the best variant reachable from the template by changing at
// most MaxChange genes.
type NextChange struct {
	Step
	// Exact is true when the whole neighbourhood was enumerated.
	Exact bool `json:"exact"`
	// Neighbourhood is the number of variants within MaxChange genes.
	Neighbourhood int64 `json:"neighbourhood"`
}

// Point is one variant of the Pareto front.
type Point struct {
	Genome  genome.Genome `json:"-"`
	Metrics sim.Metrics   `json:"-"`
	// Values are the objective values in Result.Objectives order, in their
	// natural direction (cost in USD per month, compliance 0..1, ...).
	Values []float64 `json:"values"`
}

// Compromise is the front point the run recommends, and why.
type Compromise struct {
	// Index is the point's index in Result.Pareto.
	Index int `json:"index"`
	// Knee is the index of the knee point: the one closest to the ideal
	// point once each objective is scaled to 0..1 over the front.
	Knee        int    `json:"knee"`
	Explanation string `json:"explanation"`
}

// Sensitivity is what one gene does to the best variant's objectives, one
// gene at a time: for a gene the search changed, the best variant against
// the same variant with that gene set back to the template's value; for the
// other free genes, the widest swing of each objective over the gene's values.
type Sensitivity struct {
	Gene    string `json:"gene"`
	Changed bool   `json:"changed"`
	From    any    `json:"from"`
	To      any    `json:"to"`
	// Fitness is the fitness the gene's value buys (changed genes) or the
	// largest fitness loss any other value of the gene causes.
	Fitness float64 `json:"fitness"`
	// Objectives are the per-objective deltas (changed genes: best minus
	// reverted) or swings (max minus min over the gene's values).
	Objectives sim.Objectives `json:"objectives"`
}

// Result is a run's outcome.
type Result struct {
	Algorithm string `json:"algorithm"`
	Seed      int64  `json:"seed"`
	// MaxChange is the K the next change and the roadmap used.
	MaxChange int `json:"max_change"`
	// Baseline is the template's own genome and its metrics.
	Baseline        genome.Genome `json:"-"`
	BaselineMetrics sim.Metrics   `json:"-"`
	// Best is the best variant found (feasibility first, then fitness).
	Best        genome.Genome `json:"-"`
	BestMetrics sim.Metrics   `json:"-"`
	// BestChanges are the genes Best changes from the template.
	BestChanges []Change    `json:"changes"`
	NextChange  *NextChange `json:"next_change"`
	Roadmap     []Step      `json:"roadmap"`
	// RoadmapNote says when a roadmap step had to bundle genes, or when
	// the roadmap reached a variant better than the search's best.
	RoadmapNote string `json:"roadmap_note,omitempty"`
	// Objectives names the Pareto objectives.
	Objectives []string `json:"objectives,omitempty"`
	// Pareto is the non-dominated set, over Objectives, of the feasible
	// variants the search evaluated (exhaustive: the true front), sorted by
	// the first objective. nsga2 searches for it; the other algorithms
	// keep it as a by-product.
	Pareto []Point `json:"pareto"`
	// Compromise is the front point the run recommends as a trade-off.
	Compromise *Compromise `json:"compromise,omitempty"`
	// Reference is the hypervolume reference point (nsga2), in Objectives order.
	Reference   []float64     `json:"reference,omitempty"`
	Sensitivity []Sensitivity `json:"sensitivity"`
	History     []Generation  `json:"history"`
	// Evaluations is the number of distinct variants the search evaluated
	// (the budget's unit); AnalysisEvaluations those the next change,
	// roadmap and sensitivity added.
	Evaluations         int    `json:"evaluations"`
	AnalysisEvaluations int    `json:"analysis_evaluations"`
	Generations         int    `json:"generations"`
	StopReason          string `json:"stop_reason"`
	// SpaceSize is the number of variants over the free genes.
	SpaceSize *big.Int `json:"space_size"`
}

// SizeError is returned by exhaustive when the space is over the limit.
type SizeError struct {
	Size  *big.Int
	Limit int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("evolve: the space has %s variants, over the exhaustive limit of %d: pin genes or use another algorithm", e.Size, e.Limit)
}

// options with the defaults applied.
func (o Options) withDefaults() (Options, error) {
	if o.Algorithm == "" {
		o.Algorithm = GA
	}
	valid := false
	for _, a := range Algorithms() {
		if o.Algorithm == a {
			valid = true
		}
	}
	if !valid {
		return o, fmt.Errorf("evolve: unknown algorithm %q: valid values are {%s}", o.Algorithm, strings.Join(Algorithms(), "|"))
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"population", int64(o.Population)}, {"generations", int64(o.Generations)}, {"budget", int64(o.Budget)},
		{"max change", int64(o.MaxChange)}, {"workers", int64(o.Workers)}, {"exhaustive limit", o.ExhaustiveLimit},
		{"neighbourhood limit", int64(o.NeighbourhoodLimit)}, {"stagnation", int64(o.Stagnation)}} {
		if f.v < 0 {
			return o, fmt.Errorf("evolve: negative option: %s %d: must be 0 or more", f.name, f.v)
		}
	}
	if o.Population == 0 {
		o.Population = DefaultPopulation
	}
	if o.Population < 4 {
		return o, fmt.Errorf("evolve: invalid population %d: at least 4", o.Population)
	}
	if o.Generations == 0 {
		o.Generations = DefaultGenerations
	}
	if o.MaxChange == 0 {
		o.MaxChange = DefaultMaxChange
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ExhaustiveLimit == 0 {
		o.ExhaustiveLimit = DefaultExhaustiveLimit
	}
	if o.NeighbourhoodLimit == 0 {
		o.NeighbourhoodLimit = DefaultNeighbourhoodLimit
	}
	if o.Stagnation == 0 {
		o.Stagnation = DefaultStagnation
	}
	if len(o.Objectives) == 0 {
		o.Objectives = []string{"cost", "latency", "compliance"}
	}
	return o, nil
}

// defaultBudget is Options.Budget's default for the options o (with their
// defaults) on the space l.
func defaultBudget(o Options, l *layout) int {
	moves := 0
	for _, i := range l.free {
		moves += l.size[i] - 1
	}
	return o.Population*(o.Generations+1) + o.Generations*moves
}

// Run searches p's space with opts and analyses the best variant. A
// cancelled ctx stops the search early: Run then returns the best found so
// far with StopReason "cancelled" and a nil error. Errors are for invalid
// options or problems (and *SizeError for exhaustive).
func Run(ctx context.Context, p Problem, opts Options) (*Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if p.New == nil {
		return nil, fmt.Errorf("evolve: problem has no evaluator")
	}
	l, err := newLayout(p.Space)
	if err != nil {
		return nil, err
	}
	if o.Budget == 0 {
		o.Budget = defaultBudget(o, l)
	}
	objs, err := parseObjectives(o.Objectives)
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	res := &Result{Algorithm: o.Algorithm, Seed: o.Seed, MaxChange: o.MaxChange, SpaceSize: l.spaceSize(),
		Pareto: []Point{}, Roadmap: []Step{}, Sensitivity: []Sensitivity{}, History: []Generation{}}
	if o.Algorithm == Exhaustive {
		if n := l.spaceSize64(); n < 0 || n > o.ExhaustiveLimit {
			return nil, &SizeError{Size: l.spaceSize(), Limit: o.ExhaustiveLimit}
		}
	}
	// The search evaluates lean when it may: nothing it reads during the
	// run (ranking, the archive's objectives) needs p50 or p95.
	lean := p.Lean != nil && !readsLowerPercentiles(objs)
	newFn := p.New
	if lean {
		newFn = p.Lean
	}
	ev := newEvaluator(ctx, l, newFn, o.Workers, o.Budget)
	if lean {
		ev.leanWith(p.New)
	}
	// Every algorithm keeps the Pareto archive of what it evaluated, so a
	// report can draw the trade-offs of any run; nsga2 also searches by it.
	ev.archive = newArchive(objs)
	res.Objectives = objectiveNames(objs)
	// The template's own genome is always evaluated first.
	ev.force = true
	base, ok := ev.evalOne(l.current)
	ev.force = false
	if !ok {
		return nil, fmt.Errorf("evolve: no evaluation budget for the template itself")
	}
	res.Baseline = cloneGenome(l.current)
	res.BaselineMetrics = base
	progress := func(g Generation) {
		res.History = append(res.History, g)
		if o.Progress != nil {
			o.Progress(g)
		}
	}
	var stop string
	switch o.Algorithm {
	case GA:
		stop, err = runGA(ev, o, progress)
	case NSGA2:
		var ref []float64
		stop, ref, err = runNSGA2(ev, o, objs, progress)
		res.Reference = ref
	case Random:
		stop = runRandom(ev, o, progress)
	case HillClimb:
		stop = runHillClimb(ev, o, progress)
	case Exhaustive:
		stop = runExhaustive(ev, o, progress)
	}
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		stop = StopCancelled
	}
	res.StopReason = stop
	res.Evaluations = ev.used
	res.Generations = len(res.History) - 1
	if res.Generations < 0 {
		res.Generations = 0
	}
	res.Best = cloneGenome(ev.best)
	res.BestMetrics = ev.bestMetrics
	res.Pareto = ev.archive.points()
	// Analysis: never cut short by the budget or the context, and on New's
	// metrics only: what the search kept from lean evaluations is
	// completed first.
	ev.analysis = true
	ev.complete(res.Baseline, &res.BaselineMetrics)
	ev.complete(res.Best, &res.BestMetrics)
	for i := range res.Pareto {
		ev.complete(res.Pareto[i].Genome, &res.Pareto[i].Metrics)
	}
	res.Compromise = compromise(res.Pareto, objs)
	analyse(ev, o, res)
	res.AnalysisEvaluations = ev.analysisUsed
	return res, nil
}
