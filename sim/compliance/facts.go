package compliance

import (
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/sim/infra"
)

// kind is what a subject is, and so which slice of infra.State holds it.
type kind uint8

const (
	kindBucket kind = iota
	kindTable
	kindFunction
	kindAPI
	kindQueue
	kindAlarm
	kindDeployGroup // a CodeDeploy deployment group the template declares itself
	kindAccount     // the account, for account-level rules
)

// subject is one resource (or the account) that rules are evaluated on.
type subject struct {
	ID   string
	Type string
	Pos  cfn.Pos
	kind kind
	// tpl indexes the kind's slice in Engine.tpl (the template as written);
	// st indexes it in the State given to Compile, -1 when that State does
	// not hold the resource (then Eval reads tpl).
	tpl, st int
	meta    *cfn.Value // the resource's Metadata, for suppressions

	// Template facts that no gene changes.
	bpaDeclared [4]bool // BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets written
	name        string  // BucketName / physical name when literal
	autoscaled  bool    // table: read and write target tracking found in the template
	// alarm actions (cloudwatch-alarm-action-check)
	alarmAction, insufficientAction, okAction bool
	// deployment group (kindDeployGroup)
	deployConfig            string
	autoRollback, alarmConf bool
}

// facts is what Compile extracts from the template.
type facts struct {
	tpl      *infra.State
	subjects []subject
}

// extract reads the template into subjects and a State of the template as
// written (SAM and service defaults applied: MemorySize 128 MB, Timeout 3 s,
// aws-facts.md section 6).
func extract(t *cfn.Template) *facts {
	f := &facts{tpl: &infra.State{}}
	x := &extractor{t: t, f: f, bucketByName: map[string]string{}}
	x.run()
	return f
}

type extractor struct {
	t            *cfn.Template
	f            *facts
	bucketByName map[string]string
	// policies, permissions, scaling and URLs by the resource they target
	policies    []*cfn.Resource
	permissions []*cfn.Resource
	urls        []*cfn.Resource
	targets     []*cfn.Resource
	scaling     []*cfn.Resource
}

func (x *extractor) run() {
	t := x.t
	for _, r := range t.Resources {
		switch r.Type {
		case "AWS::S3::BucketPolicy":
			x.policies = append(x.policies, r)
		case "AWS::Lambda::Permission":
			x.permissions = append(x.permissions, r)
		case "AWS::Lambda::Url":
			x.urls = append(x.urls, r)
		case "AWS::ApplicationAutoScaling::ScalableTarget":
			x.targets = append(x.targets, r)
		case "AWS::ApplicationAutoScaling::ScalingPolicy":
			x.scaling = append(x.scaling, r)
		case "AWS::S3::Bucket":
			if n, ok := x.prop(r, "BucketName").Text(); ok {
				x.bucketByName[n] = r.ID
			}
		}
	}
	for _, r := range t.Resources {
		if r.Implicit && r.Type != "AWS::Serverless::Api" && r.Type != "AWS::Serverless::HttpApi" {
			continue // SAM's generated aliases, deployment groups, ...: evaluated through their function
		}
		switch r.Type {
		case "AWS::S3::Bucket":
			x.bucket(r)
		case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::DynamoDB::GlobalTable":
			x.table(r)
		case "AWS::Serverless::Function", "AWS::Lambda::Function":
			x.function(r)
		case "AWS::Serverless::Api":
			x.restAPI(r, r.ID, r.Type, r.Pos, r.Properties, r.Implicit)
		case "AWS::ApiGateway::Stage":
			x.restAPI(r, r.ID, r.Type, r.Pos, r.Properties, false)
		case "AWS::ApiGateway::Deployment":
			if _, ok := x.prop(r, "StageName").Text(); ok {
				x.deploymentStage(r)
			}
		case "AWS::Serverless::HttpApi":
			x.httpAPI(r, r.ID, r.Type, r.Pos, r.Properties, r.Implicit, false)
		case "AWS::ApiGatewayV2::Stage":
			x.v2Stage(r)
		case "AWS::SQS::Queue":
			x.queue(r)
		case "AWS::CloudWatch::Alarm":
			x.alarm(r)
		case "AWS::CodeDeploy::DeploymentGroup":
			x.deployGroup(r)
		}
	}
	x.implicitAPIs()
	if len(x.f.tpl.Tables) > 0 {
		pos := cfn.Pos{}
		if rs := t.Root.Get("Resources"); rs != nil {
			pos = rs.KeyPos
		}
		x.f.subjects = append(x.f.subjects, subject{ID: "AWS::::Account", Type: "AWS::::Account", Pos: pos, kind: kindAccount, tpl: -1, st: -1})
	}
}

func (x *extractor) add(s subject) *subject {
	s.st = -1
	x.f.subjects = append(x.f.subjects, s)
	return &x.f.subjects[len(x.f.subjects)-1]
}

// globalsSection is the Globals section SAM applies to a type.
func globalsSection(typ string) string {
	switch typ {
	case "AWS::Serverless::Function":
		return "Function"
	case "AWS::Serverless::Api":
		return "Api"
	case "AWS::Serverless::HttpApi":
		return "HttpApi"
	case "AWS::Serverless::SimpleTable":
		return "SimpleTable"
	}
	return ""
}

// prop returns the effective property: the resource's own, else SAM's
// Globals for its type, with a !Ref to a parameter replaced by the
// parameter's Default.
func (x *extractor) prop(r *cfn.Resource, path ...string) *cfn.Value {
	return x.propOf(r.Type, r.Properties, path...)
}

func (x *extractor) propOf(typ string, props *cfn.Value, path ...string) *cfn.Value {
	v := props.Get(path...)
	if v == nil && x.t.SAM {
		if sec := globalsSection(typ); sec != "" {
			if g := x.t.Root.Get("Globals", sec); g != nil {
				v = g.Get(path...)
			}
		}
	}
	return x.resolve(v)
}

func (x *extractor) resolve(v *cfn.Value) *cfn.Value {
	if name, ok := v.Ref(); ok {
		if p := x.t.Parameter(name); p != nil && p.Default != nil {
			return p.Default
		}
	}
	return v
}

func (x *extractor) truth(v *cfn.Value) bool {
	b, ok := x.resolve(v).Truth()
	return ok && b
}

func (x *extractor) text(v *cfn.Value) string {
	s, _ := x.resolve(v).Text()
	return s
}

// present reports a value that is set to something other than null or an
// empty list/map.
func present(v *cfn.Value) bool {
	if v == nil {
		return false
	}
	switch v.Kind {
	case cfn.Null:
		return false
	case cfn.List:
		return len(v.List) > 0
	case cfn.Map:
		return len(v.Keys) > 0
	case cfn.String:
		return v.Str != ""
	}
	return true
}

// items returns a list's elements, or the value itself when it is not a list
// (policy documents allow both).
func items(v *cfn.Value) []*cfn.Value {
	if v == nil {
		return nil
	}
	if v.Kind == cfn.List {
		return v.List
	}
	return []*cfn.Value{v}
}

// refs returns the logical IDs v refers to through Ref, Fn::GetAtt and
// ${X} / ${X.Attr} in Fn::Sub, in order of appearance, without pseudo
// parameters.
func refs(v *cfn.Value) []string {
	var out []string
	seen := map[string]bool{}
	addID := func(id string) {
		if id == "" || strings.HasPrefix(id, "AWS::") || seen[id] {
			return
		}
		seen[id] = true
		out = append(out, id)
	}
	var walk func(v *cfn.Value, depth int)
	walk = func(v *cfn.Value, depth int) {
		if v == nil || depth > 64 {
			return
		}
		if id, ok := v.Ref(); ok {
			addID(id)
			return
		}
		if r, _, ok := v.GetAtt(); ok {
			addID(r)
			return
		}
		if name, arg, ok := v.Intrinsic(); ok && name == "Fn::Sub" {
			var local map[string]bool
			tmpl := arg
			if arg != nil && arg.Kind == cfn.List && len(arg.List) > 0 {
				tmpl = arg.List[0]
				if len(arg.List) > 1 && arg.List[1].Kind == cfn.Map {
					local = map[string]bool{}
					for _, k := range arg.List[1].Keys {
						local[k] = true
					}
					walk(arg.List[1], depth+1)
				}
			}
			if s, ok := tmpl.Text(); ok {
				for _, ref := range subVars(s) {
					id, _, _ := strings.Cut(ref, ".")
					if !local[ref] && !local[id] {
						addID(id)
					}
				}
			}
			return
		}
		for _, e := range v.List {
			walk(e, depth+1)
		}
		for _, k := range v.Keys {
			walk(v.Fields[k], depth+1)
		}
	}
	walk(v, 0)
	return out
}

// subVars returns the ${...} variables of a Fn::Sub template, skipping ${!...}
// literals.
func subVars(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return out
		}
		v := strings.TrimSpace(s[:j])
		if v != "" && v[0] != '!' {
			out = append(out, v)
		}
		s = s[j+1:]
	}
}

func hasRef(v *cfn.Value, id string) bool {
	for _, r := range refs(v) {
		if r == id {
			return true
		}
	}
	return false
}

// ---- S3 ----

func (x *extractor) bucket(r *cfn.Resource) {
	b := infra.Bucket{ID: r.ID}
	for _, c := range items(x.prop(r, "BucketEncryption", "ServerSideEncryptionConfiguration")) {
		alg := x.text(c.Get("ServerSideEncryptionByDefault", "SSEAlgorithm"))
		var sse infra.BucketSSE
		switch {
		case alg == "AES256":
			sse = infra.BucketSSEAES256
		case strings.HasPrefix(alg, "aws:kms"):
			sse = infra.BucketSSEKMS
			if x.truth(c.Get("BucketKeyEnabled")) {
				sse = infra.BucketSSEKMSBucketKey
			}
		}
		if sse > b.SSE {
			b.SSE = sse
		}
	}
	b.Versioning = x.text(x.prop(r, "VersioningConfiguration", "Status")) == "Enabled"
	lc := x.prop(r, "LoggingConfiguration")
	b.Logging = lc != nil && lc.Kind == cfn.Map
	for _, rule := range items(x.prop(r, "ReplicationConfiguration", "Rules")) {
		if x.text(rule.Get("Status")) == "Enabled" {
			b.Replication = true
		}
	}
	s := subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindBucket, tpl: len(x.f.tpl.Buckets), meta: r.Metadata}
	s.name = x.text(x.prop(r, "BucketName"))
	bpa := x.prop(r, "PublicAccessBlockConfiguration")
	flags := [4]*bool{&b.BlockPublicAcls, &b.BlockPublicPolicy, &b.IgnorePublicAcls, &b.RestrictPublicBuckets}
	for i, name := range bpaFlags {
		v := bpa.Get(name)
		if bv, ok := x.resolve(v).Truth(); ok {
			s.bpaDeclared[i] = true
			*flags[i] = bv
		}
	}
	switch x.text(x.prop(r, "AccessControl")) {
	case "PublicRead":
		b.PublicReadACL = true
	case "PublicReadWrite":
		b.PublicReadACL, b.PublicWriteACL = true, true
	}
	b.Website = present(x.prop(r, "WebsiteConfiguration"))
	for _, p := range x.policies {
		if !x.policyTargets(p, r.ID, s.name) {
			continue
		}
		for _, st := range items(x.prop(p, "PolicyDocument", "Statement")) {
			x.statement(st, &b)
		}
	}
	x.f.tpl.Buckets = append(x.f.tpl.Buckets, b)
	x.add(s)
}

var bpaFlags = [4]string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"}

// policyTargets reports whether a bucket policy applies to the bucket: its
// Bucket property refers to it (Ref, GetAtt, Sub) or names it literally.
func (x *extractor) policyTargets(p *cfn.Resource, id, name string) bool {
	bv := x.prop(p, "Bucket")
	if hasRef(bv, id) {
		return true
	}
	if s, ok := bv.Text(); ok && bv.Kind == cfn.String {
		return s == id && name == "" || name != "" && s == name
	}
	return false
}

// statement folds one bucket policy statement into the bucket: a Deny on
// aws:SecureTransport false makes it TLS-only (aws-facts.md section 4,
// s3-bucket-ssl-requests-only); an unconditioned Allow to everyone of read or
// write actions makes it public.
func (x *extractor) statement(st *cfn.Value, b *infra.Bucket) {
	effect := x.text(st.Get("Effect"))
	cond := st.Get("Condition")
	switch effect {
	case "Deny":
		if !everyone(st.Get("Principal")) {
			return
		}
		sec := cond.Get("Bool", "aws:SecureTransport")
		if v, ok := x.resolve(sec).Truth(); ok && !v && x.anyAction(st, "s3:*", "*") {
			b.TLSOnly = true
		}
	case "Allow":
		if present(cond) || !everyone(st.Get("Principal")) {
			return
		}
		if x.anyAction(st, "*", "s3:*", "s3:Get*", "s3:GetObject", "s3:List*", "s3:ListBucket") {
			b.PolicyPublicRead = true
		}
		if x.anyAction(st, "*", "s3:*", "s3:Put*", "s3:PutObject", "s3:Delete*", "s3:DeleteObject") {
			b.PolicyPublicWrite = true
		}
	}
}

func (x *extractor) anyAction(st *cfn.Value, want ...string) bool {
	for _, a := range items(st.Get("Action")) {
		s := x.text(a)
		for _, w := range want {
			if strings.EqualFold(s, w) {
				return true
			}
		}
	}
	return false
}

// everyone reports a principal of "*" or {AWS: "*"}.
func everyone(p *cfn.Value) bool {
	if p == nil {
		return false
	}
	if s, ok := p.Text(); ok {
		return s == "*"
	}
	if p.Kind == cfn.Map {
		for _, e := range items(p.Get("AWS")) {
			if s, ok := e.Text(); ok && s == "*" {
				return true
			}
		}
	}
	return false
}

// ---- DynamoDB ----

func (x *extractor) table(r *cfn.Resource) {
	tb := infra.Table{ID: r.ID, Type: r.Type}
	s := subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindTable, tpl: len(x.f.tpl.Tables), meta: r.Metadata}
	s.name = x.text(x.prop(r, "TableName"))
	billing := x.text(x.prop(r, "BillingMode"))
	switch r.Type {
	case "AWS::Serverless::SimpleTable":
		// Without ProvisionedThroughput SAM creates an on-demand table
		// (aws-facts.md section 6, SimpleTable defaults).
		tb.Provisioned = present(x.prop(r, "ProvisionedThroughput"))
	case "AWS::DynamoDB::GlobalTable":
		tb.Provisioned = billing == "PROVISIONED" || billing == "" && present(x.prop(r, "WriteProvisionedThroughputSettings"))
		s.autoscaled = present(x.prop(r, "WriteProvisionedThroughputSettings", "WriteCapacityAutoScalingSettings"))
	default:
		tb.Provisioned = billing == "PROVISIONED" || billing == "" && present(x.prop(r, "ProvisionedThroughput"))
	}
	if f, ok := x.prop(r, "ProvisionedThroughput", "ReadCapacityUnits").Float(); ok {
		tb.RCU = f
	}
	if f, ok := x.prop(r, "ProvisionedThroughput", "WriteCapacityUnits").Float(); ok {
		tb.WCU = f
	}
	if x.truth(x.prop(r, "SSESpecification", "SSEEnabled")) {
		tb.SSE = infra.SSEManagedKMS
		if present(x.prop(r, "SSESpecification", "KMSMasterKeyId")) {
			tb.SSE = infra.SSECustomerKMS
		}
	}
	tb.PITR = x.truth(x.prop(r, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
	if r.Type == "AWS::DynamoDB::GlobalTable" {
		reps := items(x.prop(r, "Replicas"))
		if len(reps) > 0 {
			tb.Replicas = len(reps) - 1
			tb.PITR = x.truth(reps[0].Get("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
			if tb.SSE != infra.SSEOwned && present(reps[0].Get("SSESpecification", "KMSMasterKeyId")) {
				tb.SSE = infra.SSECustomerKMS
			}
		}
	}
	tb.GSIs = len(items(x.prop(r, "GlobalSecondaryIndexes")))
	if r.Type != "AWS::DynamoDB::GlobalTable" {
		s.autoscaled = x.scaledDimension(r.ID, s.name, "dynamodb:table:ReadCapacityUnits") &&
			x.scaledDimension(r.ID, s.name, "dynamodb:table:WriteCapacityUnits")
	}
	x.f.tpl.Tables = append(x.f.tpl.Tables, tb)
	x.add(s)
}

// scaledDimension reports a ScalableTarget for the table's dimension
// (ResourceId table/<name> by Ref, Sub or Join, or literally) with a
// TargetTrackingScaling policy attached (aws-facts.md section 4,
// dynamodb-autoscaling-enabled).
func (x *extractor) scaledDimension(id, name, dim string) bool {
	for _, tg := range x.targets {
		if x.text(x.prop(tg, "ServiceNamespace")) != "dynamodb" || x.text(x.prop(tg, "ScalableDimension")) != dim {
			continue
		}
		rid := x.prop(tg, "ResourceId")
		lit := x.text(rid)
		if !hasRef(rid, id) && !(name != "" && lit == "table/"+name) {
			continue
		}
		for _, p := range x.scaling {
			if x.text(x.prop(p, "PolicyType")) != "TargetTrackingScaling" {
				continue
			}
			if hasRef(x.prop(p, "ScalingTargetId"), tg.ID) ||
				x.text(x.prop(p, "ScalableDimension")) == dim && (hasRef(x.prop(p, "ResourceId"), id) || name != "" && x.text(x.prop(p, "ResourceId")) == "table/"+name) {
				return true
			}
		}
	}
	return false
}

// ---- Lambda ----

func (x *extractor) function(r *cfn.Resource) {
	fn := infra.Function{ID: r.ID, Type: r.Type, Reserved: infra.None, API: -1, Queue: -1}
	s := subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindFunction, tpl: len(x.f.tpl.Functions), meta: r.Metadata}
	// Lambda service defaults: 128 MB, 3 s (aws-facts.md section 6, Function defaults).
	fn.MemoryMB, fn.TimeoutS = 128, 3
	if f, ok := x.prop(r, "MemorySize").Float(); ok {
		fn.MemoryMB = f
	}
	if f, ok := x.prop(r, "Timeout").Float(); ok {
		fn.TimeoutS = f
	}
	if n, ok := x.prop(r, "ReservedConcurrentExecutions").Int(); ok {
		fn.Reserved = n
	}
	fn.Runtime = x.text(x.prop(r, "Runtime"))
	fn.Image = x.text(x.prop(r, "PackageType")) == "Image" || present(x.prop(r, "ImageUri")) || present(x.prop(r, "Code", "ImageUri"))
	fn.DLQ = present(x.prop(r, "DeadLetterQueue", "TargetArn")) || present(x.prop(r, "DeadLetterConfig", "TargetArn"))
	vpc := x.prop(r, "VpcConfig", "SubnetIds")
	fn.InVPC = present(vpc)
	fn.Tracing = x.text(x.prop(r, "Tracing")) == "Active" || x.text(x.prop(r, "TracingConfig", "Mode")) == "Active"
	fn.Role = x.text(x.prop(r, "Role"))
	if dp := x.prop(r, "DeploymentPreference"); dp != nil && dp.Kind == cfn.Map {
		enabled := true
		if b, ok := x.resolve(dp.Get("Enabled")).Truth(); ok {
			enabled = b
		}
		if enabled {
			fn.DeployName = x.text(dp.Get("Type"))
			fn.Deploy = infra.ParseDeploy(fn.DeployName)
			if present(dp.Get("Alarms")) {
				fn.DeclaredAlarms = len(items(dp.Get("Alarms")))
			}
			fn.PreTraffic = present(dp.Get("Hooks", "PreTraffic"))
			fn.PostTraffic = present(dp.Get("Hooks", "PostTraffic"))
		}
	}
	fn.Alias = present(x.prop(r, "AutoPublishAlias"))
	fn.PublicAccess = x.functionPublic(r)
	x.f.tpl.Functions = append(x.f.tpl.Functions, fn)
	x.add(s)
}

// functionPublic applies lambda-function-public-access-prohibited's reading
// of resource policies (aws-facts.md section 4, Lambda): a permission to
// everyone without a source condition, a service principal without
// SourceArn/SourceAccount/PrincipalOrgID (S3: SourceAccount or
// PrincipalOrgID), or a function URL with AuthType NONE. The permissions SAM
// adds for Api, HttpApi and S3 events carry SourceArn/SourceAccount and are
// never public.
func (x *extractor) functionPublic(r *cfn.Resource) bool {
	if x.text(x.prop(r, "FunctionUrlConfig", "AuthType")) == "NONE" {
		return true
	}
	targets := func(v *cfn.Value) bool {
		for _, id := range refs(v) {
			if id == r.ID || strings.HasPrefix(id, r.ID+"Alias") || strings.HasPrefix(id, r.ID+".") {
				return true
			}
		}
		return false
	}
	for _, u := range x.urls {
		if targets(x.prop(u, "TargetFunctionArn")) && x.text(x.prop(u, "AuthType")) == "NONE" {
			return true
		}
	}
	for _, p := range x.permissions {
		if !targets(x.prop(p, "FunctionName")) {
			continue
		}
		principal := x.text(x.prop(p, "Principal"))
		srcArn := present(x.prop(p, "SourceArn"))
		srcAcct := present(x.prop(p, "SourceAccount"))
		org := present(x.prop(p, "PrincipalOrgID"))
		switch {
		case principal == "*":
			if !srcArn && !srcAcct && !org && x.text(x.prop(p, "FunctionUrlAuthType")) != "AWS_IAM" {
				return true
			}
		case principal == "s3.amazonaws.com":
			if !srcAcct && !org {
				return true
			}
		case strings.HasSuffix(principal, ".amazonaws.com"):
			if !srcArn && !srcAcct && !org {
				return true
			}
		}
	}
	return false
}

// ---- API Gateway ----

func (x *extractor) methodFacts(typ string, props *cfn.Value, a *infra.API) {
	for _, ms := range items(x.propOf(typ, props, "MethodSettings")) {
		switch x.text(ms.Get("LoggingLevel")) {
		case "ERROR", "INFO":
			a.ExecutionLogging = true
		}
		if x.truth(ms.Get("CachingEnabled")) && x.truth(ms.Get("CacheDataEncrypted")) {
			a.CacheEncrypted = true
		}
	}
}

// cacheGB is the declared cache size, or the smallest size
// (infra.DefaultCacheGB) when the cache is on without one.
func (x *extractor) cacheGB(typ string, props *cfn.Value, enabledKey, sizeKey string) float64 {
	if !x.truth(x.propOf(typ, props, enabledKey)) {
		return 0
	}
	if f, ok := x.propOf(typ, props, sizeKey).Float(); ok && f > 0 {
		return f
	}
	return infra.DefaultCacheGB
}

func (x *extractor) restAPI(r *cfn.Resource, id, typ string, pos cfn.Pos, props *cfn.Value, implicit bool) {
	a := infra.API{ID: id, Type: typ, Implicit: implicit, REST: true}
	x.methodFacts(typ, props, &a)
	a.CacheGB = x.cacheGB(typ, props, "CacheClusterEnabled", "CacheClusterSize")
	a.XRay = x.truth(x.propOf(typ, props, "TracingEnabled"))
	a.AccessLogs = present(x.propOf(typ, props, "AccessLogSetting"))
	var meta *cfn.Value
	if r != nil {
		meta = r.Metadata
	}
	x.f.tpl.APIs = append(x.f.tpl.APIs, a)
	x.add(subject{ID: id, Type: typ, Pos: pos, kind: kindAPI, tpl: len(x.f.tpl.APIs) - 1, meta: meta})
}

// deploymentStage is the stage an AWS::ApiGateway::Deployment creates with
// StageName, configured by its StageDescription.
func (x *extractor) deploymentStage(r *cfn.Resource) {
	sd := x.prop(r, "StageDescription")
	if sd == nil {
		sd = &cfn.Value{Kind: cfn.Map, Fields: map[string]*cfn.Value{}}
	}
	a := infra.API{ID: r.ID, Type: r.Type, REST: true}
	x.methodFacts("", sd, &a)
	switch x.text(sd.Get("LoggingLevel")) {
	case "ERROR", "INFO":
		a.ExecutionLogging = true
	}
	if x.truth(sd.Get("CachingEnabled")) && x.truth(sd.Get("CacheDataEncrypted")) {
		a.CacheEncrypted = true
	}
	a.CacheGB = x.cacheGB("", sd, "CacheClusterEnabled", "CacheClusterSize")
	a.XRay = x.truth(sd.Get("TracingEnabled"))
	a.AccessLogs = present(sd.Get("AccessLogSetting"))
	x.f.tpl.APIs = append(x.f.tpl.APIs, a)
	x.add(subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindAPI, tpl: len(x.f.tpl.APIs) - 1, meta: r.Metadata})
}

func (x *extractor) httpAPI(r *cfn.Resource, id, typ string, pos cfn.Pos, props *cfn.Value, implicit, websocket bool) {
	a := infra.API{ID: id, Type: typ, Implicit: implicit, WebSocket: websocket}
	a.AccessLogs = present(x.propOf(typ, props, "AccessLogSettings"))
	switch x.text(x.propOf(typ, props, "DefaultRouteSettings", "LoggingLevel")) {
	case "ERROR", "INFO":
		a.ExecutionLogging = true
	}
	var meta *cfn.Value
	if r != nil {
		meta = r.Metadata
	}
	x.f.tpl.APIs = append(x.f.tpl.APIs, a)
	x.add(subject{ID: id, Type: typ, Pos: pos, kind: kindAPI, tpl: len(x.f.tpl.APIs) - 1, meta: meta})
}

func (x *extractor) v2Stage(r *cfn.Resource) {
	ws := false
	for _, id := range refs(x.prop(r, "ApiId")) {
		if api := x.t.Resource(id); api != nil && api.Type == "AWS::ApiGatewayV2::Api" {
			ws = x.text(x.prop(api, "ProtocolType")) == "WEBSOCKET"
		}
	}
	x.httpAPI(r, r.ID, r.Type, r.Pos, r.Properties, false, ws)
}

// implicitAPIs adds the ServerlessRestApi / ServerlessHttpApi SAM creates for
// function events without RestApiId / ApiId (aws-facts.md section 6), unless
// the template model already lists them. Their position is the first event
// that creates them; SAM's Globals Api / HttpApi apply to them.
func (x *extractor) implicitAPIs() {
	if !x.t.SAM {
		return
	}
	type imp struct {
		id, typ, evType, key string
	}
	for _, im := range []imp{
		{"ServerlessRestApi", "AWS::Serverless::Api", "Api", "RestApiId"},
		{"ServerlessHttpApi", "AWS::Serverless::HttpApi", "HttpApi", "ApiId"},
	} {
		if x.t.Resource(im.id) != nil {
			continue
		}
		var pos cfn.Pos
		found := false
		for _, r := range x.t.Resources {
			if r.Type != "AWS::Serverless::Function" {
				continue
			}
			ev := r.Prop("Events")
			if ev == nil || ev.Kind != cfn.Map {
				continue
			}
			for _, k := range ev.Keys {
				e := ev.Fields[k]
				if x.text(e.Get("Type")) == im.evType && !present(e.Get("Properties", im.key)) {
					pos, found = e.KeyPos, true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			continue
		}
		empty := &cfn.Value{Kind: cfn.Map, Fields: map[string]*cfn.Value{}}
		if im.evType == "Api" {
			x.restAPI(nil, im.id, im.typ, pos, empty, true)
		} else {
			x.httpAPI(nil, im.id, im.typ, pos, empty, true, false)
		}
	}
}

// ---- SQS, CloudWatch, CodeDeploy ----

func (x *extractor) queue(r *cfn.Resource) {
	q := infra.Queue{ID: r.ID}
	q.FIFO = x.truth(x.prop(r, "FifoQueue"))
	kms := present(x.prop(r, "KmsMasterKeyId"))
	sse := x.prop(r, "SqsManagedSseEnabled")
	sseOn, sseSet := x.resolve(sse).Truth()
	switch {
	case kms:
		q.Encrypted, q.EncryptedExplicit = true, true
	case sseSet:
		q.Encrypted, q.EncryptedExplicit = sseOn, true
	default:
		// SSE-SQS is the default for new queues (infra.Queue; not yet in
		// aws-facts.md: [U]); it counts only under deployed semantics.
		q.Encrypted = true
	}
	x.f.tpl.Queues = append(x.f.tpl.Queues, q)
	x.add(subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindQueue, tpl: len(x.f.tpl.Queues) - 1, meta: r.Metadata})
}

func (x *extractor) alarm(r *cfn.Resource) {
	s := subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindAlarm, tpl: len(x.f.tpl.Alarms), meta: r.Metadata}
	s.alarmAction = present(x.prop(r, "AlarmActions"))
	s.insufficientAction = present(x.prop(r, "InsufficientDataActions"))
	s.okAction = present(x.prop(r, "OKActions"))
	x.f.tpl.Alarms = append(x.f.tpl.Alarms, infra.Alarm{ID: r.ID, Function: -1,
		HasActions: s.alarmAction || s.insufficientAction || s.okAction})
	x.add(s)
}

func (x *extractor) deployGroup(r *cfn.Resource) {
	s := subject{ID: r.ID, Type: r.Type, Pos: r.Pos, kind: kindDeployGroup, tpl: -1, meta: r.Metadata}
	s.deployConfig = x.text(x.prop(r, "DeploymentConfigName"))
	s.autoRollback = x.truth(x.prop(r, "AutoRollbackConfiguration", "Enabled"))
	s.alarmConf = x.truth(x.prop(r, "AlarmConfiguration", "Enabled")) && present(x.prop(r, "AlarmConfiguration", "Alarms"))
	x.add(s)
}
