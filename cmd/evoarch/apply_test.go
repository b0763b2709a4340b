package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const applySrc = "Transform: AWS::Serverless-2016-10-31\n# keep me\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      MemorySize: 256\n"

func writeTemplate(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(p, []byte(applySrc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewApplyCmd(t *testing.T) {
	tests := []struct {
		args    []string
		genes   int
		wantErr bool
	}{
		{args: []string{"t.yaml", "--set-gene", "Fn.MemorySize=1024", "-o", "out.yaml"}, genes: 1},
		{args: []string{"t.yaml", "--set-gene", "Fn.MemorySize=1024", "--set-gene", "Fn.Timeout=30", "-o", "-"}, genes: 2},
		{args: []string{"t.yaml", "--set-gene", "Fn.MemorySize=1024"}, wantErr: true}, // no -o
		{args: []string{"t.yaml", "--set-gene", "novalue", "-o", "x"}, wantErr: true},
	}
	for _, tt := range tests {
		var got *applyOptions
		cmd := newApplyCmd(&IO{}, func(o *applyOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: err = %v", tt.args, err)
			continue
		}
		if err == nil && len(got.Genes) != tt.genes {
			t.Errorf("%v: genes %v", tt.args, got.Genes)
		}
	}
}

func TestApplyRun(t *testing.T) {
	in := writeTemplate(t)
	out := filepath.Join(filepath.Dir(in), "out.yaml")

	// Unknown gene and unknown value: exit 2, naming what is valid.
	code, _, stderr := runCmd("apply", in, "--set-gene", "Fn.Memory=1024", "-o", out)
	if code != 2 || !strings.Contains(stderr, `did you mean "Fn.MemorySize"`) {
		t.Errorf("unknown gene: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCmd("apply", in, "--set-gene", "Fn.MemorySize=1000", "-o", out)
	if code != 2 || !strings.Contains(stderr, "valid values are {128|256|") {
		t.Errorf("unknown value: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output was written after an error")
	}
	// Never overwrite the input.
	code, _, stderr = runCmd("apply", in, "--set-gene", "Fn.MemorySize=1024", "-o", in)
	if code != 2 || !strings.Contains(stderr, "refusing to overwrite") {
		t.Errorf("-o input: exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile(in); string(b) != applySrc {
		t.Error("the input was changed")
	}
	// The current value: the bytes come back unchanged, on stdout.
	code, stdout, stderr := runCmd("apply", in, "--set-gene", "Fn.MemorySize=256", "-o", "-")
	if code != 0 || stdout != applySrc {
		t.Errorf("same value: exit %d, %q, stdout %q", code, stderr, stdout)
	}
	// A change, written to a file.
	code, _, stderr = runCmd("apply", in, "--set-gene", "Fn.MemorySize=1024", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(applySrc, "MemorySize: 256", "MemorySize: 1024", 1); string(b) != want {
		t.Errorf("wrote\n%s\nwant\n%s", b, want)
	}
}
