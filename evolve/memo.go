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
	ok    bool     // every gene fits in 256 bits
	shift []uint8  // gene i sits at bit offset shift[i] of its word
	word  []uint8  // gene i sits in word word[i]
	mask  []uint64 // gene i's bits, before the shift
	// end[w] is one past the last gene of word w: genes fill the words in
	// order, so word w holds genes end[w-1] (0 for w = 0) to end[w]-1.
	end [len(packedKey{})]int
}

// newPacking lays out genes with the given domain sizes; ok is false when
// they need more than 256 bits.
func newPacking(size []int) packing {
	p := packing{shift: make([]uint8, len(size)), word: make([]uint8, len(size)), mask: make([]uint64, len(size))}
	w, off := 0, 0
	for i, k := range size {
		b := bits.Len(uint(k - 1))
		if off+b > 64 {
			if w < len(p.end) {
				p.end[w] = i
			}
			w, off = w+1, 0
		}
		if w >= len(packedKey{}) {
			return packing{}
		}
		p.shift[i] = uint8(off)
		p.word[i] = uint8(w)
		p.mask[i] = 1<<b - 1
		off += b
	}
	for ; w < len(p.end); w++ {
		p.end[w] = len(size)
	}
	p.ok = true
	return p
}

// pack returns g's key, one word at a time (g has the packing's length).
func (p *packing) pack(g genome.Genome) packedKey {
	var k packedKey
	shift := p.shift[:len(g)]
	start := 0
	for w := range k {
		end := min(p.end[w], len(g))
		var acc uint64
		for i := start; i < end; i++ {
			acc |= uint64(g[i]) << (shift[i] & 63)
		}
		k[w] = acc
		start = end
	}
	return k
}

// unpack writes the genome packed in k into dst (the packing's length).
func (p *packing) unpack(dst genome.Genome, k *packedKey) {
	for i := range dst {
		dst[i] = int(k[p.word[i]&3] >> (p.shift[i] & 63) & p.mask[i])
	}
}

// set writes value v of gene i into k, which holds a packed genome: the
// key of that genome with gene i changed to v.
func (p *packing) set(k *packedKey, i, v int) {
	w, sh := p.word[i]&3, p.shift[i]&63
	k[w] = k[w]&^(p.mask[i]<<sh) | uint64(v)<<sh
}

// hashMul are the odd multipliers of hashKey's sum, one per key word.
var hashMul = [len(packedKey{})]uint64{0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9, 0x94d049bb133111eb, 0xd6e8feb86659fd93}

// hashKey mixes a packed key's words: their sum weighted by hashMul
// (hashSum), then the splitmix64 finalizer (hashFinish), so keys that
// differ in one gene spread over the whole table. The sum is linear in
// each word, so a key that differs from another in one word gets its hash
// from the other's sum without a pass over the key (evalMoves).
func hashKey(k *packedKey) uint64 { return hashFinish(hashSum(k)) }

func hashSum(k *packedKey) uint64 {
	return k[0]*hashMul[0] + k[1]*hashMul[1] + k[2]*hashMul[2] + k[3]*hashMul[3]
}

// hashMove is hashSum of a key whose hashSum is sum with word w changed
// from was to now.
func hashMove(sum uint64, w uint8, was, now uint64) uint64 {
	return sum + (now-was)*hashMul[w&3]
}

func hashFinish(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// memo maps genomes to int32 values without allocating per look-up or, for
// genomes that pack into 256 bits, per insertion: an open-addressing table
// (linear probing, at most half full) of slots naming entries in insertion
// order, which grows by doubling. A slot also holds bits of its key's hash,
// so a probe reads a stored key (a likely cache miss in a large table) only
// when those bits match. reset is O(1): a slot is live only when it carries
// the current epoch, so a memo reset every batch costs nothing however
// large it once grew. Larger genomes fall back to a Go map with string keys.
type memo struct {
	p *packing
	// keys and vals hold entry i (insertion order) of the current epoch.
	keys []packedKey
	vals []int32
	// slots: epoch<<epochShift | tag<<idBits | (entry+1) per slot; a slot
	// of another epoch is empty. len is a power of two.
	slots []uint64
	epoch uint64

	sm  map[string]int32
	buf []byte
	// sink keeps touch's loads.
	sink uint64
}

func newMemo(p *packing) *memo {
	m := &memo{p: p, epoch: 1}
	if p.ok {
		m.slots = make([]uint64, 16)
	} else {
		m.sm = make(map[string]int32)
	}
	return m
}

// key returns g's packed key (the zero key when genomes do not pack).
func (m *memo) key(g genome.Genome) packedKey {
	if m.sm != nil {
		return packedKey{}
	}
	return m.p.pack(g)
}

// Slot layout: the entry number plus one in the low idBits (a memo holds
// fewer than 1<<idBits entries: the cache stops at maxCache, a batch is far
// smaller), then tagBits of the key's hash, then the epoch.
const (
	idBits     = 26
	tagBits    = 18
	epochShift = idBits + tagBits
	maxEpoch   = 1<<(64-epochShift) - 1
)

// slotOf is the slot naming entry e of a key with hash h.
func (m *memo) slotOf(h uint64, e int) uint64 {
	return m.epoch<<epochShift | (h>>(64-tagBits))<<idBits | uint64(e+1)
}

// find returns the slot of k (hash h): its entry (and true) or the empty
// slot where it would go.
func (m *memo) find(k *packedKey, h uint64) (slot int, entry int, ok bool) {
	mask := uint64(len(m.slots) - 1)
	want := m.slotOf(h, 0) &^ (1<<idBits - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := m.slots[i]
		if s>>epochShift != m.epoch {
			return int(i), -1, false
		}
		if s&^(1<<idBits-1) != want {
			continue
		}
		e := int(s&(1<<idBits-1)) - 1
		if m.keys[e] == *k {
			return int(i), e, true
		}
	}
}

// getKey is get with g's key k already computed (by key).
func (m *memo) getKey(k *packedKey, g genome.Genome) (int32, bool) {
	if m.sm != nil {
		m.buf = appendKey(m.buf[:0], g)
		v, ok := m.sm[string(m.buf)]
		return v, ok
	}
	_, e, ok := m.find(k, hashKey(k))
	if !ok {
		return 0, false
	}
	return m.vals[e], true
}

// putKey is put with g's key k already computed (by key).
func (m *memo) putKey(k *packedKey, g genome.Genome, v int32) {
	if m.sm != nil {
		m.buf = appendKey(m.buf[:0], g)
		m.sm[string(m.buf)] = v
		return
	}
	h := hashKey(k)
	s, e, ok := m.find(k, h)
	if ok {
		m.vals[e] = v
		return
	}
	if 2*(len(m.keys)+1) > len(m.slots) {
		m.grow()
		s, _, _ = m.find(k, h)
	}
	m.slots[s] = m.slotOf(h, len(m.keys))
	m.keys = append(m.keys, *k)
	m.vals = append(m.vals, v)
}

// lookup is getKey with k's hash h already computed; slot is where k
// would go when it is absent (-1 for a memo of string keys), a hint for
// insert.
func (m *memo) lookup(k *packedKey, h uint64, g genome.Genome) (slot int, v int32, ok bool) {
	if m.sm != nil {
		v, ok = m.getKey(k, g)
		return -1, v, ok
	}
	s, e, ok := m.find(k, h)
	if !ok {
		return s, 0, false
	}
	return s, m.vals[e], true
}

// insert is putKey for a key k (hash h) a lookup found absent, slot being
// that lookup's hint: the slot is still right while it is empty and the
// table has not grown, since entries are only ever added to a table in one
// epoch, so every slot it probed past is still taken by another key. The
// caller must keep the table from growing between the look-up and the
// insert (reserve first): a slot of the old table would file k where no
// look-up finds it (TestCacheGrowsWithinBatch).
func (m *memo) insert(k *packedKey, h uint64, g genome.Genome, slot int, v int32) {
	if m.sm != nil {
		m.putKey(k, g, v)
		return
	}
	if slot < 0 || 2*(len(m.keys)+1) > len(m.slots) || m.slots[slot]>>epochShift == m.epoch {
		m.putKey(k, g, v)
		return
	}
	m.slots[slot] = m.slotOf(h, len(m.keys))
	m.keys = append(m.keys, *k)
	m.vals = append(m.vals, v)
}

// touch reads the first slot each hash probes, so the look-ups that follow
// find those slots in the CPU cache: these loads are independent of one
// another and overlap, where the look-ups' dependent probes would each
// wait for memory in turn.
func (m *memo) touch(hs []uint64) {
	if m.sm != nil {
		return
	}
	mask := uint64(len(m.slots) - 1)
	var x uint64
	for _, h := range hs {
		x |= m.slots[h&mask]
	}
	m.sink = x
}

// reserve makes room for n entries in all, so the table neither grows nor
// copies its entries before it holds them. The room is allocated, not
// written: slices.Grow would clear it, faulting in every page of a
// budget-sized reservation before the search fills any of it (or when it
// stops early, never does).
func (m *memo) reserve(n int) {
	if m.sm != nil || n <= len(m.keys) {
		return
	}
	if n > cap(m.keys) {
		k := make([]packedKey, len(m.keys), n)
		copy(k, m.keys)
		m.keys = k
	}
	if n > cap(m.vals) {
		v := make([]int32, len(m.vals), n)
		copy(v, m.vals)
		m.vals = v
	}
	size := len(m.slots)
	for 2*n > size {
		size *= 2
	}
	if size > len(m.slots) {
		m.growTo(size)
	}
}

// grow doubles the table and re-inserts the current entries.
func (m *memo) grow() { m.growTo(2 * len(m.slots)) }

// growTo rebuilds the table with size slots (a larger power of two).
func (m *memo) growTo(size int) {
	m.slots = make([]uint64, size)
	mask := uint64(len(m.slots) - 1)
	for e := range m.keys {
		h := hashKey(&m.keys[e])
		i := h & mask
		for m.slots[i]>>epochShift == m.epoch {
			i = (i + 1) & mask
		}
		m.slots[i] = m.slotOf(h, e)
	}
}

func (m *memo) get(g genome.Genome) (int32, bool) {
	k := m.key(g)
	return m.getKey(&k, g)
}

func (m *memo) put(g genome.Genome, v int32) {
	k := m.key(g)
	m.putKey(&k, g, v)
}

// reset empties the memo, keeping its memory.
func (m *memo) reset() {
	clear(m.sm)
	m.keys, m.vals = m.keys[:0], m.vals[:0]
	m.epoch++
	if m.epoch > maxEpoch {
		clear(m.slots)
		m.epoch = 1
	}
}
