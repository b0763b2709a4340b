package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/evoarch/evoarch/evolve"
	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/plots/report"
	"github.com/evoarch/evoarch/sim/infra"
	"github.com/evoarch/evoarch/sim/rollout"
)

// writeEvolveReport writes the run's report into opts.Out: run.json, the
// next change and the best variant applied to the template (minimal diffs
// of the input), changes.diff, the plots, report.md and report.html.
func writeEvolveReport(opts *evolveOptions, in *inputs, sp *genome.Space, res *evolve.Result, out *evolveJSON) error {
	for _, g := range res.History {
		if len(g.Members) == 0 {
			continue
		}
		f := popFrameJSON{Generation: g.Generation, Points: make([][3]float64, len(g.Members))}
		for i, m := range g.Members {
			f.Points[i] = [3]float64{m.CostUSDMonth, m.LatencyP99MS, m.Compliance}
		}
		out.Population = append(out.Population, f)
	}
	ro, err := rolloutOf(in, sp, res.Best)
	if err != nil {
		return err
	}
	if len(ro.Functions) > 0 {
		out.Rollout = ro
	}
	out.Template = in.Template.Path

	var runJSON bytes.Buffer
	if err := writeJSON(&runJSON, out); err != nil {
		return err
	}
	run, err := report.DecodeRun("run.json", runJSON.Bytes())
	if err != nil {
		return err
	}
	src := in.Template.Src
	name := filepath.Base(in.Template.Path)
	files := map[string][]byte{}
	var diff bytes.Buffer
	for _, v := range []struct {
		file string
		g    genome.Genome
	}{{"template.next.yaml", nextGenome(res)}, {"template.best.yaml", res.Best}} {
		data, err := sp.Apply(v.g)
		if err != nil {
			return fmt.Errorf("could not write %s: %w", v.file, err)
		}
		files[v.file] = data
		diff.Write(report.UnifiedDiff("a/"+name, "b/"+v.file, src, data))
	}
	files["changes.diff"] = diff.Bytes()
	inputs := []string{in.Template.Path, in.Scenario.Source}
	written, err := writeReport(opts.Out, run, runJSON.Bytes(), files, inputs)
	if err != nil {
		return err
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "wrote %d files to %s; open %s\n", len(written), opts.Out, filepath.Join(opts.Out, "report.html"))
	}
	return nil
}

// nextGenome is the variant after the next change (the template itself
// when no change improves).
func nextGenome(res *evolve.Result) genome.Genome {
	if res.NextChange != nil && len(res.NextChange.Changes) > 0 {
		return res.NextChange.Genome
	}
	return res.Baseline
}

// rolloutOf compares the deployment strategies of variant g's functions
// that deploy through CodeDeploy (with an alias).
func rolloutOf(in *inputs, sp *genome.Space, g genome.Genome) (*rolloutOutJSON, error) {
	base, err := infra.Baseline(in.Template)
	if err != nil {
		return nil, err
	}
	b, err := infra.Bind(sp, base)
	if err != nil {
		return nil, err
	}
	st := b.NewState()
	b.Apply(st, g)
	out := &rolloutOutJSON{Functions: []rolloutOutFunctionJSON{}}
	m, err := rollout.Compile(st, in.Scenario)
	if err != nil {
		// A custom deployment type without its steps: no comparison.
		return out, nil
	}
	for i := range st.Functions {
		ss := m.Strategies(st, i)
		if len(ss) == 0 {
			continue
		}
		js := make([]rolloutStrategyJSON, len(ss))
		for k, s := range ss {
			js[k] = strategyJSON(s)
		}
		out.Functions = append(out.Functions, rolloutOutFunctionJSON{ID: st.Functions[i].ID, Current: m.Current(st, i), Strategies: js})
	}
	return out, nil
}

// watcher returns a Progress callback that shows the search live on
// stderr: the generation, best and mean fitness, diversity and the best
// variant's changes, paced by opts.WatchDelay. On a terminal each frame
// replaces the last.
func watcher(opts *evolveOptions, sp *genome.Space) func(evolve.Generation) {
	current := sp.Current()
	return func(g evolve.Generation) {
		var b strings.Builder
		if opts.IO.ErrTTY {
			b.WriteString("\x1b[H\x1b[2J") // home and clear
		}
		fmt.Fprintf(&b, "generation %d  best fitness %.4f  mean %.4f  diversity %.2f  evaluations %d\n",
			g.Generation, g.BestFitness, g.MeanFitness, g.Diversity, g.Evaluations)
		if g.Best != nil {
			cs := sp.Changes(current, g.Best)
			fmt.Fprintf(&b, "best variant so far: %d %s from the template\n", len(cs), plural(len(cs), "change", "changes"))
			writeChanges(&b, cs, "  ")
		}
		b.WriteString("\n")
		fmt.Fprint(opts.IO.ErrOut, b.String())
		if opts.WatchDelay > 0 {
			time.Sleep(opts.WatchDelay)
		}
	}
}
