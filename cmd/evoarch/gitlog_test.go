package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// gitRepo makes a repository in a temporary folder with the given commits
// of one file (name -> content in order; an empty content renames the file).
func gitRepo(t *testing.T, steps []struct{ name, content, msg string }) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	for _, s := range steps {
		if err := os.WriteFile(filepath.Join(dir, s.name), []byte(s.content), 0o644); err != nil {
			t.Fatal(err)
		}
		run("add", "-A")
		run("commit", "-q", "-m", s.msg)
	}
	return dir
}

func TestGitHistory(t *testing.T) {
	dir := gitRepo(t, []struct{ name, content, msg string }{
		{"template.yaml", "Resources: {}\n", "first release"},
		{"other.txt", "x", "unrelated change"},
		{"template.yaml", "Resources: {A: {Type: AWS::S3::Bucket}}\n", "add a bucket"},
	})
	commits, err := gitHistory(context.Background(), filepath.Join(dir, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(commits) != 2 || commits[0].Subject != "first release" || commits[1].Subject != "add a bucket" {
		t.Fatalf("got %+v, want the two commits that changed the template, oldest first", commits)
	}
	src, err := gitShow(context.Background(), filepath.Join(dir, "template.yaml"), commits[0])
	if err != nil || string(src) != "Resources: {}\n" {
		t.Errorf("gitShow = %q, %v", src, err)
	}
}

func TestGitHistoryNotARepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "t.yaml")
	os.WriteFile(f, []byte("Resources: {}\n"), 0o644)
	_, err := gitHistory(context.Background(), f)
	if !errors.Is(err, errNotGit) {
		t.Errorf("got %v, want errNotGit", err)
	}
}

// TestShorten: chart labels are cut by characters, never inside a UTF-8
// sequence.
func TestShorten(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 28, "short"},
		{"abcdef", 4, "abc…"},
		{"ééééé", 4, "ééé…"},
		{"ééé", 3, "ééé"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want || !utf8.ValidString(got) {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
