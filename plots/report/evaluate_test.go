package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/sim"
)

// loadEvaluation reads a saved evaluate --format json object.
func loadEvaluation(t *testing.T, name string) *sim.Evaluation {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "evaluate", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev sim.Evaluation
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	return &ev
}

// TestEvaluationGolden renders the seed-demo evaluation (all models) and a
// partial one (only cost computed, free tier on, a scenario name with
// markdown characters) as text and markdown.
func TestEvaluationGolden(t *testing.T) {
	for _, name := range []string{"seed", "partial"} {
		t.Run(name, func(t *testing.T) {
			ev := loadEvaluation(t, name+".json")
			golden(t, filepath.Join("evaluate", name+".txt"), EvaluationText(ev))
			golden(t, filepath.Join("evaluate", name+".md"), EvaluationMarkdown(ev))
		})
	}
}

func TestEvaluationTextContent(t *testing.T) {
	ev := loadEvaluation(t, "partial.json")
	txt := string(EvaluationText(ev))
	md := string(EvaluationMarkdown(ev))
	for _, want := range []string{"not computed", "depends on usage", "free tier applied"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q", want)
		}
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if !strings.Contains(md, `partial \| &lt;edge&gt; \*case\*`) {
		t.Error("markdown does not escape the scenario name")
	}
	// Every resource and its total appear in the text with the cost as
	// the JSON gives it, to the cent.
	for _, r := range ev.Cost.Resources {
		if !strings.Contains(txt, r.ID+" ("+r.Type+")") {
			t.Errorf("text lacks resource %s", r.ID)
		}
	}
	if !strings.Contains(txt, "Total") || !strings.Contains(txt, evUSD(ev.Cost.TotalUSDMonth)) {
		t.Error("text lacks the total")
	}
	for _, line := range strings.Split(txt, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing blank in %q", line)
		}
	}
}

func TestEvaluationFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{evUSD(0), "$0.00"},
		{evUSD(0.004), "<$0.01"},
		{evUSD(1234567.891), "$1,234,567.89"},
		{evQuantity(2000000), "2,000,000"},
		{evQuantity(392.6123), "392.6"},
		{evQuantity(0.28791), "0.2879"},
		{evUnitPrice(0.0000166667), "$0.0000166667"},
		{evNum(0.5000, 4), "0.5"},
		{evNum(-0.00001, 2), "0"},
		{evThousands("-1234.5"), "-1,234.5"},
		{evTarget("cost", &sim.ObjectiveScore{Target: ptr(200)}), "$200.00/month"},
		{evTarget("latency", &sim.ObjectiveScore{Target: ptr(500)}), "p99 500 ms"},
		{evTarget("availability", &sim.ObjectiveScore{Target: ptr(0.001)}), "error rate 0.1%"},
		{evTarget("deploy_safety", &sim.ObjectiveScore{Target: ptr(500.0026666), LeadTimeTargetMin: ptr(60)}), "500 failed req/release, lead 60 min"},
		{evTarget("compliance", &sim.ObjectiveScore{}), "-"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestEvaluationRoundTrip: a saved evaluation decodes to the same JSON.
func TestEvaluationRoundTrip(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "evaluate", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev := loadEvaluation(t, "seed.json")
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ev); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), data) {
		t.Error("seed.json does not survive a decode/encode round trip")
	}
}

func ptr(x float64) *float64 { return &x }
