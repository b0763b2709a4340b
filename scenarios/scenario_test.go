package scenarios

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
)

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each a full problem line, in order
	}{
		{"ok minimal", "name: x\n", nil},
		{"missing name", "description: d\n", []string{"scenarios: f.yaml:1:1: name: a scenario needs a name (name: my-what-if)"}},
		{"empty file", "", []string{"scenarios: f.yaml:1:1: name: a scenario needs a name (name: my-what-if)"}},
		{"unknown key nearest", "name: x\nregoin: us-east-1\n", []string{`scenarios: f.yaml:2:1: regoin: unknown key "regoin"; did you mean "region"?`}},
		{"unknown nested key", "name: x\nworkload:\n  functions:\n    Fn: {peak_rpss: 3}\n", []string{`scenarios: f.yaml:4:10: workload.functions.Fn.peak_rpss: unknown key "peak_rpss"; did you mean "peak_rps"?`}},
		{"negative rate", "name: x\nworkload:\n  functions:\n    Fn:\n      invocations_per_month: -1\n", []string{"scenarios: f.yaml:5:30: workload.functions.Fn.invocations_per_month: must not be negative, got -1"}},
		{"nan", "name: x\nworkload:\n  tables:\n    T: {storage_gb: .nan}\n", []string{"scenarios: f.yaml:4:21: workload.tables.T.storage_gb: must be a finite number, got .nan"}},
		{"inf", "name: x\ntargets: {budget_usd_month: .inf}\n", []string{"scenarios: f.yaml:2:29: targets.budget_usd_month: must be a finite number, got .inf"}},
		{"weight below 0", "name: x\nobjectives: {cost: -0.5}\n", []string{"scenarios: f.yaml:2:20: objectives.cost: a weight must not be negative, got -0.5"}},
		{"all weights 0", "name: x\nobjectives: {cost: 0, latency: 0, compliance: 0, availability: 0, deploy_safety: 0}\n", []string{"scenarios: f.yaml:2:1: objectives: every objective weight is 0: nothing would be optimized"}},
		{"cpu_bound", "name: x\nworkload: {functions: {F: {cpu_bound: 1.2}}}\n", []string{"scenarios: f.yaml:2:39: workload.functions.F.cpu_bound: must be between 0 and 1, got 1.2"}},
		{"threads", "name: x\nworkload: {functions: {F: {threads: 7}}}\n", []string{"scenarios: f.yaml:2:37: workload.functions.F.threads: must be from 1 to 6 (Lambda gives at most 6 vCPUs), got 7"}},
		{"threads 0", "name: x\nworkload: {functions: {F: {threads: 0}}}\n", []string{"scenarios: f.yaml:2:37: workload.functions.F.threads: must be from 1 to 6 (Lambda gives at most 6 vCPUs), got 0"}},
		{"threads fraction", "name: x\nworkload: {functions: {F: {threads: 1.5}}}\n", []string{"scenarios: f.yaml:2:37: workload.functions.F.threads: expected a whole number, got 1.5"}},
		{"semantics", "name: x\ncompliance: {semantics: live}\n", []string{`scenarios: f.yaml:2:25: compliance.semantics: must be template or deployed (decisions.md "compliance semantics"), got "live"`}},
		{"region", "name: x\nregion: eu-west-1\n", []string{`scenarios: f.yaml:2:9: region: only us-east-1 prices exist (decisions.md "prices"), got "eu-west-1"`}},
		{"wrong type map", "name: x\nworkload: [a]\n", []string{"scenarios: f.yaml:2:11: workload: expected a map, got a list"}},
		{"wrong type bool", "name: x\npricing: {free_tier: 1}\n", []string{"scenarios: f.yaml:2:22: pricing.free_tier: expected true or false, got a number (1)"}},
		{"quoted number", "name: x\nregularization: \"0.1\"\n", []string{`scenarios: f.yaml:2:17: regularization: expected a number, got a string ("0.1")`}},
		{"duplicate key", "name: x\nname: y\n", []string{`scenarios: f.yaml:2:1: name: duplicate key "name"`}},
		{"alias", "name: &n x\ndescription: *n\n", []string{"scenarios: f.yaml:2:14: description: YAML aliases are not supported in scenarios; write the value out"}},
		{"top-level list", "- a\n", []string{"scenarios: f.yaml:1:1: a scenario is a map of keys (name:, workload:, ...), got a list", "scenarios: f.yaml:1:1: name: a scenario needs a name (name: my-what-if)"}},
		{"syntax", "name: x\n  bad: [\n", []string{"scenarios: f.yaml:2:1: malformed YAML: mapping values are not allowed in this context"}},
		{"two documents", "name: x\n---\nname: y\n", []string{"scenarios: f.yaml:2:1: a scenario file holds one YAML document; found a second"}},
		{"peak below mean", "name: x\nworkload: {functions: {F: {invocations_per_month: 2628000, peak_rps: 0.5}}}\n", []string{"scenarios: f.yaml:2:70: workload.functions.F.peak_rps: 0.5 is below the mean rate of invocations_per_month (1 per second); the peak cannot be lower than the mean"}},
		{"explicit zero budget", "name: x\ntargets: {budget_usd_month: 0}\n", []string{"scenarios: f.yaml:2:29: targets.budget_usd_month: must be greater than 0, got 0"}},
		{"item too large", "name: x\nworkload: {tables: {T: {item_kb: 401}}}\n", []string{"scenarios: f.yaml:2:34: workload.tables.T.item_kb: a DynamoDB item is at most 400 KB, got 401"}},
		{"custom steps", "name: x\nrelease:\n  custom:\n    Mine: [{at_min: 0, percent: 10}, {at_min: 5, percent: 50}]\n", []string{"scenarios: f.yaml:4:59: release.custom.Mine[1].percent: the last step must shift all traffic (percent: 100), got 50"}},
		{"peak hours 0", "name: x\nworkload: {functions: {F: {peak_hours_per_day: 0}}}\n", []string{"scenarios: f.yaml:2:48: workload.functions.F.peak_hours_per_day: must be greater than 0, got 0"}},
		{"peak hours over a day", "name: x\nworkload:\n  functions:\n    F:\n      peak_hours_per_day: 25\n", []string{"scenarios: f.yaml:5:27: workload.functions.F.peak_hours_per_day: a day has 24 hours, got 25"}},
		{"peak hours not a number", "name: x\nworkload: {functions: {F: {peak_hours_per_day: two}}}\n", []string{`scenarios: f.yaml:2:48: workload.functions.F.peak_hours_per_day: expected a number, got a string ("two")`}},
		{"account concurrency 0", "name: x\naccount_concurrency: 0\n", []string{"scenarios: f.yaml:2:22: account_concurrency: must be greater than 0, got 0"}},
		{"account concurrency negative", "name: x\naccount_concurrency: -5\n", []string{"scenarios: f.yaml:2:22: account_concurrency: must be greater than 0, got -5"}},
		{"account concurrency fraction", "name: x\naccount_concurrency: 10.5\n", []string{"scenarios: f.yaml:2:22: account_concurrency: expected a whole number, got 10.5"}},
		{"manual detect 0", "name: x\nrelease: {manual_detect_min: 0}\n", []string{"scenarios: f.yaml:2:30: release.manual_detect_min: must be greater than 0, got 0"}},
		{"manual detect over a month", "name: x\nrelease:\n  manual_detect_min: 50000\n", []string{"scenarios: f.yaml:3:22: release.manual_detect_min: must be at most 43800 minutes (a 730-hour month), got 50000"}},
		{"new keys ok", "name: x\naccount_concurrency: 50\nrelease: {manual_detect_min: 15}\nworkload: {functions: {F: {peak_hours_per_day: 24}}}\n", nil},
		{"collects all", "name: x\nworkload: {functions: {F: {cpu_bound: 2, threads: 8, bogus: 1}}}\nobjectives: {cost: -1}\n", []string{
			"scenarios: f.yaml:2:39: workload.functions.F.cpu_bound: must be between 0 and 1, got 2",
			"scenarios: f.yaml:2:51: workload.functions.F.threads: must be from 1 to 6 (Lambda gives at most 6 vCPUs), got 8",
			`scenarios: f.yaml:2:54: workload.functions.F.bogus: unknown key "bogus"; did you mean "calls"?`,
			"scenarios: f.yaml:3:20: objectives.cost: a weight must not be negative, got -1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse("f.yaml", []byte(tt.src))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if sc == nil {
					t.Fatal("nil scenario")
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, not Errors: %v", err, err)
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func f64(x float64) *float64 { return &x }

func TestDefaults(t *testing.T) {
	empty := Empty("t")
	fl := &FunctionLoad{InvocationsPerMonth: 2_628_000} // 1 request per second over 730 h
	tests := []struct {
		name      string
		got, want float64
	}{
		{"peak = mean x 3", fl.PeakRPSOr(), 3},
		{"peak given", (&FunctionLoad{InvocationsPerMonth: 2_628_000, PeakRPS: 40}).PeakRPSOr(), 40},
		{"reference memory from template", fl.ReferenceMemoryMBOr(512), 512},
		{"reference memory SAM default", fl.ReferenceMemoryMBOr(0), 128},
		{"reference memory given", (&FunctionLoad{ReferenceMemoryMB: 1024}).ReferenceMemoryMBOr(512), 1024},
		{"cpu_bound", fl.CPUBoundOr(), 0.5},
		{"cpu_bound given 0", (&FunctionLoad{CPUBound: f64(0)}).CPUBoundOr(), 0},
		{"threads", float64(fl.ThreadsOr()), 1},
		{"arm64_speed", fl.Arm64SpeedOr(), 1},
		{"duration_cv", fl.DurationCVOr(), 0.3},
		{"idle lifetime", fl.IdleLifetimeMinOr(), 5},
		{"deploys", fl.DeploysPerMonthOr(), 4},
		{"item_kb", (&TableLoad{}).ItemKBOr(), 1},
		{"peak hours", fl.PeakHoursPerDayOr(), 2},
		{"peak hours given", (&FunctionLoad{PeakHoursPerDay: 6}).PeakHoursPerDayOr(), 6},
		{"account concurrency", float64(empty.AccountConcurrencyOr()), 1000},
		{"account concurrency given", float64((&Scenario{AccountConcurrency: 50}).AccountConcurrencyOr()), 50},
		{"manual detect", empty.Release.ManualDetectMinOr(), 60},
		{"manual detect given", (&Release{ManualDetectMin: 15}).ManualDetectMinOr(), 15},
		{"weight", empty.Weight("cost"), 1},
		{"weight unknown", empty.Weight("nope"), 0},
		{"regularization", empty.RegularizationOr(), 0.05},
		{"error budget", empty.ErrorBudgetOr(), 0.001},
		{"defect rate", empty.Release.DefectRateOr(), 0.1},
		{"defect error rate", empty.Release.DefectErrorRateOr(), 0.2},
		{"hook catch with hook", empty.Release.HookCatchRateOr(true), 0.5},
		{"hook catch without hook", empty.Release.HookCatchRateOr(false), 0},
		{"budget", empty.BudgetUSDMonthOr(), DefaultBudgetUSDMonth},
		{"latency slo", empty.LatencySLOP99MSOr(), DefaultLatencySLOP99MS},
		{"lead time", empty.LeadTimeMinOr(), 10},
		// 0.001 x 4,000,000 requests / 4 releases = 1,000 failed requests.
		{"failed requests per release", empty.FailedRequestsPerReleaseOr(4_000_000, 4), 1000},
		{"failed requests per release floor", empty.FailedRequestsPerReleaseOr(0, 4), 1},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-9 {
			t.Errorf("%s: got %g, want %g", tt.name, tt.got, tt.want)
		}
	}
	if empty.RegionOr() != "us-east-1" || empty.SemanticsOr() != "template" {
		t.Errorf("region %q semantics %q", empty.RegionOr(), empty.SemanticsOr())
	}
}

// TestExplicitZero: an explicit 0 in the file differs from absent where 0 is
// meaningful, and is refused where it is not.
func TestExplicitZero(t *testing.T) {
	sc, err := Parse("f.yaml", []byte(`name: x
regularization: 0
release: {defect_rate: 0}
workload:
  functions:
    F: {duration_cv: 0, deploys_per_month: 0}
`))
	if err != nil {
		t.Fatal(err)
	}
	f := sc.Function("F")
	if sc.RegularizationOr() != 0 || sc.Release.DefectRateOr() != 0 || f.DurationCVOr() != 0 || f.DeploysPerMonthOr() != 0 {
		t.Errorf("explicit zeros lost: reg %g defect %g cv %g deploys %g",
			sc.RegularizationOr(), sc.Release.DefectRateOr(), f.DurationCVOr(), f.DeploysPerMonthOr())
	}
	if sc.Release.DefectErrorRateOr() != DefaultDefectErrorRate {
		t.Errorf("absent defect_error_rate: got %g", sc.Release.DefectErrorRateOr())
	}
}

func TestApplySet(t *testing.T) {
	sc, err := Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	err = sc.Apply([]string{
		"workload.functions.myFirstFunction.peak_rps=400",
		"workload.functions.myFirstFunction.cpu_bound=0.8",
		"workload.functions.myFirstFunction.threads=2",
		"workload.functions.mySecondFunction.async=true",
		"workload.functions.preTrafficHook.invocations_per_month=1e3",
		"pricing.free_tier=true",
		"name=what-if",
		"pin=myFirstFunction.Runtime, mySecondFunction.Runtime",
		"constraints.required_rules=[s3-bucket-versioning-enabled]",
		"compliance.parameters.lambda-function-settings-check.runtime=nodejs22.x",
		"regularization=0",
		"account_concurrency=200",
		"release.manual_detect_min=15",
		"workload.functions.myFirstFunction.peak_hours_per_day=8",
	})
	if err != nil {
		t.Fatal(err)
	}
	f := sc.Function("myFirstFunction")
	if f.PeakRPS != 400 || f.CPUBoundOr() != 0.8 || f.ThreadsOr() != 2 || f.InvocationsPerMonth != 2_000_000 {
		t.Errorf("function: %+v", f)
	}
	if !sc.Function("mySecondFunction").Async || !sc.Pricing.FreeTier || sc.Name != "what-if" {
		t.Error("bool or string set lost")
	}
	if h := sc.Function("preTrafficHook"); h == nil || h.InvocationsPerMonth != 1000 {
		t.Errorf("new map entry: %+v", h)
	}
	if strings.Join(sc.Pin, "|") != "myFirstFunction.Runtime|mySecondFunction.Runtime" {
		t.Errorf("pin %q", sc.Pin)
	}
	if strings.Join(sc.Constraints.RequiredRules, "|") != "s3-bucket-versioning-enabled" {
		t.Errorf("required_rules %q", sc.Constraints.RequiredRules)
	}
	if sc.Compliance.Parameters["lambda-function-settings-check"]["runtime"] != "nodejs22.x" {
		t.Errorf("parameters %v", sc.Compliance.Parameters)
	}
	if sc.RegularizationOr() != 0 {
		t.Errorf("regularization=0 not applied: %g", sc.RegularizationOr())
	}
	if sc.AccountConcurrencyOr() != 200 || sc.Release.ManualDetectMinOr() != 15 || f.PeakHoursPerDayOr() != 8 {
		t.Errorf("account_concurrency %d manual_detect_min %g peak_hours_per_day %g",
			sc.AccountConcurrencyOr(), sc.Release.ManualDetectMinOr(), f.PeakHoursPerDayOr())
	}

	bad := []struct {
		set  string
		want string
	}{
		{"workload.functions.myFirstFunction.peak_rpz=3", `scenarios: --set: workload.functions.myFirstFunction.peak_rpz: unknown key "peak_rpz"; did you mean "peak_rps"?`},
		{"workload.functions.myFirstFunction.peak_rps=-3", "scenarios: --set: workload.functions.myFirstFunction.peak_rps: must be greater than 0, got -3"},
		{"workload.functions.myFirstFunction.peak_rps=fast", `scenarios: --set: workload.functions.myFirstFunction.peak_rps: expected a number, got a string ("fast")`},
		{"account_concurrency=0", "scenarios: --set: account_concurrency: must be greater than 0, got 0"},
		{"release.manual_detect_min=-1", "scenarios: --set: release.manual_detect_min: must be greater than 0, got -1"},
		{"workload.functions.myFirstFunction.peak_hours_per_day=30", "scenarios: --set: workload.functions.myFirstFunction.peak_hours_per_day: a day has 24 hours, got 30"},
		{"objectives.cost=-1", "scenarios: --set: objectives.cost: a weight must not be negative, got -1"},
		{"workloads.x=1", `scenarios: --set: workloads: unknown key "workloads"; did you mean "workload"?`},
		{"nokey", `scenarios: --set: "nokey": expected KEY=VALUE, e.g. workload.functions.GetFunction.peak_rps=400`},
		{"name=", "scenarios: builtin:seed-demo:1:1: name: a scenario needs a name (name: my-what-if)"},
	}
	for _, b := range bad {
		sc, err := Load("seed-demo")
		if err != nil {
			t.Fatal(err)
		}
		err = sc.Apply([]string{b.set})
		if err == nil || err.Error() != b.want {
			t.Errorf("--set %s:\n got %v\nwant %s", b.set, err, b.want)
		}
	}
}

func parseTemplate(t *testing.T, src string) *cfn.Template {
	t.Helper()
	tmpl, err := cfn.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestCheck(t *testing.T) {
	tmpl := parseTemplate(t, `Transform: AWS::Serverless-2016-10-31
Resources:
  GetFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.get
      Runtime: nodejs22.x
      Events:
        Get: {Type: Api, Properties: {Path: /r, Method: get}}
  Table:
    Type: AWS::Serverless::SimpleTable
  Photos:
    Type: AWS::S3::Bucket
  Jobs:
    Type: AWS::SQS::Queue
`)
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"ok", `name: x
workload:
  functions:
    GetFunction:
      invocations_per_month: 1000
      calls:
        Table: {reads: 1}
        Photos: {gets: 1}
        Jobs: {sends: 1}
  tables: {Table: {storage_gb: 1}}
  buckets: {Photos: {storage_gb: 1}}
  queues: {Jobs: {messages_per_month: 1}}
  apis: {ServerlessRestApi: {cache_hit_ratio: 0.5}}
`, ""},
		{"typo", "name: x\nworkload:\n  functions:\n    GetFuncton: {invocations_per_month: 1}\n",
			`scenarios: f.yaml:4:5: workload.functions.GetFuncton: the template t.yaml has no function "GetFuncton"; did you mean GetFunction?`},
		{"wrong kind", "name: x\nworkload:\n  tables:\n    Photos: {storage_gb: 1}\n",
			"scenarios: f.yaml:4:5: workload.tables.Photos: Photos is an AWS::S3::Bucket, not a table (AWS::DynamoDB::Table, AWS::DynamoDB::GlobalTable, AWS::Serverless::SimpleTable); did you mean Table?"},
		{"call verb", "name: x\nworkload:\n  functions:\n    GetFunction:\n      calls:\n        Photos: {reads: 1}\n",
			"scenarios: f.yaml:6:9: workload.functions.GetFunction.calls.Photos: Photos is an AWS::S3::Bucket; reads and writes go to a table (AWS::DynamoDB::Table, AWS::DynamoDB::GlobalTable, AWS::Serverless::SimpleTable)"},
		{"call missing", "name: x\nworkload:\n  functions:\n    GetFunction:\n      calls:\n        Tabel: {reads: 1}\n",
			`scenarios: f.yaml:6:9: workload.functions.GetFunction.calls.Tabel: the template t.yaml has no table "Tabel"; did you mean Table?`},
		{"no http api", "name: x\nworkload:\n  apis:\n    ServerlessHttpApi: {}\n",
			`scenarios: f.yaml:4:5: workload.apis.ServerlessHttpApi: the template t.yaml has no API "ServerlessHttpApi"; did you mean ServerlessRestApi?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse("f.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			err = sc.Check(tmpl)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestLoadFileTemplateRelative(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "s")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "sc.yaml"), []byte("name: x\ntemplate: tmpl.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(filepath.Join(sub, "sc.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.TemplatePath != filepath.Join(sub, "tmpl.yaml") {
		t.Errorf("TemplatePath %q", sc.TemplatePath)
	}
	if _, err := Load("no-such-scenario"); err == nil || !strings.Contains(err.Error(), "seed-demo") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := ReadTemplate(Empty("x")); err == nil {
		t.Error("Empty has no template; want an error")
	}
}

func FuzzScenario(f *testing.F) {
	for _, name := range Names() {
		data, _, err := Files(name)
		if err == nil {
			f.Add(data, "")
		}
	}
	f.Add([]byte("name: x\nworkload: {functions: {F: {threads: 3}}}\n"), "workload.functions.F.peak_rps=4")
	f.Add([]byte("name: &a x\nb: *a\n"), "pin=a,b")
	f.Add([]byte("- [[[\n"), "a.b.c=[1")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			if sc != nil {
				t.Fatal("scenario and error both returned")
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		_ = sc.Apply([]string{set})
		_ = sc.Check(&cfn.Template{})
	})
}
