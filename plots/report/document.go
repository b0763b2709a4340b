package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
)

// Options control the documents.
type Options struct {
	// ImageExt is the extension of the image files markdown links to
	// ("svg" or "png"; default "svg").
	ImageExt string
	// GIF says whether population.gif exists beside the report.
	GIF bool
}

// build computes the view and renders the charts once.
func build(r *Run, opts Options) (*view, error) {
	v := newView(r)
	charts, err := Charts(r)
	if err != nil {
		return nil, err
	}
	for _, c := range charts {
		svg, err := c.SVG()
		if err != nil {
			return nil, err
		}
		v.Charts = append(v.Charts, chartView{Name: c.Name, Title: c.Title, SVG: svg})
	}
	v.HasGIF = opts.GIF
	return v, nil
}

// mdEscape escapes text for a markdown table cell or line.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

func mdTable(b *bytes.Buffer, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, row := range rows {
		cells := make([]string, len(head))
		for i := range cells {
			if i < len(row) {
				cells[i] = mdEscape(row[i])
			}
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n")
}

func rows[T ~[]string | [2]string | [3]string | [4]string | [5]string](in []T, n int) [][]string {
	out := make([][]string, len(in))
	for i, r := range in {
		row := make([]string, 0, n)
		for j := 0; j < n && j < len(r); j++ {
			row = append(row, r[j])
		}
		out[i] = row
	}
	return out
}

// Markdown renders the recommendation report as markdown; images are
// linked as <name>.<ImageExt> beside it.
func Markdown(r *Run, opts Options) ([]byte, error) {
	if opts.ImageExt == "" {
		opts.ImageExt = "svg"
	}
	v, err := build(r, opts)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(v.Title))
	mdTable(&b, []string{"", ""}, rows(v.Facts, 2))

	b.WriteString("## Recommendation: the next change\n\n")
	if v.HasNext {
		if v.NextSummary != "" {
			fmt.Fprintf(&b, "**%s**\n\n", mdEscape(v.NextSummary))
		}
		for _, w := range v.NextWhy {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(w))
		}
		mdTable(&b, []string{"gene", "today", "change to"}, rows(v.NextChanges, 3))
		mdTable(&b, []string{"figure", "today", "after the change"}, rows(v.NextFacts, 3))
		b.WriteString("`template.next.yaml` is today's template with this change applied; `changes.diff` shows the lines it changes.\n\n")
	} else {
		b.WriteString("No change within the allowed number of genes improves fitness: today's template is the best in its neighbourhood.\n\n")
		if v.NextSummary != "" {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(v.NextSummary))
		}
	}

	b.WriteString("## Roadmap\n\n")
	if len(v.Roadmap) > 0 {
		b.WriteString(roadmapIntro + "\n\n")
		if v.RoadmapNote != "" {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(v.RoadmapNote))
		}
		mdTable(&b, []string{"version", "what it buys", "changes", "fitness (gain)"}, rows(v.Roadmap, 4))
	} else {
		b.WriteString("No improving step was found.\n\n")
	}
	b.WriteString("## Fitness breakdown\n\n")
	b.WriteString(breakdownIntro + "\n\n")
	mdTable(&b, []string{"objective", "weight", "today", "best variant"}, rows(v.Score, 4))
	mdTable(&b, []string{"objective", "today", "best variant"}, rows(v.Objectives, 3))
	b.WriteString("## Constraints\n\n")
	if len(v.Constraints) > 0 {
		mdTable(&b, []string{"constraint", "limit", "today", "best variant"}, rows(v.Constraints, 4))
	} else {
		b.WriteString("The scenario sets no hard constraints.\n\n")
	}
	b.WriteString("## Compliance findings\n\n")
	fmt.Fprintf(&b, "Fixed by the best variant (%d):\n\n", len(v.Fixed))
	for _, f := range v.Fixed {
		fmt.Fprintf(&b, "- %s\n", mdEscape(f))
	}
	if len(v.Fixed) == 0 {
		b.WriteString("- none\n")
	}
	fmt.Fprintf(&b, "\nStill non-compliant in the best variant (%d):\n\n", len(v.Remaining))
	for _, f := range v.Remaining {
		fmt.Fprintf(&b, "- %s\n", mdEscape(f))
	}
	if len(v.Remaining) == 0 {
		b.WriteString("- none\n")
	}
	b.WriteString("\n## Cost by resource (USD per month)\n\n")
	mdTable(&b, []string{"resource", "today", "best variant"}, rows(v.Costs, 3))
	b.WriteString("## Plots\n\n")
	for _, c := range v.Charts {
		fmt.Fprintf(&b, "![%s](%s.%s)\n\n", mdEscape(c.Title), c.Name, opts.ImageExt)
	}
	if v.HasGIF {
		b.WriteString("![The population over the cost/latency plane, generation by generation](population.gif)\n\n")
	}
	b.WriteString("## Assumptions in force\n\n")
	for _, a := range v.Assumptions {
		fmt.Fprintf(&b, "- %s\n", mdEscape(a))
	}
	if len(v.Assumptions) == 0 {
		b.WriteString("The run recorded no assumptions.\n")
	}
	return b.Bytes(), nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"svg": func(b []byte) template.URL {
		return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(b))
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #0072b2; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; color: #0b4f7a; }
table { border-collapse: collapse; margin: .6rem 0 1rem; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #ccd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.summary { font-size: 1.1rem; background: #eef7ee; border-left: 4px solid #009e73; padding: .6rem .9rem; }
.none { color: #555; font-style: italic; }
.note { background: #fdf6e3; border-left: 4px solid #e69f00; padding: .4rem .8rem; }
figure { margin: 1rem 0; page-break-inside: avoid; }
figure img { width: 100%; max-width: 48rem; height: auto; border: 1px solid #dde; }
code { font-size: .9em; background: #f3f3f3; padding: 0 .2em; }
figcaption { font-size: .9rem; color: #444; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } table { page-break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<table>{{range .Facts}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}</table>

<h2>Recommendation: the next change</h2>
{{if .HasNext}}{{if .NextSummary}}<p class="summary">{{.NextSummary}}</p>{{end}}
{{range .NextWhy}}<p>{{.}}</p>
{{end}}
<table><tr><th>gene</th><th>today</th><th>change to</th></tr>{{range .NextChanges}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td><td>{{index . 2}}</td></tr>{{end}}</table>
<table><tr><th>figure</th><th>today</th><th>after the change</th></tr>{{range .NextFacts}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td class="num">{{index . 2}}</td></tr>{{end}}</table>
<p><code>template.next.yaml</code> is today's template with this change applied; <code>changes.diff</code> shows the lines it changes.</p>
{{else}}<p class="none">No change within the allowed number of genes improves fitness: today's template is the best in its neighbourhood.</p>{{if .NextSummary}}<p>{{.NextSummary}}</p>{{end}}{{end}}

<h2>Roadmap</h2>
{{if .Roadmap}}<p>{{.RoadmapIntro}}</p>
{{if .RoadmapNote}}<p class="note">{{.RoadmapNote}}</p>{{end}}
<table><tr><th>version</th><th>what it buys</th><th>changes</th><th>fitness (gain)</th></tr>{{range .Roadmap}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td><td>{{index . 2}}</td><td class="num">{{index . 3}}</td></tr>{{end}}</table>
{{else}}<p class="none">No improving step was found.</p>{{end}}

<h2>Fitness breakdown</h2>
<p>{{.BreakdownIntro}}</p>
<table><tr><th>objective</th><th>weight</th><th>today</th><th>best variant</th></tr>{{range .Score}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td class="num">{{index . 2}}</td><td class="num">{{index . 3}}</td></tr>{{end}}</table>
<table><tr><th>objective</th><th>today</th><th>best variant</th></tr>{{range .Objectives}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td class="num">{{index . 2}}</td></tr>{{end}}</table>

<h2>Constraints</h2>
{{if .Constraints}}<table><tr><th>constraint</th><th>limit</th><th>today</th><th>best variant</th></tr>{{range .Constraints}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td class="num">{{index . 2}}</td><td class="num">{{index . 3}}</td></tr>{{end}}</table>
{{else}}<p class="none">The scenario sets no hard constraints.</p>{{end}}

<h2>Compliance findings</h2>
<p>Fixed by the best variant ({{len .Fixed}}):</p>
<ul>{{range .Fixed}}<li>{{.}}</li>{{else}}<li class="none">none</li>{{end}}</ul>
<p>Still non-compliant in the best variant ({{len .Remaining}}):</p>
<ul>{{range .Remaining}}<li>{{.}}</li>{{else}}<li class="none">none</li>{{end}}</ul>

<h2>Cost by resource (USD per month)</h2>
<table><tr><th>resource</th><th>today</th><th>best variant</th></tr>{{range .Costs}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td class="num">{{index . 2}}</td></tr>{{end}}</table>

<h2>Plots</h2>
{{range .Charts}}<figure><img src="{{svg .SVG}}" alt="{{.Title}}"><figcaption>{{.Title}}</figcaption></figure>
{{end}}
<h2>Assumptions in force</h2>
{{if .Assumptions}}<ul>{{range .Assumptions}}<li>{{.}}</li>{{end}}</ul>
{{else}}<p class="none">The run recorded no assumptions.</p>{{end}}
</body>
</html>
`))

// Texts both documents share.
const (
	roadmapIntro   = "The steps lead from today's template to the best variant found. Each changes at most the allowed number of genes and raises fitness; the last one is the best variant."
	breakdownIntro = "Each objective's utility (0 to 1) times its weight is its contribution; fitness is their sum minus the regularization penalty. \"Best variant\" is the end of the roadmap."
)

// HTML renders the recommendation report as one self-contained HTML file:
// the plots are inline (SVG as data: images), with no scripts and no
// external styles or fonts; every string from a template or scenario is
// escaped by html/template.
func HTML(r *Run, opts Options) ([]byte, error) {
	v, err := build(r, opts)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	data := struct {
		*view
		RoadmapIntro, BreakdownIntro string
	}{v, roadmapIntro, breakdownIntro}
	if err := htmlTemplate.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("report: html: %w", err)
	}
	return b.Bytes(), nil
}
