package cfn

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// editsFor returns edits of several kinds for a template: change an
// existing scalar, insert a nested new property, delete a property, rewrite a
// whole Properties map with its own data (tags survive as tags or Fn:: form)
// and add a resource.
func editsFor(t *Template) map[string][]Edit {
	out := map[string][]Edit{}
	for _, r := range t.Resources {
		if r.Implicit || r.Raw == nil {
			continue
		}
		props := r.Raw.Get("Properties")
		if props == nil || props.Kind != Map || len(props.Keys) == 0 {
			continue
		}
		if _, _, ok := props.Intrinsic(); ok {
			continue
		}
		if out["scalar"] == nil {
			for _, k := range props.Keys {
				v := props.Fields[k]
				var nv any
				switch v.Kind {
				case String:
					nv = v.Str + "-x"
				case Number:
					nv = v.Num + 1
				case Bool:
					nv = !v.Bool
				default:
					continue
				}
				out["scalar"] = []Edit{{Resource: r.ID, Path: []string{k}, Value: nv}}
				break
			}
		}
		if out["insert"] == nil {
			out["insert"] = []Edit{{Resource: r.ID, Path: []string{"EvoarchTest", "Nested", "Key"}, Value: "on: yes"},
				{Resource: r.ID, Path: []string{"EvoarchNumber"}, Value: 1769}}
		}
		if out["delete"] == nil {
			out["delete"] = []Edit{{Resource: r.ID, Path: []string{props.Keys[0]}, Delete: true}}
		}
		if out["rewrite"] == nil {
			out["rewrite"] = []Edit{{Resource: r.ID, Path: []string{props.Keys[len(props.Keys)-1]}, Value: props.Fields[props.Keys[len(props.Keys)-1]]}}
		}
	}
	// every resource's Properties rewritten with its own data
	var rewriteAll []Edit
	for _, r := range t.Resources {
		if p := r.Raw.Get("Properties"); !r.Implicit && p != nil && p.Kind == Map && len(p.Keys) > 0 {
			rewriteAll = append(rewriteAll, Edit{Resource: r.ID, Path: []string{p.Keys[0]}, Value: p.Fields[p.Keys[0]]})
			if len(p.Keys) > 1 {
				rewriteAll = append(rewriteAll, Edit{Resource: r.ID, Path: []string{p.Keys[len(p.Keys)-1]}, Value: p.Fields[p.Keys[len(p.Keys)-1]]})
			}
		}
	}
	out["rewriteAll"] = rewriteAll
	out["add"] = []Edit{{Resource: "EvoarchAdded", Value: Obj{
		{"Type", "AWS::SNS::Topic"},
		{"Properties", Obj{
			{"TopicName", "evo: 'x'"},
			{"Tags", []any{Obj{{"Key", "a"}, {"Value", Obj{{"Ref", "AWS::StackName"}}}}}},
			{"KmsMasterKeyId", Obj{{"Fn::GetAtt", []any{"Key", "Arn"}}}},
			{"Empty", Obj{}},
		}},
	}}}
	var all []Edit
	for _, k := range []string{"scalar", "insert", "delete", "rewrite", "add"} {
		all = append(all, out[k]...)
	}
	out["all"] = all
	return out
}

func TestCorpusRoundTrip(t *testing.T) {
	root, entries := corpus(t)
	n := 0
	for _, e := range entries {
		if e.Expected != "valid" {
			continue
		}
		tpl, err := ReadFile(filepath.Join(root, e.Path))
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		if out, err := tpl.Apply(nil); err != nil || &out[0] != &tpl.Src[0] {
			t.Errorf("%s: Apply(nil) did not return Src: %v", e.Path, err)
		}
		for kind, edits := range editsFor(tpl) {
			if edits == nil {
				continue
			}
			n++
			out, err := tpl.Apply(edits)
			if err != nil {
				t.Errorf("%s: %s: %v", e.Path, kind, err)
				continue
			}
			got, err := Parse(e.Path, out)
			if err != nil {
				t.Errorf("%s: %s: output does not parse: %v", e.Path, kind, err)
				continue
			}
			want := tpl.Root.Clone()
			for _, ed := range edits {
				v, _ := toValue(ed.Value, 0)
				if err := setTree(want, fullPath(ed), v, ed.Delete); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(got.Root.Interface(), want.Interface()) {
				t.Errorf("%s: %s: output data differs from the intended data", e.Path, kind)
			}
		}
	}
	t.Logf("%d edit sets applied", n)
}

func TestApplyErrors(t *testing.T) {
	src := "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      DeploymentPreference: !If [C, {Type: AllAtOnce}, !Ref AWS::NoValue]\n      Layers: [a]\n"
	tpl, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		e    Edit
	}{
		{"inside intrinsic", Edit{Resource: "Fn", Path: []string{"DeploymentPreference", "Type"}, Value: "AllAtOnce"}},
		{"undeclared resource", Edit{Resource: "ServerlessRestApi", Path: []string{"CacheClusterSize"}, Value: "0.5"}},
		{"list key", Edit{Resource: "Fn", Path: []string{"Layers", "x"}, Value: "b"}},
		{"no value", Edit{Resource: "Fn", Path: []string{"MemorySize"}}},
		{"bad type", Edit{Resource: "Fn", Path: []string{"MemorySize"}, Value: struct{}{}}},
	} {
		_, err := tpl.Apply([]Edit{tc.e})
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want *Error", tc.name, err)
		}
	}
}
