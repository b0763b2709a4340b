package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestNewCheckCmd(t *testing.T) {
	tests := []struct {
		args    []string
		want    checkOptions
		wantErr string
	}{
		{args: []string{}, want: checkOptions{Format: "text"}},
		{args: []string{"t.yaml", "--format", "sarif", "--fail-on-violation"}, want: checkOptions{Template: "t.yaml", Format: "sarif", FailOnViolation: true}},
		{args: []string{"--scenario", "seed-demo", "--rules", "a,b", "--rules", "c", "--set", "x=1"},
			want: checkOptions{Scenario: "seed-demo", Format: "text", Rules: []string{"a", "b", "c"}, Sets: []string{"x=1"}}},
		{args: []string{"--format", "xml"}, wantErr: `invalid format "xml": valid values are {text|json|sarif}`},
		{args: []string{"a.yaml", "b.yaml"}, wantErr: "accepts at most 1 arg(s), received 2"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *checkOptions
			cmd := newCheckCmd(&IO{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, func(o *checkOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestCheckRun(t *testing.T) {
	// JSON: INTERFACE.md's {"template", "findings", "summary"}; the seed has violations.
	var out bytes.Buffer
	err := checkRun(&checkOptions{IO: &IO{Out: &out}, Format: "json", FailOnViolation: true})
	if !errors.Is(err, ErrNo) {
		t.Fatalf("error %v, want ErrNo with --fail-on-violation", err)
	}
	var got struct {
		Template string `json:"template"`
		Findings []struct {
			Rule, Resource, Status, Message string
			Line                            int
		} `json:"findings"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if got.Template == "" || len(got.Findings) == 0 || got.Summary["non_compliant"] == 0 || got.Summary["compliant"] == 0 {
		t.Errorf("got %+v", got)
	}
	if n := got.Summary["compliant"] + got.Summary["non_compliant"] + got.Summary["not_applicable"]; n != len(got.Findings) {
		t.Errorf("summary %v does not add up to %d findings", got.Summary, len(got.Findings))
	}

	// --rules restricts the findings; a compliant selection passes the gate.
	out.Reset()
	err = checkRun(&checkOptions{IO: &IO{Out: &out}, Format: "json", FailOnViolation: true,
		Rules: []string{"lambda-function-public-access-prohibited"}})
	if err != nil {
		t.Fatalf("compliant selection: %v", err)
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, f := range got.Findings {
		if f.Rule != "lambda-function-public-access-prohibited" || f.Status != "COMPLIANT" {
			t.Errorf("unexpected finding %+v", f)
		}
	}

	// Text and SARIF.
	out.Reset()
	if err := checkRun(&checkOptions{IO: &IO{Out: &out}, Format: "text"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "unencryptedBucket") || !strings.Contains(out.String(), "non-compliant") {
		t.Errorf("text output:\n%s", out.String())
	}
	out.Reset()
	if err := checkRun(&checkOptions{IO: &IO{Out: &out}, Format: "sarif"}); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out.Bytes()) || !strings.Contains(out.String(), `"version": "2.1.0"`) {
		t.Errorf("sarif output:\n%s", out.String())
	}

	// An unknown rule is a usage error naming the nearest rule.
	err = checkRun(&checkOptions{IO: &IO{Out: &out}, Format: "json", Rules: []string{"lambda-dlq-chek"}})
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `did you mean "lambda-dlq-check"`) {
		t.Errorf("unknown rule: %v", err)
	}
}

func TestCheckSuppressedTemplate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.yaml")
	src := `Resources:
  Logs:
    Type: AWS::S3::Bucket
    Metadata:
      cfn_nag:
        rules_to_suppress:
          - {id: W35, reason: this is the log bucket}
    Properties:
      VersioningConfiguration: {Status: Enabled}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := checkRun(&checkOptions{IO: &IO{Out: &out}, Template: path, Format: "json", FailOnViolation: true,
		Rules: []string{"s3-bucket-logging-enabled", "s3-bucket-versioning-enabled"}})
	if err != nil {
		t.Fatalf("a suppressed violation must not fail the run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `"by": "cfn_nag:W35"`) || !strings.Contains(out.String(), `"reason": "this is the log bucket"`) {
		t.Errorf("no suppression in:\n%s", out.String())
	}
}
