package genome

import "github.com/evoarch/evoarch/genome/cfn"

// objWithout returns o without the field key.
func objWithout(o cfn.Obj, key string) cfn.Obj {
	out := make(cfn.Obj, 0, len(o))
	for _, f := range o {
		if f.Key != key {
			out = append(out, f)
		}
	}
	return out
}

// objHas reports whether o has the field key.
func objHas(o cfn.Obj, key string) bool {
	for _, f := range o {
		if f.Key == key {
			return true
		}
	}
	return false
}
