package rollout

import "github.com/evoarch/evoarch/scenarios"

// releaseModel is the scenario's release block with its defaults applied
// (scenarios/defaults.go).
type releaseModel struct {
	DefectRate      float64 // share of releases with a defect
	DefectErrorRate float64 // share of a defective version's requests that fail
	HookCatchRate   float64 // chance a declared hook catches a defect
	ManualDetectMin float64 // minutes at full traffic before people roll back
}

func readRelease(sc *scenarios.Scenario) releaseModel {
	r := &scenarios.Release{}
	if sc != nil {
		r = &sc.Release
	}
	return releaseModel{
		DefectRate:      r.DefectRateOr(),
		DefectErrorRate: r.DefectErrorRateOr(),
		// The same rate applies to PostTraffic hooks (package doc).
		HookCatchRate:   r.HookCatchRateOr(true),
		ManualDetectMin: r.ManualDetectMinOr(),
	}
}

// functionLoad returns a function's mean request rate (requests per second)
// and releases per month from the scenario's workload; a function the
// workload does not name serves no requests.
func functionLoad(sc *scenarios.Scenario, id string) (rps, deploys float64) {
	var fl *scenarios.FunctionLoad
	if sc != nil {
		fl = sc.Function(id)
	}
	if fl == nil {
		return 0, scenarios.DefaultDeploysPerMonth
	}
	return fl.MeanRPS(), fl.DeploysPerMonthOr()
}
