package sim

import (
	"bufio"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
	"github.com/evoarch/evoarch/sim/perf"
)

// costWalk returns n genomes of sp as a memetic search visits them: mostly
// one-gene and two-gene moves of a base, with random jumps, repeats and
// returns to an earlier genome.
func costWalk(sp *genome.Space, n int, r *rand.Rand) []genome.Genome {
	out := make([]genome.Genome, 0, n)
	base := sp.Current()
	move := func(g genome.Genome) {
		if len(g) == 0 {
			return
		}
		i := r.IntN(len(g))
		g[i] = r.IntN(len(sp.Genes[i].Values))
	}
	for len(out) < n {
		g := slices.Clone(base)
		switch k := r.IntN(20); {
		case k < 10: // one-gene move
			move(g)
		case k < 14: // two-gene move
			move(g)
			move(g)
		case k < 16: // random jump, the new base
			for i := range g {
				g[i] = r.IntN(len(sp.Genes[i].Values))
			}
			base = slices.Clone(g)
		case k < 18 && len(out) > 0: // repeat
			g = slices.Clone(out[len(out)-1])
		case len(out) > 0: // back to an earlier genome
			g = slices.Clone(out[r.IntN(len(out))])
		}
		out = append(out, g)
	}
	return out
}

// costCase is one evaluated variant: the state and performance result the
// cost model reads, copied out of the evaluator.
type costCase struct {
	st infra.State
	pr *perf.Result
}

// snapshot copies e's state and performance result.
func snapshot(e *Evaluator) costCase {
	st := *e.st
	st.Functions = slices.Clone(st.Functions)
	st.Tables = slices.Clone(st.Tables)
	st.Buckets = slices.Clone(st.Buckets)
	st.APIs = slices.Clone(st.APIs)
	st.Queues = slices.Clone(st.Queues)
	st.Alarms = slices.Clone(st.Alarms)
	c := costCase{st: st}
	if e.perfR != nil {
		pr := *e.perfR
		pr.Functions = slices.Clone(pr.Functions)
		c.pr = &pr
	}
	return c
}

// BenchmarkCostEval times the cost model on a seeded walk of the seed-demo
// space (every gene free), and on the GA's recorded sequence in
// /tmp/seq.json when it exists: after the binder in the evaluator's state
// (apply+cost, less apply alone), after the incremental binder as the
// search's Evaluate calls it (changed+cost: evalChanged with the binder's
// list of changes, less changed alone), and on recorded copies of the
// states (states: every call reads a state not in cache).
func BenchmarkCostEval(b *testing.B) {
	p := seedPlan(b)
	sp := p.Space()
	seqs := map[string][]genome.Genome{"walk": costWalk(sp, 4096, rand.New(rand.NewPCG(7, 8)))}
	if data, err := os.ReadFile("/tmp/seq.json"); err == nil {
		var gs [][]int
		if json.Unmarshal(data, &gs) == nil && len(gs) > 0 && len(gs[0]) == len(sp.Genes) {
			if len(gs) > 20000 {
				gs = gs[:20000]
			}
			seq := make([]genome.Genome, len(gs))
			for i := range gs {
				seq[i] = genome.Genome(gs[i])
			}
			seqs["ga"] = seq
		}
	}
	for _, name := range []string{"walk", "ga"} {
		seq, ok := seqs[name]
		if !ok {
			continue
		}
		e := p.NewEvaluator()
		var m Metrics
		cases := make([]costCase, len(seq))
		for i, g := range seq {
			e.Evaluate(g, &m)
			cases[i] = snapshot(e)
		}
		// As in a search: the binder writes the genome into the
		// evaluator's state in place, and the performance model's result
		// (recorded per genome, in one array) changes with it; "apply" is
		// the binder alone, to subtract.
		nf := len(e.perfR.Functions)
		prs := make([]perf.FunctionResult, 0, nf*len(seq))
		for i := range cases {
			prs = append(prs, cases[i].pr.Functions...)
		}
		for _, costToo := range []bool{false, true} {
			sub := name + "/apply"
			if costToo {
				sub += "+cost"
			}
			b.Run(sub, func(b *testing.B) {
				e := p.NewEvaluator()
				s := p.cost.newScratch()
				e.Evaluate(seq[0], &m)
				pr := *e.perfR
				p.cost.eval(e.st, &pr, s)
				b.ReportAllocs()
				k := 0
				for b.Loop() {
					i := k % len(seq)
					k++
					p.binder.Apply(e.st, seq[i])
					if costToo {
						pr.Functions = prs[i*nf : (i+1)*nf]
						p.cost.eval(e.st, &pr, s)
					}
				}
			})
		}
		// As in the search's Evaluate: the binder rewrites only what the
		// move changed and tells the cost model (evalChanged).
		for _, costToo := range []bool{false, true} {
			sub := name + "/changed"
			if costToo {
				sub += "+cost"
			}
			b.Run(sub, func(b *testing.B) {
				e := p.NewEvaluator()
				s := p.cost.newScratch()
				e.Evaluate(seq[0], &m)
				pr := *e.perfR
				p.cost.eval(e.st, &pr, s)
				prev := slices.Clone(seq[0])
				var ch infra.Changed
				b.ReportAllocs()
				k := 0
				for b.Loop() {
					i := k % len(seq)
					k++
					p.binder.ApplyChanged(e.st, prev, seq[i], &ch)
					copy(prev, seq[i])
					if costToo {
						pr.Functions = prs[i*nf : (i+1)*nf]
						p.cost.evalChanged(e.st, &pr, s, &ch)
					}
				}
			})
		}
		b.Run(name+"/states", func(b *testing.B) {
			s := p.cost.newScratch()
			p.cost.eval(&cases[0].st, cases[0].pr, s)
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				c := &cases[k%len(cases)]
				k++
				p.cost.eval(&c.st, c.pr, s)
			}
		})
	}
}

// checkCostIncremental drives one incremental scratch (sums only) and one
// whose keep flag toggles at random with the n genomes of a seeded walk of
// p's space, on the states of an evaluator (sometimes a copy of the state,
// sometimes no performance result), and compares every output with a
// fresh scratch's full evaluation: totals and per-slot sums bit for bit,
// usage-dependent counts, spans, and the kept lines.
func checkCostIncremental(t *testing.T, name string, p *Plan, n int, seed uint64) {
	t.Helper()
	sp := p.Space()
	r := rand.New(rand.NewPCG(seed, 99))
	seq := costWalk(sp, n, r)
	e := p.NewEvaluator()
	inc, incKeep := p.cost.newScratch(), p.cost.newScratch()
	var m Metrics
	for k, g := range seq {
		e.Evaluate(g, &m)
		st, pr := e.st, e.perfR
		// The evaluator's own scratch, as the search uses it.
		ref := p.cost.newScratch()
		p.cost.eval(st, pr, ref)
		if math.Float64bits(m.Objectives.CostUSDMonth) != math.Float64bits(ref.total) {
			t.Fatalf("%s: step %d genome %v: Evaluate's cost %v, full evaluation %v", name, k, g, m.Objectives.CostUSDMonth, ref.total)
		}
		switch r.IntN(10) {
		case 0: // a State built by someone else
			c := snapshot(e)
			st, pr = &c.st, c.pr
		case 1: // no performance result
			pr = nil
		case 2, 3: // a State no genome gives: fields changed by hand
			c := snapshot(e)
			mutateState(&c.st, r)
			if c.pr != nil && len(c.pr.Functions) > 0 {
				// The performance figures the bill reads, changed alone.
				fr := &c.pr.Functions[r.IntN(len(c.pr.Functions))]
				switch r.IntN(3) {
				case 0:
					fr.InvokedShare = []float64{0, 0.25, 1}[r.IntN(3)]
				case 1:
					fr.MeanDurationMS, fr.InitMS = float64(r.IntN(3000)), float64(r.IntN(900))
				case 2:
					fr.ColdStartRate, fr.ProvisionedShare = r.Float64(), r.Float64()
				}
			}
			st, pr = &c.st, c.pr
		}
		for _, sc := range []*costScratch{inc, incKeep} {
			keep := sc == incKeep && r.IntN(3) == 0
			sc.keep = keep
			fresh := p.cost.newScratch()
			fresh.keep = keep
			p.cost.eval(st, pr, fresh)
			p.cost.eval(st, pr, sc)
			if math.Float64bits(sc.total) != math.Float64bits(fresh.total) || sc.unknown != fresh.unknown {
				t.Fatalf("%s: step %d (keep %v) genome %v: total %v (%d usage lines), full evaluation %v (%d)",
					name, k, keep, g, sc.total, sc.unknown, fresh.total, fresh.unknown)
			}
			for i := range fresh.usd {
				if math.Float64bits(sc.usd[i]) != math.Float64bits(fresh.usd[i]) || sc.unk[i] != fresh.unk[i] {
					t.Fatalf("%s: step %d: %s costs %v, full evaluation %v", name, k, p.cost.slots[i].id, sc.usd[i], fresh.usd[i])
				}
			}
			if !slices.Equal(sc.spans, fresh.spans) || !reflect.DeepEqual(sc.lines, fresh.lines) {
				t.Fatalf("%s: step %d (keep %v): lines differ from a full evaluation", name, k, keep)
			}
			if keep && !reflect.DeepEqual(p.cost.report(st, sc), p.cost.report(st, fresh)) {
				t.Fatalf("%s: step %d: report differs from a full evaluation", name, k)
			}
		}
	}
}

// TestCostIncremental: the incremental cost model equals a full evaluation
// on every built-in scenario, every gene free, with the free tier on and
// off, over walks of one- and two-gene moves, jumps, repeats and returns.
func TestCostIncremental(t *testing.T) {
	for _, name := range scenarios.Names() {
		for _, free := range []bool{false, true} {
			p := scenarioPlan(t, name, func(sc *scenarios.Scenario) {
				sc.Pin = nil
				sc.Pricing.FreeTier = free
			})
			n := 600
			if name == "seed-demo" {
				n = 3000
			}
			checkCostIncremental(t, name+map[bool]string{false: "", true: " (free tier)"}[free], p, n, uint64(len(name)))
		}
	}
}

// TestCostIncrementalCorpus: the same over the valid corpus templates with
// a synthetic workload on every function, table, bucket and queue, with
// the free tier off and on.
func TestCostIncrementalCorpus(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	f, err := os.Open(filepath.Join(corpus, "INDEX.tsv"))
	if err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	lines.Scan() // header
	n := 0
	for lines.Scan() {
		cols := strings.Split(lines.Text(), "\t")
		if len(cols) < 8 || cols[7] != "valid" {
			continue
		}
		tpl, err := cfn.ReadFile(filepath.Join(corpus, cols[0]))
		if err != nil {
			continue
		}
		base, err := infra.Baseline(tpl)
		if err != nil || len(base.Functions) == 0 {
			continue
		}
		compiled := false
		for _, free := range []bool{false, true} {
			sc := synthScenario(base, free)
			sp, err := genome.Derive(tpl, sc)
			if err != nil || len(sp.Genes) == 0 {
				continue
			}
			p, err := Compile(sp, sc)
			if err != nil {
				continue
			}
			compiled = true
			checkCostIncremental(t, cols[0]+map[bool]string{false: "", true: " (free tier)"}[free], p, 150, uint64(n))
		}
		if compiled {
			n++
		}
	}
	t.Logf("%d corpus templates", n)
	if n < 10 {
		t.Errorf("only %d corpus templates compiled", n)
	}
}

// synthScenario is a workload on every resource of base: functions with
// invocations, logs and calls to every table, bucket and queue, and sizes
// for the tables, buckets and queues.
func synthScenario(base *infra.State, free bool) *scenarios.Scenario {
	s := scenarios.Empty("synthetic")
	s.Pricing.FreeTier = free
	w := &s.Workload
	w.Functions = map[string]*scenarios.FunctionLoad{}
	w.Tables = map[string]*scenarios.TableLoad{}
	w.Buckets = map[string]*scenarios.BucketLoad{}
	w.Queues = map[string]*scenarios.QueueLoad{}
	for i, fn := range base.Functions {
		fl := &scenarios.FunctionLoad{InvocationsPerMonth: 3e6 * float64(i+1), DurationMS: 150, PeakRPS: 20, PeakHoursPerDay: 2,
			LogGBPerMonth: 2, Calls: map[string]*scenarios.Calls{}}
		for _, tb := range base.Tables {
			fl.Calls[tb.ID] = &scenarios.Calls{Reads: 1, Writes: 0.5}
		}
		for _, b := range base.Buckets {
			fl.Calls[b.ID] = &scenarios.Calls{Gets: 1, Puts: 0.2}
		}
		for _, q := range base.Queues {
			fl.Calls[q.ID] = &scenarios.Calls{Sends: 1}
		}
		w.Functions[fn.ID] = fl
	}
	for _, tb := range base.Tables {
		w.Tables[tb.ID] = &scenarios.TableLoad{StorageGB: 30, ItemKB: 3}
	}
	for _, b := range base.Buckets {
		w.Buckets[b.ID] = &scenarios.BucketLoad{StorageGB: 200, ObjectKB: 500, OverwriteRate: 0.1, AccessLogGBPerMonth: 1}
	}
	for _, q := range base.Queues {
		w.Queues[q.ID] = &scenarios.QueueLoad{MessagesPerMonth: 1e6, MessageKB: 100}
	}
	return s
}

// TestCostSameFields: every field of the structs whose same methods decide
// whether eval recomputes is compared (a field changed alone is seen), and
// the infra fields sameTable and sameBucket leave out change no usage.
func TestCostSameFields(t *testing.T) {
	perturbed := func(v reflect.Value, i int) reflect.Value {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		f := c.Field(i)
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem() // unexported too
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Float64:
			f.SetFloat(f.Float() + 1)
		case reflect.Int, reflect.Uint8:
			if f.CanInt() {
				f.SetInt(f.Int() + 1)
			} else {
				f.SetUint(f.Uint() + 1)
			}
		case reflect.Array:
			e := f.Index(1)
			e.SetFloat(e.Float() + 1)
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		default:
			t.Fatalf("%s.%s: kind %s not handled", v.Type(), v.Type().Field(i).Name, f.Kind())
		}
		return c
	}
	for _, tc := range []struct {
		zero any
		same func(a, b any) bool
	}{
		{lambdaInput{}, func(a, b any) bool { x, y := a.(lambdaInput), b.(lambdaInput); return x.same(&y) }},
		{tableInput{}, func(a, b any) bool { x, y := a.(tableInput), b.(tableInput); return x.same(&y) }},
		{bucketInput{}, func(a, b any) bool { x, y := a.(bucketInput), b.(bucketInput); return x.same(&y) }},
		{queueInput{}, func(a, b any) bool { x, y := a.(queueInput), b.(queueInput); return x.same(&y) }},
		{apiUsage{}, func(a, b any) bool { x, y := a.(apiUsage), b.(apiUsage); return x.same(&y) }},
		{tablePool{}, func(a, b any) bool { x, y := a.(tablePool), b.(tablePool); return x.same(&y) }},
		{bucketPool{}, func(a, b any) bool { x, y := a.(bucketPool), b.(bucketPool); return x.same(&y) }},
	} {
		v := reflect.ValueOf(tc.zero)
		if !tc.same(tc.zero, tc.zero) {
			t.Errorf("%s: not the same as itself", v.Type())
		}
		for i := 0; i < v.NumField(); i++ {
			if tc.same(tc.zero, perturbed(v, i).Interface()) {
				t.Errorf("%s.%s is not compared", v.Type(), v.Type().Field(i).Name)
			}
		}
		neg := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			if f := neg.Field(i); f.Kind() == reflect.Float64 {
				f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem()
				f.SetFloat(math.Copysign(0, -1))
				if tc.same(tc.zero, neg.Interface()) {
					t.Errorf("%s.%s: -0 taken for 0", v.Type(), v.Type().Field(i).Name)
				}
				f.SetFloat(0)
			}
		}
	}
	// eval compares the lambda and API pools field by field, by name.
	for _, tc := range []struct {
		v any
		n int
	}{{lambdaPool{}, 6}, {apiPool{}, 4}} {
		if got := reflect.TypeOf(tc.v).NumField(); got != tc.n {
			t.Errorf("%T has %d fields, eval compares %d: compare the new one", tc.v, got, tc.n)
		}
	}
	// The infra fields left out of sameTable and sameBucket: perturbing one
	// changes no usage and no line.
	p := mustPrices(t)
	tin := tableInput{Reads: 3e6, Writes: 1e6, CallsKnown: true, ItemKB: 2, StorageGB: 5, StorageKnown: true,
		ReadRPS: [2]float64{1, 9}, WriteRPS: [2]float64{0.5, 3}, peakWeight: 1, weight: 4}
	tables := []infra.Table{{}, {Provisioned: true, RCU: 5, WCU: 5, AutoScaleTarget: 70, PITR: true, Replicas: 1, Stream: true, SSE: infra.SSECustomerKMS}}
	for _, tb := range tables {
		v := reflect.ValueOf(tb)
		for i := 0; i < v.NumField(); i++ {
			o := perturbed(v, i).Interface().(infra.Table)
			if sameTable(&tb, &o) && tableUsageOf(&tb, &tin) != tableUsageOf(&o, &tin) {
				t.Errorf("infra.Table.%s changes the usage but sameTable does not compare it", v.Type().Field(i).Name)
			}
		}
	}
	bin := bucketInput{Gets: 1e6, Puts: 1e5, CallsKnown: true, StorageGB: 50, StorageKnown: true, ObjectKB: 100,
		OverwriteRate: 0.2, OverwriteKnown: true, AccessLogGB: 1, AccessLogKnown: true}
	buckets := []infra.Bucket{{}, {SSE: infra.BucketSSEKMS, Versioning: true, Logging: true, Replication: true, CrossRegion: true}}
	for _, bk := range buckets {
		v := reflect.ValueOf(bk)
		for i := 0; i < v.NumField(); i++ {
			o := perturbed(v, i).Interface().(infra.Bucket)
			u, uo := bucketUsageOf(&bk, &bin, p), bucketUsageOf(&o, &bin, p)
			pool := newBucketPool([]bucketUsage{u}, p, true)
			if sameBucket(&bk, &o) && !reflect.DeepEqual(bucketLines(&u, &pool, p, nil), bucketLines(&uo, &pool, p, nil)) {
				t.Errorf("infra.Bucket.%s changes the lines but sameBucket does not compare it", v.Type().Field(i).Name)
			}
		}
	}
}

// mutateState changes a few fields of st the cost model reads, at random:
// alarms added (past the free tier's 10), provisioned concurrency, table
// capacity, bucket options, queue type, template alarms and API type.
func mutateState(st *infra.State, r *rand.Rand) {
	for range 1 + r.IntN(3) {
		switch r.IntN(7) {
		case 0:
			if len(st.Functions) > 0 {
				st.Functions[r.IntN(len(st.Functions))].AlarmLevel = uint8(r.IntN(8))
			}
		case 1:
			if len(st.Functions) > 0 {
				st.Functions[r.IntN(len(st.Functions))].Provisioned = r.IntN(3)
			}
		case 2:
			if len(st.Tables) > 0 {
				tb := &st.Tables[r.IntN(len(st.Tables))]
				tb.Provisioned, tb.RCU, tb.WCU = r.IntN(2) == 0, float64(r.IntN(40)), float64(r.IntN(40))
				tb.AutoScaleTarget = float64(r.IntN(2) * 70)
			}
		case 3:
			if len(st.Buckets) > 0 {
				b := &st.Buckets[r.IntN(len(st.Buckets))]
				b.SSE, b.Versioning, b.Replication = infra.BucketSSE(r.IntN(4)), r.IntN(2) == 0, r.IntN(2) == 0
			}
		case 4:
			if len(st.Queues) > 0 {
				q := &st.Queues[r.IntN(len(st.Queues))]
				q.FIFO = !q.FIFO
			}
		case 5:
			if len(st.Alarms) > 0 {
				a := &st.Alarms[r.IntN(len(st.Alarms))]
				a.HighResolution, a.Metrics = r.IntN(2) == 0, r.IntN(4)
			}
		case 6:
			if len(st.APIs) > 0 {
				a := &st.APIs[r.IntN(len(st.APIs))]
				a.REST, a.WebSocket, a.CacheGB = r.IntN(2) == 0, r.IntN(5) == 0, []float64{0, 0.5, 6.1}[r.IntN(3)]
			}
		}
	}
}

// twoAPIs is a template with two HTTP APIs and a REST API, each fronting
// its functions, so that one API's type change moves the others' shared
// request tier and free share.
const twoAPIs = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ApiA:
    Type: AWS::Serverless::HttpApi
  ApiB:
    Type: AWS::Serverless::HttpApi
  ApiC:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  FnA:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Get:
          Type: HttpApi
          Properties:
            ApiId: !Ref ApiA
            Path: /a
            Method: get
  FnB:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Architectures: [arm64]
      Events:
        Get:
          Type: HttpApi
          Properties:
            ApiId: !Ref ApiB
            Path: /b
            Method: get
  FnC:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref ApiC
            Path: /c
            Method: get
`

// TestCostIncrementalSharedTiers: the API slots follow their type's pool
// when another API changes type (free tier off and on).
func TestCostIncrementalSharedTiers(t *testing.T) {
	tpl, err := cfn.Parse("two-apis.yaml", []byte(twoAPIs))
	if err != nil {
		t.Fatal(err)
	}
	base, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.APIs) != 3 {
		t.Fatalf("%d APIs, want 3", len(base.APIs))
	}
	for _, free := range []bool{false, true} {
		sc := synthScenario(base, free)
		sp, err := genome.Derive(tpl, sc)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Compile(sp, sc)
		if err != nil {
			t.Fatal(err)
		}
		checkCostIncremental(t, "two-apis", p, 2000, 5)
	}
}

// TestLambdaPoolLogsOnce: the pool evalChanged builds, its log part taken
// from compileCost (costModel.logShare, logPrice), is newLambdaPool's of
// the same usages bit for bit, on every built-in scenario and on each one's
// template with a workload logging on every function, free tier off and on.
func TestLambdaPoolLogsOnce(t *testing.T) {
	for _, name := range scenarios.Names() {
		for _, free := range []bool{false, true} {
			for _, synth := range []bool{false, true} {
				p := scenarioPlan(t, name, func(sc *scenarios.Scenario) { sc.Pin = nil; sc.Pricing.FreeTier = free })
				if synth {
					sc := synthScenario(p.base, free)
					sc.Workload.Functions[p.base.Functions[0].ID].LogGBPerMonth = 7.5
					q, err := Compile(p.sp, sc)
					if err != nil {
						t.Fatal(err)
					}
					p = q
				}
				e := p.NewEvaluator()
				var m Metrics
				e.Evaluate(p.sp.Current(), &m)
				want := newLambdaPool(e.cost.fu, p.prices, p.cost.freeTier, 0)
				got := e.cost.lp
				if !sameBits(got.freeReq, want.freeReq) || !sameBits(got.freeGBs, want.freeGBs) || !sameBits(got.priceX86, want.priceX86) ||
					!sameBits(got.priceARM, want.priceARM) || !sameBits(got.logShare, want.logShare) || !sameBits(got.logPrice, want.logPrice) {
					t.Errorf("%s free=%v synth=%v: pool %+v, newLambdaPool %+v", name, free, synth, got, want)
				}
			}
		}
	}
}
