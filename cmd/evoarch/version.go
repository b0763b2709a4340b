package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

type versionOptions struct {
	IO     *IO
	Format string
}

func newVersionCmd(ios *IO, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print evoarch's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

func versionRun(opts *versionOptions) error {
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, map[string]string{"version": version, "go": runtime.Version()})
	}
	fmt.Fprintf(opts.IO.Out, "evoarch %s (%s)\n", version, runtime.Version())
	return nil
}
