package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Frame is one generation's population on the cost/latency plane.
type Frame struct {
	Generation int
	Points     []ParetoPoint
}

// GIF sizes: 12 cm x 8 cm at 72 dpi keeps an animation of 50 generations
// well under a megabyte.
const (
	gifWidth  = 12 * vg.Centimeter
	gifHeight = 8 * vg.Centimeter
	gifDPI    = 72
)

// PopulationGIF animates the population moving over the cost/latency plane,
// one frame per generation, delay in hundredths of a second between frames.
// The axes are fixed over all frames so the motion reads correctly.
func PopulationGIF(frames []Frame, delay int) ([]byte, error) {
	if len(frames) == 0 {
		return nil, ErrNoData
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, f := range frames {
		for _, pt := range f.Points {
			x, y := finite(pt.CostUSDMonth), finite(pt.LatencyP99MS)
			minX, maxX = math.Min(minX, x), math.Max(maxX, x)
			minY, maxY = math.Min(minY, y), math.Max(maxY, y)
		}
	}
	if math.IsInf(minX, 0) {
		return nil, ErrNoData
	}
	// An axis spanning more than a decade (a first generation of random
	// variants next to a converged population) is logarithmic, so the late
	// generations do not shrink to a dot.
	logX, logY := minX > 0 && maxX > 10*minX, minY > 0 && maxY > 10*minY
	padX, padY := (maxX-minX)*0.05+1e-9, (maxY-minY)*0.05+1e-9
	anim := &gif.GIF{}
	for _, f := range frames {
		p := newPlot(fmt.Sprintf("Population, generation %d", f.Generation), "cost (USD per month)", "p99 latency (ms)")
		p.X.Min, p.X.Max = minX-padX, maxX+padX
		p.Y.Min, p.Y.Max = minY-padY, maxY+padY
		if logX {
			p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
			p.X.Min, p.X.Max = minX/1.2, maxX*1.2
			p.X.Label.Text = "cost (USD per month, log scale)"
		}
		if logY {
			p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
			p.Y.Min, p.Y.Max = minY/1.2, maxY*1.2
			p.Y.Label.Text = "p99 latency (ms, log scale)"
		}
		for _, pt := range f.Points {
			s, err := plotter.NewScatter(plotter.XYs{{X: finite(pt.CostUSDMonth), Y: finite(pt.LatencyP99MS)}})
			if err != nil {
				return nil, fmt.Errorf("plots: gif: %w", err)
			}
			s.GlyphStyle.Color = complianceColour(pt.Compliance)
			s.GlyphStyle.Shape = vgdraw.CircleGlyph{}
			s.GlyphStyle.Radius = vg.Points(2.5)
			p.Add(s)
		}
		c := vgimg.NewWith(vgimg.UseWH(gifWidth, gifHeight), vgimg.UseDPI(gifDPI))
		p.Draw(vgdraw.New(c))
		img := c.Image()
		pal := image.NewPaletted(img.Bounds(), palette.WebSafe)
		draw.Draw(pal, img.Bounds(), img, image.Point{}, draw.Src)
		anim.Image = append(anim.Image, pal)
		anim.Delay = append(anim.Delay, delay)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return nil, fmt.Errorf("plots: gif: %w", err)
	}
	return buf.Bytes(), nil
}
