package perf

import (
	"math"

	"github.com/evoarch/evoarch/sim/infra"
)

// secondsPerDay turns the regimes' shares of a day into seconds.
const secondsPerDay = 86400

// Eval computes the performance of the variant st into out without
// allocating. st must have the shape of the State Compile read (the same
// resources in the same order, as infra.Binder produces); out must come from
// NewResult. It panics when the shapes differ, a programming error.
func (m *Model) Eval(st *infra.State, out *Result) {
	if len(st.Functions) != len(m.fns) || len(st.Tables) != len(m.tables) || len(out.Functions) != len(m.fns) {
		panic("perf: Eval on a State or Result of another shape than the compiled one")
	}
	// 1. Each function's duration, INIT and cache share.
	for i := range m.fns {
		fm := &m.fns[i]
		f := &st.Functions[i]
		ev := &fm.ev
		ev.durMS = fm.durationMS(f.MemoryMB, f.Arch, st.Buckets)
		ev.mu, ev.sigma = lognormalParams(ev.durMS, fm.cv)
		if fm.row < 0 || fm.rowRuntime != f.Runtime {
			fm.row, fm.rowRuntime = runtimeRow(f.Runtime, f.Image), f.Runtime
		}
		ev.init = initFor(fm.row, f.MemoryMB, f.Arch, fm.pkgMB)
		ev.overMS, ev.cacheHit = 0, 0
		if f.API >= 0 && f.API < len(st.APIs) && !fm.async {
			api := &st.APIs[f.API]
			ev.overMS = httpAPIOverheadMS
			if api.REST {
				ev.overMS = restAPIOverheadMS
				if api.CacheGB > 0 && f.API < len(m.apiHit) {
					ev.cacheHit = m.apiHit[f.API]
				}
			}
		}
		ev.invoked = 1 - ev.cacheHit
		ev.timeoutMS = f.TimeoutS * 1000
		if ev.timeoutMS <= 0 {
			ev.timeoutMS = infra.DefaultTimeoutS * 1000
		}
		ev.cap = -1
		if f.Reserved >= 0 {
			ev.cap = f.Reserved
		}
		ev.prov = max(f.Provisioned, 0)
		if ev.cap >= 0 && ev.prov > ev.cap {
			ev.prov = ev.cap
		}
	}
	// 2. DynamoDB demand and throttling.
	m.evalTables(st)
	// 3. Retries, concurrency, provisioned spill-over and cold starts.
	reserved := 0
	var poolLoad [2]float64
	for i := range m.fns {
		fm := &m.fns[i]
		if f := &st.Functions[i]; f.Reserved > 0 {
			reserved += f.Reserved
		}
		if !fm.has {
			continue
		}
		fm.evalLoad(m.tables)
		if fm.ev.cap < 0 {
			poolLoad[offPeak] += fm.ev.load[offPeak]
			poolLoad[peak] += fm.ev.load[peak]
		}
	}
	// 4. The unreserved pool, shared by every function without a
	// reservation (multi-class Erlang loss: one blocking for all). Peaks
	// are taken to coincide.
	pool := m.unreservedPool(reserved)
	for r := range m.poolBlock {
		m.poolBlock[r] = erlangB(poolLoad[r], pool)
	}
	// 5. Per function figures and latency components.
	totalRate, errRate := 0.0, 0.0
	for i := range m.fns {
		fm := &m.fns[i]
		fr := &out.Functions[i]
		cs := m.comps[i*nComp : (i+1)*nComp]
		fm.results(fr, cs, m.poolBlock)
		if !fm.has {
			continue
		}
		totalRate += fm.rate
		errRate += fm.rate * fm.ev.invoked * fr.ErrorRate
	}
	// 6. The application: every synchronous function's mixture weighted by
	// its request rate.
	app := &out.App
	*app = AppResult{Availability: 1}
	if totalRate <= 0 {
		return
	}
	app.RequestsPerSecond = totalRate
	app.ErrorRate = errRate / totalRate
	app.Availability = 1 - app.ErrorRate
	userRate := 0.0
	for i := range m.fns {
		fm := &m.fns[i]
		w := fm.rate
		if !fm.has || fm.async {
			w = 0
		}
		userRate += w
		for k := i * nComp; k < (i+1)*nComp; k++ {
			m.comps[k].w *= w
		}
	}
	if userRate > 0 {
		app.P50MS, app.P95MS, app.P99MS = percentiles(m.comps)
	}
}

// unreservedPool is the concurrency left to functions without a
// reservation: the account limit minus the reservations, never below
// minUnreserved (nor above the account limit).
func (m *Model) unreservedPool(reserved int) int {
	return max(m.accountConc-reserved, min(minUnreserved, m.accountConc))
}

// evalLoad computes a function's DynamoDB retries, offered concurrency,
// provisioned spill-over and cold starts, per regime.
func (fm *fnModel) evalLoad(tables []tableModel) {
	ev := &fm.ev
	sumW, sumM1, sumM2 := 0.0, 0.0, 0.0
	var extra [2]float64
	for r := 0; r < 2; r++ {
		logNo, logNoFail, ex, vx := 0.0, 0.0, 0.0, 0.0
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
				q := math.Min(rw.q, 1)
				logNo += rw.n * math.Log1p(-q)
				// A call fails when all sdkAttempts attempts are throttled.
				qn := 1.0
				for range sdkAttempts {
					qn *= q
				}
				logNoFail += rw.n * math.Log1p(-qn)
				// A throttled attempt waits the backoff and calls again: the
				// extra time of one call is X = B1 (a1 + B2 a2), B Bernoulli(q),
				// a1 = U[0, 2 s) + call, a2 = U[0, 4 s) + call.
				m1, m2 := retryMoments(q)
				ex += rw.n * m1
				vx += rw.n * (m2 - m1*m1)
			}
		}
		ev.pRetry[r] = -math.Expm1(logNo)
		ev.fail[r] = -math.Expm1(logNoFail)
		extra[r] = ex
		if ev.pRetry[r] > 0 {
			sumW += fm.reqShare[r] * ev.pRetry[r]
			sumM1 += fm.reqShare[r] * ex
			sumM2 += fm.reqShare[r] * (vx + ex*ex)
		}
	}
	// The extra time of the requests that retried, over both regimes:
	// E[S | retried] and its variance.
	ev.retryMS, ev.retryVar = 0, 0
	if sumW > 0 {
		ev.retryMS = sumM1 / sumW
		ev.retryVar = math.Max(0, sumM2/sumW-ev.retryMS*ev.retryMS)
	}
	initMS := ev.init.mean()
	for r := 0; r < 2; r++ {
		lam := fm.rates[r] * ev.invoked / 1000 // per ms
		dur := ev.durMS + extra[r]
		a0 := lam * dur
		ev.spill[r] = 1
		if ev.prov > 0 {
			ev.spill[r] = erlangB(a0, ev.prov)
		}
		ev.cold[r] = ev.spill[r] * coldRate(a0*ev.spill[r], lam*ev.spill[r], dur, fm.lifeMS)
		ev.load[r] = a0
	}
	// Scaling up from the off-peak pool to the peak one once a day starts
	// the difference in environments cold.
	if tp := fm.timeShare[peak] * secondsPerDay; tp > 0 && fm.timeShare[offPeak] > 0 && fm.rates[peak] > 0 {
		ramp := ev.load[peak] - math.Max(ev.load[offPeak], float64(ev.prov))
		if ramp > 0 {
			ev.cold[peak] = math.Min(1, ev.cold[peak]+ramp/(fm.rates[peak]*ev.invoked*tp))
		}
	}
	for r := 0; r < 2; r++ {
		ev.load[r] += fm.rates[r] * ev.invoked / 1000 * ev.cold[r] * initMS
	}
}

// results writes a function's figures and its latency components.
func (fm *fnModel) results(fr *FunctionResult, cs []comp, poolBlock [2]float64) {
	ev := &fm.ev
	*fr = FunctionResult{
		MeanDurationMS: ev.durMS,
		InitMS:         ev.init.mean(),
		NoTraffic:      !fm.has,
		InvokedShare:   ev.invoked,
	}
	for k := range cs {
		cs[k] = comp{}
	}
	if !fm.has {
		return
	}
	sync := !fm.async
	var to [2]float64
	toWarm := upperTail(ev.timeoutMS, 0, ev.mu, ev.sigma)
	// Retried: duration plus the retries' extra time, one lognormal with
	// their summed mean and variance (Fenton-Wilkinson).
	vd := ev.durMS * ev.durMS * fm.cv * fm.cv
	rmu, rsig := ev.mu, ev.sigma
	if ev.retryMS > 0 {
		rm := ev.durMS + ev.retryMS
		rmu, rsig = lognormalParams(rm, math.Sqrt(vd+ev.retryVar)/rm)
	}
	toRetry := upperTail(ev.timeoutMS, 0, rmu, rsig)
	extraMean := 0.0
	for r := 0; r < 2; r++ {
		w := fm.reqShare[r]
		thr := poolBlock[r]
		if ev.cap >= 0 {
			thr = erlangB(ev.load[r], ev.cap)
		}
		if r == peak {
			thr = math.Min(1, thr+fm.burstThrottle())
		}
		ev.throttle[r] = thr
		to[r] = (1-ev.pRetry[r])*toWarm + ev.pRetry[r]*toRetry
		errR := to[r] + (1-to[r])*ev.fail[r]
		if sync {
			errR = thr + (1-thr)*errR
			fr.TimeoutRate += w * (1 - thr) * to[r]
		} else {
			fr.TimeoutRate += w * to[r]
		}
		fr.ErrorRate += w * errR
		fr.ThrottleRate += w * thr
		fr.ColdStartRate += w * ev.cold[r]
		if ev.prov > 0 {
			fr.ProvisionedShare += w * (1 - ev.spill[r])
		}
		fr.MeanConcurrency += fm.timeShare[r] * ev.load[r]
		extraMean += w * ev.pRetry[r] * ev.retryMS
		// Mixture weights, as shares of the function's requests.
		served := 1.0
		if sync {
			served = 1 - thr
		} else {
			cs[cDelayed].w += ev.invoked * w * thr
		}
		base := ev.invoked * w * served
		cs[cWarm].w += base * (1 - ev.cold[r]) * (1 - ev.pRetry[r])
		cs[cWarmRetry].w += base * (1 - ev.cold[r]) * ev.pRetry[r]
		cs[cCold].w += base * ev.cold[r] * (1 - ev.pRetry[r])
		cs[cColdRetry].w += base * ev.cold[r] * ev.pRetry[r]
	}
	fr.PeakConcurrency = ev.load[peak]
	fr.MeanDurationMS = ev.durMS + extraMean
	capMS := ev.overMS + ev.timeoutMS
	cs[cWarm].shift, cs[cWarm].mu, cs[cWarm].sigma, cs[cWarm].capMS = ev.overMS, ev.mu, ev.sigma, capMS
	cs[cWarmRetry].shift, cs[cWarmRetry].mu, cs[cWarmRetry].sigma, cs[cWarmRetry].capMS = ev.overMS, rmu, rsig, capMS
	// Cold: INIT plus the duration, one lognormal with their summed mean and
	// variance (Fenton-Wilkinson).
	initLN := ev.init.mean() - ev.init.pkgMS
	mean := initLN + ev.durMS
	cmu, csig := lognormalParams(mean, math.Sqrt(ev.init.variance()+vd)/mean)
	cs[cCold].shift, cs[cCold].mu, cs[cCold].sigma = ev.overMS+ev.init.pkgMS, cmu, csig
	cs[cCold].capMS = capMS + ev.init.mean()
	mean += ev.retryMS
	cmu, csig = lognormalParams(mean, math.Sqrt(ev.init.variance()+vd+ev.retryVar)/mean)
	cs[cColdRetry].shift, cs[cColdRetry].mu, cs[cColdRetry].sigma = cs[cCold].shift, cmu, csig
	cs[cColdRetry].capMS = cs[cCold].capMS
	cs[cCache] = comp{w: ev.cacheHit, mu: math.Log(restCacheHitMS), capMS: math.Inf(1)}
	if !sync {
		cs[cDelayed].shift, cs[cDelayed].mu, cs[cDelayed].sigma = asyncRetryDelayMS, ev.mu, ev.sigma
		cs[cDelayed].capMS = asyncRetryDelayMS + ev.timeoutMS
	}
	fr.P50MS, fr.P95MS, fr.P99MS = percentiles(cs)
}

// burstThrottle is the share of peak requests throttled by the scaling
// rate (1,000 environments per 10 s per function, aws-facts.md 3.2) when
// the peak starts as a step once a day: a step of dN environments beyond
// the first 1,000 leaves a deficit shrinking at 100 per second, dN'^2/200
// environment-seconds of turned-away work.
func (fm *fnModel) burstThrottle() float64 {
	ev := &fm.ev
	tp := fm.timeShare[peak] * secondsPerDay
	if tp <= 0 || fm.timeShare[offPeak] <= 0 {
		return 0
	}
	top := ev.load[peak]
	if ev.cap >= 0 {
		top = math.Min(top, float64(ev.cap))
	}
	dn := top - math.Max(ev.load[offPeak], float64(ev.prov)) - scaleStep
	if dn <= 0 {
		return 0
	}
	envSeconds := dn * dn / (2 * scaleStep / scaleStepS)
	durS := (ev.durMS + ev.retryMS*ev.pRetry[peak]) / 1000
	return math.Min(1, envSeconds/durS/(fm.rates[peak]*ev.invoked*tp))
}

// retryMoments returns the mean and second moment of one DynamoDB call's
// extra time, ms, when each attempt is throttled with probability q: the
// SDK's standard mode waits U[0, 2 s) before the second attempt and
// U[0, 4 s) before the third (facts.go sdkBackoff*), each retry costing one
// more call. X = B1 (a1 + B2 a2).
func retryMoments(q float64) (m1, m2 float64) {
	ea1 := sdkBackoff1MaxMS/2.0 + ddbCallMS
	ea2 := sdkBackoff2MaxMS/2.0 + ddbCallMS
	ea1s := sdkBackoff1MaxMS*sdkBackoff1MaxMS/12.0 + ea1*ea1
	ea2s := sdkBackoff2MaxMS*sdkBackoff2MaxMS/12.0 + ea2*ea2
	m1 = q * (ea1 + q*ea2)
	m2 = q * (ea1s + 2*q*ea1*ea2 + q*ea2s)
	return m1, m2
}
