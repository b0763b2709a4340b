package perf

import "testing"

// TestMixMemoKey: the mixture memo (mixPercentiles) answers each
// mixture as percentiles computes it, when one parameter of one component
// at a time moves away from a mixture it holds (and back): a parameter
// left out of its key would return the held mixture's percentiles.
func TestMixMemoKey(t *testing.T) {
	base, sc, vs := seedVariants(t, 1, 0)
	m, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	m.Eval(vs[0], m.NewResult())
	if len(m.mixComps) == 0 {
		t.Fatal("seed-demo: no application mixture")
	}
	held := append([]comp(nil), m.mixComps...)
	check := func(name string, cs []comp) {
		t.Helper()
		copy(m.mixComps, cs)
		var got, want [3]float64
		got[0], got[1], got[2] = m.mixPercentiles()
		want[0], want[1], want[2] = percentiles(append([]comp(nil), cs...))
		if got != want {
			t.Errorf("%s: the memo gives %v, percentiles %v", name, got, want)
		}
	}
	check("held", held)
	fields := []struct {
		name string
		set  func(c *comp)
	}{
		{"w", func(c *comp) { c.w *= 3 }},
		{"shift", func(c *comp) { c.shift += 7 }},
		{"mu", func(c *comp) { c.mu += 0.05 }},
		{"sigma", func(c *comp) { c.sigma *= 1.2 }},
		{"capMS", func(c *comp) { c.capMS = c.q[1] }},
	}
	moved := map[string]bool{}
	var want [3]float64
	want[0], want[1], want[2] = percentiles(append([]comp(nil), held...))
	for i := range held {
		if held[i].w <= 0 || held[i].sigma <= 0 {
			continue
		}
		for _, f := range fields {
			cs := append([]comp(nil), held...)
			f.set(&cs[i])
			cs[i].finish()
			check(f.name, cs)
			var p [3]float64
			p[0], p[1], p[2] = percentiles(append([]comp(nil), cs...))
			if p != want {
				moved[f.name] = true
			}
			check("held again", held)
		}
	}
	for _, f := range fields {
		if !moved[f.name] {
			t.Errorf("moving %s never changed the percentiles: the test is too weak", f.name)
		}
	}
}
