package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/scenarios"
)

type scenariosOptions struct {
	IO     *IO
	Format string
	// Action is list, show or export.
	Action string
	Name   string
	Dir    string
}

func newScenariosCmd(ios *IO, runF func(*scenariosOptions) error) *cobra.Command {
	opts := &scenariosOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scenarios list|show NAME|export NAME DIR",
		Short: "List, show or export the built-in scenarios",
		Long: `The built-in scenarios are ready-made what-ifs: a template and a workload with a
description of what each teaches.

  list               the built-in scenarios and what each teaches
  show NAME          a scenario's file and its template
  export NAME DIR    writes scenario.yaml and template.yaml into DIR (created if
                     missing; existing files are never overwritten), to start a
                     what-if from: evoarch evaluate --scenario DIR/scenario.yaml

Exit codes: 0 done, 2 unknown scenario, bad arguments or a file in the way.`,
		Example: `  evoarch scenarios list
  evoarch scenarios show photo-sharing
  evoarch scenarios export regulated ./my-what-if`,
		ValidArgs: []string{"list", "show", "export"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if err := parseScenariosArgs(opts, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return scenariosRun(opts)
		},
	}
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

// parseScenariosArgs fills the action and its operands from the arguments.
func parseScenariosArgs(opts *scenariosOptions, args []string) error {
	want := map[string]int{"list": 1, "show": 2, "export": 3}
	if len(args) == 0 {
		return &FlagError{Err: fmt.Errorf("missing action: valid values are {list|show NAME|export NAME DIR}")}
	}
	n, ok := want[args[0]]
	if !ok {
		return &FlagError{Err: fmt.Errorf("invalid action %q: valid values are {list|show NAME|export NAME DIR}", args[0])}
	}
	if len(args) != n {
		usage := map[string]string{"list": "scenarios list", "show": "scenarios show NAME", "export": "scenarios export NAME DIR"}[args[0]]
		return &FlagError{Err: fmt.Errorf("%s takes %d argument(s), got %d: usage: evoarch %s", args[0], n-1, len(args)-1, usage)}
	}
	opts.Action = args[0]
	if n > 1 {
		opts.Name = args[1]
	}
	if n > 2 {
		opts.Dir = args[2]
	}
	return nil
}

func scenariosRun(opts *scenariosOptions) error {
	switch opts.Action {
	case "show":
		return scenariosShow(opts)
	case "export":
		return scenariosExport(opts)
	}
	return scenariosList(opts)
}

func scenariosList(opts *scenariosOptions) error {
	list := scenarios.List()
	if list == nil {
		list = []scenarios.Info{}
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, struct {
			Scenarios []scenarios.Info `json:"scenarios"`
		}{list})
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	if opts.IO.OutTTY {
		fmt.Fprintln(tw, "NAME\tDESCRIPTION")
	}
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, firstSentence(s.Description))
	}
	return tw.Flush()
}

// firstSentence shortens a description to its first sentence for a table.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func scenariosShow(opts *scenariosOptions) error {
	scData, tmplData, err := scenarios.Files(opts.Name)
	if err != nil {
		// An unknown name: the message lists the built-ins (exit 2).
		return &InputError{Err: err}
	}
	sc, err := scenarios.Load(opts.Name)
	if err != nil {
		return &InputError{Err: err}
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Scenario    string `json:"scenario"`
			Template    string `json:"template"`
		}{sc.Name, strings.TrimSpace(sc.Description), string(scData), string(tmplData)})
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "# %s: scenario.yaml\n", sc.Name)
	w.Write(withNewline(scData))
	fmt.Fprintf(w, "\n# %s: template.yaml\n", sc.Name)
	_, err = w.Write(withNewline(tmplData))
	return err
}

func withNewline(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		return append(b, '\n')
	}
	return b
}

func scenariosExport(opts *scenariosOptions) error {
	if err := scenarios.Export(opts.Name, opts.Dir); err != nil {
		return &InputError{Err: err}
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, struct {
			Name  string   `json:"name"`
			Dir   string   `json:"dir"`
			Files []string `json:"files"`
		}{opts.Name, opts.Dir, []string{"scenario.yaml", "template.yaml"}})
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s/scenario.yaml and %s/template.yaml\n", strings.TrimRight(opts.Dir, "/"), strings.TrimRight(opts.Dir, "/"))
	return nil
}
