package perf

import "math"

// comp is one component of a latency mixture: a shifted, capped lognormal.
// The latency is shift + exp(N(mu, sigma^2)) ms, or exactly shift + exp(mu)
// when sigma is 0, and never more than capMS (a timeout ends the request
// there). w is the component's weight; weights need not sum to 1.
//
// finish fills the rest from those: lo and hi bound the support (9 sigma
// either side, hi at most capMS); atX and atP are the component's point
// mass, if any: its position and its share of w (the requests that reach
// the cap, or the whole of a sigma-0 component), atP 0 without one; q holds
// the component's own p50, p95 and p99 (pctP), in ms.
type comp struct {
	w, shift, mu, sigma, capMS float64
	lo, hi, atX, atP           float64
	q                          [3]float64
}

// pctP are the percentiles the model reports and pctZ their standard
// normal quantiles (normQuantile(0.95) and (0.99) to 17 digits).
var (
	pctP = [3]float64{0.50, 0.95, 0.99}
	pctZ = [3]float64{0, 1.6448536269514722, 2.3263478740408408}
)

// finish computes lo, hi, atX, atP and q from the component's parameters.
func (c *comp) finish() {
	var e sigmaExp
	if c.sigma > 0 {
		e = sigmaExps(c.sigma)
	}
	c.finishWith(e)
}

// sigmaExp holds exp(sigma pctZ[1]), exp(sigma pctZ[2]) and exp(9 sigma)
// for one log-sd sigma: what finish needs of sigma alone.
type sigmaExp [3]float64

// sigmaExps returns the sigmaExp of sigma.
func sigmaExps(sigma float64) sigmaExp {
	return sigmaExp{math.Exp(sigma * pctZ[1]), math.Exp(sigma * pctZ[2]), math.Exp(9 * sigma)}
}

// finishWith is finish given sigmaExps(c.sigma) (unread when sigma is 0).
func (c *comp) finishWith(e sigmaExp) {
	em := math.Exp(c.mu)
	if c.sigma <= 0 {
		c.atX = min(c.shift+em, c.capMS)
		c.atP = 1
		c.lo, c.hi = c.atX, c.atX
		c.q = [3]float64{c.atX, c.atX, c.atX}
		return
	}
	c.q[0] = min(c.shift+em, c.capMS) // pctZ[0] = 0
	for j := 1; j < len(pctZ); j++ {
		c.q[j] = min(c.shift+em*e[j-1], c.capMS)
	}
	e9 := e[2]
	c.lo = c.shift + em/e9
	c.hi = min(c.shift+em*e9, c.capMS)
	c.lo = min(c.lo, c.hi)
	c.atX, c.atP = math.Inf(1), 0
	// A cap at or beyond 9 sigma (shift + em*e9 <= capMS) leaves a share
	// under Phi(-9) = 1.1e-19 < minAtom above it: no atom, no erfc.
	if !math.IsInf(c.capMS, 1) && c.shift+em*e9 > c.capMS {
		if p := upperTail(c.capMS, c.shift, c.mu, c.sigma); p >= minAtom {
			c.atX, c.atP = c.capMS, p
		}
	}
}

// minAtom is the smallest share of a component taken as a point mass at
// its cap: below it (the cap beyond 7.9 sigma) the mass is dropped, a
// change in the CDF far below the quantile search's 1e-10 tolerance.
const minAtom = 1e-15

// minShare is the smallest share of a mixture's weight a component keeps:
// lighter ones are left out of the percentile search (a hook run a few
// times a month among millions of requests). Leaving out components of
// total share e changes the CDF by at most e, so each percentile found lies
// between the true ones at p - e and p + e: the p99 is one between the
// p98.99999 and the p99.00001.
const minShare = 1e-7

// prune sets to 0 the weight of the components lighter than minShare of
// the mixture's and returns the mixture's weight before.
func prune(cs []comp) float64 {
	total := 0.0
	for i := range cs {
		total += max(cs[i].w, 0)
	}
	for i := range cs {
		if cs[i].w < minShare*total {
			cs[i].w = 0
		}
	}
	return total
}

// sqrt2Pi is sqrt(2 pi), the normal density's constant.
const sqrt2Pi = 2.5066282746310002

// qcomp is one weighted component of a mixture as the percentile search
// reads it (prepQ): what the CDF needs of a comp, with its products and
// quotients taken once per mixture rather than at every trial point.
type qcomp struct {
	shift, mu float64
	// invSig is 1/sigma, 0 for a point mass (sigma 0: no continuous part).
	invSig float64
	// w is the weight, wInvSig w/sigma and wCont w (1 - atP), the weight
	// of the continuous part.
	w, wInvSig, wCont float64
	lo, hi            float64
	// atX is the point mass's position and wAt its weight w atP (0 when
	// the component has none).
	atX, wAt float64
	q        [3]float64
	// sigma and capMS: the quantiles of levels other than pctP (j < 0).
	sigma, capMS float64
	// ord is the component's position among cs's weighted ones: the
	// search starts from the first heaviest in that order.
	ord int
}

// prepQ appends to buf the components of cs with weight (each finished),
// ordered by shift (a stable sort: the CDF takes one logarithm per run of
// equal shifts), and returns them with the mixture's weight.
func prepQ(cs []comp, buf []qcomp) ([]qcomp, float64) {
	qs, total := buf[:0], 0.0
	for i := range cs {
		c := &cs[i]
		if c.w <= 0 {
			continue
		}
		total += c.w
		qs = addQ(qs, c, c.w)
	}
	return qs, total
}

// addQ appends component c with weight w > 0 (in place of c.w) to qs,
// kept in order of shift (stably: it goes after the equal shifts).
func addQ(qs []qcomp, c *comp, w float64) []qcomp {
	q := qcomp{shift: c.shift, mu: c.mu, w: w, wCont: w * (1 - c.atP), lo: c.lo, hi: c.hi,
		atX: c.atX, q: c.q, sigma: c.sigma, capMS: c.capMS, ord: len(qs)}
	if c.atP > 0 {
		q.wAt = w * c.atP
	}
	if c.sigma > 0 {
		q.invSig = 1 / c.sigma
		q.wInvSig = w / c.sigma
	}
	qs = append(qs, q)
	for k := len(qs) - 1; k > 0 && qs[k].shift < qs[k-1].shift; k-- {
		qs[k], qs[k-1] = qs[k-1], qs[k]
	}
	return qs
}

// qMixAt returns the mixture's weighted CDF at x ms, its first and second
// derivatives with respect to ln x (of the continuous parts), and the
// weight of the point masses at exactly x (so f - atom is the CDF just
// below x), from the prepared components (prepQ) and the tabulated normal
// (normCDFPDFTab): within 1e-12 of the reference's straight from the
// components (mixAt, mix_test.go; TestQMixAtMatchesReference).
func qMixAt(qs []qcomp, x float64) (f, d, dd, atom float64) {
	// ln(x - shift), x/(x - shift) and shift/(x - shift) once per run of
	// equal shifts (prepQ sorts by shift).
	lastShift, lg, r, sy, ok := math.NaN(), 0.0, 0.0, 0.0, false
	for i := range qs {
		c := &qs[i]
		if c.wAt > 0 && x >= c.atX {
			f += c.wAt
			if x == c.atX {
				atom += c.wAt
			}
		}
		if c.invSig == 0 {
			continue // sigma 0: the point mass only
		}
		if x >= c.hi {
			// At or past the cap, or beyond 9 sigma: all of the continuous
			// part (to within Phi(-9) = 1e-19 of it).
			f += c.wCont
			continue
		}
		if x <= c.lo {
			continue // below 9 sigma: nothing (within 1e-19)
		}
		if c.shift != lastShift {
			lastShift = c.shift
			y := x - c.shift
			ok = y > 0
			if ok {
				lg, r, sy = math.Log(y), x/y, c.shift/y
			}
		}
		if !ok {
			continue
		}
		z := (lg - c.mu) * c.invSig
		cdf, pdf := normCDFPDFTab(z)
		f += c.w * cdf
		// d/d(ln x) Phi((ln(x - s) - mu)/sigma) = phi(z)/sigma * x/(x - s).
		// With z' = dz/d(ln x) = r/sigma, r = x/(x - s), and
		// dr/d(ln x) = -r s/(x - s): F'' = phi(z) z' (-z z' - s/(x - s)).
		t := c.wInvSig * pdf * r
		d += t
		dd += t * (-z*r*c.invSig - sy)
	}
	return f, d, dd, atom
}

// expStep returns exp(s), by its Taylor series to s^5 when |s| < 1/64
// (relative error under s^6/720 < 2.3e-14; under 1e-26 for the last
// steps of a search, below 1e-4) and math.Exp beyond: the factor of a step
// of s in ln x.
func expStep(s float64) float64 {
	if math.Abs(s) < 1.0/64 {
		return 1 + s*(1+s/2*(1+s/3*(1+s/4*(1+s/5))))
	}
	return math.Exp(s)
}

// quantile returns the p quantile (0 < p < 1) of the mixture of cs (each
// finished), in ms: the smallest x with F(x) >= p, to about 1e-9 relative
// (TestQuantileCorpusWide: every corpus percentile within 1e-9;
// TestQuantileRandomMixtures: random mixtures of the model's ranges and
// beyond within 1e-9 of bisection, as were 200,000 of each once drawn),
// exactly at a point mass (a timeout, a cache hit) when the quantile falls
// on one. 0 when the mixture has no weight. The search stops when F is within 1e-10 of p and a Newton
// step from there is below 1e-9 in ln x, or when a step is below 1e-4 in
// ln x and small enough against the scale the CDF's slope changes on
// (converged): the error left is of the order of its cube for Halley, its
// square for Newton, over that scale's square or itself.
//
// Safeguarded Halley steps on the probit of F against ln x (probitStep)
// inside a bracket that shrinks at every step, starting between the
// components' own quantiles (the mixture's lies between them: F is below p
// under the smallest and at least p above the largest), at the heaviest
// component's. When exactly one point mass is left inside the bracket it
// is the next trial (where the CDF jumps Newton only creeps), and a step
// that would leave the bracket goes to the lowest point mass inside it,
// or, when there is none, to the zero of the probit's chord across the
// bracket (interpolate), or its midpoint once three trials in a row moved
// the same end. The trials move by a factor exp(step) (expStep) and the
// bracket's ends are compared in ms: logarithms are taken only of x minus
// each distinct shift (qMixAt) and, to interpolate, of the bracket's ends.
// quantile prepares its components (prepQ) in a new slice; the search
// itself (quantileIn, percentilesIn with room in buf) allocates nothing.
func quantile(cs []comp, p float64) float64 {
	qs, total := prepQ(cs, nil)
	x, _ := quantileIn(qs, total, p, -1, 0, 0, 0)
	return x
}

// probe is one evaluation of a mixture's CDF: at x ms, the weighted CDF f
// and its first and second derivatives d and dd with respect to ln x.
type probe struct{ x, f, d, dd float64 }

// nearShare is how close, as a share of the tail beyond p, the CDF must be
// to p for probitStep to step on the CDF itself rather than its probit (a
// tuning choice, not a model figure: the quantile's tolerance is the same).
const nearShare = 0.05

// probitStep returns the step in ln x that Halley's method takes towards
// the p quantile (zt its standard normal quantile) from a point where the
// CDF's share of total is pf (0 < pf < 1) with derivatives d > 0 and dd
// (of the weighted CDF, with respect to ln x). Away from p it steps on the
// probit of the CDF, linear in ln x for one lognormal, so that Newton's
// step (the first factor) is exact there; within nearShare it steps on the
// CDF itself, which needs no transcendental function. Halley's correction
// makes the convergence cubic for a mixture, and is dropped when it would
// more than double or halve the step. (Stopping on a Halley step below
// 1e-3 instead of 1e-4 stepped over point masses and stopped short by up
// to 5e-4 relative on corpus mixtures: TestQuantileCorpusMixtures.)
func probitStep(p, zt, pf, d, dd, total float64) (step float64, halley bool) {
	var g, h1, h2 float64
	if math.Abs(pf-p) <= nearShare*min(p, 1-p) {
		// Near the quantile: Halley on F itself, cubic there too, with
		// no transcendental function.
		g, h1, h2 = pf-p, d/total, dd/total
	} else {
		zf := normQuantile(pf)
		_, phi := normCDFPDFTab(zf)
		h1 = d / total / phi         // d probit / d ln x
		h2 = dd/total/phi + zf*h1*h1 // d^2 probit / d ln x^2
		g = zf - zt
	}
	step = -g / h1
	if den := 1 - g*h2/(2*h1*h1); den >= 0.5 && den <= 2 {
		step /= den
		halley = true
	}
	return step, halley
}

// quantileIn is quantile searched in (lo, hi), where F(lo) < p·total <=
// F(hi), from x0 in it. j >= 0 says p is pctP[j] (the components' q[j] are
// its quantiles); lo = 0 takes the bracket from the components' quantiles
// and x0 = 0 the quantile of the heaviest of them. qs and total are
// prepQ's. It returns the quantile and the last point evaluated (f 0 when
// none was).
func quantileIn(qs []qcomp, total, p float64, j int, lo, hi, x0 float64) (float64, probe) {
	if total <= 0 {
		return 0, probe{}
	}
	zt := 0.0
	if j >= 0 {
		zt = pctZ[j]
	} else {
		zt = normQuantile(p)
	}
	if !(lo > 0 && hi > lo) || x0 == 0 {
		qlo, qhi, sq, wmax, first := math.Inf(1), 0.0, 0.0, 0.0, len(qs)
		for i := range qs {
			c := &qs[i]
			q := 0.0
			if j >= 0 {
				q = c.q[j]
			} else {
				q = min(c.shift+math.Exp(c.mu+c.sigma*zt), c.capMS)
			}
			qlo, qhi = min(qlo, q), max(qhi, q)
			if c.w > wmax || c.w == wmax && c.ord < first { // the first heaviest component's quantile: the start
				wmax, sq, first = c.w, q, c.ord
			}
		}
		if !(lo > 0 && hi > lo) {
			lo, hi = qlo*(1-1e-9), qhi*(1+1e-9)
		}
		if x0 == 0 {
			x0 = sq
		}
	}
	x := x0
	if !(x > lo && x < hi) {
		x = math.Sqrt(lo * hi)
	}
	target := p * total
	tol := 1e-10 * total
	var last probe
	// flo and fhi are F/total at lo and hi, NaN until evaluated there.
	flo, fhi := math.NaN(), math.NaN()
	// side is the end the last trial moved (-1 lo, +1 hi) and same how
	// many trials in a row moved it.
	side, same := 0, 0
	for it := range 200 {
		f, d, dd, atom := qMixAt(qs, x)
		last = probe{x, f, d, dd}
		g := f - target
		if g >= 0 && f-atom < target || math.Abs(g) <= tol && math.Abs(g) <= 1e-9*d {
			return x, last
		}
		s := 1
		if g < 0 {
			lo, flo, s = x, f/total, -1
		} else {
			// Below x, where the quantile lies, the CDF is without the
			// point masses at x.
			f, g = f-atom, g-atom
			hi, fhi = x, f/total
		}
		if s == side {
			same++
		} else {
			side, same = s, 1
		}
		if hi-lo < 1e-12*lo { // ln hi - ln lo below 1e-12
			return hi, last
		}
		// Point masses strictly inside the bracket.
		n, ax := 0, math.Inf(1) // how many (at least), and the lowest
		for i := range qs {
			c := &qs[i]
			if c.wAt > 0 && c.atX > lo && c.atX < hi && c.atX != ax {
				n++
				ax = min(ax, c.atX)
			}
		}
		if n == 1 {
			x = ax
			continue
		}
		// Past 30 trials (Newton steps that keep crossing a narrow
		// component's rise, each moving an end a little), every other
		// trial is the safeguard's (a point mass, the chord, the midpoint).
		if d > 0 && (it < 30 || it&1 == 1) {
			// Halley on the probit of F: exact in one step for one
			// lognormal, nearly so for a mixture. Plain Newton where the
			// probit is unbounded.
			step, halley := -g/d, false
			if pf := f / total; pf > 1e-12 && pf < 1-1e-12 {
				step, halley = probitStep(p, zt, pf, d, dd, total)
			}
			if next := x * expStep(step); next > lo && next < hi {
				if math.Abs(step) < 1e-4 && converged(qs, x, next, step, d, dd, halley) {
					// Converged: Halley's error after this step is of the
					// order of the step cubed (Newton's, where it fell
					// back, squared).
					return next, last
				}
				x = next
				continue
			}
		}
		if n > 0 {
			x = ax
			continue
		}
		ulo, uhi := math.Log(lo), math.Log(hi)
		next := (ulo + uhi) / 2
		if same < 3 {
			// A chord that keeps moving the same end converges slowly
			// (regula falsi's stall): bisect instead.
			next = interpolate(ulo, uhi, flo, fhi, p, zt)
		}
		x = math.Exp(next)
	}
	return hi, last
}

// converged reports whether the search may stop on a step of step in
// ln x from x to next, at most 1e-4, with d and dd the weighted CDF's
// derivatives at x and halley whether the step was Halley's (else
// Newton's): whether the error it leaves, of the order of step^3/l^2
// (Halley) or step^2/l (Newton), is within convTol, l being the narrowest
// scale in ln x on which the CDF's slope changes between x and next: its
// own, d/|dd|, and each lognormal's there, sigma (y - shift)/y (a
// component of log-sd 0.001, or 1.35 ms past a 25 ms shift with log-sd
// 0.03, is 7e-5 wide: a 1e-4 step across it left errors up to 0.86
// relative). Never across a cap within a component's support, where the
// density jumps (d is one side's).
func converged(qs []qcomp, x, next, step, d, dd float64, halley bool) bool {
	a, b := min(x, next), max(x, next)
	l := math.Inf(1)
	if dd != 0 {
		l = math.Abs(d / dd)
	}
	for i := range qs {
		c := &qs[i]
		if c.invSig == 0 || c.lo > b || c.hi < a {
			continue
		}
		if c.hi == c.capMS && c.hi >= a && c.hi <= b {
			return false
		}
		y := max(a, c.lo)
		l = min(l, c.sigma*(y-c.shift)/y)
	}
	s := math.Abs(step)
	if !(s < l) {
		// The error estimates hold for steps below l only (a step
		// inside a component narrower than 1e-10 passes them whatever
		// its size against l: TestQuantileNarrowComponent).
		return false
	}
	if halley {
		return s*s*s <= convTol*l*l
	}
	return s*s <= convTol*l
}

// convTol is the error, in ln x, converged lets a last step leave, before
// its constant (a tuning choice, not a model figure: 1e-10 keeps every
// percentile of TestQuantileRandomMixtures within 1e-9 at 0.3 % more CDF
// evaluations than the bare 1e-4 step stop).
const convTol = 1e-10

// interpolate returns the next trial in ln x inside the bracket (ulo, uhi)
// where the CDF's shares are flo < p <= fhi (NaN where not evaluated): the
// zero of the probit's chord (regula falsi, exact for one lognormal), or
// the chord of the CDF where the probit is unbounded, kept in the middle
// 80 % of the bracket so that it shrinks; the midpoint when an end is not
// known.
func interpolate(ulo, uhi, flo, fhi, p, zt float64) float64 {
	if !(flo >= 0 && fhi > flo) {
		return (ulo + uhi) / 2
	}
	t := (p - flo) / (fhi - flo)
	if flo > 1e-12 && fhi < 1-1e-12 {
		zlo, zhi := normQuantile(flo), normQuantile(fhi)
		t = (zt - zlo) / (zhi - zlo)
	}
	return ulo + (uhi-ulo)*min(max(t, 0.1), 0.9)
}

// percentiles returns the mixture's p50, p95 and p99, in ms, kept in order:
// the p99 searched on its own (so that it is the same, bit for bit, when
// the others are not wanted: percentilesIn), the p95's search starting
// where the p50's last point predicts, and the p95 at most the p99.
func percentiles(cs []comp) (p50, p95, p99 float64) {
	var buf [nComp]qcomp
	return percentilesIn(cs, buf[:0], false)
}

// percentilesIn is percentiles with buf as the scratch of prepQ (it
// allocates only when cs has more weighted components than buf's
// capacity); with onlyP99 it searches the p99 alone and returns NaN for
// the p50 and p95.
func percentilesIn(cs []comp, buf []qcomp, onlyP99 bool) (p50, p95, p99 float64) {
	qs, total := prepQ(cs, buf)
	return percentilesQ(qs, total, onlyP99)
}

// percentilesQ is percentilesIn from the prepared components (prepQ).
func percentilesQ(qs []qcomp, total float64, onlyP99 bool) (p50, p95, p99 float64) {
	p99, _ = quantileIn(qs, total, pctP[2], 2, 0, 0, 0)
	if onlyP99 {
		return math.NaN(), math.NaN(), p99
	}
	var last probe
	p50, last = quantileIn(qs, total, pctP[0], 0, 0, 0, 0)
	p95, _ = nextQuantile(qs, 1, total, p50, last)
	return min(p50, p99), min(p95, p99), p99
}

// nextQuantile is the pctP[j] quantile given a lower one, prev, whose
// search evaluated the CDF last at last: prev itself when that reaches p,
// else searched above prev, from the probit Halley step at last (exact for
// one lognormal) when it lands in the bracket, else from the components'
// weighted mean.
func nextQuantile(qs []qcomp, j int, total, prev float64, last probe) (float64, probe) {
	p := pctP[j]
	if last.f >= p*total {
		return prev, last
	}
	qhi := 0.0
	for i := range qs {
		qhi = max(qhi, qs[i].q[j])
	}
	lo, hi := prev, qhi*(1+1e-9)
	if !(lo > 0 && lo < hi) {
		lo, hi = 0, 0
	}
	x0 := 0.0
	if pf := last.f / total; lo > 0 && last.x > 0 && last.d > 0 && pf > 1e-12 && pf < 1-1e-12 {
		step, _ := probitStep(p, pctZ[j], pf, last.d, last.dd, total)
		x0 = last.x * expStep(step)
		if !(x0 > lo && x0 < hi) {
			x0 = 0
		}
	}
	x, l := quantileIn(qs, total, p, j, lo, hi, x0)
	return max(x, prev), l
}

// normCDFPDF returns the standard normal CDF and density at z, with one
// exponential: Hart's double-precision algorithm 5666 (J. F. Hart et al.,
// "Computer Approximations", 1968) as G. West gives it ("Better
// approximations to cumulative normal functions", Wilmott Magazine, 2005,
// figure 2); absolute error under 1e-15 (TestNormCDF against math.Erfc).
func normCDFPDF(z float64) (cdf, pdf float64) {
	a := math.Abs(z)
	e := math.Exp(-a * a / 2)
	pdf = e / sqrt2Pi
	switch {
	case a > 37:
		cdf = 0
	case a < 7.07106781186547:
		n := 3.52624965998911e-02*a + 0.700383064443688
		n = n*a + 6.37396220353165
		n = n*a + 33.912866078383
		n = n*a + 112.079291497871
		n = n*a + 221.213596169931
		n = n*a + 220.206867912376
		d := 8.83883476483184e-02*a + 1.75566716318264
		d = d*a + 16.064177579207
		d = d*a + 86.7807322029461
		d = d*a + 296.564248779674
		d = d*a + 637.333633378831
		d = d*a + 793.826512519948
		d = d*a + 440.413735824752
		cdf = e * n / d
	default:
		b := a + 0.65
		b = a + 4/b
		b = a + 3/b
		b = a + 2/b
		b = a + 1/b
		cdf = e / b / sqrt2Pi
	}
	if z > 0 {
		cdf = 1 - cdf
	}
	return cdf, pdf
}

// normQuantile returns the standard normal quantile of p (Acklam's rational
// approximation, relative error below 1.2e-9; P. J. Acklam, "An algorithm
// for computing the inverse normal cumulative distribution function", 2003).
func normQuantile(p float64) float64 {
	if p <= 0 {
		return math.Inf(-1)
	}
	if p >= 1 {
		return math.Inf(1)
	}
	const plow = 0.02425
	a := [6]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := [5]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	c := [6]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	d := [4]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
	if p < plow {
		q := math.Sqrt(-2 * math.Log(p))
		return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	}
	if p > 1-plow {
		q := math.Sqrt(-2 * math.Log(1-p))
		return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	}
	q := p - 0.5
	r := q * q
	return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
}

// lognormalParams returns the log-mean and log-sd of a lognormal with the
// given mean and coefficient of variation.
func lognormalParams(mean, cv float64) (mu, sigma float64) {
	s2 := math.Log1p(cv * cv)
	return math.Log(mean) - s2/2, math.Sqrt(s2)
}

// cappedMean returns E[min(X, t)] for X lognormal with log-mean mu and
// log-sd sigma, in the unit of t (ms): the mean duration of invocations a
// timeout t ends, E[X; X < t] + t P(X >= t).
func cappedMean(t, mu, sigma float64) float64 {
	if t <= 0 {
		return 0
	}
	if sigma <= 0 {
		return min(math.Exp(mu), t)
	}
	z := (math.Log(t) - mu) / sigma
	below := math.Exp(mu+sigma*sigma/2) * 0.5 * math.Erfc(-(z-sigma)/math.Sqrt2)
	return below + t*0.5*math.Erfc(z/math.Sqrt2)
}

// cappedMeanTail returns cappedMean(t, mu, sigma) and upperTail(t, 0, mu,
// sigma), bit for bit, from one logarithm and one erfc for the tail (t > 0).
func cappedMeanTail(t, mu, sigma float64) (mean, tail float64) {
	if t <= 0 || sigma <= 0 {
		return cappedMean(t, mu, sigma), upperTail(t, 0, mu, sigma)
	}
	z := (math.Log(t) - mu) / sigma
	below := math.Exp(mu+sigma*sigma/2) * 0.5 * math.Erfc(-(z-sigma)/math.Sqrt2)
	tail = 0.5 * math.Erfc(z/math.Sqrt2)
	return below + t*tail, tail
}

// upperTail returns P(X > t) for X = shift + lognormal(mu, sigma).
func upperTail(t, shift, mu, sigma float64) float64 {
	y := t - shift
	if y <= 0 {
		return 1
	}
	if sigma <= 0 {
		if math.Log(y) < mu {
			return 1
		}
		return 0
	}
	z := (math.Log(y) - mu) / sigma
	return 0.5 * math.Erfc(z/math.Sqrt2)
}
