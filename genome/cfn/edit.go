package cfn

// Field is one key and value of an ordered map written by an Edit.
type Field struct {
	Key   string
	Value any
}

// Obj is an ordered map for Edit values: written in this order.
type Obj []Field

// Edit is one change to a template.
//
// Value may be nil (with Delete), bool, int, float64, string, []any, Obj, or
// *Value. An intrinsic is an Obj with one field: Obj{{"Ref", "MyKey"}}.
type Edit struct {
	// Resource is the logical ID the edit applies to.
	Resource string
	// Path is the property path under the resource's Properties
	// ("DeploymentPreference", "Type"). Empty means the resource itself.
	Path []string
	// Value is the new value. With an empty Path it is the whole resource
	// (an Obj with Type and Properties): the resource is added, or replaced.
	Value any
	// Delete removes the property (or, with an empty Path, the resource).
	Delete bool
}
