package genome

import (
	"bufio"
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
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// corpusEntry is one line of corpus/INDEX.tsv.
type corpusEntry struct {
	Path  string // absolute
	Valid bool
}

// corpus reads INDEX.tsv.
func corpus(t testing.TB) []corpusEntry {
	t.Helper()
	root := filepath.Join(sharedDir(t), "corpus")
	f, err := os.Open(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 8 {
			continue
		}
		out = append(out, corpusEntry{Path: filepath.Join(root, cols[0]), Valid: cols[len(cols)-1] == "valid"})
	}
	if len(out) == 0 {
		t.Fatal("corpus: INDEX.tsv lists no templates")
	}
	return out
}
