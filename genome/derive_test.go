package genome

import (
	"errors"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

func parse(t *testing.T, src string) *cfn.Template {
	t.Helper()
	tp, err := cfn.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return tp
}

func derive(t *testing.T, src string) *Space {
	t.Helper()
	sp, err := Derive(parse(t, src), nil)
	if err != nil {
		t.Fatalf("derive: %v", err)
	}
	return sp
}

const samHead = "Transform: AWS::Serverless-2016-10-31\nResources:\n"

func TestDeriveCurrent(t *testing.T) {
	tests := []struct {
		name, src, gene string
		want            any
		values          int // expected domain size, 0 = do not check
	}{
		{"memory default 128", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n", "Fn.MemorySize", 128, 13},
		{"memory 333 joins the ladder", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: 333\n", "Fn.MemorySize", 333, 14},
		{"memory as a string", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: '1024'\n", "Fn.MemorySize", 1024, 13},
		{"timeout default 3", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n", "Fn.Timeout", 3, 9},
		{"arch default x86_64", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n", "Fn.Architectures", "x86_64", 2},
		{"arch arm64", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Architectures: [arm64]\n", "Fn.Architectures", "arm64", 2},
		{"reserved none", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n", "Fn.ReservedConcurrentExecutions", nil, 9},
		{"reserved 7", samHead + "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      ReservedConcurrentExecutions: 7\n", "Fn.ReservedConcurrentExecutions", 7, 10},
		{"deprecated runtime kept", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python2.7\n", "Fn.Runtime", "python2.7", 6},
		{"alias without preference has none", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n", "Fn.DeploymentPreference.Type", nil, 10},
		{"a preference is not offered none", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: AllAtOnce\n", "Fn.DeploymentPreference.Type", "AllAtOnce", 9},
		{"custom deployment type joins", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: MyConfig\n", "Fn.DeploymentPreference.Type", "MyConfig", 10},
		{"simple table on demand", samHead + "  T:\n    Type: AWS::Serverless::SimpleTable\n", "T.BillingMode", "PAY_PER_REQUEST", 2},
		{"table with neither billing mode nor throughput is on demand", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: []\n", "T.BillingMode", "PAY_PER_REQUEST", 2},
		{"table provisioned by default", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      ProvisionedThroughput: {ReadCapacityUnits: 7, WriteCapacityUnits: 5}\n", "T.BillingMode", "PROVISIONED", 2},
		{"rcu 7 joins", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      ProvisionedThroughput: {ReadCapacityUnits: 7, WriteCapacityUnits: 5}\n", "T.ProvisionedThroughput.ReadCapacityUnits", 7, 14},
		{"table customer kms", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: alias/x}\n", "T.Encryption", "customer-kms", 3},
		{"bucket kms with bucket key", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms'}\n            BucketKeyEnabled: true\n", "B.Encryption", "aws:kms+bucket-key", 4},
		{"bucket dsse joins", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms:dsse'}\n", "B.Encryption", "aws:kms:dsse", 5},
		{"tls policy detected", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument:\n        Statement:\n          - Effect: Deny\n            Principal: '*'\n            Action: 's3:*'\n            Resource: !Sub '${B.Arn}/*'\n            Condition: {Bool: {'aws:SecureTransport': false}}\n", "B.TLSOnlyPolicy", true, 2},
		{"bpa needs all four", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true}\n", "B.PublicAccessBlock", false, 2},
		{"autoscaling detected", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n  RT:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ResourceId: !Sub table/${T}\n      ScalableDimension: dynamodb:table:ReadCapacityUnits\n      ServiceNamespace: dynamodb\n      MinCapacity: 1\n      MaxCapacity: 10\n  RP:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties:\n      PolicyName: p\n      PolicyType: TargetTrackingScaling\n      ScalingTargetId: !Ref RT\n      TargetTrackingScalingPolicyConfiguration:\n        TargetValue: 75.0\n", "T.AutoScaling", "75", 5},
		{"implicit api", samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties: {Path: /x, Method: get}\n", "ServerlessRestApi.Type", "REST", 2},
		{"rest cache", samHead + "  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      CacheClusterEnabled: true\n      CacheClusterSize: '6.1'\n", "A.CacheClusterSize", "6.1", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := derive(t, tt.src)
			i, ok := sp.Gene(tt.gene)
			if !ok {
				t.Fatalf("no gene %s; skipped %v", tt.gene, sp.Skipped)
			}
			g := &sp.Genes[i]
			if got := g.CurrentValue(); got != tt.want {
				t.Errorf("current = %v (%T), want %v", got, got, tt.want)
			}
			if tt.values > 0 && len(g.Values) != tt.values {
				t.Errorf("domain %v has %d values, want %d", g.Values, len(g.Values), tt.values)
			}
		})
	}
}

func TestDeriveSkipsAndErrors(t *testing.T) {
	tests := []struct {
		name, src string
		skipped   string // a gene name expected in Skipped
		absent    string // a gene that must not exist
		errPart   string // a substring of the error, "" for no error
	}{
		{name: "unresolvable memory", src: "Parameters:\n  M: {Type: Number}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: !Ref M\n", skipped: "Fn.MemorySize"},
		{name: "if memory", src: "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: !If [C, 128, 256]\n", skipped: "Fn.MemorySize"},
		{name: "memory abc", src: "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: abc\n", errPart: "t.yaml:5:19: Resources.Fn.Properties.MemorySize: MemorySize must be a whole number"},
		{name: "memory list", src: "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: [1]\n", errPart: "Resources.Fn.Properties.MemorySize"},
		{name: "architecture bad", src: "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Architectures: [sparc]\n", errPart: "Architectures.0"},
		{name: "no provisioned without alias", src: samHead + "  Fn:\n    Type: AWS::Serverless::Function\n", absent: "Fn.ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions"},
		{name: "no pretraffic without hook", src: samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n", absent: "Fn.DeploymentPreference.Hooks.PreTraffic"},
		{name: "api with auth cannot switch", src: samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties: {Path: /x, Method: get, Auth: {ApiKeyRequired: true}}\n", skipped: "ServerlessRestApi.Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, err := Derive(parse(t, tt.src), nil)
			if tt.errPart != "" {
				var ce *cfn.Error
				if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("err = %v, want a *cfn.Error containing %q", err, tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.skipped != "" && !sp.skipped(tt.skipped) {
				t.Errorf("%s not in Skipped %v", tt.skipped, sp.Skipped)
			}
			if tt.skipped != "" {
				if _, ok := sp.Gene(tt.skipped); ok {
					t.Errorf("skipped gene %s is still a gene", tt.skipped)
				}
			}
			if tt.absent != "" {
				if _, ok := sp.Gene(tt.absent); ok {
					t.Errorf("gene %s should not exist", tt.absent)
				}
			}
		})
	}
}

func TestPins(t *testing.T) {
	src := samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
	tp := parse(t, src)
	sc := scenarios.Empty("x")
	sc.Pin = []string{"Fn.Runtime"}
	sp, err := Derive(tp, sc)
	if err != nil {
		t.Fatal(err)
	}
	free, _ := Derive(tp, nil)
	i, _ := sp.Gene("Fn.Runtime")
	if !sp.Genes[i].Pinned {
		t.Error("Fn.Runtime not pinned")
	}
	// Pinning the 5-value runtime divides the size by 5.
	want := free.Size()
	want.Div(want, sp.Size())
	if want.Int64() != int64(len(sp.Genes[i].Values)) {
		t.Errorf("size ratio %v, want %d", want, len(sp.Genes[i].Values))
	}
	sc.Pin = []string{"Fn.Memory"}
	_, err = Derive(tp, sc)
	if err == nil || !strings.Contains(err.Error(), `did you mean "Fn.MemorySize"`) {
		t.Errorf("err = %v, want the nearest gene named", err)
	}
}

func TestParseAssignments(t *testing.T) {
	sp := derive(t, samHead+"  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n")
	g, err := sp.ParseAssignments(map[string]any{
		"Fn.MemorySize": "1024", "Fn.Timeout": 30.0, "Fn.ReservedConcurrentExecutions": "none",
		"Fn.DeadLetterQueue": "true", "Fn.DeploymentPreference.Type": "Canary10Percent5Minutes",
	})
	if err != nil {
		t.Fatal(err)
	}
	ch := sp.Changes(sp.Current(), g)
	if len(ch) != 4 { // reserved stays none
		t.Errorf("changes = %v, want 4", ch)
	}
	if Distance(sp.Current(), g) != 4 {
		t.Errorf("distance = %d", Distance(sp.Current(), g))
	}
	for _, tt := range []struct {
		set  map[string]any
		want string
	}{
		{map[string]any{"Fn.MemorySiz": "1"}, `did you mean "Fn.MemorySize"`},
		{map[string]any{"Fn.MemorySize": "1000"}, "valid values are {128|256|"},
		{map[string]any{"Fn.DeadLetterQueue": "maybe"}, "valid values are {false|true}"},
	} {
		if _, err := sp.ParseAssignments(tt.set); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want %q", tt.set, err, tt.want)
		}
	}
}

// TestDeriveCorpus derives every corpus template: valid ones without error,
// error ones with an error or a space, never a panic.
func TestDeriveCorpus(t *testing.T) {
	genes := 0
	for _, c := range corpus(t) {
		tp, err := cfn.ReadFile(c.Path)
		if err != nil {
			if c.Valid {
				t.Errorf("%s: %v", c.Path, err)
			}
			continue
		}
		sp, err := Derive(tp, nil)
		if err != nil {
			if c.Valid {
				t.Errorf("%s: derive: %v", c.Path, err)
			}
			continue
		}
		genes += len(sp.Genes)
		for i := range sp.Genes {
			g := &sp.Genes[i]
			if g.Current < 0 || g.Current >= len(g.Values) {
				t.Errorf("%s: %s current %d out of its domain", c.Path, g.Name, g.Current)
			}
		}
	}
	if genes == 0 {
		t.Error("no genes in the whole corpus")
	}
}

// TestPinPositions: every unknown pin is reported at its position in the
// scenario file (or as a --set value), with the nearest gene.
func TestPinPositions(t *testing.T) {
	tp := parse(t, samHead+"  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n")
	tests := []struct {
		name string
		src  string   // scenario file
		sets []string // --set overrides
		want []string // one line per problem, in order
	}{
		{"one bad pin", "name: p\npin:\n  - Fn.Runtime\n  - Fn.Timeout\n  - Fn.Memory\n", nil,
			[]string{`scenarios: s.yaml:5:5: pin[2]: unknown gene "Fn.Memory"; did you mean "Fn.MemorySize"?`}},
		{"two bad pins", "name: p\npin: [Fn.Timout, Fn.Runtime, Bucket.X]\n", nil,
			[]string{
				`scenarios: s.yaml:2:7: pin[0]: unknown gene "Fn.Timout"; did you mean "Fn.Timeout"?`,
				`scenarios: s.yaml:2:30: pin[2]: unknown gene "Bucket.X"; did you mean`,
			}},
		{"--set", "name: p\n", []string{"pin=Fn.Runtime,Fn.Architecture"},
			[]string{`scenarios: --set: pin[1]: unknown gene "Fn.Architecture"; did you mean "Fn.Architectures"?`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := scenarios.Parse("s.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.Apply(tt.sets); err != nil {
				t.Fatal(err)
			}
			_, err = Derive(tp, sc)
			var errs scenarios.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v (%T), want scenarios.Errors", err, err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("problem %d = %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}
