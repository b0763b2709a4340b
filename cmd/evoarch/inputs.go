package main

import (
	"path/filepath"
	"strings"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim"
)

// inputs is what most commands work on: a template and a scenario.
type inputs struct {
	Template *cfn.Template
	Scenario *scenarios.Scenario
}

// loadInputs resolves TEMPLATE and --scenario as INTERFACE.md says:
//   - TEMPLATE and --scenario: that template under that scenario;
//   - TEMPLATE alone: the template under an empty scenario named after the
//     template file (defaults only, no workload);
//   - --scenario alone: the scenario's own template (relative to the
//     scenario file);
//   - neither: the built-in scenario seed-demo and its template.
//
// sets are --set overrides, applied and validated before the scenario is
// checked against the template. Every error is an input error (exit 2).
func loadInputs(templateArg, scenarioArg string, sets []string) (*inputs, error) {
	var sc *scenarios.Scenario
	var err error
	if templateArg != "" && scenarioArg == "" {
		sc = scenarios.Empty(templateName(templateArg))
	} else {
		sc, err = scenarios.Load(scenarioArg)
		if err != nil {
			return nil, &InputError{Err: err}
		}
	}
	if err := sc.Apply(sets); err != nil {
		return nil, &InputError{Err: err}
	}
	var t *cfn.Template
	if templateArg != "" {
		t, err = cfn.ReadFile(templateArg)
	} else {
		t, err = scenarios.ReadTemplate(sc)
	}
	if err != nil {
		return nil, &InputError{Err: err}
	}
	if err := sc.Check(t); err != nil {
		return nil, &InputError{Err: err}
	}
	return &inputs{Template: t, Scenario: sc}, nil
}

// compile derives the inputs' genome space and compiles its plan; every
// error is an input error (exit 2).
func (in *inputs) compile() (*genome.Space, *sim.Plan, error) {
	sp, plan, err := compilePlan(in.Template, in.Scenario)
	if err != nil {
		return nil, nil, &InputError{Err: err}
	}
	return sp, plan, nil
}

// compilePlan derives template t's genome space under scenario sc and
// compiles the simulator's plan for it.
func compilePlan(t *cfn.Template, sc *scenarios.Scenario) (*genome.Space, *sim.Plan, error) {
	sp, err := genome.Derive(t, sc)
	if err != nil {
		return nil, nil, err
	}
	plan, err := sim.Compile(sp, sc)
	if err != nil {
		return nil, nil, err
	}
	return sp, plan, nil
}

// templateName is a template file's base name without its extension, the
// name of the empty scenario it runs under.
func templateName(path string) string {
	base := filepath.Base(path)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}
