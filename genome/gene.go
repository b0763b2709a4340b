// Package genome derives the degrees of freedom (genes) of a template, encodes
// a template as a Genome (one value index per gene) and applies a Genome to
// the template, writing the changed properties and resources.
package genome

import (
	"github.com/evoarch/evoarch/genome/cfn"
)

// Kind is how a gene's values are read.
type Kind string

// Gene kinds. JSON values are numbers for Number genes, strings for Choice
// genes and booleans for Switch genes (INTERFACE.md); a Number or Choice gene
// may also hold nil, meaning "not set" (no reserved concurrency, no cache, no
// DeploymentPreference).
const (
	Number Kind = "number"
	Choice Kind = "choice"
	Switch Kind = "switch"
)

// Attr says which degree of freedom a gene is; the simulator switches on it.
type Attr string

// The gene attributes. Each comment gives the gene's name suffix: the gene
// name is "<LogicalId>.<suffix>" (INTERFACE.md "Gene names"), and its values.
const (
	// Lambda (AWS::Serverless::Function, AWS::Lambda::Function).
	MemorySize   Attr = "lambda.memory"      // MemorySize: MB, 128..10240
	Architecture Attr = "lambda.arch"        // Architectures: "x86_64" | "arm64"
	Timeout      Attr = "lambda.timeout"     // Timeout: seconds
	Reserved     Attr = "lambda.reserved"    // ReservedConcurrentExecutions: nil | count
	Provisioned  Attr = "lambda.provisioned" // ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions: nil | count
	Runtime      Attr = "lambda.runtime"     // Runtime: runtime ids of the same language family
	DeployType   Attr = "lambda.deploy"      // DeploymentPreference.Type: nil (no DeploymentPreference; only for a function without one) | the 9 predefined types (and the template's own)
	DeployAlarms Attr = "lambda.alarms"      // DeploymentPreference.Alarms: "none" | "errors" | "errors+latency"
	PreTraffic   Attr = "lambda.pretraffic"  // DeploymentPreference.Hooks.PreTraffic: bool
	DLQ          Attr = "lambda.dlq"         // DeadLetterQueue: bool

	// DynamoDB (AWS::DynamoDB::Table, AWS::Serverless::SimpleTable).
	BillingMode   Attr = "dynamodb.billing"     // BillingMode: "PAY_PER_REQUEST" | "PROVISIONED"
	ReadCapacity  Attr = "dynamodb.rcu"         // ProvisionedThroughput.ReadCapacityUnits: units
	WriteCapacity Attr = "dynamodb.wcu"         // ProvisionedThroughput.WriteCapacityUnits: units
	AutoScaling   Attr = "dynamodb.autoscaling" // AutoScaling: "off" | "50" | "70" | "90" (target utilization %)
	TableSSE      Attr = "dynamodb.sse"         // Encryption: "aws-owned" | "aws-managed-kms" | "customer-kms"
	PITR          Attr = "dynamodb.pitr"        // PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: bool

	// S3 (AWS::S3::Bucket).
	BucketSSE         Attr = "s3.sse"         // Encryption: "none" | "AES256" | "aws:kms" | "aws:kms+bucket-key"
	Versioning        Attr = "s3.versioning"  // Versioning: bool
	AccessLogging     Attr = "s3.logging"     // AccessLogging: bool
	Replication       Attr = "s3.replication" // Replication: bool (turns versioning on too)
	PublicAccessBlock Attr = "s3.bpa"         // PublicAccessBlock: bool (all four flags)
	TLSOnly           Attr = "s3.tls"         // TLSOnlyPolicy: bool (an AWS::S3::BucketPolicy)

	// API Gateway (AWS::Serverless::Api / HttpApi, the implicit ServerlessRestApi).
	APIType   Attr = "api.type"  // Type: "REST" | "HTTP"
	CacheSize Attr = "api.cache" // CacheClusterSize: nil | GB as a string "0.5", "1.6", "6.1", ...
)

// Gene is one degree of freedom of a template.
type Gene struct {
	// Name is "<LogicalId>.<Name>", e.g. "GetFunction.MemorySize".
	Name string `json:"name"`
	// Resource is the logical ID the gene belongs to.
	Resource string `json:"resource"`
	Kind     Kind   `json:"kind"`
	// Attr identifies the degree of freedom (not in the JSON: Name says it).
	Attr Attr `json:"-"`
	// Type is the resource's CloudFormation/SAM type.
	Type string `json:"-"`
	// Values is the whole ordered domain: int or float64 for Number genes
	// (or nil for "not set"), string for Choice, bool for Switch.
	Values []any `json:"values"`
	// Current is the index in Values of the template's own value.
	Current int `json:"-"`
	// Pinned genes keep their current value (the scenario's pin list).
	Pinned bool `json:"pinned"`
	// Ordered genes step to neighbouring values more naturally (ladders).
	Ordered bool `json:"-"`

	// aux is what Derive learnt about the template for Apply.
	aux *aux
}

// CurrentValue returns the template's own value of the gene.
func (g *Gene) CurrentValue() any { return g.Values[g.Current] }

// Genome is one variant: for each gene of a Space, an index into its Values.
type Genome []int

// Space is the set of genes found in a template.
type Space struct {
	Template *cfn.Template
	Genes    []Gene
	// Skipped lists the degrees of freedom Derive found but could not turn
	// into genes (an unresolvable intrinsic, a value set in Globals that the
	// resource cannot unset, an API that cannot switch type), with why.
	Skipped []Skip
	byName  map[string]int
	// alias maps other accepted names to gene names (the implicit API's
	// gene answers to both ServerlessRestApi.Type and ServerlessHttpApi.Type).
	alias map[string]string
}

// Skip is a degree of freedom left out of the genome, and why.
type Skip struct {
	Name     string `json:"name"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
}
