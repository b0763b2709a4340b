package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The -update flag rewrites golden files. Several test files of this
// package may want it; whoever registers it first owns it (package-level
// flag variables in other files are initialised before this init runs).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func rolloutUpdateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// rolloutAssertGolden compares got with testdata/<name>, or rewrites it under -update.
func rolloutAssertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if rolloutUpdateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestNewRolloutCmd(t *testing.T) {
	tests := []struct {
		args    []string
		want    rolloutOptions
		wantErr bool
	}{
		{args: nil, want: rolloutOptions{Format: "text"}},
		{args: []string{"t.yaml", "--scenario", "s.yaml", "--format", "json"}, want: rolloutOptions{Template: "t.yaml", Scenario: "s.yaml", Format: "json"}},
		{args: []string{"--set", "release.defect_rate=0.3", "--set", "release.defect_error_rate=0.5"}, want: rolloutOptions{Format: "text", Sets: []string{"release.defect_rate=0.3", "release.defect_error_rate=0.5"}}},
		{args: []string{"--add-alarm", "errors"}, want: rolloutOptions{Format: "text", AddAlarm: "errors"}},
		{args: []string{"--format", "sarif"}, wantErr: true},
		{args: []string{"--add-alarm", "latency"}, wantErr: true},
		{args: []string{"a.yaml", "b.yaml"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *rolloutOptions
			cmd := newRolloutCmd(&IO{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, func(o *rolloutOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func runRollout(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(append([]string{"rollout"}, args...), &IO{In: strings.NewReader(""), Out: &o, ErrOut: &e})
	return code, o.String(), e.String()
}

func TestRolloutSeedDemoGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runRollout(t, "--format", format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			ext := map[string]string{"text": "txt", "json": "json"}[format]
			rolloutAssertGolden(t, "rollout/seed-demo."+ext, []byte(out))
		})
	}
}

// TestRolloutAddAlarm: with an errors alarm on each alias, the canary of
// seed-demo loses far less than AllAtOnce (issue 6, speed against control).
func TestRolloutAddAlarm(t *testing.T) {
	code, out, errOut := runRollout(t, "--format", "json", "--add-alarm", "errors")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc rolloutJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	byType := map[string]float64{}
	for _, s := range doc.Functions[0].Strategies {
		byType[s.Type] = s.ExpectedFailedRequests
	}
	if !(byType["AllAtOnce"] > 10*byType["Canary10Percent5Minutes"]) {
		t.Errorf("AllAtOnce %g, canary %g failed requests per defect", byType["AllAtOnce"], byType["Canary10Percent5Minutes"])
	}
}

func TestRolloutJSONShape(t *testing.T) {
	code, out, errOut := runRollout(t, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Exactly INTERFACE.md's keys.
	var doc map[string][]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc) != 1 || doc["functions"] == nil {
		t.Fatalf("top level: %s", out)
	}
	for _, f := range doc["functions"] {
		if len(f) != 3 || f["id"] == nil || f["current"] == nil || f["strategies"] == nil {
			t.Errorf("function keys: %v", rolloutKeys(f))
		}
		var strategies []map[string]any
		if err := json.Unmarshal(f["strategies"], &strategies); err != nil {
			t.Fatal(err)
		}
		for _, s := range strategies {
			want := []string{"detect_probability", "expected_failed_requests", "failed_requests_per_month", "lead_time_min", "time_to_detect_min", "type"}
			if got := rolloutKeys(s); !reflect.DeepEqual(got, want) {
				t.Errorf("strategy keys %v, want %v", got, want)
			}
		}
	}
	if !strings.Contains(errOut, "preTrafficHook: a CodeDeploy hook function; no AutoPublishAlias") {
		t.Errorf("no note for the function without alias on stderr: %q", errOut)
	}
	if code, _, errOut := runRollout(t, "--format", "json", "--quiet"); code != 0 || errOut != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, errOut)
	}
}

func rolloutKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestRolloutInputErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing template", []string{filepath.Join(dir, "nope.yaml")}, 2, "nope.yaml"},
		{"bad format", []string{"--format", "xml"}, 2, "valid values are {text|json}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runRollout(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.msg)
			}
			if out != "" {
				t.Errorf("stdout on error: %q", out)
			}
		})
	}
}

// TestRolloutCustomWithoutSteps: a custom configuration the scenario gives
// no steps for is accepted; its figures are not computed and say so (n/a in
// the table, null in the JSON, a note naming release.custom.<Type>), never 0.
func TestRolloutCustomWithoutSteps(t *testing.T) {
	dir := t.TempDir()
	custom := filepath.Join(dir, "custom.yaml")
	if err := os.WriteFile(custom, []byte(`Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: src/
      AutoPublishAlias: live
      DeploymentPreference:
        Type: MyCompanyCanary
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runRollout(t, custom)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var row string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "MyCompanyCanary") && strings.HasPrefix(strings.TrimSpace(line), "*") {
			row = line
		}
	}
	if strings.Count(row, "n/a") != 5 || !strings.Contains(out, "release.custom.MyCompanyCanary") {
		t.Errorf("the custom row must read n/a, with a note:\n%s", out)
	}
	code, out, _ = runRollout(t, custom, "--format", "json")
	var r struct {
		Functions []struct {
			Current    string `json:"current"`
			Strategies []map[string]any
		} `json:"functions"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || len(r.Functions) != 1 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	found := false
	for _, s := range r.Functions[0].Strategies {
		if s["type"] == "MyCompanyCanary" {
			found = true
			if v, ok := s["expected_failed_requests"]; !ok || v != nil {
				t.Errorf("custom strategy without steps: expected_failed_requests %v, want null", v)
			}
		} else if _, ok := s["expected_failed_requests"].(float64); !ok {
			t.Errorf("predefined strategy %v without figures", s["type"])
		}
	}
	if !found || r.Functions[0].Current != "MyCompanyCanary" {
		t.Errorf("custom strategy not listed as current: %+v", r.Functions[0])
	}
}

// TestRolloutCorpus runs the command on the corpus's SAM deployment
// templates: every function listed, none dropped.
func TestRolloutCorpus(t *testing.T) {
	root := rolloutRepoRoot(t)
	files := []string{
		"serverless-application-model/integration/combination__function_with_deployment_alarms_and_hooks.yaml",
		"serverless-application-model/translator-input/function_with_deployment_preference_all_parameters.yaml",
		"evolutionary-serverless-architectures-with-safe-deployments/template.yaml",
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			path := filepath.Join(root, "..", "shared", "corpus", f)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("corpus not found (shared/ must sit beside the repository): %v", err)
			}
			code, out, errOut := runRollout(t, path, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var doc rolloutJSON
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Functions) == 0 {
				t.Error("no functions")
			}
			for _, fn := range doc.Functions {
				if fn.Current != "none" && len(fn.Strategies) < 9 {
					t.Errorf("%s (%s): %d strategies", fn.ID, fn.Current, len(fn.Strategies))
				}
			}
		})
	}
}

// repoRoot walks up from the package directory to go.mod.
func rolloutRepoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}
