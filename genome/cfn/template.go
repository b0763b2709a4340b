package cfn

import (
	"sort"
)

// Format is a template's file format.
type Format int

// Template formats.
const (
	YAML Format = iota
	JSON
)

// Template is a parsed template.
type Template struct {
	// Path is the file name used in messages.
	Path   string
	Format Format
	// Src is the file's bytes, unchanged.
	Src []byte
	// Root is the whole document as a Value tree (intrinsics normalised).
	Root *Value
	// SAM is true when the template declares the AWS::Serverless transform.
	// (Globals and implicit resources also apply without it when the
	// template uses AWS::Serverless:: types, as SAM's own tests do.)
	SAM bool
	// Parameters in file order.
	Parameters []*Parameter
	// Resources in file order, then the implicit resources SAM would create
	// (Implicit == true) in a stable order.
	Resources []*Resource

	byID  map[string]*Resource
	lines *lineIndex
}

// Parameter is one entry of the Parameters section.
type Parameter struct {
	Name    string
	Type    string
	Default *Value // nil when the parameter has no default
	Allowed []*Value
	Pos     Pos
}

// Resource is one resource of the template, with SAM Globals merged into
// Properties and parameter defaults substituted where a property is a
// plain !Ref to a parameter that has a Default.
type Resource struct {
	ID   string
	Type string
	// Pos is the position of the resource's logical ID key.
	Pos Pos
	// Properties is the effective property map (never nil: an empty map when
	// the template gives none). Values carry their source positions; merged
	// ones say where they came from in Value.From.
	Properties *Value
	// Raw is the resource's own mapping as written (nil for implicit ones).
	Raw       *Value
	Metadata  *Value
	Condition string
	DependsOn []string
	// Implicit is true for a resource SAM would create that the template does
	// not declare (named as samtranslator names them): the implicit
	// ServerlessRestApi / ServerlessHttpApi, <Function>Alias<Name>,
	// <Function>DeploymentGroup, ServerlessDeploymentApplication,
	// CodeDeployServiceRole, and the AWS::Lambda::Permission of each Api,
	// HttpApi, S3 and SNS event (<Function><Event>Permission[<Stage>]).
	// Their values are synthesized: Pos is where the function or event is.
	Implicit bool
	// Parent is the logical ID of the resource an implicit one comes from.
	Parent string
}

// Prop returns the effective property at path, or nil.
func (r *Resource) Prop(path ...string) *Value {
	return r.Properties.Get(path...)
}

// Resource returns the resource with the given logical ID, or nil.
func (t *Template) Resource(id string) *Resource {
	return t.byID[id]
}

// ByType returns the resources of one type, in template order.
func (t *Template) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range t.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Parameter returns the named parameter, or nil.
func (t *Template) Parameter(name string) *Parameter {
	for _, p := range t.Parameters {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// sortedKeys returns a map's keys sorted, for deterministic iteration.
func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
