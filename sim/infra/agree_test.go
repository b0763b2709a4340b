package infra

import (
	"fmt"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
)

// variant binds the genes set in set onto src's baseline (the simulator's
// reading of the variant) and parses what genome's Apply writes for them
// (what check and evaluate read back): both phenotypes.
func variant(t *testing.T, src string, set map[string]any) (sim, written *State) {
	t.Helper()
	tpl, err := cfn.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := genome.Derive(tpl, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := sp.ParseAssignments(set)
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
	sim = b.NewState()
	b.Apply(sim, g)
	out, err := sp.Apply(g)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := cfn.Parse("applied.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	written, err = Baseline(applied)
	if err != nil {
		t.Fatal(err)
	}
	return sim, written
}

// facts renders the fields the review fixes touch, resource by resource,
// for the resources of the original template (Apply may add some).
func facts(st *State, ids []string) string {
	s := ""
	for _, id := range ids {
		if i := st.FunctionIndex(id); i >= 0 {
			f := &st.Functions[i]
			// The alarms gene's own alarms are AlarmLevel in the simulator
			// and declared template alarms once written: count both.
			s += fmt.Sprintf("%s deploy=%d/%q alarms=%v pre=%v post=%v; ", id, f.Deploy, f.DeployName,
				f.AlarmLevel > 0 || f.DeclaredAlarms > 0, f.PreTraffic, f.PostTraffic)
		}
		if i := st.TableIndex(id); i >= 0 {
			tb := &st.Tables[i]
			s += fmt.Sprintf("%s provisioned=%v rcu=%g wcu=%g; ", id, tb.Provisioned, tb.RCU, tb.WCU)
		}
		if i := st.BucketIndex(id); i >= 0 {
			s += fmt.Sprintf("%s tls=%v; ", id, st.Buckets[i].TLSOnly)
		}
		if i := st.APIIndex(id); i >= 0 {
			a := &st.APIs[i]
			s += fmt.Sprintf("%s rest=%v cache=%g encrypted=%v; ", id, a.REST, a.CacheGB, a.CacheEncrypted)
		}
	}
	return s
}

// TestVariantAgreesWithAppliedTemplate: for each review fix, the simulator's
// reading of a variant equals Baseline's reading of the template genome's
// Apply writes for it, and the template's own genome equals the baseline.
func TestVariantAgreesWithAppliedTemplate(t *testing.T) {
	const sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n"
	api := func(props string) string {
		return sam + "  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n" + props
	}
	deny := "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: x, Condition: {Bool: {'aws:SecureTransport': false}}}"
	bucket := func(name, policyBucket, stmt string) string {
		return "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: " + name + "}\n" +
			"  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: " + policyBucket + "\n      PolicyDocument:\n        Statement:\n          - " + stmt + "\n"
	}
	fn := func(props string) string {
		return sam + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      AutoPublishAlias: live\n" + props +
			"  CodeDeployHook_Check:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      FunctionName: CodeDeployHook_Check\n"
	}
	table := "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: []\n"
	tests := []struct {
		name, src string
		ids       []string
		sets      []map[string]any
		// want is the expected facts of the first set's variant ("" = not checked).
		want string
	}{
		{name: "cache on writes encrypted method settings", src: api(""), ids: []string{"A"},
			sets: []map[string]any{{"A.CacheClusterSize": "0.5"}, {"A.CacheClusterSize": "6.1"}},
			want: "A rest=true cache=0.5 encrypted=true; "},
		{name: "cache on merges into logging settings", src: api("      MethodSettings:\n        - {ResourcePath: /*, HttpMethod: '*', LoggingLevel: INFO}\n"), ids: []string{"A"},
			sets: []map[string]any{{"A.CacheClusterSize": "1.6"}}, want: "A rest=true cache=1.6 encrypted=true; "},
		{name: "cache off keeps another method's encrypted cache", ids: []string{"A"},
			src: api("      CacheClusterEnabled: true\n      MethodSettings:\n        - {ResourcePath: /*, HttpMethod: '*', CachingEnabled: true, CacheDataEncrypted: true}\n" +
				"        - {ResourcePath: /pets, HttpMethod: GET, CachingEnabled: true, CacheDataEncrypted: true}\n"),
			sets: []map[string]any{{"A.CacheClusterSize": nil}}, want: "A rest=true cache=0 encrypted=true; "},
		{name: "cache off on the gene's own entry", ids: []string{"A"},
			src:  api("      CacheClusterEnabled: true\n      MethodSettings:\n        - {ResourcePath: /*, HttpMethod: '*', CachingEnabled: true, CacheDataEncrypted: true}\n"),
			sets: []map[string]any{{"A.CacheClusterSize": nil}, {"A.CacheClusterSize": "0.5"}}, want: "A rest=true cache=0 encrypted=false; "},
		{name: "an unencrypted cache is read so", ids: []string{"A"},
			src:  api("      CacheClusterEnabled: true\n      MethodSettings:\n        - {ResourcePath: /*, HttpMethod: '*', CacheDataEncrypted: true}\n"),
			sets: []map[string]any{{}}, want: "A rest=true cache=0.5 encrypted=false; "},
		{name: "policy by literal BucketName", src: bucket("my-data", "my-data", deny), ids: []string{"B"},
			sets: []map[string]any{{}, {"B.TLSOnlyPolicy": false}}, want: "B tls=true; "},
		{name: "deny without Principal * is no TLS-only policy", ids: []string{"B"},
			src:  bucket("my-data", "!Ref B", "{Effect: Deny, Principal: {AWS: arn:aws:iam::123456789012:root}, Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': false}}}"),
			sets: []map[string]any{{}, {"B.TLSOnlyPolicy": true}}, want: "B tls=false; "},
		{name: "deny of one action is no TLS-only policy", ids: []string{"B"},
			src:  bucket("my-data", "my-data", "{Effect: Deny, Principal: '*', Action: 's3:PutObject', Condition: {Bool: {'aws:SecureTransport': false}}}"),
			sets: []map[string]any{{}, {"B.TLSOnlyPolicy": true}}, want: "B tls=false; "},
		{name: "table with neither billing mode nor throughput", src: table, ids: []string{"T"},
			sets: []map[string]any{{}, {"T.BillingMode": "PROVISIONED", "T.ProvisionedThroughput.ReadCapacityUnits": 25}},
			want: "T provisioned=false rcu=0 wcu=0; "},
		{name: "no DeploymentPreference is none", src: fn(""), ids: []string{"Fn"},
			sets: []map[string]any{{}, {"Fn.DeploymentPreference.Alarms": "errors", "Fn.DeploymentPreference.Hooks.PreTraffic": true},
				{"Fn.DeploymentPreference.Type": "AllAtOnce"},
				{"Fn.DeploymentPreference.Type": "Canary10Percent10Minutes", "Fn.DeploymentPreference.Alarms": "errors+latency", "Fn.DeploymentPreference.Hooks.PreTraffic": true}},
			want: `Fn deploy=0/"" alarms=false pre=false post=false; `},
		{name: "AllAtOnce is AllAtOnce", src: fn("      DeploymentPreference:\n        Type: AllAtOnce\n"), ids: []string{"Fn"},
			sets: []map[string]any{{}, {"Fn.DeploymentPreference.Type": "Linear10PercentEvery1Minute"}},
			want: `Fn deploy=1/"" alarms=false pre=false post=false; `},
		{name: "an intrinsic Type reads as none, alarms and hooks as written", ids: []string{"Fn"},
			src:  fn("      DeploymentPreference:\n        Type: !Ref DeployType\n        Hooks: {PreTraffic: !Ref CodeDeployHook_Check}\n"),
			sets: []map[string]any{{}, {"Fn.MemorySize": 512}},
			want: `Fn deploy=0/"" alarms=false pre=true post=false; `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, set := range tt.sets {
				sim, written := variant(t, tt.src, set)
				a, b := facts(sim, tt.ids), facts(written, tt.ids)
				if a != b {
					t.Errorf("%v:\n  simulated %s\n  written   %s", set, a, b)
				}
				if k == 0 && tt.want != "" && a != tt.want {
					t.Errorf("%v: %s, want %s", set, a, tt.want)
				}
			}
		})
	}
}
