package cfn

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir returns <repo root>/../shared, the repo root found by walking up
// to go.mod.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared")
}

type corpusEntry struct {
	Path, Format, Types, Expected string
}

// corpus reads ../shared/corpus/INDEX.tsv.
func corpus(t testing.TB) (string, []corpusEntry) {
	t.Helper()
	root := filepath.Join(sharedDir(t), "corpus")
	f, err := os.Open(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		t.Fatalf("corpus index: %v", err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 8 {
			continue
		}
		out = append(out, corpusEntry{Path: cols[0], Format: cols[5], Types: cols[6], Expected: cols[7]})
	}
	if len(out) < 600 {
		t.Fatalf("corpus index has %d rows, want 620", len(out))
	}
	return root, out
}

func TestCorpusParse(t *testing.T) {
	root, entries := corpus(t)
	for _, e := range entries {
		tpl, err := ReadFile(filepath.Join(root, e.Path))
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Errorf("%s: error is %T, not *cfn.Error: %v", e.Path, err, err)
		}
		switch e.Expected {
		case "valid":
			if err != nil {
				t.Errorf("%s: %v", e.Path, err)
				continue
			}
			if want := map[string]Format{"yaml": YAML, "json": JSON}[e.Format]; tpl.Format != want {
				t.Errorf("%s: format %v, want %v", e.Path, tpl.Format, want)
			}
		case "error":
			if err != nil && ce != nil && (ce.File == "" || !strings.HasPrefix(err.Error(), "cfn: ")) {
				t.Errorf("%s: error without file: %v", e.Path, err)
			}
		}
	}
}
