package infra

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/scenarios"
)

// seedDemoBinder binds the built-in seed-demo scenario's space with every
// gene free (no pins), the space the search explores.
func seedDemoBinder(t testing.TB) *Binder {
	t.Helper()
	sc, err := scenarios.Load("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	sc.Pin = nil
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := genome.Derive(tpl, sc)
	if err != nil {
		t.Fatal(err)
	}
	base, err := Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bind(sp, base)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameBits reports where a and b differ, comparing floats by their bits
// (so -0 differs from 0, and NaN equals the same NaN), or "".
func sameBits(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
			return fmt.Sprintf("%s: %v != %v", path, a.Float(), b.Float())
		}
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if d := sameBits(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: nil %v len %d != nil %v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := sameBits(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
	case reflect.Pointer:
		if a.Pointer() != b.Pointer() {
			return path + ": pointers differ"
		}
	case reflect.Map:
		if a.Pointer() != b.Pointer() {
			return path + ": maps differ"
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q != %q", path, a.String(), b.String())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v != %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d != %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if a.Uint() != b.Uint() {
			return fmt.Sprintf("%s: %d != %d", path, a.Uint(), b.Uint())
		}
	default:
		return fmt.Sprintf("%s: unexpected kind %s", path, a.Kind())
	}
	return ""
}

// incrSequence returns n genomes of b's space in an order a search would
// evaluate them, and worse: one- and two-gene moves of a base (the base
// often accepting the move), random jumps, repeats of the last genome, and
// returns to an earlier one. Genes move mostly inside the template's
// values' write groups so that groups leave and return to the template.
func incrSequence(b *Binder, rng *rand.Rand, n int) []genome.Genome {
	ng := len(b.current)
	random := func() genome.Genome {
		g := append(genome.Genome(nil), b.current...)
		for i := range g {
			if rng.IntN(3) != 0 {
				g[i] = rng.IntN(len(b.bindings[i].num))
			}
		}
		return g
	}
	base := append(genome.Genome(nil), b.current...)
	out := []genome.Genome{append(genome.Genome(nil), base...)}
	for len(out) < n {
		var g genome.Genome
		switch k := rng.IntN(20); {
		case k < 14: // one or two genes of the base
			g = append(genome.Genome(nil), base...)
			for m := 1 + rng.IntN(2); m > 0; m-- {
				i := rng.IntN(ng)
				if rng.IntN(4) == 0 {
					g[i] = b.current[i] // back to the template's value
				} else {
					g[i] = rng.IntN(len(b.bindings[i].num))
				}
			}
			if rng.IntN(5) == 0 {
				base = g
			}
		case k < 16: // a random jump, sometimes the template itself
			g = random()
			if k == 15 {
				g = append(genome.Genome(nil), b.current...)
			}
			base = g
		case k < 18: // a repeat
			g = out[len(out)-1]
		default: // an earlier genome
			g = out[rng.IntN(len(out))]
		}
		out = append(out, append(genome.Genome(nil), g...))
	}
	return out
}

// TestApplyFromMatchesApply drives one State through ApplyFrom along long
// sequences of the seed-demo space and of every corpus space, and compares
// it after every step, field by field and bit by bit, with a fresh State
// given the full Apply.
func TestApplyFromMatchesApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	binders := []*Binder{seedDemoBinder(t)}
	for _, s := range derivedSpaces(t) {
		for _, sp := range []*genome.Space{s.sp, widened(s.sp), subset(s.sp, rng)} {
			b, err := Bind(sp, s.base)
			if err != nil {
				t.Fatalf("%s: %v", s.path, err)
			}
			binders = append(binders, b)
		}
	}
	steps := 0
	for bi, b := range binders {
		n := 300
		if bi == 0 {
			n = 20000
		}
		seq := incrSequence(b, rng, n)
		st := b.NewState()
		var prev genome.Genome // nil: st holds the baseline, unknown to ApplyFrom
		for k, g := range seq {
			if rng.IntN(500) == 0 {
				prev = nil // the caller lost track: the full Apply
			}
			before := b.NewState()
			before.CopyFrom(st)
			var ch Changed
			b.ApplyChanged(st, prev, g, &ch)
			if d := unlisted(before, st, &ch); d != "" {
				t.Fatalf("space %d step %d: prev %v, genome %v: %s changed but ApplyChanged does not list it", bi, k, prev, g, d)
			}
			want := b.NewState()
			b.Apply(want, g)
			if d := sameBits(reflect.ValueOf(*st), reflect.ValueOf(*want), "State"); d != "" || !reflect.DeepEqual(st, want) {
				t.Fatalf("space %d step %d: prev %v, genome %v: ApplyFrom differs from Apply: %s", bi, k, prev, g, d)
			}
			prev = g
			steps++
		}
	}
	if steps < 20000+300*(len(binders)-1) || len(binders) < 300 {
		t.Errorf("only %d steps compared", steps)
	}
}

// unlisted returns the first resource of after that differs from before
// and that ch does not list (nor All), or "" when there is none, or when
// something outside the listed kinds (queues, alarms, the rest) differs.
func unlisted(before, after *State, ch *Changed) string {
	if ch.All {
		return ""
	}
	listed := func(kind byte, i int) bool {
		for k := 0; k < ch.Len(); k++ {
			if c, r := ch.At(k); c == kind && r == i {
				return true
			}
		}
		return false
	}
	for i := range after.Functions {
		if !reflect.DeepEqual(before.Functions[i], after.Functions[i]) && !listed('f', i) {
			return "function " + after.Functions[i].ID
		}
	}
	for i := range after.Tables {
		if !reflect.DeepEqual(before.Tables[i], after.Tables[i]) && !listed('t', i) {
			return "table " + after.Tables[i].ID
		}
	}
	for i := range after.Buckets {
		if !reflect.DeepEqual(before.Buckets[i], after.Buckets[i]) && !listed('b', i) {
			return "bucket " + after.Buckets[i].ID
		}
	}
	for i := range after.APIs {
		if !reflect.DeepEqual(before.APIs[i], after.APIs[i]) && !listed('a', i) {
			return "API " + after.APIs[i].ID
		}
	}
	b, a := *before, *after
	b.Functions, b.Tables, b.Buckets, b.APIs = nil, nil, nil, nil
	a.Functions, a.Tables, a.Buckets, a.APIs = nil, nil, nil, nil
	if !reflect.DeepEqual(b, a) {
		return "a field outside functions, tables, buckets and APIs"
	}
	return ""
}

// widened returns sp with "no DeploymentPreference" among the values of
// every DeployType gene, so that Apply's clean-up of a function's alarms
// and hooks (PostTraffic included) happens, and is undone, on every
// template that deploys gradually.
func widened(sp *genome.Space) *genome.Space {
	w := *sp
	w.Genes = append([]genome.Gene(nil), sp.Genes...)
	for i := range w.Genes {
		g := &w.Genes[i]
		if g.Attr == genome.DeployType && !slices.Contains(g.Values, nil) {
			g.Values = append(slices.Clip(g.Values), nil)
		}
	}
	return &w
}

// subset returns sp with about a third of its genes dropped: a resource
// then has some genes and not others (replication without versioning, a
// cache without the API type), the write groups Apply finds partial.
func subset(sp *genome.Space, rng *rand.Rand) *genome.Space {
	w := *sp
	w.Genes = nil
	for _, g := range sp.Genes {
		if rng.IntN(3) != 0 {
			w.Genes = append(w.Genes, g)
		}
	}
	if len(w.Genes) == 0 {
		w.Genes = sp.Genes[:1]
	}
	return &w
}

// TestApplyFromAllocs: ApplyFrom allocates nothing, in both of its paths.
func TestApplyFromAllocs(t *testing.T) {
	b := seedDemoBinder(t)
	seq := incrSequence(b, rand.New(rand.NewPCG(3, 4)), 512)
	st := b.NewState()
	b.Apply(st, seq[0])
	k := 0
	allocs := testing.AllocsPerRun(2000, func() {
		k++
		b.ApplyFrom(st, seq[(k-1)%len(seq)], seq[k%len(seq)])
	})
	if allocs != 0 {
		t.Errorf("ApplyFrom: %v allocs per call", allocs)
	}
}

// seedWalk returns n genomes of the seed-demo space as the memetic search
// evaluates them: the one-gene neighbours of a base, one after another, the
// base taking an improving move now and then and jumping to a random genome
// every 256 evaluations.
func seedWalk(b *Binder, n int) []genome.Genome {
	rng := rand.New(rand.NewPCG(5, 6))
	ng := len(b.current)
	base := append(genome.Genome(nil), b.current...)
	gs := make([]genome.Genome, n)
	for k := range gs {
		if k%256 == 255 {
			base = make(genome.Genome, ng)
			for i := range base {
				base[i] = rng.IntN(len(b.bindings[i].num))
			}
		}
		g := append(genome.Genome(nil), base...)
		i := rng.IntN(ng)
		g[i] = rng.IntN(len(b.bindings[i].num))
		if rng.IntN(16) == 0 {
			base = g
		}
		gs[k] = g
	}
	return gs
}

// BenchmarkApplyFromSeedWalk compares Apply and ApplyFrom on the same
// one-gene-move walk of the seed-demo space.
func BenchmarkApplyFromSeedWalk(b *testing.B) {
	bd := seedDemoBinder(b)
	gs := seedWalk(bd, 4096)
	b.Run("Apply", func(b *testing.B) {
		dst := bd.NewState()
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			bd.Apply(dst, gs[k&4095])
			k++
		}
	})
	b.Run("ApplyFrom", func(b *testing.B) {
		dst := bd.NewState()
		bd.Apply(dst, gs[4095])
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			bd.ApplyFrom(dst, gs[(k-1)&4095], gs[k&4095])
			k++
		}
	})
}

// TestChangedMasks drives a State along the sequences of
// TestApplyFromMatchesApply and checks, after every ApplyChanged, that Has
// and Mask say what the list At reads says: the cost and latency models
// skip a resource on a clear bit of Mask, they and the rollout a kind on
// a false Has.
func TestChangedMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	binders := []*Binder{seedDemoBinder(t)}
	for _, s := range derivedSpaces(t) {
		b, err := Bind(widened(s.sp), s.base)
		if err != nil {
			t.Fatalf("%s: %v", s.path, err)
		}
		binders = append(binders, b)
	}
	steps, listed := 0, 0
	for bi, b := range binders {
		n := 200
		if bi == 0 {
			n = 20000
		}
		st := b.NewState()
		var prev genome.Genome
		for k, g := range incrSequence(b, rng, n) {
			var ch Changed
			b.ApplyChanged(st, prev, g, &ch)
			prev = g
			if d := hasAgrees(&ch); d != "" {
				t.Fatalf("space %d step %d: %s", bi, k, d)
			}
			steps++
			listed += ch.Len()
		}
	}
	if steps < 20000+200*(len(binders)-1) || len(binders) < 100 || listed < steps/2 {
		t.Errorf("only %d steps compared (%d binders), %d resources listed", steps, len(binders), listed)
	}
}

// hasAgrees returns "" when ch's Has and Mask say what its list says:
// Mask has the bit of every listed resource below 64 and no other, or
// every bit when one from 64 on is listed.
func hasAgrees(ch *Changed) string {
	kinds := []byte("ftba")
	if ch.All {
		for _, kind := range kinds {
			if !ch.Has(kind) || ch.Mask(kind) != ^uint64(0) {
				return fmt.Sprintf("All without kind %q", kind)
			}
		}
		return ""
	}
	masks := map[byte]uint64{}
	for k := 0; k < ch.Len(); k++ {
		kind, i := ch.At(k)
		if i >= 64 {
			masks[kind] = ^uint64(0)
		} else {
			masks[kind] |= 1 << i
		}
	}
	for _, kind := range append(kinds, 'q') {
		if ch.Has(kind) != (masks[kind] != 0) {
			return fmt.Sprintf("Has(%q) %v, the list's mask %#x", kind, ch.Has(kind), masks[kind])
		}
		if ch.Mask(kind) != masks[kind] {
			return fmt.Sprintf("Mask(%q) %#x, the list's %#x", kind, ch.Mask(kind), masks[kind])
		}
	}
	return ""
}
