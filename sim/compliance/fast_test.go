package compliance

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// TestFastMatchesRules: Eval's search path (constant checks summed at
// Compile, the others inlined) gives exactly what evaluating every check
// through its rule gives, on random variants of the seed and of every
// corpus template with genes, in both semantics and with the parameters
// that change the inlined rules.
func TestFastMatchesRules(t *testing.T) {
	root, paths := validCorpus(t)
	seed, _ := seedInputs(t)
	tpls := []*cfn.Template{seed}
	for _, p := range paths {
		tpl, err := cfn.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		tpls = append(tpls, tpl)
	}
	params := []map[string]map[string]string{
		nil,
		{
			"s3-bucket-replication-enabled":            {"ReplicationType": "SAME-REGION"},
			"s3-bucket-level-public-access-prohibited": {"excludedPublicBuckets": "encryptedBucket"},
			"lambda-concurrency-check":                 {"ConcurrencyLimitLow": "5", "ConcurrencyLimitHigh": "100"},
			"lambda-function-settings-check":           {"timeout": "3", "memorySize": "128"},
		},
		{
			"s3-bucket-replication-enabled":  {"ReplicationType": "CROSS-REGION"},
			"lambda-function-settings-check": {"runtime": "nodejs22.x,python3.13", "role": "x"},
		},
	}
	required := []string{"s3-bucket-server-side-encryption-enabled", "lambda-function-settings-check", "dynamodb-throughput-limit-check"}
	only := [][]string{nil, {"s3-default-encryption-kms", "lambda-dlq-check"}}
	rng := rand.New(rand.NewPCG(7, 8))
	compared := 0
	for ti, tpl := range tpls {
		sc0 := scenarios.Empty("fast")
		sp, err := genome.Derive(tpl, sc0)
		if err != nil || len(sp.Genes) == 0 {
			continue
		}
		base, err := infra.Baseline(tpl)
		if err != nil {
			t.Fatal(err)
		}
		binder, err := infra.Bind(sp, base)
		if err != nil {
			t.Fatal(err)
		}
		st := binder.NewState()
		for _, sem := range []string{SemanticsTemplate, SemanticsDeployed} {
			for pi, ps := range params {
				sc := scenarioWith(sem, ps)
				if pi > 0 {
					sc.Constraints.RequiredRules = required
				}
				e, err := Compile(tpl, base, sc, only[pi%2])
				if err != nil {
					t.Fatalf("%s: %v", tpl.Path, err)
				}
				fast, slow := e.NewResult(), e.NewResult()
				n := 40
				if ti > 0 {
					n = 4
				}
				for v := 0; v < n; v++ {
					g := sp.Current()
					if v > 0 {
						for i := range g {
							g[i] = rng.IntN(len(sp.Genes[i].Values))
						}
					}
					binder.Apply(st, g)
					e.Eval(st, fast)
					e.evalRules(st, slow)
					// The memo and the incremental cache carry over
					// from variant to variant.
					a, b := scores(fast), scores(slow)
					if a != b {
						t.Fatalf("%s %s params %d variant %v: Eval %+v, rules %+v", tpl.Path, sem, pi, g, a, b)
					}
					compared++
				}
			}
		}
	}
	if compared < 200 {
		t.Errorf("only %d variants compared", compared)
	}
}

// seedVariants returns the seed's engine and n seeded random variants of
// its full genome space.
func seedVariants(b *testing.B, n int) (*Engine, []*infra.State) {
	tpl, sc := seedInputs(b)
	sp, err := genome.Derive(tpl, sc)
	if err != nil {
		b.Fatal(err)
	}
	base, err := infra.Baseline(tpl)
	if err != nil {
		b.Fatal(err)
	}
	binder, err := infra.Bind(sp, base)
	if err != nil {
		b.Fatal(err)
	}
	e, err := Compile(tpl, base, sc, nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	sts := make([]*infra.State, n)
	for k := range sts {
		g := sp.Current()
		for i := range g {
			g[i] = rng.IntN(len(sp.Genes[i].Values))
		}
		sts[k] = binder.NewState()
		binder.Apply(sts[k], g)
	}
	return e, sts
}

// BenchmarkEvalRandom evaluates a cycle of 256 random variants of the
// seed, as a search does (BenchmarkEval repeats the template as written).
func BenchmarkEvalRandom(b *testing.B) {
	e, sts := seedVariants(b, 256)
	r := e.NewResult()
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		e.Eval(sts[k&255], r)
		k++
	}
}
