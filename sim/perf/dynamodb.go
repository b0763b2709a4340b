package perf

import (
	"github.com/evoarch/evoarch/sim/infra"
)

// evalTables sums every function's DynamoDB demand per table and regime and
// turns it into a per-attempt throttle probability: the share of the
// demand's capacity units the table cannot serve (a fluid model; retried
// attempts are taken as independent).
func (m *Model) evalTables(st *infra.State) {
	for t := range m.tables {
		m.tables[t].demR = [2]float64{}
		m.tables[t].demW = [2]float64{}
		m.tables[t].peakShare, m.tables[t].weight = 0, 0
	}
	for i := range m.fns {
		fm := &m.fns[i]
		if !fm.has {
			continue
		}
		for k := range fm.calls {
			c := &fm.calls[k]
			if c.table < 0 || c.table >= len(m.tables) {
				continue
			}
			tm := &m.tables[c.table]
			// The table's peak lasts as long as its callers', weighted
			// by their traffic.
			tm.peakShare += fm.rate * fm.timeShare[peak]
			tm.weight += fm.rate
			for r := 0; r < 2; r++ {
				lam := fm.rates[r] * fm.ev.invoked
				tm.demR[r] += lam * c.reads * tm.readUnits
				tm.demW[r] += lam * c.writes * tm.writeUnits
			}
		}
	}
	for t := range m.tables {
		tm := &m.tables[t]
		tab := &st.Tables[t]
		tp := 0.0
		if tm.weight > 0 {
			tp = tm.peakShare / tm.weight * secondsPerDay
		}
		tm.qRead = throttleShare(tm.demR, tp, tab.Provisioned, tab.RCU, tab.AutoScaleTarget, tab.AutoScaleMinRCU, tab.AutoScaleMaxRCU)
		tm.qWrite = throttleShare(tm.demW, tp, tab.Provisioned, tab.WCU, tab.AutoScaleTarget, tab.AutoScaleMinWCU, tab.AutoScaleMaxWCU)
	}
}

// throttleShare returns, per regime, the share of a table's demand (units
// per second, off-peak and peak) that is throttled; the peak lasts tp
// seconds a day.
//
// On-demand: only past twice the previous peak (the daily peak itself, so
// never for a steady daily shape) or the 40,000-unit table quota
// (aws-facts.md 3.6).
//
// Provisioned: capacity units, or with auto scaling demand / target within
// [min, max] (min defaults to the provisioned units, max to the table
// quota). The burst bucket holds 300 s of capacity, filled by the off-peak
// spare capacity; it absorbs the peak's excess first. Auto scaling holds the
// off-peak capacity for its 2-minute delay after the peak starts
// (aws-facts.md 3.6).
func throttleShare(dem [2]float64, tp float64, provisioned bool, units, target, minU, maxU float64) [2]float64 {
	var q [2]float64
	if !provisioned {
		limit := min(ddbTableMaxUnits, ddbOnDemandHeadroom*dem[peak])
		for r := range q {
			if dem[r] > limit && dem[r] > 0 {
				q[r] = (dem[r] - limit) / dem[r]
			}
		}
		return q
	}
	units = max(units, ddbMinUnits)
	capFor := func(d float64) float64 {
		if target <= 0 {
			return min(units, ddbTableMaxUnits)
		}
		lo, hi := minU, maxU
		if lo <= 0 {
			lo = units
		}
		if hi <= 0 {
			hi = ddbTableMaxUnits
		}
		lo = max(lo, ddbMinUnits)
		hi = min(max(hi, lo), ddbTableMaxUnits)
		return max(lo, min(hi, d/(target/100)))
	}
	capOff, capPeak := capFor(dem[offPeak]), capFor(dem[peak])
	if d := dem[offPeak]; d > capOff {
		q[offPeak] = (d - capOff) / d
	}
	d := dem[peak]
	if d <= 0 || tp <= 0 {
		return q
	}
	bucket := 0.0
	if capOff > dem[offPeak] {
		bucket = ddbBurstS * capOff
	}
	throttled := 0.0
	if target > 0 {
		tau := min(ddbScaleDelayS, tp)
		deficit := max(0, d-capOff) * tau
		use := min(bucket, deficit)
		throttled, bucket = deficit-use, bucket-use
		rest := max(0, d-capPeak) * (tp - tau)
		throttled += rest - min(bucket, rest)
	} else {
		throttled = max(0, max(0, d-capPeak)*tp-bucket)
	}
	q[peak] = min(1, throttled/(d*tp))
	return q
}
