package main

import (
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

// inputs is what most commands work on: a template and a scenario.
type inputs struct {
	Template *cfn.Template
	Scenario *scenarios.Scenario
}

// loadInputs resolves TEMPLATE and --scenario as INTERFACE.md says: with no
// TEMPLATE the scenario's own template is used; with neither, the built-in
// default scenario runs. sets are --set overrides. Every error is an input
// error (exit 2).
func loadInputs(templateArg, scenarioArg string, sets []string) (*inputs, error) {
	sc, err := scenarios.Load(scenarioArg)
	if err != nil {
		return nil, &InputError{Err: err}
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
