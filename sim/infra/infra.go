// Package infra is the phenotype the simulator reads: a variant's resolved
// configuration, resource by resource, as flat structs. Baseline extracts it
// from a parsed template (SAM defaults applied: MemorySize 128 MB, Timeout 3 s,
// x86_64, SimpleTable on-demand); Set applies one gene value to it. The cost,
// latency, compliance and rollout models read only this, never YAML.
//
// A State holds slices of value structs so that a caller can copy a baseline
// into a scratch State with copy() and apply a genome without allocating.
package infra

// None marks an unset count (no reserved concurrency, no provisioned
// concurrency) in int fields documented as such.
const None = -1

// State is one variant's configuration.
type State struct {
	Functions []Function
	Tables    []Table
	Buckets   []Bucket
	APIs      []API
	Queues    []Queue
	// Alarms are the template's own CloudWatch alarms (AWS::CloudWatch::Alarm).
	Alarms []Alarm
	// CustomerKeys is the number of customer managed KMS keys the template
	// declares (AWS::KMS::Key), before any gene adds one.
	CustomerKeys int

	ids map[string]int // "f:<id>" -> function index, and so on
}

// Arch is a Lambda instruction set architecture.
type Arch uint8

// Architectures.
const (
	X86 Arch = iota
	ARM64
)

// Deploy is a DeploymentPreference type.
type Deploy uint8

// Deployment types: the 9 predefined ones (aws-facts.md section 5), a custom
// configuration name, or none (no DeploymentPreference, or Enabled: false).
const (
	DeployNone Deploy = iota
	AllAtOnce
	Canary10Percent5Minutes
	Canary10Percent10Minutes
	Canary10Percent15Minutes
	Canary10Percent30Minutes
	Linear10PercentEvery1Minute
	Linear10PercentEvery2Minutes
	Linear10PercentEvery3Minutes
	Linear10PercentEvery10Minutes
	DeployCustom
)

// DeployNames are the predefined DeploymentPreference types, indexed by Deploy.
var DeployNames = [...]string{
	DeployNone:                    "",
	AllAtOnce:                     "AllAtOnce",
	Canary10Percent5Minutes:       "Canary10Percent5Minutes",
	Canary10Percent10Minutes:      "Canary10Percent10Minutes",
	Canary10Percent15Minutes:      "Canary10Percent15Minutes",
	Canary10Percent30Minutes:      "Canary10Percent30Minutes",
	Linear10PercentEvery1Minute:   "Linear10PercentEvery1Minute",
	Linear10PercentEvery2Minutes:  "Linear10PercentEvery2Minutes",
	Linear10PercentEvery3Minutes:  "Linear10PercentEvery3Minutes",
	Linear10PercentEvery10Minutes: "Linear10PercentEvery10Minutes",
	DeployCustom:                  "",
}

// ParseDeploy returns the Deploy for a type name; unknown names are custom.
func ParseDeploy(name string) Deploy {
	for i, n := range DeployNames {
		if n != "" && n == name {
			return Deploy(i)
		}
	}
	if name == "" {
		return DeployNone
	}
	return DeployCustom
}

// Function is a Lambda function.
type Function struct {
	ID   string
	Type string // AWS::Serverless::Function or AWS::Lambda::Function
	// MemoryMB is MemorySize in MB (default 128).
	MemoryMB float64
	Arch     Arch
	// TimeoutS is Timeout in seconds (default 3).
	TimeoutS float64
	// Reserved is ReservedConcurrentExecutions, or None.
	Reserved int
	// Provisioned is the provisioned concurrency on the alias, or 0.
	Provisioned int
	// Runtime is the runtime id ("nodejs22.x"); "" for container images.
	Runtime string
	Image   bool // PackageType: Image
	// EphemeralMB is EphemeralStorage.Size in MB (default 512).
	EphemeralMB float64
	// Alias is true when AutoPublishAlias (or an AWS::Lambda::Alias) exists.
	Alias bool
	// Deploy is the DeploymentPreference type; DeployCustom keeps its name in
	// DeployName.
	Deploy     Deploy
	DeployName string
	// AlarmLevel: 0 no alarms added by the genome, 1 an errors alarm, 2 errors
	// and latency alarms (the DeploymentAlarms gene).
	AlarmLevel uint8
	// Alarms are indexes into State.Alarms of the template's own alarms
	// listed in DeploymentPreference.Alarms.
	Alarms []int
	// DeclaredAlarms is the number of entries of DeploymentPreference.Alarms
	// (template alarms, names, parameters or conditions alike).
	DeclaredAlarms int
	PreTraffic     bool // a PreTraffic hook is declared
	PostTraffic    bool
	// HookFunction is true when this function is itself a CodeDeploy hook
	// (named in another function's Hooks).
	HookFunction bool
	DLQ          bool // DeadLetterQueue / DeadLetterConfig.TargetArn set
	InVPC        bool // VpcConfig with subnets
	Tracing      bool // Tracing: Active
	// PublicAccess is true when a resource policy (AWS::Lambda::Permission or
	// a FunctionUrl with AuthType NONE) lets anyone invoke the function.
	PublicAccess bool
	// RoleSet is true when Role is given; Role holds its text when literal.
	Role string
	// API is the index into State.APIs of the API whose events invoke the
	// function, or -1.
	API int
	// Queue is the index into State.Queues of an SQS event source, or -1.
	Queue int
	// Async is true when the function is invoked asynchronously (S3, SNS,
	// EventBridge, schedule events) rather than by a caller waiting.
	Async bool
}

// SSE is a DynamoDB table's encryption at rest.
type SSE uint8

// DynamoDB encryption choices.
const (
	SSEOwned       SSE = iota // AWS owned key (the default)
	SSEManagedKMS             // AWS managed key aws/dynamodb (SSEEnabled: true)
	SSECustomerKMS            // customer managed key (KMSMasterKeyId)
)

// Table is a DynamoDB table.
type Table struct {
	ID   string
	Type string // AWS::DynamoDB::Table, AWS::Serverless::SimpleTable, AWS::DynamoDB::GlobalTable
	// Provisioned is true for BillingMode PROVISIONED.
	Provisioned bool
	RCU, WCU    float64 // provisioned capacity units (table level)
	// AutoScaleTarget is the target utilization in percent, 0 when off.
	AutoScaleTarget float64
	// AutoScaleMin and AutoScaleMax bound the capacity (units); 0 = unknown.
	AutoScaleMinRCU, AutoScaleMaxRCU float64
	AutoScaleMinWCU, AutoScaleMaxWCU float64
	SSE                              SSE
	// CustomerKeyInTemplate is true when KMSMasterKeyId names a key the
	// template declares (its cost is already in State.CustomerKeys).
	CustomerKeyInTemplate bool
	PITR                  bool
	// Replicas is the number of global table replicas besides this region.
	Replicas int
	GSIs     int
	Stream   bool
	// DeletionProtection is DeletionProtectionEnabled.
	DeletionProtection bool
}

// BucketSSE is an S3 bucket's default encryption.
type BucketSSE uint8

// S3 encryption choices, in the talk's order of merit.
const (
	BucketSSENone BucketSSE = iota
	BucketSSEAES256
	BucketSSEKMS
	BucketSSEKMSBucketKey
)

// Bucket is an S3 bucket.
type Bucket struct {
	ID         string
	SSE        BucketSSE
	Versioning bool
	Logging    bool
	// Replication is true when ReplicationConfiguration has an enabled rule.
	Replication bool
	// CrossRegion is true when the replication destination is in another
	// region (assumed for a gene-added rule).
	CrossRegion bool
	// BlockPublic* are the four PublicAccessBlockConfiguration flags.
	BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets bool
	// PublicReadACL / PublicWriteACL: AccessControl PublicRead / PublicReadWrite.
	PublicReadACL, PublicWriteACL bool
	// PolicyPublicRead / PolicyPublicWrite: a bucket policy allows "*" to read
	// or write without a restricting condition.
	PolicyPublicRead, PolicyPublicWrite bool
	// TLSOnly: a bucket policy denies aws:SecureTransport false.
	TLSOnly bool
	// Website is true when WebsiteConfiguration is set.
	Website bool
}

// BlockAll reports whether all four public access block flags are on.
func (b *Bucket) BlockAll() bool {
	return b.BlockPublicAcls && b.BlockPublicPolicy && b.IgnorePublicAcls && b.RestrictPublicBuckets
}

// API is an API Gateway API (REST or HTTP), declared or implicit.
type API struct {
	ID       string
	Type     string // resource type, or the implicit type SAM would create
	Implicit bool
	// REST is true for a REST API (v1), false for an HTTP API (v2).
	REST bool
	// WebSocket APIs are kept but not changed by genes.
	WebSocket bool
	// CacheGB is the REST cache size in GB, 0 when off.
	CacheGB        float64
	CacheEncrypted bool
	// ExecutionLogging is MethodSettings LoggingLevel ERROR or INFO.
	ExecutionLogging bool
	AccessLogs       bool
	XRay             bool
}

// Queue is an SQS queue.
type Queue struct {
	ID        string
	FIFO      bool
	Encrypted bool // SqsManagedSseEnabled (default true since 2022) or KmsMasterKeyId
	// EncryptedExplicit is true when the template sets encryption itself.
	EncryptedExplicit bool
}

// Alarm is a CloudWatch alarm of the template.
type Alarm struct {
	ID         string
	Namespace  string
	MetricName string
	Statistic  string // Sum, Average, Maximum, ...; "" for metric math
	// Metrics is the number of metrics the alarm uses (billing, 1 for plain).
	Metrics int
	// HighResolution is true for periods under 60 s.
	HighResolution bool
	PeriodS        float64
	// EvaluationPeriods and DatapointsToAlarm (default EvaluationPeriods).
	EvaluationPeriods, DatapointsToAlarm int
	Threshold                            float64
	Comparison                           string // GreaterThanThreshold, ...
	// Function is the index of the function the alarm watches (through a
	// FunctionName or Resource dimension), or -1.
	Function int
	// HasActions is true when AlarmActions (or OK/InsufficientData actions) are set.
	HasActions bool
}
