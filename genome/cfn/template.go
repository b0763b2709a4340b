package cfn

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
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
	SAM bool
	// Parameters in file order.
	Parameters []*Parameter
	// Resources in file order, then the implicit resources SAM would create
	// (Implicit == true) in a stable order.
	Resources []*Resource

	byID map[string]*Resource
	node *yaml.Node // the document's root mapping node, positions kept
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
	// not declare: the implicit ServerlessRestApi / ServerlessHttpApi, the
	// <Function>Alias<Name>, the <Function>DeploymentGroup and the
	// ServerlessDeploymentApplication.
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

// fromNode converts a yaml.Node into a Value, mapping short-form tags.
func fromNode(n *yaml.Node, depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, &Error{Pos: Pos{n.Line, n.Column}, Msg: fmt.Sprintf("nesting deeper than %d levels", maxDepth)}
	}
	pos := Pos{n.Line, n.Column}
	var v *Value
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &Value{Kind: Null, Pos: pos}, nil
		}
		return fromNode(n.Content[0], depth+1)
	case yaml.AliasNode:
		return nil, &Error{Pos: pos, Msg: "YAML aliases are not supported in templates"}
	case yaml.ScalarNode:
		v = scalar(n)
	case yaml.SequenceNode:
		v = &Value{Kind: List, Pos: pos, List: make([]*Value, 0, len(n.Content))}
		for _, c := range n.Content {
			e, err := fromNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			v.List = append(v.List, e)
		}
	case yaml.MappingNode:
		v = &Value{Kind: Map, Pos: pos, Fields: make(map[string]*Value, len(n.Content)/2)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, c := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &Error{Pos: Pos{k.Line, k.Column}, Msg: "a mapping key must be a plain string"}
			}
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, &Error{Pos: Pos{k.Line, k.Column}, Msg: "YAML merge keys are not supported in templates"}
			}
			e, err := fromNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			e.KeyPos = Pos{k.Line, k.Column}
			if _, dup := v.Fields[k.Value]; dup {
				return nil, &Error{Pos: Pos{k.Line, k.Column}, Key: k.Value, Msg: fmt.Sprintf("duplicate key %q", k.Value)}
			}
			v.Keys = append(v.Keys, k.Value)
			v.Fields[k.Value] = e
		}
	default:
		return nil, &Error{Pos: pos, Msg: "unsupported YAML node"}
	}
	if n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") && n.Tag != "!" {
		return wrapTag(n.Tag, v), nil
	}
	return v, nil
}

const maxDepth = 200

func scalar(n *yaml.Node) *Value {
	v := &Value{Kind: String, Str: n.Value, Pos: Pos{n.Line, n.Column}}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v
	}
	switch n.ShortTag() {
	case "!!null":
		v.Kind = Null
	case "!!bool":
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			v.Kind, v.Bool = Bool, b
		}
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			v.Kind, v.Num = Number, f
		} else if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			v.Kind, v.Num = Number, float64(i)
		}
	}
	return v
}

// wrapTag turns a short-form tag into its intrinsic map.
func wrapTag(tag string, v *Value) *Value {
	name := strings.TrimPrefix(tag, "!")
	key := "Fn::" + name
	switch name {
	case "Ref", "Condition":
		key = name
	case "GetAtt":
		if s, ok := v.Text(); ok && v.Kind == String {
			if r, a, found := strings.Cut(s, "."); found {
				v = &Value{Kind: List, Pos: v.Pos, List: []*Value{
					{Kind: String, Str: r, Pos: v.Pos},
					{Kind: String, Str: a, Pos: v.Pos},
				}}
			}
		}
	}
	return &Value{Kind: Map, Pos: v.Pos, Tag: tag, Keys: []string{key}, Fields: map[string]*Value{key: v}}
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
