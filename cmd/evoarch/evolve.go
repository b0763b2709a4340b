package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/evolve"
	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

type evolveOptions struct {
	IO          *IO
	Template    string
	Scenario    string
	Sets        []string
	Format      string
	Algorithm   string
	Seed        int64
	Population  int
	Generations int
	Budget      int
	MaxChange   int
	Objectives  []string
	Workers     int
	Quiet       bool
	// Out is the report directory (--out); empty for none.
	Out string
	// Watch shows the search live on stderr, one frame per generation,
	// WatchDelay apart.
	Watch      bool
	WatchDelay time.Duration
	// Context, when set, replaces the Ctrl-C context (tests).
	Context context.Context
}

func newEvolveCmd(ios *IO, runF func(*evolveOptions) error) *cobra.Command {
	opts := &evolveOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "evolve [TEMPLATE]",
		Short: "Search the template's variants: best variant, next incremental change, roadmap",
		Long: `Search the genome of the template under the scenario for better variants and
print the next incremental change (the best variant reachable from the template
by changing at most --max-change genes, found by enumerating that neighbourhood
when it is small), a roadmap of steps from the template to the best variant
found (each changing at most --max-change genes and each improving fitness;
where no such step exists, the smallest improving bundle, marked as such), and
what each changed gene buys.

Algorithms: ga (default; genetic algorithm on eaopt), nsga2 (Pareto front over
--objectives, default cost,latency,compliance), random and hillclimb (baselines
at the same evaluation budget), exhaustive (every variant, refused when the
space is over 2,000,000 variants). Genes pinned by the scenario never change.
The same seed, inputs and flags give byte-identical output on any machine.

Ctrl-C stops the search and prints the best variant found so far.

Exit codes: 0 done; 1 no variant found meets the hard constraints; 2 bad input
(template, scenario, flag, or a space too large for exhaustive).`,
		Example: `  evoarch evolve
  evoarch evolve --scenario seed-demo --max-change 2 --format json
  evoarch evolve template.yaml --scenario my.yaml --algorithm nsga2 --objectives cost,latency
  evoarch evolve --algorithm random --budget 5000 --seed 7`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if err := checkAlgorithm(opts.Algorithm); err != nil {
				return err
			}
			for name, v := range map[string]int{"population": opts.Population, "generations": opts.Generations,
				"budget": opts.Budget, "max-change": opts.MaxChange, "workers": opts.Workers} {
				if v < 0 {
					return &FlagError{Err: fmt.Errorf("invalid --%s %d: must be 0 or more", name, v)}
				}
			}
			if len(args) == 1 {
				opts.Template = args[0]
			}
			if q, err := cmd.Flags().GetBool("quiet"); err == nil {
				opts.Quiet = q
			}
			if runF != nil {
				return runF(opts)
			}
			return evolveRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default seed-demo when no TEMPLATE)")
	f.StringArrayVar(&opts.Sets, "set", nil, "override a scenario value: KEY=VALUE (repeatable)")
	f.StringVar(&opts.Algorithm, "algorithm", evolve.GA, fmt.Sprintf("search algorithm: {%s}", strings.Join(evolve.Algorithms(), "|")))
	f.Int64Var(&opts.Seed, "seed", 1, "random seed: the same seed gives the same result")
	f.IntVar(&opts.Population, "population", evolve.DefaultPopulation, "population size (ga, nsga2)")
	f.IntVar(&opts.Generations, "generations", evolve.DefaultGenerations, "generation limit (ga, nsga2)")
	f.IntVar(&opts.Budget, "budget", 0, "distinct evaluations the search may spend (0: population x (generations+1) + generations x the one-gene moves of a variant)")
	f.IntVar(&opts.MaxChange, "max-change", evolve.DefaultMaxChange, "K: genes one next change or roadmap step may change")
	f.StringSliceVar(&opts.Objectives, "objectives", nil, fmt.Sprintf("nsga2 objectives, comma-separated: {%s} (default cost,latency,compliance)", strings.Join(evolve.ObjectiveNames(), "|")))
	f.IntVar(&opts.Workers, "workers", 0, "evaluation goroutines (0: all cores); the result does not depend on it")
	f.StringVarP(&opts.Out, "out", "o", "", "write the report into this directory: run.json, template.next.yaml, template.best.yaml, changes.diff, plots, report.md, report.html")
	f.BoolVar(&opts.Watch, "watch", false, "show the search live on stderr, generation by generation (for workshops)")
	f.DurationVar(&opts.WatchDelay, "watch-delay", 400*time.Millisecond, "pause between generations with --watch")
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

func checkAlgorithm(a string) error {
	for _, v := range evolve.Algorithms() {
		if a == v {
			return nil
		}
	}
	return &FlagError{Err: fmt.Errorf("invalid algorithm %q: valid values are {%s}", a, strings.Join(evolve.Algorithms(), "|"))}
}

func evolveRun(opts *evolveOptions) error {
	in, err := loadInputs(opts.Template, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	sp, plan, err := in.compile()
	if err != nil {
		return err
	}
	ctx := opts.Context
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
	}
	eo := evolve.Options{
		Algorithm: opts.Algorithm, Seed: opts.Seed, Population: opts.Population, Generations: opts.Generations,
		Budget: opts.Budget, MaxChange: opts.MaxChange, Objectives: opts.Objectives, Workers: opts.Workers,
	}
	var bar *progressbar.ProgressBar
	if opts.Watch {
		eo.Progress = watcher(opts, sp)
	} else if opts.IO.ErrTTY && !opts.Quiet && opts.Algorithm != evolve.Exhaustive {
		total := opts.Budget
		if total == 0 {
			total = max(1, opts.Population) * (max(0, opts.Generations) + 1)
		}
		bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(opts.IO.ErrOut),
			progressbar.OptionSetDescription("evolving"),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
		)
		eo.Progress = func(g evolve.Generation) { _ = bar.Set(min(g.Evaluations, total)) }
	}
	prob := problemOf(sp, plan)
	restoreGC := searchGC(opts.Budget)
	res, err := evolve.Run(ctx, prob, eo)
	restoreGC()
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		var se *evolve.SizeError
		if errors.As(err, &se) {
			return &InputError{Err: err}
		}
		return &FlagError{Err: err}
	}
	if res.StopReason == evolve.StopCancelled && !opts.Quiet {
		fmt.Fprintln(opts.IO.ErrOut, "evoarch: interrupted: printing the best variant found so far")
	}
	out := buildEvolveJSON(plan, in.Scenario.Name, res)
	if opts.Out != "" {
		if err := writeEvolveReport(opts, in, sp, res, out); err != nil {
			return err
		}
	}
	if opts.Format == "json" {
		err = writeJSON(opts.IO.Out, out)
	} else {
		err = writeEvolveText(opts.IO.Out, out, res, sp)
	}
	if err != nil {
		return err
	}
	if !res.BestMetrics.Feasible {
		if !opts.Quiet {
			fmt.Fprintln(opts.IO.ErrOut, "evoarch: no variant found meets the hard constraints")
		}
		return ErrNo
	}
	return nil
}

// evolveJSON is INTERFACE.md "evolve --format json", with added keys.
type evolveJSON struct {
	Scenario  string `json:"scenario"`
	Algorithm string `json:"algorithm"`
	Seed      int64  `json:"seed"`
	// MaxChange is K: the genes one next change or roadmap step may change.
	MaxChange   int    `json:"max_change"`
	Evaluations int    `json:"evaluations"`
	Generations int    `json:"generations"`
	StopReason  string `json:"stop_reason"`
	// SpaceSize is a decimal string: it may exceed JSON's exact integers.
	SpaceSize           string               `json:"space_size"`
	AnalysisEvaluations int                  `json:"analysis_evaluations"`
	Baseline            *sim.Evaluation      `json:"baseline"`
	Best                bestJSON             `json:"best"`
	NextChange          *nextChangeJSON      `json:"next_change"`
	Roadmap             []evolve.Step        `json:"roadmap"`
	RoadmapNote         string               `json:"roadmap_note,omitempty"`
	Objectives          []string             `json:"objectives,omitempty"`
	Pareto              []paretoJSON         `json:"pareto"`
	Compromise          *evolve.Compromise   `json:"compromise,omitempty"`
	Sensitivity         []evolve.Sensitivity `json:"sensitivity"`
	History             []evolve.Generation  `json:"history"`
	// Assumptions are the modelling assumptions in force: prices' dates,
	// decisions, scenario values (added key).
	Assumptions []assumptionJSON `json:"assumptions"`
	// Added with --out, so that 'report run.json' draws the same report:
	// each generation's population on the cost/latency plane, the rollout
	// comparison of the best variant, and the template's path.
	Population []popFrameJSON  `json:"population,omitempty"`
	Rollout    *rolloutOutJSON `json:"rollout,omitempty"`
	Template   string          `json:"template,omitempty"`
}

// nextChangeJSON is the next change with the objectives after it (added key).
type nextChangeJSON struct {
	*evolve.NextChange
	Objectives *sim.ObjectivesReport `json:"objectives,omitempty"`
}

// popFrameJSON is one generation: [cost, p99 latency, compliance] per member.
type popFrameJSON struct {
	Generation int          `json:"generation"`
	Points     [][3]float64 `json:"points"`
}

type bestJSON struct {
	*sim.Evaluation
	Changes []evolve.Change `json:"changes"`
}

type paretoJSON struct {
	Genome     sim.GenomeValues     `json:"genome"`
	Objectives sim.ObjectivesReport `json:"objectives"`
	Fitness    float64              `json:"fitness"`
}

func buildEvolveJSON(plan *sim.Plan, scenario string, res *evolve.Result) *evolveJSON {
	out := &evolveJSON{
		Scenario: scenario, Algorithm: res.Algorithm, Seed: res.Seed, MaxChange: res.MaxChange, Evaluations: res.Evaluations,
		Generations: res.Generations, StopReason: res.StopReason, SpaceSize: res.SpaceSize.String(),
		AnalysisEvaluations: res.AnalysisEvaluations,
		Baseline:            plan.Report(res.Baseline),
		Best:                bestJSON{Evaluation: plan.Report(res.Best), Changes: res.BestChanges},
		Roadmap:             res.Roadmap, RoadmapNote: res.RoadmapNote,
		Objectives: res.Objectives, Pareto: []paretoJSON{}, Compromise: res.Compromise,
		Sensitivity: res.Sensitivity, History: res.History, Assumptions: assumptionsOf(plan),
	}
	if res.NextChange != nil {
		out.NextChange = &nextChangeJSON{NextChange: res.NextChange}
		if len(res.NextChange.Changes) > 0 {
			out.NextChange.Objectives = &plan.Report(res.NextChange.Genome).Objectives
		}
	}
	for _, p := range res.Pareto {
		ev := plan.Report(p.Genome)
		out.Pareto = append(out.Pareto, paretoJSON{Genome: ev.Genome, Objectives: ev.Objectives, Fitness: ev.Fitness})
	}
	return out
}

// writeEvolveText prints the next change first, then the roadmap, the best
// variant, what each change buys, and the search's own figures.
func writeEvolveText(w io.Writer, out *evolveJSON, res *evolve.Result, sp *genome.Space) error {
	var b strings.Builder
	nc := res.NextChange
	scope := "exact"
	if !nc.Exact {
		scope = "local search"
	}
	size := fmt.Sprint(nc.Neighbourhood)
	if nc.Neighbourhood == math.MaxInt64 {
		size = "more than 9.2e18" // evolve saturates the count at MaxInt64
	}
	fmt.Fprintf(&b, "Next change (at most %d %s, %s over %s variants):\n", res.MaxChange, plural(res.MaxChange, "gene", "genes"), scope, size)
	fmt.Fprintf(&b, "  %s\n", nc.Summary)
	if len(nc.Changes) > 0 {
		fmt.Fprintf(&b, "  fitness %.4f -> %.4f (%+.4f)\n", res.BaselineMetrics.Fitness, nc.Fitness, nc.Delta)
		writeChanges(&b, nc.Changes, "  ")
	}
	b.WriteString("\nRoadmap to the best variant:\n")
	if len(res.Roadmap) == 0 {
		b.WriteString("  none: the template is the best variant found\n")
	}
	for _, st := range res.Roadmap {
		fmt.Fprintf(&b, "  %-4s %-26s fitness %.4f (%+.4f)  %s\n", st.Version, st.Label, st.Fitness, st.Delta, st.Summary)
	}
	if res.RoadmapNote != "" {
		fmt.Fprintf(&b, "  note: %s\n", res.RoadmapNote)
	}
	bm, base := &res.BestMetrics, &res.BaselineMetrics
	feasible := "feasible"
	if !bm.Feasible {
		feasible = fmt.Sprintf("INFEASIBLE (violation %.3f)", bm.Violation)
	}
	fmt.Fprintf(&b, "\nBest variant: fitness %.4f (template %.4f), %s, %d %s\n", bm.Fitness, base.Fitness, feasible,
		len(res.BestChanges), plural(len(res.BestChanges), "change", "changes"))
	fmt.Fprintf(&b, "  cost $%.2f/month (template $%.2f), p99 latency %.1f ms (%.1f), compliance %.3f (%.3f), deploy risk %.2f (%.2f)\n",
		bm.Objectives.CostUSDMonth, base.Objectives.CostUSDMonth, bm.Objectives.LatencyP99MS, base.Objectives.LatencyP99MS,
		bm.Objectives.Compliance, base.Objectives.Compliance, bm.Objectives.DeployRisk, base.Objectives.DeployRisk)
	writeChanges(&b, res.BestChanges, "  ")
	width := 0 // of the changed genes' names; 0 when none changed
	for _, s := range res.Sensitivity {
		if s.Changed {
			width = max(width, len(s.Gene))
		}
	}
	if width > 0 {
		b.WriteString("\nWhat each change buys (the best variant with that gene set back):\n")
		for _, s := range res.Sensitivity {
			if s.Changed {
				fmt.Fprintf(&b, "  %-*s  fitness %+.4f, cost %+.2f $/month, p99 %+.1f ms, compliance %+.3f\n", width, s.Gene,
					s.Fitness, s.Objectives.CostUSDMonth, s.Objectives.LatencyP99MS, s.Objectives.Compliance)
			}
		}
	}
	if len(res.Pareto) > 0 {
		fmt.Fprintf(&b, "\nPareto front over %s: %d variants\n", strings.Join(res.Objectives, ", "), len(res.Pareto))
		switch c := res.Compromise; {
		case c == nil || c.Index >= len(res.Pareto):
		case res.Algorithm != evolve.NSGA2 && res.Algorithm != evolve.Exhaustive:
			fmt.Fprintf(&b, "  (the non-dominated variants among those the search evaluated; --algorithm nsga2 searches for the front)\n")
		default:
			fmt.Fprintf(&b, "  recommended trade-off: %s\n", c.Explanation)
			cs := sp.Changes(res.Baseline, res.Pareto[c.Index].Genome)
			fmt.Fprintf(&b, "  variant %d changes %d %s from the template:\n", c.Index+1, len(cs), plural(len(cs), "gene", "genes"))
			writeChanges(&b, cs, "    ")
		}
	}
	fmt.Fprintf(&b, "\nSearch: %s, seed %d, %d evaluations (+%d for the analysis), %d generations, stopped: %s; %s variants\n",
		res.Algorithm, res.Seed, res.Evaluations, res.AnalysisEvaluations, res.Generations, res.StopReason, out.SpaceSize)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeChanges(b *strings.Builder, cs []evolve.Change, indent string) {
	for _, c := range cs {
		fmt.Fprintf(b, "%s%s: %s -> %s\n", indent, c.Gene, genome.FormatValue(c.From), genome.FormatValue(c.To))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// assumptionJSON is one modelling assumption in force (report.Assumption).
type assumptionJSON struct {
	Topic  string `json:"topic"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// assumptionsOf lists what a reader of the report must know to trust its
// numbers: the prices and their dates, the modelling decisions, and the
// scenario's values (or the defaults standing in for them).
func assumptionsOf(plan *sim.Plan) []assumptionJSON {
	sc := plan.Scenario()
	out := []assumptionJSON{}
	add := func(topic, value, source string) {
		out = append(out, assumptionJSON{Topic: topic, Value: value, Source: source})
	}
	// Prices: per service, the dates of the embedded list prices.
	if pr := plan.Prices(); pr != nil {
		dates := map[string]map[string]bool{}
		var services []string
		for _, p := range pr.All {
			if dates[p.Service] == nil {
				dates[p.Service] = map[string]bool{}
				services = append(services, p.Service)
			}
			dates[p.Service][p.Date] = true
		}
		sort.Strings(services)
		for _, svc := range services {
			var ds []string
			for d := range dates[svc] {
				ds = append(ds, d)
			}
			sort.Strings(ds)
			add("prices: "+svc, fmt.Sprintf("%s list prices dated %s", pr.Region, strings.Join(ds, ", ")), "aws-facts.md, embedded in sim/prices")
		}
	}
	add("month", "730 hours wherever an hourly price becomes a monthly one", "decisions.md")
	// The free tier (off by default) is among the evaluation's own
	// assumptions, which the report lists too.
	if sc.Pricing.FreeTier {
		add("free tier", "on: applied once per account across all resources", "scenario pricing.free_tier")
	}
	add("Lambda CPU", "CPU share = memory / 1,769 MB of one vCPU; single-threaded work gains nothing past 1,769 MB", "decisions.md")
	add("cold starts", "INIT durations by runtime and architecture, billed for cold starts", "decisions.md")
	add("deployment lead time", "AllAtOnce 0; CanaryXPercentNMinutes N; Linear10PercentEveryNMinutes 10 x N minutes", "decisions.md")
	add("compliance semantics", sc.SemanticsOr()+": "+map[string]string{
		"template": "a rule passes only on what the template declares",
		"deployed": "AWS service defaults count too",
	}[sc.SemanticsOr()], "scenario compliance.semantics (decisions.md)")
	add("region", sc.RegionOr(), "scenario region")
	var weights []string
	for _, w := range sim.ObjectiveNames() {
		weights = append(weights, fmt.Sprintf("%s %g", w, sc.Weight(w)))
	}
	add("objective weights", strings.Join(weights, ", "), "scenario objectives")
	src := func(given bool, key string) string {
		if given {
			return "scenario " + key
		}
		return "default: " + key + " not given"
	}
	add("cost target", fmt.Sprintf("the cost utility is 1/2 at $%g per month", sc.BudgetUSDMonthOr()), src(sc.BudgetGiven(), "targets.budget_usd_month"))
	add("latency target", fmt.Sprintf("the latency utility is 1/2 at a p99 of %g ms", sc.LatencySLOP99MSOr()), src(sc.LatencySLOGiven(), "targets.latency_slo_p99_ms"))
	add("error budget", fmt.Sprintf("the availability utility is 1/2 at an error rate of %g", sc.ErrorBudgetOr()), src(sc.Targets.ErrorBudget > 0, "targets.error_budget"))
	add("regularization", fmt.Sprintf("fitness = weighted utility - %g x complexity", sc.RegularizationOr()), src(sc.Given["regularization"] || sc.Regularization != 0, "regularization"))
	add("release model", fmt.Sprintf("%g%% of releases carry a defect, failing %g%% of the requests they serve; a defect no alarm or hook stops is rolled back after %g minutes",
		100*sc.Release.DefectRateOr(), 100*sc.Release.DefectErrorRateOr(), sc.Release.ManualDetectMinOr()), "scenario release, or its defaults")
	var cons []string
	if c := sc.Constraints.MaxCostUSDMonth; c > 0 {
		cons = append(cons, fmt.Sprintf("cost at most $%g per month", c))
	}
	if c := sc.Constraints.MaxLatencyP99MS; c > 0 {
		cons = append(cons, fmt.Sprintf("p99 latency at most %g ms", c))
	}
	if len(sc.Constraints.RequiredRules) > 0 {
		cons = append(cons, "required rules: "+strings.Join(sc.Constraints.RequiredRules, ", "))
	}
	if len(cons) == 0 {
		cons = append(cons, "none")
	}
	add("hard constraints", strings.Join(cons, "; "), "scenario constraints")
	pins := "none"
	if len(sc.Pin) > 0 {
		pins = strings.Join(sc.Pin, ", ")
	}
	add("pinned genes", pins, "scenario pin")
	return out
}

// problemOf is the search's problem on plan: the search evaluates with
// plan's lean evaluators (the application's p50 and p95 left out) where
// it reads neither, and evolve completes every Metrics it returns.
func problemOf(sp *genome.Space, plan *sim.Plan) evolve.Problem {
	return evolve.Problem{Space: sp,
		New:  func() func(genome.Genome, *sim.Metrics) { return plan.NewEvaluator().Evaluate },
		Lean: func() func(genome.Genome, *sim.Metrics) { return plan.NewLeanEvaluator().Evaluate },
	}
}
