package sim

import (
	"github.com/evoarch/evoarch/sim/infra"
)

// alarmFree is the free share of standard-resolution alarm metrics (10 a
// month, aws-facts.md 1.6 [V]) over the template's alarms and the
// deployment alarms the genome adds.
func alarmFree(alarms []infra.Alarm, addedMetrics float64, p *Prices, freeTier bool) float64 {
	std := addedMetrics
	for i := range alarms {
		if !alarms[i].HighResolution {
			std += float64(alarmMetrics(&alarms[i]))
		}
	}
	return freeShare(freeTier, p.CloudWatch.FreeAlarms.Quantity, std)
}

// alarmMetrics is the number of metrics an alarm is billed for: 1 for a
// plain alarm, one per metric for metric math (aws-facts.md 1.6 [V-ic]).
func alarmMetrics(a *infra.Alarm) int {
	if a.Metrics > 0 {
		return a.Metrics
	}
	return 1
}

// alarmItems gives one template alarm's line items: its alarm
// metrics at the standard or high-resolution price.
func alarmItems(a *infra.Alarm, free float64, p *Prices, s *lineSink) {
	cw := &p.CloudWatch
	n := float64(alarmMetrics(a))
	if a.HighResolution {
		s.flat("Alarm metrics (high resolution)", n, cw.AlarmHighRes)
		return
	}
	s.flat("Alarm metrics (standard resolution)", n*(1-free), cw.AlarmStandard)
	s.addFree("Alarm metrics (free tier)", n*free, cw.FreeAlarms, "")
}

// alarmLines appends the line items of alarmItems to dst.
func alarmLines(a *infra.Alarm, free float64, p *Prices, dst []Line) []Line {
	s := lineSink{keep: true, lines: dst}
	alarmItems(a, free, p, &s)
	return s.lines
}
