package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sharedDir is <repo root>/../shared, the repo root found by walking up to go.mod.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

func seedInputs(t testing.TB) (*cfn.Template, *scenarios.Scenario) {
	t.Helper()
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	return tpl, sc
}

func TestSeedFindingsGolden(t *testing.T) {
	tpl, sc := seedInputs(t)
	st, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(tpl, st, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := e.Findings(st)
	// The template's own reading and the infra baseline agree on the seed.
	e2, err := Compile(tpl, nil, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	own := e2.Findings(nil)
	for i := range got {
		if got[i].Status != own[i].Status {
			t.Errorf("%s %s: baseline says %s, template reading %s", got[i].Resource, got[i].Rule, got[i].Status, own[i].Status)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "seed-findings.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("seed findings differ from %s; run go test -update and review the diff\n%s", golden, buf.String())
	}
	// The talk's demo: nodejs8.10 is deprecated, the unencrypted bucket fails SSE.
	if f := findingOf(t, got, "lambda-function-settings-check", "myFirstFunction"); f == nil || f.Status != N {
		t.Errorf("myFirstFunction nodejs8.10: %+v", f)
	}
	if f := findingOf(t, got, "s3-bucket-server-side-encryption-enabled", "unencryptedBucket"); f == nil || f.Status != N || f.Line != 15 {
		t.Errorf("unencryptedBucket: %+v", f)
	}
}

func TestSuppressions(t *testing.T) {
	cases := []struct {
		name, meta, by, reason string
	}{
		{"evoarch", "evoarch:\n      suppress:\n        - {rule: s3-bucket-logging-enabled, reason: this is the log bucket}", "evoarch", "this is the log bucket"},
		{"checkov", "checkov:\n      skip:\n        - {id: CKV_AWS_18, comment: log bucket}", "checkov:CKV_AWS_18", "log bucket"},
		{"cfn_nag", "cfn_nag:\n      rules_to_suppress:\n        - {id: W35, reason: log bucket}", "cfn_nag:W35", "log bucket"},
		{"guard", "guard:\n      SuppressedRules: [S3_BUCKET_LOGGING_ENABLED]", "guard:S3_BUCKET_LOGGING_ENABLED", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl := parseFragment(t, false, "B:\n  Type: AWS::S3::Bucket\n  Metadata:\n    "+c.meta+"\n")
			e, err := Compile(tpl, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			f := findingOf(t, e.Findings(nil), "s3-bucket-logging-enabled", "B")
			if f == nil || f.Suppressed == nil {
				t.Fatalf("not suppressed: %+v", f)
			}
			if f.Status != N || f.Suppressed.By != c.by || f.Suppressed.Reason != c.reason {
				t.Errorf("got %s %+v, want NON_COMPLIANT by %s (%q)", f.Status, *f.Suppressed, c.by, c.reason)
			}
			// Only the suppressed rule is affected, and it does not count.
			if v := findingOf(t, e.Findings(nil), "s3-bucket-versioning-enabled", "B"); v.Suppressed != nil {
				t.Errorf("versioning suppressed too: %+v", v)
			}
			r := e.NewResult()
			e.Eval(nil, r)
			plain, _ := Compile(parseFragment(t, false, "B:\n  Type: AWS::S3::Bucket\n"), nil, nil, nil)
			r0 := plain.NewResult()
			plain.Eval(nil, r0)
			if r.Failed != r0.Failed-1 || r.Score != r0.Score {
				t.Errorf("suppression not excluded: %+v vs %+v", *r, *r0)
			}
		})
	}
	t.Run("cfn-lint", func(t *testing.T) {
		tpl := parseFragment(t, false, strings.Replace(fn, "python3.13", "python2.7", 1)+"  Metadata:\n    cfn-lint:\n      config:\n        ignore_checks: [E2531]\n")
		e, err := Compile(tpl, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		f := findingOf(t, e.Findings(nil), "lambda-function-settings-check", "F")
		if f == nil || f.Suppressed == nil || f.Suppressed.By != "cfn-lint:E2531" || f.Status != N {
			t.Errorf("got %+v", f)
		}
	})
	t.Run("unknown evoarch rule", func(t *testing.T) {
		tpl := parseFragment(t, false, "B:\n  Type: AWS::S3::Bucket\n  Metadata:\n    evoarch:\n      suppress:\n        - {rule: s3-bucket-loging-enabled}\n")
		_, err := Compile(tpl, nil, nil, nil)
		var ce *cfn.Error
		if !errors.As(err, &ce) || ce.Pos.Line != 8 || !strings.Contains(err.Error(), "s3-bucket-logging-enabled") {
			t.Errorf("got %v", err)
		}
	})
}

// TestS3EncryptionScoring: the talk's order, aws:kms above AES256 above none.
func TestS3EncryptionScoring(t *testing.T) {
	score := func(alg string) float64 {
		y := "B:\n  Type: AWS::S3::Bucket\n"
		if alg != "" {
			y += "  Properties:\n    BucketEncryption:\n      ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: '" + alg + "'}}]\n"
		}
		e, err := Compile(parseFragment(t, false, y), nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := e.NewResult()
		e.Eval(nil, r)
		return r.Score
	}
	none, aes, kms := score(""), score("AES256"), score("aws:kms")
	if !(kms > aes && aes > none) {
		t.Errorf("scores none %g, AES256 %g, aws:kms %g: want kms > AES256 > none", none, aes, kms)
	}
}

func TestEvalMatchesFindings(t *testing.T) {
	tpl, sc := seedInputs(t)
	sc.Constraints.RequiredRules = []string{"s3-bucket-server-side-encryption-enabled", "lambda-function-public-access-prohibited"}
	e, err := Compile(tpl, nil, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := e.NewResult()
	e.Eval(nil, r)
	pass, fail := 0, 0
	for _, f := range e.Findings(nil) {
		switch f.Status {
		case C:
			pass++
		case N:
			fail++
		}
	}
	if r.Passed != pass || r.Failed != fail {
		t.Errorf("Eval %d/%d, Findings %d/%d", r.Passed, r.Failed, pass, fail)
	}
	if r.RequiredOK || r.RequiredBroken != 1 {
		t.Errorf("required: %+v, want 1 broken (unencryptedBucket)", *r)
	}
	if r.Score <= 0 || r.Score >= 1 {
		t.Errorf("score %g", r.Score)
	}
}

// TestVariant: Eval reads the genes from the variant's State.
func TestVariant(t *testing.T) {
	tpl, sc := seedInputs(t)
	base, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(tpl, base, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	r0 := e.NewResult()
	e.Eval(base, r0)
	v := &infra.State{}
	v.CopyFrom(base)
	i := v.BucketIndex("unencryptedBucket")
	v.Buckets[i].SSE = infra.BucketSSEKMS
	v.Buckets[i].Versioning = true
	for j := range v.Functions {
		v.Functions[j].Runtime = "nodejs22.x"
	}
	r1 := e.NewResult()
	e.Eval(v, r1)
	if r1.Failed != r0.Failed-3-3 || r1.Score <= r0.Score {
		t.Errorf("variant %+v, baseline %+v: want 6 fewer failures (SSE, KMS, versioning, three runtimes)", *r1, *r0)
	}
	if f := findingOf(t, e.Findings(v), "s3-default-encryption-kms", "unencryptedBucket"); f.Status != C {
		t.Errorf("variant finding %+v", f)
	}
}

func TestParamsAndErrors(t *testing.T) {
	tpl := parseFragment(t, false, fn)
	e, err := Compile(tpl, nil, scenarioWith("", map[string]map[string]string{
		"lambda-function-settings-check": {"runtime": "python3.12, nodejs22.x", "memorySize": "128"},
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := findingOf(t, e.Findings(nil), "lambda-function-settings-check", "F")
	if f.Status != N || !strings.Contains(f.Message, "not in the allowed list") {
		t.Errorf("runtime parameter: %+v", f)
	}
	for _, c := range []struct {
		sc   *scenarios.Scenario
		only []string
		want string
	}{
		{nil, []string{"s3-bucket-loging-enabled"}, `did you mean "s3-bucket-logging-enabled"`},
		{scenarioWith("deploy", nil), nil, "valid values are {template|deployed}"},
		{scenarioWith("", map[string]map[string]string{"lambda-dlq-check": {"dlqArns": "x"}}), nil, "valid parameters are none"},
		{scenarioWith("", map[string]map[string]string{"lambda-concurrency-check": {"ConcurrencyLimitLow": "x"}}), nil, "want a non-negative number"},
		{scenarioWith("", map[string]map[string]string{"lamda-dlq-check": {}}), nil, `did you mean "lambda-dlq-check"`},
	} {
		_, err := Compile(tpl, nil, c.sc, c.only)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "compliance: ") {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}

// TestScenarioErrorPositions: a bad rule id or parameter in a scenario file
// is reported at its file:line:col with its key path.
func TestScenarioErrorPositions(t *testing.T) {
	tpl := parseFragment(t, false, fn)
	for _, c := range []struct{ src, want string }{
		{"name: x\ncompliance:\n  parameters:\n    lambda-function-setings-check: {runtime: python3.12}\n",
			`compliance: s.yaml:4:5: compliance.parameters.lambda-function-setings-check: unknown rule "lambda-function-setings-check" (did you mean "lambda-function-settings-check"?)`},
		{"name: x\nconstraints:\n  required_rules: [s3-bucket-sl-requests-only]\n",
			`compliance: s.yaml:3:20: constraints.required_rules[0]: unknown rule "s3-bucket-sl-requests-only" (did you mean "s3-bucket-ssl-requests-only"?)`},
		{"name: x\ncompliance:\n  parameters:\n    lambda-function-settings-check: {timeout: abc}\n",
			`compliance: s.yaml:4:47: compliance.parameters.lambda-function-settings-check.timeout: invalid value "abc": want a non-negative number`},
	} {
		sc, err := scenarios.Parse("s.yaml", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Compile(tpl, nil, sc, nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("got  %v\nwant %s", err, c.want)
		}
	}
}

// TestCorpus: every valid corpus template checks without error; error
// templates that parse check without panicking.
func TestCorpus(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus")
	data, err := os.ReadFile(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n")[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) < 8 {
			continue
		}
		tpl, err := cfn.ReadFile(filepath.Join(root, cols[0]))
		if err != nil {
			if cols[7] == "valid" {
				t.Errorf("%s: %v", cols[0], err)
			}
			continue
		}
		for _, sem := range []string{SemanticsTemplate, SemanticsDeployed} {
			e, err := Compile(tpl, nil, scenarioWith(sem, nil), nil)
			if err != nil {
				if cols[7] == "valid" {
					t.Errorf("%s: %v", cols[0], err)
				}
				continue
			}
			for _, f := range e.Findings(nil) {
				if f.Message == "" || f.Line <= 0 {
					t.Errorf("%s: finding without message or location: %+v", cols[0], f)
				}
			}
			r := e.NewResult()
			e.Eval(nil, r)
			if r.Score < 0 || r.Score > 1 {
				t.Errorf("%s: score %g", cols[0], r.Score)
			}
		}
		if cols[7] == "valid" {
			n++
		}
	}
	if n < 500 {
		t.Errorf("only %d valid corpus templates checked", n)
	}
}

func TestEvalAllocs(t *testing.T) {
	tpl, sc := seedInputs(t)
	base, err := infra.Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(tpl, base, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := e.NewResult()
	if a := testing.AllocsPerRun(100, func() { e.Eval(base, r) }); a != 0 {
		t.Errorf("Eval allocates %g times per run, want 0", a)
	}
}

func BenchmarkEval(b *testing.B) {
	tpl, sc := seedInputs(b)
	base, err := infra.Baseline(tpl)
	if err != nil {
		b.Fatal(err)
	}
	e, err := Compile(tpl, base, sc, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := e.NewResult()
	b.ReportAllocs()
	for b.Loop() {
		e.Eval(base, r)
	}
}

func FuzzCompile(f *testing.F) {
	f.Add([]byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"))
	f.Add([]byte("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {Events: {E: {Type: Api}}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, err := cfn.Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		e, err := Compile(tpl, nil, nil, nil)
		if err != nil {
			return
		}
		e.Findings(nil)
		e.Eval(nil, e.NewResult())
	})
}
