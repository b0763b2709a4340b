package evolve

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/MaxHalford/eaopt"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// dominates is constrained domination (Deb et al. 2002, NSGA-II): a
// feasible variant dominates an infeasible one, an infeasible one with a
// smaller violation dominates another, and between feasible variants a
// dominates b when it is no worse on every objective (minimisation vectors)
// and better on one.
func dominates(a, b *sim.Metrics, va, vb []float64) bool {
	if a.Feasible != b.Feasible {
		return a.Feasible
	}
	if !a.Feasible {
		return nanHigh(a.Violation) < nanHigh(b.Violation)
	}
	return paretoDominates(va, vb)
}

func paretoDominates(va, vb []float64) bool {
	strict := false
	for k := range va {
		if va[k] > vb[k] {
			return false
		}
		if va[k] < vb[k] {
			strict = true
		}
	}
	return strict
}

// archive is the Pareto archive of every feasible variant the search
// evaluated: the non-dominated ones, the first kept among equal vectors.
type archive struct {
	objs []objective
	g    []genome.Genome
	m    []sim.Metrics
	v    [][]float64
	// flat holds v's vectors one after another (the rejection scan's).
	flat []float64
	vbuf []float64
	// hot lists (nhot long) points that recently rejected a variant, most
	// recent first: the scan tries them first, as variants evaluated
	// together (one climb's moves) are mostly rejected by the same few.
	hot  [4]int
	nhot int
	// lo[k] is the least value on objective k of every point ever
	// accepted (removed ones included, so it is never above the current
	// points' least): a variant below it on one objective is weakly
	// dominated by no point.
	lo []float64
}

func newArchive(objs []objective) *archive { return &archive{objs: objs} }

func (a *archive) vector(dst []float64, m *sim.Metrics) []float64 {
	dst = dst[:0]
	for k := range a.objs {
		dst = append(dst, a.objs[k].min(m))
	}
	return dst
}

// add offers a variant to the archive.
func (a *archive) add(g genome.Genome, m *sim.Metrics) {
	if !m.Feasible {
		return
	}
	a.vbuf = a.vector(a.vbuf, m)
	d := len(a.vbuf)
	if a.rejects(a.vbuf, d) {
		return
	}
	j := 0
	for k := range a.v {
		if !paretoDominates(a.vbuf, a.flat[k*d:k*d+d]) {
			// Points stay in place until the first one the variant
			// dominates.
			if j != k {
				a.g[j], a.m[j], a.v[j] = a.g[k], a.m[k], a.v[k]
				copy(a.flat[j*d:j*d+d], a.flat[k*d:k*d+d])
			}
			j++
		}
	}
	a.g, a.m, a.v, a.flat = a.g[:j], a.m[:j], a.v[:j], a.flat[:j*d]
	a.nhot = 0
	if a.lo == nil {
		a.lo = append(a.lo, a.vbuf...)
	}
	for k, x := range a.vbuf {
		a.lo[k] = min(a.lo[k], x)
	}
	a.g = append(a.g, cloneGenome(g))
	a.m = append(a.m, *m)
	a.v = append(a.v, append([]float64(nil), a.vbuf...))
	a.flat = append(a.flat, a.vbuf...)
}

// rejects reports whether a point weakly dominates v (d values). No NaN
// reaches a vector (objective.min), so weak dominance is paretoDominates
// or equal vectors. The answer does not depend on the order of the
// checks: the recent rejecters go first, then every point in order; and
// none is needed when v is below every point on some objective. The scan
// reads the points' vectors in flat, one array.
func (a *archive) rejects(v []float64, d int) bool {
	if len(a.v) == 0 {
		return false
	}
	for k, x := range v {
		if x < a.lo[k] {
			return false
		}
	}
	for h := range a.nhot {
		k := a.hot[h]
		if weaklyDominates(a.flat[k*d:k*d+d], v, d) {
			// Most recent first.
			copy(a.hot[1:h+1], a.hot[:h])
			a.hot[0] = k
			return true
		}
	}
	for k := range a.v {
		if weaklyDominates(a.flat[k*d:k*d+d], v, d) {
			n := min(a.nhot+1, len(a.hot))
			copy(a.hot[1:n], a.hot[:n-1])
			a.hot[0] = k
			a.nhot = n
			return true
		}
	}
	return false
}

// merge adds b's points after a's (b's variants come later in order).
func (a *archive) merge(b *archive) {
	for k := range b.g {
		a.add(b.g[k], &b.m[k])
	}
}

// points returns the front sorted by its minimisation vectors.
func (a *archive) points() []Point {
	idx := make([]int, len(a.v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		vi, vj := a.v[idx[i]], a.v[idx[j]]
		for k := range vi {
			if vi[k] != vj[k] {
				return vi[k] < vj[k]
			}
		}
		return lessGenome(a.g[idx[i]], a.g[idx[j]])
	})
	out := make([]Point, len(idx))
	for i, k := range idx {
		vals := make([]float64, len(a.objs))
		for o := range a.objs {
			vals[o] = a.objs[o].value(&a.m[k])
		}
		out[i] = Point{Genome: cloneGenome(a.g[k]), Metrics: a.m[k], Values: vals}
	}
	return out
}

// hypervolume of the archive against ref (minimisation vectors).
func (a *archive) hypervolume(ref []float64) float64 { return Hypervolume(a.v, ref) }

// Hypervolume is the volume of the region dominated by points and bounded
// by ref, all objectives minimised; points not strictly better than ref on
// every objective add nothing. It slices along the last objective (the HSO
// algorithm of While et al. 2006), exact and fast for the small fronts of a
// template's search.
func Hypervolume(points [][]float64, ref []float64) float64 {
	d := len(ref)
	var ps [][]float64
	for _, p := range points {
		if len(p) != d {
			continue
		}
		in := true
		for k := range p {
			if !(p[k] < ref[k]) {
				in = false
				break
			}
		}
		if in {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 || d == 0 {
		return 0
	}
	return hso(ps, ref, d)
}

// byCoord is the stable order of points by coordinate k.
func byCoord(k int) func(a, b []float64) int {
	return func(a, b []float64) int {
		switch {
		case a[k] < b[k]:
			return -1
		case b[k] < a[k]:
			return 1
		}
		return 0
	}
}

// hso is the hypervolume of ps over their first d coordinates; buf is
// scratch memory for the two-dimensional slices.
func hso(ps [][]float64, ref []float64, d int) float64 {
	if d == 1 {
		best := ref[0]
		for _, p := range ps {
			best = math.Min(best, p[0])
		}
		return ref[0] - best
	}
	sorted := append([][]float64(nil), ps...)
	slices.SortStableFunc(sorted, byCoord(d-1))
	if d == 2 {
		return area(sorted, ref)
	}
	vol := 0.0
	var slice [][]float64
	for i, p := range sorted {
		if d == 3 {
			// The slice is kept sorted by its last coordinate as points
			// come and go, ties in arrival order: the order the stable
			// sort of the general case gives, without sorting again.
			slice = addNonDominatedSorted(slice, p)
		} else {
			slice = addNonDominated(slice, p, d-1)
		}
		top := ref[d-1]
		if i+1 < len(sorted) {
			top = sorted[i+1][d-1]
		}
		if depth := top - p[d-1]; depth > 0 {
			if d == 3 {
				vol += area(slice, ref) * depth
			} else {
				vol += hso(slice, ref, d-1) * depth
			}
		}
	}
	return vol
}

// area is the two-dimensional hypervolume of points sorted by their second
// coordinate (stably).
func area(sorted [][]float64, ref []float64) float64 {
	vol, bestX := 0.0, ref[0]
	for i, p := range sorted {
		bestX = math.Min(bestX, p[0])
		top := ref[1]
		if i+1 < len(sorted) {
			top = sorted[i+1][1]
		}
		vol += (ref[0] - bestX) * (top - p[1])
	}
	return vol
}

// addNonDominatedSorted is addNonDominated over two coordinates for a set
// sorted (stably, in arrival order) by the second: p goes after every
// point whose second coordinate is not greater.
func addNonDominatedSorted(set [][]float64, p []float64) [][]float64 {
	for _, q := range set {
		if weaklyDominates(q, p, 2) {
			return set
		}
	}
	out := set[:0]
	at := -1
	for _, q := range set {
		if weaklyDominates(p, q, 2) {
			continue
		}
		if at < 0 && q[1] > p[1] {
			at = len(out)
		}
		out = append(out, q)
	}
	if at < 0 {
		return append(out, p)
	}
	out = append(out, nil)
	copy(out[at+1:], out[at:])
	out[at] = p
	return out
}

// addNonDominated adds p to set, keeping only points non-dominated on the
// first d coordinates.
func addNonDominated(set [][]float64, p []float64, d int) [][]float64 {
	for _, q := range set {
		if weaklyDominates(q, p, d) {
			return set
		}
	}
	out := set[:0]
	for _, q := range set {
		if !weaklyDominates(p, q, d) {
			out = append(out, q)
		}
	}
	return append(out, p)
}

func weaklyDominates(a, b []float64, d int) bool {
	for k := 0; k < d; k++ {
		if a[k] > b[k] {
			return false
		}
	}
	return true
}

// nsgaModel is NSGA-II (Deb et al. 2002) as an eaopt Model. Parents carry
// an eaopt score encoding (front, crowding): front + 1/(1+crowding), so
// eaopt's tournament prefers lower fronts, then less crowded points. Each
// generation eaopt's generational model breeds as many children as there
// are parents, the children are evaluated in one parallel batch, parents
// and children are merged (distinct genomes), sorted into fronts with
// crowding distances, and the best N survive.
type nsgaModel struct {
	s     *search
	objs  []objective
	inner eaopt.ModGenerational
	// rank's scratch
	nds   ndSorter
	vsBuf []float64
	vs    [][]float64
	ms    []*sim.Metrics
}

func (m *nsgaModel) Validate() error { return m.inner.Validate() }

func (m *nsgaModel) Apply(pop *eaopt.Population) error {
	n := len(pop.Individuals)
	if m.s.ev.exhausted() {
		return nil
	}
	m.rank(pop.Individuals)
	m.s.track(pop.Individuals)
	kids, err := m.s.breed(pop.Individuals, m.inner, pop.RNG)
	if err != nil {
		return err
	}
	m.s.evaluate(kids)
	pool := append(append(m.s.pool[:0], pop.Individuals...), kids...)
	sortIndis(pool) // a fixed order before dedupe: the first copy is kept
	pool = m.s.dedupe(pool)
	if len(pool) < n && !m.s.ev.exhausted() {
		pool = append(pool, m.s.immigrants(n-len(pool), pop.RNG)...)
		pool = m.s.dedupe(pool)
	}
	for i := 0; len(pool) < n; i++ {
		pool = append(pool, pool[i%max(1, len(pool))].Clone(pop.RNG))
	}
	m.rank(pool)
	sortIndis(pool)
	copy(pop.Individuals, pool[:n])
	m.s.pool = pool[:0]
	m.s.release(pop.Individuals)
	return nil
}

// rank writes each individual's NSGA-II score: fronts by constrained
// non-dominated sorting, crowding distance within each front.
func (m *nsgaModel) rank(indis eaopt.Individuals) {
	n, d := len(indis), len(m.objs)
	if cap(m.ms) < n {
		m.vsBuf = make([]float64, n*d)
		m.vs = make([][]float64, n)
		m.ms = make([]*sim.Metrics, n)
	}
	vs, ms := m.vs[:n], m.ms[:n]
	for i := range indis {
		x := indis[i].Genome.(*gaGenome)
		ms[i] = &x.met
		vs[i] = m.vsBuf[i*d : (i+1)*d : (i+1)*d]
		for k := range m.objs {
			vs[i][k] = m.objs[k].min(&x.met)
		}
	}
	fronts := m.nds.sort(ms, vs)
	for f, front := range fronts {
		crowd := crowding(front, vs)
		for j, i := range front {
			indis[i].Fitness = float64(f) + 1/(1+crowd[j])
			indis[i].Evaluated = true
			if !indis[i].Genome.(*gaGenome).ok {
				indis[i].Fitness = unevaluated
			}
		}
	}
}

// ndSorter sorts points into fronts (Deb's fast non-dominated sort) with
// memory reused from one call to the next.
type ndSorter struct {
	by     []int
	dom    [][]int
	flat   []int
	fronts [][]int
}

// sort returns the fronts as index lists, each front in index order; they
// are valid until the next call.
func (t *ndSorter) sort(ms []*sim.Metrics, vs [][]float64) [][]int {
	n := len(ms)
	if cap(t.by) < n {
		t.by = make([]int, n)
	}
	if len(t.dom) < n {
		t.dom = append(t.dom, make([][]int, n-len(t.dom))...)
	}
	dominatedBy, dominating := t.by[:n], t.dom[:n]
	clear(dominatedBy)
	for i := range dominating {
		dominating[i] = dominating[i][:0]
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			switch {
			case dominates(ms[i], ms[j], vs[i], vs[j]):
				dominating[i] = append(dominating[i], j)
				dominatedBy[j]++
			case dominates(ms[j], ms[i], vs[j], vs[i]):
				dominating[j] = append(dominating[j], i)
				dominatedBy[i]++
			}
		}
	}
	// The fronts are consecutive runs of flat (a front keeps the array it
	// was written in when flat grows).
	fronts, flat := t.fronts[:0], t.flat[:0]
	for i := 0; i < n; i++ {
		if dominatedBy[i] == 0 {
			flat = append(flat, i)
		}
	}
	cur := flat
	for len(cur) > 0 {
		fronts = append(fronts, cur)
		start := len(flat)
		for _, i := range cur {
			for _, j := range dominating[i] {
				dominatedBy[j]--
				if dominatedBy[j] == 0 {
					flat = append(flat, j)
				}
			}
		}
		next := flat[start:len(flat):len(flat)]
		sort.Ints(next)
		cur = next
	}
	t.fronts, t.flat = fronts, flat
	return fronts
}

// crowding returns the crowding distance of each member of front (Deb
// 2002): the sum over objectives of the normalised gap between its
// neighbours; the extremes get +Inf.
func crowding(front []int, vs [][]float64) []float64 {
	c := make([]float64, len(front))
	if len(front) <= 2 {
		for i := range c {
			c[i] = math.Inf(1)
		}
		return c
	}
	order := make([]int, len(front))
	for k := range vs[front[0]] {
		for i := range order {
			order[i] = i
		}
		by := byCoord(k)
		slices.SortStableFunc(order, func(a, b int) int { return by(vs[front[a]], vs[front[b]]) })
		lo, hi := vs[front[order[0]]][k], vs[front[order[len(order)-1]]][k]
		c[order[0]], c[order[len(order)-1]] = math.Inf(1), math.Inf(1)
		if hi-lo <= 0 || math.IsInf(hi-lo, 0) || math.IsNaN(hi-lo) {
			continue
		}
		for i := 1; i+1 < len(order); i++ {
			c[order[i]] += (vs[front[order[i+1]]][k] - vs[front[order[i-1]]][k]) / (hi - lo)
		}
	}
	return c
}

// runNSGA2 runs NSGA-II; it returns the hypervolume reference point in the
// objectives' natural direction.
func runNSGA2(ev *evaluator, o Options, objs []objective, progress func(Generation)) (string, []float64, error) {
	s := &search{l: ev.l, ev: ev, score: scalar}
	model := &nsgaModel{s: s, objs: objs, inner: eaopt.ModGenerational{
		Selector:  eaopt.SelTournament{NContestants: 2},
		MutRate:   mutRate,
		CrossRate: crossRate,
	}}
	var ref []float64
	hv := func() float64 {
		if ref == nil {
			ref = referencePoint(ev.archive)
		}
		if ref == nil {
			return 0
		}
		return ev.archive.hypervolume(ref)
	}
	stop, err := runEAOPT(s, o, model, hv, progress)
	var natural []float64
	for k := range ref {
		v := ref[k]
		if objs[k].maximize {
			v = -v
		}
		natural = append(natural, v)
	}
	return stop, natural, err
}

// refMargin widens the reference point beyond the first front's worst
// values, so the extreme points count in the hypervolume.
const refMargin = 0.1

// referencePoint is the archive's worst value per objective plus refMargin
// of its range (of its magnitude, or 1, when the range is zero); nil for an
// empty archive. It is fixed once, so hypervolumes compare across
// generations.
func referencePoint(a *archive) []float64 {
	if len(a.v) == 0 {
		return nil
	}
	d := len(a.objs)
	ref := make([]float64, d)
	for k := 0; k < d; k++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range a.v {
			lo, hi = math.Min(lo, v[k]), math.Max(hi, v[k])
		}
		span := hi - lo
		if span <= 0 {
			span = math.Abs(hi)
		}
		if span <= 0 {
			span = 1
		}
		ref[k] = hi + refMargin*span
	}
	return ref
}

// compromise recommends the front point with the best weighted fitness,
// and names the knee: the point nearest the ideal point once each objective
// is scaled to 0..1 over the front.
func compromise(front []Point, objs []objective) *Compromise {
	if len(front) == 0 {
		return nil
	}
	best := 0
	for i := range front {
		if better(&front[i].Metrics, &front[best].Metrics) {
			best = i
		}
	}
	d := len(objs)
	lo, hi := make([]float64, d), make([]float64, d)
	for k := 0; k < d; k++ {
		lo[k], hi[k] = math.Inf(1), math.Inf(-1)
		for i := range front {
			v := objs[k].min(&front[i].Metrics)
			lo[k], hi[k] = math.Min(lo[k], v), math.Max(hi[k], v)
		}
	}
	knee, kneeDist := 0, math.Inf(1)
	for i := range front {
		dist := 0.0
		for k := 0; k < d; k++ {
			if hi[k] > lo[k] {
				x := (objs[k].min(&front[i].Metrics) - lo[k]) / (hi[k] - lo[k])
				dist += x * x
			}
		}
		if dist < kneeDist {
			knee, kneeDist = i, dist
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "of %d non-dominated variants, variant %d has the best weighted fitness (%.4f):", len(front), best+1, front[best].Metrics.Fitness)
	for k := 0; k < d; k++ {
		v := objs[k].value(&front[best].Metrics)
		a, z := lo[k], hi[k]
		if objs[k].maximize {
			a, z = -hi[k], -lo[k]
		}
		sep := ","
		if k == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %s %s (front %s to %s)", sep, objs[k].name, fmtNum(v), fmtNum(a), fmtNum(z))
	}
	if knee == best {
		b.WriteString("; it is also the knee, the point closest to the best of every objective at once")
	} else {
		fmt.Fprintf(&b, "; the knee, closest to the best of every objective at once, is variant %d (fitness %.4f)", knee+1, front[knee].Metrics.Fitness)
	}
	return &Compromise{Index: best, Knee: knee, Explanation: b.String()}
}

func fmtNum(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.4g", v)
	}
}
