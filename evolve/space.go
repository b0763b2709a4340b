package evolve

import (
	"fmt"
	"math"
	"math/big"
	"math/rand"

	"github.com/evoarch/evoarch/genome"
)

// maxDomain is the largest gene domain the search accepts: genome keys in the
// memo cache store each value index in two bytes.
const maxDomain = math.MaxUint16

// layout is what the search needs to know about a genome.Space: which genes
// it may change and how big their domains are. It is built once per run and
// read-only afterwards, so workers share it.
type layout struct {
	space *genome.Space
	// n is the number of genes (the genome length).
	n int
	// free lists the indexes of the genes the search may change: not pinned
	// and with at least two values, in gene order.
	free []int
	// size[i] is len(Genes[i].Values).
	size []int
	// ordered[i] is Genes[i].Ordered.
	ordered []bool
	// current is the template's own genome.
	current genome.Genome
	// groups lists the free genes by resource, in order of first appearance:
	// a resource's genes often pay only together (a deployment type with its
	// alarms and hooks), so crossover may move them as one block.
	groups [][]int
	// moot lists the genes another gene can make moot (genome.Space.Active):
	// capacity under on-demand billing, the cache of an HTTP API, ...
	moot []mootRule
	// inRule[i] is true when gene i is the moot gene or the deciding gene
	// of a moot rule.
	inRule []bool
}

// mootRule says gene i has no effect while gene j holds a value v with
// when[v] true.
type mootRule struct {
	i, j int
	when []bool
}

// canonical sets every moot gene of g to the template's value, so variants
// that differ only in genes without effect are one variant: evaluated once,
// and never reported as a change ("read capacity 5 -> 25" on an on-demand
// table).
func (l *layout) canonical(g genome.Genome) {
	for _, r := range l.moot {
		if r.when[g[r.j]] {
			g[r.i] = l.current[r.i]
		}
	}
}

// isCanonical reports whether canonical would leave g as it is: no rule
// changes g (then applying them in order changes nothing either).
func (l *layout) isCanonical(g genome.Genome) bool {
	for _, r := range l.moot {
		if r.when[g[r.j]] && g[r.i] != l.current[r.i] {
			return false
		}
	}
	return true
}

// mootRules finds, for each gene, the sibling gene of the same resource
// whose values make it moot, by asking the Space about the template's
// genome with that sibling changed.
func mootRules(sp *genome.Space, current genome.Genome) []mootRule {
	var out []mootRule
	g := make(genome.Genome, len(current))
	for i := range sp.Genes {
		for j := range sp.Genes {
			if j == i || sp.Genes[j].Resource != sp.Genes[i].Resource {
				continue
			}
			var when []bool
			for v := range sp.Genes[j].Values {
				copy(g, current)
				g[j] = v
				if !sp.Active(g, i) {
					if when == nil {
						when = make([]bool, len(sp.Genes[j].Values))
					}
					when[v] = true
				}
			}
			if when != nil {
				out = append(out, mootRule{i: i, j: j, when: when})
			}
		}
	}
	return out
}

func newLayout(sp *genome.Space) (*layout, error) {
	if sp == nil {
		return nil, fmt.Errorf("evolve: no genome space")
	}
	l := &layout{space: sp, n: len(sp.Genes)}
	l.size = make([]int, l.n)
	l.ordered = make([]bool, l.n)
	l.current = make(genome.Genome, l.n)
	for i := range sp.Genes {
		g := &sp.Genes[i]
		k := len(g.Values)
		if k == 0 {
			return nil, fmt.Errorf("evolve: gene %s has no values", g.Name)
		}
		if k > maxDomain {
			return nil, fmt.Errorf("evolve: gene %s has %d values, more than the %d the search supports", g.Name, k, maxDomain)
		}
		if g.Current < 0 || g.Current >= k {
			return nil, fmt.Errorf("evolve: gene %s: current value index %d outside its %d values", g.Name, g.Current, k)
		}
		l.size[i] = k
		l.ordered[i] = g.Ordered
		l.current[i] = g.Current
		if !g.Pinned && k > 1 {
			l.free = append(l.free, i)
		}
	}
	group := map[string]int{}
	for _, i := range l.free {
		r := sp.Genes[i].Resource
		j, ok := group[r]
		if !ok {
			j = len(l.groups)
			group[r] = j
			l.groups = append(l.groups, nil)
		}
		l.groups[j] = append(l.groups[j], i)
	}
	l.moot = mootRules(sp, l.current)
	l.inRule = make([]bool, l.n)
	for _, r := range l.moot {
		l.inRule[r.i], l.inRule[r.j] = true, true
	}
	return l, nil
}

// spaceSize is the number of variants over the free genes.
func (l *layout) spaceSize() *big.Int {
	s := big.NewInt(1)
	for _, i := range l.free {
		s.Mul(s, big.NewInt(int64(l.size[i])))
	}
	return s
}

// spaceSize64 is spaceSize when it fits in an int64, else -1.
func (l *layout) spaceSize64() int64 {
	s := l.spaceSize()
	if !s.IsInt64() {
		return -1
	}
	return s.Int64()
}

// valid reports whether g has the layout's length, in-domain values and the
// current value on every gene that is not free.
func (l *layout) valid(g genome.Genome) bool {
	if len(g) != l.n {
		return false
	}
	for i, v := range g {
		if v < 0 || v >= l.size[i] {
			return false
		}
	}
	fi := 0
	for i, v := range g {
		if fi < len(l.free) && l.free[fi] == i {
			fi++
			continue
		}
		if v != l.current[i] {
			return false
		}
	}
	return true
}

// randomGenome writes a uniformly random variant into dst: free genes drawn
// uniformly, the others at their current value.
func (l *layout) randomGenome(dst genome.Genome, rng *rand.Rand) {
	copy(dst, l.current)
	for _, i := range l.free {
		dst[i] = rng.Intn(l.size[i])
	}
}

// stepProb is the chance that mutating an ordered gene moves it to a
// neighbouring value rather than to any other value: ladders such as memory
// sizes are explored mostly by small steps, with occasional jumps.
const stepProb = 0.75

// mutateGene changes gene i of g to another value of its domain.
func (l *layout) mutateGene(g genome.Genome, i int, rng *rand.Rand) {
	k := l.size[i]
	if k < 2 {
		return
	}
	v := g[i]
	if l.ordered[i] && k > 2 && rng.Float64() < stepProb {
		switch {
		case v == 0:
			g[i] = 1
		case v == k-1:
			g[i] = k - 2
		case rng.Intn(2) == 0:
			g[i] = v - 1
		default:
			g[i] = v + 1
		}
		return
	}
	w := rng.Intn(k - 1)
	if w >= v {
		w++
	}
	g[i] = w
}

// mutate changes each free gene with probability 1/len(free), and at least
// one gene, so a mutant always differs from its parent.
func (l *layout) mutate(g genome.Genome, rng *rand.Rand) {
	nf := len(l.free)
	if nf == 0 {
		return
	}
	p := 1 / float64(nf)
	changed := false
	for _, i := range l.free {
		if rng.Float64() < p {
			l.mutateGene(g, i, rng)
			changed = true
		}
	}
	if !changed {
		l.mutateGene(g, l.free[rng.Intn(nf)], rng)
	}
}

// decode writes the variant with mixed-radix rank idx (over the free genes,
// the first free gene varying fastest) into dst.
func (l *layout) decode(dst genome.Genome, idx int64) {
	copy(dst, l.current)
	for _, i := range l.free {
		k := int64(l.size[i])
		dst[i] = int(idx % k)
		idx /= k
	}
}

// distance is the number of genes where a and b differ.
func distance(a, b genome.Genome) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}

// diffGenes lists the indexes where a and b differ, in gene order.
func diffGenes(a, b genome.Genome) []int {
	var out []int
	for i := range a {
		if a[i] != b[i] {
			out = append(out, i)
		}
	}
	return out
}

// appendKey appends g's memo-cache key (two bytes per gene) to buf.
func appendKey(buf []byte, g genome.Genome) []byte {
	for _, v := range g {
		buf = append(buf, byte(v), byte(v>>8))
	}
	return buf
}

// lessGenome orders genomes lexicographically (a deterministic tie-break).
func lessGenome(a, b genome.Genome) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// compareGenome is lessGenome's order as a three-way comparison.
func compareGenome(a, b genome.Genome) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func cloneGenome(g genome.Genome) genome.Genome {
	return append(genome.Genome(nil), g...)
}
