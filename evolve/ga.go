package evolve

import (
	"math/rand"
	"sort"

	"github.com/MaxHalford/eaopt"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// GA parameters. Tournament selection draws parents; each pair is crossed
// with probability crossRate and each child mutated with probability
// mutRate (a mutation changes at least one gene).
const (
	tournamentSize = 3
	crossRate      = 0.8
	mutRate        = 0.7
	groupCross     = 0.5
)

// search is the state one ga or nsga2 run shares with its genomes.
type search struct {
	l     *layout
	ev    *evaluator
	score func(m *sim.Metrics) float64
	// stale counts the generations since the best last improved.
	stale int
	// restarted is the value of stale at the last restart.
	restarted int
	// seen is dedupe's scratch.
	seen *memo
}

// restartEvery is the number of generations without improvement after which
// the ga keeps its elite, adds the best variant's improving one-gene
// neighbours (a memetic step: a converged population one step from a
// better variant takes it) and replaces the rest of the population with
// random variants: a converged population cannot discover a block of genes
// that pays only as a whole, and fresh variants crossed with the elite can.
const restartEvery = 5

// eliteShare is the share of the population a restart keeps.
const eliteShare = 0.1

// restartDue reports whether a restart is due now.
func (s *search) restartDue() bool {
	if s.stale > 0 && s.stale%restartEvery == 0 && s.restarted != s.stale {
		s.restarted = s.stale
		return true
	}
	return false
}

// gaGenome is the eaopt.Genome of the search: one variant and, once
// evaluated, its metrics.
type gaGenome struct {
	g   genome.Genome
	s   *search
	met sim.Metrics
	// ok is false when the budget left the genome unevaluated.
	ok bool
}

// Evaluate returns the genome's eaopt score through the memo cache.
func (x *gaGenome) Evaluate() (float64, error) {
	m, ok := x.s.ev.evalOne(x.g)
	x.met, x.ok = m, ok
	if !ok {
		return unevaluated, nil
	}
	return x.s.score(&x.met), nil
}

// Mutate changes at least one free gene within its domain; ordered genes
// mostly step to a neighbouring value.
func (x *gaGenome) Mutate(rng *rand.Rand) { x.s.l.mutate(x.g, rng) }

// Crossover changes only the receiver: with probability groupCross it
// takes each resource's genes from the mate as one block with probability
// one half, else each free gene alone (uniform crossover). The mate is left
// untouched because eaopt v0.4.2 passes it by value to Individual.Crossover
// and so cannot mark it for re-evaluation (see eaopt.md, defect 2).
func (x *gaGenome) Crossover(mate eaopt.Genome, rng *rand.Rand) {
	y, ok := mate.(*gaGenome)
	if !ok {
		return
	}
	if rng.Float64() < groupCross {
		for _, grp := range x.s.l.groups {
			if rng.Intn(2) == 0 {
				for _, i := range grp {
					x.g[i] = y.g[i]
				}
			}
		}
		return
	}
	for _, i := range x.s.l.free {
		if rng.Intn(2) == 0 {
			x.g[i] = y.g[i]
		}
	}
}

// Clone copies the genome.
func (x *gaGenome) Clone() eaopt.Genome {
	return &gaGenome{g: cloneGenome(x.g), s: x.s, met: x.met, ok: x.ok}
}

// evaluate scores every individual through one parallel batch.
func (s *search) evaluate(indis eaopt.Individuals) {
	gs := make([]genome.Genome, len(indis))
	for i := range indis {
		gs[i] = indis[i].Genome.(*gaGenome).g
	}
	out := make([]sim.Metrics, len(indis))
	ok := make([]bool, len(indis))
	s.ev.evalBatch(gs, out, ok)
	for i := range indis {
		x := indis[i].Genome.(*gaGenome)
		x.met, x.ok = out[i], ok[i]
		indis[i].Evaluated = true
		if ok[i] {
			indis[i].Fitness = s.score(&x.met)
		} else {
			indis[i].Fitness = unevaluated
		}
	}
}

// initial returns the first population: the template's own genome, then
// random variants; they are evaluated in one parallel batch here, so
// eaopt's serial initial evaluation only reads the cache.
func (s *search) initial(n int, rng *rand.Rand) []genome.Genome {
	gs := make([]genome.Genome, n)
	gs[0] = cloneGenome(s.l.current)
	for i := 1; i < n; i++ {
		gs[i] = make(genome.Genome, s.l.n)
		s.l.randomGenome(gs[i], rng)
	}
	out := make([]sim.Metrics, n)
	ok := make([]bool, n)
	s.ev.evalBatch(gs, out, ok)
	return gs
}

// neighbours evaluates every variant one free gene away from in and
// returns the best k of them that rank above it (fewer when fewer do, none
// when the budget is spent).
func (s *search) neighbours(in eaopt.Individual, k int, rng *rand.Rand) eaopt.Individuals {
	base := in.Genome.(*gaGenome)
	var indis eaopt.Individuals
	for _, i := range s.l.free {
		for v := 0; v < s.l.size[i]; v++ {
			if v == base.g[i] {
				continue
			}
			g := cloneGenome(base.g)
			g[i] = v
			indis = append(indis, eaopt.NewIndividual(&gaGenome{g: g, s: s}, rng))
		}
	}
	s.evaluate(indis)
	sortIndis(indis)
	out := indis[:0]
	for _, x := range indis {
		if len(out) == k {
			break
		}
		if xg := x.Genome.(*gaGenome); xg.ok && better(&xg.met, &base.met) {
			out = append(out, x)
		}
	}
	return out
}

// immigrants returns k evaluated random individuals.
func (s *search) immigrants(k int, rng *rand.Rand) eaopt.Individuals {
	indis := make(eaopt.Individuals, k)
	for i := range indis {
		g := make(genome.Genome, s.l.n)
		s.l.randomGenome(g, rng)
		indis[i] = eaopt.NewIndividual(&gaGenome{g: g, s: s}, rng)
	}
	s.evaluate(indis)
	return indis
}

// sortIndis orders individuals by eaopt score, ties by genome, so the order
// never depends on the sort algorithm.
func sortIndis(indis eaopt.Individuals) {
	sort.SliceStable(indis, func(i, j int) bool {
		if indis[i].Fitness != indis[j].Fitness {
			return indis[i].Fitness < indis[j].Fitness
		}
		return lessGenome(indis[i].Genome.(*gaGenome).g, indis[j].Genome.(*gaGenome).g)
	})
}

// dedupe keeps the first of each distinct evaluated genome, in order.
func (s *search) dedupe(indis eaopt.Individuals) eaopt.Individuals {
	if s.seen == nil {
		s.seen = newMemo(&s.ev.pack)
	}
	s.seen.reset()
	out := indis[:0:0]
	for _, in := range indis {
		x := in.Genome.(*gaGenome)
		if !x.ok {
			continue
		}
		if _, dup := s.seen.get(x.g); dup {
			continue
		}
		s.seen.put(x.g, 0)
		out = append(out, in)
	}
	return out
}

// gaModel is the ga's eaopt Model: eaopt's generational model breeds as
// many children as there are parents (tournament selection, crossover,
// mutation), the children are evaluated in one parallel batch, and the next
// population is the best distinct individuals of parents and children
// together (elitist, mu+lambda), topped up with random immigrants when too
// few distinct ones remain.
//
// ModGenerational ignores the indexes SelTournament returns, so eaopt's
// wrong tournament indexes (eaopt.md, defect 1) cannot hurt here;
// ModSteadyState, which uses them, is never used.
type gaModel struct {
	s     *search
	inner eaopt.ModGenerational
}

func newGAModel(s *search) *gaModel {
	return &gaModel{s: s, inner: eaopt.ModGenerational{
		Selector:  eaopt.SelTournament{NContestants: tournamentSize},
		MutRate:   mutRate,
		CrossRate: crossRate,
	}}
}

func (m *gaModel) Validate() error { return m.inner.Validate() }

func (m *gaModel) Apply(pop *eaopt.Population) error {
	n := len(pop.Individuals)
	if m.s.ev.exhausted() {
		return nil
	}
	var pool eaopt.Individuals
	if m.s.restartDue() {
		keep := max(1, int(eliteShare*float64(n)))
		pool = append(pool, pop.Individuals[:keep]...)
		// Memetic step: the best variant's one-gene neighbours, so a
		// population stuck one step from a better variant takes that step.
		pool = append(pool, m.s.neighbours(pop.Individuals[0], keep, pop.RNG)...)
		pool = append(pool, m.s.immigrants(max(0, n-len(pool)), pop.RNG)...)
		sortIndis(pool)
		pool = m.s.dedupe(pool)
	} else {
		tmp := eaopt.Population{Individuals: append(eaopt.Individuals(nil), pop.Individuals...), RNG: pop.RNG}
		if err := m.inner.Apply(&tmp); err != nil {
			return err
		}
		m.s.evaluate(tmp.Individuals)
		pool = append(append(pool, pop.Individuals...), tmp.Individuals...)
		sortIndis(pool)
		pool = m.s.dedupe(pool)
	}
	if len(pool) < n && !m.s.ev.exhausted() {
		pool = append(pool, m.s.immigrants(n-len(pool), pop.RNG)...)
		sortIndis(pool)
		pool = m.s.dedupe(pool)
	}
	// Too few distinct variants (a tiny space or a spent budget): repeat the best.
	for i := 0; len(pool) < n; i++ {
		pool = append(pool, pool[i%max(1, len(pool))].Clone(pop.RNG))
	}
	copy(pop.Individuals, pool[:n])
	return nil
}

// runGA runs the genetic algorithm on eaopt.
func runGA(ev *evaluator, o Options, progress func(Generation)) (string, error) {
	s := &search{l: ev.l, ev: ev, score: scalar}
	return runEAOPT(s, o, newGAModel(s), nil, progress)
}

// runEAOPT drives eaopt's GA with model, shared by ga and nsga2. hv, when
// set, gives the generation's hypervolume (nsga2), which then also decides
// stagnation.
func runEAOPT(s *search, o Options, model eaopt.Model, hv func() float64, progress func(Generation)) (string, error) {
	rng := rand.New(rand.NewSource(o.Seed))
	if len(s.l.free) == 0 {
		progress(s.generation(0, nil, hv))
		return StopExhausted, nil
	}
	init := s.initial(o.Population, rand.New(rand.NewSource(rng.Int63())))
	next := 0
	newGenome := func(_ *rand.Rand) eaopt.Genome {
		g := init[next%len(init)]
		next++
		return &gaGenome{g: cloneGenome(g), s: s}
	}
	var (
		stop     = StopGenerations
		gen      = 0
		lastBest sim.Metrics
		lastHV   float64
		stale    = 0
	)
	space := s.l.spaceSize64()
	cfg := eaopt.GAConfig{
		NPops:        1,
		PopSize:      uint(o.Population),
		NGenerations: uint(o.Generations),
		HofSize:      1,
		Model:        model,
		// Children are evaluated in parallel inside the model, with one
		// scratch evaluator per worker; eaopt's own parallel evaluation
		// would share one.
		ParallelEval: false,
		RNG:          rng,
		Callback: func(ga *eaopt.GA) {
			g := s.generation(gen, ga.Populations[0].Individuals, hv)
			progress(g)
			if gen > 0 {
				improved := improves(&s.ev.bestMetrics, &lastBest)
				if hv != nil {
					improved = improved || g.Hypervolume > lastHV*(1+1e-12)
				}
				if improved {
					stale = 0
				} else {
					stale++
				}
				s.stale = stale
			}
			lastBest, lastHV = s.ev.bestMetrics, g.Hypervolume
			gen++
		},
		EarlyStop: func(*eaopt.GA) bool {
			switch {
			case s.ev.ctx.Err() != nil:
				stop = StopCancelled
			case space >= 0 && int64(s.ev.used) >= space:
				stop = StopExhausted
			case s.ev.exhausted():
				stop = StopBudget
			case stale >= o.Stagnation:
				stop = StopStagnation
			default:
				return false
			}
			return true
		},
	}
	ga, err := cfg.NewGA()
	if err != nil {
		return "", err
	}
	if err := ga.Minimize(newGenome); err != nil {
		return "", err
	}
	return stop, nil
}

// generation summarises a population (nil: none) into a history line.
func (s *search) generation(gen int, indis eaopt.Individuals, hv func() float64) Generation {
	g := Generation{Generation: gen, BestFitness: s.ev.bestMetrics.Fitness, Evaluations: s.ev.used,
		Best: cloneGenome(s.ev.best)}
	pop := make([]genome.Genome, 0, len(indis))
	sum, n := 0.0, 0
	for _, in := range indis {
		x := in.Genome.(*gaGenome)
		if !x.ok {
			continue
		}
		pop = append(pop, x.g)
		g.Members = append(g.Members, x.met.Objectives)
		sum += x.met.Fitness
		n++
	}
	if n > 0 {
		g.MeanFitness = sum / float64(n)
	}
	g.Diversity = diversity(s.l, pop)
	if hv != nil {
		g.Hypervolume = hv()
	}
	return g
}

// diversity is the mean normalised Hamming distance between two distinct
// members of pop over the free genes (0 for fewer than two members).
func diversity(l *layout, pop []genome.Genome) float64 {
	n := len(pop)
	if n < 2 || len(l.free) == 0 {
		return 0
	}
	var counts []int
	total := 0.0
	for _, i := range l.free {
		if cap(counts) < l.size[i] {
			counts = make([]int, l.size[i])
		}
		counts = counts[:l.size[i]]
		clear(counts)
		for _, g := range pop {
			counts[g[i]]++
		}
		same := 0
		for _, c := range counts {
			same += c * (c - 1)
		}
		total += 1 - float64(same)/float64(n*(n-1))
	}
	return total / float64(len(l.free))
}
