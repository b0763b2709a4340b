package compliance

import (
	"sort"

	"github.com/evoarch/evoarch/sim/infra"
)

// The search path. Compile splits the checks in two: those no variant can
// change (the rule reads only the template: resource policies, VPC
// configuration, alarm actions, declared deployment groups, resources the
// State does not hold, suppressed checks) are evaluated once and summed into
// Engine.fixed; the others are flattened into Engine.vary, each with the
// index of its resource in the State and a code that Eval switches on
// instead of calling the rule's evalFunc. Each inlined case is the
// explain=false path of the rule it names (rules.go); TestFastMatchesRules
// compares both on random variants of the seed and the corpus.

// fastCode selects the inlined form of a rule in Eval; codeCall calls the
// rule's evalFunc.
type fastCode uint8

const (
	codeCall fastCode = iota
	codeS3Logging
	codeS3Replication
	codeS3Versioning
	codeS3Public // s3-bucket-public-{read,write}-prohibited
	codeS3TLS
	codeS3SSE
	codeS3LevelPublic
	codeS3KMS
	codeDDBAutoscaling
	codeDDBPITR
	codeDDBKMS
	codeDDBEncryption
	codeLambdaSettings
	codeLambdaConcurrency
	codeLambdaDLQ
	codeAllAtOnce
	codeRollbackMonitor
	codeAPIExecLogging
	codeAPICache
	codeAPIv2AccessLogs
	codeAPIXRay
	codeSQSEncrypted
	codeDDBThroughput
)

// fastCheck is one check a variant can change, flattened.
type fastCheck struct {
	code fastCode
	// acl and policy: the template's public grants (codeS3Public); image:
	// the function is a container image (codeLambdaSettings).
	acl, policy, image bool
	idx                int // the subject's index in its kind's slice of the State
	// inc is what each status adds to Eval's packed sums (packTally).
	inc  [3]packed
	eval evalFunc
	subj *subject
	// dep is the fields of its resource the check reads, as a mask of
	// the change bits of incr.go.
	dep uint32
}

// packed is a tally in two integers, so that Eval adds a check's share
// without a branch on its status: w holds the severity sums (all in
// at bits 0-31, compliant at 32-63), n the counts (passed at 0-20,
// failed at 21-41, broken at 42-62). compileFast packs only when every
// severity is a whole number and the sums cannot overflow a field.
type packed struct{ w, n uint64 }

const (
	packCountBits = 21
	packMaxChecks = 1<<packCountBits - 1
	packMaxSev    = 1 << 8
)

// packTally returns what a check of severity sev adds in each status.
func packTally(sev uint64, required, inFindings bool) [3]packed {
	var inc [3]packed
	if inFindings {
		inc[compliant] = packed{w: sev | sev<<32, n: 1}
		inc[nonCompliant] = packed{w: sev, n: 1 << packCountBits}
	}
	if required {
		inc[nonCompliant].n += 1 << (2 * packCountBits)
	}
	return inc
}

// unpack adds p to t. Severity sums are whole numbers far below 2^53, so
// the float sums are exact and equal those of tally.add in any order.
func (t *tally) unpack(p packed) {
	const mask = 1<<packCountBits - 1
	t.wAll += float64(p.w & (1<<32 - 1))
	t.wOK += float64(p.w >> 32)
	t.passed += int(p.n & mask)
	t.failed += int(p.n >> packCountBits & mask)
	t.broken += int(p.n >> (2 * packCountBits) & mask)
}

// tally is the running sums of Eval.
type tally struct {
	wAll, wOK              float64
	passed, failed, broken int
}

// add counts one check's status, as Eval always has: a required rule's
// NON_COMPLIANT finding breaks it; findings outside the filter do not score.
// Severities are small integers, so the sums are exact in any order.
func (t *tally) add(stat status, sev float64, required, inFindings bool) {
	if stat == notApplicable {
		return
	}
	if required && stat == nonCompliant {
		t.broken++
	}
	if !inFindings {
		return
	}
	t.wAll += sev
	if stat == compliant {
		t.wOK += sev
		t.passed++
	} else {
		t.failed++
	}
}

// fastCodeOf returns the inlined form of rule id.
func fastCodeOf(id string) fastCode {
	switch id {
	case "s3-bucket-logging-enabled":
		return codeS3Logging
	case "s3-bucket-replication-enabled":
		return codeS3Replication
	case "s3-bucket-versioning-enabled":
		return codeS3Versioning
	case "s3-bucket-public-write-prohibited", "s3-bucket-public-read-prohibited":
		return codeS3Public
	case "s3-bucket-ssl-requests-only":
		return codeS3TLS
	case "s3-bucket-server-side-encryption-enabled":
		return codeS3SSE
	case "s3-bucket-level-public-access-prohibited":
		return codeS3LevelPublic
	case "s3-default-encryption-kms":
		return codeS3KMS
	case "dynamodb-autoscaling-enabled":
		return codeDDBAutoscaling
	case "dynamodb-pitr-enabled":
		return codeDDBPITR
	case "dynamodb-table-encrypted-kms":
		return codeDDBKMS
	case "dynamodb-table-encryption-enabled":
		return codeDDBEncryption
	case "lambda-function-settings-check":
		return codeLambdaSettings
	case "lambda-concurrency-check":
		return codeLambdaConcurrency
	case "lambda-dlq-check":
		return codeLambdaDLQ
	case "codedeploy-lambda-allatonce-traffic-shift-disabled":
		return codeAllAtOnce
	case "codedeploy-auto-rollback-monitor-enabled":
		return codeRollbackMonitor
	case "api-gw-execution-logging-enabled":
		return codeAPIExecLogging
	case "api-gw-cache-enabled-and-encrypted":
		return codeAPICache
	case "api-gwv2-access-logs-enabled":
		return codeAPIv2AccessLogs
	case "api-gw-xray-enabled":
		return codeAPIXRay
	case "sqs-queue-encrypted":
		return codeSQSEncrypted
	}
	return codeCall
}

// templateOnly reports whether rule id reads nothing of the variant's State.
func templateOnly(id string) bool {
	switch id {
	case "lambda-function-public-access-prohibited", "lambda-inside-vpc", "cloudwatch-alarm-action-check":
		return true
	}
	return false
}

// excluded reports whether bucket subject s is in excludedPublicBuckets.
func (e *Engine) excluded(s *subject) bool {
	for _, n := range e.params.excludedBuckets {
		if n == s.ID || s.name != "" && n == s.name {
			return true
		}
	}
	return false
}

// compileFast splits the checks into fixed and vary (see above). st is the
// State given to Compile, or nil.
func (e *Engine) compileFast(st *infra.State) {
	if st != nil {
		e.shape = [5]int{len(st.Functions), len(st.Tables), len(st.Buckets), len(st.APIs), len(st.Queues)}
	}
	for i := range e.checks {
		c := &e.checks[i]
		if c.suppressed != nil {
			continue
		}
		r := &table[c.rule]
		s := &e.subjects[c.subj]
		constant := !e.haveState || templateOnly(r.ID) || s.kind == kindDeployGroup ||
			s.kind != kindAccount && s.st < 0
		code := fastCodeOf(r.ID)
		if code == codeS3LevelPublic && e.excluded(s) {
			constant = true
		}
		if constant {
			// What Eval reads for it is the template's: nil reads that.
			stat, _ := r.eval(e, nil, s, false)
			e.fixed.add(stat, r.Severity, c.required, c.inFindings)
			continue
		}
		if s.kind == kindAccount {
			code = codeCall
			if r.ID == "dynamodb-throughput-limit-check" {
				code = codeDDBThroughput
			}
		}
		if r.Severity < 0 || r.Severity >= packMaxSev || r.Severity != float64(uint64(r.Severity)) {
			e.unpackable = true
		}
		f := fastCheck{code: code, idx: s.st, eval: r.eval, subj: s, dep: depOf(fastCodeOf(r.ID)),
			inc: packTally(uint64(r.Severity), c.required, c.inFindings)}
		switch code {
		case codeS3Public:
			t := &e.tpl.Buckets[s.tpl]
			if r.ID == "s3-bucket-public-read-prohibited" {
				f.acl, f.policy = t.PublicReadACL, t.PolicyPublicRead
			} else {
				f.acl, f.policy = t.PublicWriteACL, t.PolicyPublicWrite
			}
		case codeLambdaSettings:
			f.image = e.tpl.Functions[s.tpl].Image
			if e.params.hasRole || len(e.params.runtimes) > 0 {
				// The role parameter and the runtime list: the rule's own code.
				f.code = codeCall
			}
		}
		e.vary = append(e.vary, f)
	}
	// By rule, so that Eval's switch takes the same case as the check
	// before it most of the time; the sums do not depend on the order.
	sort.SliceStable(e.vary, func(i, j int) bool { return e.vary[i].code < e.vary[j].code })
	if len(e.vary) > packMaxChecks {
		e.unpackable = true
	}
	e.buildIncr()
}

// fits reports whether st has the layout of the State given to Compile.
func (e *Engine) fits(st *infra.State) bool {
	return e.shape == [5]int{len(st.Functions), len(st.Tables), len(st.Buckets), len(st.APIs), len(st.Queues)}
}

// runtimeMemo is one entry of Result.memo, a small direct-mapped cache of
// Deprecated(runtime): a pure function of the string, so a Result may
// serve any Engine, and a collision only costs a look-up.
type runtimeMemo struct {
	runtime     string
	dep, osOnly bool
	set         bool
}

// runtimeInfo is Deprecated(runtime) and osOnlyRuntime(runtime) through
// out's cache.
func (out *Result) runtimeInfo(runtime string) *runtimeMemo {
	// FNV-1a over the last 6 bytes, where runtime ids of one family
	// differ (nodejs20.x, nodejs22.x).
	h := uint32(2166136261)
	for i := max(len(runtime)-6, 0); i < len(runtime); i++ {
		h = (h ^ uint32(runtime[i])) * 16777619
	}
	m := &out.memo[h%uint32(len(out.memo))]
	if !m.set || m.runtime != runtime {
		m.dep, _ = Deprecated(runtime)
		m.osOnly = osOnlyRuntime(runtime)
		m.runtime, m.set = runtime, true
	}
	return m
}

// update recomputes, on a State of Compile's layout, those of the
// variable checks js whose dependency mask (deps[n] for js[n]; nil: all)
// meets the change bits d (incr.go), records their statuses in stats (by
// e.vary index) and moves sum by the change of each one's share. Each
// case is the explain=false path of the rule it names. The packed sums
// are integers with no carry between fields, so subtracting a share
// added before is exact.
func (e *Engine) update(js []int32, deps []uint32, d uint32, st *infra.State, out *Result, stats []status, sum *packed) {
	deployed := e.deployed
	for n, j := range js {
		if deps != nil && deps[n]&d == 0 {
			continue
		}
		c := &e.vary[j]
		var stat status
		switch c.code {
		case codeS3Logging:
			stat = pass(st.Buckets[c.idx].Logging)
		case codeS3Replication:
			b := &st.Buckets[c.idx]
			ok := b.Replication
			switch e.params.replType {
			case "CROSS-REGION":
				ok = ok && b.CrossRegion
			case "SAME-REGION":
				ok = ok && !b.CrossRegion
			}
			stat = pass(ok)
		case codeS3Versioning:
			stat = pass(st.Buckets[c.idx].Versioning)
		case codeS3Public:
			a, p, ig, r := e.effectiveBPA(&st.Buckets[c.idx], c.subj)
			if deployed {
				stat = pass((p || r || !c.policy) && (a || ig || !c.acl))
			} else {
				stat = pass(a && p && ig && r)
			}
		case codeS3TLS:
			stat = pass(st.Buckets[c.idx].TLSOnly)
		case codeS3SSE:
			stat = pass(st.Buckets[c.idx].SSE != infra.BucketSSENone || deployed)
		case codeS3LevelPublic:
			a, p, ig, r := e.effectiveBPA(&st.Buckets[c.idx], c.subj)
			stat = pass(a && p && ig && r)
		case codeS3KMS:
			stat = pass(st.Buckets[c.idx].SSE >= infra.BucketSSEKMS)
		case codeDDBAutoscaling:
			// The State holds the table: the template's scaling facts are
			// not read (fromTemplate is false).
			tb := &st.Tables[c.idx]
			stat = pass(!tb.Provisioned || tb.AutoScaleTarget > 0)
		case codeDDBPITR:
			stat = pass(st.Tables[c.idx].PITR)
		case codeDDBKMS:
			sse := st.Tables[c.idx].SSE
			stat = pass(sse == infra.SSECustomerKMS || deployed && sse == infra.SSEManagedKMS)
		case codeDDBEncryption:
			stat = pass(st.Tables[c.idx].SSE != infra.SSEOwned)
		case codeLambdaSettings:
			stat = e.lambdaSettings(&st.Functions[c.idx], c, out)
		case codeLambdaConcurrency:
			fn := &st.Functions[c.idx]
			p := &e.params
			stat = pass(fn.Reserved >= 0 && (!p.hasConcLow || float64(fn.Reserved) >= p.concLow) && (!p.hasConcHigh || float64(fn.Reserved) <= p.concHigh))
		case codeLambdaDLQ:
			stat = pass(st.Functions[c.idx].DLQ)
		case codeAllAtOnce:
			fn := &st.Functions[c.idx]
			switch fn.Deploy {
			case infra.DeployNone:
				stat = notApplicable
			case infra.DeployCustom:
				stat, _ = c.eval(e, st, c.subj, false)
			default:
				stat = pass(fn.Deploy != infra.AllAtOnce)
			}
		case codeRollbackMonitor:
			fn := &st.Functions[c.idx]
			if fn.Deploy == infra.DeployNone {
				stat = notApplicable
			} else {
				stat = pass(fn.AlarmLevel > 0 || len(fn.Alarms) > 0 || fn.DeclaredAlarms > 0)
			}
		case codeAPIExecLogging:
			a := &st.APIs[c.idx]
			if !a.REST && !a.WebSocket {
				stat = notApplicable
			} else {
				stat = pass(a.ExecutionLogging)
			}
		case codeAPICache:
			a := &st.APIs[c.idx]
			if !a.REST {
				stat = notApplicable
			} else {
				stat = pass(a.CacheGB > 0 && a.CacheEncrypted)
			}
		case codeAPIv2AccessLogs:
			a := &st.APIs[c.idx]
			if a.REST {
				stat = notApplicable
			} else {
				stat = pass(a.AccessLogs)
			}
		case codeAPIXRay:
			a := &st.APIs[c.idx]
			if !a.REST {
				stat = notApplicable
			} else {
				stat = pass(a.XRay)
			}
		case codeDDBThroughput:
			var rcu, wcu float64
			for k := range st.Tables {
				if tb := &st.Tables[k]; tb.Provisioned {
					rcu += tb.RCU
					wcu += tb.WCU
				}
			}
			stat = pass(rcu < e.params.rcuPct/100*accountCapacityQuota && wcu < e.params.wcuPct/100*accountCapacityQuota)
		case codeSQSEncrypted:
			q := &st.Queues[c.idx]
			stat = pass(q.Encrypted && (q.EncryptedExplicit || deployed))
		default:
			stat, _ = c.eval(e, st, c.subj, false)
		}
		if old := stats[j]; stat != old {
			stats[j] = stat
			sum.w += c.inc[stat].w - c.inc[old].w
			sum.n += c.inc[stat].n - c.inc[old].n
		}
	}
}

// lambdaSettings is evalLambdaSettings without the role parameter and the
// runtime list (compileFast leaves those to the rule), with the runtimes'
// deprecation cached in out.
func (e *Engine) lambdaSettings(fn *infra.Function, c *fastCheck, out *Result) status {
	if c.image || fn.Runtime == "" {
		return notApplicable
	}
	rt := out.runtimeInfo(fn.Runtime)
	if rt.osOnly {
		return notApplicable
	}
	p := &e.params
	return pass(!rt.dep &&
		(!p.hasTimeout || fn.TimeoutS == p.timeout) &&
		(!p.hasMemory || fn.MemoryMB == p.memory))
}

// write sets out from the sums.
func (out *Result) write(t *tally) {
	out.wEng = nil
	out.Score = 1
	if t.wAll > 0 {
		out.Score = t.wOK / t.wAll
	}
	out.Passed, out.Failed = t.passed, t.failed
	out.RequiredBroken = t.broken
	out.RequiredOK = t.broken == 0
}

// writeSum sets out from e.fixed plus the packed sums sum, as
// t := e.fixed; t.unpack(sum); out.write(&t) does, unless out's exported
// fields were last written by this call with the same e and sum (e.fixed
// is fixed once Compile returns): then they already hold that.
func (out *Result) writeSum(e *Engine, sum packed) {
	if out.wEng == e && out.wSum == sum {
		return
	}
	t := e.fixed
	t.unpack(sum)
	out.write(&t)
	out.wEng, out.wSum = e, sum
}
