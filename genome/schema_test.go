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
	v := &validator{providers: map[string]*jsonschema.Schema{}}
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
	}
	url, err := load(filepath.Join(dir, "sam", "sam.schema.json"))
	if err != nil {
		return nil, err
	}
	if v.sam, err = c.Compile(url); err != nil {
		return nil, fmt.Errorf("sam schema: %w", err)
	}
	return v, nil
}

// providerType maps aws-s3-bucket.json to its type key "aws-s3-bucket".
func providerType(file string) string { return strings.TrimSuffix(file, ".json") }

// typeKey maps AWS::S3::Bucket to "aws-s3-bucket".
func typeKey(typ string) string { return strings.ToLower(strings.ReplaceAll(typ, "::", "-")) }

// problems validates a template and returns its problems by where they are:
// "" for the SAM schema on the whole template, else the resource ID.
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
