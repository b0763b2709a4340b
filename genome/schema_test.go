package genome

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/evoarch/evoarch/genome/cfn"
)

// validator checks written templates against ../shared/schemas as its
// README says: the SAM schema for the whole template, the provider schema
// for each plain AWS resource's Properties, intrinsics accepted anywhere.
type validator struct {
	sam       *jsonschema.Schema
	providers map[string]*jsonschema.Schema // by resource type
	// samResources validates one SAM resource alone (so a problem the
	// template had already in another resource cannot hide a new one), by
	// type: sam.schema.json's definition of the type's Resource.
	samResources map[string]*jsonschema.Schema
	// passThrough validates the properties SAM passes to a CloudFormation
	// resource, which sam.schema.json leaves unconstrained (../shared/schemas
	// README, "SAM coverage"), by "<SAM type>.<property>".
	passThrough map[string]*jsonschema.Schema
}

// samPassThrough lists, for each SAM type, the properties the genes write
// that SAM passes through unchanged, and the provider schema (and property)
// that constrains each: a function's to AWS::Lambda::Function, its
// ProvisionedConcurrencyConfig to the AWS::Lambda::Alias SAM creates
// (aws-facts.md §6), a SimpleTable's to AWS::DynamoDB::Table, an Api's cache
// to its AWS::ApiGateway::Stage.
var samPassThrough = map[string][][2]string{
	"AWS::Serverless::Function": {
		{"MemorySize", "aws-lambda-function"}, {"Timeout", "aws-lambda-function"},
		{"Architectures", "aws-lambda-function"}, {"ReservedConcurrentExecutions", "aws-lambda-function"},
		{"Runtime", "aws-lambda-function"}, {"ProvisionedConcurrencyConfig", "aws-lambda-alias"},
	},
	"AWS::Serverless::SimpleTable": {{"ProvisionedThroughput", "aws-dynamodb-table"}, {"SSESpecification", "aws-dynamodb-table"}},
	"AWS::Serverless::Api":         {{"CacheClusterSize", "aws-apigateway-stage"}, {"CacheClusterEnabled", "aws-apigateway-stage"}},
}

var (
	validatorOnce sync.Once
	validatorVal  *validator
	validatorErr  error
)

func loadValidator(t testing.TB) *validator {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "schemas")
	validatorOnce.Do(func() { validatorVal, validatorErr = newValidator(dir) })
	if validatorErr != nil {
		t.Fatalf("schemas: %v", validatorErr)
	}
	return validatorVal
}

type re2 struct{ r *regexp2.Regexp }

func (r re2) MatchString(s string) bool { ok, err := r.r.MatchString(s); return err == nil && ok }
func (r re2) String() string            { return r.r.String() }

func regexpEngine(s string) (jsonschema.Regexp, error) {
	// Neither engine knows Java's \p{Print}: printable means not a control
	// character.
	s = strings.ReplaceAll(s, `\p{Print}`, `[^\x00-\x1F\x7F]`)
	if r, err := regexp.Compile(s); err == nil {
		return r, nil
	}
	r, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		r, err = regexp2.Compile(s, regexp2.None)
	}
	if err != nil {
		return nil, err
	}
	return re2{r}, nil
}

// intrinsicSchema accepts a one-key intrinsic function object.
func intrinsicSchema() map[string]any {
	return map[string]any{
		"type": "object", "minProperties": 1.0, "maxProperties": 1.0,
		"patternProperties":    map[string]any{"^(Ref|Condition|Fn::.+)$": map[string]any{}},
		"additionalProperties": false,
	}
}

// wrapIntrinsics makes every subschema under properties, items and
// additionalProperties also accept an intrinsic function.
func wrapIntrinsics(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = wrapIntrinsics(e)
		}
		wrap := func(s any) any {
			if m, ok := s.(map[string]any); ok {
				return map[string]any{"anyOf": []any{m, intrinsicSchema()}}
			}
			return s
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
		return x
	case []any:
		for i, e := range x {
			x[i] = wrapIntrinsics(e)
		}
	}
	return v
}

func newValidator(dir string) (*validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseRegexpEngine(regexpEngine)
	load := func(path string) (string, error) {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		if m, ok := doc.(map[string]any); ok {
			if s, _ := m["$schema"].(string); s != "" && !strings.Contains(s, "json-schema.org") {
				delete(m, "$schema")
			}
		}
		url := "file://" + filepath.ToSlash(path)
		if err := c.AddResource(url, wrapIntrinsics(doc)); err != nil {
			return "", err
		}
		return url, nil
	}
	v := &validator{providers: map[string]*jsonschema.Schema{}, samResources: map[string]*jsonschema.Schema{}, passThrough: map[string]*jsonschema.Schema{}}
	urls := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "cloudformation", "aws-*.json"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no provider schemas in %s", dir)
	}
	for _, f := range files {
		url, err := load(f)
		if err != nil {
			return nil, err
		}
		sch, err := c.Compile(url)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		v.providers[providerType(filepath.Base(f))] = sch
		urls[providerType(filepath.Base(f))] = url
	}
	url, err := load(filepath.Join(dir, "sam", "sam.schema.json"))
	if err != nil {
		return nil, err
	}
	if v.sam, err = c.Compile(url); err != nil {
		return nil, fmt.Errorf("sam schema: %w", err)
	}
	for _, typ := range []string{"Api", "Function", "HttpApi", "SimpleTable", "StateMachine", "LayerVersion", "Application"} {
		def := url + "#/definitions/samtranslator__internal__schema_source__aws_serverless_" + strings.ToLower(typ) + "__Resource"
		if v.samResources["AWS::Serverless::"+typ], err = c.Compile(def); err != nil {
			return nil, fmt.Errorf("sam schema, %s: %w", typ, err)
		}
	}
	for typ, props := range samPassThrough {
		for _, p := range props {
			pu, ok := urls[p[1]]
			if !ok {
				return nil, fmt.Errorf("no provider schema %s for %s.%s", p[1], typ, p[0])
			}
			if v.passThrough[typ+"."+p[0]], err = c.Compile(pu + "#/properties/" + p[0]); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", typ, p[0], err)
			}
		}
	}
	return v, nil
}

// providerType maps aws-s3-bucket.json to its type key "aws-s3-bucket".
func providerType(file string) string { return strings.TrimSuffix(file, ".json") }

// typeKey maps AWS::S3::Bucket to "aws-s3-bucket".
func typeKey(typ string) string { return strings.ToLower(strings.ReplaceAll(typ, "::", "-")) }

// problems validates a template and returns its problems by where they are:
// "" for the SAM schema on the whole template, the resource ID for a
// resource (its provider schema, or its SAM definition), "<ID>.<Property>"
// for a property SAM passes through.
func (v *validator) problems(tp *cfn.Template) map[string]string {
	out := map[string]string{}
	doc := tp.Root.Interface()
	if tp.SAM {
		if err := v.sam.Validate(doc); err != nil {
			out[""] = err.Error()
		}
	}
	for _, r := range tp.Resources {
		if r.Implicit || r.Raw == nil {
			continue
		}
		if sch := v.samResources[r.Type]; sch != nil {
			if err := sch.Validate(r.Raw.Interface()); err != nil {
				out[r.ID] = err.Error()
			}
			for _, p := range samPassThrough[r.Type] {
				pv := r.Raw.Get("Properties", p[0])
				if pv == nil {
					continue
				}
				if err := v.passThrough[r.Type+"."+p[0]].Validate(pv.Interface()); err != nil {
					out[r.ID+"."+p[0]] = err.Error()
				}
			}
			continue
		}
		sch := v.providers[typeKey(r.Type)]
		if sch == nil {
			continue
		}
		props := map[string]any{}
		if p := r.Raw.Get("Properties"); p != nil && p.Kind == cfn.Map {
			props = p.Interface().(map[string]any)
		}
		if err := sch.Validate(props); err != nil {
			out[r.ID] = err.Error()
		}
	}
	return out
}

// newProblems returns the problems of after that before did not have.
func newProblems(before, after map[string]string) []string {
	var out []string
	for k, msg := range after {
		if _, had := before[k]; !had {
			out = append(out, fmt.Sprintf("%q: %s", k, msg))
		}
	}
	sort.Strings(out)
	return out
}

// TestValidatorCatches makes sure the validator used by the apply tests can
// fail: each broken resource below must be reported where it is, and the
// sound template must pass.
func TestValidatorCatches(t *testing.T) {
	v := loadValidator(t)
	fn := func(props string) string {
		return samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: a.b\n      CodeUri: s3://b/k\n" + props
	}
	for _, tc := range []struct {
		name, src, where string // where: "" means no problem at all
	}{
		{"sound", fn("      MemorySize: 1769\n      Timeout: 900\n      AutoPublishAlias: live\n      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 5\n      DeploymentPreference:\n        Type: AllAtOnce\n        Alarms: [!Ref A]\n"), ""},
		{"timeout over 900 s", fn("      Timeout: 901\n"), "Fn.Timeout"},
		{"memory not a number", fn("      MemorySize: lots\n"), "Fn.MemorySize"},
		{"provisioned concurrency without its count", fn("      ProvisionedConcurrencyConfig: {}\n"), "Fn.ProvisionedConcurrencyConfig"},
		{"unknown DeploymentPreference key", fn("      DeploymentPreference:\n        Type: AllAtOnce\n        Kind: x\n"), "Fn"},
		{"simple table throughput without writes", samHead + "  T:\n    Type: AWS::Serverless::SimpleTable\n    Properties:\n      ProvisionedThroughput: {ReadCapacityUnits: 5}\n", "T.ProvisionedThroughput"},
		{"bucket encryption algorithm", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: {SSEAlgorithm: rot13}\n", "B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := v.problems(parse(t, tc.src))
			if tc.where == "" {
				if len(got) > 0 {
					t.Errorf("problems in a sound template: %v", got)
				}
				return
			}
			if _, ok := got[tc.where]; !ok {
				t.Errorf("no problem reported at %q: %v", tc.where, got)
			}
		})
	}
}
