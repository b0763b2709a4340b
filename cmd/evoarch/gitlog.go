package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// gitCommit is one commit that changed a file.
type gitCommit struct {
	Hash    string // full hash
	Short   string // abbreviated hash
	Date    string // author date, YYYY-MM-DD
	Subject string
	Path    string // the file's path at that commit, relative to the repository root
}

// errNotGit says the file is not inside a git work tree.
var errNotGit = errors.New("not in a git repository")

// gitRun runs git in dir and returns its standard output.
func gitRun(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out.Bytes(), nil
}

// gitHistory lists the commits that changed file, oldest first, following
// renames.
func gitHistory(ctx context.Context, file string) ([]gitCommit, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	top, err := gitRun(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, errNotGit)
	}
	root := strings.TrimSpace(string(top))
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	if a, err := filepath.EvalSymlinks(abs); err == nil {
		abs = a
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return nil, err
	}
	// One record per commit: hash, short hash, date, subject, then the
	// file's name at that commit (--name-only, following renames).
	out, err := gitRun(ctx, root, "log", "--follow", "--name-only", "--date=short",
		"--format=%x1e%H%x1f%h%x1f%ad%x1f%s", "--", filepath.ToSlash(rel))
	if err != nil {
		return nil, err
	}
	var commits []gitCommit
	for _, rec := range strings.Split(string(out), "\x1e") {
		rec = strings.TrimSpace(rec)
		if rec == "" {
			continue
		}
		head, names, _ := strings.Cut(rec, "\n")
		f := strings.Split(head, "\x1f")
		if len(f) != 4 {
			continue
		}
		c := gitCommit{Hash: f[0], Short: f[1], Date: f[2], Subject: f[3], Path: filepath.ToSlash(rel)}
		for _, n := range strings.Split(names, "\n") {
			if n = strings.TrimSpace(n); n != "" {
				c.Path = n
			}
		}
		commits = append(commits, c)
	}
	// git log lists newest first; the history reads oldest first.
	for i, j := 0, len(commits)-1; i < j; i, j = i+1, j-1 {
		commits[i], commits[j] = commits[j], commits[i]
	}
	return commits, nil
}

// gitShow returns a file's content at a commit.
func gitShow(ctx context.Context, file string, c gitCommit) ([]byte, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return gitRun(ctx, filepath.Dir(abs), "show", c.Hash+":"+c.Path)
}
