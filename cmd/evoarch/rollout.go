package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evoarch/evoarch/sim/infra"
	"github.com/evoarch/evoarch/sim/rollout"
)

type rolloutOptions struct {
	IO       *IO
	Template string
	Scenario string
	Sets     []string
	Format   string
	Quiet    bool
	// AddAlarm is "", "errors" or "errors+latency": the alarm the
	// DeploymentAlarms gene would add to every function with an alias.
	AddAlarm string
}

func newRolloutCmd(ios *IO, runF func(*rolloutOptions) error) *cobra.Command {
	opts := &rolloutOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "rollout [TEMPLATE]",
		Short: "Compare every deployment strategy of each function: speed against control",
		Long: `Simulate a defective release of each function under every DeploymentPreference
type (AllAtOnce, the four canaries, the four linear shifts) side by side, with the
function's own alarms and PreTraffic/PostTraffic hooks and the scenario's release
model (release.defect_rate, release.defect_error_rate, release.hook_catch_rate,
deploys_per_month). For each strategy:

  lead time        minutes until all traffic is shifted
  detected         chance a hook or an alarm stops a defective release
  failed/defect    expected failed requests of a defective release (blast radius)
  time to detect   expected minutes from the start to the rollback
  failed/month     failed/defect x defect_rate x deploys_per_month

The template's own strategy is marked. Functions without AutoPublishAlias
cannot shift traffic; they are listed with a note. --add-alarm shows every
function as if the DeploymentAlarms gene added an alarm (errors: Errors Sum > 0
over one minute; errors+latency: and a p99 Duration alarm).`,
		Example: `  evoarch rollout
  evoarch rollout template.yaml --scenario my-scenario.yaml --format json
  evoarch rollout --set release.defect_rate=0.3
  evoarch rollout --add-alarm errors     # what an Errors > 0 alarm on each alias changes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			switch opts.AddAlarm {
			case "", "errors", "errors+latency":
			default:
				return &FlagError{Err: fmt.Errorf("invalid --add-alarm %q: valid values are {errors|errors+latency}", opts.AddAlarm)}
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
			return rolloutRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or scenario file (default seed-demo when no TEMPLATE)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "override a scenario value: KEY=VALUE (repeatable)")
	cmd.Flags().StringVar(&opts.AddAlarm, "add-alarm", "", "show every function as if this deployment alarm were added: {errors|errors+latency}")
	addFormatFlag(cmd, &opts.Format, "text", "json")
	return cmd
}

// rolloutJSON is INTERFACE.md's rollout object.
type rolloutJSON struct {
	Functions []rolloutFunctionJSON `json:"functions"`
}

type rolloutFunctionJSON struct {
	ID         string             `json:"id"`
	Current    string             `json:"current"`
	Strategies []rollout.Strategy `json:"strategies"`
}

// rolloutOutJSON is what the rollout command prints: rolloutJSON with the
// figures that are not computed as null.
type rolloutOutJSON struct {
	Functions []rolloutOutFunctionJSON `json:"functions"`
}

type rolloutOutFunctionJSON struct {
	ID         string                `json:"id"`
	Current    string                `json:"current"`
	Strategies []rolloutStrategyJSON `json:"strategies"`
}

// rolloutStrategyJSON is one strategy's figures. A figure the model cannot
// compute (a custom configuration without steps in the scenario) is null,
// never an invented 0, and Note says why.
type rolloutStrategyJSON struct {
	Type                   string   `json:"type"`
	LeadTimeMin            *float64 `json:"lead_time_min"`
	DetectProbability      *float64 `json:"detect_probability"`
	ExpectedFailedRequests *float64 `json:"expected_failed_requests"`
	TimeToDetectMin        *float64 `json:"time_to_detect_min"`
	FailedRequestsPerMonth *float64 `json:"failed_requests_per_month"`
	Note                   string   `json:"note,omitempty"`
}

func strategyJSON(s rollout.Strategy) rolloutStrategyJSON {
	if s.Unknown {
		return rolloutStrategyJSON{Type: s.Type, Note: fmt.Sprintf("a custom CodeDeploy configuration: give its traffic steps under release.custom.%s to compute it", s.Type)}
	}
	f := func(v float64) *float64 { return &v }
	return rolloutStrategyJSON{Type: s.Type, LeadTimeMin: f(s.LeadTimeMin), DetectProbability: f(s.DetectProbability),
		ExpectedFailedRequests: f(s.ExpectedFailedRequests), TimeToDetectMin: f(s.TimeToDetectMin), FailedRequestsPerMonth: f(s.FailedRequestsPerMonth)}
}

func rolloutRun(opts *rolloutOptions) error {
	in, err := loadInputs(opts.Template, opts.Scenario, opts.Sets)
	if err != nil {
		return err
	}
	st, err := infra.Baseline(in.Template)
	if err != nil {
		return &InputError{Err: err}
	}
	m, err := rollout.Compile(st, in.Scenario)
	if err != nil {
		return &InputError{Err: err}
	}
	if level := map[string]uint8{"errors": 1, "errors+latency": 2}[opts.AddAlarm]; level > 0 {
		for i := range st.Functions {
			if st.Functions[i].Alias && st.Functions[i].AlarmLevel < level {
				st.Functions[i].AlarmLevel = level
			}
		}
	}
	out := rolloutOutJSON{Functions: []rolloutOutFunctionJSON{}}
	for i := range st.Functions {
		js := []rolloutStrategyJSON{}
		for _, s := range m.Strategies(st, i) {
			js = append(js, strategyJSON(s))
		}
		out.Functions = append(out.Functions, rolloutOutFunctionJSON{ID: st.Functions[i].ID, Current: m.Current(st, i), Strategies: js})
	}
	if opts.Format == "json" {
		if !opts.Quiet {
			for _, n := range rolloutNotes(st, m) {
				fmt.Fprintf(opts.IO.ErrOut, "note: %s\n", n)
			}
		}
		return writeJSON(opts.IO.Out, out)
	}
	_, err = opts.IO.Out.Write(rolloutText(in.Scenario.Name, in.Scenario.Release.ManualDetectMin > 0, st, m, out))
	return err
}

// rolloutNotes are the functions that cannot shift traffic and what the
// model could not read, in function order.
func rolloutNotes(st *infra.State, m *rollout.Model) []string {
	var notes []string
	for i := range st.Functions {
		if n := noAliasNote(&st.Functions[i]); n != "" {
			notes = append(notes, st.Functions[i].ID+": "+n)
		}
	}
	return append(notes, m.Notes...)
}

func noAliasNote(f *infra.Function) string {
	if f.Alias {
		return ""
	}
	n := "no AutoPublishAlias, so no traffic shifting: every release reaches all traffic at once; add AutoPublishAlias to use a DeploymentPreference"
	if f.HookFunction {
		n = "a CodeDeploy hook function; " + n
	}
	return n
}

// rolloutText is the table a workshop reads aloud.
func rolloutText(scenario string, manualGiven bool, st *infra.State, m *rollout.Model, out rolloutOutJSON) []byte {
	var b bytes.Buffer
	defect, errRate, hook, manual := m.Release()
	fmt.Fprintf(&b, "Safe deployments under scenario %s\n", scenario)
	fmt.Fprintf(&b, "Release model: %s of releases carry a defect; a defective version fails %s of its requests;\n", pct(defect), pct(errRate))
	fmt.Fprintf(&b, "a declared hook catches a defect %s of the time; a defect no alarm or hook stops is found\n", pct(hook))
	source := "release.manual_detect_min"
	if !manualGiven {
		source = "model default; set release.manual_detect_min"
	}
	fmt.Fprintf(&b, "by people %g min after the shift ends (%s).\n", manual, source)
	b.WriteString("failed/defect: expected failed requests of a defective release; failed/month: failed/defect x defect rate x deploys per month.\n")

	width := len("STRATEGY")
	for _, f := range out.Functions {
		for _, s := range f.Strategies {
			width = max(width, len(s.Type))
		}
	}
	for i, f := range out.Functions {
		fn := &st.Functions[i]
		rps, deploys := m.Traffic(i)
		traffic := fmt.Sprintf("%.3g requests/s", rps)
		if rps == 0 {
			traffic = "no requests in the scenario's workload"
		}
		fmt.Fprintf(&b, "\n%s: %s, %g deploys/month; %s\n", f.ID, traffic, deploys, describeSafety(st, fn))
		if len(f.Strategies) == 0 {
			fmt.Fprintf(&b, "  %s\n", noAliasNote(fn))
			continue
		}
		fmt.Fprintf(&b, "    %-*s  %9s  %8s  %13s  %14s  %12s\n", width, "STRATEGY", "LEAD TIME", "DETECTED", "FAILED/DEFECT", "TIME TO DETECT", "FAILED/MONTH")
		for _, s := range f.Strategies {
			mark := " "
			if s.Type == f.Current {
				mark = "*"
			}
			if s.LeadTimeMin == nil {
				fmt.Fprintf(&b, "  %s %-*s  %9s  %8s  %13s  %14s  %12s\n", mark, width, s.Type, "n/a", "n/a", "n/a", "n/a", "n/a")
				continue
			}
			fmt.Fprintf(&b, "  %s %-*s  %9s  %8s  %13.1f  %14s  %12.1f\n", mark, width, s.Type,
				fmt.Sprintf("%.0f min", *s.LeadTimeMin), pct(*s.DetectProbability), *s.ExpectedFailedRequests,
				fmt.Sprintf("%.1f min", *s.TimeToDetectMin), *s.FailedRequestsPerMonth)
		}
	}
	b.WriteString("\n* the template's own strategy\n")
	if len(m.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range m.Notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	return b.Bytes()
}

// describeSafety lists a function's hooks and alarms in words.
func describeSafety(st *infra.State, f *infra.Function) string {
	var parts []string
	if f.Alias && f.Deploy != infra.DeployNone {
		if f.PreTraffic {
			parts = append(parts, "PreTraffic hook")
		}
		if f.PostTraffic {
			parts = append(parts, "PostTraffic hook")
		}
	}
	var alarms []string
	for _, a := range f.Alarms {
		if a >= 0 && a < len(st.Alarms) {
			alarms = append(alarms, st.Alarms[a].ID)
		}
	}
	switch f.AlarmLevel {
	case 1:
		alarms = append(alarms, "errors (added)")
	case 2:
		alarms = append(alarms, "errors+latency (added)")
	}
	if len(alarms) == 0 {
		parts = append(parts, "no alarms")
	} else {
		parts = append(parts, "alarms: "+strings.Join(alarms, ", "))
	}
	if len(parts) == 1 && parts[0] == "no alarms" {
		return "no hooks, no alarms"
	}
	return strings.Join(parts, "; ")
}

// pct formats a share as a percentage with one decimal, trailing ".0" cut;
// a share that is not exactly 0 or 1 never reads as 0% or 100%.
func pct(x float64) string {
	s := fmt.Sprintf("%.1f", x*100)
	switch {
	case s == "100.0" && x < 1:
		return ">99.9%"
	case s == "0.0" && x > 0:
		return "<0.1%"
	}
	return strings.TrimSuffix(s, ".0") + "%"
}
