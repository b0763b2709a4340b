// Package plots draws evoarch's charts with gonum/plot: fitness over
// generations, the Pareto front, the roadmap as fitness over versions, the
// cost breakdown, objective sensitivity, the rollout trade-off, and an
// animated GIF of the population moving over the cost/latency plane.
//
// Each chart function takes plain values (the report package adapts the
// evolve and sim results to them) and returns a Chart that renders to PNG
// and SVG bytes. Rendering is deterministic: the same values give the same
// bytes.
package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Size of every chart: 16 cm x 10 cm (PNG at 96 dpi: 605 x 378 pixels).
const (
	Width  = 16 * vg.Centimeter
	Height = 10 * vg.Centimeter
)

// Chart is one figure, ready to render.
type Chart struct {
	// Name is the file stem the report uses ("fitness", "pareto", ...).
	Name string
	// Title is the figure's caption.
	Title string
	p     *plot.Plot
	// height overrides Height for charts that grow with their data.
	height vg.Length
}

// PNG renders the chart as PNG bytes.
func (c *Chart) PNG() ([]byte, error) { return c.render("png") }

// SVG renders the chart as SVG bytes.
func (c *Chart) SVG() ([]byte, error) { return c.render("svg") }

func (c *Chart) render(format string) ([]byte, error) {
	h := Height
	if c.height > h {
		h = c.height
	}
	w, err := c.p.WriterTo(Width, h, format)
	if err != nil {
		return nil, fmt.Errorf("plots: %s: %w", c.Name, err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: %s: %w", c.Name, err)
	}
	return buf.Bytes(), nil
}

// Palette: colour-blind safe (Okabe-Ito).
var (
	blue    = color.RGBA{0, 114, 178, 255}
	orange  = color.RGBA{230, 159, 0, 255}
	green   = color.RGBA{0, 158, 115, 255}
	red     = color.RGBA{213, 94, 0, 255}
	purple  = color.RGBA{204, 121, 167, 255}
	grey    = color.RGBA{120, 120, 120, 255}
	skyBlue = color.RGBA{86, 180, 233, 255}
)

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Title.TextStyle.Font.Size = font.Length(12)
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// ErrNoData is returned when a chart has nothing to draw.
var ErrNoData = errors.New("plots: no data to draw")

// FitnessHistory charts the best and mean fitness per generation.
func FitnessHistory(best, mean []float64) (*Chart, error) {
	if len(best) == 0 {
		return nil, ErrNoData
	}
	p := newPlot("Fitness over generations", "generation", "fitness (higher is better)")
	for _, s := range []struct {
		name string
		ys   []float64
		c    color.Color
		dash bool
	}{{"best", best, blue, false}, {"mean", mean, orange, true}} {
		if len(s.ys) == 0 {
			continue
		}
		pts := make(plotter.XYs, len(s.ys))
		for i, y := range s.ys {
			pts[i] = plotter.XY{X: float64(i), Y: finite(y)}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: fitness: %w", err)
		}
		l.Color = s.c
		l.Width = vg.Points(1.5)
		if s.dash {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	return &Chart{Name: "fitness", Title: "Fitness over generations", p: p}, nil
}

// ParetoPoint is one variant on the cost/latency plane.
type ParetoPoint struct {
	CostUSDMonth float64
	LatencyP99MS float64
	Compliance   float64 // 0..1, drawn as colour
}

// Pareto charts the front (cost against p99 latency, compliance as colour)
// with today's template, the next change and the best variant marked. The
// latency axis is logarithmic when the values span more than a decade (a
// template that throttles next to variants that do not).
func Pareto(front []ParetoPoint, today, next, best ParetoPoint) (*Chart, error) {
	p := newPlot("Pareto front: cost against p99 latency", "cost (USD per month)", "p99 latency (ms)")
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pt := range append(append([]ParetoPoint(nil), front...), today, next, best) {
		lo, hi = math.Min(lo, finite(pt.LatencyP99MS)), math.Max(hi, finite(pt.LatencyP99MS))
	}
	if lo > 0 && hi > 10*lo {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text = "p99 latency (ms, log scale)"
	}
	for _, pt := range front {
		s, err := plotter.NewScatter(plotter.XYs{{X: finite(pt.CostUSDMonth), Y: finite(pt.LatencyP99MS)}})
		if err != nil {
			return nil, fmt.Errorf("plots: pareto: %w", err)
		}
		s.GlyphStyle.Color = complianceColour(pt.Compliance)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = vg.Points(3.5)
		p.Add(s)
	}
	if len(front) > 0 {
		p.Legend.Add("front (colour: compliance, red 0 to green 1)", legendGlyph(complianceColour(1), draw.CircleGlyph{}))
	}
	marks := []struct {
		name  string
		pt    ParetoPoint
		c     color.Color
		shape draw.GlyphDrawer
	}{{"today", today, grey, draw.BoxGlyph{}}}
	if next != today {
		marks = append(marks, struct {
			name  string
			pt    ParetoPoint
			c     color.Color
			shape draw.GlyphDrawer
		}{"after the next change", next, purple, draw.RingGlyph{}})
	}
	marks = append(marks, struct {
		name  string
		pt    ParetoPoint
		c     color.Color
		shape draw.GlyphDrawer
	}{"best variant", best, blue, draw.PyramidGlyph{}})
	for _, m := range marks {
		s, err := plotter.NewScatter(plotter.XYs{{X: finite(m.pt.CostUSDMonth), Y: finite(m.pt.LatencyP99MS)}})
		if err != nil {
			return nil, fmt.Errorf("plots: pareto: %w", err)
		}
		s.GlyphStyle.Color = m.c
		s.GlyphStyle.Shape = m.shape
		s.GlyphStyle.Radius = vg.Points(5)
		p.Add(s)
		p.Legend.Add(m.name, s)
	}
	return &Chart{Name: "pareto", Title: "Pareto front: cost against p99 latency", p: p}, nil
}

func legendGlyph(c color.Color, shape draw.GlyphDrawer) plot.Thumbnailer {
	s, _ := plotter.NewScatter(plotter.XYs{{}})
	s.GlyphStyle.Color = c
	s.GlyphStyle.Shape = shape
	s.GlyphStyle.Radius = vg.Points(3.5)
	return s
}

// complianceColour maps 0..1 from red through orange to green.
func complianceColour(v float64) color.Color {
	v = math.Max(0, math.Min(1, finite(v)))
	lerp := func(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t) }
	if v < 0.5 {
		t := v / 0.5
		return color.RGBA{lerp(red.R, orange.R, t), lerp(red.G, orange.G, t), lerp(red.B, orange.B, t), 255}
	}
	t := (v - 0.5) / 0.5
	return color.RGBA{lerp(orange.R, green.R, t), lerp(orange.G, green.G, t), lerp(orange.B, green.B, t), 255}
}

// RoadmapStep is one version of the roadmap.
type RoadmapStep struct {
	Version string // "v1", "v2", ...
	Label   string // what the step mainly buys
	Fitness float64
}

// Roadmap charts fitness over versions v1..vN with each step's label, the
// talk's "fitness over time" chart.
func Roadmap(steps []RoadmapStep) (*Chart, error) {
	if len(steps) == 0 {
		return nil, ErrNoData
	}
	p := newPlot("Roadmap: fitness over versions", "version", "fitness")
	pts := make(plotter.XYs, len(steps))
	names := make([]string, len(steps))
	labels := make([]string, len(steps))
	for i, s := range steps {
		pts[i] = plotter.XY{X: float64(i), Y: finite(s.Fitness)}
		names[i] = s.Version
		labels[i] = s.Label
	}
	l, sc, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, fmt.Errorf("plots: roadmap: %w", err)
	}
	l.Color, sc.GlyphStyle.Color = blue, blue
	l.Width = vg.Points(1.5)
	p.Add(l, sc)
	// Step labels fit beside the points of a short roadmap; a long one
	// keeps only the versions (the report's table names every step).
	if len(steps) <= 8 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
		if err != nil {
			return nil, fmt.Errorf("plots: roadmap: %w", err)
		}
		lb.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(4)}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = font.Length(8)
		}
		p.Add(lb)
	}
	p.NominalX(names...)
	p.X.Max = float64(len(steps)-1) + 0.8 // room for the last label
	pad := (p.Y.Max-p.Y.Min)*0.1 + 1e-3
	p.Y.Min, p.Y.Max = p.Y.Min-pad, p.Y.Max+pad
	return &Chart{Name: "roadmap", Title: "Roadmap: fitness over versions", p: p}, nil
}

// CostBreakdown charts the monthly cost per resource, today against the
// recommended (best) variant, as grouped bars.
func CostBreakdown(resources []string, today, recommended []float64) (*Chart, error) {
	if len(resources) == 0 || len(today) != len(resources) || len(recommended) != len(resources) {
		return nil, ErrNoData
	}
	p := newPlot("Monthly cost by resource", "", "USD per month")
	p.Legend.Left = true
	// Bars share the plot's width: two per resource with a gap between.
	w := vg.Points(math.Min(24, 300/float64(2*len(resources)+1)))
	for i, s := range []struct {
		name string
		vs   []float64
		c    color.Color
	}{{"today", today, grey}, {"best variant", recommended, blue}} {
		vals := make(plotter.Values, len(s.vs))
		for j, v := range s.vs {
			vals[j] = finite(v)
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, fmt.Errorf("plots: cost: %w", err)
		}
		b.Color = s.c
		b.LineStyle.Width = 0
		b.Offset = w * vg.Length(2*i-1) / 2
		p.Add(b)
		p.Legend.Add(s.name, b)
	}
	p.NominalX(resources...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.Font.Size = font.Length(7)
	p.Y.Min = 0
	p.Y.Max *= 1.15 // room for the legend
	return &Chart{Name: "cost", Title: "Monthly cost by resource", p: p}, nil
}

// sensitivityRows is the most genes the sensitivity chart shows (the first
// ones given: the report passes them by fitness bought, largest first).
const sensitivityRows = 12

// Sensitivity charts which gene moved which objective: deltas[i][j] is
// gene i's effect on objective j, as a share of the largest effect on that
// objective (positive is an improvement), so objectives in different units
// share one axis. Genes are rows, the first at the top, as horizontal bar
// groups; the chart grows taller with the number of genes.
func Sensitivity(genes, objectives []string, deltas [][]float64) (*Chart, error) {
	if len(genes) == 0 || len(objectives) == 0 || len(deltas) != len(genes) {
		return nil, ErrNoData
	}
	title := "Which decision bought what"
	if len(genes) > sensitivityRows {
		title = fmt.Sprintf("Which decision bought what (the %d largest of %d changes)", sensitivityRows, len(genes))
		genes, deltas = genes[:sensitivityRows], deltas[:sensitivityRows]
	}
	p := newPlot(title, "effect as a share of the largest on that objective (right is better)", "")
	colours := []color.Color{blue, orange, green, red, purple, skyBlue, grey}
	n := len(objectives)
	rows := len(genes)
	// Each gene's group spans 0.8 of a row.
	rowH := vg.Points(22)
	w := rowH * 0.8 / vg.Length(n)
	for j, name := range objectives {
		vals := make(plotter.Values, rows)
		for i := range genes {
			if j < len(deltas[i]) {
				// Row 0 is drawn at the bottom: the first gene goes last.
				vals[rows-1-i] = finite(deltas[i][j])
			}
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, fmt.Errorf("plots: sensitivity: %w", err)
		}
		b.Horizontal = true
		b.Color = colours[j%len(colours)]
		b.LineStyle.Width = 0
		// The first objective at the top of its group.
		b.Offset = -w * (vg.Length(j) - vg.Length(n-1)/2)
		p.Add(b)
		p.Legend.Add(name, b)
	}
	names := make([]string, rows)
	for i, g := range genes {
		names[rows-1-i] = g
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = font.Length(7)
	p.X.Label.TextStyle.Font.Size = font.Length(9)
	p.X.Min, p.X.Max = -1.05, 1.9 // room on the right for the legend
	p.X.Tick.Marker = plot.ConstantTicks{{Value: -1, Label: "-1"}, {Value: -0.5, Label: "-0.5"}, {Value: 0, Label: "0"},
		{Value: 0.5, Label: "0.5"}, {Value: 1, Label: "1"}}
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(rows) - 0.5}})
	if err != nil {
		return nil, fmt.Errorf("plots: sensitivity: %w", err)
	}
	zero.Color = grey
	p.Add(zero)
	h := rowH*vg.Length(rows) + 3*vg.Centimeter
	return &Chart{Name: "sensitivity", Title: title, p: p, height: h}, nil
}

// RolloutPoint is one deployment strategy of one function.
type RolloutPoint struct {
	Label          string // strategy (and function)
	LeadTimeMin    float64
	FailedRequests float64 // expected failed requests per release
	Current        bool    // the template's own strategy
	// Function groups the points by colour when several functions are
	// drawn; Label is then the strategy alone.
	Function string
}

// rolloutFloor is the smallest expected failed-request count drawn on the
// logarithmic axis; smaller values (0 included) are drawn at it.
const rolloutFloor = 0.1

// shortStrategy abbreviates a CodeDeploy deployment type for a label:
// "Canary10Percent5Minutes" reads "canary 5m", "Linear10PercentEvery1Minute"
// "linear 1m"; other labels are kept.
func shortStrategy(s string) string {
	var n int
	switch {
	case s == "AllAtOnce":
		return "all at once"
	case scan(s, "Canary10Percent%dMinutes", &n):
		return fmt.Sprintf("canary %dm", n)
	case scan(s, "Linear10PercentEvery%dMinutes", &n), scan(s, "Linear10PercentEvery%dMinute", &n):
		return fmt.Sprintf("linear %dm", n)
	}
	return s
}

func scan(s, format string, n *int) bool {
	var rest string
	k, _ := fmt.Sscanf(s+" x", format+" %s", n, &rest)
	return k == 2
}

// Rollout charts the speed-against-control trade-off: lead time against
// blast radius (logarithmic) for each strategy, one colour per function.
func Rollout(points []RolloutPoint) (*Chart, error) {
	if len(points) == 0 {
		return nil, ErrNoData
	}
	p := newPlot("Rollout trade-off: speed against control", "lead time (minutes)", "expected failed requests per defective release (log scale)")
	p.Y.Label.TextStyle.Font.Size = font.Length(9)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	colours := []color.Color{blue, orange, green, purple, skyBlue, grey}
	var groups []string
	byGroup := map[string][]RolloutPoint{}
	for _, pt := range points {
		if _, ok := byGroup[pt.Function]; !ok {
			groups = append(groups, pt.Function)
		}
		byGroup[pt.Function] = append(byGroup[pt.Function], pt)
	}
	var cur plotter.XYs
	minY, maxY := math.Inf(1), math.Inf(-1)
	maxX := 0.0
	for _, pt := range points {
		maxX = math.Max(maxX, finite(pt.LeadTimeMin))
	}
	for gi, g := range groups {
		var xys plotter.XYs
		for _, pt := range byGroup[g] {
			y := math.Max(rolloutFloor, finite(pt.FailedRequests))
			minY, maxY = math.Min(minY, y), math.Max(maxY, y)
			xy := plotter.XY{X: finite(pt.LeadTimeMin), Y: y}
			xys = append(xys, xy)
			if pt.Current {
				cur = append(cur, xy)
			}
		}
		labels := rolloutLabels(byGroup[g], xys, maxX)
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("plots: rollout: %w", err)
		}
		s.GlyphStyle.Color = colours[gi%len(colours)]
		s.GlyphStyle.Radius = vg.Points(3)
		p.Add(s)
		name := g
		if name == "" {
			name = "strategy"
		}
		p.Legend.Add(name, s)
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return nil, fmt.Errorf("plots: rollout: %w", err)
		}
		// One function's labels above its points, the next one's below.
		lb.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(2)}
		if gi%2 == 1 {
			lb.Offset.Y = vg.Points(-9)
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = font.Length(7)
			lb.TextStyle[i].Color = colours[gi%len(colours)]
		}
		p.Add(lb)
	}
	if len(cur) > 0 {
		c, err := plotter.NewScatter(cur)
		if err != nil {
			return nil, fmt.Errorf("plots: rollout: %w", err)
		}
		c.GlyphStyle.Color = red
		c.GlyphStyle.Shape = draw.RingGlyph{}
		c.GlyphStyle.Radius = vg.Points(6)
		p.Add(c)
		p.Legend.Add("today's strategy", c)
	}
	// A floor the log axis accepts, and room above for the legend.
	p.Y.Min = math.Max(rolloutFloor, minY/2)
	p.Y.Max = math.Max(maxY*4, p.Y.Min*10)
	p.X.Max *= 1.2 // room for the labels of the slowest strategies
	return &Chart{Name: "rollout", Title: "Rollout trade-off: speed against control", p: p}, nil
}

// rolloutLabels labels each point with its short strategy name; points
// that would print on top of one another (within 35% of the lead-time axis
// and a factor of 1.6 in failed requests) share one label, "canary 10m, linear
// 1m", on the first of them, and the others stay unlabelled.
func rolloutLabels(pts []RolloutPoint, xys plotter.XYs, maxX float64) []string {
	labels := make([]string, len(pts))
	owner := make([]int, len(pts))
	span := math.Max(maxX, 1)
	for i := range pts {
		owner[i] = i
		for j := 0; j < i; j++ {
			if owner[j] == j && math.Abs(xys[i].X-xys[j].X) < 0.35*span && math.Abs(math.Log(xys[i].Y/xys[j].Y)) < math.Log(1.6) {
				owner[i] = j
				break
			}
		}
		o := owner[i]
		if labels[o] != "" {
			labels[o] += ", "
		}
		labels[o] += shortStrategy(pts[i].Label)
	}
	return labels
}

// finite replaces NaN and infinities, which gonum/plot refuses, by 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// Series is one named line of values, one per x position.
type Series struct {
	Name   string
	Values []float64
}

// OverCommits charts several series over labelled x positions (commits, or
// versions), the talk's product dashboard: fitness and each objective's
// utility from the first release to the last.
func OverCommits(title, yLabel string, xLabels []string, series []Series) (*Chart, error) {
	if len(xLabels) == 0 || len(series) == 0 {
		return nil, ErrNoData
	}
	p := newPlot(title, "", yLabel)
	colours := []color.Color{blue, orange, green, red, purple, skyBlue, grey}
	for i, s := range series {
		pts := make(plotter.XYs, 0, len(s.Values))
		for x, y := range s.Values {
			if math.IsNaN(y) {
				continue // a commit that could not be evaluated
			}
			pts = append(pts, plotter.XY{X: float64(x), Y: finite(y)})
		}
		if len(pts) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: %s: %w", title, err)
		}
		c := colours[i%len(colours)]
		l.Color, sc.GlyphStyle.Color = c, c
		l.Width = vg.Points(1.5)
		if i > 0 {
			l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		}
		p.Add(l, sc)
		p.Legend.Add(s.Name, l)
	}
	p.NominalX(xLabels...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.Font.Size = font.Length(7)
	return &Chart{Name: "history", Title: title, p: p}, nil
}
