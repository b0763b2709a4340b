package cfn

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxSize is the largest template accepted, in bytes (20 MiB).
const MaxSize = 20 << 20

// ReadFile reads and parses a template file.
func ReadFile(path string) (*Template, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("could not read template: %v", errors.Unwrap(err))}
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
	buf := make([]byte, st.Size()+1)
	n, _ := f.Read(buf)
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil || m == 0 {
			break
		}
	}
	if n > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("template is over the %d-byte limit", MaxSize)}
	}
	return Parse(path, buf[:n])
}

// Parse parses a template's bytes; path is used in messages only.
func Parse(path string, src []byte) (*Template, error) {
	if len(src) > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("template is %d bytes, over the %d-byte limit", len(src), MaxSize)}
	}
	t := &Template{Path: path, Src: src, Format: YAML}
	trim := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trim) > 0 && trim[0] == '{' {
		t.Format = JSON
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{File: path, Msg: "the template is empty"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: path, Pos: Pos{root.Line, root.Column}, Msg: "a template must be a mapping with a Resources section"}
	}
	t.node = root
	v, err := fromNode(root, 0)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.File = path
		}
		return nil, err
	}
	t.Root = v
	if err := t.build(); err != nil {
		return nil, err
	}
	return t, nil
}

// yamlError turns a yaml.v3 error into a positioned Error.
func yamlError(path string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	e := &Error{File: path, Msg: "malformed YAML/JSON: " + msg}
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		e.Pos = Pos{Line: line, Col: 1}
	}
	return e
}

// build fills Parameters and Resources from Root.
func (t *Template) build() error {
	t.byID = map[string]*Resource{}
	if tr := t.Root.Get("Transform"); tr != nil {
		check := func(v *Value) {
			if s, ok := v.Text(); ok && strings.HasPrefix(s, "AWS::Serverless") {
				t.SAM = true
			}
		}
		check(tr)
		for _, e := range tr.List {
			check(e)
		}
	}
	if ps := t.Root.Get("Parameters"); ps != nil && ps.Kind == Map {
		for _, name := range ps.Keys {
			pv := ps.Fields[name]
			p := &Parameter{Name: name, Pos: pv.KeyPos}
			if pv.Kind == Map {
				p.Type, _ = pv.Get("Type").Text()
				p.Default = pv.Get("Default")
				if av := pv.Get("AllowedValues"); av != nil && av.Kind == List {
					p.Allowed = av.List
				}
			}
			t.Parameters = append(t.Parameters, p)
		}
	}
	rs := t.Root.Get("Resources")
	if rs == nil {
		return nil
	}
	if rs.Kind != Map {
		if rs.Kind == Null {
			return nil
		}
		return &Error{File: t.Path, Pos: rs.Pos, Path: "Resources", Msg: fmt.Sprintf("Resources must be a map of logical IDs to resources, not a %s", rs.Kind)}
	}
	for _, id := range rs.Keys {
		rv := rs.Fields[id]
		r := &Resource{ID: id, Pos: rv.KeyPos, Raw: rv}
		if rv.Kind == Map {
			r.Type, _ = rv.Get("Type").Text()
			r.Metadata = rv.Get("Metadata")
			r.Condition, _ = rv.Get("Condition").Text()
			if p := rv.Get("Properties"); p != nil && p.Kind == Map {
				r.Properties = p.Clone()
			}
		}
		if r.Properties == nil {
			r.Properties = &Value{Kind: Map, Fields: map[string]*Value{}, Pos: rv.Pos}
		}
		t.Resources = append(t.Resources, r)
		t.byID[id] = r
	}
	return nil
}
