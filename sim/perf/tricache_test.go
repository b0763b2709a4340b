package perf

import (
	"math"
	"testing"
)

// TestTriCachesFollowEveryArgument: coldOf and cappedOf return what
// coldRate and cappedMeanTail compute, bit for bit, when the arguments
// change one at a time (each must be in the key), move back, and land on
// slots other arguments filled (a direct-mapped slot holds one key).
func TestTriCachesFollowEveryArgument(t *testing.T) {
	fm := &fnModel{lifeMS: 7 * 60000}
	cold := func(n, lam, dur float64) {
		t.Helper()
		got, want := fm.coldOf(n, lam, dur), coldRate(n, lam, dur, fm.lifeMS)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("coldOf(%g, %g, %g) = %g, coldRate %g", n, lam, dur, got, want)
		}
	}
	capped := func(tm, mu, sigma float64) {
		t.Helper()
		gm, gt := fm.cappedOf(tm, mu, sigma)
		wm, wt := cappedMeanTail(tm, mu, sigma)
		if math.Float64bits(gm) != math.Float64bits(wm) || math.Float64bits(gt) != math.Float64bits(wt) {
			t.Fatalf("cappedOf(%g, %g, %g) = %g, %g; cappedMeanTail %g, %g", tm, mu, sigma, gm, gt, wm, wt)
		}
	}
	base := [3]float64{0.8, 0.004, 200}
	cb := [3]float64{3000, 5.2, 0.47}
	for pass := range 2 {
		for i := range 3 {
			// (coldRate reads durMS only as "positive": factor 0 tells.)
			for _, f := range []float64{1, 1.5, 1 + 1e-15, 2, 0} {
				a, c := base, cb
				a[i] *= f
				c[i] *= f
				cold(a[0], a[1], a[2])
				capped(c[0], c[1], c[2])
			}
		}
		// Many keys: every slot met by several, evicting one another.
		for k := range 4 * triSlots {
			x := 1 + float64(k+pass)/float64(triSlots)
			cold(base[0]*x, base[1], base[2])
			capped(cb[0], cb[1]*x, cb[2])
		}
	}
}
