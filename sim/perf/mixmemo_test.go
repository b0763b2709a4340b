package perf

import "testing"

// TestMixMemoKey: the application memo (appMixture, keyed by the ids of
// its functions' components: compsID) answers each mixture as percentiles
// computes it, when one parameter of one component of one function at a
// time moves away from a mixture it holds (and back): a parameter left out
// of compsID's key would give the moved components the held ones' id, and
// the memo the held mixture's percentiles.
func TestMixMemoKey(t *testing.T) {
	base, sc, vs := seedVariants(t, 1, 0)
	m, err := Compile(base, sc)
	if err != nil {
		t.Fatal(err)
	}
	m.Eval(vs[0], m.NewResult())
	if len(m.mix) == 0 {
		t.Fatal("seed-demo: no application mixture")
	}
	ents := make([]*fnEntry, len(m.mix))
	held := make([][nComp]comp, len(m.mix))
	for j, i := range m.mix {
		fm := &m.fns[i]
		ents[j] = fm.ents.at(fm.cur)
		held[j] = ents[j].comps
	}
	// fresh is the mixture's percentiles without any memo: the entries'
	// components weighted by their functions' rates, pruned.
	fresh := func() [3]float64 {
		var cs []comp
		for j, i := range m.mix {
			for _, c := range ents[j].comps {
				c.w *= m.fns[i].rate
				cs = append(cs, c)
			}
		}
		prune(cs)
		var p [3]float64
		p[0], p[1], p[2] = percentiles(cs)
		return p
	}
	check := func(name string) [3]float64 {
		t.Helper()
		for j := range ents {
			ents[j].cgen = 0 // as stage2 leaves an entry whose components it wrote
		}
		var got [3]float64
		got[0], got[1], got[2] = m.appMixture()
		want := fresh()
		if got != want {
			t.Errorf("%s: the memo gives %v, percentiles %v", name, got, want)
		}
		return want
	}
	want := check("held")
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
	for j := range ents {
		for i := range held[j] {
			if held[j][i].w <= 0 || held[j][i].sigma <= 0 {
				continue
			}
			for _, f := range fields {
				c := &ents[j].comps[i]
				f.set(c)
				c.finish()
				if check(f.name) != want {
					moved[f.name] = true
				}
				ents[j].comps = held[j]
				check("held again")
			}
		}
	}
	for _, f := range fields {
		if !moved[f.name] {
			t.Errorf("moving %s never changed the percentiles: the test is too weak", f.name)
		}
	}
	// Components without weight are left out whatever their parameters:
	// one id for them.
	a := held[0]
	for i := range a {
		if a[i].w <= 0 {
			b := a
			b[i].shift, b[i].mu = b[i].shift+3, b[i].mu+1
			ia, _ := m.compsID(a[:])
			ib, _ := m.compsID(b[:])
			if ia != ib {
				t.Errorf("component %d without weight: ids %d and %d", i, ia, ib)
			}
			break
		}
	}
}
