package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/plots/report"
	"github.com/evoarch/evoarch/sim"
)

type evaluateOptions struct {
	IO       *IO
	Template string
	Scenario string
	Sets     []string
	Format   string
	// Genomes is a JSON-lines file of {gene: value} objects ("-" = stdin);
	// empty for the single evaluation of the template as written.
	Genomes string
	Quiet   bool
}

func newEvaluateCmd(ios *IO, runF func(*evaluateOptions) error) *cobra.Command {
	opts := &evaluateOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "evaluate [TEMPLATE]",
		Short: "Fitness of a template under a scenario, with its monthly bill and full breakdown",
		Long: `Evaluate the template as written under the scenario: the monthly bill per
resource and line item (us-east-1 list prices, each with its source), latency,
compliance and deployment risk where their models are available, each
objective's utility, weight and contribution to the fitness, the complexity
penalty and the hard constraints. An objective whose model is not available is
reported as not computed, never as a number.

With --genomes FILE (JSON lines, "-" for stdin), each line {gene: value, ...}
is a variant (genes not named keep the template's value); evoarch answers one
JSON line per input line with fitness, objectives and feasible, flushed as
each line arrives, so another optimizer can keep one process open as its
fitness function. A bad line answers {"line": N, "error": "..."} and the rest
go on; the exit code is then 2.

Exit codes: 0 done; 2 bad input (template, scenario, flag or genome line).`,
		Example: `  evoarch evaluate
  evoarch evaluate --scenario seed-demo --format markdown
  evoarch evaluate template.yaml --scenario my.yaml --set workload.functions.Api.peak_rps=400
  echo '{"myFirstFunction.MemorySize": 512}' | evoarch evaluate --genomes -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json", "markdown"); err != nil {
				return err
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
			return evaluateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default seed-demo when no TEMPLATE)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override a scenario value: KEY=VALUE (repeatable)")
	cmd.Flags().StringVar(&opts.Genomes, "genomes", "", `evaluate the variants of a JSON-lines file of {gene: value} objects ("-" for stdin), one JSON line out per line in`)
	addFormatFlag(cmd, &opts.Format, "text", "json", "markdown")
	return cmd
}

func evaluateRun(opts *evaluateOptions) error {
	in, err := loadInputs(opts.Template, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	sp, plan, err := in.compile()
	if err != nil {
		return err
	}
	if opts.Genomes != "" {
		return evaluateBatch(opts, plan)
	}
	ev := plan.Report(sp.Current())
	switch opts.Format {
	case "json":
		return writeJSON(opts.IO.Out, ev)
	case "markdown":
		_, err := opts.IO.Out.Write(append(report.EvaluationMarkdown(ev), '\n'))
		return err
	}
	_, err = opts.IO.Out.Write(report.EvaluationText(ev))
	return err
}

// batchLine is one answer of the batch form.
type batchLine struct {
	Line int `json:"line"`
	sim.Summary
}

// batchError is the answer to a line that is not a valid genome.
type batchError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// maxGenomeLine bounds one input line (a genome of thousands of genes fits).
const maxGenomeLine = 16 << 20

func evaluateBatch(opts *evaluateOptions, plan *sim.Plan) error {
	var r io.Reader = opts.IO.In
	if opts.Genomes != "-" {
		f, err := os.Open(opts.Genomes)
		if err != nil {
			return &InputError{Err: fmt.Errorf("could not read genomes: %w", err)}
		}
		defer f.Close()
		r = f
	}
	sp := plan.Space()
	e := plan.NewEvaluator()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxGenomeLine)
	var m sim.Metrics
	n, bad := 0, 0
	for sc.Scan() {
		n++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		g, err := parseGenomeLine(sp, text)
		var out any
		if err != nil {
			bad++
			out = batchError{Line: n, Error: err.Error()}
		} else {
			e.Evaluate(g, &m)
			out = batchLine{Line: n, Summary: plan.Summarize(&m)}
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		// One write per line: os.Stdout is unbuffered, so the answer leaves
		// as soon as its line is read.
		if _, err := opts.IO.Out.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &InputError{Err: fmt.Errorf("could not read genomes after line %d: %w", n, err)}
	}
	if bad > 0 {
		if !opts.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, "evoarch: %d of %d genome lines were not valid (see their error lines)\n", bad, n)
		}
		return ErrSilent
	}
	return nil
}

// parseGenomeLine decodes one {gene: value} object into a genome.
func parseGenomeLine(sp *genome.Space, text []byte) (genome.Genome, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	var set map[string]any
	if err := dec.Decode(&set); err != nil {
		return nil, fmt.Errorf("not a JSON object of {gene: value}: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not a JSON object of {gene: value}: text after the object")
	}
	if set == nil {
		return nil, fmt.Errorf("not a JSON object of {gene: value}: null")
	}
	// A gene named twice is a mistake in the caller, not "the last wins".
	var ordered sim.GenomeValues
	if err := json.Unmarshal(text, &ordered); err == nil && len(ordered) != len(set) {
		seen := map[string]bool{}
		for _, v := range ordered {
			if seen[v.Gene] {
				return nil, fmt.Errorf("gene %s is given twice", v.Gene)
			}
			seen[v.Gene] = true
		}
	}
	return sp.ParseAssignments(set)
}
