package compliance

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// verdicts is a findings list reduced to "rule resource status" lines.
func verdicts(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		res := f.Resource
		if res == "ServerlessHttpApi" {
			res = "ServerlessRestApi" // the implicit API, renamed by an API type change
		}
		out[i] = f.Rule + " " + res + " " + f.Status
	}
	return out
}

func diff(a, b []string) string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var only []string
	for _, x := range a {
		if !in[x] {
			only = append(only, x)
		}
	}
	return strings.Join(only, "; ")
}

func validCorpus(t *testing.T) (string, []string) {
	t.Helper()
	root := filepath.Join(sharedDir(t), "corpus")
	data, err := os.ReadFile(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	var paths []string
	for _, line := range strings.Split(string(data), "\n")[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) >= 8 && cols[7] == "valid" {
			paths = append(paths, cols[0])
		}
	}
	return root, paths
}

// TestBaselineAgreesWithTemplate: check and evaluate read the template
// through infra.Baseline, the fuzz target and --rules filter through this
// package's own reading; both must give the same verdicts on every valid
// corpus template, in both semantics.
func TestBaselineAgreesWithTemplate(t *testing.T) {
	root, paths := validCorpus(t)
	for _, p := range paths {
		tpl, err := cfn.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		st, err := infra.Baseline(tpl)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, sem := range []string{SemanticsTemplate, SemanticsDeployed} {
			sc := scenarioWith(sem, nil)
			own, err := Compile(tpl, nil, sc, nil)
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			viaState, err := Compile(tpl, st, sc, nil)
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			a, b := verdicts(own.Findings(nil)), verdicts(viaState.Findings(st))
			if d := diff(a, b); d != "" {
				t.Errorf("%s (%s): template reading %s; infra.Baseline reading %s", p, sem, d, diff(b, a))
			}
		}
	}
}

// TestVariantsMatchAppliedTemplates: the compliance the simulator computes
// for a variant (genes bound onto the baseline State) is what `check` finds
// on the template genome.Apply writes for that variant. Random variants of
// the seed template and of every corpus template with genes, seeded.
func TestVariantsMatchAppliedTemplates(t *testing.T) {
	root, paths := validCorpus(t)
	type input struct {
		name string
		tpl  *cfn.Template
	}
	seed, _ := seedInputs(t)
	ins := []input{{"seed-demo", seed}}
	for _, p := range paths {
		tpl, err := cfn.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		ins = append(ins, input{p, tpl})
	}
	rng := rand.New(rand.NewPCG(5, 6))
	variants, k := 0, 0
	for _, in := range ins {
		sc := scenarios.Empty("consistency")
		sp, err := genome.Derive(in.tpl, sc)
		if err != nil || len(sp.Genes) == 0 {
			continue
		}
		base, err := infra.Baseline(in.tpl)
		if err != nil {
			t.Errorf("%s: %v", in.name, err)
			continue
		}
		binder, err := infra.Bind(sp, base)
		if err != nil {
			t.Errorf("%s: %v", in.name, err)
			continue
		}
		eng, err := Compile(in.tpl, base, sc, nil)
		if err != nil {
			t.Errorf("%s: %v", in.name, err)
			continue
		}
		st := binder.NewState()
		// The template's own genome is the template as written.
		binder.Apply(st, sp.Current())
		if d := diff(verdicts(eng.Findings(st)), verdicts(eng.Findings(base))); d != "" {
			t.Errorf("%s: the template's own genome evaluates to %s, the template to %s", in.name, d, diff(verdicts(eng.Findings(base)), verdicts(eng.Findings(st))))
		}
		// Random variants: genome.Apply parses the template again for
		// each, so a sample keeps the test fast.
		n := 0
		switch {
		case in.name == "seed-demo":
			n = 25
		case k%12 == 0:
			n = 1
		}
		k++
		for v := 0; v < n; v++ {
			g := sp.Current()
			for i := range g {
				if !sp.Genes[i].Pinned {
					g[i] = rng.IntN(len(sp.Genes[i].Values))
				}
			}
			binder.Apply(st, g)
			sim := verdicts(eng.Findings(st))
			src, err := sp.Apply(g)
			if err != nil {
				t.Errorf("%s: apply: %v", in.name, err)
				continue
			}
			applied, err := cfn.Parse(in.tpl.Path, src)
			if err != nil {
				t.Errorf("%s: the applied template does not parse: %v", in.name, err)
				continue
			}
			abase, err := infra.Baseline(applied)
			if err != nil {
				t.Errorf("%s: %v", in.name, err)
				continue
			}
			aeng, err := Compile(applied, abase, sc, nil)
			if err != nil {
				t.Errorf("%s: %v", in.name, err)
				continue
			}
			checked := verdicts(aeng.Findings(abase))
			// The applied template may add resources (a DLQ, a KMS key, an
			// alarm): compare the verdicts on the original ones.
			if d := diff(sim, checked); d != "" {
				t.Errorf("%s variant %v:\n  simulated %s\n  checked   %s\n  changes %s", in.name, g, d, diff(checked, sim), changes(sp, g))
			}
			variants++
		}
	}
	t.Logf("%d variants compared", variants)
}

func changes(sp *genome.Space, g genome.Genome) string {
	var out []string
	for _, c := range sp.Changes(sp.Current(), g) {
		out = append(out, fmt.Sprintf("%s=%v", c.Gene, c.To))
	}
	return strings.Join(out, " ")
}
