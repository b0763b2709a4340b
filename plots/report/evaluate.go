package report

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/evoarch/evoarch/sim"
)

// EvaluationText renders one evaluation for a terminal: the monthly bill as
// a table per resource with its line items, then the fitness breakdown,
// the constraints, latency, compliance and deployments. It computes
// nothing: every number comes from ev.
func EvaluationText(ev *sim.Evaluation) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Scenario %s, template %s\n", ev.Scenario, ev.Template)
	fmt.Fprintf(&b, "Fitness %s (%s)\n\n", evNum(ev.Fitness, 4), evFeasibility(ev))

	fmt.Fprintf(&b, "Monthly cost %s%s\n\n", evUSD(ev.Cost.TotalUSDMonth), evCostNote(&ev.Cost))
	rows := [][]string{{"RESOURCE / ITEM", "QUANTITY", "UNIT", "UNIT PRICE", "USD/MONTH"}}
	for _, r := range ev.Cost.Resources {
		rows = append(rows, []string{r.ID + " (" + r.Type + ")", "", "", "", evUSD(r.USDMonth)})
		for _, l := range r.Lines {
			rows = append(rows, append([]string{"  " + l.Item}, strings.Split(evLineCells(l, "\x00"), "\x00")[:4]...))
		}
	}
	rows = append(rows, []string{"Total", "", "", "", evUSD(ev.Cost.TotalUSDMonth)})
	evAlignTable(&b, rows, map[int]bool{1: true, 3: true, 4: true})
	if len(ev.Cost.NotPriced) > 0 {
		fmt.Fprintf(&b, "Not priced (not in the total): %s\n", strings.Join(ev.Cost.NotPriced, ", "))
	}

	b.WriteString("\nFitness breakdown\n")
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "  OBJECTIVE\tWEIGHT\tTARGET\tUTILITY\tCONTRIBUTION\n")
	for _, name := range sim.ObjectiveNames() {
		s := ev.Score.Objective(name)
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", name, evNum(s.Weight, 2), evTarget(name, s), evUtilityCells(s, "\t"))
	}
	reg := ev.Score.Regularization
	fmt.Fprintf(w, "  regularization\tlambda %s\tcomplexity %s\t\t-%s\n", evNum(reg.Lambda, 3), evNum(evObjective(ev.Objectives.Complexity), 2), evNum(reg.Penalty, 4))
	fmt.Fprintf(w, "  fitness\t\t\t\t%s\n", evNum(ev.Fitness, 4))
	w.Flush()
	b.WriteString("  " + evUtilityNote + "\n")

	b.WriteString("\nObjectives\n")
	w = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, o := range evObjectiveRows(ev) {
		fmt.Fprintf(w, "  %s\t%s\n", o[0], o[1])
	}
	w.Flush()

	if len(ev.Constraints) > 0 {
		b.WriteString("\nConstraints\n")
		w = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for _, c := range ev.Constraints {
			fmt.Fprintf(w, "  %s\t%s\n", c.Name, evConstraintText(c))
		}
		w.Flush()
	}

	b.WriteString("\nLatency\n")
	if !ev.Latency.Computed {
		b.WriteString("  not computed\n")
	} else {
		w = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintf(w, "  FUNCTION\tP50 MS\tP95 MS\tP99 MS\tCOLD STARTS\tTHROTTLES\tTIMEOUTS\n")
		for _, f := range ev.Latency.Functions {
			fmt.Fprintf(w, "  %s\t%s\n", f.ID, strings.Join(evLatencyCells(f), "\t"))
		}
		w.Flush()
	}

	b.WriteString("\nCompliance\n")
	if !ev.Compliance.Computed {
		b.WriteString("  not computed\n")
	} else {
		pass, fail, na := evFindingCounts(ev.Compliance.Findings)
		fmt.Fprintf(&b, "  %d compliant, %d non-compliant, %d not applicable\n", pass, fail, na)
		for _, f := range ev.Compliance.Findings {
			if f.Status == "NON_COMPLIANT" {
				fmt.Fprintf(&b, "  NON_COMPLIANT %s %s: %s%s\n", f.Rule, f.Resource, f.Message, evSuppressed(f))
			}
		}
	}

	b.WriteString("\nDeployments\n")
	if len(ev.Deployments) == 0 {
		if ev.Score.DeploySafety.Computed {
			b.WriteString("  none\n")
		} else {
			b.WriteString("  not computed\n")
		}
	} else {
		w = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintf(w, "  FUNCTION\tTYPE\tLEAD TIME MIN\tFAILED REQUESTS/RELEASE\tDETECT PROBABILITY\n")
		for _, d := range ev.Deployments {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", d.Function, d.Type, evOpt(d.LeadTimeMin, 1), evOpt(d.ExpectedFailedRequests, 2), evOpt(d.DetectProbability, 3))
		}
		w.Flush()
	}

	if len(ev.Assumptions) > 0 {
		b.WriteString("\nAssumptions\n")
		for _, a := range ev.Assumptions {
			fmt.Fprintf(&b, "  - %s\n", a)
		}
	}
	return trimLines(b.Bytes())
}

// trimLines drops the trailing blanks tabwriter leaves after empty cells.
func trimLines(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, " ")
	}
	return bytes.Join(lines, []byte("\n"))
}

// EvaluationMarkdown renders one evaluation as markdown, with the same
// content as EvaluationText.
func EvaluationMarkdown(ev *sim.Evaluation) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Evaluation: %s\n\n", mdEscape(ev.Scenario))
	fmt.Fprintf(&b, "Template `%s`. Fitness **%s** (%s). Monthly cost **%s**%s.\n\n",
		strings.ReplaceAll(ev.Template, "`", "'"), evNum(ev.Fitness, 4), evFeasibility(ev), evUSD(ev.Cost.TotalUSDMonth), mdEscape(evCostNote(&ev.Cost)))

	b.WriteString("## Monthly cost\n\n")
	var rs [][]string
	for _, r := range ev.Cost.Resources {
		rs = append(rs, []string{"**" + r.ID + " (" + r.Type + ")**", "", "", "", "**" + evUSD(r.USDMonth) + "**"})
		for _, l := range r.Lines {
			rs = append(rs, append([]string{l.Item}, strings.Split(evLineCells(l, "\x00"), "\x00")[:4]...))
		}
	}
	rs = append(rs, []string{"**Total**", "", "", "", "**" + evUSD(ev.Cost.TotalUSDMonth) + "**"})
	evMdRawTable(&b, []string{"Resource / item", "Quantity", "Unit", "Unit price", "USD/month"}, rs)
	if len(ev.Cost.NotPriced) > 0 {
		fmt.Fprintf(&b, "Not priced (not in the total): %s.\n\n", mdEscape(strings.Join(ev.Cost.NotPriced, ", ")))
	}

	b.WriteString("## Fitness breakdown\n\n")
	rs = rs[:0]
	for _, name := range sim.ObjectiveNames() {
		s := ev.Score.Objective(name)
		rs = append(rs, append([]string{name, evNum(s.Weight, 2), evTarget(name, s)}, strings.Split(evUtilityCells(s, "\x00"), "\x00")...))
	}
	reg := ev.Score.Regularization
	rs = append(rs, []string{"regularization", "lambda " + evNum(reg.Lambda, 3), "complexity " + evNum(evObjective(ev.Objectives.Complexity), 2), "", "-" + evNum(reg.Penalty, 4)})
	rs = append(rs, []string{"**fitness**", "", "", "", "**" + evNum(ev.Fitness, 4) + "**"})
	evMdRawTable(&b, []string{"Objective", "Weight", "Target", "Utility", "Contribution"}, rs)
	b.WriteString(mdEscape(evUtilityNote) + "\n\n")

	b.WriteString("## Objectives\n\n")
	mdTable(&b, []string{"Objective", "Value"}, evObjectiveRows(ev))

	if len(ev.Constraints) > 0 {
		b.WriteString("## Constraints\n\n")
		rs = rs[:0]
		for _, c := range ev.Constraints {
			rs = append(rs, []string{c.Name, evConstraintText(c)})
		}
		mdTable(&b, []string{"Constraint", "Value"}, rs)
	}

	b.WriteString("## Latency\n\n")
	if !ev.Latency.Computed {
		b.WriteString("Not computed.\n\n")
	} else {
		rs = rs[:0]
		for _, f := range ev.Latency.Functions {
			rs = append(rs, append([]string{f.ID}, evLatencyCells(f)...))
		}
		mdTable(&b, []string{"Function", "p50 ms", "p95 ms", "p99 ms", "Cold starts", "Throttles", "Timeouts"}, rs)
	}

	b.WriteString("## Compliance\n\n")
	if !ev.Compliance.Computed {
		b.WriteString("Not computed.\n\n")
	} else {
		pass, fail, na := evFindingCounts(ev.Compliance.Findings)
		fmt.Fprintf(&b, "%d compliant, %d non-compliant, %d not applicable.\n\n", pass, fail, na)
		rs = rs[:0]
		for _, f := range ev.Compliance.Findings {
			if f.Status == "NON_COMPLIANT" {
				rs = append(rs, []string{f.Rule, f.Resource, f.Message + evSuppressed(f)})
			}
		}
		if len(rs) > 0 {
			mdTable(&b, []string{"Rule", "Resource", "Finding"}, rs)
		}
	}

	b.WriteString("## Deployments\n\n")
	switch {
	case len(ev.Deployments) > 0:
		rs = rs[:0]
		for _, d := range ev.Deployments {
			rs = append(rs, []string{d.Function, d.Type, evOpt(d.LeadTimeMin, 1), evOpt(d.ExpectedFailedRequests, 2), evOpt(d.DetectProbability, 3)})
		}
		mdTable(&b, []string{"Function", "Type", "Lead time min", "Failed requests/release", "Detect probability"}, rs)
	case ev.Score.DeploySafety.Computed:
		b.WriteString("None.\n\n")
	default:
		b.WriteString("Not computed.\n\n")
	}

	if len(ev.Assumptions) > 0 {
		b.WriteString("## Assumptions\n\n")
		for _, a := range ev.Assumptions {
			fmt.Fprintf(&b, "- %s\n", mdEscape(a))
		}
		b.WriteString("\n")
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// evMdRawTable is mdTable with numeric columns right-aligned and cells
// written **x** kept bold (their text escaped). A bold cell is bold as a
// whole or not at all.
func evMdRawTable(b *bytes.Buffer, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := range head {
		if i == 0 {
			b.WriteString(" --- |")
		} else {
			b.WriteString(" ---: |")
		}
	}
	b.WriteString("\n")
	for _, row := range rows {
		cells := make([]string, len(head))
		for i := range cells {
			if i < len(row) {
				c := row[i]
				if inner, ok := strings.CutPrefix(c, "**"); ok && strings.HasSuffix(inner, "**") {
					c = "**" + mdEscape(strings.TrimSuffix(inner, "**")) + "**"
				} else {
					c = mdEscape(c)
				}
				cells[i] = c
			}
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n")
}

func evFeasibility(ev *sim.Evaluation) string {
	if ev.Feasible {
		return "feasible"
	}
	return "infeasible: violation " + evNum(ev.Violation, 4)
}

func evCostNote(c *sim.Cost) string {
	var parts []string
	if c.DependsOnUsage == 1 {
		parts = append(parts, "1 line depends on usage")
	} else if c.DependsOnUsage > 1 {
		parts = append(parts, strconv.Itoa(c.DependsOnUsage)+" lines depend on usage")
	}
	if c.FreeTier {
		parts = append(parts, "free tier applied")
	} else {
		parts = append(parts, "free tier off")
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// evLineCells are a line's quantity, unit, unit price and cost, joined by sep.
func evLineCells(l sim.Line, sep string) string {
	if l.DependsOnUsage {
		return strings.Join([]string{"-", l.Unit, evUnitPrice(l.UnitPriceUSD), "depends on usage", ""}, sep)
	}
	cost := evUSD(l.USDMonth)
	if l.Note == "free tier" {
		cost = "free"
	}
	return strings.Join([]string{evQuantity(l.Quantity), l.Unit, evUnitPrice(l.UnitPriceUSD), cost, ""}, sep)
}

func evUtilityCells(s *sim.ObjectiveScore, sep string) string {
	if !s.Computed {
		return "not computed" + sep
	}
	return evNum(s.Utility, 4) + sep + evNum(s.Contribution, 4)
}

// evUtilityNote explains the breakdown's TARGET column and the fitness sum.
const evUtilityNote = "utility = target / (target + value), 1/2 at the target (deploy_safety: the mean of its two; compliance: the passing share); fitness = sum of contributions - lambda x complexity"

// evTarget is where objective name's utility is one half, in the
// objective's own terms (sim.ObjectiveScore.Target).
func evTarget(name string, s *sim.ObjectiveScore) string {
	if s.Target == nil {
		return "-"
	}
	t := *s.Target
	switch name {
	case "cost":
		return evUSD(t) + "/month"
	case "latency":
		return "p99 " + evNum(t, 1) + " ms"
	case "availability":
		return "error rate " + evNum(100*t, 4) + "%"
	case "deploy_safety":
		out := evNum(t, 1) + " failed req/release"
		if s.LeadTimeTargetMin != nil {
			out += ", lead " + evNum(*s.LeadTimeTargetMin, 1) + " min"
		}
		return out
	}
	return evNum(t, 4)
}

func evObjective(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// evObjectiveRows are the objectives with their units, "not computed" for
// null values.
func evObjectiveRows(ev *sim.Evaluation) [][]string {
	o := &ev.Objectives
	row := func(name string, v *float64, f func(float64) string) []string {
		if v == nil {
			return []string{name, "not computed"}
		}
		return []string{name, f(*v)}
	}
	ms := func(x float64) string { return evNum(x, 1) + " ms" }
	share := func(x float64) string { return evNum(x, 6) }
	return [][]string{
		row("cost_usd_month", o.CostUSDMonth, usd),
		row("latency_p50_ms", o.LatencyP50MS, ms),
		row("latency_p95_ms", o.LatencyP95MS, ms),
		row("latency_p99_ms", o.LatencyP99MS, ms),
		row("error_rate", o.ErrorRate, share),
		row("availability", o.Availability, share),
		row("compliance", o.Compliance, share),
		row("deploy_risk", o.DeployRisk, func(x float64) string { return evNum(x, 2) + " failed requests/release" }),
		row("lead_time_min", o.LeadTimeMin, func(x float64) string { return evNum(x, 1) + " min" }),
		row("complexity", o.Complexity, func(x float64) string { return evNum(x, 2) }),
	}
}

func evConstraintText(c sim.Constraint) string {
	if !c.Computed {
		return "not computed (limit " + evNum(c.Limit, 4) + ")"
	}
	verdict := "ok"
	if !c.OK {
		verdict = "VIOLATED"
	}
	return evNum(c.Value, 4) + " <= " + evNum(c.Limit, 4) + "  " + verdict
}

func evLatencyCells(f sim.FunctionLatency) []string {
	if !f.HasWorkload {
		return []string{"no workload", "", "", "", "", ""}
	}
	return []string{evNum(f.P50MS, 1), evNum(f.P95MS, 1), evNum(f.P99MS, 1), evPct(f.ColdStartRate), evPct(f.ThrottleRate), evPct(f.TimeoutRate)}
}

func evFindingCounts(fs []sim.Finding) (pass, fail, na int) {
	for _, f := range fs {
		switch f.Status {
		case "COMPLIANT":
			pass++
		case "NON_COMPLIANT":
			fail++
		default:
			na++
		}
	}
	return
}

func evSuppressed(f sim.Finding) string {
	if f.SuppressedBy == "" {
		return ""
	}
	return " (suppressed by " + f.SuppressedBy + ")"
}

// evUSD formats a monthly amount in dollars and cents; amounts under half a
// cent show as "<$0.01" so that a small cost is not read as none.
func evUSD(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case x == 0:
		return "$0.00"
	case x > 0 && x < 0.005:
		return "<$0.01"
	}
	return "$" + evThousands(strconv.FormatFloat(x, 'f', 2, 64))
}

// evUnitPrice formats a per-unit price with the significant digits it has.
func evUnitPrice(x float64) string {
	if x == 0 {
		return "-"
	}
	return "$" + strconv.FormatFloat(x, 'f', -1, 64)
}

// evQuantity formats a quantity: whole numbers with thousands separators,
// others to 4 significant decimals.
func evQuantity(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return evThousands(strconv.FormatFloat(x, 'f', 0, 64))
	}
	if math.Abs(x) >= 1000 {
		return evThousands(strconv.FormatFloat(x, 'f', 1, 64))
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// evNum formats x with at most prec decimals, trailing zeros dropped.
// evOpt prints a figure that may not be computed (nil) as "not computed".
func evOpt(x *float64, prec int) string {
	if x == nil {
		return "not computed"
	}
	return evNum(*x, prec)
}

func evNum(x float64, prec int) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func evPct(x float64) string { return evNum(100*x, 2) + "%" }

// evThousands puts commas in the integer part of a decimal number.
func evThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}

// evAlignTable writes rows as columns two spaces apart, the columns in right
// aligned to the right, the others to the left, without trailing blanks.
func evAlignTable(b *bytes.Buffer, rows [][]string, right map[int]bool) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}
