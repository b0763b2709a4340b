package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is <repo root>/../shared/corpus, the repo root found by walking
// up to go.mod.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "corpus")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errb})
	return code, out.String(), errb.String()
}

func TestNewSpaceCmd(t *testing.T) {
	tests := []struct {
		args    []string
		want    spaceOptions
		wantErr bool
	}{
		{args: []string{"t.yaml"}, want: spaceOptions{Template: "t.yaml", Format: "text"}},
		{args: []string{"--scenario", "seed-demo", "--format", "json"}, want: spaceOptions{Scenario: "seed-demo", Format: "json"}},
		{args: []string{"--format", "xml"}, wantErr: true},
		{args: []string{"a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		var got *spaceOptions
		cmd := newSpaceCmd(&IO{}, func(o *spaceOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: err = %v", tt.args, err)
			continue
		}
		if err == nil && (got.Template != tt.want.Template || got.Scenario != tt.want.Scenario || got.Format != tt.want.Format) {
			t.Errorf("%v: options %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestSpaceSeedDemoJSON(t *testing.T) {
	code, out, stderr := runCmd("space", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Size  json.Number `json:"size"`
		Genes []struct {
			Name, Resource, Kind string
			Values               []any
			Current              any
			Pinned               bool
		} `json:"genes"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Size == "" || len(got.Genes) == 0 {
		t.Fatalf("empty space: %s", out)
	}
	found := false
	for _, g := range got.Genes {
		if g.Name == "myFirstFunction.MemorySize" {
			found = true
			if g.Current != json.Number("128") || g.Kind != "number" || g.Resource != "myFirstFunction" {
				t.Errorf("myFirstFunction.MemorySize = %+v", g)
			}
		}
	}
	if !found {
		t.Error("no myFirstFunction.MemorySize gene")
	}
}

// TestSpaceCorpus runs space on every valid corpus template (exit 0) and on
// every error template (exit 0 or 2, never a panic).
func TestSpaceCorpus(t *testing.T) {
	root := corpusDir(t)
	f, err := os.Open(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 8 {
			continue
		}
		valid := cols[len(cols)-1] == "valid"
		code, _, stderr := runCmd("space", "--format", "json", filepath.Join(root, cols[0]))
		switch {
		case valid && code != 0:
			t.Errorf("%s: exit %d: %s", cols[0], code, stderr)
		case !valid && code != 0 && code != 2:
			t.Errorf("%s: exit %d, want 0 or 2: %s", cols[0], code, stderr)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no corpus templates")
	}
}

func TestSpaceBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: abc\n"), 0o644)
	code, _, stderr := runCmd("space", bad)
	if code != 2 || !strings.Contains(stderr, "bad.yaml:5:19") || !strings.Contains(stderr, "Resources.Fn.Properties.MemorySize") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCmd("space", filepath.Join(dir, "missing.yaml"))
	if code != 2 {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}
