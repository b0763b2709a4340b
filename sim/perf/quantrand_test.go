package perf

import (
	"math"
	"math/rand/v2"
	"testing"
)

// logUniform returns a draw log-uniform in [lo, hi].
func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo * math.Exp(rng.Float64()*math.Log(hi/lo))
}

// randomModelMixture returns a random latency mixture of the kind Compile
// and results produce (each component finished, pruned as results and the
// application's mixture prune): one to four functions, each with its warm,
// warm-retry, cold and cold-retry lognormals, an API cache hit's point
// mass and, for an asynchronous one, throttled events delivered
// asyncRetryDelayMS later; API overheads (shifts) 0 to 200 ms, durations
// 1 ms to twice the Timeout, log-sds 0 to 2 (coefficients of variation
// to 7), Timeouts (caps) 1 s to 900 s, component weights 1e-7 to 1 of the
// function's and functions' rates 1e-4 to 1 of the heaviest's.
func randomModelMixture(rng *rand.Rand) []comp {
	nf := 1 + rng.IntN(4)
	var out []comp
	for f := range nf {
		rate := 1.0
		if f > 0 {
			rate = logUniform(rng, 1e-4, 1)
		}
		var over float64
		switch rng.IntN(4) {
		case 0:
		case 1:
			over = httpAPIOverheadMS
		case 2:
			over = restAPIOverheadMS
		default:
			over = rng.Float64() * 200
		}
		timeout := []float64{1, 3, 6, 15, 29, 30, 60, 300, 900}[rng.IntN(9)] * 1000
		if rng.IntN(2) == 0 {
			timeout = logUniform(rng, 1000, 900000)
		}
		capMS := over + timeout
		dur := logUniform(rng, 1, 2*timeout)
		sigma := rng.Float64() * 2
		if rng.IntN(20) == 0 {
			sigma = 0
		}
		mu := math.Log(dur) - sigma*sigma/2
		retry := logUniform(rng, 1, 200)
		rsig := sigma * (1 + 0.3*rng.Float64())
		rmu := math.Log(dur+retry) - rsig*rsig/2
		pkg := 0.0
		if rng.IntN(2) == 0 {
			pkg = rng.Float64() * 500
		}
		initMS := pkg + logUniform(rng, 50, 5000)
		cmean := initMS - pkg + dur
		// Fenton-Wilkinson, as results: INIT's coefficient of variation
		// 0.1 to 1.5, the duration's that of sigma.
		vd := sq(dur) * math.Expm1(sigma*sigma)
		vi := sq((0.1 + 1.4*rng.Float64()) * (initMS - pkg))
		csig := math.Sqrt(math.Log1p((vd + vi) / sq(cmean)))
		cmu := math.Log(cmean) - csig*csig/2
		cold := logUniform(rng, 1e-7, 1)
		pRetry := 0.0
		if rng.IntN(2) == 0 {
			pRetry = logUniform(rng, 1e-7, 0.5)
		}
		cs := make([]comp, nComp)
		cs[cWarm] = comp{w: (1 - cold) * (1 - pRetry), shift: over, mu: mu, sigma: sigma, capMS: capMS}
		cs[cWarmRetry] = comp{w: (1 - cold) * pRetry, shift: over, mu: rmu, sigma: rsig, capMS: capMS}
		cs[cCold] = comp{w: cold * (1 - pRetry), shift: over + pkg, mu: cmu, sigma: csig, capMS: capMS + initMS}
		cs[cColdRetry] = comp{w: cold * pRetry, shift: over + pkg, mu: cmu + 0.05, sigma: csig, capMS: capMS + initMS}
		if rng.IntN(3) == 0 {
			cs[cCache] = comp{w: logUniform(rng, 1e-7, 2), mu: restCacheHitMu, capMS: math.Inf(1)}
		}
		if rng.IntN(4) == 0 {
			cs[cDelayed] = comp{w: logUniform(rng, 1e-7, 1), shift: asyncRetryDelayMS, mu: mu, sigma: sigma,
				capMS: asyncRetryDelayMS + timeout}
		}
		prune(cs)
		for k := range cs {
			if cs[k].w > 0 {
				cs[k].finish()
			}
			cs[k].w *= rate
		}
		out = append(out, cs...)
	}
	prune(out)
	return out
}

func sq(x float64) float64 { return x * x }

// randomExtremeMixture returns a random mixture beyond the model's ranges:
// up to 12 components, shifts 0 to 10 s, medians 0.1 ms to 100 s, log-sds 0 to 3 (percentiles
// below bisectQuantile's 1e9 ms ceiling), caps anywhere
// from below a component's median to far beyond it, weights 1e-9 to 1e3.
func randomExtremeMixture(rng *rand.Rand) []comp {
	cs := make([]comp, 1+rng.IntN(12))
	for i := range cs {
		c := &cs[i]
		c.w = logUniform(rng, 1e-9, 1e3)
		if rng.IntN(3) > 0 {
			c.shift = []float64{0, 10, 25, 1000}[rng.IntN(4)]
		} else {
			c.shift = rng.Float64() * 10000
		}
		c.mu = math.Log(logUniform(rng, 0.1, 1e5))
		c.sigma = rng.Float64() * 3
		if rng.IntN(6) == 0 {
			c.sigma = 0
		}
		c.capMS = math.Inf(1)
		if rng.IntN(2) == 0 {
			c.capMS = c.shift + math.Exp(c.mu+c.sigma*(rng.Float64()*10-3))
		}
		c.finish()
	}
	prune(cs)
	return cs
}

// TestQuantileRandomMixtures: every percentile of seeded random mixtures,
// of the model's ranges (randomModelMixture) and beyond
// (randomExtremeMixture), is within quantileRandomTol of bisection's. The
// search stopping on a bare step below 1e-4 in ln x, or on F within 1e-10
// of p alone, was off by up to 0.86 (model ranges) and 317 (beyond)
// relative, in 532 and 9,806 of 600,000 percentiles beyond 1e-7; as it
// stands, 200,000 mixtures of each kind are within 1e-9.
func TestQuantileRandomMixtures(t *testing.T) {
	const quantileRandomTol = 2e-9
	for _, tt := range []struct {
		name string
		n    int
		gen  func(*rand.Rand) []comp
	}{
		{"model", 30000, randomModelMixture},
		{"extreme", 15000, randomExtremeMixture},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			var worst [3]float64
			for k := range tt.n {
				cs := tt.gen(rng)
				var got [3]float64
				got[0], got[1], got[2] = percentiles(cs)
				for j, p := range pctP {
					want := bisectQuantile(cs, p)
					rel := math.Abs(got[j]-want) / want
					worst[j] = max(worst[j], rel)
					if rel > quantileRandomTol {
						t.Errorf("mixture %d: p%g %.12g, want %.12g (relative %.2g)", k, 100*p, got[j], want, rel)
					}
				}
			}
			t.Logf("%d mixtures, worst relative error p50 %.2g, p95 %.2g, p99 %.2g", tt.n, worst[0], worst[1], worst[2])
		})
	}
}
