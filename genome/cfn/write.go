package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Apply returns the template's bytes with edits made, keeping every byte the
// edits do not touch: comments, key order, quoting, block scalars, line
// endings, tabs and a missing final newline. Edits are made in order; a
// missing property is inserted (with any missing parent maps) after its last
// sibling with the file's own indentation and line ending; a property that
// comes from Globals is written on the resource itself. With no edits Apply
// returns Src unchanged.
//
// The result is parsed again and compared with the intended data (the edits
// applied to Root); a difference is reported as an error, never written.
func (t *Template) Apply(edits []Edit) ([]byte, error) {
	if len(edits) == 0 {
		return t.Src, nil
	}
	want := t.Root.Clone()
	for i, e := range edits {
		if e.Resource == "" {
			return nil, &Error{File: t.Path, Msg: fmt.Sprintf("edit %d names no resource", i+1)}
		}
		val, err := toValue(e.Value, 0)
		if err != nil {
			return nil, &Error{File: t.Path, Path: editPath(e), Msg: err.Error()}
		}
		if !e.Delete && val == nil {
			return nil, &Error{File: t.Path, Path: editPath(e), Msg: "edit has no value (use Delete to remove)"}
		}
		if len(e.Path) > 0 {
			if r := want.Get("Resources", e.Resource); r == nil || r.Kind != Map {
				return nil, &Error{File: t.Path, Path: editPath(e), Msg: fmt.Sprintf("resource %s is not declared in the template", e.Resource)}
			}
		}
		if err := setTree(want, fullPath(e), val, e.Delete); err != nil {
			return nil, &Error{File: t.Path, Path: editPath(e), Msg: err.Error()}
		}
	}
	out, err := t.write(edits, true)
	if err == nil && !equalValue(out.Root, want) {
		err = &Error{File: t.Path, Msg: "the changed template does not hold the intended data (a writer limitation)"}
	}
	if err != nil {
		// Batching is an optimisation: redo the edits one at a time.
		out, err = t.write(edits, false)
		if err != nil {
			return nil, err
		}
		if !equalValue(out.Root, want) {
			return nil, &Error{File: t.Path, Msg: "the changed template does not hold the intended data (a writer limitation)"}
		}
	}
	return out.Src, nil
}

// write makes the edits on the text and returns the parsed result. With
// batch, edits are grouped so that one parse serves several: a group holds
// edits of distinct top-level properties (or distinct resources), no
// deletes of properties next to others, and no edit of a whole resource
// unless alone; groups whose splices overlap are split again.
func (t *Template) write(edits []Edit, batch bool) (*Template, error) {
	cur := t
	for start := 0; start < len(edits); {
		end := start + 1
		if batch && len(edits[start].Path) > 0 {
			seen := map[string]bool{}
			key := func(e Edit) string { return e.Resource + "\x00" + e.Path[0] }
			seen[key(edits[start])] = true
			for end < len(edits) && len(edits[end].Path) > 0 && !seen[key(edits[end])] {
				seen[key(edits[end])] = true
				end++
			}
		}
		w := newWriter(cur)
		var sp []splice
		for i := start; i < end; i++ {
			e := edits[i]
			val, _ := toValue(e.Value, 0)
			s, err := w.edit(fullPath(e), val, e.Delete)
			if err != nil {
				return nil, &Error{File: t.Path, Path: editPath(e), Msg: err.Error()}
			}
			for j := range s {
				s[j].order = i
			}
			sp = append(sp, s...)
		}
		if end-start > 1 && overlapping(sp) {
			end = start + 1
			sp = sp[:0]
			for _, s := range mustSplices(w, edits[start]) {
				s.order = start
				sp = append(sp, s)
			}
		}
		out := applySplices(cur.Src, sp)
		next, err := Parse(t.Path, out)
		if err != nil {
			return nil, &Error{File: t.Path, Path: editPath(edits[start]), Msg: fmt.Sprintf("the changed template does not parse (%v)", err)}
		}
		cur = next
		start = end
	}
	return cur, nil
}

// mustSplices recomputes one edit's splices (it succeeded once already).
func mustSplices(w *writer, e Edit) []splice {
	val, _ := toValue(e.Value, 0)
	s, _ := w.edit(fullPath(e), val, e.Delete)
	return s
}

// overlapping reports whether splices from different edits touch: regions
// that overlap, or an insertion point inside or at the edge of another's
// region.
func overlapping(sp []splice) bool {
	for i := range sp {
		for j := range sp {
			a, b := sp[i], sp[j]
			if i == j || a.order == b.order {
				continue
			}
			if a.off == a.end && b.off == b.end {
				continue // two insertions at one point keep edit order
			}
			if a.off <= b.end && b.off <= a.end {
				return true
			}
		}
	}
	return false
}

func fullPath(e Edit) []string {
	p := make([]string, 0, len(e.Path)+3)
	p = append(p, "Resources", e.Resource)
	if len(e.Path) > 0 {
		p = append(p, "Properties")
		p = append(p, e.Path...)
	}
	return p
}

func editPath(e Edit) string { return strings.Join(fullPath(e), ".") }

// splice replaces src[off:end] with text.
type splice struct {
	off, end int
	text     string
	order    int
}

func applySplices(src []byte, sp []splice) []byte {
	sort.SliceStable(sp, func(i, j int) bool {
		if sp[i].off != sp[j].off {
			return sp[i].off > sp[j].off
		}
		return sp[i].order > sp[j].order
	})
	out := append([]byte(nil), src...)
	for _, s := range sp {
		var b []byte
		b = append(b, out[:s.off]...)
		b = append(b, s.text...)
		b = append(b, out[s.end:]...)
		out = b
	}
	return out
}

// ---- the intended data ----

// toValue converts an Edit value into a Value without source information.
func toValue(x any, depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("edit value nested deeper than %d levels", maxDepth)
	}
	switch v := x.(type) {
	case nil:
		return nil, nil
	case *Value:
		if v == nil {
			return nil, nil
		}
		return stripSrc(v.Clone()), nil
	case bool:
		return &Value{Kind: Bool, Bool: v, Str: strconv.FormatBool(v)}, nil
	case int:
		return &Value{Kind: Number, Num: float64(v), Str: strconv.Itoa(v)}, nil
	case int64:
		return &Value{Kind: Number, Num: float64(v), Str: strconv.FormatInt(v, 10)}, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("edit value %v is not a finite number", v)
		}
		return &Value{Kind: Number, Num: v, Str: strconv.FormatFloat(v, 'f', -1, 64)}, nil
	case string:
		return &Value{Kind: String, Str: v}, nil
	case []string:
		l := &Value{Kind: List, List: []*Value{}}
		for _, s := range v {
			l.List = append(l.List, &Value{Kind: String, Str: s})
		}
		return l, nil
	case []any:
		l := &Value{Kind: List, List: []*Value{}}
		for _, e := range v {
			ev, err := toValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			if ev == nil {
				ev = &Value{Kind: Null}
			}
			l.List = append(l.List, ev)
		}
		return l, nil
	case Obj:
		m := &Value{Kind: Map, Fields: map[string]*Value{}}
		for _, f := range v {
			ev, err := toValue(f.Value, depth+1)
			if err != nil {
				return nil, err
			}
			if ev == nil {
				ev = &Value{Kind: Null}
			}
			if _, dup := m.Fields[f.Key]; !dup {
				m.Keys = append(m.Keys, f.Key)
			}
			m.Fields[f.Key] = ev
		}
		return m, nil
	case map[string]any:
		keys := sortedKeys(v)
		o := make(Obj, 0, len(keys))
		for _, k := range keys {
			o = append(o, Field{k, v[k]})
		}
		return toValue(o, depth)
	}
	return nil, fmt.Errorf("edit value of type %T is not supported", x)
}

func stripSrc(v *Value) *Value {
	v.src = srcInfo{}
	v.Tag, v.From, v.Orig = "", "", nil
	for _, e := range v.List {
		stripSrc(e)
	}
	for _, e := range v.Fields {
		stripSrc(e)
	}
	return v
}

// setTree applies one edit to a Value tree.
func setTree(root *Value, path []string, val *Value, del bool) error {
	cur := root
	for i, k := range path {
		last := i == len(path)-1
		switch cur.Kind {
		case Map:
			if _, _, ok := cur.Intrinsic(); ok && i > 0 {
				return fmt.Errorf("%s is an intrinsic function; cannot set %s inside it", strings.Join(path[:i], "."), k)
			}
			next, ok := cur.Fields[k]
			if last {
				if del {
					if ok {
						delete(cur.Fields, k)
						cur.Keys = removeKey(cur.Keys, k)
					}
					return nil
				}
				if !ok {
					cur.Keys = append(cur.Keys, k)
				}
				cur.Fields[k] = val
				return nil
			}
			if !ok {
				if del {
					return nil
				}
				next = &Value{Kind: Map, Fields: map[string]*Value{}}
				cur.Keys = append(cur.Keys, k)
				cur.Fields[k] = next
			}
			cur = next
		case List:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(cur.List) {
				return fmt.Errorf("%s is a list; %q is not an index in it", strings.Join(path[:i], "."), k)
			}
			if last {
				if del {
					return fmt.Errorf("deleting a list element is not supported; replace the list")
				}
				cur.List[n] = val
				return nil
			}
			cur = cur.List[n]
		case Null:
			if del {
				return nil
			}
			cur.Kind, cur.Fields, cur.Keys, cur.Str = Map, map[string]*Value{}, nil, ""
			if last {
				cur.Keys = []string{k}
				cur.Fields[k] = val
				return nil
			}
			next := &Value{Kind: Map, Fields: map[string]*Value{}}
			cur.Keys = []string{k}
			cur.Fields[k] = next
			cur = next
		default:
			return fmt.Errorf("%s is a %s; cannot set %s inside it", strings.Join(path[:i], "."), cur.Kind, k)
		}
	}
	return nil
}

func removeKey(keys []string, k string) []string {
	out := keys[:0:0]
	for _, x := range keys {
		if x != k {
			out = append(out, x)
		}
	}
	return out
}

// equalValue compares two trees as data (kinds, scalars, keys; not key order
// nor positions).
func equalValue(a, b *Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case Bool:
		return a.Bool == b.Bool
	case Number:
		return a.Num == b.Num || (a.Num != a.Num && b.Num != b.Num)
	case String:
		return a.Str == b.Str
	case List:
		if len(a.List) != len(b.List) {
			return false
		}
		for i := range a.List {
			if !equalValue(a.List[i], b.List[i]) {
				return false
			}
		}
		return true
	case Map:
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for k, av := range a.Fields {
			if !equalValue(av, b.Fields[k]) {
				return false
			}
		}
		return true
	}
	return false
}

// ---- the text writer ----

type writer struct {
	t    *Template
	src  []byte
	eol  string
	unit string // one level of indentation
	json bool
}

func newWriter(t *Template) *writer {
	w := &writer{t: t, src: t.Src, eol: "\n", json: t.Format == JSON}
	if i := bytes.IndexByte(t.Src, '\n'); i > 0 && t.Src[i-1] == '\r' {
		w.eol = "\r\n"
	}
	w.unit = w.detectUnit()
	return w
}

// detectUnit finds the file's indentation step: the indentation of the first
// indented line that holds content (JSON: tabs or spaces as found).
func (w *writer) detectUnit() string {
	for _, ln := range bytes.Split(w.src, []byte("\n")) {
		trimmed := bytes.TrimLeft(ln, " \t")
		if len(trimmed) == 0 || len(trimmed) == len(ln) || trimmed[0] == '#' || trimmed[0] == '\r' {
			continue
		}
		ind := ln[:len(ln)-len(trimmed)]
		if w.json {
			if ind[0] == '\t' {
				return "\t"
			}
			if len(ind) <= 8 && bytes.Count(ind, []byte(" ")) == len(ind) {
				return string(ind)
			}
			return "  "
		}
		if bytes.IndexByte(ind, '\t') < 0 && len(ind) <= 8 {
			return string(ind)
		}
		break
	}
	if w.json {
		return "  "
	}
	return "  "
}

// lineStart returns the offset of the first byte of off's line.
func (w *writer) lineStart(off int) int {
	return bytes.LastIndexByte(w.src[:off], '\n') + 1
}

// lineEnd returns the offset of off's line ending (or of the end of file).
func (w *writer) lineEnd(off int) int {
	i := bytes.IndexByte(w.src[off:], '\n')
	if i < 0 {
		return len(w.src)
	}
	e := off + i
	if e > 0 && w.src[e-1] == '\r' {
		e--
	}
	return e
}

// nextLine returns the offset just past off's line ending, or len(src).
func (w *writer) nextLine(off int) int {
	i := bytes.IndexByte(w.src[off:], '\n')
	if i < 0 {
		return len(w.src)
	}
	return off + i + 1
}

// col returns the byte column (0-based) of off in its line.
func (w *writer) col(off int) int { return off - w.lineStart(off) }

// indentOf returns the leading white space of off's line.
func (w *writer) indentOf(off int) string {
	ls := w.lineStart(off)
	i := ls
	for i < len(w.src) && (w.src[i] == ' ' || w.src[i] == '\t') {
		i++
	}
	return string(w.src[ls:i])
}

// step is one node on the path from the root to an edited value.
type step struct {
	key    string // map key or list index
	v      *Value
	parent *Value
}

// edit computes the splices for one edit, against the writer's template.
func (w *writer) edit(path []string, val *Value, del bool) ([]splice, error) {
	chain := []step{{v: w.t.Root}}
	for _, k := range path {
		cur := chain[len(chain)-1].v
		var next *Value
		switch cur.Kind {
		case Map:
			next = cur.Fields[k]
		case List:
			if n, err := strconv.Atoi(k); err == nil && n >= 0 && n < len(cur.List) {
				next = cur.List[n]
			}
		}
		if next == nil {
			break
		}
		chain = append(chain, step{key: k, v: next, parent: cur})
	}
	matched := len(chain) - 1
	if matched == len(path) {
		if del {
			return w.deleteEntry(chain)
		}
		return w.replace(chain[len(chain)-1], val)
	}
	if del {
		return nil, nil // nothing to delete
	}
	// Build the missing part as nested maps, innermost first.
	rest := path[matched:]
	v := val
	for i := len(rest) - 1; i >= 1; i-- {
		v = &Value{Kind: Map, Keys: []string{rest[i]}, Fields: map[string]*Value{rest[i]: v}}
	}
	last := chain[len(chain)-1]
	switch last.v.Kind {
	case Map:
		if _, _, ok := last.v.Intrinsic(); ok && matched > 0 {
			return nil, fmt.Errorf("%s is an intrinsic function; cannot set %s inside it", strings.Join(path[:matched], "."), rest[0])
		}
		return w.insert(last.v, rest[0], v)
	case Null:
		if last.parent == nil || last.parent.Kind != Map {
			break
		}
		return w.replace(last, &Value{Kind: Map, Keys: []string{rest[0]}, Fields: map[string]*Value{rest[0]: v}})
	case List:
		return nil, fmt.Errorf("%s is a list; %q is not an index in it", strings.Join(path[:matched], "."), rest[0])
	}
	return nil, fmt.Errorf("%s is a %s; cannot set %s inside it", strings.Join(path[:matched], "."), last.v.Kind, rest[0])
}

// ---- finding extents ----

// quoteEnd returns the offset just past the quoted scalar starting at off.
func (w *writer) quoteEnd(off int) int {
	q := w.src[off]
	for i := off + 1; i < len(w.src); i++ {
		switch {
		case q == '"' && w.src[i] == '\\':
			i++
		case w.src[i] == q:
			if q == '\'' && i+1 < len(w.src) && w.src[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(w.src)
}

// flowEnd returns the offset just past the flow collection starting at off.
func (w *writer) flowEnd(off int) int {
	depth := 0
	for i := off; i < len(w.src); i++ {
		switch c := w.src[i]; c {
		case '"', '\'':
			if c == '\'' && w.json {
				continue
			}
			i = w.quoteEnd(i) - 1
		case '#':
			if !w.json && i > 0 && (w.src[i-1] == ' ' || w.src[i-1] == '\t') {
				i = w.lineEnd(i) - 1
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(w.src)
}

// skipSpace skips blanks on the current line.
func (w *writer) skipSpace(off int) int {
	for off < len(w.src) && (w.src[off] == ' ' || w.src[off] == '\t') {
		off++
	}
	return off
}

// valueEnd returns the offset just past v's text (-1 for an empty value:
// nothing after the colon). owner is the column of the key (or list dash) v
// belongs to; lines indented more than owner continue a block value.
func (w *writer) valueEnd(v *Value, owner int) int {
	if w.json {
		return v.src.end
	}
	if v.Kind == Map && v.Tag != "" && len(v.Keys) == 1 {
		inner := v.Fields[v.Keys[0]]
		if inner.Kind == Null && inner.Str == "" {
			return w.lineContentEnd(inner.src.off)
		}
		return w.valueEnd(inner, owner)
	}
	if v.Kind == Null && v.Str == "" {
		return -1
	}
	off := w.skipSpace(v.src.off)
	block := (v.Kind == Map || v.Kind == List) && !v.src.flow && !v.src.scalar
	if off < len(w.src) && !block {
		switch c := w.src[off]; {
		case c == '"' || c == '\'':
			return w.quoteEnd(off)
		case (c == '[' || c == '{') && v.src.flow:
			return w.flowEnd(off)
		}
	}
	if v.src.flow {
		// a plain scalar inside a flow collection
		i := off
		for i < len(w.src) {
			c := w.src[i]
			if c == ',' || c == ']' || c == '}' || c == '\n' || c == '\r' || (c == '#' && i > off && w.src[i-1] == ' ') {
				break
			}
			i++
		}
		for i > off && (w.src[i-1] == ' ' || w.src[i-1] == '\t') {
			i--
		}
		return i
	}
	// Block context: the value's first line, then the more-indented lines
	// that follow. A plain scalar (or the "A.B" of !GetAtt) stops at a
	// comment; a collection starting on a later line owns nothing here.
	end := w.lineContentEnd(off)
	onLine := off < len(w.src) && w.src[off] != '\n' && w.src[off] != '\r' && w.src[off] != '#'
	if block && onLine {
		// the first key or item of a block collection: its whole line
		end = w.lineEnd(off)
		for end > off && (w.src[end-1] == ' ' || w.src[end-1] == '\t') {
			end--
		}
	}
	isList := v.Kind == List && !v.src.scalar
	if !onLine {
		end = off
	}
	for ln := w.nextLine(off); ln < len(w.src); ln = w.nextLine(ln) {
		le := w.lineEnd(ln)
		i := ln
		for i < le && w.src[i] == ' ' {
			i++
		}
		if i == le || w.src[i] == '#' || len(bytes.TrimSpace(w.src[i:le])) == 0 {
			continue // blank or comment line
		}
		ind := i - ln
		if ind > owner || (isList && ind == owner && w.src[i] == '-' && (i+1 == le || w.src[i+1] == ' ')) {
			e := le
			for e > i && (w.src[e-1] == ' ' || w.src[e-1] == '\t') {
				e--
			}
			end = e
			continue
		}
		break
	}
	return end
}

// lineContentEnd returns the end of off's line without a trailing comment
// (" #") and trailing blanks. Only for lines whose rest is a plain scalar,
// a tag or nothing.
func (w *writer) lineContentEnd(off int) int {
	end := w.lineEnd(off)
	if i := bytes.Index(w.src[off:end], []byte(" #")); i >= 0 {
		end = off + i
	}
	if off < end && w.src[off] == '#' {
		end = off
	}
	for end > off && (w.src[end-1] == ' ' || w.src[end-1] == '\t') {
		end--
	}
	return end
}

// afterColon returns the offset just past the ':' that follows the key
// starting at keyOff.
func (w *writer) afterColon(keyOff int) int {
	i := keyOff
	if i < len(w.src) && (w.src[i] == '"' || w.src[i] == '\'') {
		i = w.quoteEnd(i)
	}
	for i < len(w.src) {
		if w.src[i] == ':' && (i+1 == len(w.src) || strings.IndexByte(" \t\r\n,[]{}", w.src[i+1]) >= 0) {
			return i + 1
		}
		if w.src[i] == '\n' {
			break
		}
		i++
	}
	return -1
}

// ---- replace ----

func (w *writer) replace(s step, val *Value) ([]splice, error) {
	v := s.v
	if !v.src.ok || v.src.off < 0 {
		return nil, fmt.Errorf("no source position for %s", s.key)
	}
	if w.json || v.src.flow {
		start := v.src.tagOff
		end := w.valueEnd(v, 0)
		if v.Kind == Null && end < 0 {
			return nil, fmt.Errorf("cannot locate the value of %s", s.key)
		}
		if !w.json && isScalar(val) {
			return []splice{{off: start, end: end, text: w.scalarText(val, v.src.style)}}, nil
		}
		indent := w.indentOf(start)
		return []splice{{off: start, end: end, text: w.renderFlow(val, indent)}}, nil
	}
	if s.parent == nil {
		return nil, fmt.Errorf("cannot replace the whole template")
	}
	if s.parent.Kind == List {
		owner := w.dashCol(v)
		if isScalar(v) && isScalar(val) {
			return []splice{{off: v.src.tagOff, end: w.valueEnd(v, owner), text: w.scalarText(val, v.src.style)}}, nil
		}
		if isScalar(val) || (val.Kind == Map && len(val.Keys) == 0) || (val.Kind == List && len(val.List) == 0) {
			return []splice{{off: v.src.tagOff, end: w.valueEnd(v, owner), text: w.blockItem(val, owner)}}, nil
		}
		return nil, fmt.Errorf("replacing a list element with a collection is not supported; replace the list")
	}
	keyOff := v.src.keyOff
	if keyOff < 0 {
		return nil, fmt.Errorf("no key position for %s", s.key)
	}
	owner := w.col(keyOff)
	if isScalar(v) && isScalar(val) && v.Tag == "" {
		end := w.valueEnd(v, owner)
		if end >= 0 {
			return []splice{{off: v.src.tagOff, end: end, text: w.scalarText(val, v.src.style)}}, nil
		}
	}
	colon := w.afterColon(keyOff)
	if colon < 0 {
		return nil, fmt.Errorf("cannot locate the ':' after key %s", s.key)
	}
	end := w.valueEnd(v, owner)
	if end < colon {
		end = colon
	}
	return []splice{{off: colon, end: end, text: w.blockValue(val, owner)}}, nil
}

func isScalar(v *Value) bool {
	return v.Kind == String || v.Kind == Number || v.Kind == Bool || (v.Kind == Null && v.Str != "")
}

// dashCol returns the column of the '-' before a block list item.
func (w *writer) dashCol(v *Value) int {
	i := v.src.tagOff - 1
	for i >= 0 && (w.src[i] == ' ' || w.src[i] == '\t') {
		i--
	}
	if i >= 0 && w.src[i] == '-' {
		return w.col(i)
	}
	return w.col(v.src.tagOff)
}

// ---- insert ----

// insert adds key: val to map m, after its last entry.
func (w *writer) insert(m *Value, key string, val *Value) ([]splice, error) {
	if !m.src.ok || m.src.off < 0 {
		return nil, fmt.Errorf("no source position for the map that gets %s", key)
	}
	if w.json || m.src.flow {
		return w.insertFlow(m, key, val)
	}
	if len(m.Keys) == 0 {
		return nil, fmt.Errorf("cannot insert %s into an empty block map", key)
	}
	lastV := m.Fields[m.Keys[len(m.Keys)-1]]
	first := m.Fields[m.Keys[0]]
	if m.Tag != "" || first.src.keyOff < 0 || lastV.src.keyOff < 0 {
		return nil, fmt.Errorf("cannot locate the keys of the map that gets %s", key)
	}
	owner := w.col(first.src.keyOff)
	end := w.valueEnd(lastV, w.col(lastV.src.keyOff))
	if end < 0 {
		end = lastV.src.keyOff
	}
	at := w.lineEnd(end)
	ind := strings.Repeat(" ", owner)
	text := w.eol + ind + w.keyText(key) + ":" + w.blockValue(val, owner)
	return []splice{{off: at, end: at, text: text}}, nil
}

func (w *writer) insertFlow(m *Value, key string, val *Value) ([]splice, error) {
	open := m.src.off
	if open >= len(w.src) || w.src[open] != '{' {
		return nil, fmt.Errorf("cannot locate the map that gets %s", key)
	}
	member := w.flowKey(key) + ": "
	if len(m.Keys) == 0 {
		close := w.flowEnd(open) - 1
		base := w.indentOf(open)
		if w.lineStart(open) != w.lineStart(close) || !w.json {
			return []splice{{off: open + 1, end: close, text: member + w.renderFlow(val, base)}}, nil
		}
		inner := base + w.unit
		return []splice{{off: open + 1, end: close, text: w.eol + inner + member + w.renderFlow(val, inner) + w.eol + base}}, nil
	}
	lastV := m.Fields[m.Keys[len(m.Keys)-1]]
	if m.Tag != "" || lastV.src.keyOff < 0 {
		return nil, fmt.Errorf("cannot locate the keys of the map that gets %s", key)
	}
	end := w.valueEnd(lastV, 0)
	if end < 0 {
		return nil, fmt.Errorf("cannot locate the end of %s", m.Keys[len(m.Keys)-1])
	}
	if w.lineStart(lastV.src.keyOff) == w.lineStart(open) {
		return []splice{{off: end, end: end, text: ", " + member + w.renderFlow(val, w.indentOf(open))}}, nil
	}
	ind := w.indentOf(lastV.src.keyOff)
	return []splice{{off: end, end: end, text: "," + w.eol + ind + member + w.renderFlow(val, ind)}}, nil
}

// ---- delete ----

func (w *writer) deleteEntry(chain []step) ([]splice, error) {
	s := chain[len(chain)-1]
	m := s.parent
	v := s.v
	if m == nil {
		return nil, fmt.Errorf("cannot delete the whole template")
	}
	if m.Kind != Map {
		return nil, fmt.Errorf("deleting a list element is not supported; replace the list")
	}
	idx := -1
	for i, k := range m.Keys {
		if k == s.key {
			idx = i
		}
	}
	if idx < 0 || v.src.keyOff < 0 || m.Tag != "" {
		return nil, fmt.Errorf("cannot locate key %s", s.key)
	}
	if w.json || m.src.flow {
		end := w.valueEnd(v, 0)
		switch {
		case idx > 0:
			prev := m.Fields[m.Keys[idx-1]]
			return []splice{{off: w.valueEnd(prev, 0), end: end}}, nil
		case len(m.Keys) > 1:
			next := m.Fields[m.Keys[1]]
			return []splice{{off: v.src.keyOff, end: next.src.keyOff}}, nil
		default:
			return []splice{{off: v.src.keyOff, end: end}}, nil
		}
	}
	keyOff := v.src.keyOff
	owner := w.col(keyOff)
	end := w.valueEnd(v, owner)
	if end < 0 {
		end = w.afterColon(keyOff)
	}
	if len(m.Keys) == 1 {
		// the map becomes empty: write {} in its place
		if len(chain) < 2 {
			return nil, fmt.Errorf("cannot empty the template")
		}
		return w.replace(chain[len(chain)-2], &Value{Kind: Map, Fields: map[string]*Value{}})
	}
	ls := w.lineStart(keyOff)
	if strings.TrimSpace(string(w.src[ls:keyOff])) != "" {
		// the first key of a list item ("- Key: v"): the next key moves up
		next := m.Fields[m.Keys[idx+1]]
		return []splice{{off: keyOff, end: next.src.keyOff}}, nil
	}
	return []splice{{off: ls, end: w.nextLine(end)}}, nil
}

// ---- rendering ----

// scalarText renders a scalar, keeping the old quote style where it holds
// the new value.
func (w *writer) scalarText(v *Value, style uint8) string {
	if v.Kind != String {
		return scalarLiteral(v)
	}
	switch style {
	case styleDouble:
		return w.jsonString(v.Str)
	case styleSingle:
		if !strings.ContainsAny(v.Str, "\n\r\t") {
			return "'" + strings.ReplaceAll(v.Str, "'", "''") + "'"
		}
	}
	if plainOK(v.Str) {
		return v.Str
	}
	return w.jsonString(v.Str)
}

func scalarLiteral(v *Value) string {
	switch v.Kind {
	case Bool:
		return strconv.FormatBool(v.Bool)
	case Number:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case Null:
		return "null"
	}
	return v.Str
}

func (w *writer) jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// plainOK reports whether s can be written as a plain YAML scalar and read
// back as the same string, in block and flow context.
func plainOK(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\n\r\t,[]{}#&*!|>'\"%@`") ||
		strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "? ") || s == "-" || s == "?" {
		return false
	}
	if _, ok := yaml11Bools[s]; ok {
		return false
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("k: "+s), &n); err != nil || len(n.Content) == 0 || len(n.Content[0].Content) != 2 {
		return false
	}
	c := n.Content[0].Content[1]
	return c.Kind == yaml.ScalarNode && c.ShortTag() == "!!str" && c.Value == s
}

func (w *writer) keyText(k string) string {
	if plainOK(k) {
		return k
	}
	return w.jsonString(k)
}

// renderFlow renders v as JSON (valid YAML flow too); nested lines are
// indented from indent.
func (w *writer) renderFlow(v *Value, indent string) string {
	var b strings.Builder
	w.flowTo(&b, v, indent)
	return b.String()
}

// flowKey renders a key of a flow mapping: JSON in a JSON template, plain
// where YAML allows it (as the file's own flow mappings mostly write them).
func (w *writer) flowKey(k string) string {
	if !w.json && plainFlowOK(k) {
		return k
	}
	return w.jsonString(k)
}

// plainFlowOK reports whether s can be written as a plain scalar inside a
// YAML flow collection, as a key and as a value, and read back as the same
// string (":lambda" is plain in a block but not in a flow).
func plainFlowOK(s string) bool {
	if !plainOK(s) {
		return false
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("{"+s+": ["+s+"]}"), &n); err != nil || len(n.Content) == 0 {
		return false
	}
	m := n.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 || m.Content[1].Kind != yaml.SequenceNode || len(m.Content[1].Content) != 1 {
		return false
	}
	k, v := m.Content[0], m.Content[1].Content[0]
	return k.ShortTag() == "!!str" && k.Value == s && v.ShortTag() == "!!str" && v.Value == s
}

func (w *writer) flowTo(b *strings.Builder, v *Value, indent string) {
	switch v.Kind {
	case String:
		if !w.json && plainFlowOK(v.Str) {
			b.WriteString(v.Str)
			return
		}
		b.WriteString(w.jsonString(v.Str))
	case Map:
		if len(v.Keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		inner := indent + w.unit
		for i, k := range v.Keys {
			if i > 0 {
				b.WriteString(",")
			}
			if w.json {
				b.WriteString(w.eol + inner)
			} else if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(w.flowKey(k) + ": ")
			w.flowTo(b, v.Fields[k], inner)
		}
		if w.json {
			b.WriteString(w.eol + indent)
		}
		b.WriteString("}")
	case List:
		if len(v.List) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		inner := indent + w.unit
		for i, e := range v.List {
			if i > 0 {
				b.WriteString(",")
			}
			if w.json {
				b.WriteString(w.eol + inner)
			} else if i > 0 {
				b.WriteString(" ")
			}
			w.flowTo(b, e, inner)
		}
		if w.json {
			b.WriteString(w.eol + indent)
		}
		b.WriteString("]")
	default:
		b.WriteString(scalarLiteral(v))
	}
}

// blockValue renders v as the value of a block map entry whose key is at
// column owner: the text that follows the ':'.
func (w *writer) blockValue(v *Value, owner int) string {
	var b strings.Builder
	w.blockTo(&b, v, owner)
	return b.String()
}

func (w *writer) unitWidth() int {
	if n := len(w.unit); n > 0 && !strings.Contains(w.unit, "\t") {
		return n
	}
	return 2
}

// shortTag returns the short form of an intrinsic when it re-reads as the
// same data: !Ref X, !GetAtt A.B, !Sub "s".
func (w *writer) shortTag(v *Value) (string, bool) {
	name, arg, ok := v.Intrinsic()
	if !ok || arg == nil {
		return "", false
	}
	switch name {
	case "Ref":
		if arg.Kind == String {
			return "!Ref " + w.scalarText(arg, stylePlain), true
		}
	case "Fn::GetAtt":
		if arg.Kind == List && len(arg.List) == 2 && arg.List[0].Kind == String && arg.List[1].Kind == String &&
			!strings.Contains(arg.List[0].Str, ".") && plainOK(arg.List[0].Str+"."+arg.List[1].Str) {
			return "!GetAtt " + arg.List[0].Str + "." + arg.List[1].Str, true
		}
	case "Fn::Sub":
		if arg.Kind == String {
			return "!Sub " + w.jsonString(arg.Str), true
		}
	}
	return "", false
}

func (w *writer) blockTo(b *strings.Builder, v *Value, owner int) {
	if s, ok := w.shortTag(v); ok {
		b.WriteString(" " + s)
		return
	}
	inner := owner + w.unitWidth()
	ind := strings.Repeat(" ", inner)
	switch v.Kind {
	case Map:
		if len(v.Keys) == 0 {
			b.WriteString(" {}")
			return
		}
		for _, k := range v.Keys {
			b.WriteString(w.eol + ind + w.keyText(k) + ":")
			w.blockTo(b, v.Fields[k], inner)
		}
	case List:
		if len(v.List) == 0 {
			b.WriteString(" []")
			return
		}
		for _, e := range v.List {
			b.WriteString(w.eol + ind + "-")
			b.WriteString(w.blockItem(e, inner))
		}
	default:
		b.WriteString(" " + w.scalarText(v, stylePlain))
	}
}

// blockItem renders a list item's value after the "-" at column dash.
func (w *writer) blockItem(v *Value, dash int) string {
	if s, ok := w.shortTag(v); ok {
		return " " + s
	}
	switch v.Kind {
	case Map:
		if len(v.Keys) == 0 {
			return " {}"
		}
		var b strings.Builder
		inner := dash + 2
		for i, k := range v.Keys {
			if i == 0 {
				b.WriteString(" " + w.keyText(k) + ":")
			} else {
				b.WriteString(w.eol + strings.Repeat(" ", inner) + w.keyText(k) + ":")
			}
			w.blockTo(&b, v.Fields[k], inner)
		}
		return b.String()
	case List:
		if len(v.List) == 0 {
			return " []"
		}
		return " " + w.renderFlow(v, strings.Repeat(" ", dash+2))
	}
	return " " + w.scalarText(v, stylePlain)
}
