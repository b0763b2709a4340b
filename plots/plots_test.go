package plots

import (
	"bytes"
	"image/gif"
	"image/png"
	"math"
	"testing"
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
	add(Pareto([]ParetoPoint{{10, 300, 0.4}, {20, 150, 0.9}, {35, 90, 1}}, ParetoPoint{25, 400, 0.3}, ParetoPoint{20, 150, 0.9}))
	add(Roadmap([]RoadmapStep{{"v1", "today", 0.4}, {"v2", "Encryption at rest", 0.5}, {"v3", "Improved scalability", 0.6}}))
	add(CostBreakdown([]string{"fnA", "tableB", "bucketC"}, []float64{3, 5, 1}, []float64{2, 6, 1}))
	add(Sensitivity([]string{"fnA.MemorySize", "bucketC.Encryption"}, []string{"cost", "compliance"}, [][]float64{{0.1, 0}, {-0.02, 0.2}}))
	add(Rollout([]RolloutPoint{{"AllAtOnce", 0, 400, false}, {"Canary10Percent5Minutes", 5, 40, true}, {"Linear10PercentEvery1Minute", 10, 25, false}}))
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
