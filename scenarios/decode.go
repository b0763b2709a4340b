package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder fills a Scenario from a yaml.Node strictly: every key must be a
// field of the schema (the yaml tags of the types in scenario.go), every
// scalar must have the field's type, and every problem is collected with its
// position instead of stopping at the first.
//
// It merges into what is already there (maps get entries added, structs only
// the keys given), which is how --set overrides reuse it.
type decoder struct {
	file string
	// set is true for --set values: positions are not in a file, and a
	// scalar given for a list is split on commas.
	set bool
	// leaf is the --set key path: the only path whose position is
	// recorded (the file positions of its parents stay).
	leaf string
	pos  map[string]Position
	errs Errors
}

func (d *decoder) at(n *yaml.Node) Position {
	if d.set || n == nil {
		return Position{File: d.file}
	}
	return Position{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, &Problem{Position: d.at(n), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// nodeKind names a node's kind for messages.
func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!int", "!!float":
			return "a number (" + n.Value + ")"
		}
		return "a string (" + quote(n.Value) + ")"
	}
	return "a document"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// field is one yaml-tagged field of a struct.
type field struct {
	key   string
	index int
}

var fieldCache = map[reflect.Type][]field{}

// fieldsOf lists a struct type's yaml keys in declaration order. It is
// called from single goroutines only through init-time warm-up (see
// schemaTypes), so the cache is read-only afterwards.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache[t]; ok {
		return fs
	}
	return buildFields(t)
}

func buildFields(t reflect.Type) []field {
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		fs = append(fs, field{key: tag, index: i})
	}
	return fs
}

// The schema's struct types, cached once at start-up so decoding never
// writes the cache (safe for concurrent Parse calls).
func init() {
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			if _, ok := fieldCache[t]; ok {
				return
			}
			fs := buildFields(t)
			fieldCache[t] = fs
			for _, f := range fs {
				walk(t.Field(f.index).Type)
			}
		}
	}
	walk(reflect.TypeOf(Scenario{}))
}

func keysOf(fs []field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.key
	}
	return out
}

// decode decodes n into v (addressable) at key path path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		d.errorf(n, path, "YAML aliases are not supported in scenarios; write the value out")
		return
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		d.decode(n.Content[0], v, path)
		return
	}
	if _, had := d.pos[path]; path != "" && (!d.set || path == d.leaf || !had) {
		if isNull(n) {
			delete(d.pos, path) // null: not given
		} else {
			d.pos[path] = d.at(n)
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Float64:
		if isNull(n) {
			v.SetFloat(0)
			return
		}
		f, ok := d.number(n, path)
		if ok {
			v.SetFloat(f)
		}
	case reflect.Int:
		if isNull(n) {
			v.SetInt(0)
			return
		}
		f, ok := d.number(n, path)
		if !ok {
			return
		}
		if f != math.Trunc(f) || math.Abs(f) > 1<<31 {
			d.errorf(n, path, "expected a whole number, got %s", n.Value)
			return
		}
		v.SetInt(int64(f))
	case reflect.Bool:
		if isNull(n) {
			v.SetBool(false)
			return
		}
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.errorf(n, path, "expected true or false, got %s", nodeKind(n))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.errorf(n, path, "expected true or false, got %s", nodeKind(n))
			return
		}
		v.SetBool(b)
	case reflect.String:
		if isNull(n) {
			v.SetString("")
			return
		}
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, path, "expected a string, got %s", nodeKind(n))
			return
		}
		v.SetString(n.Value)
	default:
		d.errorf(n, path, "unsupported field type %s", v.Type())
	}
}

// number reads a finite number from a scalar node.
func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
		d.errorf(n, path, "expected a number, got %s", nodeKind(n))
		return 0, false
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		// Very large integers (beyond int64) fail yaml's int decoding.
		g, perr := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if perr != nil {
			d.errorf(n, path, "expected a number, got %s", nodeKind(n))
			return 0, false
		}
		f = g
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.errorf(n, path, "must be a finite number, got %s", n.Value)
		return 0, false
	}
	return f, true
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a map, got %s", nodeKind(n))
		return
	}
	fs := fieldsOf(v.Type())
	var given reflect.Value
	if g := v.FieldByName("Given"); g.IsValid() && g.Type() == reflect.TypeOf(map[string]bool(nil)) {
		given = g
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, c := n.Content[i], n.Content[i+1]
		if !d.key(k, path, seen) {
			continue
		}
		kp := joinPath(path, k.Value)
		idx := -1
		for _, f := range fs {
			if f.key == k.Value {
				idx = f.index
				break
			}
		}
		if idx < 0 {
			d.errorf(k, kp, "unknown key %s%s", quote(k.Value), didYouMean(k.Value, keysOf(fs)))
			continue
		}
		d.decode(c, v.Field(idx), kp)
		d.keyPos(k, c, kp)
		if given.IsValid() {
			if given.IsNil() {
				given.Set(reflect.MakeMap(given.Type()))
			}
			given.SetMapIndex(reflect.ValueOf(k.Value), reflect.ValueOf(!isNull(c)))
		}
	}
}

// keyPos records a map or list value's position as its key's: a problem
// with a whole entry ("no function Fn in the template") points at the key.
func (d *decoder) keyPos(k, c *yaml.Node, path string) {
	if d.set || (c.Kind != yaml.MappingNode && c.Kind != yaml.SequenceNode) {
		return
	}
	d.pos[path] = d.at(k)
}

// key checks a mapping key: a plain string, not a merge key, not repeated.
func (d *decoder) key(k *yaml.Node, path string, seen map[string]bool) bool {
	if k.Kind != yaml.ScalarNode {
		d.errorf(k, path, "a key must be a plain string, got %s", nodeKind(k))
		return false
	}
	if k.Value == "<<" && k.ShortTag() == "!!merge" {
		d.errorf(k, path, "YAML merge keys are not supported in scenarios")
		return false
	}
	if k.Value == "" {
		d.errorf(k, path, "empty key")
		return false
	}
	if seen[k.Value] {
		d.errorf(k, joinPath(path, k.Value), "duplicate key %s", quote(k.Value))
		return false
	}
	seen[k.Value] = true
	return true
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a map, got %s", nodeKind(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	et := v.Type().Elem()
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, c := n.Content[i], n.Content[i+1]
		if !d.key(k, path, seen) {
			continue
		}
		kp := joinPath(path, k.Value)
		if strings.Contains(k.Value, ".") {
			d.errorf(k, kp, "a name may not contain a dot")
			continue
		}
		kv := reflect.ValueOf(k.Value)
		// Decode into a copy of the existing entry (merge), then store it.
		elem := reflect.New(et).Elem()
		if old := v.MapIndex(kv); old.IsValid() {
			elem.Set(old)
		}
		if et.Kind() == reflect.Pointer && elem.IsNil() {
			// A null entry ("Fn:") is an entry with nothing given.
			elem.Set(reflect.New(et.Elem()))
		}
		d.decode(c, elem, kp)
		d.keyPos(k, c, kp)
		if et.Kind() == reflect.Pointer && elem.IsNil() {
			elem.Set(reflect.New(et.Elem()))
		}
		v.SetMapIndex(kv, elem)
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	if d.set && n.Kind == yaml.ScalarNode {
		// --set pin=A.B,C.D: a comma-separated list.
		var items []*yaml.Node
		for _, s := range strings.Split(n.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
			}
		}
		n = &yaml.Node{Kind: yaml.SequenceNode, Content: items}
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", nodeKind(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, c := range n.Content {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(c, elem, fmt.Sprintf("%s[%d]", path, i))
		out = reflect.Append(out, elem)
	}
	v.Set(out)
}
