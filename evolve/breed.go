package evolve

import (
	"fmt"
	"math"
	"math/rand"

	"github.com/MaxHalford/eaopt"

	"github.com/evoarch/evoarch/genome"
)

// The search's genomes come from a free list: a generation breeds as many
// children as there are parents and keeps only the best distinct ones, so
// without reuse every child would be garbage a generation later. A model's
// Apply tracks the genomes it takes (search.made) and, once the new
// population is in place, returns to the free list every genome it took or
// that the old population held and that the new one does not hold.
// Genomes taken outside Apply (eaopt's hall of fame clones, the first
// population) are never tracked, so eaopt's own references stay valid.

// slabSize is the number of genomes the free list allocates at once.
const slabSize = 64

// take returns a genome from the free list (its gene values are stale).
func (s *search) take() *gaGenome {
	if len(s.free) == 0 {
		slab := make([]gaGenome, slabSize)
		genes := make([]int, slabSize*s.l.n)
		for i := range slab {
			slab[i] = gaGenome{g: genes[i*s.l.n : (i+1)*s.l.n : (i+1)*s.l.n], s: s}
			s.free = append(s.free, &slab[i])
		}
	}
	x := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	if s.tracking {
		s.made = append(s.made, x)
	}
	return x
}

// clone returns a copy of x from the free list.
func (s *search) clone(x *gaGenome) *gaGenome {
	y := s.take()
	copy(y.g, x.g)
	y.met, y.ok = x.met, x.ok
	return y
}

// track starts an Apply: it notes the old population's genomes and tracks
// the genomes taken from now on.
func (s *search) track(pop eaopt.Individuals) {
	s.old = s.old[:0]
	for i := range pop {
		s.old = append(s.old, pop[i].Genome.(*gaGenome))
	}
	s.made = s.made[:0]
	s.tracking = true
}

// release ends an Apply whose new population is pop: every old or newly
// taken genome that pop does not hold goes back to the free list.
func (s *search) release(pop eaopt.Individuals) {
	s.tracking = false
	s.epoch++
	for i := range pop {
		pop[i].Genome.(*gaGenome).mark = s.epoch
	}
	for _, list := range [2][]*gaGenome{s.old, s.made} {
		for _, x := range list {
			if x.mark != s.epoch {
				x.mark = s.epoch
				s.free = append(s.free, x)
			}
		}
	}
	s.old, s.made = s.old[:0], s.made[:0]
}

// newIndividual is eaopt.NewIndividual without the random ID string: it
// draws what eaopt's ID would draw from rng, so the random sequence of the
// run is eaopt's, but builds no string (the search never reads IDs).
func newIndividual(x *gaGenome, rng *rand.Rand) eaopt.Individual {
	skipRandString(6, rng)
	return eaopt.Individual{Genome: x, Fitness: math.Inf(1)}
}

// skipRandString draws from rng exactly what eaopt v0.4.2's randString(n,
// rng) draws (63-bit words, 6 bits per letter, indexes over 51 rejected),
// without building the string.
func skipRandString(n int, rng *rand.Rand) {
	const (
		letters = 52 // len("a..zA..Z")
		bits    = 6
		mask    = 1<<bits - 1
		perWord = 63 / bits
	)
	for i, cache, remain := n-1, rng.Int63(), perWord; i >= 0; {
		if remain == 0 {
			cache, remain = rng.Int63(), perWord
		}
		if int(cache&mask) < letters {
			i--
		}
		cache >>= bits
		remain--
	}
}

// breed returns as many children of parents as there are parents: eaopt
// v0.4.2's ModGenerational.Apply with an eaopt.SelTournament selector
// (tournaments of two winners without replacement, crossover of the pair
// with probability CrossRate, then each child mutated with probability
// MutRate), redone with the same random draws in the same order, so the
// same children, but without its allocations: children's genomes come from
// the free list, and no ID strings, index slices or clones are built.
// TestBreedMatchesEaopt holds it to eaopt. Another selector falls back to
// eaopt itself. The children live in s.kids until the next breed.
func (s *search) breed(parents eaopt.Individuals, mod eaopt.ModGenerational, rng *rand.Rand) (eaopt.Individuals, error) {
	n := len(parents)
	sel, ok := mod.Selector.(eaopt.SelTournament)
	if !ok {
		pop := eaopt.Population{Individuals: append(eaopt.Individuals(nil), parents...), RNG: rng}
		err := mod.Apply(&pop)
		return pop.Individuals, err
	}
	k := int(sel.NContestants)
	if n < 2 || n-2 < k-1 {
		return nil, fmt.Errorf("evolve: %d individuals are too few for tournaments of %d", n, k)
	}
	if cap(s.idx) < k {
		s.idx = make([]int, k)
	}
	idx := s.idx[:k]
	kids := s.kids[:0]
	for len(kids) < n {
		// SelTournament.Apply(2, parents, rng): sample k of the parents
		// not yet selected (eaopt's randomInts), the fittest wins and
		// leaves the pool.
		avail := s.avail[:0]
		for i := 0; i < n; i++ {
			avail = append(avail, i)
		}
		var pair [2]eaopt.Individual
		for w := range pair {
			for i := range idx {
				idx[i] = i
			}
			for i := k; i < len(avail); i++ {
				if j := rng.Intn(i + 1); j < k {
					idx[j] = i
				}
			}
			win := parents[avail[idx[0]]]
			if err := win.Evaluate(); err != nil {
				return nil, err
			}
			wi := idx[0]
			for _, a := range idx {
				if parents[avail[a]].GetFitness() < win.Fitness {
					win, wi = parents[avail[a]], a
				}
			}
			avail = append(avail[:wi], avail[wi+1:]...)
			pair[w] = win
		}
		s.avail = avail
		// winners.Clone(rng): a new ID (drawn, not built) and genome each.
		for w := range pair {
			skipRandString(6, rng)
			pair[w].Genome = s.clone(pair[w].Genome.(*gaGenome))
		}
		if rng.Float64() < mod.CrossRate {
			pair[0].Crossover(pair[1], rng)
		}
		kids = append(kids, pair[0])
		if len(kids) < n {
			kids = append(kids, pair[1])
		}
	}
	if mod.MutRate > 0 {
		for i := range kids {
			if rng.Float64() < mod.MutRate {
				kids[i].Mutate(rng)
			}
		}
	}
	s.kids = kids
	return kids, nil
}

// genomes of a batch, for evalBatch, in reused scratch memory.
func (s *search) genomes(indis eaopt.Individuals) []genome.Genome {
	s.gs = s.gs[:0]
	for i := range indis {
		s.gs = append(s.gs, indis[i].Genome.(*gaGenome).g)
	}
	return s.gs
}
