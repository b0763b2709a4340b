package report

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func loadRun(t *testing.T) *Run {
	t.Helper()
	data, err := os.ReadFile("testdata/run/run.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := DecodeRun("run.json", data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// golden compares got with testdata/<name>, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n--- got ---\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "lengths differ"
}

func TestMarkdownGolden(t *testing.T) {
	md, err := Markdown(loadRun(t), Options{GIF: true})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "run/report.md", md)
	for _, want := range []string{"## Recommendation: the next change", "Gives myFirstFunction 512 MB", "Why this change: of the variants that change at most 1 gene", "best variant", "## Roadmap", "Increased availability",
		"## Fitness breakdown", "## Constraints", "## Compliance findings", "## Plots", "![Roadmap: fitness over versions](roadmap.svg)",
		"population.gif", "## Assumptions in force", "suppressed by checkov"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if bytes.Contains(md, []byte("<script>")) {
		t.Error("markdown carries a raw <script> tag from a template string")
	}
}

func TestHTMLSelfContainedAndEscaped(t *testing.T) {
	h, err := HTML(loadRun(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "run/report.html", h)
	s := string(h)
	if strings.Contains(s, "<script") {
		t.Error("the HTML contains a <script> element: template strings must be escaped")
	}
	if !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile resource id is not shown escaped")
	}
	for _, bad := range []string{"http://", "https://", "<link", "@import", "url("} {
		if strings.Contains(strings.ReplaceAll(s, "http://www.w3.org", ""), bad) {
			t.Errorf("the HTML refers outside itself: %q", bad)
		}
	}
	if n := strings.Count(s, "data:image/svg"); n < 5 {
		t.Errorf("want the plots inline, got %d inline images", n)
	}
}

// TestHTMLInChromium renders the report in headless Chromium and fails on
// any error in the page's console (a CSP violation, a broken image, a
// script error).
func TestHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: CI must install it (.ci/run)")
		}
		t.Skip("chromium is not installed; apt-get install chromium to run this test")
	}
	h, err := HTML(loadRun(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, h, 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	// Flags from the env notes: no sandbox as root, no background networking.
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--window-size=1200,3000", "--screenshot="+shot, "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium failed: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") || strings.Contains(line, "Content Security Policy") {
			t.Errorf("console message from the page: %s", line)
		}
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("no screenshot of the page: %v", err)
	}
}

func TestConstraintNote(t *testing.T) {
	broken := []Constraint{{Name: "max_latency_p99_ms", Limit: 2000, Value: 3025}}
	met := []Constraint{{Name: "max_latency_p99_ms", Limit: 2000, Value: 250, OK: true}}
	tests := []struct {
		name     string
		base     []Constraint
		next     map[string]float64
		best     []Constraint
		roadmap  []Step
		contains string
	}{
		{"all met", met, map[string]float64{"latency_p99_ms": 250}, met, nil, ""},
		{"next meets it", broken, map[string]float64{"latency_p99_ms": 1500}, met, nil, "This change meets it."},
		{"roadmap meets it", broken, map[string]float64{"latency_p99_ms": 3025}, met,
			[]Step{{Version: "v1", Summary: "x: cost -$1"}, {Version: "v2", Summary: "y: meets the hard constraints, cost +$1"}}, "the roadmap meets it at v2."},
		{"nothing meets it", broken, map[string]float64{"latency_p99_ms": 3025}, broken, nil, "no variant found meets it."},
		{"required rule", []Constraint{{Name: "required_rules", Limit: 0, Value: 1}}, map[string]float64{}, broken, nil, "No change this small meets it alone"},
	}
	for _, tt := range tests {
		r := &Run{Baseline: Evaluation{Constraints: tt.base}, Best: Best{Evaluation: Evaluation{Constraints: tt.best}}, Roadmap: tt.roadmap}
		got := constraintNote(r, &Step{Objectives: tt.next})
		if (tt.contains == "") != (got == "") || !strings.Contains(got, tt.contains) {
			t.Errorf("%s: %q, want it to contain %q", tt.name, got, tt.contains)
		}
	}
}

func TestGain(t *testing.T) {
	for v, want := range map[float64]string{0.3: "+0.300", 0.00004: "+4e-05", 0.0002: "+0.0002", -0.0001: "-0.0001", 0: "+0.000"} {
		if got := signed(v, gain); got != want {
			t.Errorf("signed(%g, gain) = %q, want %q", v, got, want)
		}
	}
}
