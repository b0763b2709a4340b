package perf

import "math"

// The standard normal CDF and density by table: nodes every normTabStep
// from 0 to normTabMax in |z|, each holding the lower tail Q(a) = Phi(-a)
// and the density phi(a) (math.Erfc and math.Exp, built once at package
// initialisation), interpolated by cubic Hermite polynomials with the exact
// derivatives Q' = -phi and phi' = -a phi. The error of a cubic Hermite
// interpolant is at most max|f^(4)| h^4 / 384: with h = 1/256, |Q^(4)| =
// |(a^3 - 3a) phi(a)| <= 0.552 gives 3.4e-13 and |phi^(4)| = |(a^4 - 6a^2 +
// 3) phi(a)| <= 1.2 gives 7.3e-13, absolute (TestNormTable checks both
// against math.Erfc and math.Exp on a dense grid). About 37 KB.
const (
	normTabPerUnit = 256 // nodes per unit of z: 1/h
	normTabMax     = 9   // |z| covered; beyond, normCDFPDF
	normTabN       = normTabMax * normTabPerUnit
	normTabStep    = 1.0 / normTabPerUnit
)

// normTab[k] is {Q(k h), phi(k h)}, h = normTabStep.
var normTab = func() (t [normTabN + 1][2]float64) {
	for k := range t {
		a := float64(k) * normTabStep
		t[k] = [2]float64{0.5 * math.Erfc(a/math.Sqrt2), math.Exp(-a*a/2) / sqrt2Pi}
	}
	return t
}()

// hermite is the cubic Hermite polynomial of Q and of phi on one interval
// of normTab, in t in [0, 1): v0 + t (d0 + t (c2 + t c3)) with v0, d0 the
// value and derivative (with respect to t) at its start.
type hermite struct{ q0, dq0, c2q, c3q, p0, dp0, c2p, c3p float64 }

// normHerm[k] is the interval from normTab[k] to normTab[k+1]: its
// coefficients computed once, by the same operations in the same order as
// normCDFPDFTabRef (numerics_test.go) takes them at each call, so
// normCDFPDFTab returns its values bit for bit (TestNormTableBits). 64
// bytes each, one cache line: 147 KB.
var normHerm = func() (hs [normTabN]hermite) {
	for k := range hs {
		n0, n1 := &normTab[k], &normTab[k+1]
		q0, p0, q1, p1 := n0[0], n0[1], n1[0], n1[1]
		a0 := float64(k) * normTabStep
		dq0, dq1 := -normTabStep*p0, -normTabStep*p1
		dp0, dp1 := -normTabStep*a0*p0, -normTabStep*(a0+normTabStep)*p1
		hs[k] = hermite{
			q0: q0, dq0: dq0, c2q: 3*(q1-q0) - 2*dq0 - dq1, c3q: 2*(q0-q1) + dq0 + dq1,
			p0: p0, dp0: dp0, c2p: 3*(p1-p0) - 2*dp0 - dp1, c3p: 2*(p0-p1) + dp0 + dp1,
		}
	}
	return hs
}()

// normCDFPDFTab returns the standard normal CDF and density at z, within
// 3.4e-13 and 7.3e-13 absolute (see normTab) for |z| < normTabMax, and as
// normCDFPDF (within 1e-15) beyond. No transcendental function inside the
// table's range.
func normCDFPDFTab(z float64) (cdf, pdf float64) {
	a := math.Abs(z)
	if !(a < normTabMax) {
		return normCDFPDF(z)
	}
	s := a * normTabPerUnit
	k := int(s)
	t := s - float64(k)
	h := &normHerm[k]
	q := h.q0 + t*(h.dq0+t*(h.c2q+t*h.c3q))
	pdf = h.p0 + t*(h.dp0+t*(h.c2p+t*h.c3p))
	if z > 0 {
		return 1 - q, pdf
	}
	return q, pdf
}
