package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewEvaluateCmd(t *testing.T) {
	tests := []struct {
		args    []string
		want    evaluateOptions
		wantErr bool
	}{
		{args: nil, want: evaluateOptions{Format: "text"}},
		{args: []string{"t.yaml", "--scenario", "s.yaml"}, want: evaluateOptions{Template: "t.yaml", Scenario: "s.yaml", Format: "text"}},
		{args: []string{"--format", "markdown", "--set", "a=1", "--set", "b=2"}, want: evaluateOptions{Format: "markdown", Sets: []string{"a=1", "b=2"}}},
		{args: []string{"--genomes", "-", "--format", "json"}, want: evaluateOptions{Genomes: "-", Format: "json"}},
		{args: []string{"--format", "sarif"}, wantErr: true},
		{args: []string{"a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		var got *evaluateOptions
		cmd := newEvaluateCmd(&IO{}, func(o *evaluateOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: err = %v", tt.args, err)
			continue
		}
		if tt.wantErr {
			continue
		}
		got.IO = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%v: got %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestEvaluateJSON(t *testing.T) {
	code, out, errs := runCmd("evaluate", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ev map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("stdout is not pure JSON: %v", err)
	}
	for _, k := range []string{"scenario", "template", "fitness", "objectives", "score", "constraints", "cost", "latency", "compliance", "deployments", "genome"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("evaluate JSON lacks %q", k)
		}
	}
	var score map[string]map[string]any
	if err := json.Unmarshal(ev["score"], &score); err != nil {
		t.Fatal(err)
	}
	if _, ok := score["regularization"]["lambda"]; !ok {
		t.Error("score lacks regularization.lambda")
	}
	for _, k := range []string{"cost", "latency", "compliance", "availability", "deploy_safety"} {
		if _, ok := score[k]["contribution"]; !ok {
			t.Errorf("score lacks %s.contribution", k)
		}
	}
	// Deterministic: the same run prints the same bytes.
	if _, out2, _ := runCmd("evaluate", "--format", "json"); out2 != out {
		t.Error("two runs print different JSON")
	}
}

func TestEvaluateTextAndMarkdown(t *testing.T) {
	for _, f := range []string{"text", "markdown"} {
		code, out, errs := runCmd("evaluate", "--format", f, "--scenario", "seed-demo")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, errs)
		}
		for _, want := range []string{"myFirstFunction", "Requests (REST API)", "regularization", "depends on usage"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %q", f, want)
			}
		}
	}
}

func TestEvaluateInputErrors(t *testing.T) {
	tests := [][]string{
		{"evaluate", "--format", "xml"},
		{"evaluate", "--scenario", "no-such-scenario"},
		{"evaluate", "/no/such/template.yaml"},
		{"evaluate", "--genomes", "/no/such/file.jsonl"},
	}
	for _, args := range tests {
		if code, _, errs := runCmd(args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
}

func TestEvaluateBatch(t *testing.T) {
	in := strings.Join([]string{
		`{"myFirstFunction.MemorySize": 512}`,
		``,
		`{"myFirstFunction.MemSize": 512}`,
		`not json`,
		`{}`,
		`{"myFirstFunction.MemorySize": 100}`,
		`[1]`,
		`{"myFirstFunction.MemorySize": 512, "myFirstFunction.MemorySize": 1024}`,
	}, "\n")
	var out, errb bytes.Buffer
	code := run([]string{"evaluate", "--genomes", "-"}, &IO{In: strings.NewReader(in), Out: &out, ErrOut: &errb})
	if code != 2 {
		t.Errorf("exit %d with bad lines, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d answers, want 7 (the empty line is skipped):\n%s", len(lines), out.String())
	}
	type answer struct {
		Line       int                 `json:"line"`
		Error      string              `json:"error"`
		Fitness    *float64            `json:"fitness"`
		Feasible   *bool               `json:"feasible"`
		Objectives map[string]*float64 `json:"objectives"`
	}
	want := []struct {
		line    int
		errWant string
	}{{1, ""}, {3, "myFirstFunction.MemSize"}, {4, "JSON"}, {5, ""}, {6, "myFirstFunction.MemorySize"}, {7, "JSON"}, {8, "myFirstFunction.MemorySize is given twice"}}
	var fit [2]float64
	for i, l := range lines {
		var a answer
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("answer %d is not JSON: %v", i, err)
		}
		if a.Line != want[i].line {
			t.Errorf("answer %d: line %d, want %d", i, a.Line, want[i].line)
		}
		if want[i].errWant != "" {
			if !strings.Contains(a.Error, want[i].errWant) {
				t.Errorf("line %d: error %q does not name %q", a.Line, a.Error, want[i].errWant)
			}
			continue
		}
		if a.Error != "" || a.Fitness == nil || a.Feasible == nil || a.Objectives["cost_usd_month"] == nil {
			t.Errorf("line %d: %s", a.Line, l)
			continue
		}
		if a.Line == 1 {
			fit[0] = *a.Objectives["cost_usd_month"]
		} else {
			fit[1] = *a.Objectives["cost_usd_month"]
		}
	}
	if fit[0] == fit[1] {
		t.Error("512 MB and the template's 128 MB cost the same")
	}
	// The empty genome is the template as written: the same fitness as the
	// single evaluation.
	_, single, _ := runCmd("evaluate", "--format", "json")
	var ev struct {
		Fitness float64 `json:"fitness"`
	}
	if err := json.Unmarshal([]byte(single), &ev); err != nil {
		t.Fatal(err)
	}
	var a answer
	_ = json.Unmarshal([]byte(lines[3]), &a)
	if a.Fitness == nil || *a.Fitness != ev.Fitness {
		t.Errorf("{} scores %v, the template %v", a.Fitness, ev.Fitness)
	}
}

// TestEvaluateBatchStreams: each answer is written before the next line is
// read, so a caller can keep one process open as its fitness function.
func TestEvaluateBatchStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"evaluate", "--genomes", "-"}, &IO{In: inR, Out: outW, ErrOut: io.Discard})
		outW.Close()
	}()
	answers := bufio.NewReader(outR)
	for i, g := range []string{`{"myFirstFunction.MemorySize": 256}`, `{"mySecondFunction.Architectures": "arm64"}`} {
		if _, err := io.WriteString(inW, g+"\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			l, _ := answers.ReadString('\n')
			got <- l
		}()
		select {
		case l := <-got:
			if !strings.Contains(l, `"fitness"`) {
				t.Fatalf("answer %d: %q", i, l)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no answer to line %d while the input stays open", i+1)
		}
	}
	inW.Close()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}
