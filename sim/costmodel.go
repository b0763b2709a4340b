package sim

import (
	"math"
	"sort"
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
	"github.com/evoarch/evoarch/sim/perf"
)

// Resource kinds of a cost slot.
const (
	kindFunction = iota
	kindAPI
	kindTable
	kindBucket
	kindQueue
	kindAlarm
	kindKey
)

// slot is one billed resource, in template order.
type slot struct {
	kind, idx int
	id, typ   string
}

// slotRef is a slot's kind and index, packed: evalChanged's slot loop
// reads these of every slot, eight to a cache line.
type slotRef struct {
	kind uint8
	idx  int32
}

// fnWork is one function's workload, compiled.
type fnWork struct {
	known       bool
	invocations float64
	logGB       float64
	logKnown    bool
	// rps is the request rate off-peak and at the peak, requests per
	// second, and peakShare the peak's share of the day
	// (scenarios.FunctionLoad.DailyRegimes).
	rps       [2]float64
	peakShare float64
}

// callRec is what one invocation of function fn does to one table, bucket
// or queue (indexes into the State's slices, -1 when not that kind).
type callRec struct {
	fn                   int
	table, bucket, queue int
	reads, writes        float64
	gets, puts, sends    float64
}

// costModel is the cost part of a Plan: the workload turned into per
// resource usage inputs once, read by every evaluation.
type costModel struct {
	p        *Prices
	freeTier bool
	fns      []fnWork
	tables   []tableInput
	buckets  []bucketInput
	apis     []apiInput
	queues   []queueInput
	calls    []callRec
	slots    []slot
	// refs[k] is slots[k]'s kind and index.
	refs []slotRef
	// nAlarms is the template's alarm count (the State's, for sizing).
	nAlarms int
	// maxLines bounds the lines one evaluation appends (the scratch size).
	maxLines int
	// logShare and logPrice are the Lambda pool's log fields: the
	// functions' log volumes are the workload's, the same for every
	// variant (newLambdaPool, logPool).
	logShare, logPrice float64
	// notPriced lists the template's resources that cost money but have no
	// cost model here, "ID (Type)" in template order.
	notPriced []string
}

// freeTypes are resource types that AWS does not bill by themselves: what
// they configure is billed on the resources they attach to (IAM, policies,
// API stages and routes, VPC plumbing, stack machinery). A type ending in
// "::" stands for its whole service. Every other resource the cost model
// does not price is listed in cost.not_priced rather than counted as free.
var freeTypes = []string{
	"AWS::IAM::", "AWS::CloudFormation::", "AWS::ApplicationAutoScaling::", "AWS::CodeDeploy::",
	"AWS::Lambda::Permission", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::EventSourceMapping",
	"AWS::Lambda::LayerVersion", "AWS::Lambda::Url", "AWS::Serverless::LayerVersion", "AWS::Serverless::Connector",
	"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Method", "AWS::ApiGateway::Resource",
	"AWS::ApiGateway::Model", "AWS::ApiGateway::RequestValidator", "AWS::ApiGateway::Account", "AWS::ApiGateway::Authorizer",
	"AWS::ApiGateway::BasePathMapping", "AWS::ApiGateway::GatewayResponse",
	"AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Deployment",
	"AWS::ApiGatewayV2::Authorizer", "AWS::ApiGatewayV2::ApiMapping",
	"AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::SNS::Subscription", "AWS::KMS::Alias",
	"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress", "AWS::EC2::Subnet",
	"AWS::EC2::VPC", "AWS::EC2::RouteTable", "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation",
	"AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment",
	"AWS::AppSync::Resolver", "AWS::AppSync::GraphQLSchema", "AWS::AppSync::DataSource", "AWS::AppSync::FunctionConfiguration",
	"AWS::AppSync::ApiKey", "AWS::Logs::QueryDefinition", "AWS::ECS::TaskDefinition", "AWS::ECS::Cluster",
	"AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
	"AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolDomain", "AWS::EFS::MountTarget",
}

// isFreeType reports whether typ is one of freeTypes.
func isFreeType(typ string) bool {
	for _, f := range freeTypes {
		if typ == f || (strings.HasSuffix(f, "::") && strings.HasPrefix(typ, f)) {
			return true
		}
	}
	return false
}

// costScratch is an Evaluator's cost buffers, reused without allocating.
// It also keeps the previous call's inputs and results, so that eval
// recomputes only what a change touches (see eval).
type costScratch struct {
	lin []lambdaInput
	fu  []lambdaUsage
	// tin, bin and qin are the tables', buckets' and queues' inputs with
	// this variant's calls (the invocations a REST cache leaves).
	tin []tableInput
	bin []bucketInput
	qin []queueInput
	tu  []tableUsage
	bu  []bucketUsage
	au  []apiUsage
	// keep makes eval list the line items (lines, spans) for the report;
	// without it eval sums them only.
	keep  bool
	sink  lineSink
	lines []Line
	// spans[i] is slot i's lines: lines[spans[i][0]:spans[i][1]] (keep only).
	spans [][2]int
	// spansKept: spans were last written with the lines (keep), and are
	// cleared before a call without them.
	spansKept bool
	usd       []float64
	// unk[i] is slot i's count of usage-dependent lines.
	unk     []int
	total   float64
	unknown int

	// valid says the fields below hold the previous call: the inputs each
	// usage was computed from (copies, so the caller's State may change or
	// be another one), the pools, and which usages changed in this call.
	valid bool
	tst   []infra.Table
	tprev []tableInput
	bst   []infra.Bucket
	bprev []bucketInput
	qfifo []bool
	qprev []queueInput
	alarm []alarmKey
	// fkey[i] is what function i's input (lin[i]) and share were built
	// from in the previous call.
	fkey []lambdaKey
	// akey[i] is what API i's usage (au[i]) was built from in the
	// previous call.
	akey []apiKey
	// share[i] is function i's invokedShare, which with its invocations
	// is all the calls' inputs (tin, bin, qin) read of the call.
	share []float64
	// fch, tch, bch, ach, qch and alch say function, table, bucket, API,
	// queue or alarm i's usage changed in this call; farm and falarm that
	// function i's usage (fu[i]) is arm64 and has alarm metrics (what its
	// slot's dirty test reads of it). They share one array (newScratch).
	fch, tch, bch, ach, qch, alch []bool
	farm, falarm                  []bool
	// arest[i] is API i's usage's rest (au[i].rest), in the same array.
	arest  []bool
	lp     lambdaPool
	tp     tablePool
	bp     bucketPool
	ap     apiPool
	qf, af float64
	// added is the functions' alarm metrics af was computed with.
	added float64
}

// lambdaKey is every field of the State and the performance result that a
// function's lambdaInput and invoked share are computed from (with the
// plan's fixed workload): the floats by their bits, so equal keys mean
// bit-identical inputs.
type lambdaKey struct {
	// bits are MemoryMB, EphemeralMB, TimeoutS, then the performance
	// result's MeanDurationMS, InitMS, ColdStartRate, ProvisionedShare
	// and InvokedShare (0 without one: hasR false).
	bits  [8]uint64
	prov  int
	arch  infra.Arch
	alarm uint8
	hasR  bool
}

// same reports whether k and o are equal (as ==, without its call to
// memequal: one branch on all the words).
func (k *lambdaKey) same(o *lambdaKey) bool {
	x := (k.bits[0] ^ o.bits[0]) | (k.bits[1] ^ o.bits[1]) | (k.bits[2] ^ o.bits[2]) | (k.bits[3] ^ o.bits[3]) |
		(k.bits[4] ^ o.bits[4]) | (k.bits[5] ^ o.bits[5]) | (k.bits[6] ^ o.bits[6]) | (k.bits[7] ^ o.bits[7]) |
		uint64(k.prov^o.prov) | uint64(k.arch^o.arch) | uint64(k.alarm^o.alarm)
	return x == 0 && k.hasR == o.hasR
}

// samePerf reports whether k's performance part (hasR and bits 3 to 7) is
// that of pr's function i. It reads the fields evalChanged writes into
// those bits, one by one (a shared helper returning them as an array cost
// 20-35 ns a one-gene move): change the two together.
func (k *lambdaKey) samePerf(pr *perf.Result, i int) bool {
	if pr == nil || i >= len(pr.Functions) {
		return !k.hasR
	}
	r := &pr.Functions[i]
	return k.hasR && (k.bits[3]^math.Float64bits(r.MeanDurationMS))|(k.bits[4]^math.Float64bits(r.InitMS))|
		(k.bits[5]^math.Float64bits(r.ColdStartRate))|(k.bits[6]^math.Float64bits(r.ProvisionedShare))|
		(k.bits[7]^math.Float64bits(r.InvokedShare)) == 0
}

// apiKey is every field of an API that its usage is computed from (with
// the plan's fixed workload), CacheGB by its bits.
type apiKey struct {
	cacheGB         uint64
	rest, websocket bool
}

// alarmKey is what a template alarm's line items read of it.
type alarmKey struct {
	metrics int
	highRes bool
}

// compileCost reads the workload of sc for the resources of base (the
// template as written). sc may be nil: nothing has usage.
func compileCost(t *cfn.Template, base *infra.State, sc *scenarios.Scenario, p *Prices) *costModel {
	m := &costModel{
		p:       p,
		fns:     make([]fnWork, len(base.Functions)),
		tables:  make([]tableInput, len(base.Tables)),
		buckets: make([]bucketInput, len(base.Buckets)),
		apis:    make([]apiInput, len(base.APIs)),
		queues:  make([]queueInput, len(base.Queues)),
	}
	if sc == nil {
		sc = &scenarios.Scenario{}
	}
	m.freeTier = sc.Pricing.FreeTier
	for i := range base.Tables {
		m.tables[i].ItemKB = scenarios.DefaultItemKB
		if tl := sc.Table(base.Tables[i].ID); tl != nil {
			m.tables[i].ItemKB = tl.ItemKBOr()
			m.tables[i].Consistent = tl.ConsistentReads
			m.tables[i].StorageGB = tl.StorageGB
			m.tables[i].StorageKnown = tl.StorageGB > 0
		}
	}
	for i := range base.Buckets {
		if bl := sc.Bucket(base.Buckets[i].ID); bl != nil {
			b := &m.buckets[i]
			b.StorageGB, b.StorageKnown = bl.StorageGB, bl.StorageGB > 0
			b.ObjectKB = bl.ObjectKB
			b.OverwriteRate, b.OverwriteKnown = bl.OverwriteRate, bl.OverwriteRate > 0
			b.AccessLogGB, b.AccessLogKnown = bl.AccessLogGBPerMonth, bl.AccessLogGBPerMonth > 0
		}
	}
	for i := range base.APIs {
		if al := sc.API(base.APIs[i].ID); al != nil {
			m.apis[i].RequestKB = al.RequestKB
		}
	}
	for i := range base.Queues {
		if ql := sc.Queue(base.Queues[i].ID); ql != nil {
			m.queues[i].Messages = ql.MessagesPerMonth
			m.queues[i].Known = ql.MessagesPerMonth > 0
			m.queues[i].MessageKB = ql.MessageKB
		}
	}
	for i := range base.Functions {
		f := &base.Functions[i]
		fl := sc.Function(f.ID)
		if fl == nil {
			continue
		}
		w := &m.fns[i]
		w.known = fl.InvocationsPerMonth > 0 || fl.Given["invocations_per_month"]
		w.invocations = nonNeg(fl.InvocationsPerMonth)
		w.logGB, w.logKnown = fl.LogGBPerMonth, fl.LogGBPerMonth > 0
		w.rps[0], w.rps[1], w.peakShare = fl.DailyRegimes()
		if !w.known {
			continue
		}
		if f.API >= 0 && f.API < len(m.apis) {
			m.apis[f.API].Requests += w.invocations
			m.apis[f.API].Known = true
		}
		// Calls in sorted order so sums are the same on every run.
		ids := make([]string, 0, len(fl.Calls))
		for id := range fl.Calls {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			c := fl.Calls[id]
			if c == nil {
				continue
			}
			rec := callRec{fn: i, table: base.TableIndex(id), bucket: base.BucketIndex(id), queue: base.QueueIndex(id),
				reads: nonNeg(c.Reads), writes: nonNeg(c.Writes), gets: nonNeg(c.Gets), puts: nonNeg(c.Puts), sends: nonNeg(c.Sends)}
			switch {
			case rec.table >= 0:
				m.tables[rec.table].CallsKnown = true
			case rec.bucket >= 0:
				m.buckets[rec.bucket].CallsKnown = true
			case rec.queue >= 0:
				m.queues[rec.queue].Known = true
			default:
				continue
			}
			m.calls = append(m.calls, rec)
		}
	}

	// Slots in template order (declared resources, then implicit ones).
	pos := map[string]int{}
	for i, r := range t.Resources {
		pos[r.ID] = i
	}
	add := func(kind, idx int, id, typ string) {
		m.slots = append(m.slots, slot{kind: kind, idx: idx, id: id, typ: typ})
	}
	for i, f := range base.Functions {
		add(kindFunction, i, f.ID, f.Type)
	}
	for i, a := range base.APIs {
		add(kindAPI, i, a.ID, a.Type)
	}
	for i, tb := range base.Tables {
		add(kindTable, i, tb.ID, tb.Type)
	}
	for i, b := range base.Buckets {
		add(kindBucket, i, b.ID, "AWS::S3::Bucket")
	}
	for i, q := range base.Queues {
		add(kindQueue, i, q.ID, "AWS::SQS::Queue")
	}
	for i, a := range base.Alarms {
		add(kindAlarm, i, a.ID, "AWS::CloudWatch::Alarm")
	}
	for i, r := range t.ByType("AWS::KMS::Key") {
		add(kindKey, i, r.ID, r.Type)
	}
	sort.SliceStable(m.slots, func(i, j int) bool {
		pi, oki := pos[m.slots[i].id]
		pj, okj := pos[m.slots[j].id]
		if oki != okj {
			return oki
		}
		return pi < pj
	})
	priced := map[string]bool{}
	for _, sl := range m.slots {
		priced[sl.id] = true
	}
	m.notPriced = []string{}
	for _, r := range t.Resources {
		if !priced[r.ID] && !isFreeType(r.Type) {
			m.notPriced = append(m.notPriced, r.ID+" ("+r.Type+")")
		}
	}
	var logs float64
	for i := range m.fns {
		// As lambdaUsage.of sets logGB and logKnown, and newLambdaPool sums them.
		if w := &m.fns[i]; w.logKnown {
			logs += nonNeg(w.logGB)
		}
	}
	// newLambdaPool adds the other log volume (0 here) after the sum;
	// adding it keeps a -0 sum's bits as that gives them.
	m.logShare, m.logPrice = logPool(p, m.freeTier, logs+0)
	// The most lines a slot appends (lambdaLines: 12, bucketLines: 14).
	m.maxLines = 16*len(m.slots) + 1
	m.refs = make([]slotRef, len(m.slots))
	for k, sl := range m.slots {
		m.refs[k] = slotRef{kind: uint8(sl.kind), idx: int32(sl.idx)}
	}
	m.nAlarms = len(base.Alarms)
	return m
}

func (m *costModel) newScratch() *costScratch {
	nf, nt, nb, na, nq := len(m.fns), len(m.tables), len(m.buckets), len(m.apis), len(m.queues)
	// The change flags in one array, in the order of the slices below.
	fl := make([]bool, 3*nf+nt+nb+2*na+nq+m.nAlarms)
	cut := func(n int) []bool {
		x := fl[:n:n]
		fl = fl[n:]
		return x
	}
	s := &costScratch{
		fch: cut(nf), farm: cut(nf), falarm: cut(nf),
		tch: cut(nt), bch: cut(nb), ach: cut(na), arest: cut(na), qch: cut(nq), alch: cut(m.nAlarms),
		alarm: make([]alarmKey, m.nAlarms),
		lin:   make([]lambdaInput, len(m.fns)),
		fu:    make([]lambdaUsage, len(m.fns)),
		tin:   make([]tableInput, len(m.tables)),
		bin:   make([]bucketInput, len(m.buckets)),
		qin:   make([]queueInput, len(m.queues)),
		tu:    make([]tableUsage, len(m.tables)),
		bu:    make([]bucketUsage, len(m.buckets)),
		au:    make([]apiUsage, len(m.apis)),
		lines: make([]Line, 0, m.maxLines),
		spans: make([][2]int, len(m.slots)),
		usd:   make([]float64, len(m.slots)),
		unk:   make([]int, len(m.slots)),
		tst:   make([]infra.Table, len(m.tables)),
		tprev: make([]tableInput, len(m.tables)),
		bst:   make([]infra.Bucket, len(m.buckets)),
		bprev: make([]bucketInput, len(m.buckets)),
		qfifo: make([]bool, len(m.queues)),
		qprev: make([]queueInput, len(m.queues)),
		share: make([]float64, len(m.fns)),
		fkey:  make([]lambdaKey, len(m.fns)),
		akey:  make([]apiKey, len(m.apis)),
	}
	return s
}

// eval prices the variant st with the performance pr into s, without
// allocating.
//
// It is incremental and exact: each usage is recomputed only when the
// inputs it is a function of differ, bit for bit, from the previous call's
// (kept in s); each account-wide pool only when a usage of its kind
// changed; each slot's sum only when its usage or a pool or free share it
// reads changed. The slots' sums are then added in slot order from 0 as on
// a full evaluation, so the total is bit-identical to one. With s.keep (the
// report's line items) every slot is recomputed.
func (m *costModel) eval(st *infra.State, pr *perf.Result, s *costScratch) {
	m.evalChanged(st, pr, s, nil)
}

// evalChanged is eval, told by ch (when not nil) what changed in st since
// the previous call with s: st must then be the State of that call with
// only the resources ch lists rewritten (infra.Binder.ApplyChanged's
// report), and pr anything. A function ch does not list has only its
// performance result compared. The tables', buckets' and APIs' comparisons
// are skipped for a kind ch does not list, the queues' and the template
// alarms' always (no gene writes them), unless a function's calls
// changed. With ch nil every resource is compared, as eval does.
func (m *costModel) evalChanged(st *infra.State, pr *perf.Result, s *costScratch, ch *infra.Changed) {
	p := m.p
	full := s.keep || !s.valid
	if len(s.alch) != len(st.Alarms) {
		// Alarms come from the template: the count is fixed per plan, but
		// size the cache from the state it is given.
		s.alch = make([]bool, len(st.Alarms))
		s.alarm = make([]alarmKey, len(st.Alarms))
		full = true
	}
	// fmask: a function i < 64 whose bit is clear is not listed: it has
	// its State fields, and with them its key's first part, as in the
	// previous call.
	fmask := ^uint64(0)
	if ch != nil && !full {
		fmask = ch.Mask('f')
	}
	var added float64
	anyF, callsCh := false, full
	for i := range st.Functions {
		fk := &s.fkey[i]
		if !full && i < 64 && fmask>>i&1 == 0 && fk.samePerf(pr, i) {
			// Unchanged in st and in the performance result.
			added += float64(fk.alarm)
			s.fch[i] = false
			continue
		}
		f := &st.Functions[i]
		added += float64(f.AlarmLevel)
		// The function's input is built only when what it is built from
		// changed: its key, the raw State and performance fields.
		key := lambdaKey{prov: f.Provisioned, arch: f.Arch, alarm: f.AlarmLevel}
		key.bits[0] = math.Float64bits(f.MemoryMB)
		key.bits[1] = math.Float64bits(f.EphemeralMB)
		key.bits[2] = math.Float64bits(f.TimeoutS)
		if pr != nil && i < len(pr.Functions) {
			r := &pr.Functions[i]
			key.hasR = true
			// The fields samePerf compares, in its order.
			key.bits[3] = math.Float64bits(r.MeanDurationMS)
			key.bits[4] = math.Float64bits(r.InitMS)
			key.bits[5] = math.Float64bits(r.ColdStartRate)
			key.bits[6] = math.Float64bits(r.ProvisionedShare)
			key.bits[7] = math.Float64bits(r.InvokedShare)
		}
		if !full && key.same(fk) {
			s.fch[i] = false
			continue
		}
		s.fkey[i] = key
		w := &m.fns[i]
		share := invokedShare(pr, i)
		in := lambdaInput{
			Known: w.known, Invocations: w.invocations * share,
			MemoryMB: f.MemoryMB, Arch: f.Arch, EphemeralMB: f.EphemeralMB, TimeoutMS: f.TimeoutS * 1000,
			LogGB: w.logGB, LogKnown: w.logKnown,
			AlarmMetrics: float64(f.AlarmLevel),
		}
		if f.Provisioned > 0 {
			in.Provisioned = f.Provisioned
		}
		if pr != nil && i < len(pr.Functions) {
			r := &pr.Functions[i]
			in.DurationMS, in.InitMS = r.MeanDurationMS, r.InitMS
			in.ColdStartRate, in.ProvisionedShare = r.ColdStartRate, r.ProvisionedShare
		}
		if !sameBits(share, s.share[i]) || !sameBits(in.Invocations, s.lin[i].Invocations) {
			s.share[i] = share
			callsCh = true
		}
		s.fch[i] = full || !in.same(&s.lin[i])
		if s.fch[i] {
			s.lin[i] = in
			u := &s.fu[i]
			u.of(&s.lin[i])
			s.farm[i], s.falarm[i] = u.arch == infra.ARM64, u.alarmMetrics > 0
			anyF = true
		}
	}
	// The calls' inputs are rebuilt when a function's invocations or
	// invoked share changed; otherwise they are the previous call's.
	if callsCh {
		m.callInputs(pr, s)
	}
	// scanT, scanB, scanA, scanQA: compare the tables, buckets, APIs, and
	// queues and alarms with the previous call's; a kind not compared is
	// unchanged (ch), and so are its usages when no call changed.
	scanT, scanB, scanA, scanQA := true, true, true, true
	if ch != nil && !ch.All && !full && !callsCh {
		scanT, scanB, scanA, scanQA = ch.Has('t'), ch.Has('b'), ch.Has('a'), false
	}
	if !scanT {
		clear(s.tch)
	}
	if !scanB {
		clear(s.bch)
	}
	if !scanA {
		clear(s.ach)
	}
	if !scanQA {
		clear(s.qch)
		clear(s.alch)
	}
	anyT := false
	for i := range st.Tables {
		if !scanT {
			break
		}
		t := &st.Tables[i]
		s.tch[i] = full || !sameTable(t, &s.tst[i]) || (callsCh && !s.tin[i].same(&s.tprev[i]))
		if s.tch[i] {
			s.tst[i], s.tprev[i] = *t, s.tin[i]
			s.tu[i].of(&s.tst[i], &s.tprev[i])
			anyT = true
		}
	}
	anyB := false
	for i := range st.Buckets {
		if !scanB {
			break
		}
		b := &st.Buckets[i]
		s.bch[i] = full || !sameBucket(b, &s.bst[i]) || (callsCh && !s.bin[i].same(&s.bprev[i]))
		if s.bch[i] {
			// The usage points at the copies, which stay as they are until
			// the bucket's inputs change.
			s.bst[i], s.bprev[i] = *b, s.bin[i]
			s.bu[i].of(&s.bst[i], &s.bprev[i], p)
			anyB = true
		}
	}
	anyA := false
	for i := range st.APIs {
		if !scanA {
			break
		}
		// The usage is built only when the fields it reads changed.
		a := &st.APIs[i]
		key := apiKey{cacheGB: math.Float64bits(a.CacheGB), rest: a.REST, websocket: a.WebSocket}
		if !full && key == s.akey[i] {
			s.ach[i] = false
			continue
		}
		s.akey[i] = key
		u := apiUsageOf(a, &m.apis[i])
		s.ach[i] = full || !u.same(&s.au[i])
		if s.ach[i] {
			s.au[i] = u
			s.arest[i] = u.rest
			anyA = true
		}
	}
	anyQ := false
	for i := range st.Queues {
		if !scanQA {
			break
		}
		fifo := st.Queues[i].FIFO
		s.qch[i] = full || fifo != s.qfifo[i] || (callsCh && !s.qin[i].same(&s.qprev[i]))
		if s.qch[i] {
			s.qfifo[i], s.qprev[i] = fifo, s.qin[i]
			anyQ = true
		}
	}
	anyAl := false
	for i := range st.Alarms {
		if !scanQA {
			break
		}
		a := alarmKey{metrics: alarmMetrics(&st.Alarms[i]), highRes: st.Alarms[i].HighResolution}
		s.alch[i] = full || a != s.alarm[i]
		s.alarm[i] = a
		anyAl = anyAl || s.alch[i]
	}
	// The pools: recomputed when a usage of their kind changed, and
	// counted as changed when they differ bit for bit.
	// A function's lines read its architecture's price and the shared
	// shares; an API's its type's price and free share.
	lpCh, lpX86Ch, lpARMCh, tpCh, bpCh, restCh, httpCh := full, full, full, full, full, full, full
	if full || anyF {
		// newLambdaPool(s.fu, p, m.freeTier, 0), its log part computed
		// once by compileCost.
		var lp lambdaPool
		lp.usage(s.fu, p, m.freeTier)
		lp.logShare, lp.logPrice = m.logShare, m.logPrice
		lpCh = full || !sameBits(lp.freeReq, s.lp.freeReq) || !sameBits(lp.freeGBs, s.lp.freeGBs) ||
			!sameBits(lp.logShare, s.lp.logShare) || !sameBits(lp.logPrice, s.lp.logPrice)
		lpX86Ch = full || !sameBits(lp.priceX86, s.lp.priceX86)
		lpARMCh = full || !sameBits(lp.priceARM, s.lp.priceARM)
		s.lp = lp
	}
	if full || anyT {
		tp := newTablePool(s.tu, p, m.freeTier)
		tpCh = full || !tp.same(&s.tp)
		s.tp = tp
	}
	if full || anyB {
		bp := newBucketPool(s.bu, p, m.freeTier)
		bpCh = full || !bp.same(&s.bp)
		s.bp = bp
	}
	if full || anyA {
		ap := newAPIPool(s.au, p, m.freeTier)
		restCh = full || !sameBits(ap.restPrice, s.ap.restPrice) || !sameBits(ap.freeREST, s.ap.freeREST)
		httpCh = full || !sameBits(ap.httpPrice, s.ap.httpPrice) || !sameBits(ap.freeHTTP, s.ap.freeHTTP)
		s.ap = ap
	}
	// qf is a function of s.qprev, which changes only with a queue's
	// usage (qch); af of the template alarms (alch, or !scanQA: unchanged)
	// and added.
	qf, qfCh := s.qf, false
	if full || anyQ {
		qf = queueFree(s.qprev, p, m.freeTier)
		qfCh = full || !sameBits(qf, s.qf)
	}
	af, afCh := s.af, false
	if full || scanQA || !sameBits(added, s.added) {
		af = alarmFree(st.Alarms, added, p, m.freeTier)
		afCh = full || !sameBits(af, s.af)
	}
	s.qf, s.af, s.added = qf, af, added

	// The sink keeps the lines only for the report (s.keep): the search
	// reads the sums, which add up in the same order either way.
	sk := &s.sink
	sk.keep, sk.lines = s.keep, s.lines[:0]
	if !s.keep && s.spansKept {
		// Without the lines every span is empty.
		clear(s.spans)
		s.spansKept = false
	}
	// sumCh: a slot's sum or usage-dependent count changed (bit for bit),
	// so the totals are added up again.
	sumCh := full
	// A slot is dirty only through its usage's change flag, a pool's or a
	// free share's change (each false unless a usage of its kind changed)
	// or full: with none of them no slot is, and the loop is skipped.
	someDirty := full || anyF || anyT || anyB || anyA || anyQ || anyAl || qfCh || afCh
	for k := range m.refs {
		if !someDirty {
			break
		}
		sl := m.refs[k]
		var dirty bool
		switch sl.kind {
		case kindFunction:
			priceCh := lpX86Ch
			if s.farm[sl.idx] {
				priceCh = lpARMCh
			}
			dirty = s.fch[sl.idx] || lpCh || priceCh || (afCh && s.falarm[sl.idx])
		case kindAPI:
			dirty = s.ach[sl.idx] || (s.arest[sl.idx] && restCh) || (!s.arest[sl.idx] && httpCh)
		case kindTable:
			dirty = s.tch[sl.idx] || tpCh
		case kindBucket:
			dirty = s.bch[sl.idx] || bpCh
		case kindQueue:
			dirty = s.qch[sl.idx] || qfCh
		case kindAlarm:
			dirty = s.alch[sl.idx] || afCh
		case kindKey:
			dirty = full
		}
		start := len(sk.lines)
		if dirty {
			sk.usd, sk.unknown = 0, 0
			switch sl.kind {
			case kindFunction:
				lambdaItems(&s.fu[sl.idx], &s.lp, p, af, sk)
			case kindAPI:
				apiItems(&s.au[sl.idx], &s.ap, p, sk)
			case kindTable:
				tableItems(&s.tu[sl.idx], &s.tp, p, sk)
			case kindBucket:
				bucketItems(&s.bu[sl.idx], &s.bp, p, sk)
			case kindQueue:
				queueItems(&st.Queues[sl.idx], &s.qprev[sl.idx], qf, p, sk)
			case kindAlarm:
				alarmItems(&st.Alarms[sl.idx], af, p, sk)
			case kindKey:
				keyItems(p, sk)
			}
			if !sameBits(sk.usd, s.usd[k]) || sk.unknown != s.unk[k] {
				sumCh = true
			}
			s.usd[k], s.unk[k] = sk.usd, sk.unknown
		}
		if s.keep {
			s.spans[k] = [2]int{start, len(sk.lines)}
			s.spansKept = true
		}
	}
	if sumCh {
		// From 0 in slot order, as on a full evaluation; otherwise the
		// previous call's totals are of the same sums in the same order.
		var total float64
		unknown := 0
		for k, usd := range s.usd[:len(m.slots)] {
			total += usd
			unknown += s.unk[k]
		}
		s.total, s.unknown = total, unknown
	}
	s.lines = sk.lines
	s.valid = true
}

// callInputs sets s.tin, s.bin and s.qin: the tables', buckets' and queues'
// inputs with the functions' calls, at the invocations in s.lin and the
// invoked shares in pr.
func (m *costModel) callInputs(pr *perf.Result, s *costScratch) {
	copy(s.tin, m.tables)
	copy(s.bin, m.buckets)
	copy(s.qin, m.queues)
	for k := range m.calls {
		c := &m.calls[k]
		inv := s.lin[c.fn].Invocations // after the cache
		switch {
		case c.table >= 0:
			ti := &s.tin[c.table]
			ti.Reads += inv * c.reads
			ti.Writes += inv * c.writes
			// The daily shape of the load, for auto scaling: the callers'
			// rates add up (their peaks taken to coincide, as sim/perf
			// does) and the peak lasts their traffic-weighted mean.
			w := &m.fns[c.fn]
			share := invokedShare(pr, c.fn)
			for r := range ti.ReadRPS {
				ti.ReadRPS[r] += w.rps[r] * share * c.reads
				ti.WriteRPS[r] += w.rps[r] * share * c.writes
			}
			ti.peakWeight += inv * w.peakShare
			ti.weight += inv
		case c.bucket >= 0:
			s.bin[c.bucket].Gets += inv * c.gets
			s.bin[c.bucket].Puts += inv * c.puts
		case c.queue >= 0:
			s.qin[c.queue].Messages += inv * c.sends
		}
	}
}

// sameBits reports whether a and b are the same float64, bit for bit (so
// 0 and -0 differ, and a NaN equals itself).
func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// report turns the last eval of st into a Cost (allocates).
func (m *costModel) report(st *infra.State, s *costScratch) Cost {
	c := Cost{TotalUSDMonth: s.total, Resources: make([]ResourceCost, 0, len(m.slots)), DependsOnUsage: s.unknown, FreeTier: m.freeTier,
		NotPriced: append([]string{}, m.notPriced...)}
	for k := range m.slots {
		sl := &m.slots[k]
		typ := sl.typ
		if sl.kind == kindAPI {
			typ = apiType(typ, st.APIs[sl.idx].REST)
		}
		rc := ResourceCost{ID: sl.id, Type: typ, USDMonth: s.usd[k], Lines: make([]Line, 0, s.spans[k][1]-s.spans[k][0])}
		for _, l := range s.lines[s.spans[k][0]:s.spans[k][1]] {
			l.withSource()
			rc.Lines = append(rc.Lines, l)
		}
		c.Resources = append(c.Resources, rc)
	}
	return c
}

// apiType is an API's resource type after a variant may have switched it
// between REST and HTTP.
func apiType(typ string, rest bool) string {
	switch {
	case rest && typ == "AWS::Serverless::HttpApi":
		return "AWS::Serverless::Api"
	case !rest && typ == "AWS::Serverless::Api":
		return "AWS::Serverless::HttpApi"
	case rest && typ == "AWS::ApiGatewayV2::Api":
		return "AWS::ApiGateway::RestApi"
	case !rest && typ == "AWS::ApiGateway::RestApi":
		return "AWS::ApiGatewayV2::Api"
	}
	return typ
}

// invokedShare is the share of function i's requests that invoke it (the
// rest a REST API cache answers), from the performance model; 1 without it.
func invokedShare(pr *perf.Result, i int) float64 {
	if pr == nil || i >= len(pr.Functions) {
		return 1
	}
	return clamp01(pr.Functions[i].InvokedShare)
}
