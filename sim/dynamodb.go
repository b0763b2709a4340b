package sim

import (
	"math"

	"github.com/evoarch/evoarch/sim/infra"
)

// tableInput is what the DynamoDB cost of one table depends on.
type tableInput struct {
	// Reads and Writes are item reads and writes a month from the functions'
	// calls; CallsKnown is true when some function with known invocations
	// calls the table.
	Reads, Writes float64
	CallsKnown    bool
	// ItemKB is the item size (default 1 KB, scenarios).
	ItemKB float64
	// Consistent is true for strongly consistent reads (decisions.md
	// "DynamoDB reads": eventually consistent unless consistent_reads).
	Consistent bool
	// StorageGB is the table size; StorageKnown says the scenario gives it.
	StorageGB    float64
	StorageKnown bool
	// ReadRPS and WriteRPS are item reads and writes per second off-peak
	// [0] and at the daily peak [1]; peakWeight / weight is the peak's share
	// of the day. Zero when the shape is not known (auto scaling then
	// follows the monthly mean).
	ReadRPS, WriteRPS  [2]float64
	peakWeight, weight float64
}

// Auto scaling's reaction times (aws-facts.md 3.6 [V], Example 14):
// scale-out after 2 consecutive minutes above the target, scale-in after 15
// consecutive minutes 20 % or more below it. In seconds.
const (
	scaleOutDelayS = 120
	scaleInDelayS  = 900
)

// tableUsage is one table's monthly quantities.
type tableUsage struct {
	known, storageKnown bool
	// rru and wru are request units a month (on-demand), also the
	// capacity-seconds the load consumes (provisioned).
	rru, wru float64
	// rcu and wcu are the mean provisioned capacity units (provisioned mode).
	rcu, wcu    float64
	provisioned bool
	autoscale   bool
	storageGB   float64
	pitr        bool
	replicas    float64
	stream      bool
	// customerKey is a customer managed key the genome adds for the table.
	customerKey bool
}

// requestUnits converts item reads and writes to request units: a read of
// up to 4 KB is 1 RRU strongly consistent or 0.5 eventually consistent
// (decisions.md "DynamoDB reads"); a write of up to 1 KB is 1 WRU (the
// DynamoDB definition of a write unit, [U] in aws-facts.md terms: not
// restated there); larger items take more units, rounded up.
func requestUnits(reads, writes, itemKB float64, consistent bool) (rru, wru float64) {
	if !(itemKB > 0) {
		itemKB = 1 // scenarios: item_kb default 1
	}
	perRead := math.Ceil(itemKB / 4) // 4 KB per read unit (decisions.md "DynamoDB reads")
	if !consistent {
		perRead *= 0.5
	}
	perWrite := math.Ceil(itemKB) // 1 KB per write unit (see above)
	return nonNeg(reads) * perRead, nonNeg(writes) * perWrite
}

// autoScaled is the capacity auto scaling keeps for a steady load of load
// units per second: the load at the target utilization (percent) between
// min and max (max 0: no upper bound).
func autoScaled(load, target, minU, maxU float64) float64 {
	c := load / (target / 100)
	if c < minU {
		c = minU
	}
	if maxU > 0 && c > maxU {
		c = maxU
	}
	return c
}

// peakHold is the share of the day auto scaling holds the peak's capacity:
// from scaleOutDelayS after the peak starts to scaleInDelayS after it ends,
// 0 for a peak shorter than the scale-out delay, and 0 when the load's daily
// shape is not known.
func peakHold(in *tableInput) float64 {
	if !(in.weight > 0) {
		return 0
	}
	tp := in.peakWeight / in.weight * secondsPerDay
	if tp <= scaleOutDelayS {
		return 0
	}
	return math.Min(1, (tp-scaleOutDelayS+scaleInDelayS)/secondsPerDay)
}

// tableUsageOf computes one table's monthly quantities.
func tableUsageOf(t *infra.Table, in *tableInput) tableUsage {
	var u tableUsage
	u.of(t, in)
	return u
}

// of sets u to tableUsageOf(t, in) in place (no copy of the result).
func (u *tableUsage) of(t *infra.Table, in *tableInput) {
	*u = tableUsage{
		known:        in.CallsKnown,
		storageKnown: in.StorageKnown,
		storageGB:    nonNeg(in.StorageGB),
		provisioned:  t.Provisioned,
		pitr:         t.PITR,
		replicas:     float64(max(t.Replicas, 0)),
		stream:       t.Stream,
		customerKey:  t.SSE == infra.SSECustomerKMS && !t.CustomerKeyInTemplate,
	}
	if in.CallsKnown {
		u.rru, u.wru = requestUnits(in.Reads, in.Writes, in.ItemKB, in.Consistent)
	}
	if t.Provisioned {
		u.rcu, u.wcu = nonNeg(t.RCU), nonNeg(t.WCU)
		if t.AutoScaleTarget > 0 {
			u.autoscale = true
			minR, minW := t.AutoScaleMinRCU, t.AutoScaleMinWCU
			if minR <= 0 {
				minR = u.rcu
			}
			if minW <= 0 {
				minW = u.wcu
			}
			u.rcu = autoScaled(u.rru/secondsPerMonth, t.AutoScaleTarget, minR, t.AutoScaleMaxRCU)
			u.wcu = autoScaled(u.wru/secondsPerMonth, t.AutoScaleTarget, minW, t.AutoScaleMaxWCU)
			if in.CallsKnown && in.weight > 0 {
				hold := peakHold(in)
				// Capacity follows the day: the off-peak level, and the
				// peak's level from 2 minutes after the peak starts until
				// 15 minutes after it ends.
				rOff, wOff := requestUnits(in.ReadRPS[0], in.WriteRPS[0], in.ItemKB, in.Consistent)
				rPk, wPk := requestUnits(in.ReadRPS[1], in.WriteRPS[1], in.ItemKB, in.Consistent)
				u.rcu = (1-hold)*autoScaled(rOff, t.AutoScaleTarget, minR, t.AutoScaleMaxRCU) +
					hold*autoScaled(rPk, t.AutoScaleTarget, minR, t.AutoScaleMaxRCU)
				u.wcu = (1-hold)*autoScaled(wOff, t.AutoScaleTarget, minW, t.AutoScaleMaxWCU) +
					hold*autoScaled(wPk, t.AutoScaleTarget, minW, t.AutoScaleMaxWCU)
			}
		}
	}
}

// tablePool is the account-wide free tier of DynamoDB.
type tablePool struct {
	freeStorage, freeRCU, freeWCU float64
}

func newTablePool(us []tableUsage, p *Prices, freeTier bool) tablePool {
	var st, r, w float64
	for i := range us {
		u := &us[i]
		if u.storageKnown {
			st += u.storageGB
		}
		if u.provisioned {
			r += u.rcu
			w += u.wcu
		}
	}
	d := &p.DynamoDB
	return tablePool{
		freeStorage: freeShare(freeTier, d.FreeStorage.Quantity, st),
		freeRCU:     freeShare(freeTier, d.FreeRCU.Quantity, r),
		freeWCU:     freeShare(freeTier, d.FreeWCU.Quantity, w),
	}
}

// tableItems gives one table's line items.
func tableItems(u *tableUsage, pool *tablePool, p *Prices, s *lineSink) {
	d := &p.DynamoDB
	if u.provisioned {
		rName, wName := "Read capacity (provisioned)", "Write capacity (provisioned)"
		if u.autoscale {
			rName, wName = "Read capacity (auto scaling)", "Write capacity (auto scaling)"
		}
		note := ""
		if u.autoscale && !u.known {
			note = "minimum capacity; the load depends on usage"
		}
		s.flatNote(rName, u.rcu*hoursPerMonth*(1-pool.freeRCU), d.RCUHour, note)
		s.flatNote(wName, u.wcu*hoursPerMonth*(1-pool.freeWCU), d.WCUHour, note)
		s.addFree("Read capacity (free tier)", u.rcu*hoursPerMonth*pool.freeRCU, d.FreeRCU, d.RCUHour.Unit)
		s.addFree("Write capacity (free tier)", u.wcu*hoursPerMonth*pool.freeWCU, d.FreeWCU, d.WCUHour.Unit)
	} else if u.known {
		s.flat("Read request units (on-demand)", u.rru, d.RRU)
		s.flat("Write request units (on-demand)", u.wru, d.WRU)
	} else {
		s.usage("Read request units (on-demand)", d.RRU)
		s.usage("Write request units (on-demand)", d.WRU)
	}
	if u.storageKnown {
		s.flat("Storage", u.storageGB*(1-pool.freeStorage), d.Storage)
		s.addFree("Storage (free tier)", u.storageGB*pool.freeStorage, d.FreeStorage, "")
	} else {
		s.usage("Storage", d.Storage)
	}
	if u.pitr {
		if u.storageKnown {
			s.flat("Point-in-time recovery", u.storageGB, d.PITR)
		} else {
			s.usage("Point-in-time recovery", d.PITR)
		}
	}
	if u.replicas > 0 {
		switch {
		case u.provisioned:
			s.flat("Replicated write capacity (global tables)", u.wcu*hoursPerMonth*u.replicas, d.ReplicatedWCUHour)
		case u.known:
			s.flat("Replicated write request units (global tables)", u.wru*u.replicas, d.ReplicatedWRU)
		default:
			s.usage("Replicated write request units (global tables)", d.ReplicatedWRU)
		}
		if u.storageKnown {
			s.flat("Replica storage (global tables)", u.storageGB*u.replicas, d.Storage)
		} else {
			s.usage("Replica storage (global tables)", d.Storage)
		}
	}
	if u.stream {
		s.usage("Stream read requests", d.StreamReads)
	}
	if u.customerKey {
		s.flat("KMS customer managed key", 1, p.KMS.CustomerKey)
	}
}

// tableLines appends the line items of tableItems to dst.
func tableLines(u *tableUsage, pool *tablePool, p *Prices, dst []Line) []Line {
	s := lineSink{keep: true, lines: dst}
	tableItems(u, pool, p, &s)
	return s.lines
}

// same reports whether in and o are equal field by field, floats bit for
// bit (a field added to tableInput must be compared here;
// TestCostSameFields checks).
func (in *tableInput) same(o *tableInput) bool {
	return sameBits(in.Reads, o.Reads) && sameBits(in.Writes, o.Writes) && in.CallsKnown == o.CallsKnown &&
		sameBits(in.ItemKB, o.ItemKB) && in.Consistent == o.Consistent &&
		sameBits(in.StorageGB, o.StorageGB) && in.StorageKnown == o.StorageKnown &&
		sameBits(in.ReadRPS[0], o.ReadRPS[0]) && sameBits(in.ReadRPS[1], o.ReadRPS[1]) &&
		sameBits(in.WriteRPS[0], o.WriteRPS[0]) && sameBits(in.WriteRPS[1], o.WriteRPS[1]) &&
		sameBits(in.peakWeight, o.peakWeight) && sameBits(in.weight, o.weight)
}

// sameTable reports whether a and b agree, floats bit for bit, on every
// field tableUsage.of reads (a field it starts reading must be compared
// here; TestCostSameFields checks).
func sameTable(a, b *infra.Table) bool {
	return a.Provisioned == b.Provisioned && sameBits(a.RCU, b.RCU) && sameBits(a.WCU, b.WCU) &&
		sameBits(a.AutoScaleTarget, b.AutoScaleTarget) &&
		sameBits(a.AutoScaleMinRCU, b.AutoScaleMinRCU) && sameBits(a.AutoScaleMaxRCU, b.AutoScaleMaxRCU) &&
		sameBits(a.AutoScaleMinWCU, b.AutoScaleMinWCU) && sameBits(a.AutoScaleMaxWCU, b.AutoScaleMaxWCU) &&
		a.SSE == b.SSE && a.CustomerKeyInTemplate == b.CustomerKeyInTemplate && a.PITR == b.PITR &&
		a.Replicas == b.Replicas && a.Stream == b.Stream
}

// same reports whether pool and o are equal bit for bit.
func (pool *tablePool) same(o *tablePool) bool {
	return sameBits(pool.freeStorage, o.freeStorage) && sameBits(pool.freeRCU, o.freeRCU) && sameBits(pool.freeWCU, o.freeWCU)
}
