package evolve

import (
	"context"
	"math/rand"
	"slices"
	"testing"

	"github.com/MaxHalford/eaopt"
)

// TestBreedMatchesEaopt: search.breed gives the children eaopt's
// ModGenerational.Apply gives, with the same random draws (the next draw
// of the generator agrees), for both models' tournaments and odd and even
// populations; so an eaopt upgrade that changes its breeding is noticed.
func TestBreedMatchesEaopt(t *testing.T) {
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		n           int
		contestants uint
	}{
		{"ga even", 40, tournamentSize},
		{"ga odd", 11, tournamentSize},
		{"nsga2", 20, 2},
		{"smallest", 4, tournamentSize},
	}
	for _, tt := range tests {
		for seed := int64(1); seed <= 5; seed++ {
			ev := newEvaluator(context.Background(), l, p.New, 1, 1<<30)
			s := &search{l: l, ev: ev, score: scalar}
			rng := rand.New(rand.NewSource(seed))
			var pop eaopt.Individuals
			for range tt.n {
				x := s.take()
				l.randomGenome(x.g, rng)
				pop = append(pop, newIndividual(x, rng))
			}
			s.evaluate(pop)
			mod := eaopt.ModGenerational{Selector: eaopt.SelTournament{NContestants: tt.contestants}, MutRate: mutRate, CrossRate: crossRate}

			want := eaopt.Population{Individuals: append(eaopt.Individuals(nil), pop...), RNG: rand.New(rand.NewSource(seed))}
			if err := mod.Apply(&want); err != nil {
				t.Fatal(err)
			}
			rngGot := rand.New(rand.NewSource(seed))
			got, err := s.breed(pop, mod, rngGot)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want.Individuals) {
				t.Fatalf("%s seed %d: %d children, eaopt %d", tt.name, seed, len(got), len(want.Individuals))
			}
			for i := range got {
				g, w := got[i], want.Individuals[i]
				if !slices.Equal(g.Genome.(*gaGenome).g, w.Genome.(*gaGenome).g) || g.Evaluated != w.Evaluated || g.Fitness != w.Fitness {
					t.Fatalf("%s seed %d: child %d is %v (%v, %v), eaopt's %v (%v, %v)", tt.name, seed, i,
						g.Genome.(*gaGenome).g, g.Fitness, g.Evaluated, w.Genome.(*gaGenome).g, w.Fitness, w.Evaluated)
				}
				if g.Genome == pop[0].Genome || g.Genome == w.Genome {
					t.Fatalf("%s seed %d: child %d shares a genome", tt.name, seed, i)
				}
			}
			if a, b := rngGot.Int63(), want.RNG.Int63(); a != b {
				t.Errorf("%s seed %d: the random sequences differ after breeding", tt.name, seed)
			}
		}
	}
}

// TestSkipRandString: skipRandString draws what eaopt's IDs draw.
func TestSkipRandString(t *testing.T) {
	for seed := int64(1); seed <= 50; seed++ {
		a, b := rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed))
		eaopt.NewIndividual(nil, a)
		skipRandString(6, b)
		if a.Int63() != b.Int63() {
			t.Fatalf("seed %d: the random sequences differ", seed)
		}
	}
}

// TestFreeListReuse: across generations of the ga model (restarts
// included), no genome is shared between two members of the population or
// sits on the free list while a member, and the free list is reused: the
// genomes ever allocated stay a small multiple of the population.
func TestFreeListReuse(t *testing.T) {
	p := synthProblem()
	l, err := newLayout(p.Space)
	if err != nil {
		t.Fatal(err)
	}
	ev := newEvaluator(context.Background(), l, p.New, 1, 1<<30)
	s := &search{l: l, ev: ev, score: scalar}
	model := newGAModel(s)
	rng := rand.New(rand.NewSource(1))
	const n = 30
	pop := eaopt.Population{RNG: rng}
	for range n {
		x := s.take()
		l.randomGenome(x.g, rng)
		pop.Individuals = append(pop.Individuals, newIndividual(x, rng))
	}
	s.evaluate(pop.Individuals)
	allocated := map[*gaGenome]bool{}
	for gen := 0; gen < 200; gen++ {
		s.stale = gen / 3 // restarts now and then
		if err := model.Apply(&pop); err != nil {
			t.Fatal(err)
		}
		members := map[*gaGenome]bool{}
		for _, in := range pop.Individuals {
			x := in.Genome.(*gaGenome)
			if members[x] {
				t.Fatalf("generation %d: a genome is two members", gen)
			}
			members[x] = true
			allocated[x] = true
		}
		for _, x := range s.free {
			if members[x] {
				t.Fatalf("generation %d: a member is on the free list", gen)
			}
			allocated[x] = true
		}
	}
	if len(allocated) > 10*n {
		t.Errorf("%d genomes allocated for a population of %d", len(allocated), n)
	}
}
