package infra

import (
	"github.com/evoarch/evoarch/genome/cfn"
)

// refersTo reports whether v refers to the logical ID id through Ref,
// Fn::GetAtt, or a ${id} / ${id.Attr} placeholder of Fn::Sub, anywhere
// inside v (cfn.Value.EachRef's walk).
func refersTo(v *cfn.Value, id string) bool {
	found := false
	if id != "" {
		v.EachRef(func(ref, _ string) {
			found = found || ref == id
		})
	}
	return found
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
