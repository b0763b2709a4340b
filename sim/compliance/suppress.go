package compliance

import (
	"fmt"
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
)

// suppressions are the suppressions one resource's Metadata declares, in
// the five conventions:
//
//	evoarch:  {suppress: [{rule: <Config rule id>, reason: ...}]}
//	checkov:  {skip: [{id: CKV_AWS_18, comment: ...}]}
//	cfn_nag:  {rules_to_suppress: [{id: W35, reason: ...}]}
//	cfn-lint: {config: {ignore_checks: [E2531]}}
//	guard:    {SuppressedRules: [S3_BUCKET_LOGGING_ENABLED]}
//
// Ids of the other tools map to rules through Rule.Equivalents.
type suppressions struct {
	evoarch []supp
	checkov []supp
	cfnNag  []supp
	cfnLint []supp
	guard   []supp
}

type supp struct{ id, reason string }

func readSuppressions(t *cfn.Template, s *subject) (*suppressions, error) {
	m := s.meta
	out := &suppressions{}
	if m == nil || m.Kind != cfn.Map {
		return out, nil
	}
	for i, it := range items(m.Get("evoarch", "suppress")) {
		id, _ := it.Get("rule").Text()
		reason, _ := it.Get("reason").Text()
		if it.Kind == cfn.String {
			id = it.Str
		}
		if ruleIndex(id) < 0 {
			pos := it.Pos
			if r := it.Get("rule"); r != nil {
				pos = r.Pos
			}
			return nil, &cfn.Error{File: t.Path, Pos: pos,
				Path: fmt.Sprintf("Resources.%s.Metadata.evoarch.suppress.%d.rule", s.ID, i),
				Msg:  fmt.Sprintf("unknown rule %q (did you mean %q?)", id, Nearest(id))}
		}
		out.evoarch = append(out.evoarch, supp{id, reason})
	}
	for _, it := range items(m.Get("checkov", "skip")) {
		id, _ := it.Get("id").Text()
		reason, _ := it.Get("comment").Text()
		out.checkov = append(out.checkov, supp{id, reason})
	}
	for _, it := range items(m.Get("cfn_nag", "rules_to_suppress")) {
		id, _ := it.Get("id").Text()
		reason, _ := it.Get("reason").Text()
		out.cfnNag = append(out.cfnNag, supp{id, reason})
	}
	for _, it := range items(m.Get("cfn-lint", "config", "ignore_checks")) {
		if id, ok := it.Text(); ok {
			out.cfnLint = append(out.cfnLint, supp{id, ""})
		}
	}
	for _, it := range items(m.Get("guard", "SuppressedRules")) {
		if id, ok := it.Text(); ok {
			out.guard = append(out.guard, supp{id, ""})
		}
	}
	return out, nil
}

// match returns the first suppression of the rule, looking at evoarch's own
// convention first, then checkov, cfn_nag, cfn-lint and guard.
func (s *suppressions) match(r *Rule) *Suppression {
	for _, x := range s.evoarch {
		if x.id == r.ID {
			return &Suppression{By: "evoarch", Reason: x.reason}
		}
	}
	find := func(list []supp, ids []string, tool string) *Suppression {
		for _, x := range list {
			for _, id := range ids {
				if strings.EqualFold(x.id, id) {
					return &Suppression{By: tool + ":" + id, Reason: x.reason}
				}
			}
		}
		return nil
	}
	if m := find(s.checkov, r.Equivalents.Checkov, "checkov"); m != nil {
		return m
	}
	if m := find(s.cfnNag, r.Equivalents.CfnNag, "cfn_nag"); m != nil {
		return m
	}
	if m := find(s.cfnLint, r.Equivalents.CfnLint, "cfn-lint"); m != nil {
		return m
	}
	return find(s.guard, r.Equivalents.Guard, "guard")
}
