package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/plots"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim"
)

type historyOptions struct {
	IO       *IO
	Quiet    *bool
	Template string
	Scenario string
	Sets     []string
	Out      string
	Format   string
}

func newHistoryCmd(ios *IO, g *globalOptions, runF func(*historyOptions) error) *cobra.Command {
	opts := &historyOptions{IO: ios, Quiet: &g.Quiet}
	cmd := &cobra.Command{
		Use:   "history TEMPLATE",
		Short: "Fitness and each objective at every git commit that changed the template",
		Long: `In a git repository, evaluate TEMPLATE as it was at each commit that changed it
(oldest first, following renames) under one scenario, and print fitness and each
objective over the commits, labelled by commit subject: the fitness-over-time chart
of evolutionary architecture. A commit where the template does not parse, or does
not fit the scenario, is reported and the rest goes on.

With --out DIR it also writes history.png/svg (fitness over commits) and
objectives.png/svg (each objective's utility over commits).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Template = args[0]
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return historyRun(cmd.Context(), opts)
		},
	}
	addFormatFlag(cmd, &opts.Format, "text", "json")
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default: an empty scenario)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override one scenario value: KEY=VALUE (repeatable)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "directory to write the charts into")
	return cmd
}

// historyEntry is one commit's evaluation.
type historyEntry struct {
	Commit     string             `json:"commit"`
	Date       string             `json:"date"`
	Subject    string             `json:"subject"`
	Fitness    *float64           `json:"fitness"`
	Feasible   *bool              `json:"feasible"`
	Objectives map[string]float64 `json:"objectives"`
	Utilities  map[string]float64 `json:"utilities"`
	Error      string             `json:"error,omitempty"`
}

type historyResult struct {
	Template string         `json:"template"`
	Scenario string         `json:"scenario"`
	Commits  []historyEntry `json:"commits"`
}

func historyRun(ctx context.Context, opts *historyOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, err := os.Stat(opts.Template); err != nil {
		return &InputError{Err: fmt.Errorf("could not read template: %w", err)}
	}
	var sc *scenarios.Scenario
	if opts.Scenario == "" {
		sc = scenarios.Empty(templateName(opts.Template))
	} else {
		var err error
		if sc, err = scenarios.Load(opts.Scenario); err != nil {
			return &InputError{Err: err}
		}
	}
	if err := sc.Apply(opts.Sets); err != nil {
		return &InputError{Err: err}
	}
	commits, err := gitHistory(ctx, opts.Template)
	if errors.Is(err, errNotGit) {
		return &InputError{Err: fmt.Errorf("%s is not in a git repository: history evaluates the template at each commit that changed it", opts.Template)}
	}
	if err != nil {
		return err
	}
	if len(commits) == 0 {
		return &InputError{Err: fmt.Errorf("no commit changed %s: commit it first", opts.Template)}
	}
	res := historyResult{Template: opts.Template, Scenario: sc.Name, Commits: []historyEntry{}}
	for _, c := range commits {
		e := historyEntry{Commit: c.Short, Date: c.Date, Subject: c.Subject, Objectives: map[string]float64{}, Utilities: map[string]float64{}}
		if ev, err := evaluateAt(ctx, opts.Template, c, sc); err != nil {
			e.Error = err.Error()
			if !*opts.Quiet {
				fmt.Fprintf(opts.IO.ErrOut, "evoarch: commit %s (%s): %v\n", c.Short, c.Subject, err)
			}
		} else {
			f, ok := ev.Fitness, ev.Feasible
			e.Fitness, e.Feasible = &f, &ok
			e.Objectives = objectiveMap(ev)
			for _, name := range sim.ObjectiveNames() {
				if s := ev.Score.Objective(name); s != nil && s.Computed {
					e.Utilities[name] = s.Utility
				}
			}
		}
		res.Commits = append(res.Commits, e)
	}
	var out bytes.Buffer
	if opts.Format == "json" {
		if err := writeJSON(&out, res); err != nil {
			return err
		}
	} else {
		historyText(&out, &res)
	}
	if opts.Out != "" {
		if err := historyCharts(opts.Out, &res); err != nil {
			return err
		}
	}
	_, err = opts.IO.Out.Write(out.Bytes())
	return err
}

// evaluateAt evaluates the template as it was at commit c.
func evaluateAt(ctx context.Context, file string, c gitCommit, base *scenarios.Scenario) (*sim.Evaluation, error) {
	src, err := gitShow(ctx, file, c)
	if err != nil {
		return nil, err
	}
	t, err := cfn.Parse(c.Path+"@"+c.Short, src)
	if err != nil {
		return nil, fmt.Errorf("the template does not parse: %w", err)
	}
	sc := *base
	if err := sc.Check(t); err != nil {
		return nil, fmt.Errorf("the scenario does not fit this version: %w", err)
	}
	return reportAsWritten(t, &sc)
}

func historyText(w *bytes.Buffer, r *historyResult) {
	fmt.Fprintf(w, "Fitness of %s over its commits (scenario %s)\n\n", r.Template, r.Scenario)
	fmt.Fprintf(w, "%-9s %-10s %9s %11s %9s %10s  %s\n", "commit", "date", "fitness", "cost $/mo", "p99 ms", "compliance", "subject")
	for _, c := range r.Commits {
		if c.Fitness == nil {
			fmt.Fprintf(w, "%-9s %-10s %9s %11s %9s %10s  %s (%s)\n", c.Commit, c.Date, "-", "-", "-", "-", c.Subject, firstLine(c.Error))
			continue
		}
		cell := func(k, f string) string {
			v, ok := c.Objectives[k]
			if !ok {
				return "n/c"
			}
			return fmt.Sprintf(f, v)
		}
		fmt.Fprintf(w, "%-9s %-10s %9.4f %11s %9s %10s  %s\n", c.Commit, c.Date, *c.Fitness,
			cell("cost_usd_month", "%.2f"), cell("latency_p99_ms", "%.0f"), cell("compliance", "%.3f"), c.Subject)
	}
}

// shorten cuts s to at most n characters (runes), ending a cut with "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// historyCharts writes history.{png,svg} and objectives.{png,svg}.
func historyCharts(dir string, r *historyResult) error {
	if err := makeOutDir(dir); err != nil {
		return err
	}
	labels := make([]string, len(r.Commits))
	fitness := make([]float64, len(r.Commits))
	names := sim.ObjectiveNames()
	util := make([]plots.Series, len(names))
	for j, n := range names {
		util[j] = plots.Series{Name: n, Values: make([]float64, len(r.Commits))}
	}
	for i, c := range r.Commits {
		labels[i] = c.Commit + " " + shorten(c.Subject, 28)
		fitness[i] = math.NaN()
		if c.Fitness != nil {
			fitness[i] = *c.Fitness
		}
		for j, n := range names {
			v, ok := c.Utilities[n]
			if !ok {
				v = math.NaN()
			}
			util[j].Values[i] = v
		}
	}
	charts := []struct {
		name   string
		title  string
		ylabel string
		series []plots.Series
	}{
		{"history", "Fitness over commits", "fitness", []plots.Series{{Name: "fitness", Values: fitness}}},
		{"objectives", "Objective utilities over commits", "utility (0..1)", util},
	}
	for _, ch := range charts {
		c, err := plots.OverCommits(ch.title, ch.ylabel, labels, ch.series)
		if errors.Is(err, plots.ErrNoData) {
			continue
		}
		if err != nil {
			return err
		}
		png, err := c.PNG()
		if err != nil {
			return err
		}
		svg, err := c.SVG()
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(dir, ch.name+".png"), png, 0o644); err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(dir, ch.name+".svg"), svg, 0o644); err != nil {
			return err
		}
	}
	return nil
}
