package cfn

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Resource types the model treats specially.
const (
	TypeFunction    = "AWS::Serverless::Function"
	TypeAPI         = "AWS::Serverless::Api"
	TypeHTTPAPI     = "AWS::Serverless::HttpApi"
	TypeSimpleTable = "AWS::Serverless::SimpleTable"
)

// Logical IDs of the resources SAM creates once per stack
// (samtranslator: ImplicitRestApiPlugin, ImplicitHttpApiPlugin,
// DeploymentPreferenceCollection).
const (
	ImplicitRestAPI    = "ServerlessRestApi"
	ImplicitHTTPAPI    = "ServerlessHttpApi"
	ImplicitDeployApp  = "ServerlessDeploymentApplication"
	ImplicitDeployRole = "CodeDeployServiceRole"
	implicitStageName  = "Prod" // the implicit REST API's stage (aws-facts.md §6, "Api compared with HttpApi")
	globalsFrom        = "Globals"
	parameterFrom      = "Parameter"
	serverlessTypePref = "AWS::Serverless::"
)

// Event is one entry of a SAM function's Events property.
type Event struct {
	Name string
	Type string
	// Properties is the event's property map (an empty map when absent).
	Properties *Value
	// Pos is where the event's name is written.
	Pos Pos
}

// Events returns the SAM events of a function (or state machine), in file
// order. Entries that are not maps are skipped.
func (r *Resource) Events() []Event {
	ev := r.Prop("Events")
	if ev == nil || ev.Kind != Map {
		return nil
	}
	out := make([]Event, 0, len(ev.Keys))
	for _, name := range ev.Keys {
		e := ev.Fields[name]
		if e.Kind != Map {
			continue
		}
		typ, _ := e.Get("Type").Text()
		props := e.Get("Properties")
		if props == nil || props.Kind != Map {
			props = &Value{Kind: Map, Fields: map[string]*Value{}, Pos: e.Pos}
		}
		out = append(out, Event{Name: name, Type: typ, Properties: props, Pos: e.KeyPos})
	}
	return out
}

// Errorf returns an *Error located at v (a value of this template), with the
// key path path ("Resources.Fn.Properties.MemorySize"), for a problem another
// package finds, such as a property of the wrong type.
func (t *Template) Errorf(v *Value, path string, format string, args ...any) *Error {
	e := &Error{File: t.Path, Path: path, Msg: fmt.Sprintf(format, args...)}
	if v != nil {
		e.Pos = v.Pos
		if v.From == parameterFrom && v.Orig != nil {
			e.Pos = v.Orig.Pos
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		e.Key = path[i+1:]
	} else {
		e.Key = path
	}
	return e
}

// Refs returns the logical IDs (resources and parameters) v refers to, as
// EachRef finds them, deduplicated, in order of first appearance.
func (t *Template) Refs(v *Value) []string {
	var out []string
	v.EachRef(func(id, _ string) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	})
	return out
}

// EachRef calls fn for every logical ID (resource or parameter) v refers to,
// in document order: {"Ref": X} (attr "", or "Version" for SAM's
// !Ref Fn.Version), {"Fn::GetAtt": [X, A]} and "X.A" (attr A; "" when the
// attribute is itself an expression, whose references follow), and ${X} /
// ${X.A} inside Fn::Sub strings. Pseudo parameters (AWS::Region), ${!Literal}
// escapes and the variables an Fn::Sub defines itself are left out. A value
// substituted from a parameter's Default reports the Ref it replaced.
func (v *Value) EachRef(fn func(id, attr string)) {
	eachRef(v, fn, 0)
}

func eachRef(v *Value, fn func(id, attr string), depth int) {
	if v == nil || depth > maxDepth {
		return
	}
	if v.From == parameterFrom && v.Orig != nil {
		eachRef(v.Orig, fn, depth+1)
		return
	}
	emit := func(id, attr string) {
		if id != "" && !strings.HasPrefix(id, "AWS::") {
			fn(id, attr)
		}
	}
	if name, arg, ok := v.Intrinsic(); ok {
		switch name {
		case "Ref":
			if s, ok := arg.Text(); ok {
				id, attr, _ := strings.Cut(s, ".")
				emit(id, attr)
			}
			return
		case "Fn::GetAtt":
			if r, a, ok := v.GetAtt(); ok {
				emit(r, a)
				return
			}
			if arg != nil && arg.Kind == List && len(arg.List) > 0 {
				if r, ok := arg.List[0].Text(); ok {
					emit(r, "")
				}
				for _, e := range arg.List[1:] {
					eachRef(e, fn, depth+1)
				}
			}
			return
		case "Fn::Sub":
			str, vars := arg, (*Value)(nil)
			if arg != nil && arg.Kind == List && len(arg.List) > 0 {
				str = arg.List[0]
				if len(arg.List) > 1 {
					vars = arg.List[1]
				}
			}
			if s, ok := str.Text(); ok {
				eachSubVar(s, func(id, attr string) {
					if vars == nil || vars.Kind != Map || vars.Fields[id] == nil {
						emit(id, attr)
					}
				})
			}
			if vars != nil {
				eachRef(vars, fn, depth+1)
			}
			return
		}
	}
	switch v.Kind {
	case List:
		for _, e := range v.List {
			eachRef(e, fn, depth+1)
		}
	case Map:
		for _, k := range v.Keys {
			eachRef(v.Fields[k], fn, depth+1)
		}
	}
}

// eachSubVar calls fn for the ${X} and ${X.A} variables of an Fn::Sub
// string; ${!Literal} is an escape, not a variable.
func eachSubVar(s string, fn func(id, attr string)) {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return
		}
		name := strings.TrimSpace(s[:j])
		s = s[j+1:]
		if name == "" || name[0] == '!' {
			continue
		}
		id, attr, _ := strings.Cut(name, ".")
		fn(id, attr)
	}
}

// build fills Parameters and Resources from Root.
func (t *Template) build() error {
	t.byID = map[string]*Resource{}
	if tr := t.Root.Get("Transform"); tr != nil {
		check := func(v *Value) {
			if s, ok := v.Text(); ok && strings.HasPrefix(s, "AWS::Serverless") {
				t.SAM = true
			}
		}
		check(tr)
		for _, e := range tr.List {
			check(e)
		}
	}
	if ps := t.Root.Get("Parameters"); ps != nil && ps.Kind == Map {
		for _, name := range ps.Keys {
			pv := ps.Fields[name]
			p := &Parameter{Name: name, Pos: pv.KeyPos}
			if pv.Kind == Map {
				p.Type, _ = pv.Get("Type").Text()
				p.Default = pv.Get("Default")
				if av := pv.Get("AllowedValues"); av != nil && av.Kind == List {
					p.Allowed = av.List
				}
			}
			t.Parameters = append(t.Parameters, p)
		}
	}
	rs := t.Root.Get("Resources")
	if rs == nil {
		return nil
	}
	if rs.Kind != Map {
		pos := rs.Pos
		if rs.Kind == Null {
			pos = rs.KeyPos
		}
		return &Error{File: t.Path, Pos: pos, Path: "Resources", Key: "Resources",
			Msg: fmt.Sprintf("Resources must be a map of logical IDs to resources, not a %s", rs.Kind)}
	}
	// SAM's own test inputs omit the Transform line: AWS::Serverless::
	// types alone make a template SAM for Globals and implicit resources.
	sam := t.SAM
	for _, id := range rs.Keys {
		if ty, ok := rs.Fields[id].Get("Type").Text(); ok && strings.HasPrefix(ty, serverlessTypePref) {
			sam = true
		}
	}
	var globals map[string]*Value
	if sam {
		globals = t.globals()
	}
	for _, id := range rs.Keys {
		if strings.HasPrefix(id, "Fn::ForEach::") {
			continue // a loop over resources (the LanguageExtensions transform): kept in Root
		}
		rv := rs.Fields[id]
		if rv.Kind != Map {
			return &Error{File: t.Path, Pos: rv.Pos, Path: "Resources." + id, Key: id,
				Msg: fmt.Sprintf("a resource must be a map with a Type, not a %s", rv.Kind)}
		}
		r := &Resource{ID: id, Pos: rv.KeyPos, Raw: rv}
		r.Type, _ = rv.Get("Type").Text() // missing or a map (Rain modules): ""
		if tv := rv.Get("Type"); tv != nil && tv.Kind != String {
			r.Type = ""
		}
		r.Metadata = rv.Get("Metadata")
		r.Condition, _ = rv.Get("Condition").Text()
		switch d := rv.Get("DependsOn"); {
		case d == nil:
		case d.Kind == List:
			for _, e := range d.List {
				if s, ok := e.Text(); ok {
					r.DependsOn = append(r.DependsOn, s)
				}
			}
		default:
			if s, ok := d.Text(); ok {
				r.DependsOn = []string{s}
			}
		}
		if p := rv.Get("Properties"); p != nil && p.Kind == Map {
			r.Properties = p.Clone()
		} else {
			r.Properties = &Value{Kind: Map, Fields: map[string]*Value{}, Pos: rv.Pos}
		}
		if strings.HasPrefix(r.Type, serverlessTypePref) {
			if g := globals[strings.TrimPrefix(r.Type, serverlessTypePref)]; g != nil {
				r.Properties = mergeGlobals(g, r.Properties)
			}
		}
		r.Properties = t.substitute(r.Properties, 0)
		t.Resources = append(t.Resources, r)
		t.byID[id] = r
	}
	if sam {
		t.addImplicit(globals)
	}
	return nil
}

// globals returns the Globals sections by name (Function, Api, ...).
func (t *Template) globals() map[string]*Value {
	g := t.Root.Get("Globals")
	if g == nil || g.Kind != Map {
		return nil
	}
	out := map[string]*Value{}
	for _, k := range g.Keys {
		if s := g.Fields[k]; s.Kind == Map {
			out[k] = s
		}
	}
	return out
}

// markFrom returns a deep copy of v with every value marked as coming from.
func markFrom(v *Value, from string) *Value {
	c := v.Clone()
	var mark func(*Value)
	mark = func(x *Value) {
		x.From = from
		for _, e := range x.List {
			mark(e)
		}
		for _, e := range x.Fields {
			mark(e)
		}
	}
	mark(c)
	return c
}

// mergeGlobals merges a Globals section into a resource's properties the way
// samtranslator's GlobalProperties._do_merge does: maps merge recursively
// (global keys first, then the resource's new keys), lists concatenate
// (global then local), and otherwise, also when the kinds differ or either
// side is an intrinsic function, the resource's own value wins.
func mergeGlobals(global, local *Value) *Value {
	gTok, lTok := mergeToken(global), mergeToken(local)
	switch {
	case gTok != lTok || gTok == Null:
		return local
	case gTok == Map:
		out := &Value{Kind: Map, Pos: local.Pos, KeyPos: local.KeyPos, Tag: local.Tag, From: local.From, src: local.src,
			Fields: make(map[string]*Value, len(global.Keys)+len(local.Keys))}
		for _, k := range global.Keys {
			if lv, ok := local.Fields[k]; ok {
				out.Fields[k] = mergeGlobals(global.Fields[k], lv)
			} else {
				out.Fields[k] = markFrom(global.Fields[k], globalsFrom)
			}
			out.Keys = append(out.Keys, k)
		}
		for _, k := range local.Keys {
			if _, ok := global.Fields[k]; !ok {
				out.Fields[k] = local.Fields[k]
				out.Keys = append(out.Keys, k)
			}
		}
		return out
	default: // List
		out := *local
		out.List = make([]*Value, 0, len(global.List)+len(local.List))
		for _, e := range global.List {
			out.List = append(out.List, markFrom(e, globalsFrom))
		}
		out.List = append(out.List, local.List...)
		return &out
	}
}

// mergeToken is samtranslator's _token_of: Map for a plain map, List, or Null
// standing for "primitive" (scalars and intrinsic functions).
func mergeToken(v *Value) Kind {
	if v == nil {
		return Null
	}
	if _, _, ok := v.Intrinsic(); ok {
		return Null
	}
	switch v.Kind {
	case Map, List:
		return v.Kind
	}
	return Null
}

// substitute replaces every value that is exactly {"Ref": P}, P a parameter
// with a Default, by a copy of the Default (From "Parameter", Orig the Ref).
// A list-typed parameter's comma-separated default becomes a list.
func (t *Template) substitute(v *Value, depth int) *Value {
	if v == nil || depth > maxDepth {
		return v
	}
	if name, ok := v.Ref(); ok {
		p := t.Parameter(name)
		if p == nil || p.Default == nil || p.Default.Kind == Null {
			return v
		}
		d := p.Default
		if s, ok := d.Text(); ok && (p.Type == "CommaDelimitedList" || strings.HasPrefix(p.Type, "List<")) {
			d = &Value{Kind: List, Pos: d.Pos}
			for _, part := range strings.Split(s, ",") {
				d.List = append(d.List, &Value{Kind: String, Str: part, Pos: p.Default.Pos})
			}
		}
		c := markFrom(d, parameterFrom)
		c.Orig = v
		c.KeyPos = v.KeyPos
		return c
	}
	switch v.Kind {
	case List:
		for i, e := range v.List {
			v.List[i] = t.substitute(e, depth+1)
		}
	case Map:
		for _, k := range v.Keys {
			v.Fields[k] = t.substitute(v.Fields[k], depth+1)
		}
	}
	return v
}

// predefinedDeployments are the DeploymentPreference types SAM maps to
// CodeDeployDefault.Lambda<Type> (aws-facts.md §5, "Allowed predefined Type values").
var predefinedDeployments = map[string]bool{
	"Canary10Percent5Minutes": true, "Canary10Percent10Minutes": true, "Canary10Percent15Minutes": true,
	"Canary10Percent30Minutes": true, "Linear10PercentEvery1Minute": true, "Linear10PercentEvery2Minutes": true,
	"Linear10PercentEvery3Minutes": true, "Linear10PercentEvery10Minutes": true, "AllAtOnce": true,
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

// pathParam matches an API path parameter, turned into * in a permission's
// SourceArn (samtranslator eventsources/push.py, Api._get_permission).
var pathParam = regexp.MustCompile(`\{([a-zA-Z0-9._-]+|proxy\+)\}`)

// Helpers building synthesized values.
func str(s string, at Pos) *Value { return &Value{Kind: String, Str: s, Pos: at} }
func boolean(b bool, at Pos) *Value {
	return &Value{Kind: Bool, Bool: b, Str: fmt.Sprint(b), Pos: at}
}
func object(at Pos, kv ...any) *Value {
	m := &Value{Kind: Map, Pos: at, Fields: map[string]*Value{}}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		m.Keys = append(m.Keys, k)
		m.Fields[k] = kv[i+1].(*Value)
	}
	return m
}
func list(at Pos, vs ...*Value) *Value { return &Value{Kind: List, Pos: at, List: vs} }
func ref(id string, at Pos) *Value     { return object(at, "Ref", str(id, at)) }

// addImplicit appends the resources SAM would create that the template does
// not declare, named as samtranslator names them.
func (t *Template) addImplicit(globals map[string]*Value) {
	var restAt, httpAt *Resource
	var deployApp, needRole *Resource
	var extra []*Resource
	add := func(r *Resource) {
		if t.byID[r.ID] != nil {
			return
		}
		r.Implicit = true
		t.byID[r.ID] = r
		extra = append(extra, r)
	}
	for _, fn := range t.ByType(TypeFunction) {
		if fn.Implicit {
			continue
		}
		at := fn.Pos
		target := ref(fn.ID, at) // what permissions invoke: the alias when there is one
		if alias, ok := fn.Prop("AutoPublishAlias").Text(); ok && alias != "" {
			id := fn.ID + "Alias" + nonAlnum.ReplaceAllString(alias, "")
			props := object(at, "Name", str(alias, at), "FunctionName", ref(fn.ID, at))
			if pc := fn.Prop("ProvisionedConcurrencyConfig"); pc != nil {
				props.Keys = append(props.Keys, "ProvisionedConcurrencyConfig")
				props.Fields["ProvisionedConcurrencyConfig"] = pc
			}
			add(&Resource{ID: id, Type: "AWS::Lambda::Alias", Pos: at, Properties: props, Parent: fn.ID})
			target = ref(id, at)
		}
		if dp := fn.Prop("DeploymentPreference"); dp != nil && dp.Kind == Map {
			if on, ok := dp.Get("Enabled").Truth(); !ok || on {
				if deployApp == nil {
					deployApp = &Resource{ID: ImplicitDeployApp, Type: "AWS::CodeDeploy::Application", Pos: at,
						Properties: object(at, "ComputePlatform", str("Lambda", at))}
				}
				t.addDeploymentGroup(fn, dp, add)
				if dp.Get("Role") == nil && needRole == nil {
					needRole = fn
				}
			}
		}
		for _, ev := range fn.Events() {
			p := ev.Properties
			switch ev.Type {
			case "Api":
				api := p.Get("RestApiId")
				stage := implicitStageName
				if api == nil {
					if restAt == nil {
						restAt = fn
					}
					api = ref(ImplicitRestAPI, ev.Pos)
				} else if id, ok := api.Ref(); ok {
					if r := t.byID[id]; r != nil {
						if s, ok := r.Prop("StageName").Text(); ok {
							stage = s
						}
					}
				}
				method, _ := p.Get("Method").Text()
				path, _ := p.Get("Path").Text()
				res := "${__ApiId__}/${__Stage__}/" + permMethod(method) + permPath(path)
				add(permission(fn.ID+ev.Name+"Permission"+nonAlnum.ReplaceAllString(stage, ""), fn.ID, ev.Pos, target,
					"apigateway.amazonaws.com", executeAPIArn(res, api, ev.Pos)))
			case "HttpApi":
				api := p.Get("ApiId")
				if api == nil {
					if httpAt == nil {
						httpAt = fn
					}
					api = ref(ImplicitHTTPAPI, ev.Pos)
				}
				method, hasMethod := p.Get("Method").Text()
				path, hasPath := p.Get("Path").Text()
				res := "${__ApiId__}/${__Stage__}/*"
				if hasMethod && hasPath && path != "$default" {
					res = "${__ApiId__}/${__Stage__}/" + permMethod(method) + permPath(path)
				}
				add(permission(fn.ID+ev.Name+"Permission", fn.ID, ev.Pos, target,
					"apigateway.amazonaws.com", executeAPIArn(res, api, ev.Pos)))
			case "S3":
				perm := permission(fn.ID+ev.Name+"Permission", fn.ID, ev.Pos, target, "s3.amazonaws.com", nil)
				perm.Properties.Keys = append(perm.Properties.Keys, "SourceAccount")
				perm.Properties.Fields["SourceAccount"] = ref("AWS::AccountId", ev.Pos)
				add(perm)
			case "SNS":
				if sq := p.Get("SqsSubscription"); sq != nil {
					if on, ok := sq.Truth(); !ok || on {
						continue // SNS -> SQS -> Lambda: an event source mapping, no permission
					}
				}
				add(permission(fn.ID+ev.Name+"Permission", fn.ID, ev.Pos, target, "sns.amazonaws.com", p.Get("Topic")))
			}
		}
	}
	var head []*Resource
	if restAt != nil && t.byID[ImplicitRestAPI] == nil {
		props := object(restAt.Pos, "StageName", str(implicitStageName, restAt.Pos))
		if g := globals["Api"]; g != nil {
			props = mergeGlobals(g, props)
		}
		r := &Resource{ID: ImplicitRestAPI, Type: TypeAPI, Pos: restAt.Pos, Properties: t.substitute(props, 0),
			Implicit: true, Parent: restAt.ID}
		t.byID[r.ID] = r
		head = append(head, r)
	}
	if httpAt != nil && t.byID[ImplicitHTTPAPI] == nil {
		props := object(httpAt.Pos)
		if g := globals["HttpApi"]; g != nil {
			props = mergeGlobals(g, props)
		}
		r := &Resource{ID: ImplicitHTTPAPI, Type: TypeHTTPAPI, Pos: httpAt.Pos, Properties: t.substitute(props, 0),
			Implicit: true, Parent: httpAt.ID}
		t.byID[r.ID] = r
		head = append(head, r)
	}
	t.Resources = append(t.Resources, head...)
	t.Resources = append(t.Resources, extra...)
	if deployApp != nil && t.byID[deployApp.ID] == nil {
		deployApp.Implicit = true
		t.byID[deployApp.ID] = deployApp
		t.Resources = append(t.Resources, deployApp)
	}
	if needRole != nil && t.byID[ImplicitDeployRole] == nil {
		at := needRole.Pos
		props := object(at,
			"AssumeRolePolicyDocument", object(at,
				"Version", str("2012-10-17", at),
				"Statement", list(at, object(at,
					"Action", list(at, str("sts:AssumeRole", at)),
					"Effect", str("Allow", at),
					"Principal", object(at, "Service", list(at, str("codedeploy.amazonaws.com", at))),
				))),
			"ManagedPolicyArns", list(at, str("arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda", at)))
		r := &Resource{ID: ImplicitDeployRole, Type: "AWS::IAM::Role", Pos: at, Properties: props, Implicit: true, Parent: needRole.ID}
		t.byID[r.ID] = r
		t.Resources = append(t.Resources, r)
	}
}

// addDeploymentGroup adds <Fn>DeploymentGroup as SAM's
// DeploymentPreferenceCollection.deployment_group builds it (aws-facts.md §5,
// "What SAM generates").
func (t *Template) addDeploymentGroup(fn *Resource, dp *Value, add func(*Resource)) {
	at := fn.Pos
	var config *Value
	if typ, ok := dp.Get("Type").Text(); ok && predefinedDeployments[typ] {
		config = object(at, "Fn::Sub", list(at, str("CodeDeployDefault.Lambda${ConfigName}", at),
			object(at, "ConfigName", str(typ, at))))
	} else if tv := dp.Get("Type"); tv != nil {
		config = tv
	} else {
		config = str("", at)
	}
	role := object(at, "Fn::GetAtt", list(at, str(ImplicitDeployRole, at), str("Arn", at)))
	if r := dp.Get("Role"); r != nil {
		role = r
	}
	props := object(at,
		"ApplicationName", ref(ImplicitDeployApp, at),
		"AutoRollbackConfiguration", object(at, "Enabled", boolean(true, at), "Events", list(at,
			str("DEPLOYMENT_FAILURE", at), str("DEPLOYMENT_STOP_ON_ALARM", at), str("DEPLOYMENT_STOP_ON_REQUEST", at))),
		"DeploymentConfigName", config,
		"DeploymentStyle", object(at, "DeploymentType", str("BLUE_GREEN", at), "DeploymentOption", str("WITH_TRAFFIC_CONTROL", at)),
		"ServiceRoleArn", role,
	)
	if alarms := dp.Get("Alarms"); alarms != nil {
		ac := object(at)
		if alarms.Kind == List && len(alarms.List) > 0 {
			names := list(at)
			for _, a := range alarms.List {
				names.List = append(names.List, object(a.Pos, "Name", a))
			}
			ac = object(at, "Alarms", names, "Enabled", boolean(true, at))
		} else if alarms.Kind != List {
			ac = object(at, "Alarms", alarms, "Enabled", boolean(true, at))
		}
		props.Keys = append(props.Keys, "AlarmConfiguration")
		props.Fields["AlarmConfiguration"] = ac
	}
	add(&Resource{ID: fn.ID + "DeploymentGroup", Type: "AWS::CodeDeploy::DeploymentGroup", Pos: at, Properties: props, Parent: fn.ID})
}

func permMethod(m string) string {
	if m == "" || strings.EqualFold(m, "any") {
		return "*"
	}
	return strings.ToUpper(m)
}

func permPath(p string) string {
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	return pathParam.ReplaceAllString(p, "*")
}

// executeAPIArn is the Fn::Sub SAM writes as an API permission's SourceArn.
func executeAPIArn(resource string, api *Value, at Pos) *Value {
	return object(at, "Fn::Sub", list(at,
		str("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"+resource, at),
		object(at, "__ApiId__", api, "__Stage__", str("*", at))))
}

// permission builds the AWS::Lambda::Permission SAM adds for a push event.
func permission(id, fn string, at Pos, target *Value, principal string, sourceArn *Value) *Resource {
	props := object(at, "Action", str("lambda:InvokeFunction", at), "FunctionName", target, "Principal", str(principal, at))
	if sourceArn != nil {
		props.Keys = append(props.Keys, "SourceArn")
		props.Fields["SourceArn"] = sourceArn
	}
	return &Resource{ID: id, Type: "AWS::Lambda::Permission", Pos: at, Properties: props, Parent: fn}
}
