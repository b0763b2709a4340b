package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim"
)

type gateOptions struct {
	IO        *IO
	Baseline  string
	Candidate string
	Scenario  string
	Sets      []string
	Tolerance float64
	Format    string
	// Ratchet lets a candidate keep breaking a hard constraint the
	// baseline already breaks, as long as it breaks it no further.
	Ratchet bool
}

func newGateCmd(ios *IO, runF func(*gateOptions) error) *cobra.Command {
	opts := &gateOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "gate BASELINE CANDIDATE",
		Short: "Pass or fail a candidate template against a baseline by fitness",
		Long: `Evaluate two versions of a template under the same scenario and compare their
fitness and every objective. The candidate passes when its fitness is at least the
baseline's minus --tolerance and it meets the scenario's hard constraints. With
--ratchet, a constraint the baseline already breaks fails the candidate only if the
candidate breaks it further, so a pull request is not blocked by what main already
does while it works towards meeting it.

Use it as a CI step on a pull request, or as what a CodeDeploy PreTraffic hook runs
before traffic shifts to a new version.

Exit codes:
  0  the candidate passes
  1  the candidate regresses (or breaks a hard constraint)
  2  bad input: a missing or invalid template or scenario`,
		Example: `  git show main:template.yaml > /tmp/base.yaml
  evoarch gate /tmp/base.yaml template.yaml --scenario scenario.yaml --format markdown`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Baseline, opts.Candidate = args[0], args[1]
			if err := checkFormat(opts.Format, "text", "json", "markdown"); err != nil {
				return err
			}
			if opts.Tolerance < 0 || math.IsNaN(opts.Tolerance) || math.IsInf(opts.Tolerance, 0) {
				return &FlagError{Err: fmt.Errorf("invalid tolerance %v: it must be a finite number, 0 or more", opts.Tolerance)}
			}
			if runF != nil {
				return runF(opts)
			}
			return gateRun(opts)
		},
	}
	addFormatFlag(cmd, &opts.Format, "text", "json", "markdown")
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default: an empty scenario)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override one scenario value: KEY=VALUE (repeatable)")
	cmd.Flags().Float64Var(&opts.Tolerance, "tolerance", 0, "fitness the candidate may lose and still pass")
	cmd.Flags().BoolVar(&opts.Ratchet, "ratchet", false, "pass a candidate that breaks a hard constraint the baseline already breaks, when it breaks it no further")
	return cmd
}

// gateSide is one template's verdict figures.
type gateSide struct {
	Template   string             `json:"template"`
	Fitness    float64            `json:"fitness"`
	Feasible   bool               `json:"feasible"`
	Objectives map[string]float64 `json:"objectives"`
}

// gateResult is the JSON of gate.
type gateResult struct {
	Pass      bool               `json:"pass"`
	Tolerance float64            `json:"tolerance"`
	Scenario  string             `json:"scenario"`
	Baseline  gateSide           `json:"baseline"`
	Candidate gateSide           `json:"candidate"`
	Delta     float64            `json:"delta"`  // candidate fitness minus baseline fitness
	Deltas    map[string]float64 `json:"deltas"` // per objective, candidate minus baseline
	Reasons   []string           `json:"reasons"`
	// Constraints the candidate breaks, by name (whether or not they fail
	// the gate).
	Broken []string `json:"broken_constraints"`
	// Notes are what the candidate breaks but does not fail the gate for:
	// constraints the baseline breaks as much.
	Notes   []string `json:"notes"`
	Ratchet bool     `json:"ratchet"`
}

// evaluateTemplate evaluates a template as written under a scenario.
func evaluateTemplate(path, scenario string, sets []string) (*sim.Evaluation, error) {
	in, err := loadInputs(path, scenario, sets)
	if err != nil {
		return nil, err
	}
	ev, err := reportAsWritten(in.Template, in.Scenario)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return ev, nil
}

// reportAsWritten is the full evaluation of template t as written (its
// current genome) under scenario sc.
func reportAsWritten(t *cfn.Template, sc *scenarios.Scenario) (*sim.Evaluation, error) {
	sp, plan, err := compilePlan(t, sc)
	if err != nil {
		return nil, err
	}
	return plan.Report(sp.Current()), nil
}

// objectiveMap flattens an evaluation's computed objectives.
func objectiveMap(e *sim.Evaluation) map[string]float64 {
	data, err := json.Marshal(e.Objectives)
	if err != nil {
		return map[string]float64{}
	}
	var raw map[string]*float64
	_ = json.Unmarshal(data, &raw)
	out := map[string]float64{}
	for k, v := range raw {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

func gateRun(opts *gateOptions) error {
	if opts.Baseline == opts.Candidate {
		// Allowed (the same file passes), but say so: it is usually a mistake.
		fmt.Fprintln(opts.IO.ErrOut, "evoarch: warning: baseline and candidate are the same file")
	}
	base, err := evaluateTemplate(opts.Baseline, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	cand, err := evaluateTemplate(opts.Candidate, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	r := gateResult{
		Tolerance: opts.Tolerance,
		Scenario:  base.Scenario,
		Baseline:  gateSide{Template: opts.Baseline, Fitness: base.Fitness, Feasible: base.Feasible, Objectives: objectiveMap(base)},
		Candidate: gateSide{Template: opts.Candidate, Fitness: cand.Fitness, Feasible: cand.Feasible, Objectives: objectiveMap(cand)},
		Delta:     cand.Fitness - base.Fitness,
		Deltas:    map[string]float64{},
		Reasons:   []string{},
		Broken:    []string{},
		Notes:     []string{},
		Ratchet:   opts.Ratchet,
	}
	for k, v := range r.Candidate.Objectives {
		if b, ok := r.Baseline.Objectives[k]; ok {
			r.Deltas[k] = v - b
		}
	}
	r.Pass = true
	if cand.Fitness < base.Fitness-opts.Tolerance {
		r.Pass = false
		r.Reasons = append(r.Reasons, fmt.Sprintf("fitness drops by %.4f, more than the tolerance %.4f", base.Fitness-cand.Fitness, opts.Tolerance))
	}
	baseBroken := map[string]sim.Constraint{}
	for _, c := range base.Constraints {
		if !c.OK {
			baseBroken[c.Name] = c
		}
	}
	for _, c := range cand.Constraints {
		if c.OK {
			continue
		}
		r.Broken = append(r.Broken, c.Name)
		b, was := baseBroken[c.Name]
		switch {
		case !was:
			r.Pass = false
			r.Reasons = append(r.Reasons, fmt.Sprintf("breaks %s: %.4g against the limit %.4g (the baseline meets it)", c.Name, c.Value, c.Limit))
		case c.Value > b.Value:
			// Every constraint is value <= limit (a maximum, or a count of
			// broken required rules against 0): more is further over.
			r.Pass = false
			r.Reasons = append(r.Reasons, fmt.Sprintf("breaks %s further: %.4g, the baseline %.4g, against the limit %.4g", c.Name, c.Value, b.Value, c.Limit))
		case opts.Ratchet:
			r.Notes = append(r.Notes, fmt.Sprintf("still breaks %s: %.4g against the limit %.4g, no worse than the baseline (%.4g); passed under --ratchet", c.Name, c.Value, c.Limit, b.Value))
		default:
			r.Pass = false
			r.Reasons = append(r.Reasons, fmt.Sprintf("breaks %s: %.4g against the limit %.4g, as the baseline does (--ratchet would pass it)", c.Name, c.Value, c.Limit))
		}
	}
	var out bytes.Buffer
	switch opts.Format {
	case "json":
		if err := writeJSON(&out, r); err != nil {
			return err
		}
	case "markdown":
		gateMarkdown(&out, &r)
	default:
		gateText(&out, &r)
	}
	if _, err := opts.IO.Out.Write(out.Bytes()); err != nil {
		return err
	}
	if !r.Pass {
		return ErrNo
	}
	return nil
}

// gateObjectives lists objectives in INTERFACE.md order with which way is better.
var gateObjectives = []struct {
	name   string
	higher bool
}{
	{"cost_usd_month", false}, {"latency_p50_ms", false}, {"latency_p95_ms", false}, {"latency_p99_ms", false},
	{"error_rate", false}, {"availability", true}, {"compliance", true}, {"deploy_risk", false},
	{"lead_time_min", false}, {"complexity", false},
}

func verdict(d float64, higher bool) string {
	switch {
	case math.Abs(d) < 1e-9:
		return "="
	case (d > 0) == higher:
		return "better"
	}
	return "worse"
}

func gateText(w *bytes.Buffer, r *gateResult) {
	state := "PASS"
	if !r.Pass {
		state = "FAIL"
	}
	fmt.Fprintf(w, "%s: fitness %.4f -> %.4f (%+.4f, tolerance %.4f) under scenario %s\n\n", state, r.Baseline.Fitness, r.Candidate.Fitness, r.Delta, r.Tolerance, r.Scenario)
	fmt.Fprintf(w, "%-16s %14s %14s %14s  %s\n", "objective", "baseline", "candidate", "delta", "")
	for _, o := range gateObjectives {
		b, okb := r.Baseline.Objectives[o.name]
		c, okc := r.Candidate.Objectives[o.name]
		if !okb || !okc {
			continue
		}
		fmt.Fprintf(w, "%-16s %14.4f %14.4f %+14.4f  %s\n", o.name, b, c, c-b, verdict(c-b, o.higher))
	}
	for _, reason := range r.Reasons {
		fmt.Fprintf(w, "\n- %s", reason)
	}
	for _, note := range r.Notes {
		fmt.Fprintf(w, "\n- note: %s", note)
	}
	if len(r.Reasons)+len(r.Notes) > 0 {
		w.WriteString("\n")
	}
}

func gateMarkdown(w *bytes.Buffer, r *gateResult) {
	if r.Pass {
		fmt.Fprintf(w, "### ✅ evoarch gate: pass\n\n")
	} else {
		fmt.Fprintf(w, "### ❌ evoarch gate: fail\n\n")
	}
	fmt.Fprintf(w, "Fitness **%.4f → %.4f** (%+.4f; tolerance %.4f) under scenario `%s`.\n\n", r.Baseline.Fitness, r.Candidate.Fitness, r.Delta, r.Tolerance, strings.ReplaceAll(r.Scenario, "`", ""))
	w.WriteString("| objective | baseline | candidate | delta | |\n| --- | ---: | ---: | ---: | --- |\n")
	for _, o := range gateObjectives {
		b, okb := r.Baseline.Objectives[o.name]
		c, okc := r.Candidate.Objectives[o.name]
		if !okb || !okc {
			continue
		}
		fmt.Fprintf(w, "| %s | %.4f | %.4f | %+.4f | %s |\n", o.name, b, c, c-b, verdict(c-b, o.higher))
	}
	if len(r.Reasons)+len(r.Notes) > 0 {
		w.WriteString("\n")
		for _, reason := range r.Reasons {
			fmt.Fprintf(w, "- %s\n", reason)
		}
		for _, note := range r.Notes {
			fmt.Fprintf(w, "- note: %s\n", note)
		}
	}
}
