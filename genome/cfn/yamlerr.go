package cfn

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxLocateSize is the largest template whose YAML syntax errors are located
// by parsing line prefixes (yamlProblemLine); bigger ones keep yaml.v3's own
// line. A search makes about log2(lines) probes of up to this many bytes:
// about 0.2 s at 256 KiB (TestYAMLErrorLocationIsFast), nine times the
// largest YAML template of ../shared/corpus (28 KB).
const maxLocateSize = 256 << 10

// yamlParserProblems are the problems yaml.v3's parser (not its scanner)
// reports (gopkg.in/yaml.v3 parserc.go, yaml_parser_set_parser_error*). For
// them parser.fail reports the 0-based line of the enclosing collection's
// start (or of the problem, when the collection starts on line 0), not a
// 1-based one (gopkg.in/yaml.v3@v3.0.1 decode.go, func (p *parser) fail).
var yamlParserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlError turns a yaml.v3 syntax error into a positioned Error. yaml.v3
// gives a line only, and not always the problem's (see yamlParserProblems),
// so the problem line is found by parsing line prefixes of the source
// (yamlProblemLine). The column is that line's first non-blank character,
// and the key path is read from the indentation of the lines above it
// (yamlPathAt): both are best effort, as the message says "near".
func yamlError(path string, src []byte, li *lineIndex, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	problem, reported := msg, 0
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &reported); scanErr == nil {
		problem = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	line := reported
	for _, p := range yamlParserProblems {
		if problem == p {
			line++ // 0-based, see yamlParserProblems
			break
		}
	}
	e := &Error{File: path, Msg: "malformed YAML: " + problem}
	if l, ok := yamlProblemLine(src, li, problem); ok {
		line = l
	} else if line != reported {
		e.Msg += " (in the mapping or list that starts near here)"
	}
	if line < 1 || line > len(li.starts) {
		return e
	}
	e.Pos = Pos{Line: line, Col: firstNonBlankCol(src, li, line)}
	e.Path = yamlPathAt(src, li, line)
	if i := strings.LastIndexByte(e.Path, '.'); i >= 0 {
		e.Key = e.Path[i+1:]
	} else {
		e.Key = e.Path
	}
	return e
}

// yamlProblemLine returns the 1-based line where a YAML syntax error is: the
// last line of the shortest line prefix of src that fails to parse with the
// same problem. Prefixes of a valid YAML document parse (a cut block scalar
// or plain scalar is still a scalar) except inside a multi-line flow
// collection or quoted scalar; the same-problem check rejects most of those
// false stops. ok is false when no prefix fails the same way, or src is over
// maxLocateSize.
func yamlProblemLine(src []byte, li *lineIndex, problem string) (int, bool) {
	if len(src) > maxLocateSize {
		return 0, false
	}
	n := len(li.starts)
	prefix := func(k int) []byte { // the first k lines
		if k >= n {
			return src
		}
		return src[:li.starts[k]]
	}
	lo, hi := 0, n // prefix(lo) parses, prefix(hi) fails
	if yamlSyntaxProblem(prefix(hi)) == "" {
		return 0, false
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if yamlSyntaxProblem(prefix(mid)) != "" {
			hi = mid
		} else {
			lo = mid
		}
	}
	if yamlSyntaxProblem(prefix(hi)) != problem {
		return 0, false
	}
	return hi, true
}

// yamlSyntaxProblem returns the problem yaml.v3 finds in src ("" if none),
// without its "yaml: line N:" prefix.
func yamlSyntaxProblem(src []byte) string {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return ""
		}
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			var l int
			if _, scanErr := fmt.Sscanf(msg, "line %d:", &l); scanErr == nil {
				msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
			}
			return msg
		}
	}
}

// lineText returns the 1-based line's text without its line break.
func lineText(src []byte, li *lineIndex, line int) string {
	start := li.starts[line-1]
	end := len(src)
	if line < len(li.starts) {
		end = li.starts[line] - 1
	}
	return strings.TrimRight(string(src[start:end]), "\r")
}

// firstNonBlankCol returns the 1-based rune column of the line's first
// character that is not a space or tab (1 for a blank line).
func firstNonBlankCol(src []byte, li *lineIndex, line int) int {
	text := lineText(src, li, line)
	if line == 1 {
		text = strings.TrimPrefix(text, "\ufeff")
	}
	trimmed := strings.TrimLeft(text, " \t")
	if trimmed == "" {
		return 1
	}
	return utf8.RuneCountInString(text[:len(text)-len(trimmed)]) + 1
}

// yamlKeyRE matches a block mapping key at the start of a line's content:
// plain, single- or double-quoted, followed by ':' and a blank or the end.
var yamlKeyRE = regexp.MustCompile(`^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{\[\]},&*!|>%@` + "`" + `-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s|$)`)

// yamlLine is what yamlPathAt reads from one line of block YAML.
type yamlLine struct {
	blank  bool   // empty or a comment
	indent int    // leading spaces
	item   bool   // the content starts with "- " (a sequence entry)
	key    string // the mapping key the content starts with ("" if none)
	keyCol int    // the key's indentation (after "- " for an item)
	// open is true when nothing but a comment, tag or anchor follows the
	// key's colon: only such a key can have the lines below as children.
	open bool
}

func readYAMLLine(text string) yamlLine {
	content := strings.TrimLeft(text, " ")
	if strings.TrimSpace(content) == "" || content[0] == '#' {
		return yamlLine{blank: true}
	}
	l := yamlLine{indent: len(text) - len(content)}
	l.keyCol = l.indent
	if content == "-" || strings.HasPrefix(content, "- ") || strings.HasPrefix(content, "-\t") {
		l.item = true
		rest := strings.TrimLeft(content[1:], " \t")
		l.keyCol += len(content) - len(rest)
		content = rest
	}
	if m := yamlKeyRE.FindStringSubmatch(content); m != nil {
		k := strings.TrimSpace(m[1])
		switch {
		case len(k) >= 2 && k[0] == '"':
			if s, err := strconv.Unquote(k); err == nil {
				k = s
			}
		case len(k) >= 2 && k[0] == '\'':
			k = strings.ReplaceAll(k[1:len(k)-1], "''", "'")
		}
		l.key = k
		rest := strings.TrimSpace(content[len(m[0]):])
		l.open = rest == "" || rest[0] == '#' || rest[0] == '!' || rest[0] == '&'
	}
	return l
}

// yamlPathAt guesses the key path of a 1-based line of block YAML from the
// indentation of the lines above: each less indented "key:" line is a
// parent, and a less indented "- " entry adds its index. A flow collection
// or block scalar above the line can mislead it; it only serves to point at
// a syntax error.
func yamlPathAt(src []byte, li *lineIndex, line int) string {
	read := func(l int) yamlLine { return readYAMLLine(lineText(src, li, l)) }
	// index counts the "- " entries at indent above line l in its sequence.
	index := func(l, indent int) string {
		n := 0
		for j := l - 1; j >= 1; j-- {
			p := read(j)
			if p.blank || p.indent > indent {
				continue
			}
			if p.indent < indent || !p.item {
				break
			}
			n++
		}
		return strconv.Itoa(n)
	}
	var parts []string // reversed
	first := read(line)
	if first.blank {
		return ""
	}
	if first.key != "" {
		parts = append(parts, first.key)
	}
	// A line is a parent when it is less indented than limit; right after
	// a sequence entry, a key at the entry's own indentation is its parent
	// too ("Tags:" above "- Key: a" in the compact style).
	limit, entry := first.keyCol, false
	if first.item {
		parts = append(parts, index(line, first.indent))
		limit, entry = first.indent, true
	}
	for l := line - 1; l >= 1 && (limit > 0 || entry); l-- {
		p := read(l)
		switch {
		case p.blank:
		case p.item && p.indent < limit:
			if p.key != "" && p.open && p.keyCol < limit {
				parts = append(parts, p.key)
			}
			parts = append(parts, index(l, p.indent))
			limit, entry = p.indent, true
		case !p.item && p.key != "" && p.open && (p.indent < limit || entry && p.indent == limit):
			parts = append(parts, p.key)
			limit, entry = p.indent, false
		}
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}
