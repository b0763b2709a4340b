package perf

import (
	"math"
	"strings"

	"github.com/evoarch/evoarch/sim/infra"
)

// initCell is one lambda-perf cell: the median and p90 INIT duration in ms.
type initCell struct{ median, p90 float64 }

// initRow is one runtime's INIT durations: 128 MB x86, 128 MB arm64,
// 1024 MB x86, 1024 MB arm64.
type initRow struct {
	runtime string
	cells   [4]initCell
}

// initTable is aws-facts.md 3.4 "Cold starts measured by lambda-perf"
// (maxday/lambda-perf @6070b794, 2026-07-01 to 2026-08-22, hello-world zip
// functions, median (p90) in ms) [V3 data, region U].
var initTable = [...]initRow{
	{"nodejs20.x", [4]initCell{{142.8, 162}, {130.1, 138}, {142.0, 161}, {132.0, 140}}},
	{"nodejs22.x", [4]initCell{{141.2, 164}, {127.9, 136}, {140.6, 161}, {129.7, 137}}},
	{"nodejs24.x", [4]initCell{{136.4, 160}, {120.8, 130}, {133.8, 155}, {124.7, 133}}},
	{"python3.12", [4]initCell{{84.9, 100}, {80.3, 87}, {84.3, 102}, {81.5, 88}}},
	{"python3.13", [4]initCell{{85.7, 107}, {79.9, 92}, {84.1, 105}, {80.5, 92}}},
	{"python3.14", [4]initCell{{109.3, 153}, {100.4, 113}, {109.5, 145}, {102.3, 115}}},
	{"java17", [4]initCell{{204.9, 230}, {216.1, 232}, {204.4, 228}, {216.4, 232}}},
	{"java21", [4]initCell{{239.9, 275}, {246.5, 267}, {239.5, 284}, {246.5, 268}}},
	{"dotnet8", [4]initCell{{252.2, 333}, {295.8, 407}, {252.8, 367}, {298.9, 600}}},
	{"ruby3.3", [4]initCell{{235.1, 388}, {234.8, 343}, {236.1, 389}, {251.0, 312}}},
	// provided.al2023 is measured with go, rust, llrt and .NET AOT; the
	// model takes go as the custom runtime's representative [U].
	{"provided.al2023", [4]initCell{{50.0, 53}, {42.3, 44}, {49.9, 53}, {43.2, 45}}},
}

// Rows used for runtimes the table does not list, by family: the nearest
// measured version (aws-facts.md 3.4 shows drift of tens of ms between
// versions, so the family is the better guess). [U]
const (
	rowNode     = 0  // nodejs20.x for older and unknown nodejs
	rowNode22   = 1  // nodejs22.x: also the fallback for images and unknown runtimes [U]
	rowPython   = 3  // python3.12 for older python
	rowJava17   = 6  // java8, java11, java17
	rowJava21   = 7  // java21 and newer
	rowDotnet   = 8  // dotnet6, dotnet8
	rowRuby     = 9  // ruby3.x
	rowProvided = 10 // provided, provided.al2, go1.x
)

// initZ90 is the standard normal 90 % quantile: a lognormal through the
// median m and p90 q has sigma = ln(q/m) / 1.2816.
const initZ90 = 1.2815515655446004

// runtimeRow returns the initTable row for a runtime id.
func runtimeRow(runtime string, image bool) int {
	if image || runtime == "" {
		return rowNode22
	}
	for i := range initTable {
		if initTable[i].runtime == runtime {
			return i
		}
	}
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		return rowNode
	case strings.HasPrefix(runtime, "python"):
		return rowPython
	case runtime == "java21" || strings.HasPrefix(runtime, "java2"):
		return rowJava21
	case strings.HasPrefix(runtime, "java"):
		return rowJava17
	case strings.HasPrefix(runtime, "dotnet"):
		return rowDotnet
	case strings.HasPrefix(runtime, "ruby"):
		return rowRuby
	case strings.HasPrefix(runtime, "provided"), strings.HasPrefix(runtime, "go"):
		return rowProvided
	}
	return rowNode22
}

// initDist is one function's INIT duration: pkgMS plus a lognormal with
// log-mean mu and log-sd sigma, in ms.
type initDist struct {
	pkgMS, mu, sigma float64
}

// mean returns the mean INIT duration in ms.
func (d initDist) mean() float64 { return d.pkgMS + math.Exp(d.mu+d.sigma*d.sigma/2) }

// variance returns the INIT duration's variance in ms^2.
func (d initDist) variance() float64 {
	s2 := d.sigma * d.sigma
	return (math.Exp(s2) - 1) * math.Exp(2*d.mu+s2)
}

// initFor returns the INIT distribution of a runtime row at a memory size,
// architecture and package size. lambda-perf measured 128 and 1024 MB; the
// model interpolates linearly between them and holds the end values outside
// ("INIT duration hardly depends on memory", aws-facts.md 3.4).
func initFor(row int, memMB float64, arch infra.Arch, pkgMB float64) initDist {
	c := &initTable[row].cells
	a := 0
	if arch == infra.ARM64 {
		a = 1
	}
	lo, hi := c[a], c[a+2]
	t := (memMB - 128) / (1024 - 128)
	t = max(0, min(1, t))
	med := lo.median + t*(hi.median-lo.median)
	p90 := lo.p90 + t*(hi.p90-lo.p90)
	d := initDist{mu: math.Log(med), sigma: math.Log(p90/med) / initZ90, pkgMS: packageInitMS(pkgMB)}
	return d
}

// initSlots is the size of a function's cache of INIT distributions
// (fnModel.inits): a power of two.
const initSlots = 32

// initEntry is one INIT distribution in fnModel.inits, ok once filled.
type initEntry struct {
	memMB              float64
	arch               infra.Arch
	row                int
	ok                 bool
	d                  initDist
	meanMS, varianceMS float64
}

// initOf sets fm.ev's init, initMS and initVar for memMB and arch at fm's
// runtime row (initFor, its mean and variance) from the function's cache,
// computing them on a miss: the same values, without the logarithms and
// exponentials.
func (fm *fnModel) initOf(memMB float64, arch infra.Arch) {
	h := math.Float64bits(memMB)
	h ^= h >> 29
	h ^= uint64(arch)<<7 ^ uint64(fm.row)<<3
	h *= 0x9e3779b97f4a7c15
	e := &fm.inits[h>>59&(initSlots-1)]
	if !e.ok || e.memMB != memMB || e.arch != arch || e.row != fm.row {
		d := initFor(fm.row, memMB, arch, fm.pkgMB)
		*e = initEntry{memMB: memMB, arch: arch, row: fm.row, ok: true, d: d, meanMS: d.mean(), varianceMS: d.variance()}
	}
	fm.ev.init, fm.ev.initMS, fm.ev.initVar = e.d, e.meanMS, e.varianceMS
}

// pkgPoints is aws-facts.md 3.4 "Package size matters" (gist adriantanasa,
// 2023, nodejs20, 256 MB, us-east-1 [V3]): package MB and average INIT ms.
var pkgPoints = [...][2]float64{
	{0.001, 242}, {1, 297}, {4, 374}, {16, 703}, {64, 3184},
}

// packageInitMS is the INIT time a deployment package of pkgMB adds over a
// 1 KB package, by linear interpolation of pkgPoints and extrapolation of
// their last segment, capped so that INIT stays under its 10 s maximum
// (aws-facts.md 3.1).
func packageInitMS(pkgMB float64) float64 {
	if pkgMB <= pkgPoints[0][0] {
		return 0
	}
	base := pkgPoints[0][1]
	n := len(pkgPoints)
	for i := 1; i < n; i++ {
		if pkgMB <= pkgPoints[i][0] || i == n-1 {
			x0, y0 := pkgPoints[i-1][0], pkgPoints[i-1][1]
			x1, y1 := pkgPoints[i][0], pkgPoints[i][1]
			y := y0 + (pkgMB-x0)*(y1-y0)/(x1-x0)
			return min(y-base, initMaxMS-base)
		}
	}
	return 0
}

// coldRate is the share of arrivals that find no idle, live execution
// environment, for Poisson arrivals at rate lambda (per ms) with mean
// concurrency n = lambda x duration, when an idle environment lives lifeMS.
//
// Model: Lambda reuses warm environments, so the live pool is one more than
// the largest concurrency an arrival found during the last lifeMS; an
// arrival is cold when it finds more requests running than any arrival of
// that window found. The concurrency K an arrival finds is Poisson(n)
// (M/G/inf, PASTA). Taking the window's arrivals as a Poisson number, mean
// m, of independent looks at K,
//
//	P(cold) = sum_k P(K=k) exp(-m (1 - P(K <= k-1))),
//
// with m = lambda lifeMS / (1 + coldOverlap n / (1 + sqrt(n))): lambda
// lifeMS arrivals, fewer independent ones when requests overlap. Near a
// high level the concurrency moves like a symmetric random walk (arrivals
// step it up, departures down, both at about lambda), so the arrivals of one
// excursion see nearly the same K: about sqrt(n) of them count as one look
// once n is large, none of them merge while n is small. At low traffic this
// is exp(-lambda lifeMS), the chance that no request came within the idle
// lifetime; it falls towards 0 as steady traffic grows. coldOverlap is
// fitted to the Monte Carlo reference (TestColdRateAgainstMonteCarlo: within
// 30 % from n = 0.004 to 114 erlangs; the earlier m = lambda lifeMS / (1 + n)
// counted one look per duration and overstated the rate 4 to 15 times above
// n = 3).
func coldRate(n, lambda, durMS, lifeMS float64) float64 {
	if n <= 0 || lambda <= 0 || durMS <= 0 {
		return 0
	}
	m := lambda * lifeMS / (1 + coldOverlap*n/(1+math.Sqrt(n)))
	// Sum over the Poisson mass, k in [n - 10 sd, n + 12 sd].
	sd := math.Sqrt(n)
	kLo := max(0, math.Floor(n-10*sd-2))
	kHi := math.Ceil(n + 12*sd + 10)
	// P(K = kLo): exp(-n) when kLo is 0 (the same bits as the general
	// form, whose other terms are then 0).
	p := math.Exp(-n)
	if kLo > 0 {
		lg, _ := math.Lgamma(kLo + 1)
		p = math.Exp(kLo*math.Log(n) - n - lg)
	}
	below := poissonCDF(kLo-1, n) // P(K <= k-1)
	// Two shortcuts leave the sum bit for bit as the full loop's: a term
	// whose exponent is below -746 is exactly 0 (math.Exp underflows), and
	// once the pmf falls (k >= n) below 2^-54 of the sum, every later term
	// (at most the pmf, which keeps falling) is under half the sum's ulp,
	// so adding it rounds back to the sum.
	sum := 0.0
	for k := kLo; k <= kHi; k++ {
		if k >= n && p < sum*0x1p-54 {
			break // the term, at most p, would round away: as below
		}
		if e := m * (1 - min(below, 1)); e < 746 {
			sum += p * math.Exp(-e)
		}
		below += p
		if k >= n && p < sum*0x1p-54 {
			break
		}
		p *= n / (k + 1)
	}
	return min(1, sum)
}

// coldOverlap scales how many of an excursion's arrivals merge into one
// look at the concurrency (see coldRate): fitted so that coldRate follows
// the Monte Carlo reference (TestColdRateAgainstMonteCarlo). [fitted]
const coldOverlap = 0.5

// poissonCDF returns P(K <= k) for K ~ Poisson(n) by summing the pmf.
func poissonCDF(k, n float64) float64 {
	if k < 0 {
		return 0
	}
	p := math.Exp(-n)
	sum := p
	if p == 0 {
		// exp underflow for large n: start from the log pmf at k and sum
		// downwards until the terms vanish.
		lg, _ := math.Lgamma(k + 1)
		t := math.Exp(k*math.Log(n) - n - lg)
		sum = 0
		for j := k; j >= 0 && t > 1e-300; j-- {
			sum += t
			t *= j / n
			if t < sum*1e-17 {
				break
			}
		}
		return sum
	}
	for j := 1.0; j <= k; j++ {
		p *= n / j
		sum += p
	}
	return sum
}

// erlangB is the Erlang B blocking probability of c servers offered a
// erlangs, by the recurrence of its inverse: 1/B(0) = 1,
// 1/B(k) = 1 + (k/a)/B(k-1) (no division in the loop). It is 0 once
// 1/B passes 1e18 beyond the load (the blocking then only falls).
// Blocking is insensitive to the service-time distribution.
// Model.poolBlocking's shortcut relies on that 0 holding for every lower
// load and larger c (zeroLoad; TestPoolZeroShortcut checks it against
// this function).
func erlangB(a float64, c int) float64 {
	if c <= 0 {
		return 1
	}
	if a <= 0 {
		return 0
	}
	inv := 1 / a
	x := 1.0
	for k := 1; k <= c; k++ {
		x = 1 + float64(k)*inv*x
		if x > 1e18 && float64(k) > a {
			return 0
		}
	}
	return 1 / x
}

// triSlots is the size of a function's caches of coldRate and
// cappedMeanTail (fnModel.colds, fnModel.capped): a power of two.
const triSlots = 1 << triBits

// triBits is log2(triSlots).
const triBits = 8

// triEntry is one value (or pair) of a function of three floats in a
// direct-mapped cache, under its arguments' bits; ok once filled.
type triEntry struct {
	k  [3]uint64
	v  [2]float64
	ok bool
}

// triSlot returns the slot of the arguments a, b, c (float bits).
func triSlot(a, b, c uint64) int {
	h := a*0x9e3779b97f4a7c15 ^ b*0xbf58476d1ce4e5b9 ^ c*0x94d049bb133111eb
	h ^= h >> 29
	h *= 0x9e3779b97f4a7c15
	return int(h >> (64 - triBits))
}

// coldOf returns coldRate(n, lambda, durMS, fm.lifeMS) from the function's
// cache (fm.lifeMS is fixed at Compile), computing it on a miss: a new
// configuration often keeps the load and run time of one seen before (its
// timeout, reservation or API changed).
func (fm *fnModel) coldOf(n, lambda, durMS float64) float64 {
	k := [3]uint64{fbits(n), fbits(lambda), fbits(durMS)}
	e := &fm.colds[triSlot(k[0], k[1], k[2])]
	if !e.ok || e.k != k {
		*e = triEntry{k: k, v: [2]float64{coldRate(n, lambda, durMS, fm.lifeMS)}, ok: true}
	}
	return e.v[0]
}

// cappedOf returns cappedMeanTail(t, mu, sigma) from the function's cache,
// computing it on a miss.
func (fm *fnModel) cappedOf(t, mu, sigma float64) (mean, tail float64) {
	k := [3]uint64{fbits(t), fbits(mu), fbits(sigma)}
	e := &fm.capped[triSlot(k[0], k[1], k[2])]
	if !e.ok || e.k != k {
		m, tl := cappedMeanTail(t, mu, sigma)
		*e = triEntry{k: k, v: [2]float64{m, tl}, ok: true}
	}
	return e.v[0], e.v[1]
}
