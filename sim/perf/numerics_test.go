package perf

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestErlangB(t *testing.T) {
	for _, tc := range []struct {
		a    float64
		c    int
		want float64
	}{
		{1, 1, 0.5},          // a/(1+a)
		{2, 2, 0.4},          // (a^2/2)/(1+a+a^2/2) = 2/5
		{10, 10, 0.2145823},  // standard Erlang B table value
		{0, 5, 0}, {5, 0, 1}, // no load; no servers
		{1, 1000, 0}, {100, 1, 100.0 / 101},
	} {
		if got := erlangB(tc.a, tc.c); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("B(%v, %d) = %.7f, want %.7f", tc.a, tc.c, got, tc.want)
		}
	}
}

func TestPackageInit(t *testing.T) {
	for _, tc := range []struct{ mb, want float64 }{
		{0, 0}, {1, 55}, {4, 132}, {16, 461}, {64, 2942}, // aws-facts.md 3.4 nodejs20 column minus the 1 KB 242 ms
		{1000, initMaxMS - 242}, // capped by the 10 s INIT maximum
	} {
		if got := packageInitMS(tc.mb); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("packageInitMS(%v) = %v, want %v", tc.mb, got, tc.want)
		}
	}
}

func TestQuantileOfOneLognormal(t *testing.T) {
	mu, sigma := lognormalParams(100, 0.3)
	cs := []comp{{w: 1, shift: 10, mu: mu, sigma: sigma, capMS: math.Inf(1)}}
	cs[0].finish()
	for _, p := range []float64{0.01, 0.5, 0.95, 0.99, 0.999} {
		want := 10 + math.Exp(mu+sigma*normQuantile(p))
		if got := quantile(cs, p); math.Abs(got-want) > 1e-6*want {
			t.Errorf("p%v: %v, want %v", p, got, want)
		}
	}
	if z := normQuantile(0.975); math.Abs(z-1.959963985) > 1e-8 {
		t.Errorf("z(0.975) = %v", z)
	}
}

func TestColdRateLimits(t *testing.T) {
	// Sparse traffic: the chance that no request came within the lifetime.
	lam, life := 1e-6, 300000.0 // 1 per 1,000 s, 5 minutes
	if got, want := coldRate(lam*100, lam, 100, life), math.Exp(-lam*life); math.Abs(got-want) > 1e-3 {
		t.Errorf("sparse: %v, want %v", got, want)
	}
	if got := coldRate(50, 0.5, 100, life); got > 1e-3 {
		t.Errorf("steady 500 rps: %v", got)
	}
	if coldRate(0, 0, 100, life) != 0 {
		t.Error("cold starts without traffic")
	}
}

func TestRuntimeRows(t *testing.T) {
	for _, tc := range []struct {
		rt   string
		want string
	}{
		{"python3.13", "python3.13"}, {"nodejs8.10", "nodejs20.x"}, {"java11", "java17"},
		{"java25", "java21"}, {"go1.x", "provided.al2023"}, {"", "nodejs22.x"}, {"cobol", "nodejs22.x"},
	} {
		if got := initTable[runtimeRow(tc.rt, false)].runtime; got != tc.want {
			t.Errorf("%q: row %s, want %s", tc.rt, got, tc.want)
		}
	}
}

// TestNormCDF checks the one-exponential normal CDF and density against
// math.Erfc and the density formula over the whole line.
func TestNormCDF(t *testing.T) {
	for z := -40.0; z <= 40; z += 0.001 {
		cdf, pdf := normCDFPDF(z)
		want := 0.5 * math.Erfc(-z/math.Sqrt2)
		if math.Abs(cdf-want) > 1e-15 {
			t.Fatalf("Phi(%v) = %v, want %v", z, cdf, want)
		}
		if want := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi); math.Abs(pdf-want) > 1e-15*want+1e-300 {
			t.Fatalf("phi(%v) = %v, want %v", z, pdf, want)
		}
	}
}

// coldRateFull is coldRate without its shortcuts: every term of the sum.
func coldRateFull(n, lambda, durMS, lifeMS float64) float64 {
	if n <= 0 || lambda <= 0 || durMS <= 0 {
		return 0
	}
	m := lambda * lifeMS / (1 + coldOverlap*n/(1+math.Sqrt(n)))
	sd := math.Sqrt(n)
	kLo := max(0, math.Floor(n-10*sd-2))
	kHi := math.Ceil(n + 12*sd + 10)
	lg, _ := math.Lgamma(kLo + 1)
	p := math.Exp(kLo*math.Log(n) - n - lg)
	below := poissonCDF(kLo-1, n)
	sum := 0.0
	for k := kLo; k <= kHi; k++ {
		sum += p * math.Exp(-m*(1-min(below, 1)))
		below += p
		p *= n / (k + 1)
	}
	return min(1, sum)
}

// TestColdRateShortcuts: coldRate's early exits change no bit of the sum,
// from a trickle to thousands of concurrent requests and idle lifetimes
// from seconds to an hour.
func TestColdRateShortcuts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cases := []struct{ n, lambda, dur, life float64 }{
		{2, 0.02, 100, 300000}, {1e-6, 1e-8, 100, 300000}, {0.5, 0.005, 100, 1000},
		{5000, 50, 100, 300000}, {30, 0.3, 100, 300000},
	}
	for range 20000 {
		lambda := math.Pow(10, -8+7*rng.Float64()) // per ms
		dur := math.Pow(10, 7*rng.Float64())       // 1 ms .. 3 h
		cases = append(cases, struct{ n, lambda, dur, life float64 }{lambda * dur, lambda, dur, math.Pow(10, 3+3.6*rng.Float64())})
	}
	for _, c := range cases {
		got, want := coldRate(c.n, c.lambda, c.dur, c.life), coldRateFull(c.n, c.lambda, c.dur, c.life)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("coldRate(%g, %g, %g, %g) = %v, full sum %v", c.n, c.lambda, c.dur, c.life, got, want)
		}
	}
}

// TestRetryRatesExact checks retryRates' recurrence, sum-of-uniforms CDF
// and quadrature against a direct simulation of the same calls: within
// 4 standard errors of 400,000 draws.
func TestRetryRatesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		reads, writes, qr, qw, durMS, cv, timeoutMS float64
	}{
		{2, 1, 0.7, 0.7, 120, 0.3, 3000},
		{1, 1, 0, 0.7, 200, 0.3, 3000},
		{2.5, 0.5, 0.4, 0.9, 500, 0.6, 2500},
		{3, 2, 0.2, 0.5, 1000, 0.3, 6000},
		{1, 0, 1, 0, 100, 0.3, 10000},
	} {
		fm := &fnModel{calls: []call{{table: 0, bucket: -1, reads: tc.reads, writes: tc.writes}}}
		tables := []tableModel{{qRead: [2]float64{0, tc.qr}, qWrite: [2]float64{0, tc.qw}}}
		mu, sigma := lognormalParams(tc.durMS, tc.cv)
		to, fail, ok := fm.retryRates(peak, tables, mu, sigma, tc.timeoutMS, upperTail(tc.timeoutMS, 0, mu, sigma))
		if !ok {
			t.Fatalf("%+v: not exact", tc)
		}
		const n = 400000
		var nTo, nFail float64
		for range n {
			d := math.Exp(mu + sigma*rng.NormFloat64())
			failed := false
			for _, rw := range [2]struct{ n, q float64 }{{tc.reads, tc.qr}, {tc.writes, tc.qw}} {
				calls := int(rw.n)
				if rng.Float64() < rw.n-float64(calls) {
					calls++
				}
				for range calls {
					for a := 1; ; a++ {
						if rng.Float64() >= rw.q {
							break
						}
						if a == sdkAttempts {
							failed = true
							break
						}
						d += rng.Float64()*backoffMaxMS[a-1] + ddbCallMS
					}
				}
			}
			timedOut := d > tc.timeoutMS
			if timedOut {
				nTo++
			}
			if timedOut || failed {
				nFail++
			}
		}
		for _, q := range []struct {
			name      string
			got, want float64
		}{{"timeout", to, nTo / n}, {"failure", fail, nFail / n}} {
			se := math.Sqrt(q.want*(1-q.want)/n) + 1e-9
			if math.Abs(q.got-q.want) > 4*se {
				t.Errorf("%+v: %s %.5f, simulated %.5f (se %.5f)", tc, q.name, q.got, q.want, se)
			}
		}
	}
}

// TestNormTable checks the tabulated normal CDF and density against
// math.Erfc and the density formula on a grid 37 times denser than the
// table's (and at its nodes, ends and beyond), within the Hermite bounds
// normTab states: 3.4e-13 for the CDF and 7.3e-13 for the density inside
// |z| < 9, normCDFPDF's 1e-15 outside.
func TestNormTable(t *testing.T) {
	for _, tc := range []struct {
		from, to, step, cdfTol, pdfTol float64
	}{
		{-9, 9, 1.0 / (256 * 37), 3.4e-13 + 1e-15, 7.3e-13 + 1e-15}, // plus rounding
		{-9, 9, 1.0 / 256, 1e-15, 1e-15},                            // the nodes: exact
		{-40, -9, 0.001, 1e-15, 1e-15},
		{9, 40, 0.001, 1e-15, 1e-15},
	} {
		worstC, worstP := 0.0, 0.0
		for i := 0; ; i++ {
			z := tc.from + float64(i)*tc.step
			if z > tc.to {
				break
			}
			cdf, pdf := normCDFPDFTab(z)
			wc := 0.5 * math.Erfc(-z/math.Sqrt2)
			wp := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
			worstC = max(worstC, math.Abs(cdf-wc))
			worstP = max(worstP, math.Abs(pdf-wp))
			if math.Abs(cdf-wc) > tc.cdfTol || math.Abs(pdf-wp) > tc.pdfTol {
				t.Fatalf("z %v: Phi %v phi %v, want %v %v", z, cdf, pdf, wc, wp)
			}
		}
		t.Logf("[%v, %v] step %.3g: worst CDF error %.3g, density %.3g", tc.from, tc.to, tc.step, worstC, worstP)
	}
	for _, z := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		c, p := normCDFPDFTab(z)
		wc, wp := normCDFPDF(z)
		if !(c == wc || c != c && wc != wc) || !(p == wp || p != p && wp != wp) {
			t.Errorf("z %v: %v %v, want %v %v", z, c, p, wc, wp)
		}
	}
}

// backoffCDFFull is backoffCDF as first written: every (i, j) term,
// binomials and factorial computed in the loop, math.Ldexp.
func backoffCDFFull(a, b int, x float64) float64 {
	n := a + b
	if x <= 0 {
		return 0
	}
	if x >= float64(a+2*b) {
		return 1
	}
	sum := 0.0
	ci := 1.0
	for i := 0; i <= a; i++ {
		cj := 1.0
		for j := 0; j <= b; j++ {
			if y := x - float64(i) - 2*float64(j); y > 0 {
				t := ci * cj
				for range n {
					t *= y
				}
				if (i+j)%2 == 1 {
					t = -t
				}
				sum += t
			}
			cj = cj * float64(b-j) / float64(j+1)
		}
		ci = ci * float64(a-i) / float64(i+1)
	}
	fact := 1.0
	for k := 2; k <= n; k++ {
		fact *= float64(k)
	}
	return max(0, min(1, math.Ldexp(sum/fact, -b)))
}

// TestBackoffCDFShortcuts: backoffCDF's tables and early exits change no
// bit of the result, for every (a, b) retryRates can ask for, and
// timeoutGiven from ghDurations matches the durations computed in place.
func TestBackoffCDFShortcuts(t *testing.T) {
	for a := 1; a <= maxExactCalls; a++ {
		for b := 0; b <= a; b++ {
			for x := -0.5; x <= float64(a+2*b)+0.5; x += 0.00731 {
				if got, want := backoffCDF(a, b, x), backoffCDFFull(a, b, x); got != want {
					t.Fatalf("backoffCDF(%d, %d, %v) = %v, want %v", a, b, x, got, want)
				}
			}
		}
	}
	for _, tc := range []struct{ mu, sigma, timeoutMS float64 }{
		{4.8, 0.3, 3000}, {6.2, 0.6, 2500}, {7, 0.3, 6000}, {4.6, 1.2, 10000},
	} {
		d := ghDurations(tc.mu, tc.sigma)
		for a := 1; a <= maxExactCalls; a++ {
			for b := 0; b <= a; b++ {
				room := tc.timeoutMS - float64(a+b)*ddbCallMS
				want := 0.0
				for i, z := range ghZ {
					for _, s := range [2]float64{-1, 1} {
						dur := math.Exp(tc.mu + tc.sigma*s*z)
						want += ghW[i] * (1 - backoffCDFFull(a, b, (room-dur)/sdkBackoff1MaxMS))
					}
				}
				want = max(0, min(1, want))
				if got := timeoutGiven(a, b, &d, tc.mu, tc.sigma, tc.timeoutMS); got != want {
					t.Fatalf("%+v a %d b %d: timeoutGiven %v, want %v", tc, a, b, got, want)
				}
			}
		}
	}
}

// normCDFPDFTabRef is normCDFPDFTab with the Hermite coefficients taken
// from the nodes (normTab) at each call, as it was before normHerm.
func normCDFPDFTabRef(z float64) (cdf, pdf float64) {
	a := math.Abs(z)
	if !(a < normTabMax) {
		return normCDFPDF(z)
	}
	s := a * normTabPerUnit
	k := int(s)
	t := s - float64(k)
	n0, n1 := &normTab[k], &normTab[k+1]
	q0, p0, q1, p1 := n0[0], n0[1], n1[0], n1[1]
	// Derivatives with respect to t (h times those with respect to a).
	a0 := float64(k) * normTabStep
	dq0, dq1 := -normTabStep*p0, -normTabStep*p1
	dp0, dp1 := -normTabStep*a0*p0, -normTabStep*(a0+normTabStep)*p1
	q := q0 + t*(dq0+t*(3*(q1-q0)-2*dq0-dq1+t*(2*(q0-q1)+dq0+dq1)))
	pdf = p0 + t*(dp0+t*(3*(p1-p0)-2*dp0-dp1+t*(2*(p0-p1)+dp0+dp1)))
	if z > 0 {
		return 1 - q, pdf
	}
	return q, pdf
}

// TestNormTableBits: normCDFPDFTab, from the coefficients normHerm keeps,
// returns normCDFPDFTabRef's values bit for bit, on a grid 37 times denser
// than the table's, at its nodes and ends, and at a million random points.
func TestNormTableBits(t *testing.T) {
	check := func(z float64) {
		c, p := normCDFPDFTab(z)
		wc, wp := normCDFPDFTabRef(z)
		if math.Float64bits(c) != math.Float64bits(wc) || math.Float64bits(p) != math.Float64bits(wp) {
			t.Fatalf("z %v: %v %v, the reference %v %v", z, c, p, wc, wp)
		}
	}
	for i := -9 * 256 * 37; i <= 9*256*37; i++ {
		check(float64(i) / (256 * 37))
	}
	for _, z := range []float64{0, math.Copysign(0, -1), math.Nextafter(9, 0), -math.Nextafter(9, 0), 9, -9, 1e-300, -1e-300} {
		check(z)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 1000000 {
		check(rng.Float64()*18 - 9)
	}
}
