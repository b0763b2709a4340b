package perf

import (
	"fmt"
	"math"
	"sort"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// Traffic regimes: the day is split into a peak, at the scenario's peak_rps
// for peak_hours_per_day hours (scenarios.FunctionLoad.PeakHoursPerDayOr), and the off-peak rest at the rate that keeps
// invocations_per_month. Every rate below is computed in both and weighted
// by the share of requests each carries.
const (
	offPeak = 0
	peak    = 1
)

// Components of one function's latency mixture (stride nComp in Model.comps).
const (
	cWarm = iota
	cWarmRetry
	cCold
	cColdRetry
	cCache
	cDelayed // async: throttled events delivered later
	nComp
)

// Model is the compiled workload of a template under a scenario. Compile it
// once; Eval then reads a variant's State without allocating. A Model is not
// safe for concurrent use: give each goroutine its own (Compile is cheap).
//
// A Model keeps what Eval computed for each function configuration and
// each combination of them (see Eval), up to memoBudget function entries,
// compMemoLimit distinct sets of a function's latency components and
// appMemoLimit application mixtures (by their functions' components:
// appMixture); inserting grows those tables, the only
// allocation Eval makes, and a full table starts again empty. Results are
// the same with and without the tables (a hit requires bit-identical inputs),
// and Eval turns them off while they miss on variants new in every function
// (Model.adapt).
type Model struct {
	fns    []fnModel
	tables []tableModel
	// apiHit is each API's cache_hit_ratio (0 when the scenario gives none).
	apiHit []float64
	// nBuckets is len(State.Buckets) at compile time.
	nBuckets int
	// comps holds nComp latency components per function: each function's
	// mixture, then, reweighted by traffic, the application's.
	comps []comp // nComp per function, the application's mixture
	// poolBlock is the unreserved pool's blocking per regime (scratch).
	poolBlock [2]float64
	// accountConc is the account's regional concurrency limit, in
	// execution environments (scenario account_concurrency).
	accountConc int
	// userRate is the request rate of the synchronous functions with
	// traffic, requests per second (the app's latency covers those).
	userRate float64
	// lastPool and lastPoolLoad are the pool size and loads poolBlock was
	// computed for.
	lastPool     int
	lastPoolLoad [2]float64
	// pool maps the pool's loads and size to its blocking (poolVals).
	pool     memo
	poolKey  [3]uint64
	poolVals [][2]float64
	// poolLast holds the pool entries of the last two look-ups, -1 for
	// none (memo.findFrom2's hints).
	poolLast [2]int
	// poolZero keeps loads and pool sizes known to block nothing
	// (zeroLoad); zeroNext is the place the next one not covering another
	// takes.
	poolZero [poolZeroPoints]zeroLoad
	zeroNext int

	// noMemo turns the tables off (benchmarks and tests of the cold path).
	noMemo bool
	// off is noMemo or bypass, for the current Eval: the tables are not
	// read or written (every figure computed, as a fresh Model would).
	off bool
	// bypass turns the tables off while they do not pay (see adapt):
	// variants new in every function, as a random search draws them, miss
	// every table, and a miss costs its look-up and insertion on top of
	// the computation. adaptive enables it (Compile sets it; tests of the
	// tables' internals clear it).
	bypass, adaptive bool
	// win counts the Evals of the current window of the bypass policy,
	// looks and hits the function memo's look-ups and hits in it (with the
	// tables on) and moved the functions whose prepared inputs changed.
	win, looks, hits, moved int
	// bypassWins counts the windows spent with the tables off since the
	// last sample with them on; switches counts the policy's switches
	// (tests read it).
	bypassWins, switches int
	// noFnPct leaves the functions' own P50MS, P95MS and P99MS at 0 (see
	// SkipFunctionPercentiles).
	noFnPct bool
	// onlyP99 leaves the application's P50MS and P95MS NaN (see
	// SkipLowerAppPercentiles).
	onlyP99 bool
	// app maps the components ids (compTab) of the functions in the
	// application's mixture, in mix order, to the application's p50, p95
	// and p99 (appVals, by id); appKey is scratch. See appMixture.
	app     memo
	appKey  []uint64
	appVals [][3]float64
	// compTab gives one function's nComp latency components an id, equal
	// for two sets of components iff their parameters are bit-identical
	// (compsID; compKey is scratch). compGen is its generation, counted
	// from 1 and moved on at each reset: a function entry's cid is valid
	// while its cgen is compGen.
	compTab memo
	compKey []uint64
	compGen uint64
	// appLast is the app entry of the last look-up (-1 before any) and
	// appLast2 the one before it: the first ones a look-up compares with
	// (memo.findFrom2).
	appLast, appLast2 int
	// mix lists, in index order, the functions in the application's
	// latency mixture (mixFunctions); mixComps holds their nComp
	// components each, reweighted by traffic (scratch).
	mix      []int
	mixComps []comp
	// qbuf is the percentile search's scratch (prepQ), room for mixComps.
	qbuf []qcomp

	// demOK says the tables' demand was summed (evalTables) with every
	// function's current fnModel.demInv.
	demOK bool
	// sse is each bucket's encryption when the functions' kms was last
	// computed (kmsOK; kept only while len(State.Buckets) is nBuckets).
	sse   []infra.BucketSSE
	kmsOK bool
	// appOK says appPrev holds the application's p50, p95 and p99 of the
	// last Eval that computed them, under the pool blocking appPool and
	// the mixture's functions' entries as they still are (no fnModel.moved
	// since).
	appOK   bool
	appPrev [3]float64
	appPool [2]float64
	// lastSt is the State of the last Eval or EvalChanged: a change list
	// holds against it only.
	lastSt *infra.State
}

// Memo sizes. memoBudget function entries (about 1 KB each) are shared out
// among the functions, at least minFnMemo each; appMemoLimit mixtures of
// one word per function of the mixture and 24 bytes each. memoHint entries are
// allocated at Compile.
//
// Smaller is faster here, down to a point: a search's hits are mostly on
// entries it made recently, and a smaller table stays in the processor's
// caches and touches fewer new pages (each first touch is a page fault).
// Halving memoBudget from 8,192 and appMemoLimit from 32,768 made the
// default GA on seed-demo about 5% faster (BenchmarkEvolveSeedDemo/ga, 6
// alternating rounds, every round faster), random search too, and the
// built-in scenarios' searches 2-4%, with the same output; halving again,
// or halving compMemoLimit or poolMemoLimit, gained nothing more.
const (
	memoBudget   = 1 << 12
	minFnMemo    = 1 << 8
	appMemoLimit = 1 << 14
	// poolMemoLimit: pool loads and their blocking, 3 words and 16 bytes.
	poolMemoLimit = 1 << 14
	// compMemoLimit: sets of one function's components, compWords words
	// per component (30 words, 240 bytes, each).
	compMemoLimit = 1 << 13
	memoHint      = 64
)

// fnKeyFixed is the number of key words before the table calls' throttle
// probabilities (Model.stage1).
const fnKeyFixed = 8

// fnEntry is one function configuration's evaluation: stage 1 (ev), and
// stage 2 (fr, ev.throttle, comps) once done, under the pool blocking
// pool.
//
// A hit (stage1 on another entry than the current one, then stage2 on a
// done one) reads only ev's last fields (throttle and load), the flags,
// pool, cid and cgen, and fr: 184 contiguous bytes of the entry's 1,016,
// three or four cache lines where copying the whole ev took five more;
// the rest of ev is copied only when read (fnModel.lazy). (The default GA
// on seed-demo about 3% faster, 8 of 10 alternating rounds. Keeping only
// the components' parameters in the entry, 696 bytes in all, or padding
// it to 1,024 bytes gained nothing measurable on top.)
type fnEntry struct {
	ev   fnEval
	done bool
	// pct says fr holds the function's percentiles.
	pct  bool
	pool [2]float64
	// cid is comps' id in Model.compTab, valid while cgen is
	// Model.compGen (0: not taken since comps were last written).
	cid   int
	cgen  uint64
	fr    FunctionResult
	comps [nComp]comp
}

// fnModel is one function's workload and the scratch of its evaluation.
type fnModel struct {
	id  string
	has bool // the scenario gives the function traffic
	// rate is the mean request rate in requests per second;
	// rates and timeShare are per regime.
	rate      float64
	rates     [2]float64
	timeShare [2]float64
	// reqShare is the share of the function's requests in each regime.
	reqShare [2]float64

	durRefMS float64 // mean duration at refMemMB on refArch, ms
	cpu      float64 // cpu_bound share
	threads  float64
	refMemMB float64
	refArch  infra.Arch
	arm      float64 // arm64 speed factor
	cv       float64
	// cvS2 and cvSigma are ln(1 + cv^2) and its square root: the log-variance
	// and log-sd of the warm duration (lognormalParams, fixed per function).
	cvS2, cvSigma float64
	lifeMS        float64
	pkgMB         float64
	async         bool
	// inMix says the function's requests are in the application's latency
	// mixture (mixFunctions).
	inMix bool
	// baseKMSMS is the KMS time already inside durRefMS (reference state).
	baseKMSMS float64
	calls     []call

	rowRuntime string // runtime the cached row is for
	rowImage   bool   // and package type (an image has no runtime row)
	row        int

	ev fnEval // the last Eval's intermediate values (MonteCarlo reads them)
	// given is retryRates' scratch: timeoutGiven by (a, b), -1 until
	// computed, valid while givenOK (evalLoad clears it per evaluation).
	given   [maxExactCalls + 1][maxExactCalls + 1]float64
	givenOK bool
	ghD     [2 * len(ghZ)]float64 // ghDurations of the warm lognormal
	ghOK    bool                  // ghD is set (retryRates)
	// inits keeps initFor's results with their mean and variance by
	// memory, architecture and runtime row (initOf), direct-mapped.
	inits [initSlots]initEntry
	// sigmas keeps sigmaExps by log-sd (sigmaExpOf), direct-mapped: the
	// warm components' is the same in every variant, the cold ones' recur.
	sigmas [sigmaSlots]sigmaEntry
	// colds and capped keep coldRate's and cappedMeanTail's values by
	// their arguments (coldOf, cappedOf), direct-mapped.
	colds, capped [triSlots]triEntry

	// memo maps the function's configuration (key, scratch) to its entry
	// in ents; cur is the entry of the last Eval, -1 without memo, and prev
	// the one before it (-1 for none): the look-up's hints (findFrom2).
	memo memo
	key  []uint64
	ents chunked[fnEntry]
	cur  int
	prev int
	// in is what the last prepare read (zero before any: valid false).
	in prepIn
	// kms is the KMS time of the function's S3 calls under the buckets'
	// encryption, ms (kmsMS, kept by Eval while no bucket's SSE changes).
	kms float64
	// demInv is ev.invoked's bits when the tables' demand was last summed.
	demInv uint64
	// moved says the last Eval changed the function's memo entry (cur) or
	// its content; stage1 skipped or hitting cur leaves it false.
	moved bool
	// lazy says ev holds its current entry's stage-1 evaluation only in
	// part: the prepared inputs (which the entry's key holds), load
	// (stage1 copied it), throttle (stage2's); the rest is the entry's
	// (cur), copied when read (whole, syncEv).
	lazy bool
}

// whole returns the function's stage-1 evaluation: ev, its fields but
// throttle and load taken from the current entry while lazy (bit for bit
// ev as a copy of the entry would leave it).
func (fm *fnModel) whole() fnEval {
	if !fm.lazy {
		return fm.ev
	}
	ev := fm.ents.at(fm.cur).ev
	ev.throttle, ev.load = fm.ev.throttle, fm.ev.load
	return ev
}

// syncEv makes ev whole (see lazy).
func (fm *fnModel) syncEv() {
	if fm.lazy {
		fm.ev, fm.lazy = fm.whole(), false
	}
}

// prepIn is what fnModel.prepare reads of a variant, floats by their bits:
// the function's settings, its API's type and cache, and the KMS time of
// its S3 calls (kmsMS). valid is false in the zero value, which matches
// no call's. prepare compares it field by field (same).
type prepIn struct {
	memMB, timeoutS, kms, cacheGB uint64
	arch                          infra.Arch
	reserved, prov, api           int
	runtime                       string
	image, rest, valid            bool
}

// call is one invocation's requests to one table or bucket.
type call struct {
	table, bucket int // index into State.Tables / State.Buckets, or -1
	reads, writes float64
	gets, puts    float64
}

// tableModel is one table's item size and the scratch of its evaluation.
type tableModel struct {
	readUnits  float64 // capacity units per read item
	writeUnits float64 // capacity units per written item
	// demR and demW are the read and write demand by regime, units/s.
	demR, demW [2]float64
	// peakShare / weight is the share of the day the callers' peak lasts.
	peakShare, weight float64
	// qRead and qWrite are the per-attempt throttle probabilities by regime.
	qRead, qWrite [2]float64
	// inR and inW are what qRead and qWrite were computed from
	// (evalTables); moved says the last Eval changed either's bits.
	inR, inW shareIn
	moved    bool
}

// fnEval holds what Eval computed for one function, per regime where it
// varies: the Monte Carlo reference simulates from the same inputs.
type fnEval struct {
	invoked   float64 // share of requests that invoke the function (cache misses)
	durMS     float64 // mean warm duration before retries, ms
	mu, sigma float64 // its lognormal
	init      initDist
	initMS    float64 // init's mean, ms
	initVar   float64 // init's variance, ms^2
	overMS    float64 // API Gateway overhead, ms
	cacheHit  float64
	timeoutMS float64
	cap       int // concurrency cap: reserved, or -1 for the shared pool
	prov      int
	// retry: per regime, the chance a request has a throttled DynamoDB call,
	// the mean extra delay when it has, and the chance a call fails.
	pRetry, fail [2]float64
	// retryMS and retryVar are the mean and variance of the extra time of
	// a request that retried (ms, ms^2).
	retryMS, retryVar float64
	// to and failTO are per regime the share of invocations that time out
	// and the share that fail (timed out or a DynamoDB call out of
	// attempts), before throttling by Lambda (retryRates).
	to, failTO [2]float64
	// rmu and rsig are the lognormal of a retried invocation's duration.
	rmu, rsig float64
	// runMS is the mean time an invocation runs, capped by the Timeout, per
	// regime (ms): what Lambda bills and what holds an environment.
	runMS [2]float64
	// per-call throttle probability by regime, in call order (reads then
	// writes per table), for the Monte Carlo.
	spill, cold [2]float64
	// throttle and load come last, next to what follows ev in a memo
	// entry (fnEntry): a hit reads them and not the rest.
	throttle [2]float64
	load     [2]float64 // offered concurrency in erlangs
}

// Compile precomputes the workload of every function of st (the template
// as written, which the scenario's durations refer to) under sc. sc may be
// nil: no function has traffic then.
func Compile(st *infra.State, sc *scenarios.Scenario) (*Model, error) {
	if st == nil {
		return nil, fmt.Errorf("perf: nil state")
	}
	m := &Model{
		fns:      make([]fnModel, len(st.Functions)),
		tables:   make([]tableModel, len(st.Tables)),
		apiHit:   make([]float64, len(st.APIs)),
		nBuckets: len(st.Buckets),
		comps:    make([]comp, nComp*len(st.Functions)),
	}
	var wl scenarios.Workload
	m.accountConc = scenarios.DefaultAccountConcurrency
	if sc != nil {
		wl = sc.Workload
		m.accountConc = sc.AccountConcurrencyOr()
	}
	for i := range st.Tables {
		tm := &m.tables[i]
		tl := wl.Tables[st.Tables[i].ID]
		if tl == nil {
			tl = &scenarios.TableLoad{}
		}
		item, consistent := tl.ItemKBOr(), tl.ConsistentReads
		tm.readUnits = math.Ceil(item / readUnitKB)
		if !consistent {
			tm.readUnits /= 2
		}
		tm.writeUnits = math.Ceil(item / writeUnitKB)
	}
	for i := range st.APIs {
		if al := wl.Apis[st.APIs[i].ID]; al != nil {
			if al.CacheHitRatio < 0 || al.CacheHitRatio > 1 {
				return nil, fmt.Errorf("perf: workload.apis.%s.cache_hit_ratio: %g is not in [0, 1]", st.APIs[i].ID, al.CacheHitRatio)
			}
			m.apiHit[i] = al.CacheHitRatio
		}
	}
	// Functions in sorted ID order for the error messages only.
	ids := make([]string, 0, len(wl.Functions))
	for id := range wl.Functions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if st.FunctionIndex(id) < 0 {
			return nil, fmt.Errorf("perf: workload.functions.%s: no Lambda function %s in the template", id, id)
		}
	}
	for i := range st.Functions {
		f := &st.Functions[i]
		fm := &m.fns[i]
		fm.id = f.ID
		fm.row = -1
		if err := fm.compile(st, f, wl.Functions[f.ID], m.nBuckets); err != nil {
			return nil, err
		}
		if fm.has && !fm.async {
			m.userRate += fm.rate
		}
	}
	// The memo tables: per function, fnKeyFixed words and 4 per table call
	// (read and write throttle probability per regime).
	limit := max(minFnMemo, memoBudget/max(1, len(m.fns)))
	for i := range m.fns {
		fm := &m.fns[i]
		n := fnKeyFixed
		for _, c := range fm.calls {
			if c.table >= 0 && c.table < len(m.tables) {
				n += 4
			}
		}
		fm.key = make([]uint64, n)
		fm.memo = newMemo(n, memoHint, limit)
		fm.cur, fm.prev = -1, -1
	}
	m.mix = mixFunctions(m.fns, m.userRate)
	m.mixComps = make([]comp, nComp*len(m.mix))
	m.qbuf = make([]qcomp, 0, len(m.mixComps))
	m.appKey = make([]uint64, len(m.mix))
	m.app = newMemo(len(m.appKey), memoHint, appMemoLimit)
	m.appLast, m.appLast2 = -1, -1
	m.compKey = make([]uint64, compWords*nComp)
	// At least len(m.mix) entries: appMixture's ids of one mixture then
	// fit in the table after a reset.
	m.compTab = newMemo(len(m.compKey), memoHint, max(compMemoLimit, len(m.mix)))
	m.compTab.whole = true
	m.compGen = 1
	m.appVals = make([][3]float64, 0, memoHint)
	m.lastPool = -1
	m.poolLast = [2]int{-1, -1}
	m.sse = make([]infra.BucketSSE, m.nBuckets)
	m.pool = newMemo(len(m.poolKey), memoHint, poolMemoLimit)
	for i := range m.poolZero {
		m.poolZero[i].a = math.NaN()
	}
	m.poolVals = make([][2]float64, 0, memoHint)
	m.adaptive = true
	return m, nil
}

// minFnShare is the largest share of the synchronous requests the
// functions left out of the application's latency mixture may carry
// together (a CodeDeploy hook run 16 times a month among millions of
// requests): the lightest functions are left out while their summed
// request rate stays below minFnShare of the synchronous functions'. They
// change the mixture's CDF by at most that share (of the requests Lambda
// serves, when none is throttled), so each application percentile is a
// true quantile within +-1e-5 of its level: the p99 is one between the
// p98.999 and the p99.001. Their configurations are not in the application
// memo's key either. Error rate and availability count every function.
const minFnShare = 1e-5

// mixFunctions marks the functions in the application's latency mixture
// (inMix) and returns their indices in order: every synchronous function
// with traffic but the lightest, whose summed rate stays below minFnShare
// of userRate (requests per second). Ties are broken by index, so the
// choice depends on the compiled workload only.
func mixFunctions(fns []fnModel, userRate float64) []int {
	var sync []int
	for i := range fns {
		if fns[i].has && !fns[i].async {
			sync = append(sync, i)
		}
	}
	light := append([]int(nil), sync...)
	sort.SliceStable(light, func(a, b int) bool { return fns[light[a]].rate < fns[light[b]].rate })
	left := 0.0
	drop := make([]bool, len(fns))
	for _, i := range light {
		if left+fns[i].rate >= minFnShare*userRate {
			break
		}
		left += fns[i].rate
		drop[i] = true
	}
	mix := make([]int, 0, len(sync))
	for _, i := range sync {
		fns[i].inMix = !drop[i]
		if !drop[i] {
			mix = append(mix, i)
		}
	}
	return mix
}

// compile reads one function's workload, applying the documented defaults
// (facts.go) where the scenario gives none.
func (fm *fnModel) compile(st *infra.State, f *infra.Function, fl *scenarios.FunctionLoad, nBuckets int) error {
	fm.refMemMB = f.MemoryMB
	if fm.refMemMB <= 0 {
		fm.refMemMB = infra.DefaultMemoryMB
	}
	fm.refArch = f.Arch
	fm.async = f.Async || f.Queue >= 0
	if fl == nil {
		fl = &scenarios.FunctionLoad{} // the documented defaults, no traffic
	}
	key := "perf: workload.functions." + f.ID + "."
	for _, c := range [...]struct {
		n string
		v float64
	}{{"invocations_per_month", fl.InvocationsPerMonth}, {"peak_rps", fl.PeakRPS}, {"duration_ms", fl.DurationMS},
		{"reference_memory_mb", fl.ReferenceMemoryMB}, {"arm64_speed", fl.Arm64Speed}, {"duration_cv", fl.DurationCV},
		{"idle_lifetime_min", fl.IdleLifetimeMin}, {"package_mb", fl.PackageMB}, {"peak_hours_per_day", fl.PeakHoursPerDay}} {
		if c.v < 0 || math.IsNaN(c.v) || math.IsInf(c.v, 0) {
			return fmt.Errorf("%s%s: %g must be a finite number >= 0", key, c.n, c.v)
		}
	}
	// Defaults through the scenario's methods (scenarios/defaults.go).
	fm.refMemMB = fl.ReferenceMemoryMBOr(fm.refMemMB)
	fm.cpu = fl.CPUBoundOr()
	if fm.cpu < 0 || fm.cpu > 1 || math.IsNaN(fm.cpu) {
		return fmt.Errorf("%scpu_bound: %g is not in [0, 1]", key, fm.cpu)
	}
	fm.threads = min(max(float64(fl.ThreadsOr()), 1), maxThreads)
	fm.arm = fl.Arm64SpeedOr()
	fm.cv = fl.DurationCVOr()
	fm.cvS2 = math.Log1p(fm.cv * fm.cv) // lognormalParams' s2 and sigma
	fm.cvSigma = math.Sqrt(fm.cvS2)
	fm.lifeMS = fl.IdleLifetimeMinOr() * 60000
	fm.pkgMB = fl.PackageMB
	fm.async = fm.async || fl.Async

	// Calls, in sorted target order (deterministic).
	targets := make([]string, 0, len(fl.Calls))
	for id := range fl.Calls {
		targets = append(targets, id)
	}
	sort.Strings(targets)
	for _, id := range targets {
		c := fl.Calls[id]
		if c == nil {
			continue
		}
		for _, v := range [...]float64{c.Reads, c.Writes, c.Gets, c.Puts, c.Sends} {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%scalls.%s: counts must be finite numbers >= 0", key, id)
			}
		}
		cl := call{table: st.TableIndex(id), bucket: st.BucketIndex(id),
			reads: c.Reads, writes: c.Writes, gets: c.Gets, puts: c.Puts}
		if cl.table < 0 && cl.bucket < 0 {
			// SQS sends or resources the model does not time: part of
			// duration_ms already.
			continue
		}
		fm.calls = append(fm.calls, cl)
	}
	fm.baseKMSMS = kmsMS(fm.calls, st.Buckets)

	fm.durRefMS = fl.DurationMS
	if fm.durRefMS <= 0 {
		// No duration given: the function is its calls (nothing to scale
		// with CPU), at least the 1 ms Lambda bills (aws-facts.md 1.1).
		fm.durRefMS = max(1, callsMS(fm.calls)+fm.baseKMSMS)
		fm.cpu = 0
	}
	if fl.InvocationsPerMonth <= 0 {
		return nil
	}
	fm.has = true
	fm.rate = fl.MeanRPS()
	pk := max(fl.PeakRPSOr(), fm.rate)
	// Peak for peak_hours_per_day, off-peak at the rate that keeps the
	// mean; a peak that would carry more than peakMaxShare of the requests
	// lasts less.
	hours := fl.PeakHoursPerDayOr()
	if hours > 24 || math.IsNaN(hours) {
		return fmt.Errorf("%speak_hours_per_day: %g is not in (0, 24]", key, hours)
	}
	tp := hours / 24
	if pk*tp > peakMaxShare*fm.rate {
		tp = peakMaxShare * fm.rate / pk
	}
	fm.timeShare = [2]float64{1 - tp, tp}
	fm.rates[peak] = pk
	if tp < 1 {
		fm.rates[offPeak] = (fm.rate - pk*tp) / (1 - tp)
	}
	for r := range fm.reqShare {
		fm.reqShare[r] = fm.rates[r] * fm.timeShare[r] / fm.rate
	}
	return nil
}

// callsMS is the time the calls take when nothing throttles, ms.
func callsMS(calls []call) float64 {
	t := 0.0
	for _, c := range calls {
		t += (c.reads+c.writes)*ddbCallMS + (c.gets+c.puts)*s3CallMS
	}
	return t
}

// kmsMS is the KMS time S3 spends for the calls' GETs and PUTs under the
// buckets' encryption, ms (aws-facts.md 1.4: SSE-KMS calls KMS per object
// GET and PUT; a Bucket Key removes 97.3 % of those calls).
func kmsMS(calls []call, buckets []infra.Bucket) float64 {
	t := 0.0
	for _, c := range calls {
		if c.bucket < 0 || c.bucket >= len(buckets) {
			continue
		}
		n := c.gets + c.puts
		switch buckets[c.bucket].SSE {
		case infra.BucketSSEKMS:
			t += n * kmsCallMS
		case infra.BucketSSEKMSBucketKey:
			t += n * kmsCallMS * bucketKeyKMSShare
		}
	}
	return t
}

// vcpus is the CPU a function can use: memory / 1,769 MB of one vCPU,
// limited by the threads the code runs and Lambda's 6 vCPUs (decisions.md
// "Lambda CPU", aws-facts.md 3.1).
func vcpus(memMB, threads float64) float64 {
	return min(memMB/mbPerVCPU, min(threads, maxVCPU))
}

// durationMS is the mean warm duration at memMB on arch, before DynamoDB
// retries: the cpu_bound share scales with the CPU the memory buys
// (decisions.md "Lambda CPU"), the rest is fixed; arm64 divides the whole
// duration by arm64_speed (scenarios.FunctionLoad.Arm64SpeedOr: "duration
// on arm64 = duration on x86_64 / factor"); a change of S3 encryption adds
// or removes KMS time: kms is the calls' KMS time under the variant's
// buckets (kmsMS), ms.
func (fm *fnModel) durationMS(memMB float64, arch infra.Arch, kms float64) float64 {
	cpuRatio := vcpus(fm.refMemMB, fm.threads) / vcpus(max(memMB, 1), fm.threads)
	d := fm.durRefMS*(1-fm.cpu) + fm.durRefMS*fm.cpu*cpuRatio
	d *= fm.archFactor(fm.refArch) / fm.archFactor(arch)
	d += kms - fm.baseKMSMS
	return max(d, 1)
}

// archFactor is the speed of an architecture relative to x86_64.
func (fm *fnModel) archFactor(a infra.Arch) float64 {
	if a == infra.ARM64 {
		return fm.arm
	}
	return 1
}

// SkipFunctionPercentiles sets whether Eval leaves each function's
// P50MS, P95MS and P99MS at 0 (skip true) instead of computing them. The
// search needs only the application's figures, which are the same either
// way (they are computed from the functions' latency components, not from
// their percentiles); a report needs both.
func (m *Model) SkipFunctionPercentiles(skip bool) { m.noFnPct = skip }

// SkipLowerAppPercentiles sets whether Eval leaves the application's P50MS
// and P95MS NaN (skip true) instead of computing them, for a search whose
// fitness and objectives read only the P99MS: that is the same, bit for
// bit, either way (it is searched on its own), and every other figure is
// too. It must be set before the first Eval.
func (m *Model) SkipLowerAppPercentiles(skip bool) { m.onlyP99 = skip }

// NewResult returns a Result sized for the compiled State.
func (m *Model) NewResult() *Result {
	return &Result{Functions: make([]FunctionResult, len(m.fns))}
}
