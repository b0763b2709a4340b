package genome

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// randomGenome draws a genome from the space, changing each gene with
// probability p.
func randomGenome(sp *Space, rng *rand.Rand, p float64) Genome {
	g := sp.Current()
	for i := range g {
		if rng.Float64() < p {
			g[i] = rng.IntN(len(sp.Genes[i].Values))
		}
	}
	return g
}

// checkRoundTrip parses the written bytes, derives their space and checks
// that every active gene of g reads back as its value.
func checkRoundTrip(t *testing.T, name string, sp *Space, g Genome, out []byte) *cfn.Template {
	t.Helper()
	tp, err := cfn.Parse(name, out)
	if err != nil {
		t.Errorf("%s: the written template does not parse: %v\n%s", name, err, out)
		return nil
	}
	sp2, err := Derive(tp, nil)
	if err != nil {
		t.Errorf("%s: derive on the written template: %v", name, err)
		return nil
	}
	for i := range sp.Genes {
		if !sp.Active(g, i) {
			continue
		}
		j, ok := sp2.Gene(sp.Genes[i].Name)
		if !ok {
			t.Errorf("%s: gene %s is gone after apply (skipped: %v)", name, sp.Genes[i].Name, sp2.Skipped)
			continue
		}
		if got, want := sp2.Genes[j].CurrentValue(), sp.Value(g, i); got != want {
			t.Errorf("%s: gene %s reads back %v, applied %v", name, sp.Genes[i].Name, got, want)
		}
	}
	enc, err := sp.Encode(tp)
	if err != nil {
		t.Errorf("%s: encode the written template: %v", name, err)
		return tp
	}
	for i := range sp.Genes {
		if sp.Active(g, i) && enc[i] != g[i] {
			t.Errorf("%s: gene %s encodes as %v, applied %v", name, sp.Genes[i].Name, sp.Value(enc, i), sp.Value(g, i))
		}
	}
	return tp
}

func TestEncode(t *testing.T) {
	fn := samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
	sp := derive(t, fn)
	for _, tc := range []struct {
		name, src string
		set       map[string]any // the genes the other version changes
		err       string         // substring of the error; "" for none
	}{
		{"the same template", fn, nil, ""},
		{"memory and timeout written by hand", fn + "      MemorySize: 1769\n      Timeout: 60\n", map[string]any{"Fn.MemorySize": 1769, "Fn.Timeout": 60}, ""},
		{"a value off the ladder", fn + "      MemorySize: 333\n", nil, "Fn.MemorySize: value 333 is not one of {128|256|"},
		{"the value became an intrinsic", fn + "      Timeout: !Ref T\n", nil, "Fn.Timeout: the value is an intrinsic function"},
		{"the resource is gone", samHead + "  Other:\n    Type: AWS::Serverless::Function\n", nil, "gene Fn.MemorySize: it has no such gene"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := sp.Encode(parse(t, tc.src))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := sp.ParseAssignments(tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if Distance(g, want) != 0 {
				t.Errorf("encoded %v, want %v", sp.Changes(sp.Current(), g), sp.Changes(sp.Current(), want))
			}
		})
	}
}

// TestApplyCorpus applies the current genome and random genomes to every
// valid corpus template with genes: the current genome gives the input bytes;
// a random one parses, decodes back to itself and adds no schema problem.
func TestApplyCorpus(t *testing.T) {
	v := loadValidator(t)
	rng := rand.New(rand.NewPCG(2, 7))
	draws := 4
	if testing.Short() {
		draws = 1
	}
	templates := 0
	for _, c := range corpus(t) {
		if !c.Valid {
			continue
		}
		tp, err := cfn.ReadFile(c.Path)
		if err != nil {
			t.Errorf("%s: %v", c.Path, err)
			continue
		}
		sp, err := Derive(tp, nil)
		if err != nil {
			t.Errorf("%s: %v", c.Path, err)
			continue
		}
		if len(sp.Genes) == 0 {
			continue
		}
		templates++
		out, err := sp.Apply(sp.Current())
		if err != nil || !bytes.Equal(out, tp.Src) {
			t.Errorf("%s: applying the current genome changed the template (err %v)", c.Path, err)
		}
		before := v.problems(tp)
		for k := 0; k < draws; k++ {
			p := []float64{0.1, 0.5, 1}[k%3]
			g := randomGenome(sp, rng, p)
			out, err := sp.Apply(g)
			if err != nil {
				t.Errorf("%s: apply %v: %v", c.Path, sp.Changes(sp.Current(), g), err)
				continue
			}
			tp2 := checkRoundTrip(t, c.Path, sp, g, out)
			if tp2 == nil {
				continue
			}
			if np := newProblems(before, v.problems(tp2)); len(np) > 0 {
				t.Errorf("%s: apply %v adds schema problems:\n%v", c.Path, sp.Changes(sp.Current(), g), np)
			}
		}
	}
	if templates < 100 {
		t.Errorf("only %d corpus templates have genes", templates)
	}
}

// TestApplyEveryValue sets each gene of the seed demo to each of its values
// alone, then all genes to their last value together.
func TestApplyEveryValue(t *testing.T) {
	v := loadValidator(t)
	tp := readSeed(t)
	sp, err := Derive(tp, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := v.problems(tp)
	for i := range sp.Genes {
		for j := range sp.Genes[i].Values {
			g := sp.Current()
			g[i] = j
			out, err := sp.Apply(g)
			if err != nil {
				t.Fatalf("%s=%v: %v", sp.Genes[i].Name, sp.Genes[i].Values[j], err)
			}
			if tp2 := checkRoundTrip(t, sp.Genes[i].Name, sp, g, out); tp2 != nil {
				if np := newProblems(before, v.problems(tp2)); len(np) > 0 {
					t.Errorf("%s=%v adds schema problems: %v", sp.Genes[i].Name, sp.Genes[i].Values[j], np)
				}
			}
		}
	}
}

func readSeed(t *testing.T) *cfn.Template {
	t.Helper()
	tp, err := cfn.ReadFile(filepath.Join("..", "scenarios", "builtin", "seed-demo", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// TestApplyGolden writes a fixed set of changes to the seed demo and
// compares with testdata/seed-demo.apply.golden.yaml (-update rewrites it).
func TestApplyGolden(t *testing.T) {
	tp := readSeed(t)
	sp, err := Derive(tp, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := sp.ParseAssignments(map[string]any{
		"myFirstFunction.MemorySize":                             "1024",
		"myFirstFunction.Architectures":                          "arm64",
		"myFirstFunction.DeploymentPreference.Alarms":            "errors+latency",
		"mySecondFunction.DeploymentPreference.Hooks.PreTraffic": "false",
		"mySecondFunction.DeadLetterQueue":                       "true",
		"unencryptedBucket.Encryption":                           "aws:kms+bucket-key",
		"unencryptedBucket.Replication":                          "true",
		"unencryptedBucket.TLSOnlyPolicy":                        "true",
		"encryptedTable.BillingMode":                             "PAY_PER_REQUEST",
		"unencryptedTable.AutoScaling":                           "70",
		"unencryptedTable.Encryption":                            "customer-kms",
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := sp.Apply(g)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "seed-demo.apply.golden.yaml")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("apply output differs from %s (go test -update rewrites it):\n%s", golden, out)
	}
	checkRoundTrip(t, "golden", sp, g, out)
}

// FuzzApply parses a template, draws a genome from the fuzz bytes, applies
// it and parses the result: no panic, and a written template always parses.
func FuzzApply(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("..", "scenarios", "builtin", "seed-demo", "template.yaml"))
	if err == nil {
		f.Add(seed, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	}
	f.Add([]byte(samHead+"  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n      MemorySize: 333\n"), []byte{9, 9, 9})
	f.Add([]byte(`{"Resources": {"B": {"Type": "AWS::S3::Bucket"}, "T": {"Type": "AWS::DynamoDB::Table"}}}`), []byte{0, 1})
	f.Add([]byte(samHead+"  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: p\n      CacheClusterEnabled: true\n"+
		"      MethodSettings:\n        - {ResourcePath: /*, HttpMethod: '*', CachingEnabled: true, LoggingLevel: INFO}\n        - {ResourcePath: /x, HttpMethod: GET}\n"), []byte{0, 2})
	f.Fuzz(func(t *testing.T, src, pick []byte) {
		tp, err := cfn.Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		sp, err := Derive(tp, nil)
		if err != nil || len(sp.Genes) == 0 {
			return
		}
		g := sp.Current()
		for k, b := range pick {
			i := k % len(g)
			g[i] = int(b) % len(sp.Genes[i].Values)
		}
		out, err := sp.Apply(g)
		if err != nil {
			return
		}
		if _, err := cfn.Parse("fuzz-out.yaml", out); err != nil {
			t.Fatalf("the written template does not parse: %v\n%s", err, out)
		}
	})
}
