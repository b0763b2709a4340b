package genome

import "github.com/evoarch/evoarch/genome/cfn"

// refersTo reports whether v refers to the logical ID id (cfn's EachRef:
// Ref, Fn::GetAtt, Fn::Sub).
func refersTo(v *cfn.Value, id string) bool {
	found := false
	v.EachRef(func(r, _ string) {
		if r == id {
			found = true
		}
	})
	return found
}
