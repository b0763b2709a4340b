package perf

import (
	"math"

	"github.com/evoarch/evoarch/sim/infra"
)

// restCacheHitMu is ln(restCacheHitMS): the log-mean of the cache-hit
// component (a point mass, sigma 0).
var restCacheHitMu = math.Log(restCacheHitMS)

// secondsPerDay turns the regimes' shares of a day into seconds.
const secondsPerDay = 86400

// Eval computes the performance of the variant st into out without
// allocating (once its caches have grown: see Model). st must have the
// shape of the State Compile read (the same resources in the same order, as
// infra.Binder produces); out must come from NewResult. It panics when the
// shapes differ, a programming error.
//
// Each function's figures depend only on its own settings, the throttle
// probabilities of the tables it calls, the KMS time of the buckets it
// calls and, without a reservation, the shared pool's blocking; those go
// into a key under which the function's evaluation is kept, so a
// configuration seen before costs a look-up. The application's percentiles
// are kept under the ids of its functions' latency components in the same
// way (appMixture).
//
// What did not change since the previous call is not computed again: the
// KMS times while no bucket's SSE changes (updateKMS), a function's
// prepared inputs while its settings are the same (prepare), the tables'
// demand while no function's invoked share moves and each throttle share
// while its inputs are the same (evalTables), a function's look-up while
// neither its prepared inputs nor its tables' throttle probabilities moved,
// and the application's percentiles while no function of its mixture
// changed entry and the pool's blocking is the same. Every one compares
// all the inputs of the work it skips, bit for bit, so the results are
// those of a fresh Model (TestShortcutsFollowEveryInput).
func (m *Model) Eval(st *infra.State, out *Result) {
	m.EvalChanged(st, out, nil)
}

// EvalChanged is Eval, told by ch (when not nil) what changed in st since
// the Model's previous Eval or EvalChanged: st must then be the very
// State of that call (the same pointer) with only the resources ch lists
// rewritten since, as infra.Binder.ApplyChanged reports them. What the
// list proves unchanged is then not compared: the KMS times while it
// lists no bucket, the prepared inputs of a function it does not list
// whose API it does not list either (while the KMS times stayed), the
// functions' invoked shares while none was prepared again, and the
// throttle inputs of a table it does not list while the demand was not
// summed again. Results are bit for bit Eval's (TestEvalChangedMatchesEval).
//
// ch nil or All, a State other than the previous call's, or a list
// naming a kind of resource the model does not know: every input is
// compared, as Eval does. A Model shared with another caller (MonteCarlo,
// a report's evaluation of another State) is safe that way: the next
// EvalChanged on the first State, no longer the last one given, compares
// everything.
func (m *Model) EvalChanged(st *infra.State, out *Result, ch *infra.Changed) {
	if len(st.Functions) != len(m.fns) || len(st.Tables) != len(m.tables) || len(out.Functions) != len(m.fns) {
		panic("perf: Eval on a State or Result of another shape than the compiled one")
	}
	// Has(0): a kind other than the four genes write is listed (they share
	// one answer), which this model does not know how to skip.
	incr := ch != nil && !ch.All && st == m.lastSt && !ch.Has(0)
	m.lastSt = st
	m.adapt()
	m.off = m.noMemo || m.bypass
	// 1. Each function's cheap inputs: duration, API, timeout, concurrency.
	kmsSame := incr && !ch.Has('b')
	if !kmsSame {
		kmsSame = !m.updateKMS(st.Buckets) && incr
	}
	// fns and apis: a function or API i < 64 whose bit is clear is not
	// listed (ch.Mask).
	var fns, apis uint64
	if kmsSame {
		fns, apis = ch.Mask('f'), ch.Mask('a')
	}
	prepared := false
	for i := range m.fns {
		fm := &m.fns[i]
		// Neither the function's fields nor its API's nor the KMS time
		// changed: prepare would find its inputs the same.
		if a := fm.in.api; kmsSame && i < 64 && fns>>i&1 == 0 && (a < 0 || a >= len(st.APIs) || a < 64 && apis>>a&1 == 0) {
			fm.moved = false
			continue
		}
		fm.moved = fm.prepare(&st.Functions[i], st, m.apiHit) // prepared, until stage 3
		if fm.moved {
			m.moved++
			prepared = true
		}
	}
	// 2. DynamoDB demand and throttling.
	if incr {
		m.evalTablesChanged(st, prepared, ch)
	} else {
		m.evalTables(st)
	}
	// 3. Retries, concurrency, provisioned spill-over and cold starts. A
	// function whose prepared inputs and tables' throttle probabilities
	// are the last call's has the key of its current entry (cur): its
	// look-up would hit cur and change nothing.
	reserved := 0
	var poolLoad [2]float64
	for i := range m.fns {
		fm := &m.fns[i]
		if f := &st.Functions[i]; f.Reserved > 0 {
			reserved += f.Reserved
		}
		if m.off || fm.moved || fm.cur < 0 || fm.tablesMoved(m.tables) {
			fm.moved = m.stage1(fm, &st.Functions[i])
			if fm.moved && fm.inMix {
				m.appOK = false
			}
		}
		if fm.has && fm.ev.cap < 0 {
			poolLoad[offPeak] += fm.ev.load[offPeak]
			poolLoad[peak] += fm.ev.load[peak]
		}
	}
	// 4. The unreserved pool, shared by every function without a
	// reservation (multi-class Erlang loss: one blocking for all). Peaks
	// are taken to coincide.
	pool := m.unreservedPool(reserved)
	if pool != m.lastPool || poolLoad != m.lastPoolLoad {
		m.poolBlock = m.poolBlocking(poolLoad, pool)
		m.lastPool, m.lastPoolLoad = pool, poolLoad
	}
	// 5. Per function figures and latency components.
	totalRate, errRate := 0.0, 0.0
	for i := range m.fns {
		fm := &m.fns[i]
		fr := &out.Functions[i]
		m.stage2(i, fr)
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
	if m.userRate > 0 {
		app.P50MS, app.P95MS, app.P99MS = m.appPercentiles()
	}
}

// Bypass policy (Model.adapt): the Evals of a window, and the windows
// the tables stay off before a window with them on samples again whether
// they would pay.
const (
	adaptWindow = 64
	bypassSpan  = 16
)

// adapt counts one Eval into the bypass policy's window and, at its end,
// turns the tables off (bypass) or on for the next: off when in most of
// the window's Evals most functions' prepared inputs changed and under
// 1/16 of the function memo's look-ups hit (variants new in every
// function, as a random search draws them: every table misses, and a miss
// costs its look-up and insertion on top of the computation); on again as
// soon as most functions keep their inputs (a local search, whose
// unchanged functions the tables skip), and for one window after every
// bypassSpan to sample the hit rate. Results are the same either way (a
// Model without tables computes what their hits return, bit for bit:
// TestBypassChangesNothing); only the time differs. With the tables off,
// stage1 evaluates every function and reports it moved (cur -1), which
// clears appOK: the application's last percentiles, kept under entries,
// are not reused across a switch either way.
func (m *Model) adapt() {
	if !m.adaptive {
		m.bypass = false
		return
	}
	if m.win++; m.win < adaptWindow {
		return
	}
	n := len(m.fns) * adaptWindow
	was := m.bypass
	if was {
		m.bypassWins++
		m.bypass = 2*m.moved >= n && m.bypassWins < bypassSpan
	} else {
		m.bypass = 2*m.moved >= n && 2*m.looks >= n && 16*m.hits < m.looks
		m.bypassWins = 0
	}
	if m.bypass != was {
		m.switches++
	}
	m.win, m.looks, m.hits, m.moved = 0, 0, 0, 0
}

// poolBlocking returns the blocking of the unreserved pool of size pool
// under its loads per regime (Erlang B), kept in the pool memo; 0 at once
// for a load no more than one known to block nothing in a pool no larger
// (poolZero: in a search on seed-demo the pool is mostly far larger than
// its load, and its size varies with the reservations).
func (m *Model) poolBlocking(load [2]float64, pool int) [2]float64 {
	if m.zeroCovers(load[offPeak], pool) && m.zeroCovers(load[peak], pool) {
		return [2]float64{}
	}
	b := m.poolBlockingMemo(load, pool)
	for r := range b {
		if b[r] == 0 && !m.zeroCovers(load[r], pool) {
			m.zeroLearn(load[r], pool)
		}
	}
	return b
}

// poolZeroPoints is the number of zeroLoads Model.poolZero keeps.
const poolZeroPoints = 4

// zeroLoad is a load a and a pool size pool with erlangB(a, pool) exactly
// 0 (a NaN: none, in an empty place; Compile fills them so). Every load
// from 0 to a has 0 too in every pool from pool up: erlangB returns 0 only
// from its loop, at a step k past the load where x passed 1e18 (1/x is
// never 0 otherwise: x grows at most by 1 a step while k <= a); the
// sequence x_k does not depend on the pool's size (a larger pool runs
// more steps of it), and every x_k = 1 + k (1/a) x_(k-1) is
// non-increasing in a, the rounding of each operation being monotone, so
// a lower load passes the same test at the same step, if not before
// (TestPoolZeroShortcut).
type zeroLoad struct {
	pool int
	a    float64
}

// zeroCovers reports whether a known zeroLoad covers load a in a pool of
// pool: erlangB(a, pool) is then 0.
func (m *Model) zeroCovers(a float64, pool int) bool {
	for i := range m.poolZero {
		if z := &m.poolZero[i]; pool >= z.pool && a <= z.a {
			return true
		}
	}
	return false
}

// zeroLearn keeps erlangB(a, pool) = 0 (not covered yet) in place of a
// zeroLoad it covers, or else of the oldest one.
func (m *Model) zeroLearn(a float64, pool int) {
	for i := range m.poolZero {
		if z := &m.poolZero[i]; !(z.a > a) && z.pool >= pool || z.a != z.a {
			*z = zeroLoad{pool: pool, a: a}
			return
		}
	}
	m.poolZero[m.zeroNext] = zeroLoad{pool: pool, a: a}
	m.zeroNext = (m.zeroNext + 1) % poolZeroPoints
}

// poolBlockingMemo is poolBlocking without its shortcut.
func (m *Model) poolBlockingMemo(load [2]float64, pool int) [2]float64 {
	if m.off {
		return [2]float64{erlangB(load[offPeak], pool), erlangB(load[peak], pool)}
	}
	k := m.poolKey[:]
	k[0], k[1], k[2] = fbits(load[offPeak]), fbits(load[peak]), uint64(pool)
	id, h, ok := m.pool.findFrom2(k, m.poolLast[0], m.poolLast[1])
	if ok {
		if id != m.poolLast[0] {
			m.poolLast = [2]int{id, m.poolLast[0]}
		}
		return m.poolVals[id]
	}
	b := [2]float64{erlangB(load[offPeak], pool), erlangB(load[peak], pool)}
	id, reset := m.pool.add(k, h)
	if reset {
		m.poolVals = m.poolVals[:0]
	}
	m.poolLast = [2]int{id, m.poolLast[0]}
	m.poolVals = append(m.poolVals, b)
	return b
}

// updateKMS sets every function's kms (kmsMS) for the buckets b, unless
// no bucket's SSE changed since the last time (kmsMS reads nothing else of
// them). It reports whether it computed them again.
func (m *Model) updateKMS(b []infra.Bucket) bool {
	if m.kmsOK && len(b) == len(m.sse) {
		same := true
		for i := range b {
			if b[i].SSE != m.sse[i] {
				same = false
				break
			}
		}
		if same {
			return false
		}
	}
	for i := range m.fns {
		m.fns[i].kms = kmsMS(m.fns[i].calls, b)
	}
	m.kmsOK = len(b) == len(m.sse)
	if m.kmsOK {
		for i := range b {
			m.sse[i] = b[i].SSE
		}
	}
	return true
}

// tablesMoved reports whether the throttle probabilities of a table the
// function calls changed in this Eval (tableModel.moved).
func (fm *fnModel) tablesMoved(tables []tableModel) bool {
	for c := range fm.calls {
		if t := fm.calls[c].table; t >= 0 && t < len(tables) && tables[t].moved {
			return true
		}
	}
	return false
}

// same reports whether prepare's inputs are bit for bit the ones p
// recorded: function f's settings, the KMS time kms of its S3 calls and
// its API's type and cache size.
func (p *prepIn) same(f *infra.Function, kms float64, rest bool, cacheGB float64) bool {
	return p.valid && p.memMB == fbits(f.MemoryMB) && p.timeoutS == fbits(f.TimeoutS) && p.arch == f.Arch &&
		p.reserved == f.Reserved && p.prov == f.Provisioned && p.api == f.API && p.image == f.Image &&
		p.kms == fbits(kms) && p.rest == rest && p.cacheGB == fbits(cacheGB) && p.runtime == f.Runtime
}

// prepare sets the inputs of function f's evaluation that take no more
// than arithmetic: its warm duration, API overhead and cache, timeout,
// reserved and provisioned concurrency, and its runtime's INIT row. It
// reports whether it did (the inputs changed).
//
// What it computes depends only on the fields prepIn holds (the KMS time
// is fm.kms, which Eval keeps: updateKMS): when those are bit for bit the
// previous call's (fm.in), fm.ev already holds its results (prepare wrote
// them, or stage1 copied them from an entry whose key holds them) and it
// returns at once.
func (fm *fnModel) prepare(f *infra.Function, st *infra.State, apiHit []float64) bool {
	rest, cacheGB := false, 0.0
	if f.API >= 0 && f.API < len(st.APIs) {
		rest, cacheGB = st.APIs[f.API].REST, st.APIs[f.API].CacheGB
	}
	if fm.in.same(f, fm.kms, rest, cacheGB) {
		return false
	}
	fm.in = prepIn{
		memMB: fbits(f.MemoryMB), timeoutS: fbits(f.TimeoutS), kms: fbits(fm.kms),
		arch: f.Arch, reserved: f.Reserved, prov: f.Provisioned, api: f.API,
		runtime: f.Runtime, image: f.Image, rest: rest, cacheGB: fbits(cacheGB), valid: true,
	}
	ev := &fm.ev
	ev.durMS = fm.durationMS(f.MemoryMB, f.Arch, fm.kms)
	if fm.row < 0 || fm.rowRuntime != f.Runtime || fm.rowImage != f.Image {
		fm.row, fm.rowRuntime, fm.rowImage = runtimeRow(f.Runtime, f.Image), f.Runtime, f.Image
	}
	ev.overMS, ev.cacheHit = 0, 0
	if f.API >= 0 && f.API < len(st.APIs) && !fm.async {
		api := &st.APIs[f.API]
		ev.overMS = httpAPIOverheadMS
		if api.REST {
			ev.overMS = restAPIOverheadMS
			if api.CacheGB > 0 && f.API < len(apiHit) {
				ev.cacheHit = apiHit[f.API]
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
	return true
}

// stage1 evaluates function fm's distributions, retries, load and cold
// starts (fnEval), from its memo when the same inputs were seen before. It
// reports whether fm's entry changed: false only when the look-up met the
// current one (cur).
func (m *Model) stage1(fm *fnModel, f *infra.Function) bool {
	ev := &fm.ev
	if m.off {
		fm.cur, fm.lazy = -1, false
		fm.evalStage1(f, m.tables)
		return true
	}
	// The key: every input of evalStage1 that varies between variants.
	k := fm.key
	k[0] = fbits(ev.durMS)
	k[1] = fbits(f.MemoryMB)
	k[2] = uint64(f.Arch) | uint64(fm.row)<<8
	k[3] = fbits(ev.timeoutMS)
	k[4] = uint64(int64(ev.cap))
	k[5] = uint64(int64(ev.prov))
	k[6] = fbits(ev.overMS)
	k[7] = fbits(ev.cacheHit)
	j := fnKeyFixed
	for c := range fm.calls {
		cl := &fm.calls[c]
		if cl.table < 0 || cl.table >= len(m.tables) {
			continue
		}
		t := &m.tables[cl.table]
		for r := range 2 {
			k[j], k[j+1] = 0, 0
			if cl.reads > 0 {
				k[j] = fbits(t.qRead[r])
			}
			if cl.writes > 0 {
				k[j+1] = fbits(t.qWrite[r])
			}
			j += 2
		}
	}
	id, h, ok := fm.memo.findFrom2(k, fm.cur, fm.prev)
	m.looks++
	if ok {
		m.hits++
		// The entry of the previous call left ev as its ev (but throttle,
		// which stage2 sets; or lazy), and prepare wrote the key's fields
		// again with the same values: nothing to copy.
		if id == fm.cur {
			return false
		}
		// The key's fields are the same too: only load, which Eval reads
		// next, is copied now; the rest when read (lazy, syncEv).
		ev.load = fm.ents.at(id).ev.load
		fm.prev, fm.cur, fm.lazy = fm.cur, id, true
		return true
	}
	// evalStage1 writes every field that differs between the function's
	// entries but throttle (stage2's): ev is whole again.
	fm.lazy = false
	fm.evalStage1(f, m.tables)
	id, reset := fm.memo.add(k, h)
	if reset {
		fm.ents.reset() // the application memo's keys are not entry ids
	}
	// stage2 reads an entry's fr, ev.throttle and comps only once done.
	e := fm.ents.next()
	e.ev, e.done = *ev, false
	fm.prev, fm.cur = fm.cur, id
	if reset {
		fm.prev = -1
	}
	return true
}

// evalStage1 computes what stage1 keeps, from fm.ev's prepared inputs.
func (fm *fnModel) evalStage1(f *infra.Function, tables []tableModel) {
	ev := &fm.ev
	// lognormalParams(ev.durMS, fm.cv), with its cv terms from Compile.
	ev.mu, ev.sigma = math.Log(ev.durMS)-fm.cvS2/2, fm.cvSigma
	fm.initOf(f.MemoryMB, f.Arch)
	if !fm.has {
		ev.rmu, ev.rsig = ev.mu, ev.sigma
		ev.runMS = [2]float64{}
		return
	}
	fm.evalLoad(tables)
}

// stage2 writes function i's figures into fr and fixes its latency
// components, from its memo entry when that was computed under the same
// shared-pool blocking (or the function has its own reservation).
func (m *Model) stage2(i int, fr *FunctionResult) {
	fm := &m.fns[i]
	pct := !m.noFnPct
	if fm.cur < 0 {
		fm.results(fr, m.comps[i*nComp:(i+1)*nComp], m.poolBlock, pct)
		return
	}
	e := fm.ents.at(fm.cur)
	pool := m.poolBlock
	if fm.ev.cap >= 0 || !fm.has {
		pool = [2]float64{} // not read: one entry serves every pool
	}
	if e.done && e.pool == pool && (e.pct || !pct) {
		*fr = e.fr
		if !pct {
			fr.P50MS, fr.P95MS, fr.P99MS = 0, 0, 0
		}
		fm.ev.throttle = e.ev.throttle
		return
	}
	fm.syncEv()
	fm.results(fr, e.comps[:], m.poolBlock, pct)
	e.done, e.pct, e.pool, e.fr, e.ev.throttle = true, pct, pool, *fr, fm.ev.throttle
	e.cgen = 0 // comps written: their id is to be taken again
}

// appPercentiles returns the application's p50, p95 and p99: the
// components of the functions in the latency mixture (Model.mix, every
// synchronous one with traffic but the lightest, minFnShare) weighted by
// their request rates, kept under those components (appMixture). The
// search reads the components only (not the functions' own percentiles),
// so the answer is the same whether or not those were computed.
//
// With the memo, the answer of the last call is kept (appPrev) while no
// function of the mixture changed its entry (Eval clears appOK) and the
// pool's blocking is the same (an entry's components were then not
// written again): the look-up would return it.
func (m *Model) appPercentiles() (p50, p95, p99 float64) {
	if m.off {
		return m.appMixture()
	}
	if m.appOK && sameBits2(m.poolBlock, m.appPool) {
		return m.appPrev[0], m.appPrev[1], m.appPrev[2]
	}
	p50, p95, p99 = m.appMixture()
	m.appOK, m.appPrev, m.appPool = true, [3]float64{p50, p95, p99}, m.poolBlock
	return p50, p95, p99
}

// appMixture is appPercentiles without its shortcut: from the application
// memo, or computed.
//
// The memo's key is, per function of the mixture in mix order, the id of
// its entry's components (compsID: equal iff every component's weight,
// shift, mu, sigma and capMS are bit-identical), taken once per entry and
// pool blocking (stage2 clears it when it writes them). The mixture is
// those components with their weights times the functions' fixed request
// rates, pruned, and the rest of a component (lo, hi, atX, atP, q) is
// finishWith's function of its shift, mu, sigma and capMS, so a hit
// returns what percentiles would compute. Distinct function entries often
// give the same components (a setting the latency does not depend on, or
// one a one-gene move changed and the next moved back), and the entries'
// pool blocking is in their components, not in the key.
func (m *Model) appMixture() (p50, p95, p99 float64) {
	if m.off {
		for j, i := range m.mix {
			fm := &m.fns[i]
			dst := m.mixComps[j*nComp : (j+1)*nComp]
			copy(dst, m.comps[i*nComp:(i+1)*nComp])
			for k := range dst {
				dst[k].w *= fm.rate
			}
		}
		prune(m.mixComps)
		return percentilesIn(m.mixComps, m.qbuf, m.onlyP99)
	}
	k := m.appKey
	for again := true; again; {
		again = false
		for j, i := range m.mix {
			fm := &m.fns[i]
			e := fm.ents.at(fm.cur)
			if e.cgen != m.compGen {
				id, reset := m.compsID(e.comps[:])
				if reset {
					// The ids taken before are void: take them again (the
					// table has room for the mixture's).
					m.compGen++
					m.app.clear()
					m.appVals = m.appVals[:0]
					again = true
				}
				e.cid, e.cgen = id, m.compGen
			}
			k[j] = uint64(e.cid)
		}
	}
	id, h, ok := m.app.findFrom2(k, m.appLast, m.appLast2)
	if ok {
		if id != m.appLast {
			m.appLast, m.appLast2 = id, m.appLast
		}
		v := &m.appVals[id]
		return v[0], v[1], v[2]
	}
	qs, total := m.prepMix()
	p50, p95, p99 = percentilesQ(qs, total, m.onlyP99)
	id, reset := m.app.add(k, h)
	if reset {
		m.appVals = m.appVals[:0]
	}
	m.appLast, m.appLast2 = id, m.appLast
	m.appVals = append(m.appVals, [3]float64{p50, p95, p99})
	return p50, p95, p99
}

// prepMix returns the prepared components (prepQ) of the application's
// mixture and its weight, from the mixture's functions' current entries:
// what prepQ returns of their components copied into mixComps, each weight
// times its function's request rate, pruned (prune), bit for bit (the same
// operations in the same order), without the copies.
func (m *Model) prepMix() ([]qcomp, float64) {
	sum := 0.0
	for _, i := range m.mix {
		fm := &m.fns[i]
		cs := &fm.ents.at(fm.cur).comps
		for k := range cs {
			sum += max(cs[k].w*fm.rate, 0)
		}
	}
	cut := minShare * sum
	qs, total := m.qbuf[:0], 0.0
	for _, i := range m.mix {
		fm := &m.fns[i]
		cs := &fm.ents.at(fm.cur).comps
		for k := range cs {
			w := cs[k].w * fm.rate
			if w < cut {
				w = 0
			}
			if w <= 0 {
				continue
			}
			total += w
			qs = addQ(qs, &cs[k], w)
		}
	}
	return qs, total
}

// compWords is the number of key words per component in the components
// table (Model.compTab): w, shift, mu, sigma and capMS.
const compWords = 5

// compsID returns the id of one function's components cs (nComp) in the
// components table, adding them when new: their parameters by their bits,
// w always and shift, mu, sigma and capMS unless w <= 0 (a component
// without weight is left out of the mixture whatever they are; a NaN
// weight keeps them). reset is true when the table was full and forgot
// every earlier id first.
func (m *Model) compsID(cs []comp) (id int, reset bool) {
	k := m.compKey
	for i := range cs {
		c := &cs[i]
		w := k[i*compWords : (i+1)*compWords]
		w[0] = fbits(c.w)
		if c.w <= 0 {
			w[1], w[2], w[3], w[4] = 0, 0, 0, 0
		} else {
			w[1], w[2], w[3], w[4] = fbits(c.shift), fbits(c.mu), fbits(c.sigma), fbits(c.capMS)
		}
	}
	id, h, ok := m.compTab.find(k)
	if ok {
		return id, false
	}
	return m.compTab.add(k, h)
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
				q := min(rw.q, 1)
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
		ev.retryVar = max(0, sumM2/sumW-ev.retryMS*ev.retryMS)
	}
	// Retried: duration plus the retries' extra time, one lognormal with
	// their summed mean and variance (Fenton-Wilkinson).
	ev.rmu, ev.rsig = ev.mu, ev.sigma
	if ev.retryMS > 0 {
		vd := ev.durMS * ev.durMS * fm.cv * fm.cv
		rm := ev.durMS + ev.retryMS
		ev.rmu, ev.rsig = lognormalParams(rm, math.Sqrt(vd+ev.retryVar)/rm)
	}
	// The Timeout ends an invocation: what runs (and is billed, and holds an
	// execution environment) is min(duration, timeout), per regime the
	// warm and retried lognormals' capped means (aws-facts.md 3.1: the
	// function runs at most its Timeout [V]).
	// Timeouts and failures: counted exactly over the retries (retryRates);
	// with too many throttled calls for that, from the retried lognormal,
	// a failed call taken as independent of the timeout. Without retries
	// the retried lognormal is the warm one.
	warmMS, toWarm := fm.cappedOf(ev.timeoutMS, ev.mu, ev.sigma)
	retryMS, toRetry := warmMS, toWarm
	if ev.retryMS > 0 {
		retryMS, toRetry = fm.cappedOf(ev.timeoutMS, ev.rmu, ev.rsig)
	}
	fm.givenOK, fm.ghOK = false, false
	for r := 0; r < 2; r++ {
		ev.runMS[r] = (1-ev.pRetry[r])*warmMS + ev.pRetry[r]*retryMS
		if ev.pRetry[r] <= 0 {
			ev.to[r], ev.failTO[r] = toWarm, toWarm
			continue
		}
		if to, fail, ok := fm.retryRates(r, tables, ev.mu, ev.sigma, ev.timeoutMS, toWarm); ok {
			ev.to[r], ev.failTO[r] = to, fail
			continue
		}
		ev.to[r] = (1-ev.pRetry[r])*toWarm + ev.pRetry[r]*toRetry
		ev.failTO[r] = ev.to[r] + (1-ev.to[r])*ev.fail[r]
	}
	initMS := ev.initMS
	for r := 0; r < 2; r++ {
		lam := fm.rates[r] * ev.invoked / 1000 // per ms
		dur := ev.runMS[r]
		a0 := lam * dur
		ev.spill[r] = 1
		if ev.prov > 0 {
			ev.spill[r] = erlangB(a0, ev.prov)
		}
		ev.cold[r] = ev.spill[r] * fm.coldOf(a0*ev.spill[r], lam*ev.spill[r], dur)
		ev.load[r] = a0
	}
	// Scaling up from the off-peak pool to the peak one once a day starts
	// the difference in environments cold.
	if tp := fm.timeShare[peak] * secondsPerDay; tp > 0 && fm.timeShare[offPeak] > 0 && fm.rates[peak] > 0 {
		ramp := ev.load[peak] - max(ev.load[offPeak], float64(ev.prov))
		if ramp > 0 {
			ev.cold[peak] = min(1, ev.cold[peak]+ramp/(fm.rates[peak]*ev.invoked*tp))
		}
	}
	for r := 0; r < 2; r++ {
		ev.load[r] += fm.rates[r] * ev.invoked / 1000 * ev.cold[r] * initMS
	}
}

// results writes a function's figures and its latency components (each
// finished) into cs; its percentiles only when pct is true (0 otherwise).
func (fm *fnModel) results(fr *FunctionResult, cs []comp, poolBlock [2]float64, pct bool) {
	ev := &fm.ev
	*fr = FunctionResult{
		MeanDurationMS: min(ev.durMS, ev.timeoutMS),
		InitMS:         ev.initMS,
		NoTraffic:      !fm.has,
		InvokedShare:   ev.invoked,
	}
	for k := range cs {
		cs[k] = comp{}
	}
	ev.throttle = [2]float64{}
	if !fm.has {
		return
	}
	sync := !fm.async
	to := ev.to
	vd := ev.durMS * ev.durMS * fm.cv * fm.cv
	fr.MeanDurationMS = 0
	for r := 0; r < 2; r++ {
		w := fm.reqShare[r]
		thr := poolBlock[r]
		if ev.cap >= 0 {
			thr = erlangB(ev.load[r], ev.cap)
		}
		if r == peak {
			thr = min(1, thr+fm.burstThrottle())
		}
		ev.throttle[r] = thr
		errR := ev.failTO[r]
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
		// Billed: each regime's run time, capped by the Timeout.
		fr.MeanDurationMS += w * ev.runMS[r]
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
	capMS := ev.overMS + ev.timeoutMS
	cs[cWarm].shift, cs[cWarm].mu, cs[cWarm].sigma, cs[cWarm].capMS = ev.overMS, ev.mu, ev.sigma, capMS
	cs[cWarmRetry].shift, cs[cWarmRetry].mu, cs[cWarmRetry].sigma, cs[cWarmRetry].capMS = ev.overMS, ev.rmu, ev.rsig, capMS
	// Cold: INIT plus the duration, one lognormal with their summed mean and
	// variance (Fenton-Wilkinson).
	initLN := ev.initMS - ev.init.pkgMS
	mean := initLN + ev.durMS
	initVar := ev.initVar
	cmu, csig := lognormalParams(mean, math.Sqrt(initVar+vd)/mean)
	cs[cCold].shift, cs[cCold].mu, cs[cCold].sigma = ev.overMS+ev.init.pkgMS, cmu, csig
	cs[cCold].capMS = capMS + ev.initMS
	mean += ev.retryMS
	cmu, csig = lognormalParams(mean, math.Sqrt(initVar+vd+ev.retryVar)/mean)
	cs[cColdRetry].shift, cs[cColdRetry].mu, cs[cColdRetry].sigma = cs[cCold].shift, cmu, csig
	cs[cColdRetry].capMS = cs[cCold].capMS
	cs[cCache] = comp{w: ev.cacheHit, mu: restCacheHitMu, capMS: math.Inf(1)}
	if !sync {
		cs[cDelayed].shift, cs[cDelayed].mu, cs[cDelayed].sigma = asyncRetryDelayMS, ev.mu, ev.sigma
		cs[cDelayed].capMS = asyncRetryDelayMS + ev.timeoutMS
	}
	prune(cs)
	for k := range cs {
		if cs[k].w > 0 {
			var e sigmaExp
			if cs[k].sigma > 0 {
				e = fm.sigmaExpOf(cs[k].sigma)
			}
			cs[k].finishWith(e)
		}
	}
	if pct {
		fr.P50MS, fr.P95MS, fr.P99MS = percentiles(cs)
	}
}

// sigmaSlots is the size of a function's cache of sigmaExps
// (fnModel.sigmas): a power of two.
const sigmaSlots = 16

// sigmaEntry is one log-sd's sigmaExps in fnModel.sigmas; sigma 0 marks
// an empty slot (only positive ones are looked up).
type sigmaEntry struct {
	sigma float64
	e     sigmaExp
}

// sigmaExpOf returns sigmaExps(sigma), sigma > 0, from the function's
// cache, computing it on a miss.
func (fm *fnModel) sigmaExpOf(sigma float64) sigmaExp {
	h := math.Float64bits(sigma) * 0x9e3779b97f4a7c15
	e := &fm.sigmas[h>>60&(sigmaSlots-1)]
	if e.sigma != sigma {
		*e = sigmaEntry{sigma: sigma, e: sigmaExps(sigma)}
	}
	return e.e
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
		top = min(top, float64(ev.cap))
	}
	dn := top - max(ev.load[offPeak], float64(ev.prov)) - scaleStep
	if dn <= 0 {
		return 0
	}
	envSeconds := dn * dn / (2 * scaleStep / scaleStepS)
	durS := ev.runMS[peak] / 1000
	return min(1, envSeconds/durS/(fm.rates[peak]*ev.invoked*tp))
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
