package perf

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/evoarch/evoarch/sim/infra"
)

// MonteCarlo is the reference the fast model is tested against: a seeded
// discrete-event simulation of about n requests over the peak and off-peak
// regimes (each preceded by a warm-up of two idle lifetimes that is not
// counted), each function's requests in each regime in proportion to the
// traffic it carries there. Requests arrive as Poisson streams at every function's rate;
// each function keeps its execution environments: provisioned ones never
// expire, on-demand ones are reused most recently used first and expire
// after the idle lifetime; an arrival that finds none idle starts one cold,
// unless the function's reserved concurrency, or the shared unreserved pool,
// is busy, when it is throttled. Durations and INIT times are drawn from
// their lognormals, every DynamoDB call attempt is throttled with the
// table's probability and retried after the SDK's jittered backoff, and a
// Timeout cuts the invocation. What it does not simulate: the burst scaling
// ramp and the daily scale-up from off-peak to peak (the fast model adds
// both; they are small), and the tables' fluid throttle probabilities, which
// it takes from the fast model.
//
// Common random numbers: each kind of draw (arrivals, durations, INIT,
// retries, cache hits) has its own stream derived from seed, so two variants
// simulated with one seed see the same arrivals. It allocates; it is for
// tests and reports, not the search.
func MonteCarlo(m *Model, st *infra.State, seed int64, n int) *Result {
	fast := m.NewResult()
	m.Eval(st, fast)
	for i := range m.fns {
		m.fns[i].syncEv()
	}
	res := m.NewResult()
	nf := len(m.fns)
	s := uint64(seed)
	arrive := rand.New(rand.NewPCG(s, 1))
	durRNG := rand.New(rand.NewPCG(s, 2))
	initRNG := rand.New(rand.NewPCG(s, 3))
	retryRNG := rand.New(rand.NewPCG(s, 4))
	cacheRNG := rand.New(rand.NewPCG(s, 5))

	type env struct {
		freeAt float64
		prov   bool
	}
	type stats struct {
		lat                                         []float64
		invocations, cold, throttled, timeouts, err float64
		prov, requests, durSum                      float64
	}
	st2 := make([]stats, nf)
	envs := make([][]env, nf)

	// Requests per regime in proportion to the traffic each carries.
	var regReq [2]float64
	for i := range m.fns {
		fm := &m.fns[i]
		if fm.has {
			for r := 0; r < 2; r++ {
				regReq[r] += fm.rate * fm.reqShare[r]
			}
		}
	}
	total := regReq[0] + regReq[1]
	if total <= 0 || n <= 0 {
		*res = *fast
		return res
	}
	maxLife := 0.0
	for i := range m.fns {
		maxLife = math.Max(maxLife, m.fns[i].lifeMS)
	}
	cum := make([]float64, nf)
	quota := make([]int, nf)
	for r := 0; r < 2; r++ {
		nr := int(math.Round(float64(n) * regReq[r] / total))
		lamTot := 0.0 // per ms
		for i := range m.fns {
			fm := &m.fns[i]
			if fm.has {
				lamTot += fm.rates[r] / 1000
			}
			cum[i] = lamTot
		}
		if nr <= 0 || lamTot <= 0 {
			continue
		}
		// Fresh pools with the provisioned environments ready.
		for i := range envs {
			envs[i] = envs[i][:0]
			for k := 0; k < m.fns[i].ev.prov; k++ {
				envs[i] = append(envs[i], env{freeAt: math.Inf(-1), prov: true})
			}
		}
		// Each function's requests in the regime, in proportion to the
		// traffic it carries there: functions whose peaks last different
		// hours of the day arrive at their regime rates, but only their
		// share is recorded (a one-second daily burst is not hours of it).
		want := 0
		for i := range m.fns {
			quota[i] = 0
			if fm := &m.fns[i]; fm.has {
				quota[i] = int(math.Round(float64(n) * fm.rate * fm.reqShare[r] / total))
			}
			want += quota[i]
		}
		warm := math.Min(2*maxLife, float64(nr)/lamTot)
		tMax := warm + 10*float64(nr)/lamTot
		t := 0.0
		counted := 0
		for counted < want && t < tMax {
			t += arrive.ExpFloat64() / lamTot
			u := arrive.Float64() * lamTot
			fi, _ := slices.BinarySearch(cum, u)
			if fi >= nf {
				fi = nf - 1
			}
			fm := &m.fns[fi]
			ev := &fm.ev
			record := t >= warm && quota[fi] > 0
			if record {
				quota[fi]--
				counted++
			}
			sf := &st2[fi]
			if record {
				sf.requests++
			}
			if ev.cacheHit > 0 && cacheRNG.Float64() < ev.cacheHit {
				if record {
					sf.lat = append(sf.lat, restCacheHitMS)
				}
				continue
			}
			// Busy environments, expiry, and the most recently used idle one.
			pool := envs[fi]
			busy, idle := 0, -1
			for k := 0; k < len(pool); {
				e := &pool[k]
				switch {
				case e.freeAt > t:
					busy++
				case !e.prov && t-e.freeAt > fm.lifeMS:
					pool[k] = pool[len(pool)-1]
					pool = pool[:len(pool)-1]
					continue
				case idle < 0 || e.prov && !pool[idle].prov || e.prov == pool[idle].prov && e.freeAt > pool[idle].freeAt:
					idle = k
				}
				k++
			}
			envs[fi] = pool
			throttled := false
			if ev.cap >= 0 {
				throttled = busy >= ev.cap
			} else {
				poolBusy := 0
				for j := range envs {
					if m.fns[j].ev.cap >= 0 {
						continue
					}
					for k := range envs[j] {
						if envs[j][k].freeAt > t {
							poolBusy++
						}
					}
				}
				throttled = poolBusy >= m.unreservedPool(reservedSum(st))
			}
			if record {
				sf.invocations++
			}
			dur := math.Exp(ev.mu + ev.sigma*durRNG.NormFloat64())
			delay, failed := 0.0, false
			for k := range fm.calls {
				c := &fm.calls[k]
				if c.table < 0 || c.table >= len(m.tables) {
					continue
				}
				tm := &m.tables[c.table]
				for _, rw := range [2]struct{ n, q float64 }{{c.reads, tm.qRead[r]}, {c.writes, tm.qWrite[r]}} {
					calls := int(rw.n)
					if retryRNG.Float64() < rw.n-float64(calls) {
						calls++
					}
					for j := 0; j < calls && rw.q > 0; j++ {
						for a := 1; ; a++ {
							if retryRNG.Float64() >= rw.q {
								break // this attempt succeeded
							}
							if a == sdkAttempts {
								failed = true
								break
							}
							delay += retryRNG.Float64()*backoffMaxMS[a-1] + ddbCallMS
						}
					}
				}
			}
			inv := dur + delay
			timedOut := inv > ev.timeoutMS
			if timedOut {
				inv = ev.timeoutMS
			}
			if throttled {
				if record {
					sf.throttled++
				}
				if !fm.async {
					if record {
						sf.err++
					}
					continue
				}
				// Asynchronous: delivered again after the first backoff.
				if record {
					sf.lat = append(sf.lat, asyncRetryDelayMS+inv)
					if timedOut {
						sf.timeouts++
					}
					if timedOut || failed {
						sf.err++
					}
					sf.durSum += inv
				}
				continue
			}
			lat := ev.overMS + inv
			busyFor := inv
			if idle >= 0 {
				if pool[idle].prov && record {
					sf.prov++
				}
				pool[idle].freeAt = t + busyFor
			} else {
				init := ev.init.pkgMS + math.Exp(ev.init.mu+ev.init.sigma*initRNG.NormFloat64())
				init = math.Min(init, initMaxMS)
				lat += init
				busyFor += init
				envs[fi] = append(envs[fi], env{freeAt: t + busyFor})
				if record {
					sf.cold++
				}
			}
			if record {
				sf.lat = append(sf.lat, lat)
				sf.durSum += inv
				if timedOut {
					sf.timeouts++
				}
				if timedOut || failed {
					sf.err++
				}
			}
		}
	}
	var app []float64
	totalRate, errRate := 0.0, 0.0
	for i := range m.fns {
		fm := &m.fns[i]
		fr := &res.Functions[i]
		*fr = fast.Functions[i]
		sf := &st2[i]
		if !fm.has || sf.requests == 0 {
			continue
		}
		slices.Sort(sf.lat)
		fr.P50MS, fr.P95MS, fr.P99MS = pct(sf.lat, 0.50), pct(sf.lat, 0.95), pct(sf.lat, 0.99)
		if sf.invocations > 0 {
			fr.ColdStartRate = sf.cold / sf.invocations
			fr.ThrottleRate = sf.throttled / sf.invocations
			fr.TimeoutRate = sf.timeouts / sf.invocations
			fr.ErrorRate = sf.err / sf.invocations
			fr.ProvisionedShare = sf.prov / sf.invocations
			if served := sf.invocations - sf.throttled; served > 0 && !fm.async {
				fr.MeanDurationMS = sf.durSum / served
			}
		}
		totalRate += fm.rate
		errRate += fm.rate * (sf.err / sf.requests)
		if !fm.async {
			app = append(app, sf.lat...)
		}
	}
	res.App = AppResult{Availability: 1, RequestsPerSecond: totalRate}
	if totalRate > 0 {
		res.App.ErrorRate = errRate / totalRate
		res.App.Availability = 1 - res.App.ErrorRate
	}
	slices.Sort(app)
	res.App.P50MS, res.App.P95MS, res.App.P99MS = pct(app, 0.50), pct(app, 0.95), pct(app, 0.99)
	return res
}

// backoffMaxMS are the SDK's jitter ranges before the 2nd and 3rd attempt.
var backoffMaxMS = [sdkAttempts - 1]float64{sdkBackoff1MaxMS, sdkBackoff2MaxMS}

// reservedSum is the concurrency the State's functions reserve.
func reservedSum(st *infra.State) int {
	s := 0
	for i := range st.Functions {
		if st.Functions[i].Reserved > 0 {
			s += st.Functions[i].Reserved
		}
	}
	return s
}

// pct is the p quantile of sorted samples (nearest rank), 0 when empty.
func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}
