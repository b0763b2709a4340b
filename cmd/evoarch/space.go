package main

import (
	"fmt"
	"math/big"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/genome"
)

type spaceOptions struct {
	IO       *IO
	Template string
	Scenario string
	Sets     []string
	Format   string
	Quiet    bool
}

func newSpaceCmd(ios *IO, runF func(*spaceOptions) error) *cobra.Command {
	opts := &spaceOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "space [TEMPLATE]",
		Short: "Show the template's genome: its genes, their values and the current one",
		Long: `Show the degrees of freedom (genes) evoarch found in the template: for each
gene its name (<LogicalId>.<Property>), resource, kind, the whole ordered
domain of values and the template's current value, and the number of variants
the genes not pinned by the scenario span.`,
		Example: `  evoarch space template.yaml
  evoarch space --scenario seed-demo --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
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
			return spaceRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default seed-demo when no TEMPLATE)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override a scenario value: KEY=VALUE (repeatable)")
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

// spaceJSON is INTERFACE.md's space object.
type spaceJSON struct {
	Size    *big.Int      `json:"size"`
	Genes   []geneJSON    `json:"genes"`
	Skipped []genome.Skip `json:"skipped"`
}

type geneJSON struct {
	Name     string `json:"name"`
	Resource string `json:"resource"`
	Kind     string `json:"kind"`
	Values   []any  `json:"values"`
	Current  any    `json:"current"`
	Pinned   bool   `json:"pinned"`
}

func spaceRun(opts *spaceOptions) error {
	in, err := loadInputs(opts.Template, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	sp, err := genome.Derive(in.Template, in.Scenario)
	if err != nil {
		return &InputError{Err: err}
	}
	if opts.Format == "json" {
		out := spaceJSON{Size: sp.Size(), Genes: []geneJSON{}, Skipped: []genome.Skip{}}
		for i := range sp.Genes {
			g := &sp.Genes[i]
			out.Genes = append(out.Genes, geneJSON{Name: g.Name, Resource: g.Resource, Kind: string(g.Kind), Values: g.Values, Current: g.CurrentValue(), Pinned: g.Pinned})
		}
		out.Skipped = append(out.Skipped, sp.Skipped...)
		return writeJSON(opts.IO.Out, out)
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "GENE\tKIND\tCURRENT\tVALUES\n")
	for i := range sp.Genes {
		g := &sp.Genes[i]
		name := g.Name
		if g.Pinned {
			name += " (pinned)"
		}
		vals := make([]string, len(g.Values))
		for j, v := range g.Values {
			vals[j] = genome.FormatValue(v)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", name, g.Kind, genome.FormatValue(g.CurrentValue()), strings.Join(vals, " "))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\n%d genes, %s variants\n", len(sp.Genes), sp.Size().String())
	if len(sp.Skipped) > 0 && !opts.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "left out of the genome:\n")
		for _, s := range sp.Skipped {
			fmt.Fprintf(opts.IO.ErrOut, "  %s: %s\n", s.Name, s.Reason)
		}
	}
	return nil
}
