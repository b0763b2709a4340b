package perf

import "math"

// comp is one component of a latency mixture: a shifted, capped lognormal.
// The latency is shift + exp(N(mu, sigma^2)) ms, or exactly shift + exp(mu)
// when sigma is 0, and never more than capMS (a timeout ends the request
// there). w is the component's weight; weights need not sum to 1.
type comp struct {
	w, shift, mu, sigma, capMS float64
}

// cdfPDF returns the component's CDF at x ms and its density with respect
// to ln x (x f(x)), used by Newton's method on ln x.
func (c *comp) cdfPDF(x float64) (float64, float64) {
	if x >= c.capMS {
		return 1, 0
	}
	y := x - c.shift
	if y <= 0 {
		return 0, 0
	}
	if c.sigma <= 0 {
		if math.Log(y) >= c.mu {
			return 1, 0
		}
		return 0, 0
	}
	z := (math.Log(y) - c.mu) / c.sigma
	cdf := 0.5 * math.Erfc(-z/math.Sqrt2)
	// d/d(ln x) Phi((ln(x - s) - mu)/sigma) = phi(z)/sigma * x/(x - s).
	pdf := math.Exp(-z*z/2) / (c.sigma * math.Sqrt(2*math.Pi)) * x / y
	return cdf, pdf
}

// quantile returns the p quantile (0 < p < 1) of the mixture of cs, in ms,
// or 0 when the mixture has no weight. It brackets the answer and runs
// Newton's method on ln x, falling back to bisection whenever a step would
// leave the bracket: a few steps for smooth mixtures, at most 100 halvings
// where timeouts or cache hits put point masses in it. No allocation.
func quantile(cs []comp, p float64) float64 {
	total := 0.0
	lo, hi := math.Inf(1), 0.0
	best, bestW := -1, 0.0
	for i := range cs {
		c := &cs[i]
		if c.w <= 0 {
			continue
		}
		total += c.w
		l := c.shift + math.Exp(c.mu-9*c.sigma)
		h := c.shift + math.Exp(c.mu+9*c.sigma)
		if c.capMS < h {
			h = c.capMS
		}
		lo = math.Min(lo, math.Min(l, h))
		hi = math.Max(hi, h)
		if c.w > bestW {
			best, bestW = i, c.w
		}
	}
	if total <= 0 {
		return 0
	}
	lo = math.Max(lo*0.5, 1e-9)
	hi = hi*1.01 + 1e-9
	target := p * total
	// Start at the heaviest component's own quantile.
	c := &cs[best]
	x := c.shift + math.Exp(c.mu+c.sigma*normQuantile(p))
	if !(x > lo && x < hi) {
		x = math.Sqrt(lo * hi)
	}
	u, ulo, uhi := math.Log(x), math.Log(lo), math.Log(hi)
	for iter := 0; iter < 100; iter++ {
		x = math.Exp(u)
		f, d := 0.0, 0.0
		for i := range cs {
			if cs[i].w <= 0 {
				continue
			}
			cf, cd := cs[i].cdfPDF(x)
			f += cs[i].w * cf
			d += cs[i].w * cd
		}
		g := f - target
		if math.Abs(g) <= 1e-9*total {
			return x
		}
		if uhi-ulo < 1e-9 {
			// At a point mass (a timeout, a cache hit): the smallest x
			// with F(x) >= p is the bracket's upper end, exactly the mass's
			// position when one is there.
			x = math.Exp(uhi)
			for i := range cs {
				c := &cs[i]
				if c.w <= 0 {
					continue
				}
				if math.Abs(c.capMS-x) <= 1e-6*x {
					return c.capMS
				}
				if c.sigma <= 0 {
					if at := c.shift + math.Exp(c.mu); math.Abs(at-x) <= 1e-6*x {
						return at
					}
				}
			}
			return x
		}
		if g < 0 {
			ulo = u
		} else {
			uhi = u
		}
		next := u - g/d
		if d <= 0 || !(next > ulo && next < uhi) {
			next = (ulo + uhi) / 2
		}
		u = next
	}
	return math.Exp(uhi)
}

// percentiles returns the mixture's p50, p95 and p99, in ms, kept in order
// (each search stops within 1e-9 of its answer).
func percentiles(cs []comp) (p50, p95, p99 float64) {
	p50 = quantile(cs, 0.50)
	p95 = math.Max(p50, quantile(cs, 0.95))
	p99 = math.Max(p95, quantile(cs, 0.99))
	return p50, p95, p99
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
