package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

// seedPlan compiles the built-in seed-demo scenario.
func seedPlan(t testing.TB) *Plan {
	t.Helper()
	return scenarioPlan(t, "seed-demo", nil)
}

// scenarioPlan compiles the built-in scenario name, changed first by edit
// when edit is not nil.
func scenarioPlan(t testing.TB, name string, edit func(*scenarios.Scenario)) *Plan {
	t.Helper()
	sc, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(sc)
	}
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := genome.Derive(tpl, sc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(sp, sc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvaluateMatchesReport(t *testing.T) {
	p := seedPlan(t)
	e := p.NewEvaluator()
	g := p.Space().Current()
	var m Metrics
	e.Evaluate(g, &m)
	ev := p.Report(g)
	if ev.Fitness != m.Fitness || *ev.Objectives.CostUSDMonth != m.Objectives.CostUSDMonth {
		t.Errorf("Report fitness %v cost %v, Evaluate %v %v", ev.Fitness, *ev.Objectives.CostUSDMonth, m.Fitness, m.Objectives.CostUSDMonth)
	}
	var sum float64
	for _, r := range ev.Cost.Resources {
		var rs float64
		for _, l := range r.Lines {
			rs += l.USDMonth
			if l.DependsOnUsage && l.USDMonth != 0 {
				t.Errorf("%s %s depends on usage but costs %v", r.ID, l.Item, l.USDMonth)
			}
		}
		if math.Abs(rs-r.USDMonth) > 1e-9 {
			t.Errorf("%s: lines sum to %v, resource says %v", r.ID, rs, r.USDMonth)
		}
		sum += r.USDMonth
	}
	if math.Abs(sum-ev.Cost.TotalUSDMonth) > 1e-9 {
		t.Errorf("resources sum to %v, total %v", sum, ev.Cost.TotalUSDMonth)
	}
	// The score adds up to the fitness.
	var contrib float64
	for _, n := range ObjectiveNames() {
		contrib += ev.Score.Objective(n).Contribution
	}
	if got := contrib - ev.Score.Regularization.Penalty; math.Abs(got-ev.Fitness) > 1e-12 {
		t.Errorf("score sums to %v, fitness %v", got, ev.Fitness)
	}
}

// TestEvaluateDeterministic: the same genome gives the same bytes.
func TestEvaluateDeterministic(t *testing.T) {
	p := seedPlan(t)
	g := p.Space().Current()
	a, err := json.Marshal(p.Report(g))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(seedPlan(t).Report(g))
	if !bytes.Equal(a, b) {
		t.Error("two reports of the same genome differ")
	}
	for _, key := range []string{`"constraints":[`, `"deployments":[`, `"findings":[`, `"functions":[`} {
		if !bytes.Contains(a, []byte(key)) {
			t.Errorf("JSON lacks %s (a list must be [], never null)", key)
		}
	}
	var back struct {
		Objectives  map[string]*float64 `json:"objectives"`
		NotComputed []string            `json:"not_computed"`
	}
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Objectives) != 10 {
		t.Errorf("%d objectives, want the 10 of INTERFACE.md", len(back.Objectives))
	}
	for k, v := range back.Objectives {
		if v == nil && !slices.Contains(back.NotComputed, k) {
			t.Errorf("objective %s is null but not_computed does not say so", k)
		}
	}
}

// TestEvaluateEveryGene: every single-gene change evaluates to finite
// numbers, and a fitness that Report agrees with.
func TestEvaluateEveryGene(t *testing.T) {
	p := seedPlan(t)
	e := p.NewEvaluator()
	sp := p.Space()
	for i := range sp.Genes {
		for v := range sp.Genes[i].Values {
			g := sp.Current()
			g[i] = v
			var m Metrics
			e.Evaluate(g, &m)
			if math.IsNaN(m.Fitness) || math.IsInf(m.Fitness, 0) || math.IsNaN(m.Objectives.CostUSDMonth) {
				t.Errorf("%s=%v: fitness %v cost %v", sp.Genes[i].Name, sp.Genes[i].Values[v], m.Fitness, m.Objectives.CostUSDMonth)
			}
		}
	}
}

func TestEvaluateAllocs(t *testing.T) {
	p := seedPlan(t)
	e := p.NewEvaluator()
	g := p.Space().Current()
	var m Metrics
	if n := testing.AllocsPerRun(100, func() { e.Evaluate(g, &m) }); n != 0 {
		t.Errorf("Evaluate allocates %v times per call, want 0", n)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	p := seedPlan(b)
	e := p.NewEvaluator()
	g := p.Space().Current()
	var m Metrics
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.Evaluate(g, &m)
	}
}

// BenchmarkEvaluateRandom evaluates a cycle of 1,024 seeded random genomes
// of the seed-demo space, so that no model can answer from the previous
// call's result: the figure a search sees.
func BenchmarkEvaluateRandom(b *testing.B) {
	p := seedPlan(b)
	e := p.NewEvaluator()
	sp := p.Space()
	r := rand.New(rand.NewPCG(3, 4))
	gs := make([]genome.Genome, 1024)
	for k := range gs {
		g := sp.Current()
		for i := range g {
			g[i] = r.IntN(len(sp.Genes[i].Values))
		}
		gs[k] = g
	}
	var m Metrics
	// One pass first: the perf model's memo fills (and allocates) once;
	// the timed loop is the steady state over 1,024 distinct variants.
	for _, g := range gs {
		e.Evaluate(g, &m)
	}
	b.ReportAllocs()
	b.ResetTimer()
	k := 0
	for b.Loop() {
		e.Evaluate(gs[k&1023], &m)
		k++
	}
}

// BenchmarkEvaluateCost times the part of Evaluate this package owns: the
// genome applied to the state, the bill and the fitness, without the
// performance model.
func BenchmarkEvaluateCost(b *testing.B) {
	p := seedPlan(b)
	e := p.NewEvaluator()
	g := p.Space().Current()
	var m Metrics
	e.Evaluate(g, &m)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p.binder.Apply(e.st, g)
		p.cost.eval(e.st, e.perfR, e.cost)
		m.Objectives.CostUSDMonth = e.cost.total
		m.Objectives.Complexity = complexity(e.st, p.keys)
		e.fitness(&m)
	}
}

// TestSeedBill checks the seed-demo bill's usage lines against hand
// computation from the scenario (scenarios/builtin/seed-demo) and
// aws-facts.md section 1, for the template as written and single-gene
// variants. Durations come from sim/perf and are checked elsewhere.
func TestSeedBill(t *testing.T) {
	p := seedPlan(t)
	tests := []struct {
		name     string
		set      map[string]any
		resource string
		item     string
		want     float64
	}{
		// 2 M + 1 M invocations through the implicit REST API x $3.50/M (1.2).
		{"rest requests", nil, "ServerlessRestApi", "Requests (REST API)", 10.50},
		// 5 RCU x 730 h x $0.00013 and 5 WCU x 730 h x $0.00065 (1.3).
		{"rcu", nil, "encryptedTable", "Read capacity (provisioned)", 0.4745},
		{"wcu", nil, "encryptedTable", "Write capacity (provisioned)", 2.3725},
		{"table storage", nil, "encryptedTable", "Storage", 1.25},
		{"table storage 2", nil, "unencryptedTable", "Storage", 0.50},
		// 50 GB x $0.023; 2 M GETs x $0.0004/1000; a KMS Decrypt per GET x $0.03/10,000 (1.4, 1.5).
		{"bucket storage", nil, "encryptedBucket", "Storage (Standard)", 1.15},
		{"gets", nil, "encryptedBucket", "GET, SELECT and other requests", 0.80},
		{"kms", nil, "encryptedBucket", "KMS requests (SSE-KMS, no bucket key)", 6.00},
		{"puts", nil, "unencryptedBucket", "PUT, COPY, POST, LIST requests", 5.00},
		{"lambda requests", nil, "myFirstFunction", "Requests", 0.40},
		// A bucket key: 1% of the requests (1.4 [V] "up to 99 percent").
		{"bucket key", map[string]any{"encryptedBucket.Encryption": "aws:kms+bucket-key"}, "encryptedBucket", "KMS requests (SSE-KMS with bucket key)", 0.06},
		// On demand: 2 M x 2 reads of 1 KB eventually consistent = 2 M RRU x $0.125/M; 2 M WRU x $0.625/M.
		{"on-demand reads", map[string]any{"encryptedTable.BillingMode": "PAY_PER_REQUEST"}, "encryptedTable", "Read request units (on-demand)", 0.25},
		{"on-demand writes", map[string]any{"encryptedTable.BillingMode": "PAY_PER_REQUEST"}, "encryptedTable", "Write request units (on-demand)", 1.25},
		// 2 KB items: 1 M writes x 2 WRU; 1 M reads x 0.5 RRU.
		{"2 KB writes", map[string]any{"unencryptedTable.BillingMode": "PAY_PER_REQUEST"}, "unencryptedTable", "Write request units (on-demand)", 1.25},
		{"2 KB reads", map[string]any{"unencryptedTable.BillingMode": "PAY_PER_REQUEST"}, "unencryptedTable", "Read request units (on-demand)", 0.0625},
		// Versioning: 5% of 50 GB overwritten a month kept as noncurrent x $0.023.
		{"versioning", map[string]any{"encryptedBucket.Versioning": true}, "encryptedBucket", "Noncurrent versions (versioning)", 0.0575},
		// Access logs: 0.5 GB a month x $0.023.
		{"logging", map[string]any{"unencryptedBucket.AccessLogging": true}, "unencryptedBucket", "Access log storage", 0.0115},
		// PITR: 5 GB x $0.20.
		{"pitr", map[string]any{"encryptedTable.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled": true}, "encryptedTable", "Point-in-time recovery", 1.00},
		// A customer managed key the genome adds: $1 a month (1.5).
		{"customer key", map[string]any{"encryptedTable.Encryption": "customer-kms"}, "encryptedTable", "KMS customer managed key", 1.00},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := p.Space().ParseAssignments(tc.set)
			if err != nil {
				t.Fatal(err)
			}
			ev := p.Report(g)
			for _, r := range ev.Cost.Resources {
				if r.ID == tc.resource {
					if got := lineUSD(t, r.Lines, tc.item); !cents(got, tc.want) {
						t.Errorf("$%.4f, want $%.4f", got, tc.want)
					}
					return
				}
			}
			t.Fatalf("no resource %s", tc.resource)
		})
	}
}

// TestEvaluatorsConcurrent: evaluators of one Plan run in parallel and agree.
func TestEvaluatorsConcurrent(t *testing.T) {
	p := seedPlan(t)
	sp := p.Space()
	want := make([]Metrics, len(sp.Genes))
	e := p.NewEvaluator()
	g := sp.Current()
	for i := range sp.Genes {
		g[i] = (g[i] + 1) % len(sp.Genes[i].Values)
		e.Evaluate(g, &want[i])
	}
	done := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			e := p.NewEvaluator()
			g := sp.Current()
			var m Metrics
			for i := range sp.Genes {
				g[i] = (g[i] + 1) % len(sp.Genes[i].Values)
				e.Evaluate(g, &m)
				if m != want[i] {
					done <- fmt.Errorf("gene %d: %+v, want %+v", i, m, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestWrittenVariantMatchesGenome: a variant written out as a template of
// its own (apply, evolve --out) and evaluated under the same scenario gets
// the figures the search gave its genome: the workload's durations stay
// referred to the scenario's template (reference_memory_mb and the
// architecture), not to the variant's new memory or architecture.
func TestWrittenVariantMatchesGenome(t *testing.T) {
	tests := []struct {
		name string
		sets []string
		set  map[string]any
	}{
		{"memory", nil, map[string]any{"myFirstFunction.MemorySize": 1769.0, "mySecondFunction.MemorySize": 512.0,
			"encryptedTable.BillingMode": "PAY_PER_REQUEST", "unencryptedTable.BillingMode": "PAY_PER_REQUEST"}},
		{"arm64", []string{"workload.functions.myFirstFunction.arm64_speed=1.25"},
			map[string]any{"myFirstFunction.Architectures": "arm64", "myFirstFunction.MemorySize": 1024.0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sc *scenarios.Scenario
			p := scenarioPlan(t, "seed-demo", func(s *scenarios.Scenario) {
				if err := s.Apply(tc.sets); err != nil {
					t.Fatal(err)
				}
				// As in a scenario file that leaves reference_memory_mb
				// to the template (its documented default).
				for _, fl := range s.Workload.Functions {
					fl.ReferenceMemoryMB = 0
				}
				sc = s
			})
			sp := p.Space()
			g, err := sp.ParseAssignments(tc.set)
			if err != nil {
				t.Fatal(err)
			}
			var want Metrics
			p.NewEvaluator().Evaluate(g, &want)

			src, err := sp.Apply(g)
			if err != nil {
				t.Fatal(err)
			}
			vt, err := cfn.Parse("variant.yaml", src)
			if err != nil {
				t.Fatal(err)
			}
			vsp, err := genome.Derive(vt, sc)
			if err != nil {
				t.Fatal(err)
			}
			vp, err := Compile(vsp, sc)
			if err != nil {
				t.Fatal(err)
			}
			var got Metrics
			vp.NewEvaluator().Evaluate(vsp.Current(), &got)
			a, b := want.Objectives, got.Objectives
			for _, c := range []struct {
				name   string
				w, got float64
			}{
				{"cost", a.CostUSDMonth, b.CostUSDMonth}, {"p50", a.LatencyP50MS, b.LatencyP50MS},
				{"p99", a.LatencyP99MS, b.LatencyP99MS}, {"error rate", a.ErrorRate, b.ErrorRate},
			} {
				if math.Abs(c.w-c.got) > 1e-9*math.Max(1, math.Abs(c.w)) {
					t.Errorf("%s: the written variant gives %v, its genome %v", c.name, c.got, c.w)
				}
			}
			if ev := vp.Report(vsp.Current()); !slices.ContainsFunc(ev.Assumptions, func(s string) bool {
				return strings.Contains(s, "scenario's template")
			}) {
				t.Errorf("assumptions do not say where the durations are referred: %q", ev.Assumptions)
			}
		})
	}
}
