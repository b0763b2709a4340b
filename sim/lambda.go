package sim

import (
	"github.com/evoarch/evoarch/sim/infra"
)

// lambdaInput is what the Lambda cost of one function depends on: its
// configuration, its workload and the performance model's durations.
type lambdaInput struct {
	// Known is true when the scenario gives the function's invocations.
	Known bool
	// Invocations per month.
	Invocations float64
	MemoryMB    float64
	Arch        infra.Arch
	// Provisioned is the provisioned concurrency (environments), 0 when off.
	Provisioned int
	// EphemeralMB is the /tmp size in MB (512 is free).
	EphemeralMB float64
	// DurationMS is the mean billed duration of one invocation, ms.
	DurationMS float64
	// TimeoutMS caps the billed duration: an invocation stops, and its
	// billing with it, at the function's Timeout (0: no cap).
	TimeoutMS float64
	// InitMS is the INIT duration of a cold start, ms.
	InitMS float64
	// ColdStartRate is the share of invocations that start cold.
	ColdStartRate float64
	// ProvisionedShare is the share of invocations served by provisioned
	// concurrency.
	ProvisionedShare float64
	// LogGB is the CloudWatch Logs volume per month; LogKnown says the
	// scenario gives it.
	LogGB    float64
	LogKnown bool
	// AlarmMetrics is the number of standard-resolution alarm metrics the
	// genome adds for the function's deployments.
	AlarmMetrics float64
}

// lambdaUsage is one function's monthly billable quantities before the
// account-wide free tier and tiers.
type lambdaUsage struct {
	known    bool
	arch     infra.Arch
	requests float64
	// gbs is on-demand invoke duration and initGBs INIT duration, GB-s.
	gbs, initGBs float64
	// pcGBs is duration served by provisioned concurrency, GB-s; pcConfGBs
	// the provisioned concurrency configured for the month, GB-s.
	pcGBs, pcConfGBs float64
	// ephGBs is the ephemeral storage above 512 MB times duration, GB-s.
	ephGBs       float64
	provisioned  bool
	logGB        float64
	logKnown     bool
	alarmMetrics float64
}

// lambdaUsageOf computes a function's monthly quantities:
//
//	GB = MemoryMB / 1024 (aws-facts.md 1.1 Example 1: "512MB/1024")
//	on-demand GB-s = invocations x (1 - provisioned share) x ceil(duration ms)/1000 x GB
//	INIT GB-s      = invocations x cold-start rate x ceil(INIT ms)/1000 x GB (billed since 2025-08-01, aws-facts.md 1.1 [V])
//	provisioned-duration GB-s = invocations x provisioned share x duration s x GB
//	provisioned GB-s = provisioned concurrency x GB x 730 h x 3600 s (charged for the whole month it is configured)
//	ephemeral GB-s = (EphemeralMB - 512)/1024 x billed seconds
func lambdaUsageOf(in *lambdaInput) lambdaUsage {
	var u lambdaUsage
	u.of(in)
	return u
}

// of sets u to lambdaUsageOf(in) in place (no copy of the result).
func (u *lambdaUsage) of(in *lambdaInput) {
	gb := nonNeg(in.MemoryMB) / 1024
	*u = lambdaUsage{
		known:        in.Known,
		arch:         in.Arch,
		provisioned:  in.Provisioned > 0,
		logGB:        nonNeg(in.LogGB),
		logKnown:     in.LogKnown,
		alarmMetrics: nonNeg(in.AlarmMetrics),
	}
	if in.Provisioned > 0 {
		u.pcConfGBs = float64(in.Provisioned) * gb * secondsPerMonth
	}
	if !in.Known {
		return
	}
	inv := nonNeg(in.Invocations)
	share := clamp01(in.ProvisionedShare)
	if in.Provisioned <= 0 {
		share = 0
	}
	dms := ceilMS(in.DurationMS)
	if in.TimeoutMS > 0 && dms > in.TimeoutMS {
		dms = in.TimeoutMS
	}
	d := dms / 1000
	u.requests = inv
	u.gbs = inv * (1 - share) * d * gb
	u.pcGBs = inv * share * d * gb
	initS := ceilMS(in.InitMS) / 1000
	u.initGBs = inv * clamp01(in.ColdStartRate) * initS * gb
	if extra := (in.EphemeralMB - 512) / 1024; extra > 0 {
		u.ephGBs = extra * inv * (d + clamp01(in.ColdStartRate)*initS)
	}
}

// lambdaPool is the account-wide part of Lambda pricing: the shared free
// tier and the tiered duration prices per architecture.
type lambdaPool struct {
	// freeReq and freeGBs are the shares of eligible requests and GB-s the
	// free tier covers (0 when off).
	freeReq, freeGBs float64
	// priceX86 and priceARM are the blended on-demand GB-s prices.
	priceX86, priceARM float64
	// logShare is the free share of log ingestion; logPrice its blended price.
	logShare, logPrice float64
}

// newLambdaPool computes the account-wide quantities. The free tier (1M
// requests, 400,000 GB-s a month, shared by x86 and arm) covers every
// function without provisioned concurrency in proportion to its usage
// (decisions.md "free tier"); the duration tiers apply to the account's
// total billable on-demand GB-s per architecture (aws-facts.md 1.1).
func newLambdaPool(us []lambdaUsage, p *Prices, freeTier bool, otherLogGB float64) lambdaPool {
	var logs float64
	for i := range us {
		if u := &us[i]; u.logKnown {
			logs += u.logGB
		}
	}
	logs += otherLogGB
	var pool lambdaPool
	pool.logShare, pool.logPrice = logPool(p, freeTier, logs)
	pool.usage(us, p, freeTier)
	return pool
}

// logPool is the free share and blended price of logs GB of log
// ingestion a month, the account's total (newLambdaPool).
func logPool(p *Prices, freeTier bool, logs float64) (share, price float64) {
	share = freeShare(freeTier, p.CloudWatch.FreeLogs.Quantity, logs)
	return share, blended(p.CloudWatch.LogsIngestion, logs*(1-share))
}

// usage sets the pool's request and duration fields (all but logShare
// and logPrice, which the functions' log volumes alone decide) from us.
func (pool *lambdaPool) usage(us []lambdaUsage, p *Prices, freeTier bool) {
	var req, gbs float64
	for i := range us {
		u := &us[i]
		if u.provisioned || !u.known {
			continue
		}
		req += u.requests
		gbs += u.gbs + u.initGBs
	}
	pool.freeReq = freeShare(freeTier, p.Lambda.FreeRequests.Quantity, req)
	pool.freeGBs = freeShare(freeTier, p.Lambda.FreeDuration.Quantity, gbs)
	var x86, arm float64
	for i := range us {
		u := &us[i]
		q := u.gbs + u.initGBs
		if !u.provisioned {
			q *= 1 - pool.freeGBs
		}
		if u.arch == infra.ARM64 {
			arm += q
		} else {
			x86 += q
		}
	}
	pool.priceX86 = blended(p.Lambda.DurationX86, x86)
	pool.priceARM = blended(p.Lambda.DurationARM, arm)
}

// lambdaItems gives the line items of one function.
func lambdaItems(u *lambdaUsage, pool *lambdaPool, p *Prices, alarmFree float64, s *lineSink) {
	l := &p.Lambda
	dur, pcConf, pcDur, durName := l.DurationX86, l.ProvisionedX86, l.ProvisionedDurationX86, "Duration (on-demand, x86_64)"
	price := pool.priceX86
	if u.arch == infra.ARM64 {
		dur, pcConf, pcDur, durName = l.DurationARM, l.ProvisionedARM, l.ProvisionedDurationARM, "Duration (on-demand, arm64)"
		price = pool.priceARM
	}
	if u.pcConfGBs > 0 {
		s.flat("Provisioned concurrency", u.pcConfGBs, pcConf)
	}
	if !u.known {
		s.usage("Requests", l.Requests)
		s.usage(durName, dur)
	} else {
		fr, fd := pool.freeReq, pool.freeGBs
		if u.provisioned {
			fr, fd = 0, 0
		}
		s.flat("Requests", u.requests*(1-fr), l.Requests)
		s.addFree("Requests (free tier)", u.requests*fr, l.FreeRequests, "")
		s.priced(durName, u.gbs*(1-fd), price, dur)
		if u.initGBs > 0 {
			s.priced("Duration (INIT of cold starts)", u.initGBs*(1-fd), price, dur)
		}
		s.addFree("Duration (free tier)", (u.gbs+u.initGBs)*fd, l.FreeDuration, "")
		if u.pcGBs > 0 {
			s.flat("Duration (provisioned concurrency)", u.pcGBs, pcDur)
		}
		if u.ephGBs > 0 {
			s.flat("Ephemeral storage (above 512 MB)", u.ephGBs, l.Ephemeral)
		}
	}
	cw := &p.CloudWatch
	switch {
	case u.logKnown:
		s.priced("Logs ingestion", u.logGB*(1-pool.logShare), pool.logPrice, cw.LogsIngestion)
		s.addFree("Logs ingestion (free tier)", u.logGB*pool.logShare, cw.FreeLogs, "")
	default:
		s.usage("Logs ingestion", cw.LogsIngestion)
	}
	if u.alarmMetrics > 0 {
		s.flat("Deployment alarms (standard resolution)", u.alarmMetrics*(1-alarmFree), cw.AlarmStandard)
		s.addFree("Deployment alarms (free tier)", u.alarmMetrics*alarmFree, cw.FreeAlarms, "")
	}
}

// lambdaLines appends the line items of lambdaItems to dst.
func lambdaLines(u *lambdaUsage, pool *lambdaPool, p *Prices, alarmFree float64, dst []Line) []Line {
	s := lineSink{keep: true, lines: dst}
	lambdaItems(u, pool, p, alarmFree, &s)
	return s.lines
}

func clamp01(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// same reports whether in and o are equal field by field, floats bit for
// bit: the usage is a function of these fields alone (a field added to
// lambdaInput must be compared here; TestCostSameFields checks).
func (in *lambdaInput) same(o *lambdaInput) bool {
	return in.Known == o.Known && sameBits(in.Invocations, o.Invocations) && sameBits(in.MemoryMB, o.MemoryMB) &&
		in.Arch == o.Arch && in.Provisioned == o.Provisioned && sameBits(in.EphemeralMB, o.EphemeralMB) &&
		sameBits(in.DurationMS, o.DurationMS) && sameBits(in.TimeoutMS, o.TimeoutMS) && sameBits(in.InitMS, o.InitMS) &&
		sameBits(in.ColdStartRate, o.ColdStartRate) && sameBits(in.ProvisionedShare, o.ProvisionedShare) &&
		sameBits(in.LogGB, o.LogGB) && in.LogKnown == o.LogKnown && sameBits(in.AlarmMetrics, o.AlarmMetrics)
}
