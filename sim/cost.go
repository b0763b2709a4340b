package sim

import "math"

// Line is one cost line item of a resource (INTERFACE.md
// cost.resources[].lines[]): Quantity units a month at UnitPriceUSD each.
// A usage-based line whose usage the scenario does not give has
// DependsOnUsage set and costs 0 (STYLE.md ic-4: unknown is not zero).
type Line struct {
	Item         string  `json:"item"`
	Quantity     float64 `json:"quantity"`
	Unit         string  `json:"unit"`
	UnitPriceUSD float64 `json:"unit_price_usd"` // USD per unit
	USDMonth     float64 `json:"usd_month"`      // USD per month
	// DependsOnUsage: the scenario does not give this usage.
	DependsOnUsage bool `json:"depends_on_usage"`
	// Note explains a line ("depends on usage", "free tier", ...).
	Note string `json:"note,omitempty"`
	// Source is the price's source in aws-facts.md and its date.
	Source string `json:"source,omitempty"`
	// price or allow is the embedded price or free allowance behind the line.
	price *Price
	allow *Allowance
}

// ResourceCost is one resource's monthly cost and its line items.
type ResourceCost struct {
	ID       string  `json:"id"`
	Type     string  `json:"type"`
	USDMonth float64 `json:"usd_month"`
	Lines    []Line  `json:"lines"`
}

// Cost is the monthly bill of a variant (INTERFACE.md "cost").
type Cost struct {
	TotalUSDMonth float64        `json:"total_usd_month"`
	Resources     []ResourceCost `json:"resources"`
	// DependsOnUsage counts the lines whose usage the scenario does not give.
	DependsOnUsage int `json:"depends_on_usage"`
	// FreeTier says whether the account's free tier was applied.
	FreeTier bool `json:"free_tier"`
	// NotPriced lists the template's resources that AWS bills but this
	// cost model does not price, "ID (Type)": they are not in the total.
	NotPriced []string `json:"not_priced"`
}

const noteUsage = "depends on usage"

// priced returns a line of q units at price p's flat or blended unit price.
func priced(item string, q float64, unitPrice float64, p *Price) Line {
	return Line{Item: item, Quantity: q, Unit: p.Unit, UnitPriceUSD: unitPrice, USDMonth: q * unitPrice, price: p}
}

// flat returns a line of q units at p's untiered price.
func flat(item string, q float64, p *Price) Line {
	return priced(item, q, p.USD, p)
}

// unknown returns a "depends on usage" line for price p.
func unknown(item string, p *Price) Line {
	return Line{Item: item, Unit: p.Unit, UnitPriceUSD: p.USD, DependsOnUsage: true, Note: noteUsage, price: p}
}

// freeLine returns an informational free-tier line: q units at no cost.
func freeLine(item string, q float64, a *Allowance) Line {
	return Line{Item: item, Quantity: q, Unit: a.Unit, Note: "free tier", allow: a}
}

// appendFree appends a free-tier line of q units (in unit, or the
// allowance's unit when unit is "") unless q is 0.
func appendFree(dst []Line, item string, q float64, a *Allowance, unit string) []Line {
	if !(q > 0) {
		return dst
	}
	l := freeLine(item, q, a)
	if unit != "" {
		l.Unit = unit
	}
	return append(dst, l)
}

// freeShare is the share of usage a free allowance covers when it is shared
// by all resources of the account: min(1, allowance / total). With the free
// tier off it is 0.
func freeShare(on bool, allowance, total float64) float64 {
	if !on || !(total > 0) || !(allowance > 0) {
		return 0
	}
	return math.Min(1, allowance/total)
}

// blended is the mean unit price of q units of a tiered price (account-wide
// tiers spread over the resources that share them); the first tier's price
// when q is 0.
func blended(p *Price, q float64) float64 {
	if !(q > 0) {
		return p.USD
	}
	return p.Cost(q) / q
}

// ceilMS rounds a duration in milliseconds up to the next whole
// millisecond (Lambda bills in 1 ms steps, aws-facts.md 1.1 [V]); a tiny
// tolerance keeps 120.0000000001 at 120.
func ceilMS(ms float64) float64 {
	if !(ms > 0) {
		return 0
	}
	return math.Ceil(ms - 1e-9)
}

// nonNeg maps negative and NaN values to 0.
func nonNeg(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

// withSource fills Source from the line's price or allowance (report only:
// it allocates).
func (l *Line) withSource() {
	switch {
	case l.price != nil && l.price.Source != "":
		l.Source = l.price.Source + " (" + l.price.Date + ")"
	case l.allow != nil && l.allow.Source != "":
		l.Source = l.allow.Source + " (" + l.allow.Date + ")"
	}
}

// lineSink receives one slot's line items from the xItems functions: it
// sums their cost (USD per month, in the order given) and counts the
// usage-dependent ones, and builds the lines themselves only when keep is
// set (the report). The search reads the sums alone, so it builds no Line.
type lineSink struct {
	keep  bool
	lines []Line
	// usd is the sum of the lines' USDMonth; unknown counts the lines with
	// DependsOnUsage.
	usd     float64
	unknown int
}

// add takes one line.
func (s *lineSink) add(l Line) {
	s.usd += l.USDMonth
	if l.DependsOnUsage {
		s.unknown++
	}
	if s.keep {
		s.lines = append(s.lines, l)
	}
}

// priced takes the line priced(item, q, unitPrice, p).
func (s *lineSink) priced(item string, q, unitPrice float64, p *Price) {
	// The explicit conversion rounds the product as the Line's USDMonth
	// field holds it (no fused multiply-add), so both modes sum the same.
	s.usd += float64(q * unitPrice)
	if s.keep {
		s.lines = append(s.lines, priced(item, q, unitPrice, p))
	}
}

// flat takes the line flat(item, q, p).
func (s *lineSink) flat(item string, q float64, p *Price) {
	s.priced(item, q, p.USD, p)
}

// flatNote takes the line flat(item, q, p) with a Note (none when "").
func (s *lineSink) flatNote(item string, q float64, p *Price, note string) {
	s.usd += float64(q * p.USD) // as in priced
	if s.keep {
		l := flat(item, q, p)
		l.Note = note
		s.lines = append(s.lines, l)
	}
}

// usage takes the "depends on usage" line unknown(item, p): it costs 0.
func (s *lineSink) usage(item string, p *Price) {
	s.unknown++
	if s.keep {
		s.lines = append(s.lines, unknown(item, p))
	}
}

// addFree takes an informational free-tier line of q units (appendFree).
// It costs nothing and depends on no usage, so only a keeping sink sees it.
func (s *lineSink) addFree(item string, q float64, a *Allowance, unit string) {
	if s.keep {
		s.lines = appendFree(s.lines, item, q, a, unit)
	}
}
