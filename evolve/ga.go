package evolve

import (
	"cmp"
	"math/rand"
	"slices"

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
	// seen and dbuf are dedupe's scratch.
	seen *memo
	dbuf genome.Genome

	// free, tracking, made, old and epoch are the genome free list (breed.go).
	free     []*gaGenome
	tracking bool
	made     []*gaGenome
	old      []*gaGenome
	epoch    uint64

	// scratch of breed, evaluate, the models and generation
	idx, avail []int
	kids, pool eaopt.Individuals
	nb, imm    eaopt.Individuals
	gs         []genome.Genome
	out        []sim.Metrics
	ok         []bool
	gpop       []genome.Genome
	// lastBest is the last generation's Best (generation).
	lastBest genome.Genome
	// searched is the last best variant whose one-gene neighbourhood the
	// ga evaluated (its local search of the best).
	searched genome.Genome
	// scratch of climb and neighbours: the climber, the one-gene moves
	// and their results
	cbuf   []int
	cmoves []move
	cref   []*sim.Metrics
	cok    []bool
	// scratch of neighbours: its moves
	nmoves []move
}

// restartEvery is the number of generations without improvement after which
// the ga keeps its elite, adds the best variant's improving one-gene
// neighbours (a memetic step: a converged population one step from a
// better variant takes it) and replaces the rest of the population with
// random variants, the best of which first climbs to a local optimum: a
// converged population cannot discover a block of genes that pays only as
// a whole, and fresh variants (and their optima) crossed with the elite can.
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
	// mark is the free list's epoch in which the genome was last seen in
	// a population (search.release).
	mark uint64
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

// Clone copies the genome (from the search's free list).
func (x *gaGenome) Clone() eaopt.Genome { return x.s.clone(x) }

// evaluate scores every individual through one parallel batch.
func (s *search) evaluate(indis eaopt.Individuals) {
	gs := s.genomes(indis)
	if cap(s.out) < len(indis) {
		s.out = make([]sim.Metrics, len(indis))
		s.ok = make([]bool, len(indis))
	}
	out, ok := s.out[:len(indis)], s.ok[:len(indis)]
	s.ev.evalBatch(gs, out, ok)
	s.settle(indis, out, ok)
}

// settle stores evaluate's results (out, ok) in the individuals.
func (s *search) settle(indis eaopt.Individuals, out []sim.Metrics, ok []bool) {
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
	mvs := s.nmoves[:0]
	for _, i := range s.l.free {
		for v := 0; v < s.l.size[i]; v++ {
			if v == base.g[i] {
				continue
			}
			// Each neighbour's eaopt ID is drawn as newIndividual would
			// (the run's random sequence is unchanged), but only the
			// improving ones are built.
			skipRandString(6, rng)
			mvs = append(mvs, move{int32(i), int32(v)})
		}
	}
	s.nmoves = mvs
	met, ok := s.moveScratch(len(mvs))
	s.ev.evalMoves(base.g, mvs, met, ok)
	// The best k of those that rank above in: sortIndis' order of the
	// improving ones is their order among all the neighbours.
	indis := s.nb[:0]
	for t, mv := range mvs {
		if !ok[t] || !better(met[t], &base.met) {
			continue
		}
		x := s.take()
		copy(x.g, base.g)
		x.g[mv.i] = int(mv.v)
		x.met, x.ok = *met[t], true
		indis = append(indis, eaopt.Individual{Genome: x, Fitness: s.score(&x.met), Evaluated: true})
	}
	s.nb = indis
	sortIndis(indis)
	return indis[:min(k, len(indis))]
}

// climb climbs from in by steepest ascent over one-gene moves until no
// move improves or the budget is spent, and returns the evaluated
// individual where it stopped (in itself when no move improves).
func (s *search) climb(in eaopt.Individual, rng *rand.Rand) eaopt.Individual {
	x := in.Genome.(*gaGenome)
	if !x.ok {
		return in
	}
	n := s.l.n
	moves := 0
	for _, i := range s.l.free {
		moves += s.l.size[i] - 1
	}
	if cap(s.cmoves) < moves {
		s.cmoves = make([]move, moves)
	}
	met, ok := s.moveScratch(moves)
	if cap(s.cbuf) < n {
		s.cbuf = make([]int, n)
	}
	cur, curM := genome.Genome(s.cbuf[:n]), x.met
	copy(cur, x.g)
	mvs := s.cmoves[:moves]
	k := 0
	for _, i := range s.l.free {
		for v := 0; v < s.l.size[i]; v++ {
			if v != cur[i] {
				mvs[k] = move{int32(i), int32(v)}
				k++
			}
		}
	}
	for !s.ev.exhausted() {
		s.ev.evalMoves(cur, mvs, met, ok)
		bi := -1
		for i := range moves {
			if ok[i] && (bi < 0 || better(met[i], met[bi])) {
				bi = i
			}
		}
		if bi < 0 || !improves(met[bi], &curM) {
			break
		}
		gi := mvs[bi].i
		cur[gi] = int(mvs[bi].v)
		curM = *met[bi]
		// Only gene gi's moves change: its run of moves (every value
		// but the current one, in order) is rewritten in place.
		a := bi
		for a > 0 && mvs[a-1].i == gi {
			a--
		}
		for v := 0; v < s.l.size[gi]; v++ {
			if v != cur[gi] {
				mvs[a] = move{gi, int32(v)}
				a++
			}
		}
	}
	if slices.Equal(cur, x.g) {
		return in
	}
	y := s.take()
	copy(y.g, cur)
	// Its metrics are the climb's own: no second look-up, which past
	// maxCache would cost budget.
	one := eaopt.Individuals{newIndividual(y, rng)}
	s.settle(one, []sim.Metrics{curM}, []bool{true})
	return one[0]
}

// moveScratch returns climb's and neighbours' result scratch, n long.
func (s *search) moveScratch(n int) ([]*sim.Metrics, []bool) {
	if cap(s.cref) < n {
		s.cref = make([]*sim.Metrics, n)
		s.cok = make([]bool, n)
	}
	return s.cref[:n], s.cok[:n]
}

// immigrants returns k evaluated random individuals.
func (s *search) immigrants(k int, rng *rand.Rand) eaopt.Individuals {
	indis := s.imm[:0]
	for range k {
		x := s.take()
		s.l.randomGenome(x.g, rng)
		indis = append(indis, newIndividual(x, rng))
	}
	s.imm = indis
	s.evaluate(indis)
	return indis
}

// sortIndis orders individuals by eaopt score, ties by genome, so the order
// never depends on the sort algorithm: individuals with the same score and
// genome are interchangeable (the same metrics), so the sort need not be
// stable. Scores are never NaN (scalar, nsgaModel.rank); cmp.Compare would
// put one first.
func sortIndis(indis eaopt.Individuals) {
	slices.SortFunc(indis, func(a, b eaopt.Individual) int {
		if c := cmp.Compare(a.Fitness, b.Fitness); c != 0 {
			return c
		}
		return compareGenome(a.Genome.(*gaGenome).g, b.Genome.(*gaGenome).g)
	})
}

// dedupe keeps the first of each distinct evaluated genome, in order, in
// place (indis' memory).
func (s *search) dedupe(indis eaopt.Individuals) eaopt.Individuals {
	if s.seen == nil {
		s.seen = newMemo(&s.ev.pack)
	}
	s.seen.reset()
	out := indis[:0]
	for _, in := range indis {
		x := in.Genome.(*gaGenome)
		if !x.ok {
			continue
		}
		// Variants equal but for moot genes are the same variant.
		g := x.g
		if !s.l.isCanonical(g) {
			s.dbuf = append(s.dbuf[:0], g...)
			s.l.canonical(s.dbuf)
			g = s.dbuf
		}
		k := s.seen.key(g)
		if _, dup := s.seen.getKey(&k, g); dup {
			continue
		}
		s.seen.putKey(&k, g, 0)
		out = append(out, in)
	}
	return out
}

// gaModel is the ga's eaopt Model: eaopt's generational model breeds as
// many children as there are parents (tournament selection, crossover,
// mutation), the children are evaluated in one parallel batch, and the next
// population is the best distinct individuals of parents and children
// together (elitist, mu+lambda), topped up with random immigrants when too
// few distinct ones remain. It is memetic: whenever the best variant
// changes, its one-gene neighbourhood is evaluated and the improving
// neighbours join the pool, so hill climbing's strength on nearly separable
// spaces (real templates) is the ga's too, while crossover and restarts
// handle deceptive ones. The local search spends from the same budget, so
// a run may stop on its budget before its last generation.
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
	m.s.track(pop.Individuals)
	pool := m.s.pool[:0]
	if m.s.restartDue() {
		keep := max(1, int(eliteShare*float64(n)))
		pool = append(pool, pop.Individuals[:keep]...)
		// Memetic step: the best variant's one-gene neighbours, so a
		// population stuck one step from a better variant takes that step.
		pool = append(pool, m.s.neighbours(pop.Individuals[0], keep, pop.RNG)...)
		imm := m.s.immigrants(max(0, n-len(pool)), pop.RNG)
		// Restart from a local optimum, not only from random variants:
		// the best immigrant climbs by one-gene steps first (a memetic
		// restart), so a block of genes that pays only as a whole is
		// reachable from a fresh basin as well as by crossover.
		if len(imm) > 0 {
			sortIndis(imm)
			pool = append(pool, m.s.climb(imm[0], pop.RNG))
		}
		pool = append(pool, imm...)
		sortIndis(pool)
		pool = m.s.dedupe(pool)
	} else {
		kids, err := m.s.breed(pop.Individuals, m.inner, pop.RNG)
		if err != nil {
			return err
		}
		m.s.evaluate(kids)
		pool = append(append(pool, pop.Individuals...), kids...)
		sortIndis(pool)
		pool = m.s.dedupe(pool)
		// Local search of the best: each new best variant's improving
		// one-gene neighbours join the pool, so the best is always a
		// local optimum for one-gene moves (within the budget).
		if len(pool) > 0 && !m.s.ev.exhausted() {
			if bg := pool[0].Genome.(*gaGenome).g; !slices.Equal(bg, m.s.searched) {
				m.s.searched = append(m.s.searched[:0], bg...)
				keep := max(1, int(eliteShare*float64(n)))
				pool = append(pool, m.s.neighbours(pool[0], keep, pop.RNG)...)
				sortIndis(pool)
				pool = m.s.dedupe(pool)
			}
		}
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
	m.s.pool = pool[:0]
	m.s.release(pop.Individuals)
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
		x := s.take()
		copy(x.g, init[next%len(init)])
		next++
		return x
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
	g := Generation{Generation: gen, BestFitness: s.ev.bestMetrics.Fitness, Evaluations: s.ev.used}
	// Generations share the best's copy while it stays the same.
	if !slices.Equal(s.lastBest, s.ev.best) {
		s.lastBest = cloneGenome(s.ev.best)
	}
	g.Best = s.lastBest
	pop := s.gpop[:0]
	g.Members = make([]sim.Objectives, 0, len(indis))
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
	s.gpop = pop[:0]
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
	var buf [64]int
	counts := buf[:0]
	total := 0.0
	for _, i := range l.free {
		if cap(counts) < l.size[i] {
			counts = make([]int, l.size[i], max(l.size[i], 2*cap(counts)))
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
