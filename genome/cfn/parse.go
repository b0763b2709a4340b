package cfn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxSize is the largest template accepted, in bytes (20 MiB).
const MaxSize = 20 << 20

// maxDepth is the deepest nesting of maps and lists accepted. Real templates
// nest about 15 levels deep (an API definition body); the limit keeps the
// recursive conversion far from the goroutine stack limit.
const maxDepth = 200

// ReadFile reads and parses a template file.
func ReadFile(path string) (*Template, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("could not read template: %v", err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("could not read template: %v", err)}
	}
	if st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, not a template file"}
	}
	if st.Size() > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("template is %d bytes, over the %d-byte limit", st.Size(), MaxSize)}
	}
	// Read at most one byte past the limit: the file may grow, or be a
	// device that reports no size.
	buf, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("could not read template: %v", err)}
	}
	return Parse(path, buf)
}

// Parse parses a template's bytes; path is used in messages only. JSON
// templates (the first character after white space and a byte order mark is
// '{') are read by a position-keeping JSON reader, YAML ones through yaml.v3.
// Every problem is reported as an *Error.
func Parse(path string, src []byte) (*Template, error) {
	if len(src) > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("template is %d bytes, over the %d-byte limit", len(src), MaxSize)}
	}
	t := &Template{Path: path, Src: src, Format: YAML}
	t.lines = newLineIndex(src)
	trim := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trim) == 0 {
		return nil, &Error{File: path, Msg: "the template is empty"}
	}
	var root *Value
	if trim[0] == '{' {
		v, jerr := parseJSON(path, src, t.lines)
		if jerr == nil {
			t.Format = JSON
			root = v
		} else {
			// A YAML flow mapping also starts with '{'; accept it as YAML,
			// and report the JSON error if it is not YAML either.
			v, yerr := parseYAML(path, src, t.lines)
			if yerr != nil {
				return nil, jerr
			}
			root = v
		}
	} else {
		v, err := parseYAML(path, src, t.lines)
		if err != nil {
			return nil, err
		}
		root = v
	}
	if root == nil || root.Kind == Null {
		return nil, &Error{File: path, Msg: "the template is empty"}
	}
	if root.Kind != Map || root.Tag != "" {
		what := root.Kind.String()
		if root.Tag != "" {
			what = root.Tag + " value"
		}
		return nil, &Error{File: path, Pos: root.Pos, Msg: fmt.Sprintf("a template must be a mapping with a Resources section, not a %s", what)}
	}
	t.Root = root
	if err := t.build(); err != nil {
		return nil, err
	}
	return t, nil
}

// parseYAML decodes one YAML document into a Value tree.
func parseYAML(path string, src []byte, li *lineIndex) (*Value, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &Error{File: path, Msg: "the template is empty"}
		}
		return nil, yamlError(path, src, li, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, &Error{File: path, Pos: Pos{more.Line, more.Column}, Msg: "a template must be a single YAML document, found a second one"}
	} else if err != io.EOF {
		return nil, yamlError(path, src, li, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: path, Msg: "the template is empty"}
	}
	c := &yamlConv{path: path, src: src, li: li}
	return c.value(doc.Content[0], 0, "", false)
}

// yamlConv converts yaml.v3 nodes into Values, mapping short-form tags and
// recording where each value sits in the source.
type yamlConv struct {
	path string
	src  []byte
	li   *lineIndex
}

func (c *yamlConv) errAt(n *yaml.Node, path, format string, args ...any) *Error {
	return &Error{File: c.path, Pos: Pos{n.Line, n.Column}, Path: path, Msg: fmt.Sprintf(format, args...)}
}

func (c *yamlConv) value(n *yaml.Node, depth int, path string, flow bool) (*Value, error) {
	if depth > maxDepth {
		return nil, c.errAt(n, path, "nesting deeper than %d levels", maxDepth)
	}
	if n.Kind == yaml.AliasNode {
		return nil, c.errAt(n, path, "YAML aliases are not supported in templates")
	}
	if n.Anchor != "" {
		return nil, c.errAt(n, path, "YAML anchors (&%s) are not supported in templates", n.Anchor)
	}
	pos := Pos{n.Line, n.Column}
	off := c.li.offset(pos) // before the children: conversions go forward
	flow = flow || n.Style&yaml.FlowStyle != 0
	var v *Value
	switch n.Kind {
	case yaml.ScalarNode:
		v = scalar(n)
	case yaml.SequenceNode:
		v = &Value{Kind: List, Pos: pos, List: make([]*Value, 0, len(n.Content))}
		for i, e := range n.Content {
			ev, err := c.value(e, depth+1, joinPath(path, strconv.Itoa(i)), flow)
			if err != nil {
				return nil, err
			}
			v.List = append(v.List, ev)
		}
	case yaml.MappingNode:
		v = &Value{Kind: Map, Pos: pos, Fields: make(map[string]*Value, len(n.Content)/2)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, e := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Anchor != "" || (k.Tag != "" && !strings.HasPrefix(k.Tag, "!!")) {
				if k.Kind == yaml.AliasNode {
					return nil, c.errAt(k, path, "YAML aliases are not supported in templates")
				}
				return nil, c.errAt(k, path, "a mapping key must be a plain string")
			}
			kp := joinPath(path, k.Value)
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, c.errAt(k, kp, "YAML merge keys are not supported in templates")
			}
			keyOff := c.li.offset(Pos{k.Line, k.Column}) // before the value: conversions go forward
			ev, err := c.value(e, depth+1, kp, flow)
			if err != nil {
				return nil, err
			}
			ev.KeyPos = Pos{k.Line, k.Column}
			ev.src.keyOff = keyOff
			if old, dup := v.Fields[k.Value]; dup {
				return nil, &Error{File: c.path, Pos: ev.KeyPos, Path: kp, Key: k.Value,
					Msg: fmt.Sprintf("duplicate key %q (first at %s)", k.Value, old.KeyPos)}
			}
			v.Keys = append(v.Keys, k.Value)
			v.Fields[k.Value] = ev
		}
	default:
		return nil, c.errAt(n, path, "unsupported YAML node")
	}
	v.src = srcInfo{ok: off >= 0, off: off, tagOff: off, end: -1, keyOff: -1, flow: flow}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		v.src.style = styleDouble
	case n.Style&yaml.SingleQuotedStyle != 0:
		v.src.style = styleSingle
	case n.Style&yaml.LiteralStyle != 0:
		v.src.style = styleLiteral
	case n.Style&yaml.FoldedStyle != 0:
		v.src.style = styleFolded
	}
	if n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") && n.Tag != "!" {
		// yaml.v3 positions a tagged node at its tag; the value follows
		// the tag and white space (possibly on the next lines).
		if off >= 0 && off < len(c.src) && c.src[off] == '!' {
			j := off
			for j < len(c.src) && c.src[j] != ' ' && c.src[j] != '\t' && c.src[j] != '\n' && c.src[j] != '\r' {
				j++
			}
			for j < len(c.src) && (c.src[j] == ' ' || c.src[j] == '\t') {
				j++
			}
			v.src.off = j
		}
		return wrapTag(n.Tag, v), nil
	}
	return v, nil
}

// yaml11Bools are the plain scalars YAML 1.1 (PyYAML, used by the SAM CLI
// and cfn-lint) reads as booleans where YAML 1.2 (yaml.v3) reads strings.
var yaml11Bools = map[string]bool{
	"yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

func scalar(n *yaml.Node) *Value {
	v := &Value{Kind: String, Str: n.Value, Pos: Pos{n.Line, n.Column}}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v
	}
	switch n.ShortTag() {
	case "!!null":
		v.Kind = Null
	case "!!bool":
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			v.Kind, v.Bool = Bool, b
		}
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			v.Kind, v.Num = Number, f
		} else if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			v.Kind, v.Num = Number, float64(i)
		}
	case "!!str":
		if b, ok := yaml11Bools[n.Value]; ok && n.Tag == "!!str" && n.Style == 0 {
			v.Kind, v.Bool = Bool, b
		}
	}
	return v
}

// wrapTag turns a short-form tag into its intrinsic map, the way the SAM CLI
// does: !Ref and !Condition keep their name, any other !X becomes Fn::X, and
// !GetAtt "A.B" becomes ["A", "B"] (split on the first dot).
func wrapTag(tag string, v *Value) *Value {
	name := strings.TrimPrefix(tag, "!")
	key := "Fn::" + name
	switch name {
	case "Ref", "Condition":
		key = name
	case "GetAtt":
		if v.Kind == String {
			if r, a, found := strings.Cut(v.Str, "."); found {
				v = &Value{Kind: List, Pos: v.Pos, src: v.src, List: []*Value{
					{Kind: String, Str: r, Pos: v.Pos},
					{Kind: String, Str: a, Pos: v.Pos},
				}}
				v.src.end = -1
				v.src.scalar = true
			}
		}
	}
	w := &Value{Kind: Map, Pos: v.Pos, Tag: tag, Keys: []string{key}, Fields: map[string]*Value{key: v},
		KeyPos: v.KeyPos, src: v.src}
	w.src.off = w.src.tagOff
	return w
}
