package scenarios

import (
	"fmt"
	"sort"
	"strings"
)

// SetSource is the File of a Position or Problem that comes from a --set
// override rather than from a file.
const SetSource = "--set"

// Position is where a scenario value was given: a file and a 1-based line
// and column, or File == SetSource (Line 0) for a --set override.
type Position struct {
	File      string
	Line, Col int
}

func (p Position) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
	return p.File
}

// Problem is one input problem in a scenario, located in its file.
type Problem struct {
	Position
	// Path is the dotted key path ("workload.functions.Fn.peak_rps"), empty
	// for a problem with the whole file.
	Path string
	Msg  string
}

// Error formats the problem as "scenarios: file:line:col: key.path: message".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("scenarios: ")
	if s := p.Position.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem found in one scenario, in file order. It is the
// error Parse, Apply and Check return; each problem is one line.
type Errors []*Problem

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find a single *Problem.
func (e Errors) Unwrap() []error {
	out := make([]error, len(e))
	for i, p := range e {
		out[i] = p
	}
	return out
}

// sorted orders problems by file, line, column and path, so the message is
// the same whatever order the checks ran in.
func (e Errors) sorted() Errors {
	sort.SliceStable(e, func(i, j int) bool {
		a, b := e[i], e[j]
		if a.File != b.File {
			// File problems before --set ones.
			if a.File == SetSource || b.File == SetSource {
				return b.File == SetSource
			}
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Path < b.Path
	})
	return e
}

// orNil returns nil for no problems, so a nil-interface check works.
func (e Errors) orNil() error {
	if len(e) == 0 {
		return nil
	}
	return e.sorted()
}

// Nearest returns the candidate closest to s by case-insensitive edit
// distance (ties: the first in candidates' order), or "" when there is none:
// the "did you mean" of every unknown name a user types (scenario keys,
// logical IDs, gene names).
func Nearest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 256 {
		a = a[:256]
	}
	if len(b) > 256 {
		b = b[:256]
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// didYouMean is the suffix naming the nearest known key.
func didYouMean(s string, candidates []string) string {
	n := Nearest(s, candidates)
	if n == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", n)
}

// quote truncates and quotes a user-supplied string for a message.
func quote(s string) string {
	const maxLen = 80
	if len(s) > maxLen {
		s = s[:maxLen] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// sortedKeys returns a map's keys sorted, for deterministic iteration.
func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
