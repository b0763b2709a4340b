package sim

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
)

// sharedDir is <repo root>/../shared, the repo root found by walking up
// to go.mod.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// TestCorpus evaluates every valid corpus template with no scenario (no
// workload: usage costs depend on usage): no panic, finite numbers, JSON
// that encodes, and no usage-based cost invented.
func TestCorpus(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	f, err := os.Open(filepath.Join(corpus, "INDEX.tsv"))
	if err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	var n, ok int
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 8 || cols[7] != "valid" {
			continue
		}
		n++
		path := filepath.Join(corpus, cols[0])
		tpl, err := cfn.ReadFile(path)
		if err != nil {
			continue
		}
		sp, err := genome.Derive(tpl, nil)
		if err != nil {
			continue
		}
		p, err := Compile(sp, nil)
		if err != nil {
			continue
		}
		ev := p.Report(sp.Current())
		if _, err := json.Marshal(ev); err != nil {
			t.Errorf("%s: %v", cols[0], err)
		}
		if math.IsNaN(ev.Fitness) || math.IsInf(ev.Fitness, 0) {
			t.Errorf("%s: fitness %v", cols[0], ev.Fitness)
		}
		for _, r := range ev.Cost.Resources {
			for _, l := range r.Lines {
				if l.DependsOnUsage && l.USDMonth != 0 {
					t.Errorf("%s: %s %s depends on usage but costs %v", cols[0], r.ID, l.Item, l.USDMonth)
				}
				if math.IsNaN(l.USDMonth) || l.USDMonth < 0 {
					t.Errorf("%s: %s %s costs %v", cols[0], r.ID, l.Item, l.USDMonth)
				}
			}
		}
		ok++
	}
	if n == 0 {
		t.Fatal("no valid templates in the corpus index")
	}
	t.Logf("%d of %d valid corpus templates evaluated", ok, n)
	if ok < n/2 {
		t.Errorf("only %d of %d valid templates evaluate", ok, n)
	}
}

// TestNotPriced: resources AWS bills but the cost model does not price are
// listed, not silently counted as free; free configuration resources are
// not listed.
func TestNotPriced(t *testing.T) {
	path := filepath.Join(sharedDir(t), "corpus", "serverless-patterns", "apigw-dynamodb-kinesis-lambda__template.yaml")
	tpl, err := cfn.ReadFile(path)
	if err != nil {
		t.Skipf("corpus template not found: %v", err)
	}
	sp, err := genome.Derive(tpl, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(sp, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Report(sp.Current()).Cost.NotPriced
	if want := []string{"KinesisStream (AWS::Kinesis::Stream)"}; !slices.Equal(got, want) {
		t.Errorf("not priced %q, want %q (IAM roles and API methods are free)", got, want)
	}
	if got := seedPlan(t).Report(seedPlan(t).Space().Current()).Cost.NotPriced; got == nil || len(got) != 0 {
		t.Errorf("seed-demo: not priced %#v, want [] (every billed resource is priced)", got)
	}
}
