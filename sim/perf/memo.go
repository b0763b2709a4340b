package perf

import (
	"math"
	"math/bits"
)

// memo is an open-addressing hash index over fixed-length keys of 64-bit
// words (float64 bits and small integers): it maps a key to the id (0, 1,
// 2, ... in insertion order) under which its owner stores the value in a
// parallel slice. Keys are compared word for word, so a hit means every
// input the cached value was computed from is bit-identical: a cached
// result equals a recomputed one exactly, and a run's output does not
// depend on what the cache held.
//
// It allocates only to grow (doubling); after limit entries it forgets
// everything and starts again with the memory it has, so a long search
// stays within a fixed footprint.
type memo struct {
	keyLen int
	limit  int      // entries kept before a reset
	keys   []uint64 // n x keyLen words, entry id i at [i*keyLen, (i+1)*keyLen)
	slots  []int32  // id+1 per slot, 0 = empty; len a power of two
	n      int
	// whole makes the first growth past the initial room allocate for
	// limit entries at once (keys and slots): for long keys, whose
	// doubling copies and rehashes would cost more than the look-ups save.
	whole bool
}

// newMemo returns an index for keys of keyLen words holding at most limit
// entries, with room for hint entries before it grows.
func newMemo(keyLen, hint, limit int) memo {
	hint = max(1, min(hint, limit))
	size := 8
	for size < 2*hint {
		size *= 2
	}
	return memo{keyLen: keyLen, limit: limit, keys: make([]uint64, 0, hint*keyLen), slots: make([]int32, size)}
}

// hashKey mixes a key's words: each pair's 128-bit product, the words
// first offset by constants that depend on their position (so swapped
// words hash apart), summed, then the splitmix64 finalizer. The pairs are
// independent of each other, so their multiplications overlap; a poor
// hash costs probes only, never a wrong answer (keys compare exactly).
func hashKey(k []uint64) uint64 {
	h := uint64(len(k)) * 0x9e3779b97f4a7c15
	off := uint64(0xa0761d6478bd642f)
	i := 0
	for ; i+1 < len(k); i += 2 {
		hi, lo := bits.Mul64(k[i]^off, k[i+1]^(off+0xe7037ed1a0b428db))
		h += hi ^ lo
		off += 0x8ebc6af09c88c6e3
	}
	if i < len(k) {
		hi, lo := bits.Mul64(k[i]^off, 0xe7037ed1a0b428db)
		h += hi ^ lo
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// find returns the id of key and true, or the key's hash and false.
func (t *memo) find(key []uint64) (id int, h uint64, ok bool) {
	h = hashKey(key)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return -1, h, false
		}
		id := int(s - 1)
		if equalWords(t.keys[id*t.keyLen:(id+1)*t.keyLen], key) {
			return id, h, true
		}
	}
}

// findFrom2 is find, trying first the entries hint and hint2 (ids find or
// add returned before, or -1), in turn: a search that mostly meets one of
// the last two keys it met (a function's configuration between
// neighbouring variants, or one a one-gene move changed and the next moved
// back) then costs a comparison or two, no hash. The comparisons are the
// same exact ones, so the answer is find's; h is 0 when a hint matched (no
// add follows).
func (t *memo) findFrom2(key []uint64, hint, hint2 int) (id int, h uint64, ok bool) {
	if hint >= 0 && hint < t.n && equalWords(t.keys[hint*t.keyLen:(hint+1)*t.keyLen], key) {
		return hint, 0, true
	}
	if hint2 >= 0 && hint2 < t.n && equalWords(t.keys[hint2*t.keyLen:(hint2+1)*t.keyLen], key) {
		return hint2, 0, true
	}
	return t.find(key)
}

func equalWords(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// add stores key (not present, hash h from find) and returns its id. reset
// is true when the index was full and forgot every earlier entry first:
// the owner's earlier ids are then void.
func (t *memo) add(key []uint64, h uint64) (id int, reset bool) {
	if t.n >= t.limit {
		t.clear()
		reset = true
	}
	if t.whole && t.n == cap(t.keys)/max(t.keyLen, 1) && t.n < t.limit {
		t.keys = append(make([]uint64, 0, t.limit*t.keyLen), t.keys...)
		for len(t.slots) < 2*t.limit {
			t.grow()
		}
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	id = t.n
	t.n++
	t.keys = append(t.keys, key...)
	t.place(h, id)
	return id, reset
}

func (t *memo) place(h uint64, id int) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = int32(id + 1)
}

// grow doubles the slots and places every entry again.
func (t *memo) grow() {
	t.slots = make([]int32, 2*len(t.slots))
	for id := 0; id < t.n; id++ {
		t.place(hashKey(t.keys[id*t.keyLen:(id+1)*t.keyLen]), id)
	}
}

// clear forgets every entry, keeping the memory.
func (t *memo) clear() {
	clear(t.slots)
	t.keys = t.keys[:0]
	t.n = 0
}

// Key words for floats: their bits (a -0 and a 0 are different keys, which
// costs a recomputation, never a wrong answer).
func fbits(v float64) uint64 { return math.Float64bits(v) }

// entryChunk is the number of entries a chunked store allocates at once.
const entryChunk = 64

// chunked is a store of values by id (0, 1, 2, ... in insertion order)
// that grows by whole chunks and never moves a value: growing copies
// nothing (a memo's entries are large and, in a wide search, mostly
// written once), and reset keeps the chunks for reuse.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

// at returns the value of id (0 <= id < n).
func (c *chunked[T]) at(id int) *T { return &c.chunks[id/entryChunk][id%entryChunk] }

// next stores under the next id the value its place holds (a value
// pushed before a reset, or the zero value) and returns that place, for
// the caller to overwrite what it reads: a large value is not copied twice.
func (c *chunked[T]) next() *T {
	if c.n == len(c.chunks)*entryChunk {
		c.chunks = append(c.chunks, make([]T, entryChunk))
	}
	e := c.at(c.n)
	c.n++
	return e
}

// reset forgets every value, keeping the memory.
func (c *chunked[T]) reset() { c.n = 0 }
