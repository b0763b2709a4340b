package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

// TestBuiltins: every built-in scenario loads, its template parses and is
// valid against ../shared/schemas, its workload names real resources, its
// pins are real genes, and every function, table and bucket has usage.
func TestBuiltins(t *testing.T) {
	want := []string{"ecommerce-dashboard", "photo-sharing", "regulated", "sam-get-resource", "seed-demo", "workshop-tiny"}
	if got := strings.Join(scenarios.Names(), " "); got != strings.Join(want, " ") {
		t.Errorf("built-ins %q, want %q", got, want)
	}
	v := loadValidator(t)
	// Negative control: the validator does catch a bad SAM and AWS property.
	bad, err := cfn.Parse("bad.yaml", []byte("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: a, Runtime: nodejs22.x, CodeUri: s, Memory: 5}\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {Versioning: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := v.problems(bad); p[""] == "" || p["B"] == "" {
		t.Errorf("the schema check misses known problems: %v", p)
	}
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			sc, err := scenarios.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Name != name || len(strings.TrimSpace(sc.Description)) < 80 {
				t.Errorf("name %q, description %q: want the directory's name and a description of the what-if", sc.Name, sc.Description)
			}
			tmpl, err := scenarios.ReadTemplate(sc)
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.Check(tmpl); err != nil {
				t.Fatal(err)
			}
			for where, msg := range v.problems(tmpl) {
				t.Errorf("schema: %q: %s", where, msg)
			}
			used := map[string]bool{}
			for id, f := range sc.Workload.Functions {
				if f.InvocationsPerMonth > 0 && f.DurationMS > 0 {
					used[id] = true
				}
				for target := range f.Calls {
					used[target] = true
				}
			}
			for _, r := range tmpl.Resources {
				switch r.Type {
				case "AWS::Serverless::Function", "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::SQS::Queue":
					if !used[r.ID] {
						t.Errorf("%s (%s) has no usage in the workload", r.ID, r.Type)
					}
				}
			}
			sp, err := genome.Derive(tmpl, sc)
			if err != nil {
				t.Fatal(err)
			}
			if name == "workshop-tiny" {
				if n := sp.Size().Int64(); n < 200 || n > 2000 || !sp.Size().IsInt64() {
					t.Errorf("workshop-tiny has %v variants; want a few hundred to 2000 to enumerate", sp.Size())
				}
			}
		})
	}
	if sc, err := scenarios.Load(""); err != nil || sc.Name != scenarios.Default {
		t.Errorf("Load(\"\") = %v, %v; want the default %s", sc, err, scenarios.Default)
	}
}

// TestSeedDemoIsTheTalksTemplate: the seed-demo template is the corpus copy
// of the talk's demo, byte for byte.
func TestSeedDemoIsTheTalksTemplate(t *testing.T) {
	corpus, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", "evolutionary-serverless-architectures-with-safe-deployments", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, tmpl, err := scenarios.Files("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	if string(corpus) != string(tmpl) {
		t.Error("seed-demo/template.yaml differs from the corpus copy of the talk's template")
	}
}

func TestExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := scenarios.Export("sam-get-resource", dir); err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Load(filepath.Join(dir, "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Check(tmpl); err != nil {
		t.Fatal(err)
	}
	err = scenarios.Export("seed-demo", dir)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second export: %v, want a refusal", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("export left %d entries (temporary files?)", len(entries))
	}
	if err := scenarios.Export("nope", t.TempDir()); err == nil || !strings.Contains(err.Error(), "seed-demo") {
		t.Errorf("unknown name: %v", err)
	}
}

// sharedDir is <repo root>/../shared, the repo root found by walking up to go.mod.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// validator checks templates against ../shared/schemas as its README says:
// the SAM schema for the whole template, each plain AWS resource's
// Properties against its provider schema, intrinsics accepted anywhere.
type validator struct {
	sam       *jsonschema.Schema
	providers map[string]*jsonschema.Schema // by "aws-s3-bucket"
}

type re2 struct{ r *regexp2.Regexp }

func (r re2) MatchString(s string) bool { ok, err := r.r.MatchString(s); return err == nil && ok }
func (r re2) String() string            { return r.r.String() }

func regexpEngine(s string) (jsonschema.Regexp, error) {
	if r, err := regexp.Compile(s); err == nil {
		return r, nil
	}
	r, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		r, err = regexp2.Compile(s, regexp2.None) // \p{Print} and friends
	}
	if err != nil {
		return nil, err
	}
	return re2{r}, nil
}

func wrapIntrinsics(v any) any {
	intrinsic := func() map[string]any {
		return map[string]any{
			"type": "object", "minProperties": 1.0, "maxProperties": 1.0,
			"patternProperties":    map[string]any{"^(Ref|Condition|Fn::.+)$": map[string]any{}},
			"additionalProperties": false,
		}
	}
	wrap := func(s any) any {
		if m, ok := s.(map[string]any); ok {
			return map[string]any{"anyOf": []any{m, intrinsic()}}
		}
		return s
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = wrapIntrinsics(e)
		}
		if ps, ok := x["properties"].(map[string]any); ok {
			for k, s := range ps {
				ps[k] = wrap(s)
			}
		}
		if it, ok := x["items"]; ok {
			if list, ok := it.([]any); ok {
				for i, s := range list {
					list[i] = wrap(s)
				}
			} else {
				x["items"] = wrap(it)
			}
		}
		if ap, ok := x["additionalProperties"].(map[string]any); ok {
			x["additionalProperties"] = wrap(ap)
		}
	case []any:
		for i, e := range x {
			x[i] = wrapIntrinsics(e)
		}
	}
	return v
}

func loadValidator(t testing.TB) *validator {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "schemas")
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseRegexpEngine(regexpEngine)
	// The metaschema's "format: regex" must accept what the engine accepts.
	c.RegisterFormat(&jsonschema.Format{Name: "regex", Validate: func(x any) error {
		if s, ok := x.(string); ok {
			_, err := regexpEngine(s)
			return err
		}
		return nil
	}})
	compile := func(path string) *jsonschema.Schema {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if m, ok := doc.(map[string]any); ok {
			if s, _ := m["$schema"].(string); s != "" && !strings.Contains(s, "json-schema.org") {
				delete(m, "$schema")
			}
		}
		url := "file://" + filepath.ToSlash(path)
		if err := c.AddResource(url, wrapIntrinsics(doc)); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return sch
	}
	v := &validator{providers: map[string]*jsonschema.Schema{}}
	// The provider schemas of the types the built-in templates use (some
	// others carry patterns the metaschema's regex format refuses).
	for _, key := range []string{"aws-s3-bucket", "aws-dynamodb-table", "aws-sqs-queue", "aws-kms-key"} {
		v.providers[key] = compile(filepath.Join(dir, "cloudformation", key+".json"))
	}
	v.sam = compile(filepath.Join(dir, "sam", "sam.schema.json"))
	return v
}

func (v *validator) problems(tp *cfn.Template) map[string]string {
	out := map[string]string{}
	if tp.SAM {
		if err := v.sam.Validate(tp.Root.Interface()); err != nil {
			out[""] = err.Error()
		}
	}
	for _, r := range tp.Resources {
		if r.Implicit || r.Raw == nil {
			continue
		}
		sch := v.providers[strings.ToLower(strings.ReplaceAll(r.Type, "::", "-"))]
		if sch == nil {
			continue
		}
		props := map[string]any{}
		if p := r.Raw.Get("Properties"); p != nil && p.Kind == cfn.Map {
			props = p.Interface().(map[string]any)
		}
		if err := sch.Validate(props); err != nil {
			out[r.ID] = fmt.Sprint(err)
		}
	}
	return out
}
