// Package cfn reads AWS SAM and CloudFormation templates (YAML or JSON) into a
// resource model that keeps the source position of every value, and writes a
// changed template back with every untouched byte kept as it was.
//
// Short-form tags are mapped the way the SAM CLI maps them
// (aws-sam-cli samcli/yamlhelper.py, intrinsics_multi_constructor): !Ref X
// becomes {"Ref": X}, !Condition X becomes {"Condition": X}, and any other
// !Tag becomes {"Fn::Tag": value}; !GetAtt "A.B" becomes ["A", "B"]. Plain
// yes/no/on/off read as booleans, as PyYAML (YAML 1.1) reads them; unquoted
// dates stay text. Unknown tags (!Rain::Embed) and Fn::ForEach are kept.
//
// A Resource's Properties are effective: SAM Globals merged as
// samtranslator's globals.py merges them (Value.From "Globals"), and a
// property that is exactly !Ref P, P a parameter with a Default, replaced by
// the Default (From "Parameter", Orig the !Ref). SAM's implicit resources
// (ServerlessRestApi, <Fn>Alias<Name>, <Fn>DeploymentGroup, permissions,
// ...) follow the declared ones with Implicit set.
//
// Template.Apply writes edits back into the original bytes (see write.go);
// bad input of any kind is an *Error with file:line:col and key path.
package cfn

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the kind of a Value.
type Kind int

// The kinds of a Value.
const (
	Null Kind = iota
	Bool
	Number
	String
	List
	Map
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case List:
		return "list"
	case Map:
		return "map"
	}
	return "unknown"
}

// Pos is a position in a template file: 1-based line and column.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Value is one node of a parsed template: a scalar, a list or an ordered map.
// Intrinsic functions are maps with one key ("Ref", "Fn::GetAtt", ...).
type Value struct {
	Kind Kind
	// Str holds the scalar's text as written (for numbers and booleans too).
	Str  string
	Num  float64 // Kind == Number
	Bool bool    // Kind == Bool
	List []*Value
	// Keys keeps the map's keys in file order; Fields holds them by name.
	Keys   []string
	Fields map[string]*Value
	// Pos is where the value starts; KeyPos, for a map entry's value, is
	// where its key starts.
	Pos    Pos
	KeyPos Pos
	// Tag is the original short-form tag ("!Ref"), empty if none.
	Tag string
	// From names where a merged value came from: "" for the resource itself,
	// "Globals" for a value SAM's Globals section supplied, "Parameter" for a
	// parameter's Default substituted for a !Ref.
	From string
	// Orig, for a value with From == "Parameter", is the !Ref it replaced
	// (with its own position), so a writer knows the template says !Ref.
	Orig *Value

	// src locates the value in the source bytes (see write.go).
	src srcInfo
}

// srcInfo is where a parsed value sits in the template's bytes. Offsets are
// byte offsets into Template.Src; end is -1 when not yet known (YAML block
// values: the writer finds it by scanning).
type srcInfo struct {
	ok     bool // the value was parsed from the file (not synthesized)
	off    int  // first byte of the value (after any tag)
	tagOff int  // first byte of the value's tag ("!Ref"), or off
	end    int  // one past the last byte (JSON: always known)
	keyOff int  // first byte of the key for a map entry's value, else -1
	keyEnd int  // one past the key's last byte (JSON: after the closing quote)
	style  uint8
	flow   bool // the value is a flow collection or sits inside one
	scalar bool // a list read from a scalar (!GetAtt "A.B")
}

// Scalar styles recorded in srcInfo.style.
const (
	stylePlain uint8 = iota
	styleDouble
	styleSingle
	styleLiteral
	styleFolded
)

// Get follows a path of map keys (and list indexes written as decimal
// strings) and returns the value there, or nil.
func (v *Value) Get(path ...string) *Value {
	cur := v
	for _, p := range path {
		if cur == nil {
			return nil
		}
		switch cur.Kind {
		case Map:
			cur = cur.Fields[p]
		case List:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(cur.List) {
				return nil
			}
			cur = cur.List[i]
		default:
			return nil
		}
	}
	return cur
}

// Int returns the value as an integer if it is a number or a string that
// holds one (CloudFormation accepts both).
func (v *Value) Int() (int, bool) {
	f, ok := v.Float()
	if !ok || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// Float returns the value as a number if it is a number or a numeric string.
func (v *Value) Float() (float64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Kind {
	case Number:
		return v.Num, true
	case String:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
		return f, err == nil
	}
	return 0, false
}

// Text returns the value's text if it is a scalar (not null).
func (v *Value) Text() (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case String, Number, Bool:
		return v.Str, true
	}
	return "", false
}

// Truth returns the value as a boolean: true/false or the strings "true"/"false".
func (v *Value) Truth() (bool, bool) {
	if v == nil {
		return false, false
	}
	switch v.Kind {
	case Bool:
		return v.Bool, true
	case String:
		switch strings.ToLower(v.Str) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// Intrinsic returns the function name and argument when v is an intrinsic
// function call (a map with one key "Ref", "Condition" or "Fn::*"; a
// resource loop "Fn::ForEach::Name" is not one).
func (v *Value) Intrinsic() (name string, arg *Value, ok bool) {
	if v == nil || v.Kind != Map || len(v.Keys) != 1 {
		return "", nil, false
	}
	k := v.Keys[0]
	if k == "Ref" || k == "Condition" || (strings.HasPrefix(k, "Fn::") && !strings.HasPrefix(k, "Fn::ForEach::")) {
		return k, v.Fields[k], true
	}
	return "", nil, false
}

// Ref returns the target of {"Ref": X}.
func (v *Value) Ref() (string, bool) {
	name, arg, ok := v.Intrinsic()
	if !ok || name != "Ref" {
		return "", false
	}
	return arg.Text()
}

// GetAtt returns the resource and attribute of {"Fn::GetAtt": [R, A]}.
func (v *Value) GetAtt() (resource, attr string, ok bool) {
	name, arg, isFn := v.Intrinsic()
	if !isFn || name != "Fn::GetAtt" {
		return "", "", false
	}
	if arg.Kind == List && len(arg.List) == 2 {
		r, ok1 := arg.List[0].Text()
		a, ok2 := arg.List[1].Text()
		return r, a, ok1 && ok2
	}
	if s, ok := arg.Text(); ok {
		r, a, found := strings.Cut(s, ".")
		return r, a, found
	}
	return "", "", false
}

// Clone returns a deep copy of v.
func (v *Value) Clone() *Value {
	if v == nil {
		return nil
	}
	c := *v
	if v.List != nil {
		c.List = make([]*Value, len(v.List))
		for i, e := range v.List {
			c.List[i] = e.Clone()
		}
	}
	if v.Fields != nil {
		c.Keys = append([]string(nil), v.Keys...)
		c.Fields = make(map[string]*Value, len(v.Fields))
		for k, e := range v.Fields {
			c.Fields[k] = e.Clone()
		}
	}
	return &c
}

// Interface converts v to plain Go values (map[string]any, []any, float64,
// string, bool, nil) as encoding/json would decode it.
func (v *Value) Interface() any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case Bool:
		return v.Bool
	case Number:
		return v.Num
	case String:
		return v.Str
	case List:
		out := make([]any, len(v.List))
		for i, e := range v.List {
			out[i] = e.Interface()
		}
		return out
	case Map:
		out := make(map[string]any, len(v.Fields))
		for k, e := range v.Fields {
			out[k] = e.Interface()
		}
		return out
	}
	return nil
}
