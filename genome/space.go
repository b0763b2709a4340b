package genome

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
)

// Size returns the number of variants the unpinned genes span: the product
// of their domain sizes (1 for a space with no free gene).
func (sp *Space) Size() *big.Int {
	n := big.NewInt(1)
	for i := range sp.Genes {
		if !sp.Genes[i].Pinned {
			n.Mul(n, big.NewInt(int64(len(sp.Genes[i].Values))))
		}
	}
	return n
}

// Current returns the template's own genome.
func (sp *Space) Current() Genome {
	g := make(Genome, len(sp.Genes))
	for i := range sp.Genes {
		g[i] = sp.Genes[i].Current
	}
	return g
}

// Encode returns the genome of another version of the space's template (a
// candidate, or what Apply wrote): for each gene, the index of the value t
// holds, read as Derive reads it. A gene t does not have (its resource is
// gone, or its value became an intrinsic function) or whose value is not
// in the gene's domain is an error that names the gene.
func (sp *Space) Encode(t *cfn.Template) (Genome, error) {
	other, err := Derive(t, nil)
	if err != nil {
		return nil, err
	}
	g := make(Genome, len(sp.Genes))
	for i := range sp.Genes {
		gene := &sp.Genes[i]
		j, ok := other.Gene(gene.Name)
		if !ok {
			why := "it has no such gene"
			for _, s := range other.Skipped {
				if s.Name == gene.Name {
					why = s.Reason
				}
			}
			return nil, fmt.Errorf("genome: %s: gene %s: %s", t.Path, gene.Name, why)
		}
		v := other.Genes[j].CurrentValue()
		k, ok := gene.index(v)
		if !ok {
			return nil, fmt.Errorf("genome: %s: gene %s: value %s is not one of {%s}", t.Path, gene.Name, FormatValue(v), gene.valueList())
		}
		g[i] = k
	}
	return g, nil
}

// Gene returns the index of the named gene.
func (sp *Space) Gene(name string) (int, bool) {
	if i, ok := sp.byName[name]; ok {
		return i, true
	}
	if a, ok := sp.alias[name]; ok {
		i, ok := sp.byName[a]
		return i, ok
	}
	return 0, false
}

// Value returns the value of gene i in g.
func (sp *Space) Value(g Genome, i int) any {
	return sp.Genes[i].Values[g[i]]
}

// Change is one gene that differs between two genomes.
type Change struct {
	Gene string `json:"gene"`
	From any    `json:"from"`
	To   any    `json:"to"`
}

// Changes lists the genes whose value differs from from to to, in gene order.
func (sp *Space) Changes(from, to Genome) []Change {
	out := []Change{}
	for i := range sp.Genes {
		if from[i] != to[i] {
			out = append(out, Change{Gene: sp.Genes[i].Name, From: sp.Value(from, i), To: sp.Value(to, i)})
		}
	}
	return out
}

// Distance is the number of genes that differ between a and b.
func Distance(a, b Genome) int {
	n := 0
	for i := range a {
		if i < len(b) && a[i] != b[i] {
			n++
		}
	}
	return n + abs(len(a)-len(b))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Active reports whether gene i matters in g. A gene is inactive when
// another gene makes it moot: capacity and auto scaling on an on-demand
// table, versioning when replication forces it on, the cache of an API that
// is HTTP, deployment alarms and hooks without a DeploymentPreference (Type
// nil). Two genomes that differ only in inactive genes give the same
// template.
func (sp *Space) Active(g Genome, i int) bool {
	gene := &sp.Genes[i]
	switch gene.Attr {
	case ReadCapacity, WriteCapacity, AutoScaling:
		if j, ok := sp.sibling(i, BillingMode); ok && sp.Value(g, j) == "PAY_PER_REQUEST" {
			return false
		}
	case Versioning:
		if j, ok := sp.sibling(i, Replication); ok && sp.Value(g, j) == true {
			return false
		}
	case CacheSize:
		if j, ok := sp.sibling(i, APIType); ok && sp.Value(g, j) == "HTTP" {
			return false
		}
	case DeployAlarms, PreTraffic:
		if j, ok := sp.sibling(i, DeployType); ok && sp.Value(g, j) == nil {
			return false // no DeploymentPreference to hold them
		}
	}
	return true
}

// sibling returns the gene of the same resource with the given attribute.
func (sp *Space) sibling(i int, attr Attr) (int, bool) {
	res := sp.Genes[i].Resource
	for j := range sp.Genes {
		if sp.Genes[j].Resource == res && sp.Genes[j].Attr == attr {
			return j, true
		}
	}
	return 0, false
}

// ParseAssignments returns the current genome with the given genes set. Values
// may be JSON-decoded (float64, string, bool, nil) or strings as typed on a
// command line ("1024", "true", "none"). An unknown gene names the nearest
// one; an unknown value lists the valid values.
func (sp *Space) ParseAssignments(set map[string]any) (Genome, error) {
	g := sp.Current()
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		i, ok := sp.Gene(name)
		if !ok {
			return nil, fmt.Errorf("genome: unknown gene %q%s", name, sp.suggest(name))
		}
		j, ok := sp.Genes[i].index(set[name])
		if !ok {
			return nil, fmt.Errorf("genome: gene %s: invalid value %s: valid values are {%s}", sp.Genes[i].Name, FormatValue(set[name]), sp.Genes[i].valueList())
		}
		g[i] = j
	}
	return g, nil
}

// index finds v in the gene's domain.
func (gene *Gene) index(v any) (int, bool) {
	for j, w := range gene.Values {
		if sameValue(v, w) {
			return j, true
		}
	}
	return 0, false
}

// sameValue compares an input value with a domain value.
func sameValue(in, dom any) bool {
	switch d := dom.(type) {
	case nil:
		switch x := in.(type) {
		case nil:
			return true
		case string:
			x = strings.ToLower(strings.TrimSpace(x))
			return x == "none" || x == "null" || x == "" || x == "off"
		}
		return false
	case int:
		switch x := in.(type) {
		case int:
			return x == d
		case float64:
			return x == float64(d)
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			return err == nil && f == float64(d)
		}
		return false
	case bool:
		switch x := in.(type) {
		case bool:
			return x == d
		case string:
			switch x = strings.ToLower(strings.TrimSpace(x)); x {
			case "on":
				return d
			case "off":
				return !d
			}
			b, err := strconv.ParseBool(x)
			return err == nil && b == d
		}
		return false
	case string:
		switch x := in.(type) {
		case string:
			return x == d
		case float64:
			// A numeric choice ("70", "0.5") given as a JSON number.
			f, err := strconv.ParseFloat(d, 64)
			return err == nil && f == x && !math.IsNaN(x)
		}
		return false
	}
	return false
}

// valueList formats the domain for messages: 128|256|...
func (gene *Gene) valueList() string {
	parts := make([]string, len(gene.Values))
	for i, v := range gene.Values {
		parts[i] = FormatValue(v)
	}
	return strings.Join(parts, "|")
}

// FormatValue renders a gene value for people and text output: "none" for
// nil.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
