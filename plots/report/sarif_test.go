package report

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/compliance"
)

// seedSARIF renders the seed template's findings, with one finding
// suppressed, as `check --format sarif` does.
func seedSARIF(t *testing.T) []byte {
	t.Helper()
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	e, err := compliance.Compile(tpl, nil, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	findings := e.Findings(nil)
	for i := range findings {
		if findings[i].Rule == "s3-bucket-logging-enabled" && findings[i].Resource == "encryptedBucket" {
			findings[i].Suppressed = &compliance.Suppression{By: "checkov:CKV_AWS_18", Reason: "demo bucket"}
		}
	}
	out, err := SARIF(SARIFInput{ToolVersion: "0.0.0-test", Template: "seed demo/template.yaml", Rules: compliance.Rules(), Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSARIFGolden(t *testing.T) {
	got := seedSARIF(t)
	golden(t, "seed.sarif", got)

	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Version string `json:"version"`
					Rules   []struct {
						ID   string `json:"id"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Suppressions []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(got, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Version != "0.0.0-test" || len(run.Tool.Driver.Rules) != len(compliance.Rules()) {
		t.Fatalf("header: %+v", log)
	}
	suppressed := 0
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID || run.Tool.Driver.Rules[r.RuleIndex].Help.Text == "" {
			t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != "seed%20demo/template.yaml" || loc.Region.StartLine <= 0 {
			t.Errorf("location %+v", loc)
		}
		if len(r.Suppressions) > 0 {
			suppressed++
		}
	}
	if len(run.Results) != 40 || suppressed != 1 {
		t.Errorf("%d results (%d suppressed), want the seed's 40 NON_COMPLIANT findings, 1 suppressed", len(run.Results), suppressed)
	}
}

// TestSARIFValidates runs Microsoft's validator (npm @microsoft/sarif-multitool).
func TestSARIFValidates(t *testing.T) {
	tool, err := exec.LookPath("sarif-multitool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("sarif-multitool is not installed (npm install -g @microsoft/sarif-multitool@5.7.0)")
		}
		t.Skip("sarif-multitool is not installed (npm install -g @microsoft/sarif-multitool@5.7.0); skipping SARIF validation")
	}
	path := filepath.Join(t.TempDir(), "seed.sarif")
	if err := os.WriteFile(path, seedSARIF(t), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "validate", path).CombinedOutput()
	if err != nil {
		t.Fatalf("sarif-multitool validate: %v\n%s", err, out)
	}
	// The validator exits 0 even on findings; it prints them as
	// "file(line,col): error|warning CODE: ...".
	if bad := regexp.MustCompile(`\): (error|warning) `).FindAll(out, -1); len(bad) > 0 {
		t.Errorf("sarif-multitool reports problems:\n%s", out)
	}
	if !bytes.Contains(out, []byte("Analysis completed successfully")) {
		t.Errorf("sarif-multitool did not complete:\n%s", out)
	}
}
