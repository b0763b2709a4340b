package sim

import (
	"math"

	"github.com/evoarch/evoarch/sim/infra"
)

// apiInput is what the API Gateway cost of one API depends on.
type apiInput struct {
	// Requests a month: the invocations of the functions its events route
	// to; Known is true when one of them has known invocations.
	Requests float64
	Known    bool
	// RequestKB is the mean request size (HTTP APIs meter 512 KB steps,
	// aws-facts.md 1.2 [V-ic]); 0 when not given (one step).
	RequestKB float64
}

// apiUsage is one API's monthly quantities.
type apiUsage struct {
	known     bool
	rest      bool
	websocket bool
	// requests are billed requests (HTTP: 512 KB steps).
	requests float64
	cacheGB  float64
}

func apiUsageOf(a *infra.API, in *apiInput) apiUsage {
	u := apiUsage{known: in.Known, rest: a.REST, websocket: a.WebSocket}
	if a.REST {
		u.cacheGB = nonNeg(a.CacheGB)
	}
	if in.Known {
		u.requests = nonNeg(in.Requests)
		if !a.REST && in.RequestKB > 512 {
			u.requests *= math.Ceil(in.RequestKB / 512)
		}
	}
	return u
}

// apiPool is the account-wide request tiers and free tier per API type.
type apiPool struct {
	restPrice, httpPrice float64
	freeREST, freeHTTP   float64
}

func newAPIPool(us []apiUsage, p *Prices, freeTier bool) apiPool {
	var rest, http float64
	for i := range us {
		switch {
		case us[i].websocket:
		case us[i].rest:
			rest += us[i].requests
		default:
			http += us[i].requests
		}
	}
	a := &p.APIGateway
	pool := apiPool{
		freeREST: freeShare(freeTier, a.FreeREST.Quantity, rest),
		freeHTTP: freeShare(freeTier, a.FreeHTTP.Quantity, http),
	}
	pool.restPrice = blended(a.REST, rest*(1-pool.freeREST))
	pool.httpPrice = blended(a.HTTP, http*(1-pool.freeHTTP))
	return pool
}

// apiItems gives one API's line items. WebSocket APIs are priced
// per message and connection-minute, which the scenario does not give.
func apiItems(u *apiUsage, pool *apiPool, p *Prices, s *lineSink) {
	a := &p.APIGateway
	price, unitPrice, free, item, freeA := a.HTTP, pool.httpPrice, pool.freeHTTP, "Requests (HTTP API)", a.FreeHTTP
	if u.rest {
		price, unitPrice, free, item, freeA = a.REST, pool.restPrice, pool.freeREST, "Requests (REST API)", a.FreeREST
	}
	switch {
	case u.websocket:
		s.add(Line{Item: "Messages and connection minutes (WebSocket)", DependsOnUsage: true, Note: noteUsage})
	case u.known:
		s.priced(item, u.requests*(1-free), unitPrice, price)
		s.addFree("Requests (free tier)", u.requests*free, freeA, "")
	default:
		s.usage(item, price)
	}
	if i := p.cacheIndex(u.cacheGB); i >= 0 {
		s.flat(a.CacheItem[i], hoursPerMonth, a.Cache[i])
	}
}

// apiLines appends the line items of apiItems to dst.
func apiLines(u *apiUsage, pool *apiPool, p *Prices, dst []Line) []Line {
	s := lineSink{keep: true, lines: dst}
	apiItems(u, pool, p, &s)
	return s.lines
}

// same reports whether u and o are equal field by field, floats bit for
// bit (a field added to apiUsage must be compared here;
// TestCostSameFields checks).
func (u *apiUsage) same(o *apiUsage) bool {
	return u.known == o.known && u.rest == o.rest && u.websocket == o.websocket &&
		sameBits(u.requests, o.requests) && sameBits(u.cacheGB, o.cacheGB)
}
