package infra

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

// applyRef is Apply as first written: every gene's write group checked
// per gene, over all bindings. Apply must write the same State.
func (b *Binder) applyRef(dst *State, g genome.Genome) {
	dst.CopyFrom(b.base)
	for i := range b.bindings {
		bd := &b.bindings[i]
		if b.atCurrent(bd.group, g) {
			continue
		}
		v, s := bd.num[g[i]], bd.str[g[i]]
		switch category(bd.attr) {
		case 'f':
			f := &dst.Functions[bd.res]
			setFunction(f, bd.attr, v, s)
			if bd.attr == genome.DeployAlarms {
				f.Alarms, f.DeclaredAlarms = bd.alarms[g[i]], bd.declared[g[i]]
			}
		case 't':
			setTable(&dst.Tables[bd.res], bd.attr, v)
		case 'b':
			setBucket(&dst.Buckets[bd.res], bd.attr, v)
		case 'a':
			setAPI(&dst.APIs[bd.res], bd.attr, v, bd.encOff)
		}
	}
	for i := range dst.Buckets {
		if dst.Buckets[i].Replication {
			dst.Buckets[i].Versioning = true
		}
	}
	for i := range dst.APIs {
		if !dst.APIs[i].REST {
			dst.APIs[i].CacheGB, dst.APIs[i].CacheEncrypted = 0, false
		}
	}
	for i := range b.bindings {
		bd := &b.bindings[i]
		if bd.attr != genome.DeployType || Deploy(bd.num[g[i]]) != DeployNone || b.atCurrent(bd.group, g) {
			continue
		}
		f := &dst.Functions[bd.res]
		f.DeployName, f.AlarmLevel, f.Alarms, f.DeclaredAlarms = "", 0, nil, 0
		f.PreTraffic, f.PostTraffic = false, false
	}
}

// derivedBinders binds the full genome space of the seed and of every valid
// corpus template that has genes.
func derivedBinders(t testing.TB) []*Binder {
	t.Helper()
	var out []*Binder
	for _, s := range derivedSpaces(t) {
		b, err := Bind(s.sp, s.base)
		if err != nil {
			t.Fatalf("%s: %v", s.path, err)
		}
		out = append(out, b)
	}
	return out
}

// derivedSpace is a corpus template's full genome space and baseline.
type derivedSpace struct {
	path string
	sp   *genome.Space
	base *State
}

// derivedSpaces derives the full genome space of the seed and of every
// valid corpus template that has genes.
func derivedSpaces(t testing.TB) []derivedSpace {
	t.Helper()
	root := shared(t, "corpus")
	data, err := os.ReadFile(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"evolutionary-serverless-architectures-with-safe-deployments/template.yaml"}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) >= 8 && cols[7] == "valid" {
			paths = append(paths, cols[0])
		}
	}
	var out []derivedSpace
	for _, p := range paths {
		tpl, err := cfn.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		sp, err := genome.Derive(tpl, scenarios.Empty("apply"))
		if err != nil || len(sp.Genes) == 0 {
			continue
		}
		base, err := Baseline(tpl)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, derivedSpace{p, sp, base})
	}
	return out
}

// TestApplyMatchesReference: Apply (write groups checked once, flat
// values, integer attributes) writes what the first form writes, on random genomes of every corpus space.
func TestApplyMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 0
	for _, b := range derivedBinders(t) {
		got, want, byGene := b.NewState(), b.NewState(), b.NewState()
		for v := 0; v < 20; v++ {
			g := append(genome.Genome(nil), b.current...)
			for i := range g {
				if v == 0 || rng.IntN(3) == 0 {
					continue // the template's values, alone and mixed
				}
				g[i] = rng.IntN(len(b.bindings[i].num))
			}
			b.Apply(got, g)
			b.applyRef(want, g)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("genome %v: Apply\n%+v\nreference\n%+v", g, got, want)
			}
			// The path of spaces with more than maxGroups write groups.
			byGene.CopyFrom(b.base)
			b.applyByGene(byGene, g)
			if !reflect.DeepEqual(byGene, want) {
				t.Fatalf("genome %v: applyByGene\n%+v\nreference\n%+v", g, byGene, want)
			}
			n++
		}
	}
	if n < 100 {
		t.Errorf("only %d genomes compared", n)
	}
}

// BenchmarkApplySeedSpace applies a cycle of 1,024 random genomes of the
// seed's full space, as a search does.
func BenchmarkApplySeedSpace(b *testing.B) {
	bd := derivedBinders(b)[0]
	rng := rand.New(rand.NewPCG(1, 2))
	gs := make([]genome.Genome, 1024)
	for k := range gs {
		gs[k] = make(genome.Genome, len(bd.current))
		for i := range gs[k] {
			gs[k][i] = rng.IntN(len(bd.bindings[i].num))
		}
	}
	dst := bd.NewState()
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		bd.Apply(dst, gs[k&1023])
		k++
	}
}
