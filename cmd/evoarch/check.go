package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/plots/report"
	"github.com/evoarch/evoarch/sim/compliance"
	"github.com/evoarch/evoarch/sim/infra"
)

type checkOptions struct {
	IO              *IO
	Template        string
	Scenario        string
	Sets            []string
	Format          string
	Rules           []string
	FailOnViolation bool
}

func newCheckCmd(ios *IO, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "check [TEMPLATE]",
		Short: "Check the template against AWS Config compliance rules",
		Long: `Evaluate AWS Config managed rules (S3, DynamoDB, Lambda, API Gateway,
CodeDeploy, CloudWatch and SQS) on the template as written, with the
scenario's compliance semantics (template or deployed) and rule parameters.
Suppressions in resource Metadata are honoured: evoarch's own
(evoarch: suppress: [{rule, reason}]) and those of checkov, cfn_nag, cfn-lint
and cfn-guard, through each rule's equivalent ids. A suppressed finding keeps
its status and says who suppressed it.

Exit codes:
  0  done (violations found only fail the run with --fail-on-violation)
  1  --fail-on-violation and at least one unsuppressed NON_COMPLIANT finding
  2  the input is wrong: bad flag, invalid template or scenario, unknown rule`,
		Example: `  evoarch check template.yaml
  evoarch check template.yaml --format sarif > evoarch.sarif
  evoarch check --scenario seed-demo --rules s3-bucket-ssl-requests-only,lambda-dlq-check --fail-on-violation`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json", "sarif"); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.Template = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default seed-demo when no TEMPLATE)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override a scenario value: KEY=VALUE (repeatable)")
	cmd.Flags().StringSliceVar(&opts.Rules, "rules", nil, "only these rule ids, comma-separated (default all)")
	cmd.Flags().BoolVar(&opts.FailOnViolation, "fail-on-violation", false, "exit 1 when an unsuppressed NON_COMPLIANT finding remains")
	addFormatFlag(cmd, &opts.Format, "text", "json", "sarif")
	return cmd
}

// checkJSON is INTERFACE.md's check object.
type checkJSON struct {
	Template  string               `json:"template"`
	Semantics string               `json:"semantics"`
	Findings  []compliance.Finding `json:"findings"`
	Summary   checkSummary         `json:"summary"`
}

type checkSummary struct {
	Compliant     int `json:"compliant"`
	NonCompliant  int `json:"non_compliant"`
	NotApplicable int `json:"not_applicable"`
	// Suppressed counts suppressed findings of any status.
	Suppressed int `json:"suppressed"`
}

func checkRun(opts *checkOptions) error {
	in, err := loadInputs(opts.Template, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	st, err := infra.Baseline(in.Template)
	if err != nil {
		return &InputError{Err: err}
	}
	eng, err := compliance.Compile(in.Template, st, in.Scenario, opts.Rules)
	if err != nil {
		var ue *compliance.UnknownRuleError
		if errors.As(err, &ue) && ue.Where == "rule" {
			return &FlagError{Err: fmt.Errorf("invalid --rules: unknown rule %q (did you mean %q?)", ue.ID, ue.Nearest)}
		}
		return &InputError{Err: err}
	}
	findings := eng.Findings(st)
	var sum checkSummary
	violations := 0
	for _, f := range findings {
		switch f.Status {
		case compliance.StatusCompliant:
			sum.Compliant++
		case compliance.StatusNonCompliant:
			sum.NonCompliant++
			if f.Suppressed == nil {
				violations++
			}
		default:
			sum.NotApplicable++
		}
		if f.Suppressed != nil {
			sum.Suppressed++
		}
	}
	semantics := compliance.SemanticsTemplate
	if eng.Deployed() {
		semantics = compliance.SemanticsDeployed
	}
	switch opts.Format {
	case "json":
		err = writeJSON(opts.IO.Out, checkJSON{Template: in.Template.Path, Semantics: semantics, Findings: findings, Summary: sum})
	case "sarif":
		var data []byte
		data, err = report.SARIF(report.SARIFInput{
			ToolVersion: version,
			Template:    in.Template.Path,
			Rules:       selectedRules(opts.Rules),
			Findings:    findings,
		})
		if err == nil {
			_, err = opts.IO.Out.Write(data)
		}
	default:
		err = checkText(opts.IO, in.Template.Path, semantics, findings, sum)
	}
	if err != nil {
		return err
	}
	if opts.FailOnViolation && violations > 0 {
		return ErrNo
	}
	return nil
}

// selectedRules is the rule table, or the rules --rules names, in table order.
func selectedRules(only []string) []compliance.Rule {
	all := compliance.Rules()
	if len(only) == 0 {
		return all
	}
	want := map[string]bool{}
	for _, id := range only {
		want[strings.TrimSpace(id)] = true
	}
	var out []compliance.Rule
	for _, r := range all {
		if want[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

func checkText(ios *IO, path, semantics string, findings []compliance.Finding, sum checkSummary) error {
	fmt.Fprintf(ios.Out, "%s (%s semantics)\n", path, semantics)
	w := tabwriter.NewWriter(ios.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "LINE\tRESOURCE\tRULE\tSTATUS\tMESSAGE")
	for _, f := range findings {
		status := f.Status
		msg := f.Message
		if f.Suppressed != nil {
			status += " (suppressed)"
			msg += fmt.Sprintf(" [suppressed by %s", f.Suppressed.By)
			if f.Suppressed.Reason != "" {
				msg += ": " + f.Suppressed.Reason
			}
			msg += "]"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", f.Line, f.Resource, f.Rule, status, msg)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(ios.Out, "%d compliant, %d non-compliant, %d not applicable, %d suppressed\n",
		sum.Compliant, sum.NonCompliant, sum.NotApplicable, sum.Suppressed)
	return err
}
