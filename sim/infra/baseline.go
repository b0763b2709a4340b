package infra

import (
	"strings"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
)

// Resource types the phenotype knows.
const (
	typeSAMFunction  = "AWS::Serverless::Function"
	typeFunction     = "AWS::Lambda::Function"
	typeSAMApi       = "AWS::Serverless::Api"
	typeSAMHttpApi   = "AWS::Serverless::HttpApi"
	typeRestApi      = "AWS::ApiGateway::RestApi"
	typeV2Api        = "AWS::ApiGatewayV2::Api"
	typeTable        = "AWS::DynamoDB::Table"
	typeGlobalTable  = "AWS::DynamoDB::GlobalTable"
	typeSimpleTable  = "AWS::Serverless::SimpleTable"
	typeBucket       = "AWS::S3::Bucket"
	typeBucketPolicy = "AWS::S3::BucketPolicy"
	typeQueue        = "AWS::SQS::Queue"
	typeAlarm        = "AWS::CloudWatch::Alarm"
	typeKMSKey       = "AWS::KMS::Key"

	// ImplicitRestAPI and ImplicitHTTPAPI are the logical IDs SAM gives the
	// APIs it creates from function events (aws-facts.md section 6).
	ImplicitRestAPI = "ServerlessRestApi"
	ImplicitHTTPAPI = "ServerlessHttpApi"
)

// SAM and Lambda defaults (aws-facts.md section 6, "AWS::Serverless::Function
// defaults", and 3.1): MemorySize 128 MB, Timeout 3 s, x86_64, /tmp 512 MB.
const (
	DefaultMemoryMB    = 128
	DefaultTimeoutS    = 3
	DefaultEphemeralMB = 512
	// DefaultCacheGB is API Gateway's smallest cache, used when
	// CacheClusterEnabled is true without a size (aws-facts.md 1.2).
	DefaultCacheGB = 0.5
)

// Baseline extracts the phenotype of a template as written.
func Baseline(t *cfn.Template) (*State, error) {
	st := &State{}
	b := &builder{t: t, st: st}
	b.alarms()
	b.apis()
	b.queues()
	for _, r := range t.Resources {
		switch r.Type {
		case typeSAMFunction, typeFunction:
			b.function(r)
		case typeTable, typeSimpleTable, typeGlobalTable:
			b.table(r)
		case typeBucket:
			b.bucket(r)
		case typeKMSKey:
			if !r.Implicit {
				st.CustomerKeys++
			}
		}
	}
	b.links()
	st.index()
	return st, nil
}

type builder struct {
	t  *cfn.Template
	st *State
}

func (b *builder) alarms() {
	for _, r := range b.t.ByType(typeAlarm) {
		a := Alarm{
			ID:                r.ID,
			Namespace:         text(r.Prop("Namespace")),
			MetricName:        text(r.Prop("MetricName")),
			Statistic:         text(r.Prop("Statistic")),
			Metrics:           1,
			PeriodS:           number(r.Prop("Period"), 60), // unreadable: 60 s, as the alarms genome.Apply writes
			EvaluationPeriods: int(number(r.Prop("EvaluationPeriods"), 1)),
			Threshold:         number(r.Prop("Threshold"), 0),
			Comparison:        text(r.Prop("ComparisonOperator")),
			Function:          -1,
		}
		if a.Statistic == "" {
			a.Statistic = text(r.Prop("ExtendedStatistic"))
		}
		a.DatapointsToAlarm = int(number(r.Prop("DatapointsToAlarm"), float64(a.EvaluationPeriods)))
		if ms := r.Prop("Metrics"); ms != nil && ms.Kind == cfn.List {
			n := 0
			for _, m := range ms.List {
				if ms := m.Get("MetricStat"); ms != nil {
					n++
					if a.MetricName == "" {
						a.Namespace = text(ms.Get("Metric", "Namespace"))
						a.MetricName = text(ms.Get("Metric", "MetricName"))
						a.PeriodS = number(ms.Get("Period"), a.PeriodS)
						a.Statistic = text(ms.Get("Stat"))
					}
				}
			}
			if n > 0 {
				a.Metrics = n
			}
		}
		// High resolution alarms have periods of 10 or 30 s (aws-facts.md 1.6).
		a.HighResolution = a.PeriodS < 60
		for _, k := range []string{"AlarmActions", "OKActions", "InsufficientDataActions"} {
			if len(list(r.Prop(k))) > 0 {
				a.HasActions = true
			}
		}
		b.st.Alarms = append(b.st.Alarms, a)
	}
}

// alarmDimensionsRefer reports whether an alarm resource watches function id.
func alarmWatches(r *cfn.Resource, id string) bool {
	for _, d := range list(r.Prop("Dimensions")) {
		switch text(d.Get("Name")) {
		case "FunctionName", "Resource":
			if refersTo(d.Get("Value"), id) {
				return true
			}
		}
	}
	for _, m := range list(r.Prop("Metrics")) {
		for _, d := range list(m.Get("MetricStat", "Metric", "Dimensions")) {
			if refersTo(d.Get("Value"), id) {
				return true
			}
		}
	}
	return false
}

func (b *builder) apis() {
	t := b.t
	for _, r := range t.Resources {
		a := API{ID: r.ID, Type: r.Type, Implicit: r.Implicit}
		switch r.Type {
		case typeSAMApi:
			a.REST = true
			b.restSettings(&a, r.Properties)
		case typeRestApi:
			a.REST = true
			for _, s := range t.ByType("AWS::ApiGateway::Stage") {
				if refersTo(s.Prop("RestApiId"), r.ID) {
					b.restSettings(&a, s.Properties)
				}
			}
		case typeSAMHttpApi:
			a.AccessLogs = r.Prop("AccessLogSettings") != nil
		case typeV2Api:
			a.WebSocket = strings.EqualFold(text(r.Prop("ProtocolType")), "WEBSOCKET")
			for _, s := range t.ByType("AWS::ApiGatewayV2::Stage") {
				if refersTo(s.Prop("ApiId"), r.ID) {
					a.AccessLogs = a.AccessLogs || s.Prop("AccessLogSettings") != nil
					if ll := text(s.Prop("DefaultRouteSettings", "LoggingLevel")); ll == "ERROR" || ll == "INFO" {
						a.ExecutionLogging = true
					}
				}
			}
		default:
			continue
		}
		b.st.APIs = append(b.st.APIs, a)
	}
	// The implicit APIs, when the template model does not list them itself.
	need := map[string]bool{}
	for _, r := range t.Resources {
		if r.Type != typeSAMFunction {
			continue
		}
		for _, ev := range events(r) {
			switch text(ev.Get("Type")) {
			case "Api":
				if ev.Get("Properties", "RestApiId") == nil {
					need[ImplicitRestAPI] = true
				}
			case "HttpApi":
				if ev.Get("Properties", "ApiId") == nil {
					need[ImplicitHTTPAPI] = true
				}
			}
		}
	}
	for _, id := range []string{ImplicitRestAPI, ImplicitHTTPAPI} {
		if !need[id] || t.Resource(id) != nil {
			continue
		}
		a := API{ID: id, Implicit: true}
		if id == ImplicitRestAPI {
			a.Type, a.REST = typeSAMApi, true
			// SAM applies Globals.Api to the implicit API too.
			if g := t.Root.Get("Globals", "Api"); g != nil {
				b.restSettings(&a, g)
			}
		} else {
			a.Type = typeSAMHttpApi
			a.AccessLogs = t.Root.Get("Globals", "HttpApi", "AccessLogSettings") != nil
		}
		b.st.APIs = append(b.st.APIs, a)
	}
}

// restSettings reads a REST API's (or stage's) cache, logging and tracing.
func (b *builder) restSettings(a *API, p *cfn.Value) {
	if truth(p.Get("CacheClusterEnabled")) {
		a.CacheGB = number(p.Get("CacheClusterSize"), DefaultCacheGB)
	}
	for _, ms := range list(p.Get("MethodSettings")) {
		if ll := text(ms.Get("LoggingLevel")); ll == "ERROR" || ll == "INFO" {
			a.ExecutionLogging = true
		}
		// A method's cache is encrypted when the method caches at all
		// (CachingEnabled) with CacheDataEncrypted (aws-facts.md section 4,
		// api-gw-cache-enabled-and-encrypted): the reading genome's cache
		// gene writes and sim/compliance's facts use.
		if genome.CachesEncrypted(ms) {
			a.CacheEncrypted = true
		}
	}
	if p.Get("AccessLogSetting") != nil {
		a.AccessLogs = true
	}
	if truth(p.Get("TracingEnabled")) {
		a.XRay = true
	}
}

func (b *builder) queues() {
	for _, r := range b.t.ByType(typeQueue) {
		q := Queue{ID: r.ID, FIFO: truth(r.Prop("FifoQueue"))}
		switch {
		case r.Prop("KmsMasterKeyId") != nil:
			q.Encrypted, q.EncryptedExplicit = true, true
		case r.Prop("SqsManagedSseEnabled") != nil:
			q.Encrypted, q.EncryptedExplicit = truth(r.Prop("SqsManagedSseEnabled")), true
		default:
			// SSE-SQS is on by default for new queues since 2022-10 (AWS What's
			// New "Amazon SQS announces server-side encryption with Amazon
			// SQS-managed encryption keys (SSE-SQS) by default"), [U] here.
			q.Encrypted = true
		}
		b.st.Queues = append(b.st.Queues, q)
	}
}

// events returns a SAM function's event sources.
func events(r *cfn.Resource) []*cfn.Value {
	ev := r.Prop("Events")
	if ev == nil || ev.Kind != cfn.Map {
		return nil
	}
	out := make([]*cfn.Value, 0, len(ev.Keys))
	for _, k := range ev.Keys {
		out = append(out, ev.Fields[k])
	}
	return out
}

// asyncEvents are the SAM event types that invoke a function without a
// caller waiting for the answer.
var asyncEvents = map[string]bool{
	"S3": true, "SNS": true, "SQS": true, "EventBridgeRule": true, "CloudWatchEvent": true,
	"Schedule": true, "ScheduleV2": true, "DynamoDB": true, "Kinesis": true, "MSK": true,
	"MQ": true, "SelfManagedKafka": true, "CloudWatchLogs": true, "IoTRule": true, "DocumentDB": true,
}

func (b *builder) function(r *cfn.Resource) {
	t := b.t
	f := Function{
		ID: r.ID, Type: r.Type,
		MemoryMB:    number(r.Prop("MemorySize"), DefaultMemoryMB),
		TimeoutS:    number(r.Prop("Timeout"), DefaultTimeoutS),
		Reserved:    None,
		Runtime:     text(r.Prop("Runtime")),
		Image:       text(r.Prop("PackageType")) == "Image",
		EphemeralMB: number(r.Prop("EphemeralStorage", "Size"), DefaultEphemeralMB),
		API:         -1,
		Queue:       -1,
		Role:        text(r.Prop("Role")),
	}
	for _, a := range list(r.Prop("Architectures")) {
		if text(a) == "arm64" {
			f.Arch = ARM64
		}
	}
	if n, ok := r.Prop("ReservedConcurrentExecutions").Int(); ok {
		f.Reserved = n
	}
	if n, ok := r.Prop("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions").Int(); ok {
		f.Provisioned = n
	}
	f.Alias = r.Prop("AutoPublishAlias") != nil
	for _, al := range t.ByType("AWS::Lambda::Alias") {
		if al.Implicit || !refersTo(al.Prop("FunctionName"), r.ID) {
			continue
		}
		f.Alias = true
		if n, ok := al.Prop("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions").Int(); ok {
			f.Provisioned += n
		}
	}
	if dp := r.Prop("DeploymentPreference"); dp != nil && dp.Kind == cfn.Map {
		enabled := true
		if e, ok := dp.Get("Enabled").Truth(); ok {
			enabled = e
		}
		if enabled {
			// A Type that is an intrinsic function evoarch cannot resolve
			// (Fn::If, Fn::Sub, Fn::FindInMap, a Ref to a parameter without
			// a Default; cfn resolves a Ref to one with a Default) reads as
			// "", DeployNone: modeled as no CodeDeploy deployment, as
			// sim/compliance reads the template (its codedeploy rules are
			// then NOT_APPLICABLE), so that check and evaluate agree. It is
			// not silent: genome.Derive skips the function's Type gene with
			// a reason that says so. Alarms and hooks are read as written.
			name := text(dp.Get("Type"))
			f.Deploy = ParseDeploy(name)
			if f.Deploy == DeployCustom {
				f.DeployName = name
			}
			f.PreTraffic = dp.Get("Hooks", "PreTraffic") != nil
			f.PostTraffic = dp.Get("Hooks", "PostTraffic") != nil
			for _, a := range list(dp.Get("Alarms")) {
				f.DeclaredAlarms++
				for i := range b.st.Alarms {
					if refersTo(a, b.st.Alarms[i].ID) {
						f.Alarms = append(f.Alarms, i)
					}
				}
			}
		}
	}
	f.HookFunction = strings.HasPrefix(text(r.Prop("FunctionName")), "CodeDeployHook_")
	for _, o := range t.Resources {
		if hooks := o.Prop("DeploymentPreference", "Hooks"); hooks != nil && o.ID != r.ID && refersTo(hooks, r.ID) {
			f.HookFunction = true
		}
	}
	f.DLQ = r.Prop("DeadLetterQueue") != nil || r.Prop("DeadLetterConfig", "TargetArn") != nil
	f.InVPC = len(list(r.Prop("VpcConfig", "SubnetIds"))) > 0
	f.Tracing = text(r.Prop("Tracing")) == "Active" || text(r.Prop("TracingConfig", "Mode")) == "Active"
	if text(r.Prop("FunctionUrlConfig", "AuthType")) == "NONE" {
		f.PublicAccess = true
	}
	for _, u := range t.ByType("AWS::Lambda::Url") {
		if refersTo(u.Prop("TargetFunctionArn"), r.ID) && text(u.Prop("AuthType")) == "NONE" {
			f.PublicAccess = true
		}
	}
	for _, p := range t.ByType("AWS::Lambda::Permission") {
		if p.Implicit || !refersTo(p.Prop("FunctionName"), r.ID) {
			continue
		}
		if publicPermission(p) {
			f.PublicAccess = true
		}
	}
	sync := false
	for _, ev := range events(r) {
		typ := text(ev.Get("Type"))
		switch typ {
		case "Api":
			sync = true
			f.API = b.apiFor(ev.Get("Properties", "RestApiId"), ImplicitRestAPI)
		case "HttpApi":
			sync = true
			f.API = b.apiFor(ev.Get("Properties", "ApiId"), ImplicitHTTPAPI)
		case "SQS":
			for i, q := range b.st.Queues {
				if refersTo(ev.Get("Properties", "Queue"), q.ID) {
					f.Queue = i
				}
			}
		}
		if asyncEvents[typ] {
			f.Async = true
		}
	}
	if sync {
		f.Async = false
	}
	b.st.Functions = append(b.st.Functions, f)
}

// apiFor returns the index of the API an event names, or of the implicit one.
func (b *builder) apiFor(ref *cfn.Value, implicit string) int {
	for i, a := range b.st.APIs {
		if ref == nil && a.ID == implicit {
			return i
		}
		if ref != nil && refersTo(ref, a.ID) {
			return i
		}
	}
	return -1
}

func (b *builder) table(r *cfn.Resource) {
	tb := Table{ID: r.ID, Type: r.Type}
	pt := r.Prop("ProvisionedThroughput")
	switch r.Type {
	case typeSimpleTable:
		// A SimpleTable without ProvisionedThroughput is PAY_PER_REQUEST
		// (aws-facts.md section 6, SAM commit b96e40d).
		tb.Provisioned = pt != nil
	case typeGlobalTable:
		tb.Provisioned = text(r.Prop("BillingMode")) == "PROVISIONED"
		tb.WCU = number(r.Prop("WriteProvisionedThroughputSettings", "WriteCapacityAutoScalingSettings", "MinCapacity"), 0)
		if n := len(list(r.Prop("Replicas"))); n > 1 {
			tb.Replicas = n - 1
		}
		if ts := r.Prop("WriteProvisionedThroughputSettings", "WriteCapacityAutoScalingSettings"); ts != nil {
			tb.AutoScaleTarget = number(ts.Get("TargetTrackingScalingPolicyConfiguration", "TargetValue"), 0)
			tb.AutoScaleMinWCU = number(ts.Get("MinCapacity"), 0)
			tb.AutoScaleMaxWCU = number(ts.Get("MaxCapacity"), 0)
		}
	default:
		// AWS::DynamoDB::Table's BillingMode defaults to PROVISIONED, which
		// needs ProvisionedThroughput; a table with neither cannot be
		// provisioned and is read as on-demand.
		switch text(r.Prop("BillingMode")) {
		case "PAY_PER_REQUEST":
		case "PROVISIONED":
			tb.Provisioned = true
		default:
			tb.Provisioned = pt != nil
		}
	}
	if pt != nil {
		tb.RCU = number(pt.Get("ReadCapacityUnits"), 0)
		tb.WCU = number(pt.Get("WriteCapacityUnits"), 0)
	}
	if sse := r.Prop("SSESpecification"); sse != nil && truth(sse.Get("SSEEnabled")) {
		tb.SSE = SSEManagedKMS
		if k := sse.Get("KMSMasterKeyId"); k != nil {
			tb.SSE = SSECustomerKMS
			for _, key := range b.t.ByType(typeKMSKey) {
				if refersTo(k, key.ID) {
					tb.CustomerKeyInTemplate = true
				}
			}
		}
	}
	tb.PITR = truth(r.Prop("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
	tb.GSIs = len(list(r.Prop("GlobalSecondaryIndexes")))
	tb.Stream = r.Prop("StreamSpecification") != nil
	tb.DeletionProtection = truth(r.Prop("DeletionProtectionEnabled"))
	// Auto scaling: ScalableTargets whose ResourceId names this table, with a
	// target tracking policy (aws-facts.md section 4, dynamodb-autoscaling-enabled).
	for _, st := range b.t.ByType("AWS::ApplicationAutoScaling::ScalableTarget") {
		if text(st.Prop("ServiceNamespace")) != "dynamodb" || !refersTo(st.Prop("ResourceId"), r.ID) {
			continue
		}
		dim := text(st.Prop("ScalableDimension"))
		if strings.Contains(dim, ":index:") {
			continue
		}
		for _, pol := range b.t.ByType("AWS::ApplicationAutoScaling::ScalingPolicy") {
			if !refersTo(pol.Prop("ScalingTargetId"), st.ID) && !refersTo(pol.Prop("ResourceId"), r.ID) {
				continue
			}
			if v, ok := pol.Prop("TargetTrackingScalingPolicyConfiguration", "TargetValue").Float(); ok {
				tb.AutoScaleTarget = v
			}
		}
		min, max := number(st.Prop("MinCapacity"), 0), number(st.Prop("MaxCapacity"), 0)
		if strings.HasSuffix(dim, "ReadCapacityUnits") {
			tb.AutoScaleMinRCU, tb.AutoScaleMaxRCU = min, max
		} else {
			tb.AutoScaleMinWCU, tb.AutoScaleMaxWCU = min, max
		}
	}
	b.st.Tables = append(b.st.Tables, tb)
}

func (b *builder) bucket(r *cfn.Resource) {
	bk := Bucket{ID: r.ID}
	for _, rule := range list(r.Prop("BucketEncryption", "ServerSideEncryptionConfiguration")) {
		switch text(rule.Get("ServerSideEncryptionByDefault", "SSEAlgorithm")) {
		case "AES256":
			bk.SSE = BucketSSEAES256
		case "aws:kms", "aws:kms:dsse":
			bk.SSE = BucketSSEKMS
			if truth(rule.Get("BucketKeyEnabled")) {
				bk.SSE = BucketSSEKMSBucketKey
			}
		}
	}
	bk.Versioning = text(r.Prop("VersioningConfiguration", "Status")) == "Enabled"
	bk.Logging = r.Prop("LoggingConfiguration") != nil
	for _, rule := range list(r.Prop("ReplicationConfiguration", "Rules")) {
		if text(rule.Get("Status")) == "Enabled" {
			bk.Replication = true
			// The destination's region is not in the template: assume
			// cross-region, the common case and the costlier one.
			bk.CrossRegion = true
		}
	}
	if pab := r.Prop("PublicAccessBlockConfiguration"); pab != nil {
		bk.BlockPublicAcls = truth(pab.Get("BlockPublicAcls"))
		bk.BlockPublicPolicy = truth(pab.Get("BlockPublicPolicy"))
		bk.IgnorePublicAcls = truth(pab.Get("IgnorePublicAcls"))
		bk.RestrictPublicBuckets = truth(pab.Get("RestrictPublicBuckets"))
	}
	switch text(r.Prop("AccessControl")) {
	case "PublicRead":
		bk.PublicReadACL = true
	case "PublicReadWrite":
		bk.PublicReadACL, bk.PublicWriteACL = true, true
	}
	bk.Website = r.Prop("WebsiteConfiguration") != nil
	// The bucket's policies and their TLS-only denies, read as genome's
	// TLSOnlyPolicy gene reads them (one predicate for both).
	name := text(r.Prop("BucketName"))
	for _, p := range b.t.ByType(typeBucketPolicy) {
		if !genome.PolicyNamesBucket(p.Prop("Bucket"), r.ID, name) {
			continue
		}
		for _, s := range list(p.Prop("PolicyDocument", "Statement")) {
			if genome.TLSDenyStatement(s) {
				bk.TLSOnly = true
			}
			if text(s.Get("Effect")) != "Allow" || !genome.PublicPrincipal(s.Get("Principal")) || s.Get("Condition") != nil {
				continue
			}
			for _, a := range list(s.Get("Action")) {
				act := strings.ToLower(text(a))
				if act == "s3:*" || act == "*" || strings.HasPrefix(act, "s3:get") || strings.HasPrefix(act, "s3:list") {
					bk.PolicyPublicRead = true
				}
				if act == "s3:*" || act == "*" || strings.HasPrefix(act, "s3:put") || strings.HasPrefix(act, "s3:delete") {
					bk.PolicyPublicWrite = true
				}
			}
		}
	}
	b.st.Buckets = append(b.st.Buckets, bk)
}

// links resolves alarm -> function references once all functions exist.
func (b *builder) links() {
	for i := range b.st.Alarms {
		r := b.t.Resource(b.st.Alarms[i].ID)
		for j, f := range b.st.Functions {
			if r != nil && alarmWatches(r, f.ID) {
				b.st.Alarms[i].Function = j
				break
			}
		}
	}
}

// publicPermission judges an AWS::Lambda::Permission the way the Guard rule
// for lambda-function-public-access-prohibited does (aws-facts.md section 4):
// an account principal is private; a service principal is private only with
// SourceArn, SourceAccount or PrincipalOrgID, and s3.amazonaws.com only with
// SourceAccount or PrincipalOrgID (buckets can be re-created elsewhere);
// anything else, "*" included, is public.
func publicPermission(p *cfn.Resource) bool {
	principal := p.Prop("Principal")
	if ref, ok := principal.Ref(); ok && ref == "AWS::AccountId" {
		return false
	}
	s := text(principal)
	if isAccountID(s) || strings.HasPrefix(s, "arn:aws:iam::") {
		return false
	}
	scoped := p.Prop("SourceAccount") != nil || p.Prop("PrincipalOrgID") != nil
	switch {
	case s == "s3.amazonaws.com":
		return !scoped
	case strings.HasSuffix(s, ".amazonaws.com"):
		return !scoped && p.Prop("SourceArn") == nil
	case s == "" && principal != nil:
		// An intrinsic we cannot resolve: not judged public.
		return false
	}
	return !scoped
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
