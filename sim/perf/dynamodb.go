package perf

import (
	"math"

	"github.com/evoarch/evoarch/sim/infra"
)

// evalTables sums every function's DynamoDB demand per table and regime and
// turns it into a per-attempt throttle probability: the share of the
// demand's capacity units the table cannot serve (a fluid model; retried
// attempts are taken as independent).
//
// The demand depends on the variant only through each function's
// ev.invoked (rates, calls and item sizes are fixed at Compile): when every
// one is bit for bit the one of the last sum (fnModel.demInv), the sums
// are the same and are kept. Each direction's throttleShare is computed
// again only when one of its inputs (shareIn) changed; tableModel.moved
// says whether qRead or qWrite changed bits in this call.
func (m *Model) evalTables(st *infra.State) {
	if !m.demOK || m.invokedMoved() {
		m.sumDemand()
	}
	for t := range m.tables {
		m.evalTable(st, t)
	}
}

// evalTable computes table t's throttle probabilities again when one of
// their inputs changed (evalTables).
func (m *Model) evalTable(st *infra.State, t int) {
	tm := &m.tables[t]
	tab := &st.Tables[t]
	tp := 0.0
	if tm.weight > 0 {
		tp = tm.peakShare / tm.weight * secondsPerDay
	}
	tm.moved = false
	if !tm.inR.same(tm.demR, tp, tab.Provisioned, tab.RCU, tab.AutoScaleTarget, tab.AutoScaleMinRCU, tab.AutoScaleMaxRCU) {
		tm.inR.set(tm.demR, tp, tab.Provisioned, tab.RCU, tab.AutoScaleTarget, tab.AutoScaleMinRCU, tab.AutoScaleMaxRCU)
		q := throttleShare(tm.demR, tp, tab.Provisioned, tab.RCU, tab.AutoScaleTarget, tab.AutoScaleMinRCU, tab.AutoScaleMaxRCU)
		tm.moved = tm.moved || !sameBits2(q, tm.qRead)
		tm.qRead = q
	}
	if !tm.inW.same(tm.demW, tp, tab.Provisioned, tab.WCU, tab.AutoScaleTarget, tab.AutoScaleMinWCU, tab.AutoScaleMaxWCU) {
		tm.inW.set(tm.demW, tp, tab.Provisioned, tab.WCU, tab.AutoScaleTarget, tab.AutoScaleMinWCU, tab.AutoScaleMaxWCU)
		q := throttleShare(tm.demW, tp, tab.Provisioned, tab.WCU, tab.AutoScaleTarget, tab.AutoScaleMinWCU, tab.AutoScaleMaxWCU)
		tm.moved = tm.moved || !sameBits2(q, tm.qWrite)
		tm.qWrite = q
	}
}

// evalTablesChanged is evalTables for EvalChanged: st is the previous
// call's State with only the tables ch lists rewritten (of the tables),
// and prepared says whether a function was prepared again in this call
// (prepare is the only writer of a function's invoked share: without it
// none moved). Unless the demand is summed again, a table ch does not
// list has every throttleShare input of the last call (its fields, its
// demand and its peak share) and keeps its probabilities: moved false, as
// evalTable's comparisons would leave it.
func (m *Model) evalTablesChanged(st *infra.State, prepared bool, ch *infra.Changed) {
	// A table t < 64 whose bit is clear is not listed (ch.Mask).
	tables := ch.Mask('t')
	if !m.demOK || prepared && m.invokedMoved() {
		m.sumDemand()
		tables = ^uint64(0)
	}
	for t := range m.tables {
		if t < 64 && tables>>t&1 == 0 {
			m.tables[t].moved = false
			continue
		}
		m.evalTable(st, t)
	}
}

// invokedMoved reports whether a function with traffic has an ev.invoked
// other (by its bits) than the one the demand was last summed with.
func (m *Model) invokedMoved() bool {
	for i := range m.fns {
		if fm := &m.fns[i]; fm.has && fbits(fm.ev.invoked) != fm.demInv {
			return true
		}
	}
	return false
}

// sumDemand sums every function's DynamoDB demand per table and regime
// (units/s) and the tables' peak shares, recording each function's
// ev.invoked in demInv.
func (m *Model) sumDemand() {
	for t := range m.tables {
		m.tables[t].demR = [2]float64{}
		m.tables[t].demW = [2]float64{}
		m.tables[t].peakShare, m.tables[t].weight = 0, 0
	}
	for i := range m.fns {
		fm := &m.fns[i]
		if !fm.has {
			continue
		}
		fm.demInv = fbits(fm.ev.invoked)
		for k := range fm.calls {
			c := &fm.calls[k]
			if c.table < 0 || c.table >= len(m.tables) {
				continue
			}
			tm := &m.tables[c.table]
			// The table's peak lasts as long as its callers', weighted
			// by their traffic.
			tm.peakShare += fm.rate * fm.timeShare[peak]
			tm.weight += fm.rate
			for r := 0; r < 2; r++ {
				lam := fm.rates[r] * fm.ev.invoked
				tm.demR[r] += lam * c.reads * tm.readUnits
				tm.demW[r] += lam * c.writes * tm.writeUnits
			}
		}
	}
	m.demOK = true
}

// shareIn is what throttleShare read for one direction (reads or writes)
// of a table, floats by their bits; valid is false in the zero value,
// which matches no call's.
type shareIn struct {
	dem                       [2]uint64
	tp, units, target, lo, hi uint64
	provisioned, valid        bool
}

// same reports whether throttleShare's arguments are bit for bit the ones
// set recorded.
func (s *shareIn) same(dem [2]float64, tp float64, provisioned bool, units, target, lo, hi float64) bool {
	return s.valid && s.dem[0] == fbits(dem[0]) && s.dem[1] == fbits(dem[1]) && s.tp == fbits(tp) &&
		s.provisioned == provisioned && s.units == fbits(units) && s.target == fbits(target) &&
		s.lo == fbits(lo) && s.hi == fbits(hi)
}

// set records throttleShare's arguments.
func (s *shareIn) set(dem [2]float64, tp float64, provisioned bool, units, target, lo, hi float64) {
	*s = shareIn{dem: [2]uint64{fbits(dem[0]), fbits(dem[1])}, tp: fbits(tp), units: fbits(units),
		target: fbits(target), lo: fbits(lo), hi: fbits(hi), provisioned: provisioned, valid: true}
}

// sameBits2 reports whether a and b are bit for bit equal.
func sameBits2(a, b [2]float64) bool {
	return fbits(a[0]) == fbits(b[0]) && fbits(a[1]) == fbits(b[1])
}

// throttleShare returns, per regime, the share of a table's demand (units
// per second, off-peak and peak) that is throttled; the peak lasts tp
// seconds a day.
//
// On-demand: only past twice the previous peak (the daily peak itself, so
// never for a steady daily shape) or the 40,000-unit table quota
// (aws-facts.md 3.6).
//
// Provisioned: capacity units, or with auto scaling demand / target within
// [min, max] (min defaults to the provisioned units, max to the table
// quota). The burst bucket holds 300 s of capacity, filled by the off-peak
// spare capacity; it absorbs the peak's excess first. Auto scaling holds the
// off-peak capacity for its 2-minute delay after the peak starts
// (aws-facts.md 3.6).
func throttleShare(dem [2]float64, tp float64, provisioned bool, units, target, minU, maxU float64) [2]float64 {
	var q [2]float64
	if !provisioned {
		limit := min(ddbTableMaxUnits, ddbOnDemandHeadroom*dem[peak])
		for r := range q {
			if dem[r] > limit && dem[r] > 0 {
				q[r] = (dem[r] - limit) / dem[r]
			}
		}
		return q
	}
	units = max(units, ddbMinUnits)
	capFor := func(d float64) float64 {
		if target <= 0 {
			return min(units, ddbTableMaxUnits)
		}
		lo, hi := minU, maxU
		if lo <= 0 {
			lo = units
		}
		if hi <= 0 {
			hi = ddbTableMaxUnits
		}
		lo = max(lo, ddbMinUnits)
		hi = min(max(hi, lo), ddbTableMaxUnits)
		return max(lo, min(hi, d/(target/100)))
	}
	capOff, capPeak := capFor(dem[offPeak]), capFor(dem[peak])
	if d := dem[offPeak]; d > capOff {
		q[offPeak] = (d - capOff) / d
	}
	d := dem[peak]
	if d <= 0 || tp <= 0 {
		return q
	}
	bucket := 0.0
	if capOff > dem[offPeak] {
		bucket = ddbBurstS * capOff
	}
	throttled := 0.0
	if target > 0 {
		tau := min(ddbScaleDelayS, tp)
		deficit := max(0, d-capOff) * tau
		use := min(bucket, deficit)
		throttled, bucket = deficit-use, bucket-use
		rest := max(0, d-capPeak) * (tp - tau)
		throttled += rest - min(bucket, rest)
	} else {
		throttled = max(0, max(0, d-capPeak)*tp-bucket)
	}
	q[peak] = min(1, throttled/(d*tp))
	return q
}

// maxExactCalls is the most throttled DynamoDB calls per invocation for
// which retryRates counts the retries exactly; beyond it the model falls
// back to one lognormal for the retried invocations (evalLoad).
const maxExactCalls = 8

// ghZ and ghW are the 16-point Gauss-Hermite rule for a standard normal
// (probabilists' nodes, weights summing to 1), the positive half: the rule
// is symmetric. Computed by Newton's method on the Hermite recurrence
// (Numerical Recipes "gauher"), to 17 digits.
var (
	ghZ = [8]float64{6.6308781983931295, 5.4722257059493433, 4.492955302520012, 3.6008736241715487,
		2.7602450476307019, 1.9519803457163336, 1.1638291005549648, 0.38676060450055738}
	ghW = [8]float64{1.4978147231618293e-10, 1.3094732162868184e-07, 1.5300032162487265e-05, 0.00052598492657390914,
		0.0072669376011847316, 0.047284752354014005, 0.15833837275094903, 0.28656852123801202}
)

// retryRates returns, for regime r, the share of invocations that time out
// and the share that fail (a timeout, or a DynamoDB call throttled on all
// sdkAttempts attempts), counting the retries exactly: each call's outcome
// (no retry, one, two and success, two and failure) is drawn independently
// with its table's per-attempt throttle probability, so the number a of
// calls that retried and b of those that retried twice have a distribution
// found by recurrence over the calls (a fractional count n is floor(n)
// calls and one more with probability n - floor(n), as the Monte Carlo
// draws it). Given (a, b), the extra time is 5 ms per retry plus a sum of a
// U[0, 2 s) and b U[0, 4 s) backoffs, whose CDF is the closed form of a
// sum of uniforms; the duration's lognormal is integrated by a 16-point
// Gauss-Hermite rule. A failed call and a long wait come from the same
// throttled attempts, so the two are counted together, not as independent.
// ok is false when more than maxExactCalls calls can throttle.
//
// toWarm is upperTail(timeoutMS, 0, mu, sigma), timeoutGiven's value
// without retries; its values with them are kept in fm.given between the
// two regimes' calls (they depend on neither), valid while fm.givenOK, and
// the durations at the quadrature's nodes in fm.ghD, valid while fm.ghOK
// (evalLoad clears both).
func (fm *fnModel) retryRates(r int, tables []tableModel, mu, sigma, timeoutMS, toWarm float64) (to, fail float64, ok bool) {
	// p[a][b][f]: a calls retried, b of them twice, f any call failed.
	var p [maxExactCalls + 1][maxExactCalls + 1][2]float64
	p[0][0][0] = 1
	nc := 0
	for k := range fm.calls {
		c := &fm.calls[k]
		if c.table < 0 || c.table >= len(tables) {
			continue
		}
		t := &tables[c.table]
		for _, rw := range [2]struct{ n, q float64 }{{c.reads, t.qRead[r]}, {c.writes, t.qWrite[r]}} {
			if rw.n <= 0 || rw.q <= 0 {
				continue
			}
			q := min(rw.q, 1)
			whole := math.Floor(rw.n)
			frac := rw.n - whole
			calls := int(whole)
			if frac > 0 {
				calls++
			}
			if nc+calls > maxExactCalls {
				return 0, 0, false
			}
			for j := 0; j < calls; j++ {
				w := 1.0 // the call's probability of happening
				if j == int(whole) {
					w = frac
				}
				o1, o2, o3 := w*q*(1-q), w*q*q*(1-q), w*q*q*q
				o0 := 1 - o1 - o2 - o3
				top := nc + j
				for a := top; a >= 0; a-- {
					for b := a; b >= 0; b-- {
						for f := 1; f >= 0; f-- {
							v := p[a][b][f]
							if v == 0 {
								continue
							}
							p[a][b][f] = v * o0
							p[a+1][b][f] += v * o1
							p[a+1][b+1][f] += v * o2
							p[a+1][b+1][1] += v * o3
						}
					}
				}
			}
			nc += calls
		}
	}
	for a := 0; a <= nc; a++ {
		for b := 0; b <= a; b++ {
			pa, pf := p[a][b][0], p[a][b][1]
			if pa == 0 && pf == 0 {
				continue
			}
			if !fm.givenOK {
				for i := range fm.given {
					for j := range fm.given[i] {
						fm.given[i][j] = -1
					}
				}
				fm.givenOK = true
			}
			g := toWarm
			if a > 0 {
				if g = fm.given[a][b]; g < 0 {
					if !fm.ghOK {
						fm.ghD, fm.ghOK = ghDurations(mu, sigma), true
					}
					g = timeoutGiven(a, b, &fm.ghD, mu, sigma, timeoutMS)
					fm.given[a][b] = g
				}
			}
			to += (pa + pf) * g
			fail += pf + pa*g
		}
	}
	return min(to, 1), min(fail, 1), true
}

// factorials[k] is k!, the product 2 x 3 x ... x k in that order, for the
// at most 2 maxExactCalls uniforms of backoffCDF.
var factorials = func() (f [2*maxExactCalls + 1]float64) {
	f[0] = 1
	for n := 1; n < len(f); n++ {
		f[n] = 1
		for k := 2; k <= n; k++ {
			f[n] *= float64(k)
		}
	}
	return f
}()

// binomials[n][k] is C(n, k) for n up to maxExactCalls, by the recurrence
// C(n, k+1) = C(n, k) (n - k) / (k + 1) from C(n, 0) = 1.
var binomials = func() (c [maxExactCalls + 1][maxExactCalls + 1]float64) {
	for n := range c {
		c[n][0] = 1
		for k := 0; k < n; k++ {
			c[n][k+1] = c[n][k] * float64(n-k) / float64(k+1)
		}
	}
	return c
}()

// pow2Neg[b] is 2^-b, exactly.
var pow2Neg = func() (p [maxExactCalls + 1]float64) {
	for b := range p {
		p[b] = math.Ldexp(1, -b)
	}
	return p
}()

// ghDurations returns the durations, ms, of lognormal(mu, sigma) at the
// Gauss-Hermite nodes in timeoutGiven's order: d[2i] and d[2i+1] at
// -ghZ[i] and +ghZ[i] standard deviations.
func ghDurations(mu, sigma float64) (d [2 * len(ghZ)]float64) {
	for i, z := range ghZ {
		for k, s := range [2]float64{-1, 1} {
			d[2*i+k] = math.Exp(mu + sigma*s*z)
		}
	}
	return d
}

// timeoutGiven is P(D + S > timeoutMS) for the duration D ~ lognormal(mu,
// sigma) and the extra time S of a calls retried once or more, b of them
// twice (see retryRates); d is ghDurations(mu, sigma), which does not
// depend on a and b.
func timeoutGiven(a, b int, d *[2 * len(ghZ)]float64, mu, sigma, timeoutMS float64) float64 {
	if a == 0 {
		return upperTail(timeoutMS, 0, mu, sigma)
	}
	room := timeoutMS - float64(a+b)*ddbCallMS
	g := 0.0
	for i := range ghZ {
		for k := range 2 {
			g += ghW[i] * (1 - backoffCDF(a, b, (room-d[2*i+k])/sdkBackoff1MaxMS))
		}
	}
	return max(0, min(1, g))
}

// backoffCDF is P(U_1 + ... + U_a + 2 V_1 + ... + 2 V_b <= x) for
// independent uniforms on [0, 1): the backoffs of a first and b second
// retries in units of sdkBackoff1MaxMS (sdkBackoff2MaxMS is twice it). For
// independent U[0, w_k), n of them, the CDF is the sum over subsets S of
// (-1)^|S| (x - sum_S w)_+^n / (n! prod w); grouping the subsets by how
// many of each width they hold leaves (a+1)(b+1) terms.
func backoffCDF(a, b int, x float64) float64 {
	n := a + b
	if x <= 0 {
		return 0
	}
	if x >= float64(a+2*b) {
		return 1
	}
	sum := 0.0
	// y falls as i and j grow: the first y <= 0 ends a row (and a row
	// that starts there, the sum).
	for i := 0; i <= a; i++ {
		if x-float64(i) <= 0 {
			break
		}
		ci := binomials[a][i]
		for j := 0; j <= b; j++ {
			y := x - float64(i) - 2*float64(j)
			if y <= 0 {
				break
			}
			t := ci * binomials[b][j]
			for range n {
				t *= y
			}
			if (i+j)%2 == 1 {
				t = -t
			}
			sum += t
		}
	}
	fact := factorials[n] // n <= 2 maxExactCalls
	// Times 2^-b: math.Ldexp(sum/fact, -b), one correctly rounded
	// product either way.
	return max(0, min(1, sum/fact*pow2Neg[b]))
}
