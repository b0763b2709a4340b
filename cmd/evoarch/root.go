package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// version is set by the linker (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

// IO holds the streams a command reads and writes, so commands can be tested
// with buffers (gh's iostreams).
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrTTY is true when ErrOut is a terminal (progress bars show only then).
	ErrTTY bool
	// OutTTY is true when Out is a terminal.
	OutTTY bool
}

func newSystemIO() *IO {
	return &IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
	}
}

// globalOptions are the flags every command shares.
type globalOptions struct {
	Quiet bool
}

// run executes the command line and returns the process exit code.
func run(args []string, ios *IO) int {
	root := newRootCmd(ios)
	root.SetArgs(args)
	err := root.Execute()
	return exitCode(err, ios)
}

func newRootCmd(ios *IO) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "evoarch",
		Short: "Evolve a serverless architecture: simulate, score and search SAM/CloudFormation variants",
		Long: `evoarch treats a SAM/CloudFormation template's configuration choices as a genome,
scores each variant with a cost, latency, compliance and safe-deployment simulator,
and searches for the next incremental change and a roadmap of changes.

With no TEMPLATE, the scenario's own template is used; with neither a template
nor --scenario, the built-in scenario seed-demo runs.

Exit codes:
  0  done (for gate: the candidate passes)
  1  the answer is "no": gate found a regression, check --fail-on-violation found
     violations, or no variant meets the hard constraints
  2  the input is wrong: bad flag, unreadable or invalid template or scenario,
     unknown gene or rule`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.PersistentFlags().BoolVarP(&g.Quiet, "quiet", "q", false, "print nothing but the result")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &FlagError{Err: err}
	})
	root.CompletionOptions.DisableDefaultCmd = true
	addCommands(root, ios, g)
	return root
}

// addCommands registers every subcommand; each newXCmd builds a fresh
// options struct (no package-level flag state).
func addCommands(root *cobra.Command, ios *IO, g *globalOptions) {
	root.AddCommand(
		newVersionCmd(ios, nil),
		newReportCmd(ios, g, nil),
		newGateCmd(ios, nil),
		newHistoryCmd(ios, g, nil),
		newSpaceCmd(ios, nil),
		newApplyCmd(ios, nil),
		newScenariosCmd(ios, nil),
		newCheckCmd(ios, nil),
		newRolloutCmd(ios, nil),
		newEvaluateCmd(ios, nil),
		newEvolveCmd(ios, nil),
	)
}

// FlagError is a usage error: a bad flag or argument (exit 2).
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// InputError is a problem with the user's input: a template, scenario,
// genome or rule (exit 2).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ErrNo is the answer "no" (exit 1): a gate regression, violations under
// --fail-on-violation, or no feasible variant. The command has already
// printed its result.
var ErrNo = errors.New("no")

// ErrSilent is an error that has already been reported (exit 2).
var ErrSilent = errors.New("silent")

// exitCode maps an error to the exit codes of INTERFACE.md and prints it.
func exitCode(err error, ios *IO) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, ErrNo) {
		return 1
	}
	if errors.Is(err, ErrSilent) {
		return 2
	}
	fmt.Fprintf(ios.ErrOut, "evoarch: %v\n", err)
	var fe *FlagError
	if errors.As(err, &fe) {
		fmt.Fprintln(ios.ErrOut, "run 'evoarch --help' for usage")
	}
	// Unknown commands and flags, bad templates and scenarios: all input errors.
	return 2
}
