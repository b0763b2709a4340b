package genome

import (
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
)

// eachRef calls fn for every logical ID v refers to: {"Ref": X},
// {"Fn::GetAtt": [X, A]} and ${X} / ${X.A} inside Fn::Sub strings, in
// document order. attr is "" for a Ref or ${X}. Pseudo parameters (AWS::*)
// and ${!Literal} escapes are left out.
func eachRef(v *cfn.Value, fn func(id, attr string)) {
	if v == nil {
		return
	}
	if name, arg, ok := v.Intrinsic(); ok {
		switch name {
		case "Ref":
			if s, ok := arg.Text(); ok && !strings.HasPrefix(s, "AWS::") {
				id, attr, _ := strings.Cut(s, ".") // SAM allows !Ref Fn.Version
				fn(id, attr)
			}
			return
		case "Fn::GetAtt":
			if r, a, ok := v.GetAtt(); ok {
				fn(r, a)
			}
			return
		case "Fn::Sub":
			if s, ok := arg.Text(); ok {
				subRefs(s, fn)
				return
			}
			if arg != nil && arg.Kind == cfn.List && len(arg.List) > 0 {
				if s, ok := arg.List[0].Text(); ok {
					subRefs(s, fn)
				}
				for _, e := range arg.List[1:] {
					eachRef(e, fn)
				}
				return
			}
		}
	}
	switch v.Kind {
	case cfn.List:
		for _, e := range v.List {
			eachRef(e, fn)
		}
	case cfn.Map:
		for _, k := range v.Keys {
			eachRef(v.Fields[k], fn)
		}
	}
}

// subRefs finds the ${X} and ${X.A} variables of an Fn::Sub string.
func subRefs(s string, fn func(id, attr string)) {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return
		}
		name := strings.TrimSpace(s[:j])
		s = s[j+1:]
		if name == "" || name[0] == '!' || strings.HasPrefix(name, "AWS::") {
			continue
		}
		id, attr, _ := strings.Cut(name, ".")
		fn(id, attr)
	}
}

// refersTo reports whether v refers to the logical ID id.
func refersTo(v *cfn.Value, id string) bool {
	found := false
	eachRef(v, func(r, _ string) {
		if r == id {
			found = true
		}
	})
	return found
}
