package scenarios

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Apply applies --set KEY=VALUE overrides in order, then validates the whole
// scenario again, so an override is checked exactly like a value in the file.
//
// KEY is a dotted path of the scenario file (workload.functions.Fn.peak_rps);
// a path through a map creates the entry (a new function's workload). VALUE
// is read as YAML and typed by the field it lands in: numbers, true/false,
// strings, and lists either as a YAML flow list ([a, b]) or comma-separated
// (a,b). An unknown key is an error naming the nearest known one. Every
// problem is returned at once, as Errors.
func (sc *Scenario) Apply(sets []string) error {
	if len(sets) == 0 {
		return nil
	}
	if sc.pos == nil {
		sc.pos = map[string]Position{}
	}
	var errs Errors // decoding problems
	for _, s := range sets {
		key, val, ok := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			errs = append(errs, &Problem{Position: Position{File: SetSource}, Msg: fmt.Sprintf("%s: expected KEY=VALUE, e.g. workload.functions.GetFunction.peak_rps=400", quote(s))})
			continue
		}
		leaf, err := setValueNode(val)
		if err != nil {
			errs = append(errs, &Problem{Position: Position{File: SetSource}, Path: key, Msg: fmt.Sprintf("value %s is not valid YAML: %v", quote(val), err)})
			continue
		}
		// a.b.c=V is decoded as the document {a: {b: {c: V}}} on top of
		// the scenario, by the same strict decoder as the file.
		segs := strings.Split(key, ".")
		node := leaf
		for i := len(segs) - 1; i >= 0; i-- {
			node = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Tag: "!!str", Value: segs[i]}, node,
			}}
		}
		d := &decoder{file: SetSource, set: true, pos: sc.pos, leaf: key}
		d.decode(node, reflect.ValueOf(sc).Elem(), "")
		errs = append(errs, d.errs...)
	}
	var verrs Errors
	if verr := sc.validate(); verr != nil {
		verrs = verr.(Errors)
	}
	return merge(errs, verrs).orNil()
}

// setValueNode parses a --set VALUE as one YAML value; an empty VALUE is
// null (the key is reset to "not given").
func setValueNode(val string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(val), &doc); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}, nil
}
