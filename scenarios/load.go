package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/evoarch/evoarch/genome/cfn"
)

// Default is the built-in scenario used when neither a template nor a
// scenario is given.
const Default = "seed-demo"

// builtinPrefix starts the Source and TemplatePath of a built-in scenario.
const builtinPrefix = "builtin:"

//go:embed builtin
var builtinFS embed.FS

// MaxFileBytes bounds a scenario file's size; a larger file is refused
// rather than read into memory.
const MaxFileBytes = 4 << 20

// Load returns the scenario named ref: a built-in name, or a file path.
// An empty ref is Default. The scenario is validated (every problem at once,
// as Errors); its template is not read (ReadTemplate does that).
func Load(ref string) (*Scenario, error) {
	if ref == "" {
		ref = Default
	}
	if isBuiltin(ref) {
		data, _ := builtinFS.ReadFile(path.Join("builtin", ref, "scenario.yaml"))
		sc, err := Parse(builtinPrefix+ref, data)
		if err != nil {
			return nil, err
		}
		if sc.Template != "" {
			sc.TemplatePath = builtinPrefix + ref + "/" + sc.Template
		}
		return sc, nil
	}
	fi, err := os.Stat(ref)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(ref, `/\`) && !strings.Contains(ref, ".") {
			return nil, fmt.Errorf("scenarios: unknown scenario %s: not a built-in (%s) and no such file", quote(ref), strings.Join(Names(), ", "))
		}
		return nil, fmt.Errorf("scenarios: could not read scenario %s: %w", ref, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("scenarios: %s is a directory, not a scenario file", ref)
	}
	if fi.Size() > MaxFileBytes {
		return nil, fmt.Errorf("scenarios: %s is %d bytes; a scenario file is at most %d", ref, fi.Size(), MaxFileBytes)
	}
	data, err := os.ReadFile(ref)
	if err != nil {
		return nil, fmt.Errorf("scenarios: could not read scenario %s: %w", ref, err)
	}
	sc, err := Parse(ref, data)
	if err != nil {
		return nil, err
	}
	if sc.Template != "" {
		if filepath.IsAbs(sc.Template) {
			sc.TemplatePath = sc.Template
		} else {
			sc.TemplatePath = filepath.Join(filepath.Dir(ref), filepath.FromSlash(sc.Template))
		}
	}
	return sc, nil
}

// isBuiltin reports whether name is a built-in scenario's name.
func isBuiltin(name string) bool {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return false
	}
	_, err := fs.Stat(builtinFS, path.Join("builtin", name, "scenario.yaml"))
	return err == nil
}

// Empty returns a scenario with no workload: every default, every
// usage-based cost "depends on usage". It is what a TEMPLATE given without
// --scenario runs under; name is usually the template file's base name.
func Empty(name string) *Scenario {
	return &Scenario{Name: name, Description: "no scenario given: defaults only, no workload"}
}

// Parse decodes and validates a scenario file's bytes; name is the file name
// used in messages. Every problem found is returned at once as Errors, each
// with its line, column and key path.
func Parse(name string, data []byte) (sc *Scenario, err error) {
	defer func() {
		// yaml.v3 is not known to panic on v3.0.1, but a malformed input
		// must never crash the program: report it as an input problem.
		if r := recover(); r != nil {
			sc, err = nil, Errors{{Position: Position{File: name}, Msg: fmt.Sprintf("malformed YAML (%v)", r)}}
		}
	}()
	if len(data) > MaxFileBytes {
		return nil, Errors{{Position: Position{File: name}, Msg: fmt.Sprintf("the file is %d bytes; a scenario file is at most %d", len(data), MaxFileBytes)}}
	}
	sc = &Scenario{Source: name, pos: map[string]Position{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, Errors{yamlProblem(name, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{Position: Position{File: name, Line: extra.Line, Col: extra.Column}, Msg: "a scenario file holds one YAML document; found a second"}}
	}
	d := &decoder{file: name, pos: sc.pos}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != 0 && root.Kind != yaml.MappingNode && !isNull(root) {
		d.errorf(root, "", "a scenario is a map of keys (name:, workload:, ...), got %s", nodeKind(root))
	} else if root.Kind == yaml.MappingNode {
		d.decode(root, reflect.ValueOf(sc).Elem(), "")
	}
	var verrs Errors
	if verr := sc.validate(); verr != nil {
		verrs = verr.(Errors)
	}
	if errs := merge(d.errs, verrs); len(errs) > 0 {
		return nil, errs.sorted()
	}
	return sc, nil
}

// yamlProblem turns a yaml.v3 syntax error ("yaml: line 3: ...") into a
// positioned problem.
func yamlProblem(name string, err error) *Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := &Problem{Position: Position{File: name}, Msg: "malformed YAML: " + msg}
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil && line > 0 {
		p.Line, p.Col = line, 1
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			p.Msg = "malformed YAML: " + rest
		}
	}
	return p
}

// merge joins decoding and validation problems: a value that failed to
// decode is not reported again by validation (it was left unset), and a
// problem is listed once.
func merge(decoding, validation Errors) Errors {
	bad := map[string]bool{}
	for _, e := range decoding {
		bad[e.Path] = true
	}
	seen := map[string]bool{}
	var out Errors
	for i, e := range append(append(Errors{}, decoding...), validation...) {
		if i >= len(decoding) && bad[e.Path] {
			continue
		}
		k := e.File + "\x00" + e.Path + "\x00" + e.Msg
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

// ReadTemplate reads and parses the scenario's own template.
func ReadTemplate(sc *Scenario) (*cfn.Template, error) {
	if sc.TemplatePath == "" {
		src := sc.Source
		if src == "" {
			src = "the scenario " + quote(sc.Name)
		}
		return nil, fmt.Errorf("scenarios: %s names no template: give TEMPLATE or set template: in the scenario", src)
	}
	if rest, ok := strings.CutPrefix(sc.TemplatePath, builtinPrefix); ok {
		data, err := builtinFS.ReadFile(path.Join("builtin", rest))
		if err != nil {
			return nil, fmt.Errorf("scenarios: built-in template %s: %w", rest, err)
		}
		return cfn.Parse(sc.TemplatePath, data)
	}
	return cfn.ReadFile(sc.TemplatePath)
}

// Info describes one built-in scenario.
type Info struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Names returns the built-in scenarios' names, sorted.
func Names() []string {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && isBuiltin(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// List returns the built-in scenarios, sorted by name.
func List() []Info {
	var out []Info
	for _, name := range Names() {
		info := Info{Name: name}
		if sc, err := Load(name); err == nil {
			info.Description = strings.TrimSpace(sc.Description)
		}
		out = append(out, info)
	}
	return out
}

// Files returns a built-in scenario's scenario.yaml and template.yaml as
// embedded. An unknown name is an error listing the built-ins.
func Files(name string) (scenario, template []byte, err error) {
	if !isBuiltin(name) {
		return nil, nil, fmt.Errorf("scenarios: unknown built-in scenario %s; the built-ins are: %s", quote(name), strings.Join(Names(), ", "))
	}
	scenario, err = builtinFS.ReadFile(path.Join("builtin", name, "scenario.yaml"))
	if err != nil {
		return nil, nil, fmt.Errorf("scenarios: built-in %s: %w", name, err)
	}
	sc, err := Load(name)
	if err != nil {
		return nil, nil, err
	}
	tname := sc.Template
	if tname == "" {
		tname = "template.yaml"
	}
	template, err = builtinFS.ReadFile(path.Join("builtin", name, tname))
	if err != nil {
		return nil, nil, fmt.Errorf("scenarios: built-in %s: %w", name, err)
	}
	return scenario, template, nil
}

// Export writes a built-in scenario's scenario.yaml and template.yaml into
// dir (created if missing), to start a what-if from. It refuses to overwrite
// an existing file, and writes each file atomically: through a temporary
// file in dir that is linked into place, so a reader never sees half a file
// and a file that appears meanwhile is not replaced.
func Export(name, dir string) error {
	scData, tmplData, err := Files(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("scenarios: could not create %s: %w", dir, err)
	}
	files := []struct {
		name string
		data []byte
	}{{"scenario.yaml", scData}, {"template.yaml", tmplData}}
	for _, f := range files {
		dst := filepath.Join(dir, f.name)
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("scenarios: %s already exists; not overwriting it", dst)
		}
	}
	for _, f := range files {
		if err := writeNew(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// writeNew writes data to a new file dst atomically, failing if dst exists.
func writeNew(dst string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("scenarios: could not write %s: %w", dst, err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("scenarios: could not write %s: %w", dst, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("scenarios: could not write %s: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("scenarios: could not write %s: %w", dst, err)
	}
	if err := os.Link(name, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("scenarios: %s already exists; not overwriting it", dst)
		}
		return fmt.Errorf("scenarios: could not write %s: %w", dst, err)
	}
	return nil
}
