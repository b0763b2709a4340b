package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/genome"
)

type applyOptions struct {
	IO       *IO
	Template string
	Scenario string
	Sets     []string
	Genes    []string
	Output   string
	Format   string
	Quiet    bool
}

func newApplyCmd(ios *IO, runF func(*applyOptions) error) *cobra.Command {
	opts := &applyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "apply [TEMPLATE] --set-gene GENE=VALUE... -o FILE",
		Short: "Write the template with some genes changed",
		Long: `Write the template with the given genes set to new values. Everything else
(comments, order, quoting, formatting of untouched parts) is kept byte for
byte. A gene that needs several properties or resources (replication, a
TLS-only bucket policy, deployment alarms) writes all of them.

-o - writes to stdout. The output file may not be the input template.`,
		Example: `  evoarch apply template.yaml --set-gene GetFunction.MemorySize=1024 -o new.yaml
  evoarch apply template.yaml --set-gene Photos.Encryption=aws:kms -o -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.Template = args[0]
			}
			if opts.Output == "" {
				return &FlagError{Err: fmt.Errorf("missing -o FILE: where to write the changed template (- for stdout)")}
			}
			for _, s := range opts.Genes {
				if k, _, ok := strings.Cut(s, "="); !ok || strings.TrimSpace(k) == "" {
					return &FlagError{Err: fmt.Errorf("invalid --set-gene %q: want GENE=VALUE", s)}
				}
			}
			if q, err := cmd.Flags().GetBool("quiet"); err == nil {
				opts.Quiet = q
			}
			if runF != nil {
				return runF(opts)
			}
			return applyRun(opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Genes, "set-gene", nil, "set a gene: GENE=VALUE (repeatable; 'none' for an unset value)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "file to write the changed template to, - for stdout")
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default seed-demo when no TEMPLATE)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override a scenario value: KEY=VALUE (repeatable)")
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

// applyJSON is what apply --format json prints on stderr's behalf: the
// changes written.
type applyJSON struct {
	Output  string          `json:"output"`
	Changes []genome.Change `json:"changes"`
}

func applyRun(opts *applyOptions) error {
	in, err := loadInputs(opts.Template, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	if opts.Output != "-" && sameFile(opts.Output, in.Template.Path) {
		return &FlagError{Err: fmt.Errorf("refusing to overwrite the input template %s: give another -o FILE", opts.Output)}
	}
	sp, err := genome.Derive(in.Template, in.Scenario)
	if err != nil {
		return &InputError{Err: err}
	}
	set := make(map[string]any, len(opts.Genes))
	for _, s := range opts.Genes {
		k, v, _ := strings.Cut(s, "=")
		set[strings.TrimSpace(k)] = v
	}
	g, err := sp.ParseAssignments(set)
	if err != nil {
		return &InputError{Err: err}
	}
	out, err := sp.Apply(g)
	if err != nil {
		return &InputError{Err: err}
	}
	changes := sp.Changes(sp.Current(), g)
	if opts.Output == "-" {
		if _, err := opts.IO.Out.Write(out); err != nil {
			return err
		}
	} else {
		perm := os.FileMode(0o644)
		if st, err := os.Stat(in.Template.Path); err == nil {
			perm = st.Mode().Perm()
		}
		if err := writeFileAtomic(opts.Output, out, perm); err != nil {
			return err
		}
		if opts.Format == "json" {
			return writeJSON(opts.IO.Out, applyJSON{Output: opts.Output, Changes: changes})
		}
	}
	if !opts.Quiet {
		for _, c := range changes {
			fmt.Fprintf(opts.IO.ErrOut, "%s: %s -> %s\n", c.Gene, genome.FormatValue(c.From), genome.FormatValue(c.To))
		}
		if len(changes) == 0 {
			fmt.Fprintln(opts.IO.ErrOut, "no gene changed: the template is written unchanged")
		}
		if opts.Output != "-" {
			fmt.Fprintf(opts.IO.ErrOut, "wrote %s\n", opts.Output)
		}
	}
	return nil
}

// sameFile reports whether two paths name the same file (or would).
func sameFile(a, b string) bool {
	if b == "" || strings.HasPrefix(b, "builtin:") {
		return false
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
