package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestApplyBadInput runs apply (and space) on each kind of bad template the
// issue lists: exit 2 within two seconds, a message that names the file and,
// where the input has one, the line, column and key path; nothing written.
func TestApplyBadInput(t *testing.T) {
	dir := t.TempDir()
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *c\n"
	for _, tc := range []struct {
		name, file, src string
		want            []string // what follows "cfn: <file>" in stderr, then other substrings
	}{
		{"malformed YAML", "m.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n   Properties: {}\n", []string{":4:4: Resources.Fn.Properties: malformed YAML"}},
		{"malformed JSON", "m.json", "{\"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\" \"Properties\": {}}}}", []string{":1:55: Resources.Fn: malformed JSON"}},
		{"over the size limit", "big.yaml", "Resources: {}\n#" + strings.Repeat("x", 20<<20) + "\n", []string{": template is", "over the 20971520-byte limit"}},
		{"YAML alias bomb", "bomb.yaml", bomb, []string{":1:4: a: YAML anchors (&a) are not supported"}},
		{"deep nesting", "deep.json", "{\"Resources\": " + strings.Repeat("[", 50000) + strings.Repeat("]", 50000) + "}", []string{":1:", "nesting deeper than 200 levels"}},
		{"binary garbage", "garbage.yaml", "\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe\x00\x10", []string{":1:1: malformed YAML: control characters are not allowed"}},
		{"Resources not a map", "list.yaml", "Resources:\n  - Fn\n", []string{":2:3: Resources: Resources must be a map"}},
		{"property of the wrong type", "type.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: [30]\n", []string{":5:16: Resources.Fn.Properties.Timeout: Timeout must be a whole number"}},
		{"duplicate keys", "dup.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Type: AWS::Serverless::Function\n", []string{":4:5: Resources.Fn.Type: duplicate key \"Type\" (first at 3:5)"}},
		{"missing file", "missing.yaml", "", []string{": could not read template: no such file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(dir, tc.file)
			if tc.src != "" {
				if err := os.WriteFile(in, []byte(tc.src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(dir, "out-"+tc.file)
			for _, args := range [][]string{
				{"apply", in, "--set-gene", "Fn.MemorySize=1024", "-o", out},
				{"space", "--format", "json", in},
			} {
				start := time.Now()
				code, stdout, stderr := runCmd(args...)
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("%s: took %v", args[0], d)
				}
				if code != 2 {
					t.Errorf("%s: exit %d, want 2: %s", args[0], code, stderr)
				}
				if stdout != "" {
					t.Errorf("%s: wrote to stdout: %.200q", args[0], stdout)
				}
				if !strings.Contains(stderr, "cfn: "+in+tc.want[0]) {
					t.Errorf("%s: stderr %q lacks %q", args[0], stderr, "cfn: "+in+tc.want[0])
				}
				for _, w := range tc.want[1:] {
					if !strings.Contains(stderr, w) {
						t.Errorf("%s: stderr %q lacks %q", args[0], stderr, w)
					}
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("apply wrote its output for a bad template")
			}
		})
	}
}
