package report

import (
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line changed", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n",
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"},
		{"insert at end without final newline", "x\ny", "x\ny\nz",
			"--- a\n+++ b\n@@ -1,2 +1,3 @@\n x\n-y\n\\ No newline at end of file\n+y\n+z\n\\ No newline at end of file\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nY\n16\n",
			"--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -12,5 +12,5 @@\n 12\n 13\n 14\n-15\n+Y\n 16\n"},
		{"from empty", "", "a\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(UnifiedDiff("a", "b", []byte(tt.a), []byte(tt.b)))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestUnifiedDiffApplies: applying the diff's - and + lines in order gives b.
func TestUnifiedDiffReconstructs(t *testing.T) {
	a := strings.Repeat("line\n", 50) + "end\n"
	b := "start\n" + strings.Repeat("line\n", 20) + "middle\n" + strings.Repeat("line\n", 30) + "end\n"
	ops := myers(splitLines([]byte(a)), splitLines([]byte(b)))
	var gotA, gotB strings.Builder
	for _, o := range ops {
		if o.kind != '+' {
			gotA.WriteString(o.text)
		}
		if o.kind != '-' {
			gotB.WriteString(o.text)
		}
	}
	if gotA.String() != a || gotB.String() != b {
		t.Error("the edit script does not reconstruct both files")
	}
}
