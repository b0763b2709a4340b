package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/scenarios"
)

func TestNewScenariosCmd(t *testing.T) {
	tests := []struct {
		args    []string
		want    scenariosOptions
		wantErr string
	}{
		{args: []string{"list"}, want: scenariosOptions{Action: "list", Format: "text"}},
		{args: []string{"list", "--format", "json"}, want: scenariosOptions{Action: "list", Format: "json"}},
		{args: []string{"show", "seed-demo"}, want: scenariosOptions{Action: "show", Name: "seed-demo", Format: "text"}},
		{args: []string{"export", "regulated", "out"}, want: scenariosOptions{Action: "export", Name: "regulated", Dir: "out", Format: "text"}},
		{args: []string{}, wantErr: "missing action: valid values are {list|show NAME|export NAME DIR}"},
		{args: []string{"delete"}, wantErr: `invalid action "delete": valid values are {list|show NAME|export NAME DIR}`},
		{args: []string{"show"}, wantErr: "show takes 1 argument(s), got 0: usage: evoarch scenarios show NAME"},
		{args: []string{"list", "--format", "xml"}, wantErr: `invalid format "xml": valid values are {text|json}`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *scenariosOptions
			cmd := newScenariosCmd(&IO{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, func(o *scenariosOptions) error {
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
			if got.Action != tt.want.Action || got.Name != tt.want.Name || got.Dir != tt.want.Dir || got.Format != tt.want.Format {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestScenariosRun(t *testing.T) {
	// list --format json: {"scenarios": [{"name", "description"}]}, all built-ins.
	var out bytes.Buffer
	if err := scenariosRun(&scenariosOptions{IO: &IO{Out: &out}, Action: "list", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Scenarios []struct{ Name, Description string } `json:"scenarios"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	var names []string
	for _, s := range doc.Scenarios {
		names = append(names, s.Name)
		if s.Description == "" {
			t.Errorf("%s has no description", s.Name)
		}
	}
	for _, want := range []string{"ecommerce-dashboard", "photo-sharing", "regulated", "sam-get-resource", "seed-demo", "workshop-tiny"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("list lacks %s: %v", want, names)
		}
	}

	// Text list: one line per scenario without a header on a pipe, with one on a TTY.
	out.Reset()
	if err := scenariosRun(&scenariosOptions{IO: &IO{Out: &out}, Action: "list", Format: "text"}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != len(names) || strings.HasPrefix(lines[0], "NAME") {
		t.Errorf("pipe list:\n%s", out.String())
	}
	out.Reset()
	if err := scenariosRun(&scenariosOptions{IO: &IO{Out: &out, OutTTY: true}, Action: "list", Format: "text"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "NAME") {
		t.Errorf("tty list has no header:\n%s", out.String())
	}

	// show: the scenario file then the template.
	out.Reset()
	if err := scenariosRun(&scenariosOptions{IO: &IO{Out: &out}, Action: "show", Name: "sam-get-resource", Format: "text"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "name: sam-get-resource") || !strings.Contains(out.String(), "AWS::Serverless::SimpleTable") {
		t.Errorf("show:\n%s", out.String())
	}

	// Unknown name: exit 2, listing the built-ins.
	var errOut bytes.Buffer
	code := run([]string{"scenarios", "show", "nope"}, &IO{Out: &out, ErrOut: &errOut})
	if code != 2 || !strings.Contains(errOut.String(), "seed-demo") {
		t.Errorf("unknown name: exit %d, stderr %q", code, errOut.String())
	}

	// export writes both files, then refuses to overwrite them.
	dir := filepath.Join(t.TempDir(), "new")
	out.Reset()
	if code := run([]string{"scenarios", "export", "workshop-tiny", dir}, &IO{Out: &out, ErrOut: &errOut}); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	sc, err := scenarios.Load(filepath.Join(dir, "scenario.yaml"))
	if err != nil {
		t.Fatalf("exported scenario does not load: %v", err)
	}
	if _, err := scenarios.ReadTemplate(sc); err != nil {
		t.Fatalf("exported template does not parse: %v", err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "scenario.yaml"))
	errOut.Reset()
	if code := run([]string{"scenarios", "export", "seed-demo", dir}, &IO{Out: &out, ErrOut: &errOut}); code != 2 || !strings.Contains(errOut.String(), "already exists") {
		t.Errorf("second export: exit %d, stderr %q", code, errOut.String())
	}
	after, _ := os.ReadFile(filepath.Join(dir, "scenario.yaml"))
	if !bytes.Equal(before, after) {
		t.Error("export overwrote an existing file")
	}
}

func TestLoadInputs(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "my-app.yaml")
	if err := os.WriteFile(tmpl, []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scFile := filepath.Join(dir, "sc.yaml")
	if err := os.WriteFile(scFile, []byte("name: mine\ntemplate: my-app.yaml\nworkload: {buckets: {B: {storage_gb: 1}}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, template, scenario string
		sets                     []string
		wantScenario, wantErr    string
	}{
		{"neither: seed-demo", "", "", nil, "seed-demo", ""},
		{"template only: empty scenario named after it", tmpl, "", nil, "my-app", ""},
		{"scenario only: its own template", "", scFile, nil, "mine", ""},
		{"both", tmpl, scFile, nil, "mine", ""},
		{"built-in with --set", "", "sam-get-resource", []string{"workload.functions.GetFunction.peak_rps=40"}, "sam-get-resource", ""},
		{"bad --set", "", "", []string{"workload.functions.myFirstFunction.cpu_bound=2"}, "", "cpu_bound: must be between 0 and 1"},
		{"workload names a missing resource", tmpl, "seed-demo", nil, "", "has no function"},
		{"unknown scenario", "", "nope", nil, "", "unknown scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := loadInputs(tt.template, tt.scenario, tt.sets)
			if tt.wantErr != "" {
				var ie *InputError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !asInputError(err, &ie) {
					t.Fatalf("error %v, want an InputError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.Scenario.Name != tt.wantScenario || in.Template == nil {
				t.Errorf("scenario %q, want %q", in.Scenario.Name, tt.wantScenario)
			}
		})
	}
}

func asInputError(err error, target **InputError) bool {
	ie, ok := err.(*InputError)
	if ok {
		*target = ie
	}
	return ok
}
