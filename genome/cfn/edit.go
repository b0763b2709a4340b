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
// Value may be nil (with Delete), bool, int, int64, float64, string,
// []string, []any, Obj, map[string]any (written in sorted key order) or
// *Value (its data; tags are written as !Ref / !GetAtt / !Sub short forms or
// Fn:: long forms). An intrinsic is an Obj with one field:
// Obj{{"Ref", "MyKey"}}.
//
// Path elements name map keys; a decimal element indexes an existing list
// element (a scalar in it can be replaced, a map in it gets keys), but list
// elements are not added or deleted one by one: replace the whole list. An
// edit cannot reach inside an intrinsic function (a property written as
// !If [...] is replaced whole, not merged into). Paths are under the
// resource's own Properties, never under Globals: a property the function
// inherits from Globals is set on the function, where SAM's merge gives it
// precedence (maps merge key by key; lists concatenate, Globals first).
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
