package report

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/evoarch/evoarch/sim"
)

// objectiveOrder is the order objectives are listed in (INTERFACE.md).
var objectiveOrder = []string{
	"cost_usd_month", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "error_rate",
	"availability", "compliance", "deploy_risk", "lead_time_min", "complexity",
}

// view is what both documents show, computed once from a Run.
type view struct {
	Title       string
	Facts       [][2]string // run facts: label, value
	HasNext     bool
	NextSummary string
	// NextWhy says in words why the next change is recommended, and what
	// it costs and risks.
	NextWhy     []string
	NextChanges [][3]string // gene, from, to
	NextFacts   [][3]string // figure, today, after the change
	Roadmap     [][4]string // version, label, changes, fitness (delta)
	RoadmapNote string
	Score       [][5]string // objective, weight, today utility/contribution, best utility/contribution
	Objectives  [][3]string // objective, today, best
	Constraints [][4]string // name, limit, today, best
	Fixed       []string    // "rule on resource"
	Remaining   []string
	Costs       [][3]string // resource, today, best
	Assumptions []string
	Charts      []chartView
	HasGIF      bool
}

type chartView struct {
	Name, Title string
	SVG         []byte
}

func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 0):
		return "∞"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.1f", v)
	case math.Abs(v) >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.4f", v)
}

// field reads a number from a decoded JSON object; absent or not a number is 0.
func field(m map[string]any, k string) float64 {
	f, _ := m[k].(float64)
	return f
}

func usd(v float64) string { return fmt.Sprintf("$%.2f", v) }

// fit prints a fitness value: three decimals everywhere, so rows align.
func fit(v float64) string { return fmt.Sprintf("%.3f", v) }

// gain prints a fitness gain: as fit does, with two significant digits
// when it would round to 0.000.
func gain(v float64) string {
	if a := math.Abs(v); a > 0 && a < 0.0005 {
		return fmt.Sprintf("%.2g", v)
	}
	return fit(v)
}

func signed(v float64, f func(float64) string) string {
	if v >= 0 {
		return "+" + f(v)
	}
	return "-" + f(-v)
}

// value prints a gene value as JSON does (null for "not set").
func value(v any) string {
	if v == nil {
		return "not set"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.Trim(string(b), `"`)
}

func changesText(cs []Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s: %s → %s", c.Gene, value(c.From), value(c.To))
	}
	return strings.Join(parts, "; ")
}

func newView(r *Run) *view {
	v := &view{Title: "evoarch recommendation: " + r.Scenario}
	tpl := r.Template
	if tpl == "" {
		tpl = r.Baseline.Template
	}
	v.Facts = [][2]string{
		{"Template", tpl},
		{"Scenario", r.Scenario},
		{"Search", fmt.Sprintf("%s, seed %d, %d evaluations, %d generations", r.Algorithm, r.Seed, r.Evaluations, r.Generations)},
		{"Fitness today", fit(r.Baseline.Fitness)},
		{"Best fitness found", fmt.Sprintf("%s (%s)", fit(r.Best.Fitness), signed(r.Best.Fitness-r.Baseline.Fitness, fit))},
	}
	if n := r.NextChange; n != nil && len(n.Changes) > 0 {
		v.HasNext = true
		v.NextSummary = upperFirst(n.Summary)
		v.NextWhy = nextWhy(r, n)
		for _, c := range n.Changes {
			v.NextChanges = append(v.NextChanges, [3]string{c.Gene, value(c.From), value(c.To)})
		}
		v.NextFacts = append(v.NextFacts, [3]string{"fitness (higher is better)", fit(r.Baseline.Fitness), fmt.Sprintf("%s (%s)", fit(n.Fitness), signed(n.Delta, fit))})
		for _, name := range []string{"cost_usd_month", "latency_p99_ms", "compliance", "error_rate", "availability", "deploy_risk", "lead_time_min", "complexity"} {
			after, ok := n.Objectives[name]
			if !ok {
				continue
			}
			before := r.Baseline.Objectives[name]
			f := formatter(name)
			v.NextFacts = append(v.NextFacts, [3]string{objectiveLabel(name), f(before), fmt.Sprintf("%s (%s)", f(after), signed(after-before, f))})
		}
	} else if n != nil && n.Summary != "" {
		v.NextSummary = upperFirst(n.Summary)
	}
	if r.RoadmapNote != "" {
		v.RoadmapNote = "Note: " + r.RoadmapNote + "."
	}
	for i, s := range r.Roadmap {
		ver := s.Version
		if ver == "" {
			ver = fmt.Sprintf("v%d", i+1)
		}
		label := s.Label
		if s.Bundled {
			label += " (bundled: no smaller step improves)"
		}
		v.Roadmap = append(v.Roadmap, [4]string{ver, label, changesText(s.Changes), fmt.Sprintf("%s (%s)", fit(s.Fitness), signed(s.Delta, gain))})
	}
	for _, name := range sim.ObjectiveNames() {
		b, okb := r.Baseline.Score[name]
		e, oke := r.Best.Score[name]
		if !okb && !oke {
			continue
		}
		v.Score = append(v.Score, [5]string{name, num(field(b, "weight")),
			fmt.Sprintf("%s × %s = %s", num(field(b, "utility")), num(field(b, "weight")), num(field(b, "contribution"))),
			fmt.Sprintf("%s × %s = %s", num(field(e, "utility")), num(field(e, "weight")), num(field(e, "contribution"))), ""})
	}
	if b, ok := r.Baseline.Score["regularization"]; ok {
		e := r.Best.Score["regularization"]
		v.Score = append(v.Score, [5]string{"regularization (λ × complexity)", num(field(b, "lambda")),
			"−" + num(field(b, "penalty")), "−" + num(field(e, "penalty")), ""})
	}
	v.Score = append(v.Score, [5]string{"fitness", "", fit(r.Baseline.Fitness), fit(r.Best.Fitness), ""})
	for _, name := range objectiveOrder {
		b, okb := r.Baseline.Objectives[name]
		e, oke := r.Best.Objectives[name]
		if !okb && !oke {
			continue
		}
		f := formatter(name)
		v.Objectives = append(v.Objectives, [3]string{objectiveLabel(name), f(b), f(e)})
	}
	best := map[string]Constraint{}
	for _, c := range r.Best.Constraints {
		best[c.Name] = c
	}
	for _, c := range r.Baseline.Constraints {
		ok := func(c Constraint) string {
			if c.OK {
				return num(c.Value) + " ✓"
			}
			return num(c.Value) + " ✗"
		}
		v.Constraints = append(v.Constraints, [4]string{c.Name, num(c.Limit), ok(c), ok(best[c.Name])})
	}
	v.Fixed, v.Remaining = findingsDiff(r.Baseline.Compliance.Findings, r.Best.Compliance.Findings)
	ids, today, rec := costSeries(r)
	for i, id := range ids {
		v.Costs = append(v.Costs, [3]string{id, usd(today[i]), usd(rec[i])})
	}
	v.Costs = append(v.Costs, [3]string{"total", usd(r.Baseline.Cost.TotalUSDMonth), usd(r.Best.Cost.TotalUSDMonth)})
	for _, a := range r.Assumptions {
		line := a.Topic + ": " + a.Value
		if a.Source != "" {
			line += " (" + a.Source + ")"
		}
		v.Assumptions = append(v.Assumptions, line)
	}
	v.Assumptions = append(v.Assumptions, r.Baseline.Assumptions...)
	return v
}

// findingsDiff lists the findings non-compliant today and compliant in the
// best variant (fixed), and those still non-compliant there (remaining).
func findingsDiff(today, best []Finding) (fixed, remaining []string) {
	key := func(f Finding) string { return f.Rule + " on " + f.Resource }
	after := map[string]Finding{}
	for _, f := range best {
		after[key(f)] = f
	}
	for _, f := range today {
		if f.Status != "NON_COMPLIANT" {
			continue
		}
		if a, ok := after[key(f)]; ok && a.Status == "COMPLIANT" {
			fixed = append(fixed, key(f))
		}
	}
	for _, f := range best {
		if f.Status != "NON_COMPLIANT" {
			continue
		}
		s := key(f)
		if f.Suppressed != nil {
			s += fmt.Sprintf(" (suppressed by %s: %s)", f.Suppressed.By, f.Suppressed.Reason)
		}
		remaining = append(remaining, s)
	}
	sort.Strings(fixed)
	sort.Strings(remaining)
	return fixed, remaining
}

// objectiveLabels name the objectives for a reader, with their units.
var objectiveLabels = map[string]string{
	"cost_usd_month": "cost (USD per month)",
	"latency_p50_ms": "p50 latency (ms)",
	"latency_p95_ms": "p95 latency (ms)",
	"latency_p99_ms": "p99 latency (ms)",
	"error_rate":     "error rate (share of requests)",
	"availability":   "availability (share of requests served)",
	"compliance":     "compliance (share of rule checks passed)",
	"deploy_risk":    "deploy risk (failed requests per release)",
	"lead_time_min":  "deployment lead time (minutes)",
	"complexity":     "complexity (regularized)",
}

func objectiveLabel(name string) string {
	if l, ok := objectiveLabels[name]; ok {
		return l
	}
	return name
}

// formatter prints an objective's value: dollars for cost, percentages for
// shares, plain numbers otherwise.
func formatter(name string) func(float64) string {
	switch name {
	case "cost_usd_month":
		return usd
	case "error_rate", "availability", "compliance":
		return pct
	}
	return num
}

// pct prints a share as a percentage with two decimals.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f%%", 100*v)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// nextWhy explains the next change: how it was chosen, what it buys, what
// it costs and what it risks.
func nextWhy(r *Run, n *Step) []string {
	k := r.MaxChange
	if k == 0 {
		k = len(n.Changes)
	}
	genes := "genes"
	if k == 1 {
		genes = "gene"
	}
	var out []string
	how := fmt.Sprintf("Why this change: of the variants that change at most %d %s of today's template", k, genes)
	switch {
	case n.Exact && n.Neighbourhood > 0:
		how += fmt.Sprintf(" (%d, all of them simulated), it raises fitness most", n.Neighbourhood)
	case n.Neighbourhood > 0:
		how += fmt.Sprintf(" (%d, searched locally), it raises fitness most", n.Neighbourhood)
	default:
		how += ", it raises fitness most"
	}
	how += fmt.Sprintf(": from %s to %s (%s).", fit(r.Baseline.Fitness), fit(n.Fitness), signed(n.Delta, fit))
	out = append(out, how)
	if s := constraintNote(r, n); s != "" {
		out = append(out, s)
	}
	if after, ok := n.Objectives["cost_usd_month"]; ok {
		before := r.Baseline.Objectives["cost_usd_month"]
		d := after - before
		word := "Its cost: the monthly bill goes"
		switch {
		case math.Abs(d) < 0.005:
			out = append(out, fmt.Sprintf("Its cost: the monthly bill stays at %s.", usd(before)))
		default:
			out = append(out, fmt.Sprintf("%s from %s to %s (%s a month).", word, usd(before), usd(after), signed(d, usd)))
		}
	}
	if after, ok := n.Objectives["deploy_risk"]; ok {
		before := r.Baseline.Objectives["deploy_risk"]
		s := fmt.Sprintf("Its risk: a defective release is expected to fail %s requests before it is stopped (today %s)", num(after), num(before))
		if e, ok := n.Objectives["error_rate"]; ok {
			s += fmt.Sprintf("; %s of requests fail in normal operation (today %s)", pct(e), pct(r.Baseline.Objectives["error_rate"]))
		}
		out = append(out, s+".")
	}
	return out
}

// constraintNote says which hard constraints today's template breaks,
// whether the next change meets them, and whether the best variant does.
// A "max_<objective>" constraint is checked against the next change's
// objectives; others (required rules) only for today and the best.
func constraintNote(r *Run, n *Step) string {
	var broken []string
	nextOK := true
	for _, c := range r.Baseline.Constraints {
		if c.OK {
			continue
		}
		broken = append(broken, fmt.Sprintf("%s (%s against a limit of %s)", c.Name, num(c.Value), num(c.Limit)))
		after, ok := n.Objectives[strings.TrimPrefix(c.Name, "max_")]
		if !ok || !strings.HasPrefix(c.Name, "max_") || after > c.Limit {
			nextOK = false
		}
	}
	if len(broken) == 0 {
		return ""
	}
	s := "Today's template breaks the hard constraint " + strings.Join(broken, " and ") + ". "
	if len(broken) > 1 {
		s = "Today's template breaks the hard constraints " + strings.Join(broken, " and ") + ". "
	}
	if nextOK {
		return s + "This change meets it."
	}
	bestOK := true
	for _, c := range r.Best.Constraints {
		bestOK = bestOK && c.OK
	}
	s += "No change this small meets it alone; "
	if bestOK {
		for _, st := range r.Roadmap {
			if strings.Contains(st.Summary, "meets the hard constraints") {
				return s + "the roadmap meets it at " + st.Version + "."
			}
		}
		return s + "the best variant meets it (see the roadmap)."
	}
	return s + "no variant found meets it."
}
