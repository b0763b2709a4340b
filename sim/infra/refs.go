package infra

import (
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
)

// refersTo reports whether v refers to the logical ID id through Ref,
// Fn::GetAtt, or a ${id} / ${id.Attr} placeholder of Fn::Sub, anywhere
// inside v (Fn::Join, Fn::Select and lists included).
func refersTo(v *cfn.Value, id string) bool {
	if v == nil || id == "" {
		return false
	}
	switch v.Kind {
	case cfn.String:
		return false
	case cfn.List:
		for _, e := range v.List {
			if refersTo(e, id) {
				return true
			}
		}
		return false
	case cfn.Map:
		if name, arg, ok := v.Intrinsic(); ok {
			switch name {
			case "Ref":
				s, _ := arg.Text()
				return s == id || strings.HasPrefix(s, id+".")
			case "Fn::GetAtt":
				r, _, ok := v.GetAtt()
				return ok && r == id
			case "Fn::Sub":
				s, ok := arg.Text()
				if !ok && arg.Kind == cfn.List && len(arg.List) > 0 {
					s, _ = arg.List[0].Text()
					if refersTo(arg.Get("1"), id) {
						return true
					}
				}
				return strings.Contains(s, "${"+id+"}") || strings.Contains(s, "${"+id+".")
			}
		}
		for _, k := range v.Keys {
			if refersTo(v.Fields[k], id) {
				return true
			}
		}
	}
	return false
}

// text returns a scalar's text, or "" for anything else.
func text(v *cfn.Value) string {
	s, _ := v.Text()
	return s
}

// truth returns a boolean property, false when absent or not a boolean.
func truth(v *cfn.Value) bool {
	b, _ := v.Truth()
	return b
}

// number returns a numeric property or def when absent or not a number.
func number(v *cfn.Value, def float64) float64 {
	if f, ok := v.Float(); ok {
		return f
	}
	return def
}

// list returns a list's elements, or the value itself as a one-element
// list when it is not a list, or nil.
func list(v *cfn.Value) []*cfn.Value {
	if v == nil || v.Kind == cfn.Null {
		return nil
	}
	if v.Kind == cfn.List {
		return v.List
	}
	return []*cfn.Value{v}
}
