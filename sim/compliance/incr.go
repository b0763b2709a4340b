package compliance

import (
	"math"
	"sort"

	"github.com/evoarch/evoarch/sim/infra"
)

// Incremental evaluation. A search evaluates, with one Result, variants
// that mostly differ from the one before in a gene or two. Result.inc
// keeps, for the Engine that last wrote it, a key of each resource of the
// State it read (the fields of that resource the variable checks read,
// by value) and each variable check's status. Eval compares each
// resource with its key, which gives a mask of the fields that changed;
// it recomputes only the checks of that resource whose dependency mask
// (fastCheck.dep, depOf) meets it, and updates the packed sums by
// difference. The keys hold values, never pointers into the State, so
// any State of Compile's layout is answered exactly, whoever built it; a
// Result first used with an Engine (or a copy of a Result) evaluates
// every check. On the GA's own sequence of seed-demo genomes this halves
// Eval's time (BenchmarkEvalWalk/ga minus ga-apply).
//
// What each check reads (Engine.update and the rules it calls, rules.go):
//   - bucket checks: the bucket's SSE, Versioning, Logging, Replication,
//     CrossRegion, four BlockPublic* flags and TLSOnly (ACLs, policies,
//     declared BPA flags and the bucket name come from the template);
//   - table checks: the table's Provisioned, AutoScaleTarget > 0, PITR, SSE;
//   - dynamodb-throughput-limit-check (the account): every table's
//     Provisioned, and RCU and WCU when provisioned;
//   - function checks: the function's Runtime, Reserved, DLQ, Deploy,
//     AlarmLevel, len(Alarms) and DeclaredAlarms; DeployName under a
//     custom deployment; TimeoutS and MemoryMB when the parameters of
//     lambda-function-settings-check name them (package type and role
//     come from the template);
//   - API checks: the API's REST, WebSocket, ExecutionLogging, CacheGB,
//     CacheEncrypted, AccessLogs, XRay;
//   - queue checks: the queue's Encrypted and EncryptedExplicit.
//
// A check of a rule depOf does not list depends on every field of its
// resource; any other variable check (an account rule other than the
// throughput one) is recomputed on every call. TestIncrementalPerturbFields
// changes every field of every resource of a State, one at a time, and
// compares with a fresh evaluation.

// Resource kinds in the order of Engine.shape.
const (
	shapeFunctions = iota
	shapeTables
	shapeBuckets
	shapeAPIs
	shapeQueues
)

// incrIndex is the dependency index compileFast builds: which variable
// checks read which resource.
type incrIndex struct {
	// byRes lists vary indexes grouped by resource; the checks of
	// resource i of shape kind k are byRes[start[k][i]:start[k][i+1]].
	byRes []int32
	deps  []uint32 // deps[n] is e.vary[byRes[n]].dep
	start [5][]int32
	// all is every check, in e.vary's order.
	all []int32
	// tables are the checks that read every table (the account's
	// throughput); always, those recomputed on every call.
	tables, always []int32
}

// shapeOf returns the Engine.shape kind of subject kind k, or -1.
func shapeOf(k kind) int {
	switch k {
	case kindFunction:
		return shapeFunctions
	case kindTable:
		return shapeTables
	case kindBucket:
		return shapeBuckets
	case kindAPI:
		return shapeAPIs
	case kindQueue:
		return shapeQueues
	}
	return -1
}

// buildIncr indexes e.vary by the resources each check reads.
func (e *Engine) buildIncr() {
	x := &e.incr
	type ref struct {
		k, idx int
		j      int32
	}
	var refs []ref
	for j := range e.vary {
		x.all = append(x.all, int32(j))
		c := &e.vary[j]
		k := shapeOf(c.subj.kind)
		switch {
		case c.code == codeDDBThroughput:
			x.tables = append(x.tables, int32(j))
		case k < 0 || c.idx < 0 || c.idx >= e.shape[k]:
			x.always = append(x.always, int32(j))
		default:
			refs = append(refs, ref{k, c.idx, int32(j)})
		}
	}
	sort.SliceStable(refs, func(a, b int) bool {
		if refs[a].k != refs[b].k {
			return refs[a].k < refs[b].k
		}
		return refs[a].idx < refs[b].idx
	})
	n := 0
	for k := range x.start {
		x.start[k] = make([]int32, e.shape[k]+1)
		for i := 0; i <= e.shape[k]; i++ {
			x.start[k][i] = int32(len(x.byRes))
			for n < len(refs) && refs[n].k == k && refs[n].idx == i {
				x.byRes = append(x.byRes, refs[n].j)
				x.deps = append(x.deps, e.vary[refs[n].j].dep)
				n++
			}
		}
	}
}

// Change bits: which fields of a resource differ from the last State's,
// one mask space per kind. A check is recomputed when its dep (depOf)
// meets its resource's change mask.
const (
	// Buckets: the bucket key's bits (bucketKeyOf).
	bucketSSE         = 0xff
	bucketVersioning  = 1 << 8
	bucketLogging     = 1 << 9
	bucketReplication = 1 << 10
	bucketCrossRegion = 1 << 11
	bucketBPA         = 0xf << 12
	bucketTLSOnly     = 1 << 16
	// Tables: the table key's bits (tableKeyOf).
	tableSSE         = 0xff
	tablePITR        = 1 << 8
	tableProvisioned = 1 << 9
	tableAutoScale   = 1 << 10
	// Functions (fnChanges).
	fnRuntime    = 1 << 0
	fnMemory     = 1 << 1
	fnTimeout    = 1 << 2
	fnReserved   = 1 << 3
	fnAlarms     = 1 << 4
	fnDeclared   = 1 << 5
	fnDeploy     = 1 << 6
	fnDeployName = 1 << 7
	fnAlarmLevel = 1 << 8
	fnDLQ        = 1 << 9
	// APIs: the flags of apiKey and a change of CacheGB.
	apiREST           = 1 << 0
	apiWebSocket      = 1 << 1
	apiExecLogging    = 1 << 2
	apiCacheEncrypted = 1 << 3
	apiAccessLogs     = 1 << 4
	apiXRay           = 1 << 5
	apiCacheGB        = 1 << 6
	// Queues: the queue key's bits (queueKeyOf).
	queueEncrypted = 1 << 0
	queueExplicit  = 1 << 1
	// depAll: a check whose reads are not listed depends on every field.
	depAll = 1<<32 - 1
)

// depOf is what the check of inlined form code reads of its resource
// (Engine.update, and the rule itself for the forms that call it).
func depOf(code fastCode) uint32 {
	switch code {
	case codeS3Logging:
		return bucketLogging
	case codeS3Replication:
		return bucketReplication | bucketCrossRegion
	case codeS3Versioning:
		return bucketVersioning
	case codeS3Public, codeS3LevelPublic:
		return bucketBPA
	case codeS3TLS:
		return bucketTLSOnly
	case codeS3SSE, codeS3KMS:
		return bucketSSE
	case codeDDBAutoscaling:
		return tableProvisioned | tableAutoScale
	case codeDDBPITR:
		return tablePITR
	case codeDDBKMS, codeDDBEncryption:
		return tableSSE
	case codeLambdaSettings:
		return fnRuntime | fnMemory | fnTimeout
	case codeLambdaConcurrency:
		return fnReserved
	case codeLambdaDLQ:
		return fnDLQ
	case codeAllAtOnce:
		return fnDeploy | fnDeployName
	case codeRollbackMonitor:
		return fnDeploy | fnAlarmLevel | fnAlarms | fnDeclared
	case codeAPIExecLogging:
		return apiREST | apiWebSocket | apiExecLogging
	case codeAPICache:
		return apiREST | apiCacheGB | apiCacheEncrypted
	case codeAPIv2AccessLogs:
		return apiREST | apiAccessLogs
	case codeAPIXRay:
		return apiREST | apiXRay
	case codeSQSEncrypted:
		return queueEncrypted | queueExplicit
	}
	return depAll
}

// fnKey is what the checks read of a function.
type fnKey struct {
	runtime, deployName     string
	memory, timeout         uint64 // math.Float64bits
	reserved, alarms, decls int
	deploy                  infra.Deploy
	alarmLevel              uint8
	dlq                     bool
}

// fnChanges updates k to f and returns the change bits of the fields
// that differ. MemoryMB and TimeoutS count only when a parameter of
// lambda-function-settings-check makes the rule read them, DeployName
// only under a custom deployment (evalAllAtOnce reads it only then).
func (e *Engine) fnChanges(f *infra.Function, k *fnKey) uint32 {
	var d uint32
	if f.Runtime != k.runtime {
		d |= fnRuntime
		k.runtime = f.Runtime
	}
	if e.params.hasMemory {
		if m := math.Float64bits(f.MemoryMB); m != k.memory {
			d |= fnMemory
			k.memory = m
		}
	}
	if e.params.hasTimeout {
		if t := math.Float64bits(f.TimeoutS); t != k.timeout {
			d |= fnTimeout
			k.timeout = t
		}
	}
	if f.Reserved != k.reserved {
		d |= fnReserved
		k.reserved = f.Reserved
	}
	if len(f.Alarms) != k.alarms {
		d |= fnAlarms
		k.alarms = len(f.Alarms)
	}
	if f.DeclaredAlarms != k.decls {
		d |= fnDeclared
		k.decls = f.DeclaredAlarms
	}
	if f.Deploy != k.deploy {
		d |= fnDeploy
		k.deploy = f.Deploy
	}
	if f.Deploy == infra.DeployCustom && f.DeployName != k.deployName {
		d |= fnDeployName
		k.deployName = f.DeployName
	}
	if f.AlarmLevel != k.alarmLevel {
		d |= fnAlarmLevel
		k.alarmLevel = f.AlarmLevel
	}
	if f.DLQ != k.dlq {
		d |= fnDLQ
		k.dlq = f.DLQ
	}
	return d
}

// tableKey is what the table's own checks read of it (own) and what the
// account's throughput check reads of it: RCU and WCU when provisioned,
// 0 otherwise (a table that turns provisioned with +0 capacity adds +0
// to sums that start at +0: they do not change).
type tableKey struct {
	own      uint32
	rcu, wcu uint64 // math.Float64bits, 0 when on demand
}

func tableKeyOf(t *infra.Table) tableKey {
	k := tableKey{own: uint32(t.SSE) | bit(t.PITR)<<8 | bit(t.Provisioned)<<9 | bit(t.AutoScaleTarget > 0)<<10}
	if t.Provisioned {
		k.rcu, k.wcu = math.Float64bits(t.RCU), math.Float64bits(t.WCU)
	}
	return k
}

// bit is 1 for true.
func bit(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// bucketKeyOf packs what the checks read of a bucket.
func bucketKeyOf(b *infra.Bucket) uint32 {
	return uint32(b.SSE) | bit(b.Versioning)<<8 | bit(b.Logging)<<9 | bit(b.Replication)<<10 |
		bit(b.CrossRegion)<<11 | bit(b.BlockPublicAcls)<<12 | bit(b.BlockPublicPolicy)<<13 |
		bit(b.IgnorePublicAcls)<<14 | bit(b.RestrictPublicBuckets)<<15 | bit(b.TLSOnly)<<16
}

// apiKey is what the checks read of an API.
type apiKey struct {
	cacheGB uint64 // math.Float64bits
	flags   uint32
}

func apiKeyOf(a *infra.API) apiKey {
	return apiKey{math.Float64bits(a.CacheGB), bit(a.REST) | bit(a.WebSocket)<<1 | bit(a.ExecutionLogging)<<2 |
		bit(a.CacheEncrypted)<<3 | bit(a.AccessLogs)<<4 | bit(a.XRay)<<5}
}

func queueKeyOf(q *infra.Queue) uint32 {
	return bit(q.Encrypted) | bit(q.EncryptedExplicit)<<1
}

// incrCache is Result.inc: the last State's keys and check statuses for
// engine e.
type incrCache struct {
	// owner is the Result this cache belongs to: a copy of a Result
	// shares the pointer, and must not share the cache.
	owner *Result
	e     *Engine
	stat  []status // by e.vary index
	sum   packed   // of stat
	fns   []fnKey
	tabs  []tableKey
	bkts  []uint32
	apis  []apiKey
	qs    []uint32
}

// resize returns s with length n, reusing its array when it is large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// evalIncr is Eval on a State of Compile's layout; ch (EvalChanged), when
// not nil nor All, lists the only resources whose keys may differ.
func (e *Engine) evalIncr(st *infra.State, out *Result, ch *infra.Changed) {
	c := out.inc
	if c == nil || c.owner != out || c.e != e {
		e.evalFull(st, out)
		return
	}
	sum := c.sum
	x := &e.incr
	tables := false
	if ch != nil && !ch.All {
		for k := 0; k < ch.Len(); k++ {
			switch kind, i := ch.At(k); kind {
			case 'f':
				e.fnRes(st, i, out, &sum)
			case 't':
				tables = e.tableRes(st, i, out, &sum) || tables
			case 'b':
				e.bucketRes(st, i, out, &sum)
			case 'a':
				e.apiRes(st, i, out, &sum)
			}
		}
	} else {
		for i := range st.Functions {
			e.fnRes(st, i, out, &sum)
		}
		for i := range st.Tables {
			tables = e.tableRes(st, i, out, &sum) || tables
		}
		for i := range st.Buckets {
			e.bucketRes(st, i, out, &sum)
		}
		for i := range st.APIs {
			e.apiRes(st, i, out, &sum)
		}
		for i := range st.Queues {
			if k := queueKeyOf(&st.Queues[i]); k != c.qs[i] {
				d := k ^ c.qs[i]
				c.qs[i] = k
				e.redoRes(shapeQueues, i, d, st, out, &sum)
			}
		}
	}
	if tables {
		e.update(x.tables, nil, depAll, st, out, c.stat, &sum)
	}
	if len(x.always) > 0 {
		e.update(x.always, nil, depAll, st, out, c.stat, &sum)
	}
	c.sum = sum
	out.writeSum(e, sum)
}

// fnRes compares function i with its key and recomputes the checks the
// change reaches.
func (e *Engine) fnRes(st *infra.State, i int, out *Result, sum *packed) {
	if d := e.fnChanges(&st.Functions[i], &out.inc.fns[i]); d != 0 {
		e.redoRes(shapeFunctions, i, d, st, out, sum)
	}
}

// tableRes compares table i with its key, recomputes its own checks the
// change reaches, and reports whether what the account's throughput check
// reads of it changed.
func (e *Engine) tableRes(st *infra.State, i int, out *Result, sum *packed) bool {
	c := out.inc
	k := tableKeyOf(&st.Tables[i])
	if k == c.tabs[i] {
		return false
	}
	if d := k.own ^ c.tabs[i].own; d != 0 {
		e.redoRes(shapeTables, i, d, st, out, sum)
	}
	tables := k.rcu != c.tabs[i].rcu || k.wcu != c.tabs[i].wcu
	c.tabs[i] = k
	return tables
}

// bucketRes compares bucket i with its key and recomputes the checks the
// change reaches.
func (e *Engine) bucketRes(st *infra.State, i int, out *Result, sum *packed) {
	c := out.inc
	if k := bucketKeyOf(&st.Buckets[i]); k != c.bkts[i] {
		d := k ^ c.bkts[i]
		c.bkts[i] = k
		e.redoRes(shapeBuckets, i, d, st, out, sum)
	}
}

// apiRes compares API i with its key and recomputes the checks the change
// reaches.
func (e *Engine) apiRes(st *infra.State, i int, out *Result, sum *packed) {
	c := out.inc
	if k := apiKeyOf(&st.APIs[i]); k != c.apis[i] {
		d := k.flags ^ c.apis[i].flags
		if k.cacheGB != c.apis[i].cacheGB {
			d |= apiCacheGB
		}
		c.apis[i] = k
		e.redoRes(shapeAPIs, i, d, st, out, sum)
	}
}

// redoRes recomputes those of the checks of resource i of shape kind k
// whose dep meets the change bits d.
func (e *Engine) redoRes(k, i int, d uint32, st *infra.State, out *Result, sum *packed) {
	x := &e.incr
	a, b := x.start[k][i], x.start[k][i+1]
	e.update(x.byRes[a:b], x.deps[a:b], d, st, out, out.inc.stat, sum)
}

// newCache returns a cache for out, sized for e's layout.
func (e *Engine) newCache(out *Result) *incrCache {
	return &incrCache{
		owner: out, stat: make([]status, len(e.vary)),
		fns: make([]fnKey, e.shape[shapeFunctions]), tabs: make([]tableKey, e.shape[shapeTables]),
		bkts: make([]uint32, e.shape[shapeBuckets]), apis: make([]apiKey, e.shape[shapeAPIs]),
		qs: make([]uint32, e.shape[shapeQueues]),
	}
}

// evalFull evaluates every variable check and fills out.inc for e. It
// allocates only for a Result that has no cache of its own yet (a copy
// of a Result, or one made by another Engine's NewResult for a larger
// layout).
func (e *Engine) evalFull(st *infra.State, out *Result) {
	c := out.inc
	if c == nil || c.owner != out {
		c = e.newCache(out)
		out.inc = c
	}
	c.e = e
	c.stat = resize(c.stat, len(e.vary))
	c.fns = resize(c.fns, len(st.Functions))
	for i := range st.Functions {
		c.fns[i] = fnKey{}
		e.fnChanges(&st.Functions[i], &c.fns[i])
	}
	c.tabs = resize(c.tabs, len(st.Tables))
	for i := range st.Tables {
		c.tabs[i] = tableKeyOf(&st.Tables[i])
	}
	c.bkts = resize(c.bkts, len(st.Buckets))
	for i := range st.Buckets {
		c.bkts[i] = bucketKeyOf(&st.Buckets[i])
	}
	c.apis = resize(c.apis, len(st.APIs))
	for i := range st.APIs {
		c.apis[i] = apiKeyOf(&st.APIs[i])
	}
	c.qs = resize(c.qs, len(st.Queues))
	for i := range st.Queues {
		c.qs[i] = queueKeyOf(&st.Queues[i])
	}
	// From every check not applicable (a zero share) and a zero sum,
	// every check.
	clear(c.stat)
	var sum packed
	e.update(e.incr.all, nil, depAll, st, out, c.stat, &sum)
	c.sum = sum
	out.writeSum(e, sum)
}
