package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
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
	f.IntVar(&opts.Budget, "budget", 0, "distinct evaluations the search may spend (0: population x (generations+1))")
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
	sp, err := genome.Derive(in.Template, in.Scenario)
	if err != nil {
		return &InputError{Err: err}
	}
	plan, err := sim.Compile(sp, in.Scenario)
	if err != nil {
		return &InputError{Err: err}
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
	prob := evolve.Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) {
		return plan.NewEvaluator().Evaluate
	}}
	res, err := evolve.Run(ctx, prob, eo)
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
		err = writeEvolveText(opts.IO.Out, out, res)
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
	Scenario    string `json:"scenario"`
	Algorithm   string `json:"algorithm"`
	Seed        int64  `json:"seed"`
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
	// Added with --out, so that 'report run.json' draws the same report:
	// each generation's population on the cost/latency plane, the rollout
	// comparison of the best variant, and the template's path.
	Population []popFrameJSON `json:"population,omitempty"`
	Rollout    *rolloutJSON   `json:"rollout,omitempty"`
	Template   string         `json:"template,omitempty"`
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
		Scenario: scenario, Algorithm: res.Algorithm, Seed: res.Seed, Evaluations: res.Evaluations,
		Generations: res.Generations, StopReason: res.StopReason, SpaceSize: res.SpaceSize.String(),
		AnalysisEvaluations: res.AnalysisEvaluations,
		Baseline:            plan.Report(res.Baseline),
		Best:                bestJSON{Evaluation: plan.Report(res.Best), Changes: res.BestChanges},
		Roadmap:             res.Roadmap, RoadmapNote: res.RoadmapNote,
		Objectives: res.Objectives, Pareto: []paretoJSON{}, Compromise: res.Compromise,
		Sensitivity: res.Sensitivity, History: res.History,
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
func writeEvolveText(w io.Writer, out *evolveJSON, res *evolve.Result) error {
	var b strings.Builder
	nc := res.NextChange
	scope := "exact"
	if !nc.Exact {
		scope = "local search"
	}
	fmt.Fprintf(&b, "Next change (at most %d %s, %s over %d variants):\n", res.MaxChange, plural(res.MaxChange, "gene", "genes"), scope, nc.Neighbourhood)
	if len(nc.Changes) == 0 {
		fmt.Fprintf(&b, "  %s\n", nc.Summary)
	} else {
		fmt.Fprintf(&b, "  %s\n", nc.Summary)
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
	changed := 0
	for _, s := range res.Sensitivity {
		if s.Changed {
			changed++
		}
	}
	if changed > 0 {
		b.WriteString("\nWhat each change buys (the best variant with that gene set back):\n")
		for _, s := range res.Sensitivity {
			if s.Changed {
				fmt.Fprintf(&b, "  %-50s fitness %+.4f, cost %+.2f $/month, p99 %+.1f ms, compliance %+.3f\n", s.Gene,
					s.Fitness, s.Objectives.CostUSDMonth, s.Objectives.LatencyP99MS, s.Objectives.Compliance)
			}
		}
	}
	if len(res.Pareto) > 0 {
		fmt.Fprintf(&b, "\nPareto front over %s: %d variants\n", strings.Join(res.Objectives, ", "), len(res.Pareto))
		if res.Compromise != nil {
			fmt.Fprintf(&b, "  recommended: %s\n", res.Compromise.Explanation)
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
