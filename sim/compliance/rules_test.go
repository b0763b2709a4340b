package compliance

import (
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

const (
	C  = StatusCompliant
	N  = StatusNonCompliant
	NA = StatusNotApplicable
)

// parseFragment builds a template from a Resources fragment (indented by
// two spaces per level, starting at column 0 for logical IDs).
func parseFragment(t testing.TB, sam bool, resources string) *cfn.Template {
	t.Helper()
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\n")
	if sam {
		b.WriteString("Transform: AWS::Serverless-2016-10-31\n")
	}
	b.WriteString("Resources:\n")
	for _, line := range strings.Split(strings.TrimRight(resources, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	tpl, err := cfn.Parse("fragment.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("fragment does not parse: %v\n%s", err, b.String())
	}
	return tpl
}

func scenarioWith(semantics string, params map[string]map[string]string) *scenarios.Scenario {
	sc := &scenarios.Scenario{Name: "test"}
	sc.Compliance.Semantics = semantics
	sc.Compliance.Parameters = params
	return sc
}

func findingOf(t testing.TB, fs []Finding, rule, res string) *Finding {
	t.Helper()
	for i := range fs {
		if fs[i].Rule == rule && fs[i].Resource == res {
			return &fs[i]
		}
	}
	return nil
}

const fn = `F:
  Type: AWS::Lambda::Function
  Properties:
    Runtime: python3.13
    Handler: index.handler
    Role: arn:aws:iam::123456789012:role/r
    Code: {ZipFile: "def handler(e, c): pass"}
`

// ruleCases: per rule, compliant and non-compliant fragments, with the
// expected status under template and deployed semantics.
var ruleCases = []struct {
	rule, res  string
	sam        bool
	yaml       string
	tmpl, depl string
}{
	// S3
	{"s3-bucket-logging-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    LoggingConfiguration: {DestinationBucketName: logs, LogFilePrefix: b/}\n", C, C},
	{"s3-bucket-logging-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n", N, N},
	{"s3-bucket-replication-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration: {Status: Enabled}\n    ReplicationConfiguration:\n      Role: arn:aws:iam::123456789012:role/r\n      Rules: [{Status: Enabled, Destination: {Bucket: 'arn:aws:s3:::dst'}}]\n", C, C},
	{"s3-bucket-replication-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    ReplicationConfiguration:\n      Role: r\n      Rules: [{Status: Disabled, Destination: {Bucket: x}}]\n", N, N},
	{"s3-bucket-versioning-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration: {Status: Enabled}\n", C, C},
	{"s3-bucket-versioning-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration: {Status: Suspended}\n", N, N},
	{"s3-bucket-public-write-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}\n", C, C},
	{"s3-bucket-public-write-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n", N, C},
	{"s3-bucket-public-write-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    AccessControl: PublicReadWrite\n    PublicAccessBlockConfiguration: {BlockPublicAcls: false, IgnorePublicAcls: false}\n", N, N},
	{"s3-bucket-public-read-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}\n", C, C},
	{"s3-bucket-public-read-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration: {BlockPublicPolicy: false, RestrictPublicBuckets: false}\nP:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref B\n    PolicyDocument:\n      Statement:\n        - {Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: !Sub '${B.Arn}/*'}\n", N, N},
	{"s3-bucket-ssl-requests-only", "B", false, "B:\n  Type: AWS::S3::Bucket\nP:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref B\n    PolicyDocument:\n      Statement:\n        - Effect: Deny\n          Principal: '*'\n          Action: 's3:*'\n          Resource: [!GetAtt B.Arn, !Sub '${B.Arn}/*']\n          Condition: {Bool: {'aws:SecureTransport': false}}\n", C, C},
	{"s3-bucket-ssl-requests-only", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties: {BucketName: my-b}\nP:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: my-b\n    PolicyDocument:\n      Statement:\n        - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}\n", C, C},
	{"s3-bucket-ssl-requests-only", "B", false, "B:\n  Type: AWS::S3::Bucket\nP:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref Other\n    PolicyDocument:\n      Statement:\n        - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {Bool: {'aws:SecureTransport': false}}}\nOther:\n  Type: AWS::S3::Bucket\n", N, N},
	{"s3-bucket-server-side-encryption-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n      ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}}]\n", C, C},
	{"s3-bucket-server-side-encryption-enabled", "B", false, "B:\n  Type: AWS::S3::Bucket\n", N, C},
	{"s3-bucket-level-public-access-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}\n", C, C},
	{"s3-bucket-level-public-access-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n", N, C},
	{"s3-bucket-level-public-access-prohibited", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: false}\n", N, N},
	{"s3-default-encryption-kms", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n      ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms'}, BucketKeyEnabled: true}]\n", C, C},
	{"s3-default-encryption-kms", "B", false, "B:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n      ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}}]\n", N, N},
	// DynamoDB
	{"dynamodb-autoscaling-enabled", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n", C, C},
	{"dynamodb-autoscaling-enabled", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}\nRT:\n  Type: AWS::ApplicationAutoScaling::ScalableTarget\n  Properties: {ServiceNamespace: dynamodb, ScalableDimension: 'dynamodb:table:ReadCapacityUnits', ResourceId: !Sub 'table/${T}', MinCapacity: 5, MaxCapacity: 50}\nWT:\n  Type: AWS::ApplicationAutoScaling::ScalableTarget\n  Properties: {ServiceNamespace: dynamodb, ScalableDimension: 'dynamodb:table:WriteCapacityUnits', ResourceId: !Join [/, [table, !Ref T]], MinCapacity: 5, MaxCapacity: 50}\nRP:\n  Type: AWS::ApplicationAutoScaling::ScalingPolicy\n  Properties: {PolicyName: r, PolicyType: TargetTrackingScaling, ScalingTargetId: !Ref RT, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}\nWP:\n  Type: AWS::ApplicationAutoScaling::ScalingPolicy\n  Properties: {PolicyName: w, PolicyType: TargetTrackingScaling, ScalingTargetId: !Ref WT, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}\n", C, C},
	{"dynamodb-autoscaling-enabled", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}\n", N, N},
	{"dynamodb-throughput-limit-check", "AWS::::Account", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}\n", C, C},
	{"dynamodb-throughput-limit-check", "AWS::::Account", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    ProvisionedThroughput: {ReadCapacityUnits: 40000, WriteCapacityUnits: 5}\nU:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    ProvisionedThroughput: {ReadCapacityUnits: 24000, WriteCapacityUnits: 5}\n", N, N},
	{"dynamodb-pitr-enabled", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n    PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}\n", C, C},
	{"dynamodb-pitr-enabled", "T", true, "T:\n  Type: AWS::Serverless::SimpleTable\n", N, N},
	{"dynamodb-table-encrypted-kms", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n    SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: alias/k}\n", C, C},
	{"dynamodb-table-encrypted-kms", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n    SSESpecification: {SSEEnabled: true}\n", N, C},
	{"dynamodb-table-encrypted-kms", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n", N, N},
	{"dynamodb-table-encryption-enabled", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n    SSESpecification: {SSEEnabled: true}\n", C, C},
	{"dynamodb-table-encryption-enabled", "T", false, "T:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    BillingMode: PAY_PER_REQUEST\n    SSESpecification: {SSEEnabled: false}\n", N, N},
	// Lambda
	{"lambda-function-public-access-prohibited", "F", false, fn + "P:\n  Type: AWS::Lambda::Permission\n  Properties: {FunctionName: !GetAtt F.Arn, Action: 'lambda:InvokeFunction', Principal: apigateway.amazonaws.com, SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:abc/*'}\n", C, C},
	{"lambda-function-public-access-prohibited", "F", false, fn + "P:\n  Type: AWS::Lambda::Permission\n  Properties: {FunctionName: !Ref F, Action: 'lambda:InvokeFunction', Principal: '*'}\n", N, N},
	{"lambda-function-public-access-prohibited", "F", false, fn + "P:\n  Type: AWS::Lambda::Permission\n  Properties: {FunctionName: !Ref F, Action: 'lambda:InvokeFunction', Principal: s3.amazonaws.com, SourceArn: 'arn:aws:s3:::b'}\n", N, N},
	{"lambda-function-settings-check", "F", false, fn, C, C},
	{"lambda-function-settings-check", "F", false, strings.Replace(fn, "python3.13", "nodejs8.10", 1), N, N},
	{"lambda-function-settings-check", "F", false, "F:\n  Type: AWS::Lambda::Function\n  Properties: {PackageType: Image, Code: {ImageUri: x}, Role: r}\n", NA, NA},
	{"lambda-concurrency-check", "F", false, strings.Replace(fn, "Runtime:", "ReservedConcurrentExecutions: 5\n    Runtime:", 1), C, C},
	{"lambda-concurrency-check", "F", false, fn, N, N},
	{"lambda-dlq-check", "F", false, strings.Replace(fn, "Runtime:", "DeadLetterConfig: {TargetArn: 'arn:aws:sqs:us-east-1:123456789012:q'}\n    Runtime:", 1), C, C},
	{"lambda-dlq-check", "F", false, fn, N, N},
	{"lambda-inside-vpc", "F", false, strings.Replace(fn, "Runtime:", "VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}\n    Runtime:", 1), C, C},
	{"lambda-inside-vpc", "F", false, fn, N, N},
	{"codedeploy-lambda-allatonce-traffic-shift-disabled", "S", true, "S:\n  Type: AWS::Serverless::Function\n  Properties: {Runtime: python3.13, Handler: h, CodeUri: s, AutoPublishAlias: live, DeploymentPreference: {Type: Canary10Percent5Minutes}}\n", C, C},
	{"codedeploy-lambda-allatonce-traffic-shift-disabled", "S", true, "S:\n  Type: AWS::Serverless::Function\n  Properties: {Runtime: python3.13, Handler: h, CodeUri: s, AutoPublishAlias: live, DeploymentPreference: {Type: AllAtOnce}}\n", N, N},
	{"codedeploy-lambda-allatonce-traffic-shift-disabled", "S", true, "S:\n  Type: AWS::Serverless::Function\n  Properties: {Runtime: python3.13, Handler: h, CodeUri: s}\n", NA, NA},
	{"codedeploy-lambda-allatonce-traffic-shift-disabled", "G", false, "G:\n  Type: AWS::CodeDeploy::DeploymentGroup\n  Properties: {ApplicationName: a, ServiceRoleArn: r, DeploymentConfigName: CodeDeployDefault.LambdaAllAtOnce}\n", N, N},
	{"codedeploy-auto-rollback-monitor-enabled", "S", true, "S:\n  Type: AWS::Serverless::Function\n  Properties: {Runtime: python3.13, Handler: h, CodeUri: s, AutoPublishAlias: live, DeploymentPreference: {Type: Linear10PercentEvery1Minute, Alarms: [!Ref A]}}\nA:\n  Type: AWS::CloudWatch::Alarm\n  Properties: {MetricName: Errors, Namespace: AWS/Lambda, Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}\n", C, C},
	{"codedeploy-auto-rollback-monitor-enabled", "S", true, "S:\n  Type: AWS::Serverless::Function\n  Properties: {Runtime: python3.13, Handler: h, CodeUri: s, AutoPublishAlias: live, DeploymentPreference: {Type: Linear10PercentEvery1Minute}}\n", N, N},
	// API Gateway
	{"api-gw-execution-logging-enabled", "Api", true, "Api:\n  Type: AWS::Serverless::Api\n  Properties: {StageName: prod, MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: ERROR}]}\n", C, C},
	{"api-gw-execution-logging-enabled", "Api", true, "Api:\n  Type: AWS::Serverless::Api\n  Properties: {StageName: prod}\n", N, N},
	{"api-gw-execution-logging-enabled", "Http", true, "Http:\n  Type: AWS::Serverless::HttpApi\n", NA, NA},
	{"api-gw-cache-enabled-and-encrypted", "St", false, "St:\n  Type: AWS::ApiGateway::Stage\n  Properties: {RestApiId: x, DeploymentId: y, CacheClusterEnabled: true, CacheClusterSize: '0.5', MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', CachingEnabled: true, CacheDataEncrypted: true}]}\n", C, C},
	{"api-gw-cache-enabled-and-encrypted", "St", false, "St:\n  Type: AWS::ApiGateway::Stage\n  Properties: {RestApiId: x, DeploymentId: y, CacheClusterEnabled: true}\n", N, N},
	{"api-gwv2-access-logs-enabled", "Http", true, "Http:\n  Type: AWS::Serverless::HttpApi\n  Properties: {AccessLogSettings: {DestinationArn: arn, Format: '$context.requestId'}}\n", C, C},
	{"api-gwv2-access-logs-enabled", "Http", true, "Http:\n  Type: AWS::Serverless::HttpApi\n", N, N},
	{"api-gwv2-access-logs-enabled", "Api", true, "Api:\n  Type: AWS::Serverless::Api\n  Properties: {StageName: prod}\n", NA, NA},
	{"api-gw-xray-enabled", "Api", true, "Api:\n  Type: AWS::Serverless::Api\n  Properties: {StageName: prod, TracingEnabled: true}\n", C, C},
	{"api-gw-xray-enabled", "ServerlessRestApi", true, "S:\n  Type: AWS::Serverless::Function\n  Properties: {Runtime: python3.13, Handler: h, CodeUri: s, Events: {Get: {Type: Api, Properties: {Path: /, Method: get}}}}\n", N, N},
	// CloudWatch, SQS
	{"cloudwatch-alarm-action-check", "A", false, "A:\n  Type: AWS::CloudWatch::Alarm\n  Properties: {AlarmActions: [arn:t], InsufficientDataActions: [arn:t], MetricName: Errors, Namespace: AWS/Lambda, Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}\n", C, C},
	{"cloudwatch-alarm-action-check", "A", false, "A:\n  Type: AWS::CloudWatch::Alarm\n  Properties: {AlarmActions: [arn:t], MetricName: Errors, Namespace: AWS/Lambda, Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}\n", N, N},
	{"sqs-queue-encrypted", "Q", false, "Q:\n  Type: AWS::SQS::Queue\n  Properties: {SqsManagedSseEnabled: true}\n", C, C},
	{"sqs-queue-encrypted", "Q", false, "Q:\n  Type: AWS::SQS::Queue\n", N, C},
	{"sqs-queue-encrypted", "Q", false, "Q:\n  Type: AWS::SQS::Queue\n  Properties: {SqsManagedSseEnabled: false}\n", N, N},
}

func TestRuleCases(t *testing.T) {
	seen := map[string]map[string]bool{} // rule -> "template:C" etc.
	for i, c := range ruleCases {
		tpl := parseFragment(t, c.sam, c.yaml)
		for _, sem := range []string{SemanticsTemplate, SemanticsDeployed} {
			want := c.tmpl
			if sem == SemanticsDeployed {
				want = c.depl
			}
			e, err := Compile(tpl, nil, scenarioWith(sem, nil), []string{c.rule})
			if err != nil {
				t.Fatalf("case %d %s: %v", i, c.rule, err)
			}
			f := findingOf(t, e.Findings(nil), c.rule, c.res)
			if f == nil {
				t.Errorf("case %d %s (%s): no finding for %s", i, c.rule, sem, c.res)
				continue
			}
			if f.Status != want {
				t.Errorf("case %d %s (%s) on %s: got %s (%s), want %s", i, c.rule, sem, c.res, f.Status, f.Message, want)
			}
			if f.Message == "" || f.Line == 0 {
				t.Errorf("case %d %s: finding without message or line: %+v", i, c.rule, f)
			}
			// check and evaluate read the template through infra.Baseline:
			// the same verdict.
			st, err := infra.Baseline(tpl)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			e2, err := Compile(tpl, st, scenarioWith(sem, nil), []string{c.rule})
			if err != nil {
				t.Fatalf("case %d %s: %v", i, c.rule, err)
			}
			if f2 := findingOf(t, e2.Findings(st), c.rule, c.res); f2 == nil || f2.Status != want {
				t.Errorf("case %d %s (%s) on %s through infra.Baseline: got %+v, want %s", i, c.rule, sem, c.res, f2, want)
			}
			if seen[c.rule] == nil {
				seen[c.rule] = map[string]bool{}
			}
			seen[c.rule][sem+":"+want] = true
		}
	}
	for _, r := range Rules() {
		for _, sem := range []string{SemanticsTemplate, SemanticsDeployed} {
			for _, st := range []string{C, N} {
				// Under deployed semantics every bucket has SSE-S3 (aws-facts.md
				// section 4): this rule cannot fail there.
				if r.ID == "s3-bucket-server-side-encryption-enabled" && sem == SemanticsDeployed && st == N {
					continue
				}
				if !seen[r.ID][sem+":"+st] {
					t.Errorf("rule %s has no %s case under %s semantics", r.ID, st, sem)
				}
			}
		}
	}
}

func TestRuleTable(t *testing.T) {
	rules := Rules()
	if len(rules) < 25 {
		t.Fatalf("%d rules, want at least 25 (issue 5)", len(rules))
	}
	ids := map[string]bool{}
	for _, r := range rules {
		if ids[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		ids[r.ID] = true
		if r.Description == "" || r.Help == "" || len(r.ResourceTypes) == 0 || r.Severity <= 0 || r.eval == nil || len(r.kinds) == 0 {
			t.Errorf("rule %s is incomplete: %+v", r.ID, r)
		}
	}
	// The list.
	for _, id := range []string{"s3-bucket-logging-enabled", "s3-bucket-replication-enabled", "s3-bucket-versioning-enabled",
		"s3-bucket-public-write-prohibited", "s3-bucket-public-read-prohibited", "s3-bucket-ssl-requests-only",
		"s3-bucket-server-side-encryption-enabled", "dynamodb-autoscaling-enabled", "dynamodb-throughput-limit-check",
		"lambda-function-public-access-prohibited", "lambda-function-settings-check", "s3-bucket-level-public-access-prohibited",
		"s3-default-encryption-kms", "dynamodb-pitr-enabled", "dynamodb-table-encrypted-kms", "dynamodb-table-encryption-enabled",
		"lambda-concurrency-check", "lambda-dlq-check", "lambda-inside-vpc", "api-gw-execution-logging-enabled",
		"api-gw-cache-enabled-and-encrypted", "api-gwv2-access-logs-enabled", "api-gw-xray-enabled",
		"codedeploy-lambda-allatonce-traffic-shift-disabled", "cloudwatch-alarm-action-check", "sqs-queue-encrypted"} {
		if !ids[id] {
			t.Errorf("rule %s is missing", id)
		}
	}
}
