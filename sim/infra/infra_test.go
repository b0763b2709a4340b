package infra

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
)

// shared returns the path of ../shared beside the repository root.
func shared(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func seed(t testing.TB) *cfn.Template {
	t.Helper()
	tpl, err := cfn.ReadFile(shared(t, "corpus/evolutionary-serverless-architectures-with-safe-deployments/template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestBaselineSeed(t *testing.T) {
	st, err := Baseline(seed(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Functions) != 3 || len(st.Tables) != 2 || len(st.Buckets) != 2 {
		t.Fatalf("got %d functions, %d tables, %d buckets; want 3, 2, 2", len(st.Functions), len(st.Tables), len(st.Buckets))
	}
	first := st.Functions[st.FunctionIndex("myFirstFunction")]
	if first.MemoryMB != 128 || first.TimeoutS != 3 || first.Arch != X86 {
		t.Errorf("myFirstFunction defaults: %+v", first)
	}
	if first.Deploy != Linear10PercentEvery1Minute || !first.PreTraffic || !first.Alias {
		t.Errorf("myFirstFunction deployment: deploy %v pretraffic %v alias %v", first.Deploy, first.PreTraffic, first.Alias)
	}
	if first.API < 0 || !st.APIs[first.API].REST || st.APIs[first.API].ID != ImplicitRestAPI {
		t.Errorf("myFirstFunction should be behind the implicit REST API, got API %d", first.API)
	}
	hook := st.Functions[st.FunctionIndex("preTrafficHook")]
	if !hook.HookFunction || hook.TimeoutS != 60 || hook.Deploy != DeployNone {
		t.Errorf("preTrafficHook: %+v", hook)
	}
	enc := st.Tables[st.TableIndex("encryptedTable")]
	if !enc.Provisioned || enc.RCU != 5 || enc.WCU != 5 || enc.SSE != SSEManagedKMS || enc.PITR || !enc.Stream {
		t.Errorf("encryptedTable: %+v", enc)
	}
	if un := st.Tables[st.TableIndex("unencryptedTable")]; un.SSE != SSEOwned {
		t.Errorf("unencryptedTable SSE = %v, want owned", un.SSE)
	}
	if b := st.Buckets[st.BucketIndex("encryptedBucket")]; b.SSE != BucketSSEKMS || b.Versioning || b.BlockAll() {
		t.Errorf("encryptedBucket: %+v", b)
	}
	if b := st.Buckets[st.BucketIndex("unencryptedBucket")]; b.SSE != BucketSSENone {
		t.Errorf("unencryptedBucket: %+v", b)
	}
}

func TestBaselineFragments(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(*State) string
	}{
		{"tls policy by Ref and public read policy", `
Resources:
  B:
    Type: AWS::S3::Bucket
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt B.Arn, !Sub "${B.Arn}/*"]
            Condition: {Bool: {"aws:SecureTransport": false}}
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: s3:GetObject
            Resource: !Sub "${B.Arn}/*"
`, func(st *State) string {
			b := st.Buckets[0]
			if !b.TLSOnly || !b.PolicyPublicRead || b.PolicyPublicWrite {
				return "want TLSOnly and public read only"
			}
			return ""
		}},
		{"tls policy by the literal BucketName; a narrower deny is not TLS-only", `
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties: {BucketName: my-b}
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-b
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: "*", Action: "*", Resource: "arn:aws:s3:::my-b/*", Condition: {Bool: {"aws:SecureTransport": "false"}}}
  C:
    Type: AWS::S3::Bucket
  Q:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref C
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: "*", Action: s3:GetObject, Resource: !Sub "${C.Arn}/*", Condition: {Bool: {"aws:SecureTransport": false}}}
  D:
    Type: AWS::S3::Bucket
  R:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: B
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*", Condition: {Bool: {"aws:SecureTransport": false}}}
`, func(st *State) string {
			switch {
			case !st.Buckets[0].TLSOnly:
				return "a policy naming the bucket by its BucketName applies to it"
			case st.Buckets[1].TLSOnly:
				return "a deny of s3:GetObject alone does not make the bucket TLS-only"
			case st.Buckets[2].TLSOnly:
				return "a policy naming another bucket's logical ID does not apply"
			}
			return ""
		}},
		{"autoscaling target tracking on a provisioned table", `
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      ProvisionedThroughput: {ReadCapacityUnits: 10, WriteCapacityUnits: 4}
  RT:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ScalableDimension: dynamodb:table:ReadCapacityUnits
      ResourceId: !Sub table/${T}
      MinCapacity: 5
      MaxCapacity: 100
  RP:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyType: TargetTrackingScaling
      ScalingTargetId: !Ref RT
      TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}
`, func(st *State) string {
			tb := st.Tables[0]
			if !tb.Provisioned || tb.AutoScaleTarget != 70 || tb.AutoScaleMinRCU != 5 || tb.AutoScaleMaxRCU != 100 {
				return "want provisioned, target 70, read 5..100"
			}
			return ""
		}},
		{"simple table defaults to on-demand; public permission", `
Transform: AWS::Serverless-2016-10-31
Resources:
  T:
    Type: AWS::Serverless::SimpleTable
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      MemorySize: 1024
      Architectures: [arm64]
      ReservedConcurrentExecutions: 10
      Events:
        Q: {Type: SQS, Properties: {Queue: !GetAtt Q.Arn}}
  Q:
    Type: AWS::SQS::Queue
  P:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref F, Principal: "*", Action: lambda:InvokeFunction}
`, func(st *State) string {
			f := st.Functions[0]
			switch {
			case st.Tables[0].Provisioned:
				return "SimpleTable without throughput must be on-demand"
			case f.MemoryMB != 1024 || f.Arch != ARM64 || f.Reserved != 10:
				return "function settings not read"
			case !f.PublicAccess:
				return "permission to * without conditions is public"
			case !f.Async || f.Queue != 0:
				return "SQS event: async with queue 0"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := cfn.Parse("t.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			st, err := Baseline(tpl)
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(st); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestBaselineCorpus: every valid corpus template gives a phenotype.
func TestBaselineCorpus(t *testing.T) {
	f, err := os.Open(shared(t, "corpus/INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 8 || cols[7] != "valid" {
			continue
		}
		tpl, err := cfn.ReadFile(shared(t, "corpus/"+cols[0]))
		if err != nil {
			continue // the parser's own tests report these
		}
		if _, err := Baseline(tpl); err != nil {
			t.Errorf("%s: %v", cols[0], err)
		}
		n++
	}
	if n < 500 {
		t.Errorf("only %d corpus templates checked", n)
	}
}

func seedSpace(t testing.TB, tpl *cfn.Template) *genome.Space {
	return &genome.Space{Template: tpl, Genes: []genome.Gene{
		{Name: "myFirstFunction.MemorySize", Resource: "myFirstFunction", Attr: genome.MemorySize, Values: []any{128, 512, 1769}},
		{Name: "myFirstFunction.Architectures", Resource: "myFirstFunction", Attr: genome.Architecture, Values: []any{"x86_64", "arm64"}},
		{Name: "encryptedTable.BillingMode", Resource: "encryptedTable", Attr: genome.BillingMode, Values: []any{"PROVISIONED", "PAY_PER_REQUEST"}},
		{Name: "unencryptedBucket.Encryption", Resource: "unencryptedBucket", Attr: genome.BucketSSE, Values: []any{"none", "AES256", "aws:kms", "aws:kms+bucket-key"}},
		{Name: "unencryptedBucket.Replication", Resource: "unencryptedBucket", Attr: genome.Replication, Values: []any{false, true}},
		{Name: "ServerlessRestApi.Type", Resource: "ServerlessRestApi", Attr: genome.APIType, Values: []any{"REST", "HTTP"}},
		{Name: "ServerlessRestApi.CacheClusterSize", Resource: "ServerlessRestApi", Attr: genome.CacheSize, Values: []any{nil, "0.5", "1.6"}},
		{Name: "myFirstFunction.ReservedConcurrentExecutions", Resource: "myFirstFunction", Attr: genome.Reserved, Values: []any{nil, 10, 100}},
	}}
}

func TestBinderApply(t *testing.T) {
	tpl := seed(t)
	base, err := Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bind(seedSpace(t, tpl), base)
	if err != nil {
		t.Fatal(err)
	}
	dst := b.NewState()
	b.Apply(dst, genome.Genome{2, 1, 1, 3, 1, 0, 2, 1})
	f := dst.Functions[dst.FunctionIndex("myFirstFunction")]
	if f.MemoryMB != 1769 || f.Arch != ARM64 || f.Reserved != 10 {
		t.Errorf("function genes not applied: %+v", f)
	}
	if dst.Tables[dst.TableIndex("encryptedTable")].Provisioned {
		t.Error("billing gene not applied")
	}
	bk := dst.Buckets[dst.BucketIndex("unencryptedBucket")]
	if bk.SSE != BucketSSEKMSBucketKey || !bk.Replication || !bk.Versioning {
		t.Errorf("bucket genes (replication forces versioning): %+v", bk)
	}
	// genome's Apply writes CacheClusterEnabled, CacheClusterSize and
	// MethodSettings caching every method encrypted.
	if api := dst.APIs[dst.APIIndex(ImplicitRestAPI)]; !api.REST || api.CacheGB != 1.6 || !api.CacheEncrypted {
		t.Errorf("api genes: %+v", api)
	}
	// The baseline is untouched.
	if base.Functions[base.FunctionIndex("myFirstFunction")].MemoryMB != 128 {
		t.Error("Apply changed the baseline")
	}
	// HTTP drops the cache.
	b.Apply(dst, genome.Genome{0, 0, 0, 0, 0, 1, 2, 0})
	if api := dst.APIs[dst.APIIndex(ImplicitRestAPI)]; api.REST || api.CacheGB != 0 || api.CacheEncrypted {
		t.Errorf("HTTP API must have no cache: %+v", api)
	}
	if dst.Functions[dst.FunctionIndex("myFirstFunction")].Reserved != None {
		t.Error("reserved nil must be None")
	}
}

// TestBinderCurrentIsTemplate: genes at the template's values leave the
// baseline as it is (genome's Apply writes nothing for them): a function
// without DeploymentPreference keeps its deployment none (its Type gene is
// nil); and the alarms gene at "none" drops the template's own alarms, as
// Apply does.
func TestBinderCurrentIsTemplate(t *testing.T) {
	src := `
Transform: AWS::Serverless-2016-10-31
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: a.b, CodeUri: ., AutoPublishAlias: live}
  G:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      CodeUri: .
      AutoPublishAlias: live
      DeploymentPreference: {Type: Canary10Percent5Minutes, Alarms: [!Ref GErrors]}
  GErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: Errors
      Namespace: AWS/Lambda
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 0
      ComparisonOperator: GreaterThanThreshold
      Dimensions: [{Name: FunctionName, Value: !Ref G}]
`
	tpl, err := cfn.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := genome.Derive(tpl, scenarios.Empty("t"))
	if err != nil {
		t.Fatal(err)
	}
	base, err := Baseline(tpl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bind(sp, base)
	if err != nil {
		t.Fatal(err)
	}
	dst := b.NewState()
	g := sp.Current()
	b.Apply(dst, g)
	f, gf := dst.Functions[dst.FunctionIndex("F")], dst.Functions[dst.FunctionIndex("G")]
	if f.Deploy != DeployNone || gf.Deploy != Canary10Percent5Minutes || len(gf.Alarms) != 1 || gf.DeclaredAlarms != 1 {
		t.Fatalf("own genome: F %v, G %v alarms %v (%d declared)", f.Deploy, gf.Deploy, gf.Alarms, gf.DeclaredAlarms)
	}
	ti, ok := sp.Gene("F.DeploymentPreference.Type")
	if !ok {
		t.Fatal("no deployment type gene for F")
	}
	for j, v := range sp.Genes[ti].Values {
		if v == "Linear10PercentEvery1Minute" {
			g[ti] = j
		}
	}
	ai, ok := sp.Gene("G.DeploymentPreference.Alarms")
	if !ok {
		t.Fatal("no alarms gene for G")
	}
	for j, v := range sp.Genes[ai].Values {
		if v == "none" {
			g[ai] = j
		}
	}
	b.Apply(dst, g)
	f, gf = dst.Functions[dst.FunctionIndex("F")], dst.Functions[dst.FunctionIndex("G")]
	if f.Deploy != Linear10PercentEvery1Minute {
		t.Errorf("F's changed deployment type not applied: %v", f.Deploy)
	}
	if len(gf.Alarms) != 0 || gf.DeclaredAlarms != 0 || gf.AlarmLevel != 0 {
		t.Errorf("alarms none must drop G's own alarm: %v (%d declared, level %d)", gf.Alarms, gf.DeclaredAlarms, gf.AlarmLevel)
	}
	if n := len(base.Functions[base.FunctionIndex("G")].Alarms); n != 1 {
		t.Errorf("Apply changed the baseline's alarms: %d", n)
	}
}

func BenchmarkApply(b *testing.B) {
	tpl := seed(b)
	base, _ := Baseline(tpl)
	bd, err := Bind(seedSpace(b, tpl), base)
	if err != nil {
		b.Fatal(err)
	}
	dst := bd.NewState()
	g := genome.Genome{2, 1, 1, 3, 1, 0, 2, 1}
	b.ReportAllocs()
	for b.Loop() {
		bd.Apply(dst, g)
	}
}

func TestPublicPermission(t *testing.T) {
	tests := []struct {
		props string
		want  bool
	}{
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: "*"}`, true},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: "*", SourceAccount: "123456789012"}`, false},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: "123456789012"}`, false},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: !Ref AWS::AccountId}`, false},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: apigateway.amazonaws.com}`, true},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: apigateway.amazonaws.com, SourceArn: !Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*"}`, false},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com, SourceArn: arn:aws:s3:::b}`, true},
		{`{FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com, SourceAccount: !Ref AWS::AccountId}`, false},
	}
	for _, tt := range tests {
		src := "Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}\n  P:\n    Type: AWS::Lambda::Permission\n    Properties: " + tt.props + "\n"
		tpl, err := cfn.Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		st, _ := Baseline(tpl)
		if got := st.Functions[0].PublicAccess; got != tt.want {
			t.Errorf("%s: public = %v, want %v", tt.props, got, tt.want)
		}
	}
}
