package perf

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMixFunctions: the lightest synchronous functions are left out of the
// application's latency mixture while their summed rate stays below
// minFnShare of the synchronous rate; asynchronous functions and functions
// without traffic are never in it.
func TestMixFunctions(t *testing.T) {
	type fn struct {
		rate       float64
		has, async bool
	}
	for _, tt := range []struct {
		name string
		fns  []fn
		want []int
	}{
		{"one", []fn{{1, true, false}}, []int{0}},
		{"hook left out", []fn{{1e6, true, false}, {1, true, false}, {2e5, true, false}}, []int{0, 2}},
		// 6e-6 + 6e-6 of the rate: one of them fits below 1e-5, the first
		// by index.
		{"two light, one out", []fn{{1e6, true, false}, {6, true, false}, {6, true, false}}, []int{0, 2}},
		{"exactly at the share stays", []fn{{99999, true, false}, {1, true, false}}, []int{0, 1}},
		{"async and idle never in", []fn{{10, true, true}, {5, false, false}, {10, true, false}}, []int{2}},
		{"heavy async does not count", []fn{{1e9, true, true}, {1, true, false}, {1, true, false}}, []int{1, 2}},
		{"none", []fn{{3, true, true}, {0, false, false}}, []int{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fns := make([]fnModel, len(tt.fns))
			user := 0.0
			for i, f := range tt.fns {
				fns[i] = fnModel{rate: f.rate, has: f.has, async: f.async}
				if f.has && !f.async {
					user += f.rate
				}
			}
			got := mixFunctions(fns, user)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("mix %v, want %v", got, tt.want)
			}
			for i := range fns {
				if fns[i].inMix != slices.Contains(tt.want, i) {
					t.Errorf("function %d: inMix %v", i, fns[i].inMix)
				}
			}
		})
	}
}

// bisectQuantile is the reference: the p quantile of cs by bisection on
// ln x to 1e-13.
func bisectQuantile(cs []comp, p float64) float64 {
	total := 0.0
	for i := range cs {
		if cs[i].w > 0 {
			total += cs[i].w
		}
	}
	lo, hi := math.Log(1e-6), math.Log(1e9)
	for hi-lo > 1e-13 {
		mid := (lo + hi) / 2
		if f, _, _, _ := mixAt(cs, math.Exp(mid)); f >= p*total {
			hi = mid
		} else {
			lo = mid
		}
	}
	return math.Exp(hi)
}

// TestQuantileOfMixtures: the search (Halley steps, chords, point masses)
// finds every percentile of random mixtures to its stated relative 1e-4,
// against bisection.
func TestQuantileOfMixtures(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for n := range 2000 {
		k := 1 + rng.IntN(6)
		cs := make([]comp, k)
		for i := range cs {
			c := &cs[i]
			c.w = math.Exp(rng.Float64()*12 - 10) // 4.5e-5 to 7.4
			c.shift = []float64{0, 10, 30}[rng.IntN(3)]
			c.mu = math.Log(1 + rng.Float64()*3000)
			c.sigma = []float64{0, 0.05, 0.3, 0.8, 1.5}[rng.IntN(5)]
			c.capMS = math.Inf(1)
			if rng.IntN(3) == 0 {
				c.capMS = c.shift + math.Exp(c.mu+c.sigma*(rng.Float64()*4-1))
			}
			c.finish()
		}
		want := [3]float64{}
		for j, p := range pctP {
			want[j] = bisectQuantile(cs, p)
		}
		var got [3]float64
		got[0], got[1], got[2] = percentiles(cs)
		for j := range got {
			if math.Abs(got[j]-want[j]) > 1e-4*want[j] {
				t.Fatalf("mixture %d %+v: p%g %g, want %g", n, cs, 100*pctP[j], got[j], want[j])
			}
		}
	}
}

// TestLightFunctionsWithinBound: with the lightest functions left out of
// the application's mixture (seed-demo's CodeDeploy hook), each
// application percentile lies between the full mixture's quantiles at its
// level -+ minFnShare (to the search's relative 1e-4).
func TestLightFunctionsWithinBound(t *testing.T) {
	base, sc, vs := seedVariants(t, 300, 1)
	m, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	sync := 0
	for i := range m.fns {
		if m.fns[i].has && !m.fns[i].async {
			sync++
		}
	}
	if len(m.mix) >= sync {
		t.Fatalf("seed-demo: %d of %d synchronous functions in the mixture, want one left out", len(m.mix), sync)
	}
	m.noMemo = true // m.comps keeps each function's components
	out := m.NewResult()
	full := make([]comp, 0, len(m.comps))
	for n, v := range vs {
		m.Eval(v, out)
		full = full[:0]
		for i := range m.fns {
			fm := &m.fns[i]
			if !fm.has || fm.async {
				continue
			}
			for _, c := range m.comps[i*nComp : (i+1)*nComp] {
				c.w *= fm.rate
				full = append(full, c)
			}
		}
		got := [3]float64{out.App.P50MS, out.App.P95MS, out.App.P99MS}
		for j, p := range pctP {
			lo := bisectQuantile(full, p-minFnShare)
			hi := bisectQuantile(full, p+minFnShare)
			if got[j] < lo*(1-1e-4) || got[j] > hi*(1+1e-4) {
				t.Fatalf("variant %d: p%g %g outside the full mixture's [%g, %g]", n, 100*p, got[j], lo, hi)
			}
		}
	}
}

// TestQuantileCorpusMixtures: two function mixtures met on corpus variants
// (sam translator-input function_with_disabled_traffic_hook.yaml, whose p95
// and p99 fall on the 5,000 ms Timeout's point mass, and
// intrinsic_functions.yaml) are searched to the 1e-8 relative quantile's
// doc states, against bisection: a search that stops on a small step must
// neither step over a point mass nor stop short.
func TestQuantileCorpusMixtures(t *testing.T) {
	mixtures := [][]comp{
		{
			{w: 0.15997471680002207, mu: 7.370499688821961, sigma: 0.6972977432615417, capMS: 5000},
			{w: 0.00011887259809036567, shift: 1065.6844694077763, mu: 7.427413927482192, sigma: 0.6746652597821409, capMS: 6151.279901620806},
		},
		{
			{w: 0.9995142868752478, mu: 3.1604646329571224, sigma: 0.2395843255923598, capMS: 3000},
			{w: 0.000485713124752266, shift: 877.7176737862449, mu: 4.687816666085294, sigma: 0.12774014745402515, capMS: 3962.9550922849216},
			{w: 0.06155732484931286, shift: 1000, mu: 3.1604646329571224, sigma: 0.2395843255923598, capMS: 4000},
		},
	}
	for n, cs := range mixtures {
		for i := range cs {
			cs[i].finish()
		}
		var got [3]float64
		got[0], got[1], got[2] = percentiles(cs)
		for j, p := range pctP {
			if want := bisectQuantile(cs, p); math.Abs(got[j]-want) > 1e-8*want {
				t.Errorf("mixture %d: p%g %.12g, want %.12g (relative %.2g)", n, 100*p, got[j], want, math.Abs(got[j]-want)/want)
			}
		}
	}
}

// mixAt returns, straight from the components (the reference qMixAt is
// held to, and bisectQuantile's CDF), the mixture's weighted CDF at x ms, its first and second
// derivatives with respect to ln x (of the continuous parts), and the
// weight of the point masses at exactly x (so f - atom is the CDF just
// below x).
func mixAt(cs []comp, x float64) (f, d, dd, atom float64) {
	// Components mostly share a shift (the API overhead): ln(x - shift) is
	// computed once per run of equal shifts.
	lastShift, lastLog := math.NaN(), 0.0
	for i := range cs {
		c := &cs[i]
		if c.w <= 0 {
			continue
		}
		if c.atP > 0 && x >= c.atX {
			f += c.w * c.atP
			if x == c.atX {
				atom += c.w * c.atP
			}
		}
		if c.sigma <= 0 {
			continue
		}
		if x >= c.hi {
			// At or past the cap, or beyond 9 sigma: all of the continuous
			// part (to within Phi(-9) = 1e-19 of it).
			f += c.w * (1 - c.atP)
			continue
		}
		if x <= c.lo {
			continue // below 9 sigma: nothing (within 1e-19)
		}
		y := x - c.shift
		if y <= 0 {
			continue
		}
		if c.shift != lastShift {
			lastShift, lastLog = c.shift, math.Log(y)
		}
		z := (lastLog - c.mu) / c.sigma
		cdf, pdf := normCDFPDFTab(z)
		f += c.w * cdf
		// d/d(ln x) Phi((ln(x - s) - mu)/sigma) = phi(z)/sigma * x/(x - s).
		// With z' = dz/d(ln x) = r/sigma, r = x/(x - s), and
		// dr/d(ln x) = -r s/(x - s): F'' = phi(z) z' (-z z' - s/(x - s)).
		r := x / y
		t := c.w * pdf / c.sigma * r
		d += t
		dd += t * (-z*r/c.sigma - c.shift/y)
	}
	return f, d, dd, atom
}

// TestQMixAtMatchesReference: the search's CDF (qMixAt, from prepQ's
// components) agrees with the reference straight from the components
// (mixAt) within 1e-12 of the mixture's weight, its derivatives within
// 1e-9 relative, and the point masses exactly, at each percentile of every
// corpus mixture and just around it.
func TestQMixAtMatchesReference(t *testing.T) {
	n := 0
	for k, cs := range corpusMixtures(t, 2) {
		qs, total := prepQ(cs, nil)
		if total <= 0 {
			continue
		}
		p50, p95, p99 := percentiles(cs)
		for _, x0 := range []float64{p50, p95, p99} {
			for _, x := range []float64{x0, x0 * (1 - 1e-3), x0 * (1 + 1e-3)} {
				f, d, dd, atom := qMixAt(qs, x)
				rf, rd, rdd, ratom := mixAt(cs, x)
				n++
				if math.Abs(f-rf) > 1e-12*total || atom != ratom ||
					math.Abs(d-rd) > 1e-9*math.Abs(rd)+1e-12*total || math.Abs(dd-rdd) > 1e-9*math.Abs(rdd)+1e-12*total {
					t.Errorf("mixture %d at %g: qMixAt %g %g %g %g, mixAt %g %g %g %g", k, x, f, d, dd, atom, rf, rd, rdd, ratom)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("%d points: too few", n)
	}
}
