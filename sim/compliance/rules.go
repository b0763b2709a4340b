package compliance

import (
	"fmt"
	"strings"

	"github.com/evoarch/evoarch/sim/infra"
)

// Severity weights: this package's own offline table (documented in the
// package doc), used to weight findings in Result.Score.
const (
	SeverityHigh   = 3.0 // public exposure, plain-text transport, unsupported runtimes
	SeverityMedium = 2.0 // encryption at rest, recovery, audit logging, deployment safety
	SeverityLow    = 1.0 // hardening and cost/performance hygiene
)

// Equivalents are the ids other tools use for the same check, where one
// exists: checkov (bridgecrewio/checkov, cloudformation policy index and
// check sources), cfn-lint (aws-cloudformation/cfn-lint rule ids), cfn_nag
// (stelligent/cfn_nag ids as mapped in aws-guard-rules-registry
// mappings/rule_set_cfn_nag.json) and cfn-guard (aws-guard-rules-registry
// rule names). Suppressions written for those tools are honoured through it.
type Equivalents struct {
	Checkov []string `json:"checkov,omitempty"`
	CfnLint []string `json:"cfn_lint,omitempty"`
	CfnNag  []string `json:"cfn_nag,omitempty"`
	Guard   []string `json:"guard,omitempty"`
}

// Rule is one AWS Config managed rule as evoarch evaluates it on templates.
type Rule struct {
	// ID is the AWS Config managed rule name ("s3-bucket-logging-enabled").
	ID          string `json:"id"`
	Description string `json:"description"`
	// ResourceTypes are the template types the rule is evaluated on.
	ResourceTypes []string `json:"resource_types"`
	// Severity is the rule's weight in the score (SeverityHigh, ...).
	Severity    float64     `json:"severity"`
	Equivalents Equivalents `json:"equivalents"`
	// Help says how to comply, in template terms.
	Help string `json:"help"`
	// Params are the Config rule parameters evoarch honours, by their Config
	// names (compliance.parameters.<rule>.<param> in a scenario).
	Params []string `json:"parameters,omitempty"`
	// HelpURI is the rule's AWS Config documentation page ("" when the rule
	// is not an AWS Config managed rule).
	HelpURI string `json:"help_uri,omitempty"`

	notConfig bool
	kinds     []kind
	eval      evalFunc
}

// status is a finding's outcome.
type status uint8

const (
	notApplicable status = iota
	compliant
	nonCompliant
)

// The three statuses, as AWS Config writes them.
const (
	StatusCompliant     = "COMPLIANT"
	StatusNonCompliant  = "NON_COMPLIANT"
	StatusNotApplicable = "NOT_APPLICABLE"
)

func (s status) String() string {
	switch s {
	case compliant:
		return StatusCompliant
	case nonCompliant:
		return StatusNonCompliant
	}
	return StatusNotApplicable
}

// evalFunc evaluates a rule on one subject of a variant. It must not
// allocate unless explain is true, in which case it also returns a message.
type evalFunc func(e *Engine, st *infra.State, s *subject, explain bool) (status, string)

var (
	s3Types       = []string{"AWS::S3::Bucket"}
	tableTypes    = []string{"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::DynamoDB::GlobalTable"}
	functionTypes = []string{"AWS::Lambda::Function", "AWS::Serverless::Function"}
	restTypes     = []string{"AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment", "AWS::Serverless::Api"}
	v2Types       = []string{"AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi"}
)

// table is the rule table, in the order findings list rules.
var table = []Rule{
	{
		ID:            "s3-bucket-logging-enabled",
		Description:   "S3 server access logging is enabled.",
		ResourceTypes: s3Types, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_18"}, CfnNag: []string{"W35"}, Guard: []string{"S3_BUCKET_LOGGING_ENABLED"}},
		Help:        "Add LoggingConfiguration with a DestinationBucketName (and LogFilePrefix) to the bucket.",
		kinds:       []kind{kindBucket}, eval: evalS3Logging,
	},
	{
		ID:            "s3-bucket-replication-enabled",
		Description:   "The bucket has an enabled replication rule.",
		ResourceTypes: s3Types, Severity: SeverityLow,
		Equivalents: Equivalents{Guard: []string{"S3_BUCKET_REPLICATION_ENABLED"}},
		Help:        "Add ReplicationConfiguration with a Rule whose Status is Enabled; replication also needs VersioningConfiguration.Status: Enabled on source and destination.",
		Params:      []string{"ReplicationType"},
		kinds:       []kind{kindBucket}, eval: evalS3Replication,
	},
	{
		ID:            "s3-bucket-versioning-enabled",
		Description:   "S3 versioning is enabled.",
		ResourceTypes: s3Types, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_21"}, Guard: []string{"S3_BUCKET_VERSIONING_ENABLED"}},
		Help:        "Set VersioningConfiguration.Status: Enabled.",
		kinds:       []kind{kindBucket}, eval: evalS3Versioning,
	},
	{
		ID:            "s3-bucket-public-write-prohibited",
		Description:   "The bucket does not allow public write access through its ACL or bucket policy.",
		ResourceTypes: s3Types, Severity: SeverityHigh,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_57"}, CfnNag: []string{"F14"}, Guard: []string{"S3_BUCKET_PUBLIC_WRITE_PROHIBITED"}},
		Help:        "Set PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true; drop AccessControl PublicReadWrite and policy statements that Allow \"*\" to write.",
		kinds:       []kind{kindBucket}, eval: evalS3PublicWrite,
	},
	{
		ID:            "s3-bucket-public-read-prohibited",
		Description:   "The bucket does not allow public read access through its ACL or bucket policy.",
		ResourceTypes: s3Types, Severity: SeverityHigh,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_20"}, CfnNag: []string{"W31"}, Guard: []string{"S3_BUCKET_PUBLIC_READ_PROHIBITED"}},
		Help:        "Set PublicAccessBlockConfiguration with all four flags true; drop AccessControl PublicRead/PublicReadWrite and policy statements that Allow \"*\" to read.",
		kinds:       []kind{kindBucket}, eval: evalS3PublicRead,
	},
	{
		ID:            "s3-bucket-ssl-requests-only",
		Description:   "A bucket policy denies requests that do not use TLS.",
		ResourceTypes: s3Types, Severity: SeverityHigh,
		Equivalents: Equivalents{Guard: []string{"S3_BUCKET_SSL_REQUESTS_ONLY"}},
		Help:        "Add an AWS::S3::BucketPolicy for the bucket with a statement Effect: Deny, Principal: \"*\", Action: s3:*, Resource: the bucket ARN and bucket/*, Condition: {Bool: {aws:SecureTransport: false}}.",
		kinds:       []kind{kindBucket}, eval: evalS3TLS,
	},
	{
		ID:            "s3-bucket-server-side-encryption-enabled",
		Description:   "S3 default encryption is enabled (SSE-S3 or SSE-KMS).",
		ResourceTypes: s3Types, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_19"}, CfnNag: []string{"W41"}, Guard: []string{"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"}},
		Help:        "Add BucketEncryption.ServerSideEncryptionConfiguration with SSEAlgorithm AES256 or aws:kms.",
		kinds:       []kind{kindBucket}, eval: evalS3SSE,
	},
	{
		ID:            "s3-bucket-level-public-access-prohibited",
		Description:   "The bucket's Block Public Access settings are all on.",
		ResourceTypes: s3Types, Severity: SeverityHigh,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"}, Guard: []string{"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"}},
		Help:        "Set PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true.",
		Params:      []string{"excludedPublicBuckets"},
		kinds:       []kind{kindBucket}, eval: evalS3LevelPublic,
	},
	{
		ID:            "s3-default-encryption-kms",
		Description:   "The bucket's default encryption uses AWS KMS.",
		ResourceTypes: s3Types, Severity: SeverityMedium,
		Equivalents: Equivalents{Guard: []string{"S3_DEFAULT_ENCRYPTION_KMS"}},
		Help:        "Set SSEAlgorithm: aws:kms (optionally KMSMasterKeyID and BucketKeyEnabled: true to cut KMS requests).",
		kinds:       []kind{kindBucket}, eval: evalS3KMS,
	},
	{
		ID:            "dynamodb-autoscaling-enabled",
		Description:   "The table is on-demand, or provisioned with auto scaling of reads and writes.",
		ResourceTypes: tableTypes, Severity: SeverityMedium,
		Help:  "Use BillingMode: PAY_PER_REQUEST, or add AWS::ApplicationAutoScaling::ScalableTarget resources for dynamodb:table:ReadCapacityUnits and WriteCapacityUnits (ResourceId table/<name>) with TargetTrackingScaling policies.",
		kinds: []kind{kindTable}, eval: evalDDBAutoscaling,
	},
	{
		ID:            "dynamodb-throughput-limit-check",
		Description:   "The provisioned read and write capacity of the account stays under the threshold share of the account quota.",
		ResourceTypes: []string{"AWS::::Account"}, Severity: SeverityMedium,
		Help:   "Lower ProvisionedThroughput, or move tables to PAY_PER_REQUEST.",
		Params: []string{"accountRCUThresholdPercentage", "accountWCUThresholdPercentage"},
		kinds:  []kind{kindAccount}, eval: evalDDBThroughput,
	},
	{
		ID:            "dynamodb-pitr-enabled",
		Description:   "Point-in-time recovery is enabled.",
		ResourceTypes: tableTypes, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_28", "CKV_AWS_165"}, CfnNag: []string{"W78"}, Guard: []string{"DYNAMODB_PITR_ENABLED"}},
		Help:        "Set PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true.",
		kinds:       []kind{kindTable}, eval: evalDDBPITR,
	},
	{
		ID:            "dynamodb-table-encrypted-kms",
		Description:   "The table is encrypted with an AWS KMS key.",
		ResourceTypes: tableTypes, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_119"}, CfnNag: []string{"W74"}, Guard: []string{"DYNAMODB_TABLE_ENCRYPTED_KMS"}},
		Help:        "Set SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: <key>}.",
		kinds:       []kind{kindTable}, eval: evalDDBKMS,
	},
	{
		ID:            "dynamodb-table-encryption-enabled",
		Description:   "The table's encryption at rest is reported enabled.",
		ResourceTypes: tableTypes, Severity: SeverityMedium,
		Equivalents: Equivalents{Guard: []string{"DYNAMODB_TABLE_MUST_BE_ENCRYPTED"}},
		Help:        "Set SSESpecification.SSEEnabled: true.",
		kinds:       []kind{kindTable}, eval: evalDDBEncryption,
	},
	{
		ID:            "lambda-function-public-access-prohibited",
		Description:   "The function's resource-based policy does not allow public access.",
		ResourceTypes: functionTypes, Severity: SeverityHigh,
		Equivalents: Equivalents{CfnNag: []string{"F13"}, Guard: []string{"LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED"}},
		Help:        "Give every AWS::Lambda::Permission an account Principal, or a service Principal with SourceArn/SourceAccount (S3: SourceAccount); do not use FunctionUrl AuthType NONE.",
		kinds:       []kind{kindFunction}, eval: evalLambdaPublic,
	},
	{
		ID:            "lambda-function-settings-check",
		Description:   "The function's runtime (and, when given as parameters, timeout, memory size and role) match the expected values; deprecated runtimes fail.",
		ResourceTypes: functionTypes, Severity: SeverityHigh,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_363"}, CfnLint: []string{"E2531"}},
		Help:        "Move Runtime to a supported runtime of the same language (see the Lambda runtimes page).",
		Params:      []string{"runtime", "timeout", "memorySize", "role"},
		kinds:       []kind{kindFunction}, eval: evalLambdaSettings,
	},
	{
		ID:            "lambda-concurrency-check",
		Description:   "A function-level concurrency limit is set.",
		ResourceTypes: functionTypes, Severity: SeverityLow,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_115"}, CfnNag: []string{"W92"}, Guard: []string{"LAMBDA_CONCURRENCY_CHECK"}},
		Help:        "Set ReservedConcurrentExecutions.",
		Params:      []string{"ConcurrencyLimitLow", "ConcurrencyLimitHigh"},
		kinds:       []kind{kindFunction}, eval: evalLambdaConcurrency,
	},
	{
		ID:            "lambda-dlq-check",
		Description:   "A dead-letter queue is configured.",
		ResourceTypes: functionTypes, Severity: SeverityLow,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_116"}, Guard: []string{"LAMBDA_DLQ_CHECK"}},
		Help:        "Set DeadLetterQueue {Type: SQS|SNS, TargetArn} (SAM) or DeadLetterConfig.TargetArn.",
		kinds:       []kind{kindFunction}, eval: evalLambdaDLQ,
	},
	{
		ID:            "lambda-inside-vpc",
		Description:   "The function runs inside a VPC.",
		ResourceTypes: functionTypes, Severity: SeverityLow,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_117"}, CfnNag: []string{"W89"}, Guard: []string{"LAMBDA_INSIDE_VPC"}},
		Help:        "Set VpcConfig with SubnetIds and SecurityGroupIds.",
		kinds:       []kind{kindFunction}, eval: evalLambdaVPC,
	},
	{
		ID:            "api-gw-execution-logging-enabled",
		Description:   "API Gateway execution logging is on at level ERROR or INFO.",
		ResourceTypes: append(append([]string{}, restTypes...), v2Types...), Severity: SeverityMedium,
		Equivalents: Equivalents{Guard: []string{"API_GW_EXECUTION_LOGGING_ENABLED"}},
		Help:        "Add MethodSettings [{ResourcePath: \"/*\", HttpMethod: \"*\", LoggingLevel: ERROR}] to the stage (WebSocket: DefaultRouteSettings.LoggingLevel).",
		kinds:       []kind{kindAPI}, eval: evalAPIExecLogging,
	},
	{
		ID:            "api-gw-cache-enabled-and-encrypted",
		Description:   "The REST stage's cache is on and encrypted.",
		ResourceTypes: restTypes, Severity: SeverityLow,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_120"}, CfnNag: []string{"W87"}, Guard: []string{"API_GW_CACHE_ENABLED_AND_ENCRYPTED"}},
		Help:        "Set CacheClusterEnabled: true, CacheClusterSize, and MethodSettings with CachingEnabled: true and CacheDataEncrypted: true (the cache costs from $14.60 a month).",
		kinds:       []kind{kindAPI}, eval: evalAPICache,
	},
	{
		ID:            "api-gwv2-access-logs-enabled",
		Description:   "The API Gateway v2 stage has access logging.",
		ResourceTypes: v2Types, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_95"}, CfnNag: []string{"W46"}, Guard: []string{"API_GWV2_ACCESS_LOGS_ENABLED"}},
		Help:        "Set AccessLogSettings {DestinationArn, Format} on the stage (SAM HttpApi: AccessLogSettings).",
		kinds:       []kind{kindAPI}, eval: evalAPIv2AccessLogs,
	},
	{
		ID:            "api-gw-xray-enabled",
		Description:   "X-Ray tracing is on for the REST stage.",
		ResourceTypes: restTypes, Severity: SeverityLow,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_73"}},
		Help:        "Set TracingEnabled: true.",
		kinds:       []kind{kindAPI}, eval: evalAPIXRay,
	},
	{
		ID:            "codedeploy-lambda-allatonce-traffic-shift-disabled",
		Description:   "The Lambda deployment group does not shift all traffic at once.",
		ResourceTypes: append([]string{"AWS::CodeDeploy::DeploymentGroup"}, functionTypes...), Severity: SeverityMedium,
		Help:  "Use a Canary10Percent* or Linear10Percent* DeploymentPreference.Type instead of AllAtOnce.",
		kinds: []kind{kindFunction, kindDeployGroup}, eval: evalAllAtOnce,
	},
	{
		ID:            "codedeploy-auto-rollback-monitor-enabled",
		Description:   "The deployment group rolls back automatically and is monitored by alarms.",
		ResourceTypes: append([]string{"AWS::CodeDeploy::DeploymentGroup"}, functionTypes...), Severity: SeverityMedium,
		Help:  "List CloudWatch alarms in DeploymentPreference.Alarms (SAM enables automatic rollback itself); for a declared deployment group set AutoRollbackConfiguration.Enabled and AlarmConfiguration {Enabled: true, Alarms}.",
		kinds: []kind{kindFunction, kindDeployGroup}, eval: evalRollbackMonitor,
	},
	{
		ID:            "cloudwatch-alarm-action-check",
		Description:   "The alarm has actions for the states the parameters require (ALARM and INSUFFICIENT_DATA by default).",
		ResourceTypes: []string{"AWS::CloudWatch::Alarm"}, Severity: SeverityLow,
		Help:   "Set AlarmActions and InsufficientDataActions (and OKActions when required).",
		Params: []string{"alarmActionRequired", "insufficientDataActionRequired", "okActionRequired"},
		kinds:  []kind{kindAlarm}, eval: evalAlarmActions,
	},
	{
		ID:            "sqs-queue-encrypted",
		Description:   "The queue is encrypted at rest (SSE-SQS or SSE-KMS). No AWS Config managed rule was found for this; it follows Security Hub control SQS.1.",
		ResourceTypes: []string{"AWS::SQS::Queue"}, Severity: SeverityMedium,
		Equivalents: Equivalents{Checkov: []string{"CKV_AWS_27"}, CfnNag: []string{"W48"}},
		Help:        "Set SqsManagedSseEnabled: true or KmsMasterKeyId.",
		notConfig:   true,
		kinds:       []kind{kindQueue}, eval: evalSQSEncrypted,
	},
}

// Rules returns the rule table, in the order findings list rules.
func Rules() []Rule {
	out := append([]Rule(nil), table...)
	for i := range out {
		if !out[i].notConfig {
			out[i].HelpURI = configDocs + out[i].ID + ".html"
		}
	}
	return out
}

// configDocs is where the AWS Config developer guide documents managed rules.
const configDocs = "https://docs.aws.amazon.com/config/latest/developerguide/"

func ruleIndex(id string) int {
	for i := range table {
		if table[i].ID == id {
			return i
		}
	}
	return -1
}

func (r *Rule) applies(k kind) bool {
	for _, x := range r.kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ---- accessors: the variant's value, or the template's ----

func (e *Engine) bucket(st *infra.State, s *subject) *infra.Bucket {
	if st != nil && s.st >= 0 && s.st < len(st.Buckets) {
		return &st.Buckets[s.st]
	}
	return &e.tpl.Buckets[s.tpl]
}

func (e *Engine) table(st *infra.State, s *subject) *infra.Table {
	if st != nil && s.st >= 0 && s.st < len(st.Tables) {
		return &st.Tables[s.st]
	}
	return &e.tpl.Tables[s.tpl]
}

func (e *Engine) function(st *infra.State, s *subject) *infra.Function {
	if st != nil && s.st >= 0 && s.st < len(st.Functions) {
		return &st.Functions[s.st]
	}
	return &e.tpl.Functions[s.tpl]
}

func (e *Engine) api(st *infra.State, s *subject) *infra.API {
	if st != nil && s.st >= 0 && s.st < len(st.APIs) {
		return &st.APIs[s.st]
	}
	return &e.tpl.APIs[s.tpl]
}

func (e *Engine) queue(st *infra.State, s *subject) *infra.Queue {
	if st != nil && s.st >= 0 && s.st < len(st.Queues) {
		return &st.Queues[s.st]
	}
	return &e.tpl.Queues[s.tpl]
}

func (e *Engine) fromTemplate(st *infra.State, s *subject) bool {
	return st == nil || s.st < 0
}

func pass(ok bool) status {
	if ok {
		return compliant
	}
	return nonCompliant
}

// ---- S3 ----

func evalS3Logging(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	b := e.bucket(st, s)
	if !explain {
		return pass(b.Logging), ""
	}
	if b.Logging {
		return compliant, "server access logging is configured"
	}
	return nonCompliant, "no LoggingConfiguration: server access logging is off"
}

func evalS3Replication(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	b := e.bucket(st, s)
	ok := b.Replication
	switch e.params.replType {
	case "CROSS-REGION":
		ok = ok && b.CrossRegion
	case "SAME-REGION":
		ok = ok && !b.CrossRegion
	}
	if !explain {
		return pass(ok), ""
	}
	switch {
	case !b.Replication:
		return nonCompliant, "no ReplicationConfiguration rule with Status: Enabled"
	case !ok:
		return nonCompliant, fmt.Sprintf("replication is not of type %s", e.params.replType)
	}
	return compliant, "replication is enabled"
}

func evalS3Versioning(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	b := e.bucket(st, s)
	if !explain {
		return pass(b.Versioning), ""
	}
	if b.Versioning {
		return compliant, "versioning is enabled"
	}
	return nonCompliant, "VersioningConfiguration.Status is not Enabled"
}

// effectiveBPA returns the four Block Public Access flags in force: the
// declared ones, and under deployed semantics an undeclared flag is on (new
// buckets get BPA since 2023-04, aws-facts.md section 4).
func (e *Engine) effectiveBPA(b *infra.Bucket, s *subject) (acls, policy, ignore, restrict bool) {
	acls, policy, ignore, restrict = b.BlockPublicAcls, b.BlockPublicPolicy, b.IgnorePublicAcls, b.RestrictPublicBuckets
	if e.deployed {
		acls = acls || !s.bpaDeclared[0]
		policy = policy || !s.bpaDeclared[1]
		ignore = ignore || !s.bpaDeclared[2]
		restrict = restrict || !s.bpaDeclared[3]
	}
	return
}

// evalPublic is s3-bucket-public-{read,write}-prohibited. Template semantics
// follow cfn-guard (all four BPA flags declared true); deployed semantics
// follow Config: COMPLIANT when (BPA restricts policies or the policy is not
// public) and (BPA restricts ACLs or the ACL is not public).
func evalPublic(e *Engine, b *infra.Bucket, s *subject, acl, policy bool, what string, explain bool) (status, string) {
	bAcls, bPolicy, bIgnore, bRestrict := e.effectiveBPA(b, s)
	var ok bool
	if e.deployed {
		ok = (bPolicy || bRestrict || !policy) && (bAcls || bIgnore || !acl)
	} else {
		ok = bAcls && bPolicy && bIgnore && bRestrict
	}
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, fmt.Sprintf("public %s access is blocked", what)
	}
	var why []string
	if acl {
		why = append(why, fmt.Sprintf("AccessControl grants public %s", what))
	}
	if policy {
		why = append(why, fmt.Sprintf("a bucket policy allows \"*\" to %s", what))
	}
	if !e.deployed {
		why = append(why, "PublicAccessBlockConfiguration does not set all four flags to true")
	}
	return nonCompliant, strings.Join(why, "; ")
}

// ACLs and bucket policies are no gene: they are read from the template.
func evalS3PublicRead(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	t := &e.tpl.Buckets[s.tpl]
	return evalPublic(e, e.bucket(st, s), s, t.PublicReadACL, t.PolicyPublicRead, "read", explain)
}

func evalS3PublicWrite(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	t := &e.tpl.Buckets[s.tpl]
	return evalPublic(e, e.bucket(st, s), s, t.PublicWriteACL, t.PolicyPublicWrite, "write", explain)
}

func evalS3LevelPublic(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	for _, n := range e.params.excludedBuckets {
		if n == s.ID || s.name != "" && n == s.name {
			if explain {
				return compliant, "listed in excludedPublicBuckets"
			}
			return compliant, ""
		}
	}
	a, p, i, r := e.effectiveBPA(e.bucket(st, s), s)
	ok := a && p && i && r
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, "all four Block Public Access settings are on"
	}
	return nonCompliant, "PublicAccessBlockConfiguration does not set BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all to true"
}

func evalS3TLS(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	b := e.bucket(st, s)
	if !explain {
		return pass(b.TLSOnly), ""
	}
	if b.TLSOnly {
		return compliant, "a bucket policy denies aws:SecureTransport false"
	}
	return nonCompliant, "no bucket policy denies requests with aws:SecureTransport false"
}

func evalS3SSE(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	b := e.bucket(st, s)
	ok := b.SSE != infra.BucketSSENone || e.deployed
	if !explain {
		return pass(ok), ""
	}
	switch {
	case b.SSE != infra.BucketSSENone:
		return compliant, "default encryption is " + bucketSSEName(b.SSE)
	case ok:
		return compliant, "no BucketEncryption, but S3 applies SSE-S3 to every bucket since 2023-01-05 (deployed semantics)"
	}
	return nonCompliant, "no BucketEncryption.ServerSideEncryptionConfiguration"
}

func evalS3KMS(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	b := e.bucket(st, s)
	ok := b.SSE >= infra.BucketSSEKMS
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, "default encryption is " + bucketSSEName(b.SSE)
	}
	if b.SSE == infra.BucketSSENone && e.deployed {
		return nonCompliant, "default encryption is SSE-S3 (AES256, the S3 default), not aws:kms"
	}
	return nonCompliant, "default encryption is " + bucketSSEName(b.SSE) + ", not aws:kms"
}

func bucketSSEName(s infra.BucketSSE) string {
	switch s {
	case infra.BucketSSEAES256:
		return "AES256"
	case infra.BucketSSEKMS:
		return "aws:kms"
	case infra.BucketSSEKMSBucketKey:
		return "aws:kms with a bucket key"
	}
	return "none"
}

// ---- DynamoDB ----

func evalDDBAutoscaling(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	tb := e.table(st, s)
	scaled := tb.AutoScaleTarget > 0 || e.fromTemplate(st, s) && s.autoscaled
	ok := !tb.Provisioned || scaled
	if !explain {
		return pass(ok), ""
	}
	switch {
	case !tb.Provisioned:
		return compliant, "on-demand (PAY_PER_REQUEST)"
	case ok:
		return compliant, "provisioned with target tracking auto scaling"
	}
	return nonCompliant, "provisioned capacity without auto scaling of reads and writes"
}

// Account quota for provisioned capacity: 80,000 RCU and 80,000 WCU
// (decisions.md "dynamodb-throughput-limit-check"; aws-facts.md section 4).
const accountCapacityQuota = 80000

func evalDDBThroughput(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	tables := e.tpl.Tables
	if st != nil && e.haveState {
		tables = st.Tables
	}
	var rcu, wcu float64
	for i := range tables {
		if tables[i].Provisioned {
			rcu += tables[i].RCU
			wcu += tables[i].WCU
		}
	}
	rcuMax := e.params.rcuPct / 100 * accountCapacityQuota
	wcuMax := e.params.wcuPct / 100 * accountCapacityQuota
	ok := rcu < rcuMax && wcu < wcuMax
	if !explain {
		return pass(ok), ""
	}
	msg := fmt.Sprintf("provisioned %g RCU and %g WCU against thresholds of %g and %g (%g%% and %g%% of the %d quota)",
		rcu, wcu, rcuMax, wcuMax, e.params.rcuPct, e.params.wcuPct, accountCapacityQuota)
	return pass(ok), msg
}

func evalDDBPITR(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	tb := e.table(st, s)
	if !explain {
		return pass(tb.PITR), ""
	}
	if tb.PITR {
		return compliant, "point-in-time recovery is enabled"
	}
	return nonCompliant, "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is not true"
}

// evalDDBKMS: template semantics follow cfn-guard and checkov (a customer
// managed key, KMSMasterKeyId); deployed semantics accept the AWS managed key
// aws/dynamodb as Config probably does (aws-facts.md section 4, [U]).
func evalDDBKMS(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	tb := e.table(st, s)
	ok := tb.SSE == infra.SSECustomerKMS || e.deployed && tb.SSE == infra.SSEManagedKMS
	if !explain {
		return pass(ok), ""
	}
	switch {
	case ok:
		return compliant, "encrypted with " + tableSSEName(tb.SSE)
	case tb.SSE == infra.SSEManagedKMS:
		return nonCompliant, "encrypted with the AWS managed key aws/dynamodb; template semantics require KMSMasterKeyId"
	}
	return nonCompliant, "encrypted with an AWS owned key: SSESpecification.SSEEnabled is not true"
}

// evalDDBEncryption: the table reports an encryption status only for KMS
// encryption (SSEEnabled: true); with the AWS owned key it reports none
// (inferred from the rule text, aws-facts.md section 4 [U]), in both semantics.
func evalDDBEncryption(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	tb := e.table(st, s)
	ok := tb.SSE != infra.SSEOwned
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, "SSEEnabled: true (" + tableSSEName(tb.SSE) + ")"
	}
	return nonCompliant, "SSESpecification.SSEEnabled is not true"
}

func tableSSEName(s infra.SSE) string {
	switch s {
	case infra.SSEManagedKMS:
		return "the AWS managed key aws/dynamodb"
	case infra.SSECustomerKMS:
		return "a customer managed KMS key"
	}
	return "an AWS owned key"
}

// ---- Lambda ----

// Resource policies are no gene: they are read from the template, with this
// package's reading of aws-facts.md section 4.
func evalLambdaPublic(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	fn := &e.tpl.Functions[s.tpl]
	if !explain {
		return pass(!fn.PublicAccess), ""
	}
	if fn.PublicAccess {
		return nonCompliant, "a Lambda permission or function URL lets anyone invoke the function"
	}
	return compliant, "no public resource-based policy"
}

func evalLambdaSettings(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	fn := e.function(st, s)
	tf := &e.tpl.Functions[s.tpl] // package type and role are no genes
	if tf.Image || osOnlyRuntime(fn.Runtime) {
		if explain {
			return notApplicable, "container image or OS-only runtime: the rule ignores it"
		}
		return notApplicable, ""
	}
	if fn.Runtime == "" {
		if explain {
			return notApplicable, "the runtime is not a literal the template states"
		}
		return notApplicable, ""
	}
	p := &e.params
	runtimeOK := true
	if len(p.runtimes) > 0 {
		runtimeOK = false
		for _, r := range p.runtimes {
			if r == fn.Runtime {
				runtimeOK = true
				break
			}
		}
	} else {
		dep, _ := Deprecated(fn.Runtime)
		runtimeOK = !dep
	}
	ok := runtimeOK &&
		(!p.hasTimeout || fn.TimeoutS == p.timeout) &&
		(!p.hasMemory || fn.MemoryMB == p.memory) &&
		(!p.hasRole || tf.Role == p.role || strings.HasSuffix(tf.Role, "/"+p.role))
	if !explain {
		return pass(ok), ""
	}
	var why []string
	if !runtimeOK {
		if len(p.runtimes) > 0 {
			why = append(why, fmt.Sprintf("runtime %s is not in the allowed list %s", fn.Runtime, strings.Join(p.runtimes, ",")))
		} else {
			_, date := Deprecated(fn.Runtime)
			why = append(why, fmt.Sprintf("runtime %s is deprecated (since %s)", fn.Runtime, date))
		}
	}
	if p.hasTimeout && fn.TimeoutS != p.timeout {
		why = append(why, fmt.Sprintf("timeout %g s, expected %g s", fn.TimeoutS, p.timeout))
	}
	if p.hasMemory && fn.MemoryMB != p.memory {
		why = append(why, fmt.Sprintf("memory size %g MB, expected %g MB", fn.MemoryMB, p.memory))
	}
	if p.hasRole && !(tf.Role == p.role || strings.HasSuffix(tf.Role, "/"+p.role)) {
		why = append(why, fmt.Sprintf("role %q, expected %q", tf.Role, p.role))
	}
	if ok {
		return compliant, fmt.Sprintf("runtime %s is supported", fn.Runtime)
	}
	return nonCompliant, strings.Join(why, "; ")
}

func evalLambdaConcurrency(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	fn := e.function(st, s)
	p := &e.params
	set := fn.Reserved >= 0
	ok := set && (!p.hasConcLow || float64(fn.Reserved) >= p.concLow) && (!p.hasConcHigh || float64(fn.Reserved) <= p.concHigh)
	if !explain {
		return pass(ok), ""
	}
	switch {
	case !set:
		return nonCompliant, "no ReservedConcurrentExecutions"
	case !ok:
		return nonCompliant, fmt.Sprintf("reserved concurrency %d is outside the ConcurrencyLimitLow/High bounds", fn.Reserved)
	}
	return compliant, fmt.Sprintf("reserved concurrency %d", fn.Reserved)
}

func evalLambdaDLQ(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	fn := e.function(st, s)
	if !explain {
		return pass(fn.DLQ), ""
	}
	if fn.DLQ {
		return compliant, "a dead-letter queue is configured"
	}
	return nonCompliant, "no DeadLetterQueue / DeadLetterConfig.TargetArn"
}

func evalLambdaVPC(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	fn := &e.tpl.Functions[s.tpl] // VpcConfig is no gene
	if !explain {
		return pass(fn.InVPC), ""
	}
	if fn.InVPC {
		return compliant, "VpcConfig has subnets"
	}
	return nonCompliant, "no VpcConfig.SubnetIds"
}

func evalAllAtOnce(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	var name string
	if s.kind == kindDeployGroup {
		if !strings.HasPrefix(s.deployConfig, "CodeDeployDefault.Lambda") {
			if explain {
				return notApplicable, "not a predefined Lambda deployment configuration"
			}
			return notApplicable, ""
		}
		name = strings.TrimPrefix(s.deployConfig, "CodeDeployDefault.Lambda")
	} else {
		fn := e.function(st, s)
		if fn.Deploy == infra.DeployNone {
			if explain {
				return notApplicable, "no DeploymentPreference: no CodeDeploy deployment group"
			}
			return notApplicable, ""
		}
		name = infra.DeployNames[fn.Deploy]
		if fn.Deploy == infra.DeployCustom {
			name = strings.TrimPrefix(fn.DeployName, "CodeDeployDefault.Lambda")
		}
	}
	ok := name != "AllAtOnce"
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, "traffic shifts with " + name
	}
	return nonCompliant, "the deployment shifts all traffic at once (AllAtOnce)"
}

// evalRollbackMonitor: SAM's deployment groups always enable automatic
// rollback (aws-facts.md section 5, "What SAM generates"); monitoring needs
// alarms, from DeploymentPreference.Alarms or the alarms gene.
func evalRollbackMonitor(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	var ok bool
	if s.kind == kindDeployGroup {
		ok = s.autoRollback && s.alarmConf
		if !explain {
			return pass(ok), ""
		}
		if ok {
			return compliant, "automatic rollback and alarm monitoring are enabled"
		}
		return nonCompliant, "AutoRollbackConfiguration or AlarmConfiguration with alarms is not enabled"
	}
	fn := e.function(st, s)
	if fn.Deploy == infra.DeployNone {
		if explain {
			return notApplicable, "no DeploymentPreference: no CodeDeploy deployment group"
		}
		return notApplicable, ""
	}
	ok = fn.AlarmLevel > 0 || len(fn.Alarms) > 0 || fn.DeclaredAlarms > 0
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, "SAM enables automatic rollback and the deployment is monitored by alarms"
	}
	return nonCompliant, "DeploymentPreference.Alarms is empty: no alarm stops a bad deployment"
}

// ---- API Gateway ----

func evalAPIExecLogging(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	a := e.api(st, s)
	if !a.REST && !a.WebSocket {
		if explain {
			return notApplicable, "HTTP APIs have no execution logging"
		}
		return notApplicable, ""
	}
	if !explain {
		return pass(a.ExecutionLogging), ""
	}
	if a.ExecutionLogging {
		return compliant, "execution logging at ERROR or INFO"
	}
	return nonCompliant, "no MethodSettings LoggingLevel ERROR or INFO"
}

func evalAPICache(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	a := e.api(st, s)
	if !a.REST {
		if explain {
			return notApplicable, "HTTP and WebSocket APIs have no cache"
		}
		return notApplicable, ""
	}
	ok := a.CacheGB > 0 && a.CacheEncrypted
	if !explain {
		return pass(ok), ""
	}
	switch {
	case ok:
		return compliant, fmt.Sprintf("%g GB cache, encrypted", a.CacheGB)
	case a.CacheGB > 0:
		return nonCompliant, "the cache is on but MethodSettings do not set CachingEnabled and CacheDataEncrypted"
	}
	return nonCompliant, "CacheClusterEnabled is not true"
}

func evalAPIv2AccessLogs(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	a := e.api(st, s)
	if a.REST {
		if explain {
			return notApplicable, "a REST API (v1) stage"
		}
		return notApplicable, ""
	}
	if !explain {
		return pass(a.AccessLogs), ""
	}
	if a.AccessLogs {
		return compliant, "access logging is configured"
	}
	return nonCompliant, "no AccessLogSettings"
}

func evalAPIXRay(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	a := e.api(st, s)
	if !a.REST {
		if explain {
			return notApplicable, "API Gateway v2 stages have no X-Ray tracing"
		}
		return notApplicable, ""
	}
	if !explain {
		return pass(a.XRay), ""
	}
	if a.XRay {
		return compliant, "X-Ray tracing is on"
	}
	return nonCompliant, "TracingEnabled is not true"
}

// ---- CloudWatch, SQS ----

func evalAlarmActions(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	p := &e.params
	ok := (!p.alarmReq || s.alarmAction) && (!p.insufficientReq || s.insufficientAction) && (!p.okReq || s.okAction)
	if !explain {
		return pass(ok), ""
	}
	if ok {
		return compliant, "the required alarm actions are set"
	}
	var miss []string
	if p.alarmReq && !s.alarmAction {
		miss = append(miss, "AlarmActions")
	}
	if p.insufficientReq && !s.insufficientAction {
		miss = append(miss, "InsufficientDataActions")
	}
	if p.okReq && !s.okAction {
		miss = append(miss, "OKActions")
	}
	return nonCompliant, "missing " + strings.Join(miss, ", ")
}

func evalSQSEncrypted(e *Engine, st *infra.State, s *subject, explain bool) (status, string) {
	q := e.queue(st, s)
	ok := q.Encrypted && (q.EncryptedExplicit || e.deployed)
	if !explain {
		return pass(ok), ""
	}
	switch {
	case ok && q.EncryptedExplicit:
		return compliant, "encryption at rest is set"
	case ok:
		return compliant, "no encryption setting, but SQS applies SSE-SQS to new queues (deployed semantics)"
	case !q.Encrypted && q.EncryptedExplicit:
		return nonCompliant, "SqsManagedSseEnabled is false"
	}
	return nonCompliant, "neither SqsManagedSseEnabled nor KmsMasterKeyId is set"
}
