package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/plots"
	"github.com/evoarch/evoarch/plots/report"
)

type reportOptions struct {
	IO    *IO
	Quiet *bool
	Run   string // RUN.json
	Out   string // DIR
	// Format is text (the path of report.html) or json ({"out", "files"}).
	Format string
}

func newReportCmd(ios *IO, g *globalOptions, runF func(*reportOptions) error) *cobra.Command {
	opts := &reportOptions{IO: ios, Quiet: &g.Quiet}
	cmd := &cobra.Command{
		Use:   "report RUN.json --out DIR",
		Short: "Render the recommendation report of a saved evolve run",
		Long: `Render the report of a run saved by 'evoarch evolve --format json' (or the run.json
that 'evolve --out' writes): report.md, report.html (one self-contained file), and the
plots as PNG and SVG, into DIR.`,
		Example: "  evoarch evolve --format json > run.json\n  evoarch report run.json --out report",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			if opts.Out == "" {
				return &FlagError{Err: errors.New("--out DIR is required")}
			}
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return reportRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "directory to write the report into (created if missing)")
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

func reportRun(opts *reportOptions) error {
	data, err := os.ReadFile(opts.Run)
	if err != nil {
		return &InputError{Err: fmt.Errorf("could not read run: %w", err)}
	}
	r, err := report.DecodeRun(opts.Run, data)
	if err != nil {
		return &InputError{Err: err}
	}
	written, err := writeReport(opts.Out, r, nil, nil, []string{opts.Run})
	if err != nil {
		return err
	}
	if !*opts.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "wrote %d files to %s\n", len(written), opts.Out)
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, struct {
			Out   string   `json:"out"`
			Files []string `json:"files"`
		}{opts.Out, written})
	}
	_, err = fmt.Fprintln(opts.IO.Out, filepath.Join(opts.Out, "report.html"))
	return err
}

// makeOutDir creates the --out directory dir, refusing a file in its place.
func makeOutDir(dir string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return &InputError{Err: fmt.Errorf("--out %s is a file, not a directory", dir)}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("could not create %s: %w", dir, err)
	}
	return nil
}

// writeReport writes the report of r into dir: run.json (runJSON, when not
// nil), report.md, report.html, each chart as PNG and SVG, the population
// animation when the run has one, and the extra files by name. Every file is
// written atomically; a path in inputs (the user's input files) is never
// overwritten. It returns the paths written, sorted.
func writeReport(dir string, r *report.Run, runJSON []byte, extra map[string][]byte, inputs []string) ([]string, error) {
	if err := makeOutDir(dir); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for k, v := range extra {
		files[k] = v
	}
	if runJSON != nil {
		files["run.json"] = runJSON
	}
	charts, err := report.Charts(r)
	if err != nil {
		return nil, err
	}
	for _, c := range charts {
		png, err := c.PNG()
		if err != nil {
			return nil, err
		}
		svg, err := c.SVG()
		if err != nil {
			return nil, err
		}
		files[c.Name+".png"], files[c.Name+".svg"] = png, svg
	}
	opts := report.Options{ImageExt: "svg"}
	// Half a second between generations reads well in a workshop.
	if gif, err := report.PopulationGIF(r, 50); err == nil {
		files["population.gif"] = gif
		opts.GIF = true
	} else if !errors.Is(err, plots.ErrNoData) {
		return nil, err
	}
	md, err := report.Markdown(r, opts)
	if err != nil {
		return nil, err
	}
	html, err := report.HTML(r, opts)
	if err != nil {
		return nil, err
	}
	files["report.md"], files["report.html"] = md, html

	protected := map[string]bool{}
	for _, in := range inputs {
		if abs, err := filepath.Abs(in); err == nil {
			protected[abs] = true
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var written []string
	for _, name := range names {
		path := filepath.Join(dir, name)
		if abs, err := filepath.Abs(path); err == nil && protected[abs] {
			continue
		}
		if err := writeFileAtomic(path, files[name], 0o644); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
