package perf

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/evoarch/evoarch/sim/infra"
)

// TestPoolZeroShortcut checks poolBlocking's shortcut (Model.poolZero)
// against erlangB itself, bit for bit: a Model meets a random sequence of
// pool sizes and loads, among them loads either side of the largest one
// each pool blocks nothing of (where a shortcut that trusted a wrong
// bound, or another pool's, would answer 0 for a blocking above 0), with
// its tables on and off (and NaN, infinite and negative loads, pools of
// 0 and -1, which block everything). It fails too if the shortcut seldom
// answers.
func TestPoolZeroShortcut(t *testing.T) {
	pools := []int{-1, 0, 1, 2, 5, 9, 10, 17, 100, 900, 1000}
	// edge[c] is about the largest load of a zero blocking in a pool of c.
	edge := map[int]float64{}
	for _, c := range pools {
		lo, hi := 0.0, float64(c)+1
		for range 60 {
			mid := (lo + hi) / 2
			if erlangB(mid, c) == 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		edge[c] = lo
	}
	for _, off := range []bool{false, true} {
		m, err := Compile(&infra.State{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		m.off = off
		rng := rand.New(rand.NewPCG(7, 8))
		load := func(c int) float64 {
			e := edge[c]
			switch rng.IntN(5) {
			case 0:
				return e * rng.Float64()
			case 1:
				return math.Nextafter(e, math.Inf(1))
			case 2:
				return e * (1 + rng.Float64()*1e-3)
			case 3:
				return e
			case 4:
				switch rng.IntN(20) {
				case 0, 1:
					return -rng.Float64()
				case 2:
					return math.NaN()
				case 3:
					return math.Inf(1)
				}
			}
			return float64(c) * 2 * rng.Float64()
		}
		shortcuts := 0
		for i := range 20000 {
			c := pools[rng.IntN(len(pools))]
			l := [2]float64{load(c), load(c)}
			if m.zeroCovers(l[0], c) && m.zeroCovers(l[1], c) {
				shortcuts++
			}
			got := m.poolBlocking(l, c)
			want := [2]float64{erlangB(l[0], c), erlangB(l[1], c)}
			if math.Float64bits(got[0]) != math.Float64bits(want[0]) || math.Float64bits(got[1]) != math.Float64bits(want[1]) { // NaN too
				t.Fatalf("off %v, call %d: poolBlocking(%v, %d) = %v, erlangB gives %v", off, i, l, c, got, want)
			}
		}
		if shortcuts < 1000 {
			t.Errorf("off %v: the shortcut answered %d of 20,000 calls", off, shortcuts)
		}
	}
}
