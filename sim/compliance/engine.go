package compliance

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// Semantics names (compliance.semantics in a scenario).
const (
	SemanticsTemplate = "template"
	SemanticsDeployed = "deployed"
)

// Engine is the rule set compiled for one template and scenario. It is
// read-only after Compile: one Engine may serve many goroutines.
type Engine struct {
	tpl       *infra.State // the template as written, this package's reading
	haveState bool         // Compile got a State: Eval's st replaces tpl where it holds a resource
	subjects  []subject
	checks    []check
	deployed  bool
	params    params
	path      string
	// The search path (fast.go): the checks no variant changes, summed
	// once; the others, flattened; the State layout they index.
	fixed tally
	vary  []fastCheck
	shape [5]int
	// incr indexes vary by the resources each check reads (incr.go).
	incr incrIndex
	// unpackable: a severity or a check count packed sums cannot hold
	// (fast.go); Eval then goes through the rules.
	unpackable bool
}

// check is one rule on one subject.
type check struct {
	rule, subj int
	// inFindings: selected by the --rules filter (or no filter); such checks
	// also make the score.
	inFindings bool
	required   bool
	suppressed *Suppression
}

// params are the rule parameters the scenario gives, by Config's names.
type params struct {
	runtimes                  []string
	timeout, memory           float64
	hasTimeout, hasMemory     bool
	role                      string
	hasRole                   bool
	concLow, concHigh         float64
	hasConcLow, hasConcHigh   bool
	replType                  string
	excludedBuckets           []string
	rcuPct, wcuPct            float64
	alarmReq, insufficientReq bool
	okReq                     bool
}

// Result is a variant's compliance, written by Eval without allocating.
type Result struct {
	// Score is the severity-weighted share of compliant findings among the
	// applicable, unsuppressed ones, in [0, 1]; 1 when none applies.
	Score float64
	// Passed and Failed count unsuppressed COMPLIANT and NON_COMPLIANT findings.
	Passed, Failed int
	// RequiredOK is false when a rule of constraints.required_rules has an
	// unsuppressed NON_COMPLIANT finding; RequiredBroken counts them.
	RequiredOK     bool
	RequiredBroken int

	// memo caches Deprecated for lambda-function-settings-check (fast.go).
	memo [16]runtimeMemo
	// inc is the last variant's keys and statuses (incr.go).
	inc *incrCache
	// wEng and wSum: the exported fields above are what writeSum(wEng,
	// wSum) writes (wEng nil: unknown; write clears it).
	wEng *Engine
	wSum packed
}

// Suppression says who suppressed a finding and why.
type Suppression struct {
	// By is "evoarch" or "<tool>:<id>" (checkov:CKV_AWS_18, cfn_nag:W35,
	// cfn-lint:E2531, guard:S3_BUCKET_LOGGING_ENABLED).
	By     string `json:"by"`
	Reason string `json:"reason"`
}

// Finding is one rule's verdict on one resource.
type Finding struct {
	Rule       string       `json:"rule"`
	Resource   string       `json:"resource"`
	Type       string       `json:"type"`
	Status     string       `json:"status"` // COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE
	Message    string       `json:"message"`
	Line       int          `json:"line"`
	Col        int          `json:"column"`
	Suppressed *Suppression `json:"suppressed,omitempty"`
}

// Compile prepares the rules for a template. st is the template's phenotype
// (infra.Baseline); it may be nil, and then the template's own configuration
// is read by this package. sc may be nil (template semantics, default
// parameters, no required rules). only restricts findings and score to those
// rule ids (the --rules filter); an unknown id is an error naming the nearest
// rule. Suppressions are read from each resource's Metadata.
func Compile(t *cfn.Template, st *infra.State, sc *scenarios.Scenario, only []string) (*Engine, error) {
	if t == nil {
		return nil, errors.New("compliance: no template")
	}
	e := &Engine{haveState: st != nil, path: t.Path}
	// The managed rules' parameter defaults: 80% of the account's
	// capacity quota (decisions.md "dynamodb-throughput-limit-check"), and
	// the AWS Config rule cloudwatch-alarm-action-check's defaults:
	// alarmActionRequired and insufficientDataActionRequired true,
	// okActionRequired false.
	e.params = params{rcuPct: 80, wcuPct: 80, alarmReq: true, insufficientReq: true}
	var required []string
	if sc != nil {
		switch sc.Compliance.Semantics {
		case "", SemanticsTemplate:
		case SemanticsDeployed:
			e.deployed = true
		default:
			return nil, scenarioError(sc, "compliance.semantics", "unknown value %q: valid values are {template|deployed}", sc.Compliance.Semantics)
		}
		if err := e.params.read(sc, sc.Compliance.Parameters); err != nil {
			return nil, err
		}
		required = sc.Constraints.RequiredRules
	}
	selected := map[int]bool{}
	for _, id := range only {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		i := ruleIndex(id)
		if i < 0 {
			return nil, unknownRule("rule", id)
		}
		selected[i] = true
	}
	req := map[int]bool{}
	for n, id := range required {
		i := ruleIndex(id)
		if i < 0 {
			return nil, scenarioError(sc, fmt.Sprintf("constraints.required_rules[%d]", n), "unknown rule %q (did you mean %q?)", id, Nearest(id))
		}
		req[i] = true
	}

	f := extract(t)
	e.tpl = f.tpl
	e.subjects = f.subjects
	if st != nil {
		e.bindState(st)
	}
	for si := range e.subjects {
		s := &e.subjects[si]
		sups, err := readSuppressions(t, s)
		if err != nil {
			return nil, err
		}
		for ri := range table {
			if !table[ri].applies(s.kind) {
				continue
			}
			in := len(selected) == 0 || selected[ri]
			if !in && !req[ri] {
				continue
			}
			c := check{rule: ri, subj: si, inFindings: in, required: req[ri]}
			c.suppressed = sups.match(&table[ri])
			e.checks = append(e.checks, c)
		}
	}
	e.compileFast(st)
	return e, nil
}

// bindState finds each subject in the State by logical ID.
func (e *Engine) bindState(st *infra.State) {
	for i := range e.subjects {
		s := &e.subjects[i]
		switch s.kind {
		case kindBucket:
			s.st = st.BucketIndex(s.ID)
		case kindTable:
			s.st = st.TableIndex(s.ID)
		case kindFunction:
			s.st = st.FunctionIndex(s.ID)
		case kindAPI:
			s.st = st.APIIndex(s.ID)
		case kindQueue:
			s.st = st.QueueIndex(s.ID)
		default:
			s.st = -1
		}
	}
}

// NewResult returns a Result to pass to Eval. A Result serves one
// goroutine; it keeps what Eval needs to answer the next variant from
// the last one (incr.go), for any Engine and State.
func (e *Engine) NewResult() *Result {
	r := &Result{}
	r.inc = e.newCache(r)
	return r
}

// Eval evaluates every compiled check on a variant and writes out. st must
// have the layout of the State given to Compile (a copy of it with genes
// applied); nil means the template as written. It recomputes only the
// checks whose inputs differ from the last State out was given (incr.go),
// with results bit for bit those of a full evaluation. It allocates
// nothing on a Result from e.NewResult. out's exported fields are the
// engine's to write: when the sums are the last call's it leaves them as
// they are, so a caller must not change them between calls.
func (e *Engine) Eval(st *infra.State, out *Result) {
	e.EvalChanged(st, out, nil)
}

// EvalChanged is Eval, told by ch (when not nil) what changed in st since
// the previous Eval or EvalChanged into out: st must then be the State of
// that call with only the resources ch lists rewritten (as
// infra.Binder.ApplyChanged reports them), so that the checks of the
// resources ch does not list keep their statuses without their fields
// being compared. ch nil (or All) compares every resource, as Eval.
func (e *Engine) EvalChanged(st *infra.State, out *Result, ch *infra.Changed) {
	if !e.haveState {
		st = nil
	}
	if !e.unpackable {
		if !e.haveState {
			// Every check reads the template: Compile summed them.
			t := e.fixed
			out.write(&t)
			return
		}
		if st != nil && e.fits(st) {
			e.evalIncr(st, out, ch)
			return
		}
	}
	e.evalRules(st, out)
}

// evalRules is Eval through every check's rule, for a State of another
// layout (or nil: the template as written).
func (e *Engine) evalRules(st *infra.State, out *Result) {
	var t tally
	for i := range e.checks {
		c := &e.checks[i]
		if c.suppressed != nil {
			continue
		}
		r := &table[c.rule]
		stat, _ := r.eval(e, st, &e.subjects[c.subj], false)
		t.add(stat, r.Severity, c.required, c.inFindings)
	}
	out.write(&t)
}

// Findings returns every finding selected by Compile's filter, sorted by
// resource (template order, then implicit resources, then the account) and
// then by rule (table order). It allocates.
func (e *Engine) Findings(st *infra.State) []Finding {
	if !e.haveState {
		st = nil
	}
	out := make([]Finding, 0, len(e.checks))
	for i := range e.checks {
		c := &e.checks[i]
		if !c.inFindings {
			continue
		}
		s := &e.subjects[c.subj]
		stat, msg := table[c.rule].eval(e, st, s, true)
		out = append(out, Finding{
			Rule: table[c.rule].ID, Resource: s.ID, Type: s.Type,
			Status: stat.String(), Message: msg,
			Line: s.Pos.Line, Col: s.Pos.Col,
			Suppressed: c.suppressed,
		})
	}
	return out
}

// Deployed reports whether the engine uses deployed semantics.
func (e *Engine) Deployed() bool { return e.deployed }

// ---- parameters ----

func (p *params) read(sc *scenarios.Scenario, in map[string]map[string]string) error {
	ids := make([]string, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ri := ruleIndex(id)
		if ri < 0 {
			return scenarioError(sc, "compliance.parameters."+id, "unknown rule %q (did you mean %q?)", id, Nearest(id))
		}
		keys := make([]string, 0, len(in[id]))
		for k := range in[id] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := p.set(sc, &table[ri], k, in[id][k]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *params) set(sc *scenarios.Scenario, r *Rule, key, val string) error {
	known := false
	for _, k := range r.Params {
		if k == key {
			known = true
		}
	}
	if !known {
		valid := "none"
		if len(r.Params) > 0 {
			valid = strings.Join(r.Params, ", ")
		}
		return scenarioError(sc, "compliance.parameters."+r.ID+"."+key, "unknown parameter %q: valid parameters are %s", key, valid)
	}
	bad := func(want string) error {
		return scenarioError(sc, "compliance.parameters."+r.ID+"."+key, "invalid value %q: want %s", val, want)
	}
	num := func(dst *float64, has *bool) error {
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || f < 0 {
			return bad("a non-negative number")
		}
		*dst = f
		if has != nil {
			*has = true
		}
		return nil
	}
	flag := func(dst *bool) error {
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return bad("true or false")
		}
		*dst = b
		return nil
	}
	switch r.ID + "." + key {
	case "lambda-function-settings-check.runtime":
		p.runtimes = nil
		for _, s := range strings.Split(val, ",") {
			if s = strings.TrimSpace(s); s != "" {
				p.runtimes = append(p.runtimes, s)
			}
		}
	case "lambda-function-settings-check.timeout":
		return num(&p.timeout, &p.hasTimeout)
	case "lambda-function-settings-check.memorySize":
		return num(&p.memory, &p.hasMemory)
	case "lambda-function-settings-check.role":
		p.role, p.hasRole = strings.TrimSpace(val), true
	case "lambda-concurrency-check.ConcurrencyLimitLow":
		return num(&p.concLow, &p.hasConcLow)
	case "lambda-concurrency-check.ConcurrencyLimitHigh":
		return num(&p.concHigh, &p.hasConcHigh)
	case "s3-bucket-replication-enabled.ReplicationType":
		switch v := strings.TrimSpace(val); v {
		case "CROSS-REGION", "SAME-REGION":
			p.replType = v
		default:
			return bad("CROSS-REGION or SAME-REGION")
		}
	case "s3-bucket-level-public-access-prohibited.excludedPublicBuckets":
		for _, s := range strings.Split(val, ",") {
			if s = strings.TrimSpace(s); s != "" {
				p.excludedBuckets = append(p.excludedBuckets, s)
			}
		}
	case "dynamodb-throughput-limit-check.accountRCUThresholdPercentage":
		return num(&p.rcuPct, nil)
	case "dynamodb-throughput-limit-check.accountWCUThresholdPercentage":
		return num(&p.wcuPct, nil)
	case "cloudwatch-alarm-action-check.alarmActionRequired":
		return flag(&p.alarmReq)
	case "cloudwatch-alarm-action-check.insufficientDataActionRequired":
		return flag(&p.insufficientReq)
	case "cloudwatch-alarm-action-check.okActionRequired":
		return flag(&p.okReq)
	}
	return nil
}

// scenarioError is a problem with a scenario value, located at its key in
// the scenario file (or the --set that gave it): "compliance:
// file:line:col: key.path: message".
func scenarioError(sc *scenarios.Scenario, path, format string, args ...any) error {
	p := sc.Errorf(path, format, args...)
	pos := p.Position.String()
	if pos != "" {
		pos += ": "
	}
	return fmt.Errorf("compliance: %s%s: %s", pos, p.Path, p.Msg)
}

// ---- unknown rules ----

// UnknownRuleError is an unknown rule id, with the nearest known one.
type UnknownRuleError struct {
	Where, ID, Nearest string
}

func (e *UnknownRuleError) Error() string {
	return fmt.Sprintf("compliance: %s: unknown rule %q (did you mean %q?)", e.Where, e.ID, e.Nearest)
}

func unknownRule(where, id string) error {
	return &UnknownRuleError{Where: where, ID: id, Nearest: Nearest(id)}
}

// Nearest returns the rule id closest to s by edit distance.
func Nearest(s string) string {
	ids := make([]string, len(table))
	for i := range table {
		ids[i] = table[i].ID
	}
	return scenarios.Nearest(s, ids)
}
