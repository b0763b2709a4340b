package rollout

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/evoarch/evoarch/sim/infra"
)

// MonteCarlo is the reference the closed form is tested against: it draws n
// defective releases of function fn of st one by one with a seeded source
// (the hook's coin, each tick's Poisson error count, every alarm's
// datapoints over the same errors, the manual tail) and returns the means.
// Unlike Eval it evaluates several alarms jointly rather than by the best
// single alarm. It allocates; n <= 0 or an unknown fn gives a zero result.
func MonteCarlo(m *Model, st *infra.State, fn int, seed int64, n int) FunctionResult {
	if m == nil || st == nil || n <= 0 || fn < 0 || fn >= len(m.fns) || fn >= len(st.Functions) {
		return FunctionResult{}
	}
	f := &m.fns[fn]
	sf := &st.Functions[fn]
	k := kindOf(sf)
	a := 0
	if sf.AlarmLevel > 0 {
		a = 1
	}
	if !f.tab[k][a].Valid {
		k = infra.DeployNone
	}
	s := &f.scheds[k]
	var dets []detector
	var hPre, hPost float64
	if k != infra.DeployNone {
		dets = f.dets[a]
		if sf.PreTraffic {
			hPre = m.rel.HookCatchRate
		}
		if sf.PostTraffic {
			hPost = m.rel.HookCatchRate
		}
	}
	src := rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)
	rng := rand.New(src)
	poisson := func(mu float64) float64 {
		if !(mu > 0) {
			return 0
		}
		return distuv.Poisson{Lambda: mu, Src: src}.Rand()
	}

	// The tick is the greatest common divisor of the alarm periods, in whole
	// seconds (CloudWatch periods are whole seconds).
	tick := 0
	for _, d := range dets {
		tick = gcd(tick, max(int(math.Round(d.PeriodS)), 1))
	}
	if tick == 0 {
		tick = 60
	}
	tickS := float64(tick)
	end := s.EndS
	nT := int(math.Ceil(end/tickS - 1e-9))
	mu := make([]float64, nT)
	for t := range mu {
		mu[t] = f.errRate * s.integral(float64(t)*tickS, math.Min(float64(t+1)*tickS, end))
	}
	counts := make([]float64, nT)
	manualS := m.rel.ManualDetectMin * 60

	var sumFailed, sumTime, detected float64
	for range n {
		if hPre > 0 && rng.Float64() < hPre {
			detected++
			continue
		}
		for t := range counts {
			counts[t] = poisson(mu[t])
		}
		fire := math.Inf(1)
		for _, d := range dets {
			per := max(int(math.Round(d.PeriodS)), 1) / tick
			var ring []bool
			breaches := 0
			for j := 0; (j+1)*per <= nT && float64((j+1)*per)*tickS <= end+1e-9; j++ {
				sum := 0.0
				for t := j * per; t < (j+1)*per; t++ {
					sum += counts[t]
				}
				br := sum >= float64(d.KMin)
				ring = append(ring, br)
				if br {
					breaches++
				}
				if len(ring) > d.EvalPeriods {
					if ring[len(ring)-1-d.EvalPeriods] {
						breaches--
					}
				}
				if breaches >= d.Datapoints {
					fire = math.Min(fire, float64((j+1)*per)*tickS)
					break
				}
			}
		}
		failed := 0.0
		if !math.IsInf(fire, 1) {
			for t := range counts {
				if float64(t+1)*tickS <= fire+1e-9 {
					failed += counts[t]
				}
			}
			detected++
			sumFailed += failed
			sumTime += fire / 60
			continue
		}
		for _, c := range counts {
			failed += c
		}
		if hPost > 0 && rng.Float64() < hPost {
			detected++
			sumTime += end / 60
		} else {
			failed += poisson(f.errRate * manualS)
			sumTime += (end + manualS) / 60
		}
		sumFailed += failed
	}
	r := FunctionResult{
		Type:                   kindName(k, f.custom),
		LeadTimeMin:            end / 60,
		DetectProbability:      detected / float64(n),
		ExpectedFailedRequests: sumFailed / float64(n),
		TimeToDetectMin:        sumTime / float64(n),
	}
	r.FailedRequestsPerMonth = r.ExpectedFailedRequests * m.rel.DefectRate * f.deploys
	return r
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
