package genome

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

// Resource types that carry genes.
const (
	typeSAMFunction    = "AWS::Serverless::Function"
	typeLambdaFunction = "AWS::Lambda::Function"
	typeTable          = "AWS::DynamoDB::Table"
	typeSimpleTable    = "AWS::Serverless::SimpleTable"
	typeBucket         = "AWS::S3::Bucket"
	typeBucketPolicy   = "AWS::S3::BucketPolicy"
	typeSAMApi         = "AWS::Serverless::Api"
	typeSAMHttpApi     = "AWS::Serverless::HttpApi"
	typeScalableTarget = "AWS::ApplicationAutoScaling::ScalableTarget"
	typeScalingPolicy  = "AWS::ApplicationAutoScaling::ScalingPolicy"
	typeAlarm          = "AWS::CloudWatch::Alarm"

	implicitRestAPI = "ServerlessRestApi"
	implicitHTTPAPI = "ServerlessHttpApi"
)

// aux is what Derive learnt about a gene's resource that Apply needs.
type aux struct {
	path    []string // the property a single-property gene sets
	present bool     // the property (or feature) exists in the template
	sam     bool     // the resource is a SAM resource

	// Lambda deployment genes.
	alias     string  // AutoPublishAlias
	dpPresent bool    // DeploymentPreference exists
	latencyMS float64 // latency alarm threshold, milliseconds
	hook      string  // the hook function a PreTraffic gene turns on
	alarms    []*cfn.Value

	// DynamoDB.
	gsis     *cfn.Value // GlobalSecondaryIndexes, when the table has them
	scaling  []string   // ScalingPolicy IDs that target the table
	targets  []string   // ScalableTarget IDs that target the table
	keyOwned bool       // KMSMasterKeyId is our <Table>Key

	// S3 TLS-only policy: the policy that holds (or would hold) the statement.
	policy     string
	statements *cfn.Value // the policy's Statement list
	tlsIndexes []int      // indexes of the TLS-only denies in statements

	// APIs.
	implicit bool
	events   []eventRef // the events that bind functions to the API
}

// eventRef names one function event.
type eventRef struct {
	Function, Event string
	Props           *cfn.Value
}

// errUnresolved marks a value that is an intrinsic Derive cannot resolve.
var errUnresolved = errors.New("unresolved")

type deriver struct {
	t   *cfn.Template
	sc  *scenarios.Scenario
	sp  *Space
	err error
	// hooks are the functions named in Hooks or named CodeDeployHook_*.
	hooks map[string]bool
	hook  string // the first hook function in template order
}

// Derive finds the genes of a template, in template order (declared
// resources, then the implicit APIs). sc may be nil; its pin list marks genes
// Pinned; unknown pinned names are a scenarios.Errors, one *scenarios.Problem
// per name at its position in the scenario ("file:line:col: pin[2]: unknown
// gene ...; did you mean ...?"). A property of the wrong type is a
// *cfn.Error at its position.
func Derive(t *cfn.Template, sc *scenarios.Scenario) (*Space, error) {
	if t == nil {
		return nil, errors.New("genome: no template")
	}
	d := &deriver{t: t, sc: sc, sp: &Space{Template: t}, hooks: map[string]bool{}}
	d.findHooks()
	for _, r := range t.Resources {
		if r.Implicit {
			continue
		}
		switch r.Type {
		case typeSAMFunction, typeLambdaFunction:
			d.function(r)
		case typeTable, typeSimpleTable:
			d.table(r)
		case typeBucket:
			d.bucket(r)
		case typeSAMApi, typeSAMHttpApi:
			d.declaredAPI(r)
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	d.implicitAPIs()
	if d.err != nil {
		return nil, d.err
	}
	sp := d.sp
	sp.byName = make(map[string]int, len(sp.Genes))
	for i := range sp.Genes {
		sp.byName[sp.Genes[i].Name] = i
	}
	if sc != nil {
		// Every bad pin, each at its position in the scenario.
		var bad scenarios.Errors
		for k, name := range sc.Pin {
			i, ok := sp.Gene(name)
			if !ok {
				if sp.skipped(name) {
					continue // left to the template already
				}
				bad = append(bad, sc.Errorf(fmt.Sprintf("pin[%d]", k), "unknown gene %q%s", name, sp.suggest(name)))
				continue
			}
			sp.Genes[i].Pinned = true
		}
		if len(bad) > 0 {
			return nil, bad
		}
	}
	return sp, nil
}

func (sp *Space) skipped(name string) bool {
	for _, s := range sp.Skipped {
		if s.Name == name {
			return true
		}
	}
	return false
}

// add appends a gene.
func (d *deriver) add(r string, typ string, suffix string, kind Kind, attr Attr, values []any, cur int, ordered bool, a *aux) {
	d.sp.Genes = append(d.sp.Genes, Gene{
		Name: r + "." + suffix, Resource: r, Kind: kind, Attr: attr, Type: typ,
		Values: values, Current: cur, Ordered: ordered, aux: a,
	})
}

// skip records a degree of freedom left out.
func (d *deriver) skip(r, suffix, reason string) {
	d.sp.Skipped = append(d.sp.Skipped, Skip{Name: r + "." + suffix, Resource: r, Reason: reason})
}

// fail records the first input error.
func (d *deriver) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// wrongType builds the *cfn.Error for a property of the wrong type.
func (d *deriver) wrongType(r *cfn.Resource, v *cfn.Value, path []string, want string) error {
	keyPath := "Resources." + r.ID + ".Properties." + strings.Join(path, ".")
	if v.From == "Globals" {
		keyPath = "Globals." + strings.TrimPrefix(strings.TrimPrefix(r.Type, "AWS::Serverless::"), "AWS::") + "." + strings.Join(path, ".")
	}
	shown := "a " + v.Kind.String()
	switch {
	case v.Kind == cfn.List:
		shown = fmt.Sprintf("a list of %d", len(v.List))
	case v.Kind == cfn.Null:
		shown = "null"
	default:
		if s, ok := v.Text(); ok {
			shown = strconv.Quote(s)
		}
	}
	return &cfn.Error{File: d.t.Path, Pos: v.Pos, Path: keyPath, Key: path[len(path)-1],
		Msg: fmt.Sprintf("%s must be %s, not %s", path[len(path)-1], want, shown)}
}

// intrinsic reports whether v is an intrinsic function (or an unknown tag).
func intrinsic(v *cfn.Value) bool {
	_, _, ok := v.Intrinsic()
	return ok
}

// intProp reads a whole-number property. It returns (0, false, nil) when
// absent, errUnresolved for an intrinsic, and a *cfn.Error for a bad type.
func (d *deriver) intProp(r *cfn.Resource, path ...string) (int, bool, error) {
	v := r.Prop(path...)
	if v == nil || v.Kind == cfn.Null {
		return 0, false, nil
	}
	if intrinsic(v) {
		return 0, false, errUnresolved
	}
	n, ok := v.Int()
	if !ok || (v.Kind != cfn.Number && v.Kind != cfn.String) {
		return 0, false, d.wrongType(r, v, path, "a whole number")
	}
	return n, true, nil
}

// textProp reads a string property (numbers and booleans as written).
func (d *deriver) textProp(r *cfn.Resource, path ...string) (string, bool, error) {
	v := r.Prop(path...)
	if v == nil || v.Kind == cfn.Null {
		return "", false, nil
	}
	if intrinsic(v) {
		return "", false, errUnresolved
	}
	s, ok := v.Text()
	if !ok {
		return "", false, d.wrongType(r, v, path, "a string")
	}
	return s, true, nil
}

// boolProp reads a boolean property ("true"/"false" strings accepted).
func (d *deriver) boolProp(r *cfn.Resource, path ...string) (bool, bool, error) {
	v := r.Prop(path...)
	if v == nil || v.Kind == cfn.Null {
		return false, false, nil
	}
	if intrinsic(v) {
		return false, false, errUnresolved
	}
	b, ok := v.Truth()
	if !ok {
		return false, false, d.wrongType(r, v, path, "a boolean")
	}
	return b, true, nil
}

// mapProp reads a map property: nil when absent, errUnresolved for an
// intrinsic, an error for another kind.
func (d *deriver) mapProp(r *cfn.Resource, path ...string) (*cfn.Value, error) {
	v := r.Prop(path...)
	if v == nil || v.Kind == cfn.Null {
		return nil, nil
	}
	if intrinsic(v) {
		return nil, errUnresolved
	}
	if v.Kind != cfn.Map {
		return nil, d.wrongType(r, v, path, "a map")
	}
	return v, nil
}

// check turns a read error into a skip (unresolved) or a failure; it
// reports whether the gene can be built.
func (d *deriver) check(r *cfn.Resource, suffix string, err error) bool {
	if err == nil {
		return true
	}
	if errors.Is(err, errUnresolved) {
		d.skip(r.ID, suffix, "the value is an intrinsic function evoarch cannot resolve")
		return false
	}
	d.fail(err)
	return false
}

// inGlobals reports whether the SAM Globals section of r's type sets the
// property at path (Globals.Function.ReservedConcurrentExecutions, ...).
// A resource can override such a value but never remove it, and it cannot
// replace a list: SAM appends the resource's own list to the Globals one
// (samtranslator GlobalProperties merge, aws-facts.md §6 "Globals";
// cfn.mergeGlobals), so a function writing Architectures [arm64] under
// Globals Architectures [x86_64] would get two architectures.
func (d *deriver) inGlobals(r *cfn.Resource, path ...string) bool {
	section, ok := strings.CutPrefix(r.Type, "AWS::Serverless::")
	if !ok {
		return false
	}
	v := d.t.Root.Get(append([]string{"Globals", section}, path...)...)
	return v != nil && v.Kind != cfn.Null
}

// findHooks collects the CodeDeploy hook functions.
func (d *deriver) findHooks() {
	var order []string
	mark := func(id string) {
		if id != "" && !d.hooks[id] {
			d.hooks[id] = true
		}
	}
	for _, r := range d.t.Resources {
		if r.Type != typeSAMFunction && r.Type != typeLambdaFunction {
			continue
		}
		order = append(order, r.ID)
		if name, ok := r.Prop("FunctionName").Text(); ok && strings.HasPrefix(name, "CodeDeployHook_") {
			mark(r.ID)
		}
		for _, h := range []string{"PreTraffic", "PostTraffic"} {
			r.Prop("DeploymentPreference", "Hooks", h).EachRef(func(id, _ string) {
				if fr := d.t.Resource(id); fr != nil && (fr.Type == typeSAMFunction || fr.Type == typeLambdaFunction) {
					mark(id)
				}
			})
		}
	}
	for _, id := range order {
		if d.hooks[id] {
			d.hook = id
			break
		}
	}
}

// function derives a Lambda function's genes.
func (d *deriver) function(r *cfn.Resource) {
	sam := r.Type == typeSAMFunction
	id := r.ID

	// MemorySize, default 128 MB (aws-facts.md §3.1 "Default memory").
	if mem, ok, err := d.intProp(r, "MemorySize"); d.check(r, "MemorySize", err) {
		if !ok {
			mem = 128
		}
		vals, cur := intDomain(memoryLadder, mem)
		d.add(id, r.Type, "MemorySize", Number, MemorySize, vals, cur, true, &aux{path: []string{"MemorySize"}, present: ok, sam: sam})
	}
	if d.err != nil {
		return
	}

	// Architectures, default x86_64 (aws-facts.md §6 "Function defaults").
	arch := "x86_64"
	archOK := true
	if v := r.Prop("Architectures"); v != nil && v.Kind != cfn.Null {
		switch {
		case d.inGlobals(r, "Architectures"):
			// A function's own Architectures would be appended to the
			// Globals list, giving two architectures, which Lambda refuses.
			d.skip(id, "Architectures", "set in Globals: SAM appends a function's own list to it, so the function cannot choose another")
			archOK = false
		case intrinsic(v):
			d.skip(id, "Architectures", "the value is an intrinsic function evoarch cannot resolve")
			archOK = false
		case v.Kind == cfn.List && len(v.List) == 1:
			s, ok := v.List[0].Text()
			if intrinsic(v.List[0]) {
				d.skip(id, "Architectures", "the value is an intrinsic function evoarch cannot resolve")
				archOK = false
			} else if !ok || (s != "x86_64" && s != "arm64") {
				d.fail(d.wrongType(r, v.List[0], []string{"Architectures", "0"}, `"x86_64" or "arm64"`))
				return
			} else {
				arch = s
			}
		default:
			d.fail(d.wrongType(r, v, []string{"Architectures"}, `a list of one architecture, [x86_64] or [arm64]`))
			return
		}
	}
	if archOK {
		vals, cur := strDomain([]string{"x86_64", "arm64"}, arch)
		d.add(id, r.Type, "Architectures", Choice, Architecture, vals, cur, false, &aux{path: []string{"Architectures"}, sam: sam})
	}

	// Timeout, default 3 s (aws-facts.md §3.1 "Timeout").
	timeout := 3
	if t, ok, err := d.intProp(r, "Timeout"); d.check(r, "Timeout", err) {
		if ok {
			timeout = t
		}
		vals, cur := intDomain(timeoutLadder, timeout)
		d.add(id, r.Type, "Timeout", Number, Timeout, vals, cur, true, &aux{path: []string{"Timeout"}, present: ok, sam: sam})
	}
	if d.err != nil {
		return
	}

	// ReservedConcurrentExecutions: none or a ladder.
	if d.inGlobals(r, "ReservedConcurrentExecutions") {
		d.skip(id, "ReservedConcurrentExecutions", "set in Globals: the function cannot unset it")
	} else if n, ok, err := d.intProp(r, "ReservedConcurrentExecutions"); d.check(r, "ReservedConcurrentExecutions", err) {
		d.nilLadder(r, "ReservedConcurrentExecutions", Reserved, reservedLadder, n, ok, &aux{path: []string{"ReservedConcurrentExecutions"}, present: ok, sam: sam})
	}
	if d.err != nil {
		return
	}

	// Runtime: the family's supported runtimes (container images have none).
	if pt, _ := r.Prop("PackageType").Text(); pt != "Image" {
		if rt, ok, err := d.textProp(r, "Runtime"); d.check(r, "Runtime", err) {
			switch fam := runtimeFamily(rt); {
			case !ok:
				d.skip(id, "Runtime", "no Runtime in the template")
			case fam == "":
				d.skip(id, "Runtime", fmt.Sprintf("runtime %q belongs to no known runtime family", rt))
			default:
				sup := runtimeFamilies[fam]
				vals := make([]any, 0, len(sup)+1)
				cur := -1
				if !Supported(rt) {
					vals = append(vals, rt) // deprecated: first, the oldest
					cur = 0
				}
				for _, s := range sup {
					if s == rt {
						cur = len(vals)
					}
					vals = append(vals, s)
				}
				d.add(id, r.Type, "Runtime", Choice, Runtime, vals, cur, true, &aux{path: []string{"Runtime"}, present: true, sam: sam})
			}
		}
		if d.err != nil {
			return
		}
	}

	if !sam {
		return
	}
	alias, aliasOK, aliasErr := d.textProp(r, "AutoPublishAlias")
	if aliasErr != nil && !errors.Is(aliasErr, errUnresolved) {
		d.fail(aliasErr)
		return
	}
	hasAlias := aliasOK || errors.Is(aliasErr, errUnresolved)
	if hasAlias {
		d.provisioned(r)
		if d.err != nil {
			return
		}
		d.deployment(r, alias, aliasOK)
		if d.err != nil {
			return
		}
	}

	// DeadLetterQueue: on/off (SAM functions; SAM adds the send permission).
	if d.inGlobals(r, "DeadLetterQueue") {
		d.skip(id, "DeadLetterQueue", "set in Globals: the function cannot unset it")
	} else if v, err := d.mapProp(r, "DeadLetterQueue"); d.check(r, "DeadLetterQueue", err) {
		vals := []any{false, true}
		cur := 0
		if v != nil {
			cur = 1
		}
		d.add(id, r.Type, "DeadLetterQueue", Switch, DLQ, vals, cur, false, &aux{path: []string{"DeadLetterQueue"}, present: v != nil, sam: true})
	}
}

// nilLadder adds a Number gene whose values are nil (not set) and a ladder.
func (d *deriver) nilLadder(r *cfn.Resource, suffix string, attr Attr, ladder []int, n int, ok bool, a *aux) {
	vals := []any{nil}
	cur := 0
	if ok {
		lv, c := intDomain(ladder, n)
		vals = append(vals, lv...)
		cur = c + 1
	} else {
		for _, v := range ladder {
			vals = append(vals, v)
		}
	}
	d.add(r.ID, r.Type, suffix, Number, attr, vals, cur, true, a)
}

// provisioned derives ProvisionedConcurrencyConfig (needs AutoPublishAlias).
func (d *deriver) provisioned(r *cfn.Resource) {
	const suffix = "ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions"
	v := r.Prop("ProvisionedConcurrencyConfig")
	if d.inGlobals(r, "ProvisionedConcurrencyConfig") {
		d.skip(r.ID, suffix, "set in Globals: the function cannot unset it")
		return
	}
	if _, err := d.mapProp(r, "ProvisionedConcurrencyConfig"); !d.check(r, suffix, err) {
		return
	}
	n, ok, err := d.intProp(r, "ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions")
	if !d.check(r, suffix, err) {
		return
	}
	d.nilLadder(r, suffix, Provisioned, provisionedLadder, n, ok, &aux{path: []string{"ProvisionedConcurrencyConfig"}, present: v != nil, sam: true})
}

// deployment derives DeploymentPreference Type, Alarms and PreTraffic.
func (d *deriver) deployment(r *cfn.Resource, alias string, aliasOK bool) {
	id := r.ID
	dp, err := d.mapProp(r, "DeploymentPreference")
	if !d.check(r, "DeploymentPreference.Type", err) {
		return
	}
	if dp != nil {
		if v := dp.Get("Enabled"); v != nil {
			if b, ok := v.Truth(); !ok || !b {
				d.skip(id, "DeploymentPreference.Type", "DeploymentPreference.Enabled is not true")
				return
			}
		}
	}
	base := aux{alias: alias, dpPresent: dp != nil, sam: true, hook: d.hook}

	// Type: the 9 predefined types plus the template's own. A function with
	// an alias and no DeploymentPreference has no CodeDeploy deployment at
	// all: its value is nil ("none"), first in the domain, which holds nil
	// only then. A function that has a DeploymentPreference is not offered
	// nil: removing CodeDeploy would pass the AllAtOnce rule by making it
	// not applicable, a step no architect takes for safety.
	typ := ""
	typeOK := true
	if dp != nil {
		t, ok, err := d.textProp(r, "DeploymentPreference", "Type")
		switch {
		case errors.Is(err, errUnresolved):
			// The simulator reads an unresolvable Type as no deployment
			// (sim/infra.Baseline, as the compliance rules read it): say so.
			d.skip(id, "DeploymentPreference.Type", "the value is an intrinsic function evoarch cannot resolve; "+
				"the simulator reads the function as having no deployment preference")
			typeOK = false
		case !d.check(r, "DeploymentPreference.Type", err):
			typeOK = false
		case !ok:
			d.skip(id, "DeploymentPreference.Type", "DeploymentPreference has no Type")
			typeOK = false
		default:
			typ = t
		}
		if d.err != nil {
			return
		}
	}
	if typeOK {
		var vals []any
		cur := 0
		if dp == nil {
			vals = make([]any, 0, len(deployTypes)+1)
			vals = append(vals, nil)
			for _, v := range deployTypes {
				vals = append(vals, v)
			}
		} else {
			vals, cur = strDomain(deployTypes, typ)
		}
		a := base
		a.path = []string{"DeploymentPreference", "Type"}
		a.present = dp != nil
		d.add(id, r.Type, "DeploymentPreference.Type", Choice, DeployType, vals, cur, false, &a)
	} else {
		return // alarms and hooks need a Type to be written beside them
	}

	// Alarms: none / errors / errors+latency.
	switch av := r.Prop("DeploymentPreference", "Alarms"); {
	case !aliasOK:
		d.skip(id, "DeploymentPreference.Alarms", "AutoPublishAlias is an intrinsic function: the alias metrics cannot be named")
	case d.inGlobals(r, "DeploymentPreference", "Alarms"):
		d.skip(id, "DeploymentPreference.Alarms", "set in Globals: the function cannot unset it")
	case av != nil && av.Kind != cfn.Null && (intrinsic(av) || av.Kind != cfn.List):
		d.skip(id, "DeploymentPreference.Alarms", "the alarm list is an intrinsic function evoarch cannot resolve")
	default:
		level := "none"
		var list []*cfn.Value
		if av != nil {
			list = av.List
		}
		errs, lat := false, false
		for _, e := range list {
			metric := ""
			if ref, ok := e.Ref(); ok {
				if ar := d.t.Resource(ref); ar != nil && ar.Type == typeAlarm {
					metric, _ = ar.Prop("MetricName").Text()
				}
			}
			if metric == "Duration" {
				lat = true
			} else {
				errs = true // any other alarm stops a deployment on errors
			}
		}
		switch {
		case errs && lat:
			level = "errors+latency"
		case errs || lat:
			level = "errors"
		}
		vals, cur := strDomain(alarmLevels, level)
		a := base
		a.path = []string{"DeploymentPreference", "Alarms"}
		a.present = len(list) > 0
		a.alarms = list
		a.latencyMS = d.latencyThreshold()
		d.add(id, r.Type, "DeploymentPreference.Alarms", Choice, DeployAlarms, vals, cur, false, &a)
	}

	// PreTraffic hook: on/off where a hook function exists.
	if d.hooks[id] || d.hook == "" {
		return
	}
	pv := r.Prop("DeploymentPreference", "Hooks", "PreTraffic")
	if d.inGlobals(r, "DeploymentPreference", "Hooks", "PreTraffic") {
		d.skip(id, "DeploymentPreference.Hooks.PreTraffic", "set in Globals: the function cannot unset it")
		return
	}
	a := base
	a.path = []string{"DeploymentPreference", "Hooks", "PreTraffic"}
	a.present = pv != nil && pv.Kind != cfn.Null
	cur := 0
	if a.present {
		cur = 1
	}
	d.add(id, r.Type, "DeploymentPreference.Hooks.PreTraffic", Switch, PreTraffic, []any{false, true}, cur, false, &a)
}

// latencyThreshold is the latency alarm's threshold in ms: the scenario's
// p99 latency target (targets.latency_slo_p99_ms, by LatencySLOP99MSOr), the
// latency at which the fitness's latency utility is 1/2; without a scenario
// the same default, scenarios.DefaultLatencySLOP99MS.
func (d *deriver) latencyThreshold() float64 {
	if d.sc == nil {
		return scenarios.DefaultLatencySLOP99MS
	}
	return d.sc.LatencySLOP99MSOr()
}

// table derives a DynamoDB table's genes.
func (d *deriver) table(r *cfn.Resource) {
	id := r.ID
	simple := r.Type == typeSimpleTable
	pt, err := d.mapProp(r, "ProvisionedThroughput")
	ptOK := d.check(r, "BillingMode", err)
	if d.err != nil {
		return
	}
	// BillingMode: CloudFormation's default is PROVISIONED (AWS::DynamoDB::Table
	// docs), which needs ProvisionedThroughput: a table with neither cannot be
	// provisioned and is on demand, as the simulator reads it
	// (sim/infra.Baseline). A SimpleTable without ProvisionedThroughput is
	// PAY_PER_REQUEST (aws-facts.md §6).
	mode := "PROVISIONED"
	modeOK := ptOK
	if pt == nil {
		mode = "PAY_PER_REQUEST"
	}
	if !simple { // a SimpleTable has no BillingMode property
		if m, ok, err := d.textProp(r, "BillingMode"); d.check(r, "BillingMode", err) {
			if ok {
				mode = m
			}
		} else {
			modeOK = false
		}
	}
	if d.err != nil {
		return
	}
	var gsis *cfn.Value
	if !simple {
		if g := r.Prop("GlobalSecondaryIndexes"); g != nil && g.Kind != cfn.Null {
			if g.Kind != cfn.List {
				modeOK = false
				d.skip(id, "BillingMode", "GlobalSecondaryIndexes is not a plain list")
			} else {
				gsis = g
			}
		}
	}
	if modeOK {
		vals, cur := strDomain([]string{"PAY_PER_REQUEST", "PROVISIONED"}, mode)
		d.add(id, r.Type, "BillingMode", Choice, BillingMode, vals, cur, false, &aux{path: []string{"BillingMode"}, present: r.Prop("BillingMode") != nil, sam: simple, gsis: gsis})
	}
	if ptOK {
		for _, c := range []struct {
			key  string
			attr Attr
		}{{"ReadCapacityUnits", ReadCapacity}, {"WriteCapacityUnits", WriteCapacity}} {
			suffix := "ProvisionedThroughput." + c.key
			n, ok, err := d.intProp(r, "ProvisionedThroughput", c.key)
			if !d.check(r, suffix, err) {
				if d.err != nil {
					return
				}
				continue
			}
			if !ok {
				n = defaultCapacity
			}
			vals, cur := intDomain(capacityLadder, n)
			d.add(id, r.Type, suffix, Number, c.attr, vals, cur, true, &aux{path: []string{"ProvisionedThroughput", c.key}, present: ok, sam: simple})
		}
	}

	// AutoScaling: ScalableTarget/ScalingPolicy resources on the table.
	d.autoScaling(r)

	// Encryption.
	if d.inGlobals(r, "SSESpecification") {
		d.skip(id, "Encryption", "SSESpecification is set in Globals")
	} else if sse, err := d.mapProp(r, "SSESpecification"); d.check(r, "Encryption", err) {
		level := "aws-owned"
		ok := true
		if sse != nil {
			en, _, err := d.boolProp(r, "SSESpecification", "SSEEnabled")
			if !d.check(r, "Encryption", err) {
				ok = false
			} else if en {
				level = "aws-managed-kms"
				if k := sse.Get("KMSMasterKeyId"); k != nil && k.Kind != cfn.Null {
					level = "customer-kms"
				}
			}
		}
		if d.err != nil {
			return
		}
		if ok {
			a := &aux{path: []string{"SSESpecification"}, present: sse != nil, sam: simple}
			if sse != nil && refersTo(sse.Get("KMSMasterKeyId"), id+"Key") {
				a.keyOwned = true
			}
			vals, cur := strDomain(tableSSE, level)
			d.add(id, r.Type, "Encryption", Choice, TableSSE, vals, cur, false, a)
		}
	}
	if d.err != nil {
		return
	}

	// PITR.
	const pitr = "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"
	if b, ok, err := d.boolProp(r, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"); d.check(r, pitr, err) {
		cur := 0
		if b {
			cur = 1
		}
		d.add(id, r.Type, pitr, Switch, PITR, []any{false, true}, cur, false, &aux{path: []string{"PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"}, present: ok, sam: simple})
	}
}

// autoScaling finds the table's target-tracking scaling and adds its gene.
func (d *deriver) autoScaling(r *cfn.Resource) {
	a := &aux{}
	target := ""
	for _, st := range d.t.ByType(typeScalableTarget) {
		dim, _ := st.Prop("ScalableDimension").Text()
		if !strings.HasPrefix(dim, "dynamodb:table:") || !refersTo(st.Prop("ResourceId"), r.ID) {
			continue
		}
		a.targets = append(a.targets, st.ID)
	}
	for _, p := range d.t.ByType(typeScalingPolicy) {
		ok := false
		p.Prop("ScalingTargetId").EachRef(func(id, _ string) {
			for _, t := range a.targets {
				if t == id {
					ok = true
				}
			}
		})
		if dim, _ := p.Prop("ScalableDimension").Text(); strings.HasPrefix(dim, "dynamodb:table:") && refersTo(p.Prop("ResourceId"), r.ID) {
			ok = true
		}
		if !ok {
			continue
		}
		a.scaling = append(a.scaling, p.ID)
		if target != "" {
			continue
		}
		tv := p.Prop("TargetTrackingScalingPolicyConfiguration", "TargetValue")
		if f, isNum := tv.Float(); isNum {
			target = strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
		} else if tv != nil {
			d.skip(r.ID, "AutoScaling", "the scaling policy's TargetValue is an intrinsic function evoarch cannot resolve")
			return
		}
	}
	if target == "" {
		target = "off"
	}
	a.present = len(a.scaling) > 0
	vals, cur := strDomain(autoScalingTargets, target)
	d.add(r.ID, r.Type, "AutoScaling", Choice, AutoScaling, vals, cur, false, a)
}

// bucket derives an S3 bucket's genes.
func (d *deriver) bucket(r *cfn.Resource) {
	id := r.ID
	// Encryption.
	if enc, err := d.mapProp(r, "BucketEncryption"); d.check(r, "Encryption", err) {
		level := "none"
		ok := true
		if enc != nil {
			rules := enc.Get("ServerSideEncryptionConfiguration")
			switch {
			case rules == nil || rules.Kind != cfn.List || len(rules.List) == 0:
				if rules != nil && intrinsic(rules) {
					d.skip(id, "Encryption", "the value is an intrinsic function evoarch cannot resolve")
					ok = false
				}
			default:
				rule := rules.List[0]
				alg := rule.Get("ServerSideEncryptionByDefault", "SSEAlgorithm")
				s, isText := alg.Text()
				switch {
				case alg == nil:
				case !isText:
					d.skip(id, "Encryption", "the SSEAlgorithm is an intrinsic function evoarch cannot resolve")
					ok = false
				case s == "aws:kms":
					level = "aws:kms"
					if b, _ := rule.Get("BucketKeyEnabled").Truth(); b {
						level = "aws:kms+bucket-key"
					}
				default:
					level = s
				}
			}
		}
		if ok {
			vals, cur := strDomain(bucketSSE, level)
			d.add(id, r.Type, "Encryption", Choice, BucketSSE, vals, cur, false, &aux{path: []string{"BucketEncryption"}, present: enc != nil})
		}
	}
	if d.err != nil {
		return
	}
	// Versioning.
	if st, ok, err := d.textProp(r, "VersioningConfiguration", "Status"); d.check(r, "Versioning", err) {
		cur := 0
		if st == "Enabled" {
			cur = 1
		}
		d.add(id, r.Type, "Versioning", Switch, Versioning, []any{false, true}, cur, false, &aux{path: []string{"VersioningConfiguration", "Status"}, present: ok})
	}
	if d.err != nil {
		return
	}
	// Access logging, replication, public access block: presence.
	for _, c := range []struct {
		suffix, prop string
		attr         Attr
	}{
		{"AccessLogging", "LoggingConfiguration", AccessLogging},
		{"Replication", "ReplicationConfiguration", Replication},
	} {
		v, err := d.mapProp(r, c.prop)
		if !d.check(r, c.suffix, err) {
			if d.err != nil {
				return
			}
			continue
		}
		cur := 0
		if v != nil {
			cur = 1
		}
		d.add(id, r.Type, c.suffix, Switch, c.attr, []any{false, true}, cur, false, &aux{path: []string{c.prop}, present: v != nil})
	}
	if bpa, err := d.mapProp(r, "PublicAccessBlockConfiguration"); d.check(r, "PublicAccessBlock", err) {
		all := bpa != nil
		for _, k := range bpaFlags {
			if b, _ := bpa.Get(k).Truth(); !b {
				all = false
			}
		}
		cur := 0
		if all {
			cur = 1
		}
		d.add(id, r.Type, "PublicAccessBlock", Switch, PublicAccessBlock, []any{false, true}, cur, false, &aux{path: []string{"PublicAccessBlockConfiguration"}, present: bpa != nil})
	}
	if d.err != nil {
		return
	}
	d.tlsOnly(r)
}

// bpaFlags are the four Block Public Access flags (aws-facts.md §4 S3).
var bpaFlags = []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"}

// tlsOnly finds the bucket's policy and its TLS-only denies, read as the
// simulator reads them (PolicyNamesBucket, TLSDenyStatement).
func (d *deriver) tlsOnly(r *cfn.Resource) {
	a := &aux{}
	name, _ := r.Prop("BucketName").Text()
	for _, p := range d.t.ByType(typeBucketPolicy) {
		if !PolicyNamesBucket(p.Prop("Bucket"), r.ID, name) {
			continue
		}
		if a.policy != "" {
			d.skip(r.ID, "TLSOnlyPolicy", "the bucket has more than one bucket policy")
			return
		}
		a.policy = p.ID
		st := p.Prop("PolicyDocument", "Statement")
		if st == nil || st.Kind != cfn.List {
			d.skip(r.ID, "TLSOnlyPolicy", "the bucket policy's Statement is not a plain list")
			return
		}
		a.statements = st
		for i, s := range st.List {
			if TLSDenyStatement(s) {
				a.tlsIndexes = append(a.tlsIndexes, i)
			}
		}
	}
	cur := 0
	if len(a.tlsIndexes) > 0 {
		cur = 1
	}
	a.present = a.policy != ""
	d.add(r.ID, r.Type, "TLSOnlyPolicy", Switch, TLSOnly, []any{false, true}, cur, false, a)
}

// apiSwitchProps are the properties an API may have for its type to switch
// between REST and HTTP: the ones both SAM types accept alike.
var apiSwitchProps = map[string]bool{"StageName": true, "Description": true, "Tags": true}

// apiCacheProps are a REST API's cache properties, which the CacheClusterSize
// gene reads and Apply writes (and drops on a switch to HTTP).
var apiCacheProps = map[string]bool{"CacheClusterEnabled": true, "CacheClusterSize": true}

// declaredAPI derives the genes of an AWS::Serverless::Api or HttpApi.
func (d *deriver) declaredAPI(r *cfn.Resource) {
	rest := r.Type == typeSAMApi
	cur := "HTTP"
	if rest {
		cur = "REST"
	}
	reason := ""
	for _, k := range r.Properties.Keys {
		if rest && apiCacheProps[k] && !intrinsic(r.Properties.Fields[k]) && !d.inGlobals(r, k) {
			// The CacheClusterSize gene owns these: Apply drops them
			// when the API becomes an HTTP API (no cache there).
			continue
		}
		if rest && k == "MethodSettings" && ownedMethodSettings(r.Properties.Fields[k]) && !d.inGlobals(r, k) {
			continue // the cache gene's own entry, dropped alike
		}
		if !apiSwitchProps[k] {
			reason = fmt.Sprintf("the API sets %s, which the other API type does not take alike", k)
			break
		}
	}
	if reason == "" {
		// The other type's Globals would apply to the switched API.
		other := "Api"
		if rest {
			other = "HttpApi"
		}
		if g := d.t.Root.Get("Globals", other); g != nil && g.Kind == cfn.Map {
			for _, k := range g.Keys {
				if !apiSwitchProps[k] {
					reason = fmt.Sprintf("Globals.%s sets %s, which the API would take as the other type", other, k)
					break
				}
			}
		}
	}
	refKey := "RestApiId"
	if !rest {
		refKey = "ApiId"
	}
	var events []eventRef
	if reason == "" {
		events, reason = d.apiEvents(func(props *cfn.Value) bool { return refersTo(props.Get(refKey), r.ID) }, rest, refKey)
	}
	if reason == "" {
		// Only a plain Ref (or ${Api}) to the API works for both types.
		d.eachTemplateRef(func(id, attr string, where string) {
			if reason == "" && id == r.ID && attr != "" {
				reason = fmt.Sprintf("%s refers to %s.%s, which the other API type does not have", where, id, attr)
			}
			if reason == "" && id != r.ID && strings.HasPrefix(id, r.ID) && d.t.Resource(id) == nil {
				reason = fmt.Sprintf("%s refers to %s, a resource SAM generates for this API type only", where, id)
			}
		})
	}
	a := &aux{events: events, sam: true}
	switchable := reason == ""
	if switchable {
		vals, c := strDomain([]string{"REST", "HTTP"}, cur)
		d.add(r.ID, r.Type, "Type", Choice, APIType, vals, c, false, a)
	} else {
		d.skip(r.ID, "Type", reason)
	}
	if !rest && !switchable {
		return
	}
	// CacheClusterSize (REST only): nil, or the cache sizes. Apply writes
	// the cache's MethodSettings entry beside it, so it needs a plain list
	// of the API's own.
	size := ""
	if rest {
		switch ms := r.Prop("MethodSettings"); {
		case d.inGlobals(r, "MethodSettings"):
			d.skip(r.ID, "CacheClusterSize", "MethodSettings is set in Globals: SAM appends the API's own list to it, so the cache's method settings cannot be written")
			return
		case ms != nil && ms.Kind != cfn.Null && (intrinsic(ms) || ms.Kind != cfn.List):
			d.skip(r.ID, "CacheClusterSize", "MethodSettings is not a plain list: the cache's method settings cannot be merged into it")
			return
		}
		en, _, err := d.boolProp(r, "CacheClusterEnabled")
		if !d.check(r, "CacheClusterSize", err) {
			return
		}
		s, ok, err := d.textProp(r, "CacheClusterSize")
		if !d.check(r, "CacheClusterSize", err) {
			return
		}
		if en {
			size = defaultCacheSize
			if ok {
				size = s
			}
		}
	}
	vals := []any{nil}
	c := 0
	for _, s := range cacheSizes {
		vals = append(vals, s)
		if s == size {
			c = len(vals) - 1
		}
	}
	if size != "" && c == 0 {
		vals = append(vals, size)
		c = len(vals) - 1
	}
	d.add(r.ID, r.Type, "CacheClusterSize", Choice, CacheSize, vals, c, false, &aux{sam: true, present: size != ""})
}

// apiEvents returns the function events that belong to an API (match
// selects them), or why they keep it from switching type.
func (d *deriver) apiEvents(match func(props *cfn.Value) bool, rest bool, refKey string) ([]eventRef, string) {
	evType := "HttpApi"
	if rest {
		evType = "Api"
	}
	var out []eventRef
	for _, r := range d.t.Resources {
		if r.Type != typeSAMFunction || r.Implicit {
			continue
		}
		evs := r.Prop("Events")
		if evs == nil || evs.Kind != cfn.Map {
			continue
		}
		for _, name := range evs.Keys {
			ev := evs.Fields[name]
			if ty, _ := ev.Get("Type").Text(); ty != evType {
				continue
			}
			props := ev.Get("Properties")
			if props == nil || props.Kind != cfn.Map || !match(props) {
				continue
			}
			for _, k := range props.Keys {
				if k != "Path" && k != "Method" && k != refKey {
					return nil, fmt.Sprintf("event %s.%s sets %s, which the other API type's events do not take alike", r.ID, name, k)
				}
			}
			if _, ok := props.Get("Path").Text(); !ok {
				return nil, fmt.Sprintf("event %s.%s has no plain Path", r.ID, name)
			}
			if _, ok := props.Get("Method").Text(); !ok {
				return nil, fmt.Sprintf("event %s.%s has no plain Method", r.ID, name)
			}
			out = append(out, eventRef{Function: r.ID, Event: name, Props: props})
		}
	}
	return out, ""
}

// eachTemplateRef calls fn for every reference outside function events, with
// where it was found.
func (d *deriver) eachTemplateRef(fn func(id, attr, where string)) {
	root := d.t.Root
	if root == nil || root.Kind != cfn.Map {
		return
	}
	for _, sec := range root.Keys {
		v := root.Fields[sec]
		if sec != "Resources" || v.Kind != cfn.Map {
			v.EachRef(func(id, attr string) { fn(id, attr, sec) })
			continue
		}
		for _, rid := range v.Keys {
			rv := v.Fields[rid]
			if rv.Kind != cfn.Map {
				continue
			}
			for _, k := range rv.Keys {
				part := rv.Fields[k]
				if k == "Properties" && part.Kind == cfn.Map {
					for _, pk := range part.Keys {
						if pk == "Events" {
							continue
						}
						part.Fields[pk].EachRef(func(id, attr string) { fn(id, attr, "Resources."+rid) })
					}
					continue
				}
				part.EachRef(func(id, attr string) { fn(id, attr, "Resources."+rid) })
			}
		}
	}
}

// implicitAPIs derives the Type gene of SAM's implicit REST or HTTP API.
func (d *deriver) implicitAPIs() {
	if !d.t.SAM {
		return
	}
	restEvents, restWhy := d.apiEvents(func(p *cfn.Value) bool { return p.Get("RestApiId") == nil }, true, "RestApiId")
	httpEvents, httpWhy := d.apiEvents(func(p *cfn.Value) bool { return p.Get("ApiId") == nil }, false, "ApiId")
	hasRest := len(restEvents) > 0 || restWhy != "" && d.hasImplicitEvent("Api", "RestApiId")
	hasHTTP := len(httpEvents) > 0 || httpWhy != "" && d.hasImplicitEvent("HttpApi", "ApiId")
	if !hasRest && !hasHTTP {
		return
	}
	id, cur, events, reason := implicitRestAPI, "REST", restEvents, restWhy
	if !hasRest {
		id, cur, events, reason = implicitHTTPAPI, "HTTP", httpEvents, httpWhy
	}
	switch {
	case hasRest && hasHTTP:
		reason = "the template has both an implicit REST and an implicit HTTP API"
	case reason != "":
	default:
		globalsKey := "Api"
		if cur == "HTTP" {
			globalsKey = "HttpApi"
		}
		if d.t.Root.Get("Globals", globalsKey) != nil {
			reason = "Globals." + globalsKey + " configures the implicit API"
		}
	}
	if reason == "" {
		d.eachTemplateRef(func(ref, _ string, where string) {
			if reason == "" && (strings.HasPrefix(ref, implicitRestAPI) || strings.HasPrefix(ref, implicitHTTPAPI)) {
				reason = fmt.Sprintf("%s refers to %s, which the other API type does not create", where, ref)
			}
		})
	}
	if reason != "" {
		d.skip(id, "Type", reason)
		return
	}
	vals, c := strDomain([]string{"REST", "HTTP"}, cur)
	typ := typeSAMApi
	if cur == "HTTP" {
		typ = typeSAMHttpApi
	}
	d.add(id, typ, "Type", Choice, APIType, vals, c, false, &aux{implicit: true, events: events, sam: true})
	other := implicitHTTPAPI
	if cur == "HTTP" {
		other = implicitRestAPI
	}
	d.sp.alias = map[string]string{other + ".Type": id + ".Type"}
}

// hasImplicitEvent reports whether a function has an event of the type that
// does not name its API.
func (d *deriver) hasImplicitEvent(evType, refKey string) bool {
	for _, r := range d.t.Resources {
		if r.Type != typeSAMFunction || r.Implicit {
			continue
		}
		evs := r.Prop("Events")
		if evs == nil || evs.Kind != cfn.Map {
			continue
		}
		for _, name := range evs.Keys {
			ev := evs.Fields[name]
			if ty, _ := ev.Get("Type").Text(); ty == evType && ev.Get("Properties", refKey) == nil {
				return true
			}
		}
	}
	return false
}

// suggest returns `; did you mean "X"?` for the nearest gene name.
func (sp *Space) suggest(name string) string {
	names := make([]string, 0, len(sp.Genes))
	for i := range sp.Genes {
		names = append(names, sp.Genes[i].Name)
	}
	sort.Strings(names)
	best := scenarios.Nearest(name, names)
	if best == "" {
		return "; the template has no genes"
	}
	return fmt.Sprintf("; did you mean %q?", best)
}
