package cfn

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestSeedGolden applies genome-like edits to the seed template and compares
// the bytes with testdata/seed-edited.yaml.golden (go test -run SeedGolden
// -update rewrites it).
func TestSeedGolden(t *testing.T) {
	tpl, err := ReadFile(filepath.Join(sharedDir(t), "corpus", fuzzSeeds[0]))
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.Apply([]Edit{
		{Resource: "myFirstFunction", Path: []string{"MemorySize"}, Value: 1769},
		{Resource: "myFirstFunction", Path: []string{"Architectures"}, Value: []any{"arm64"}},
		{Resource: "myFirstFunction", Path: []string{"DeploymentPreference", "Type"}, Value: "Canary10Percent5Minutes"},
		{Resource: "myFirstFunction", Path: []string{"DeploymentPreference", "Alarms"}, Value: []any{Obj{{"Ref", "myFirstFunctionErrorsAlarm"}}}},
		{Resource: "mySecondFunction", Path: []string{"DeploymentPreference", "Hooks"}, Delete: true},
		{Resource: "encryptedTable", Path: []string{"ProvisionedThroughput"}, Delete: true},
		{Resource: "encryptedTable", Path: []string{"BillingMode"}, Value: "PAY_PER_REQUEST"},
		{Resource: "unencryptedBucket", Path: []string{"VersioningConfiguration", "Status"}, Value: "Enabled"},
		{Resource: "myFirstFunctionErrorsAlarm", Value: Obj{{"Type", "AWS::CloudWatch::Alarm"}, {"Properties", Obj{
			{"MetricName", "Errors"}, {"Namespace", "AWS/Lambda"}, {"Statistic", "Sum"}, {"Period", 60},
			{"EvaluationPeriods", 1}, {"Threshold", 0}, {"ComparisonOperator", "GreaterThanThreshold"},
			{"Dimensions", []any{Obj{{"Name", "Resource"}, {"Value", Obj{{"Fn::Sub", "${myFirstFunction}:live"}}}}}},
		}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "seed-edited.yaml.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, out)
	}
}
