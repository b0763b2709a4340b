package sim

import (
	"math"

	"github.com/evoarch/evoarch/sim/infra"
)

// queueInput is what the SQS cost of one queue depends on.
type queueInput struct {
	// Messages a month: the queue's own messages_per_month plus the
	// functions' sends; Known is true when either is given.
	Messages float64
	Known    bool
	// MessageKB is the mean message size; 0 when not given (one 64 KB chunk).
	MessageKB float64
}

// queueRequests is the billed requests of a queue: each 64 KB chunk of a
// payload is one request (aws-facts.md 1.7 [V-ic]). Only the send is
// counted, as in the source's example (1 M messages of 128 KB = 2 M requests).
func queueRequests(in *queueInput) float64 {
	chunks := 1.0
	if in.MessageKB > 64 {
		chunks = math.Ceil(in.MessageKB / 64)
	}
	return nonNeg(in.Messages) * chunks
}

// queueFree is the free share of SQS requests over all queues.
func queueFree(ins []queueInput, p *Prices, freeTier bool) float64 {
	var total float64
	for i := range ins {
		if ins[i].Known {
			total += queueRequests(&ins[i])
		}
	}
	return freeShare(freeTier, p.SQS.FreeRequests.Quantity, total)
}

// queueItems gives one queue's line items.
func queueItems(q *infra.Queue, in *queueInput, free float64, p *Prices, s *lineSink) {
	price, item := p.SQS.Standard, "Requests (standard queue)"
	if q.FIFO {
		price, item = p.SQS.FIFO, "Requests (FIFO queue)"
	}
	if !in.Known {
		s.usage(item, price)
		return
	}
	r := queueRequests(in)
	s.flat(item, r*(1-free), price)
	s.addFree("Requests (free tier)", r*free, p.SQS.FreeRequests, "")
}

// queueLines appends the line items of queueItems to dst.
func queueLines(q *infra.Queue, in *queueInput, free float64, p *Prices, dst []Line) []Line {
	s := lineSink{keep: true, lines: dst}
	queueItems(q, in, free, p, &s)
	return s.lines
}

// same reports whether in and o are equal field by field, floats bit for
// bit (a field added to queueInput must be compared here;
// TestCostSameFields checks).
func (in *queueInput) same(o *queueInput) bool {
	return sameBits(in.Messages, o.Messages) && in.Known == o.Known && sameBits(in.MessageKB, o.MessageKB)
}
