package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/evoarch/evoarch/sim/compliance"
)

// SARIFInput is what SARIF renders: the compliance findings of one template.
type SARIFInput struct {
	// ToolVersion is evoarch's version.
	ToolVersion string
	// Template is the template path as the user gave it; results point at it.
	Template string
	// Rules are the rules that ran (the tool's rule list), in table order.
	Rules []compliance.Rule
	// Findings are the findings; only NON_COMPLIANT ones become results.
	Findings []compliance.Finding
}

// SARIF 2.1.0 (OASIS SARIF v2.1.0, sarif-schema-2.1.0.json): the subset
// evoarch writes.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Justification string         `json:"justification,omitempty"`
	Properties    map[string]any `json:"properties"`
}

// sarifLevel maps a rule's severity weight to a SARIF level.
func sarifLevel(severity float64) string {
	switch {
	case severity >= compliance.SeverityHigh:
		return "error"
	case severity >= compliance.SeverityMedium:
		return "warning"
	}
	return "note"
}

// artifactURI turns the template path as given into a URI reference: slashes
// for separators, each segment percent-encoded; "builtin:" names stay as they
// are (an absolute URI of their own scheme).
func artifactURI(p string) string {
	if strings.HasPrefix(p, "builtin:") {
		return "builtin:" + (&url.URL{Path: strings.TrimPrefix(p, "builtin:")}).EscapedPath()
	}
	p = strings.ReplaceAll(p, "\\", "/")
	u := (&url.URL{Path: p}).EscapedPath()
	if i := strings.IndexByte(p, ':'); i >= 0 && !strings.Contains(p[:i], "/") {
		u = "./" + u // a colon in the first segment would read as a scheme
	}
	return u
}

// SARIF renders compliance findings as a SARIF 2.1.0 log: the tool with its
// version and one rule per rule id with its help text, one result per
// NON_COMPLIANT finding located at the resource's line in the template, and
// a suppression on each suppressed one.
func SARIF(in SARIFInput) ([]byte, error) {
	uri := artifactURI(in.Template)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "evoarch",
			Version:        in.ToolVersion,
			InformationURI: "https://github.com/evoarch/evoarch",
			Rules:          []sarifRule{},
		}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for _, r := range in.Rules {
		index[r.ID] = len(run.Tool.Driver.Rules)
		props := map[string]any{"severity": r.Severity, "resourceTypes": r.ResourceTypes}
		if eq := equivalents(r.Equivalents); len(eq) > 0 {
			props["equivalents"] = eq
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   r.ID,
			Name:                 ruleName(r.ID),
			ShortDescription:     sarifText{Text: r.Description},
			FullDescription:      sarifText{Text: r.Description},
			Help:                 sarifText{Text: r.Help},
			HelpURI:              r.HelpURI,
			DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)},
			Properties:           props,
		})
	}
	for _, f := range in.Findings {
		if f.Status != compliance.StatusNonCompliant {
			continue
		}
		ri, ok := index[f.Rule]
		if !ok {
			continue
		}
		res := sarifResult{
			RuleID:    f.Rule,
			RuleIndex: ri,
			Level:     run.Tool.Driver.Rules[ri].DefaultConfiguration.Level,
			Message:   sarifText{Text: f.Resource + ": " + f.Message},
			Locations: []sarifLocation{{
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifactLocation{URI: uri}},
				LogicalLocations: []sarifLogical{{Name: f.Resource, FullyQualifiedName: "Resources." + f.Resource, Kind: "resource"}},
			}},
		}
		if f.Line > 0 {
			res.Locations[0].PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Col}
		}
		if f.Suppressed != nil {
			res.Suppressions = []sarifSuppression{{
				Kind:          "inSource",
				Justification: f.Suppressed.Reason,
				Properties:    map[string]any{"by": f.Suppressed.By},
			}}
		}
		run.Results = append(run.Results, res)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ruleName is a rule id in PascalCase, SARIF's convention for rule names.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	return b.String()
}

func equivalents(e compliance.Equivalents) map[string][]string {
	out := map[string][]string{}
	if len(e.Checkov) > 0 {
		out["checkov"] = e.Checkov
	}
	if len(e.CfnLint) > 0 {
		out["cfn-lint"] = e.CfnLint
	}
	if len(e.CfnNag) > 0 {
		out["cfn_nag"] = e.CfnNag
	}
	if len(e.Guard) > 0 {
		out["cfn-guard"] = e.Guard
	}
	return out
}
