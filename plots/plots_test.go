package plots

import (
	"bytes"
	"image/gif"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func charts(t *testing.T) []*Chart {
	t.Helper()
	var out []*Chart
	add := func(c *Chart, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	add(FitnessHistory([]float64{0.1, 0.3, 0.5, 0.55}, []float64{0.05, 0.2, 0.4, 0.5}))
	add(Pareto([]ParetoPoint{{10, 300, 0.4}, {20, 150, 0.9}, {35, 90, 1}}, ParetoPoint{25, 4000, 0.3}, ParetoPoint{25, 400, 0.4}, ParetoPoint{20, 150, 0.9}))
	add(Roadmap([]RoadmapStep{{"v1", "today", 0.4}, {"v2", "Encryption at rest", 0.5}, {"v3", "Improved scalability", 0.6}}))
	add(CostBreakdown([]string{"fnA", "tableB", "bucketC"}, []float64{3, 5, 1}, []float64{2, 6, 1}))
	add(Sensitivity([]string{"fnA.MemorySize", "bucketC.Encryption"}, []string{"cost", "compliance"}, [][]float64{{0.1, 0}, {-0.02, 0.2}}))
	add(Rollout([]RolloutPoint{{Label: "AllAtOnce", LeadTimeMin: 0, FailedRequests: 400}, {Label: "Canary10Percent5Minutes", LeadTimeMin: 5, FailedRequests: 40, Current: true},
		{Label: "Linear10PercentEvery1Minute", LeadTimeMin: 10, FailedRequests: 25, Function: "fnB"}, {Label: "AllAtOnce", FailedRequests: 0, Function: "fnB"}}))
	return out
}

func TestChartsRender(t *testing.T) {
	for _, c := range charts(t) {
		pngBytes, err := c.PNG()
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		img, err := png.Decode(bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", c.Name, err)
		}
		if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 300 {
			t.Errorf("%s: %v is too small", c.Name, b)
		}
		svg, err := c.SVG()
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s: SVG output has no <svg> element", c.Name)
		}
	}
}

// TestDeterministic: the same values render to the same bytes.
func TestDeterministic(t *testing.T) {
	a, b := charts(t), charts(t)
	for i := range a {
		for _, f := range []func(*Chart) ([]byte, error){(*Chart).PNG, (*Chart).SVG} {
			x, _ := f(a[i])
			y, _ := f(b[i])
			if !bytes.Equal(x, y) {
				t.Errorf("%s renders differently twice", a[i].Name)
			}
		}
	}
}

func TestNoDataAndNaN(t *testing.T) {
	if _, err := FitnessHistory(nil, nil); err != ErrNoData {
		t.Errorf("empty history: got %v, want ErrNoData", err)
	}
	if _, err := Roadmap(nil); err != ErrNoData {
		t.Errorf("empty roadmap: got %v, want ErrNoData", err)
	}
	c, err := FitnessHistory([]float64{math.NaN(), math.Inf(1), 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PNG(); err != nil {
		t.Errorf("NaN values must still render: %v", err)
	}
}

func TestPopulationGIF(t *testing.T) {
	frames := []Frame{
		{0, []ParetoPoint{{10, 300, 0.2}, {30, 100, 0.5}}},
		{1, []ParetoPoint{{12, 200, 0.6}, {25, 110, 0.9}}},
	}
	data, err := PopulationGIF(frames, 50)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 2 || g.Delay[1] != 50 {
		t.Errorf("got %d frames, delay %v", len(g.Image), g.Delay)
	}
	if _, err := PopulationGIF(nil, 10); err != ErrNoData {
		t.Errorf("no frames: got %v", err)
	}
}

func TestOverCommits(t *testing.T) {
	c, err := OverCommits("Fitness over commits", "fitness", []string{"a1 first", "b2 second", "c3 broken"},
		[]Series{{"fitness", []float64{0.2, 0.5, math.NaN()}}, {"cost", []float64{0.7, 0.6, math.NaN()}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PNG(); err != nil {
		t.Fatal(err)
	}
	if _, err := OverCommits("x", "y", nil, nil); err != ErrNoData {
		t.Errorf("no data: got %v", err)
	}
}

func TestShortStrategy(t *testing.T) {
	for in, want := range map[string]string{
		"AllAtOnce": "all at once", "Canary10Percent5Minutes": "canary 5m", "Canary10Percent30Minutes": "canary 30m",
		"Linear10PercentEvery1Minute": "linear 1m", "Linear10PercentEvery10Minutes": "linear 10m", "Custom": "Custom",
		"Canary10Percent5MinutesX": "Canary10Percent5MinutesX",
	} {
		if got := shortStrategy(in); got != want {
			t.Errorf("shortStrategy(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSensitivityGrows: the sensitivity chart grows with its genes and
// keeps at most sensitivityRows of them.
func TestSensitivityGrows(t *testing.T) {
	genes := make([]string, 20)
	deltas := make([][]float64, 20)
	for i := range genes {
		genes[i] = "fn" + string(rune('A'+i)) + ".MemorySize"
		deltas[i] = []float64{float64(i) / 20}
	}
	small, err := Sensitivity(genes[:2], []string{"cost"}, deltas[:2])
	if err != nil {
		t.Fatal(err)
	}
	big, err := Sensitivity(genes, []string{"cost"}, deltas)
	if err != nil {
		t.Fatal(err)
	}
	if small.height >= big.height || big.height < Height {
		t.Errorf("heights %v (2 genes) and %v (20 genes)", small.height, big.height)
	}
	if !strings.Contains(big.Title, "12 largest of 20") {
		t.Errorf("title %q does not say genes were left out", big.Title)
	}
}

// TestRolloutLabelsMerge: strategies that would print on one another share
// one label; distant ones keep their own.
func TestRolloutLabelsMerge(t *testing.T) {
	pts := []RolloutPoint{{Label: "AllAtOnce", FailedRequests: 500}, {Label: "Canary10Percent10Minutes", LeadTimeMin: 10, FailedRequests: 2},
		{Label: "Linear10PercentEvery1Minute", LeadTimeMin: 10, FailedRequests: 1.5}, {Label: "Linear10PercentEvery10Minutes", LeadTimeMin: 100, FailedRequests: 1.5}}
	xys := make(plotter.XYs, len(pts))
	for i, p := range pts {
		xys[i] = plotter.XY{X: p.LeadTimeMin, Y: p.FailedRequests}
	}
	got := rolloutLabels(pts, xys, 100)
	want := []string{"all at once", "canary 10m, linear 1m", "", "linear 10m"} // 90 minutes apart: two labels
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("labels %q, want %q", got, want)
	}
}
