package evolve

import (
	"math/bits"

	"github.com/evoarch/evoarch/genome"
)

// packedKey is a genome packed into 256 bits: each gene's value index in
// the fewest bits its domain needs, never straddling two words.
type packedKey [4]uint64

// packing says where each gene's value sits in a packedKey.
type packing struct {
	ok    bool    // every gene fits in 256 bits
	word  []uint8 // word[i] holds gene i
	shift []uint8 // at this bit offset
}

// newPacking lays out genes with the given domain sizes; ok is false when
// they need more than 256 bits.
func newPacking(size []int) packing {
	p := packing{word: make([]uint8, len(size)), shift: make([]uint8, len(size))}
	w, off := 0, 0
	for i, k := range size {
		b := bits.Len(uint(k - 1))
		if off+b > 64 {
			w, off = w+1, 0
		}
		if w >= len(packedKey{}) {
			return packing{}
		}
		p.word[i], p.shift[i] = uint8(w), uint8(off)
		off += b
	}
	p.ok = true
	return p
}

func (p *packing) pack(g genome.Genome) packedKey {
	var k packedKey
	for i, v := range g {
		k[p.word[i]] |= uint64(v) << p.shift[i]
	}
	return k
}

// memo maps genomes to int32 values without allocating per look-up or, for
// genomes that pack into 256 bits, per insertion (the map grows by
// doubling). Larger genomes fall back to string keys.
type memo struct {
	p   *packing
	pm  map[packedKey]int32
	sm  map[string]int32
	buf []byte
}

func newMemo(p *packing) *memo {
	m := &memo{p: p}
	if p.ok {
		m.pm = make(map[packedKey]int32)
	} else {
		m.sm = make(map[string]int32)
	}
	return m
}

func (m *memo) get(g genome.Genome) (int32, bool) {
	if m.pm != nil {
		v, ok := m.pm[m.p.pack(g)]
		return v, ok
	}
	m.buf = appendKey(m.buf[:0], g)
	v, ok := m.sm[string(m.buf)]
	return v, ok
}

func (m *memo) put(g genome.Genome, v int32) {
	if m.pm != nil {
		m.pm[m.p.pack(g)] = v
		return
	}
	m.buf = appendKey(m.buf[:0], g)
	m.sm[string(m.buf)] = v
}

// reset empties the memo, keeping its memory.
func (m *memo) reset() {
	clear(m.pm)
	clear(m.sm)
}
