package report

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// objectiveOrder is the order objectives are listed in (INTERFACE.md).
var objectiveOrder = []string{
	"cost_usd_month", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "error_rate",
	"availability", "compliance", "deploy_risk", "lead_time_min", "complexity",
}

// scoreOrder is the order of the fitness breakdown's objectives.
var scoreOrder = []string{"cost", "latency", "compliance", "availability", "deploy_safety"}

// view is what both documents show, computed once from a Run.
type view struct {
	Title       string
	Facts       [][2]string // run facts: label, value
	HasNext     bool
	NextSummary string
	NextChanges [][3]string // gene, from, to
	NextFacts   [][3]string // figure, today, after the change
	Roadmap     [][4]string // version, label, changes, fitness
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
		v.NextSummary = n.Summary
		for _, c := range n.Changes {
			v.NextChanges = append(v.NextChanges, [3]string{c.Gene, value(c.From), value(c.To)})
		}
		v.NextFacts = append(v.NextFacts, [3]string{"fitness", fit(r.Baseline.Fitness), fmt.Sprintf("%s (%s)", fit(n.Fitness), signed(n.Delta, fit))})
		for _, name := range []string{"cost_usd_month", "latency_p99_ms", "compliance", "error_rate", "deploy_risk", "lead_time_min", "complexity"} {
			after, ok := n.Objectives[name]
			if !ok {
				continue
			}
			before := r.Baseline.Objectives[name]
			f := num
			if name == "cost_usd_month" {
				f = usd
			}
			v.NextFacts = append(v.NextFacts, [3]string{name, f(before), fmt.Sprintf("%s (%s)", f(after), signed(after-before, f))})
		}
	}
	for i, s := range r.Roadmap {
		ver := s.Version
		if ver == "" {
			ver = fmt.Sprintf("v%d", i+2)
		}
		v.Roadmap = append(v.Roadmap, [4]string{ver, s.Label, changesText(s.Changes), fit(s.Fitness)})
	}
	for _, name := range scoreOrder {
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
		f := num
		if name == "cost_usd_month" {
			f = usd
		}
		v.Objectives = append(v.Objectives, [3]string{name, f(b), f(e)})
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
