package report

import (
	"math"
	"strconv"

	"github.com/evoarch/evoarch/plots"
)

// Charts builds the run's plots, in the order the report shows them.
// Charts without data (no history for the exhaustive search, no Pareto
// front outside nsga2) are left out.
func Charts(r *Run) ([]*plots.Chart, error) {
	var out []*plots.Chart
	add := func(c *plots.Chart, err error) error {
		if err == plots.ErrNoData {
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}
	steps := roadmapSteps(r)
	if err := add(plots.Roadmap(steps)); err != nil {
		return nil, err
	}
	best, mean := make([]float64, len(r.History)), make([]float64, len(r.History))
	for i, h := range r.History {
		best[i], mean[i] = h.BestFitness, h.MeanFitness
	}
	if err := add(plots.FitnessHistory(best, mean)); err != nil {
		return nil, err
	}
	if len(r.Pareto) > 0 {
		front := make([]plots.ParetoPoint, len(r.Pareto))
		for i, p := range r.Pareto {
			front[i] = paretoPoint(p.Objectives)
		}
		next := paretoPoint(r.Baseline.Objectives)
		if r.NextChange != nil && len(r.NextChange.Changes) > 0 && len(r.NextChange.Objectives) > 0 {
			next = paretoPoint(r.NextChange.Objectives)
		}
		if err := add(plots.Pareto(front, paretoPoint(r.Baseline.Objectives), next, paretoPoint(r.Best.Objectives))); err != nil {
			return nil, err
		}
	}
	ids, today, rec := costSeries(r)
	if err := add(plots.CostBreakdown(ids, today, rec)); err != nil {
		return nil, err
	}
	if genes, objs, deltas := sensitivitySeries(r); len(genes) > 0 {
		if err := add(plots.Sensitivity(genes, objs, deltas)); err != nil {
			return nil, err
		}
	}
	if pts := rolloutPoints(r); len(pts) > 0 {
		if err := add(plots.Rollout(pts)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PopulationGIF animates the run's population, or returns plots.ErrNoData.
func PopulationGIF(r *Run, delay int) ([]byte, error) {
	frames := make([]plots.Frame, 0, len(r.Population))
	for _, f := range r.Population {
		fr := plots.Frame{Generation: f.Generation}
		for _, p := range f.Points {
			fr.Points = append(fr.Points, plots.ParetoPoint{CostUSDMonth: p[0], LatencyP99MS: p[1], Compliance: p[2]})
		}
		frames = append(frames, fr)
	}
	return plots.PopulationGIF(frames, delay)
}

func paretoPoint(o map[string]float64) plots.ParetoPoint {
	return plots.ParetoPoint{CostUSDMonth: o["cost_usd_month"], LatencyP99MS: o["latency_p99_ms"], Compliance: o["compliance"]}
}

// roadmapSteps is today's template, then each roadmap step (v1, v2, ...
// as evolve numbers them).
func roadmapSteps(r *Run) []plots.RoadmapStep {
	steps := []plots.RoadmapStep{{Version: "today", Label: "today", Fitness: r.Baseline.Fitness}}
	for i, s := range r.Roadmap {
		v := s.Version
		if v == "" {
			v = "v" + strconv.Itoa(i+1)
		}
		steps = append(steps, plots.RoadmapStep{Version: v, Label: s.Label, Fitness: s.Fitness})
	}
	return steps
}

// costSeries lists every resource with a cost today or in the best variant.
func costSeries(r *Run) (ids []string, today, rec []float64) {
	idx := map[string]int{}
	addRes := func(res []CostResource, dst int) {
		for _, c := range res {
			i, ok := idx[c.ID]
			if !ok {
				i = len(ids)
				idx[c.ID] = i
				ids = append(ids, c.ID)
				today, rec = append(today, 0), append(rec, 0)
			}
			if dst == 0 {
				today[i] = c.USDMonth
			} else {
				rec[i] = c.USDMonth
			}
		}
	}
	addRes(r.Baseline.Cost.Resources, 0)
	addRes(r.Best.Cost.Resources, 1)
	return ids, today, rec
}

// sensitivityObjectives are the objectives the sensitivity chart shows,
// with the direction that is better.
var sensitivityObjectives = []struct {
	name, label string
	higher      bool
}{
	{"cost_usd_month", "cost", false}, {"latency_p99_ms", "p99 latency", false},
	{"error_rate", "errors", false}, {"compliance", "compliance", true},
	{"deploy_risk", "deploy risk", false}, {"complexity", "complexity", false},
}

// sensitivitySeries turns each changed gene's objective deltas into
// improvements (positive is better) scaled by the largest improvement or
// loss of that objective over the genes, so objectives in different units
// share one axis: 1 is the gene that helps that objective most.
func sensitivitySeries(r *Run) (genes, objs []string, deltas [][]float64) {
	var rows []Sensitivity
	for _, s := range r.Sensitivity {
		if s.Changed {
			rows = append(rows, s)
		}
	}
	if len(rows) == 0 {
		return nil, nil, nil
	}
	scale := make([]float64, len(sensitivityObjectives))
	for _, s := range rows {
		for j, o := range sensitivityObjectives {
			scale[j] = math.Max(scale[j], math.Abs(s.Objectives[o.name]))
		}
	}
	for j, o := range sensitivityObjectives {
		if scale[j] > 0 {
			objs = append(objs, o.label)
		}
	}
	for _, s := range rows {
		genes = append(genes, s.Gene)
		var row []float64
		for j, o := range sensitivityObjectives {
			if scale[j] == 0 {
				continue
			}
			d := s.Objectives[o.name] / scale[j]
			if !o.higher {
				d = -d
			}
			row = append(row, d)
		}
		deltas = append(deltas, row)
	}
	return genes, objs, deltas
}

func rolloutPoints(r *Run) []plots.RolloutPoint {
	if r.Rollout == nil {
		return nil
	}
	var pts []plots.RolloutPoint
	for _, f := range r.Rollout.Functions {
		for _, s := range f.Strategies {
			pts = append(pts, plots.RolloutPoint{Label: s.Type, Function: f.ID, LeadTimeMin: s.LeadTimeMin,
				FailedRequests: s.ExpectedFailedRequests, Current: s.Type == f.Current})
		}
	}
	return pts
}
