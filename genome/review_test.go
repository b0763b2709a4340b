package genome

import (
	"bytes"
	"strings"
	"testing"
)

// applySet derives src, sets the genes and applies them; it checks the
// round trip and returns the space, the genome and the written bytes.
func applySet(t *testing.T, src string, set map[string]any) (*Space, Genome, []byte) {
	t.Helper()
	sp := derive(t, src)
	g, err := sp.ParseAssignments(set)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sp.Apply(g)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	checkRoundTrip(t, t.Name(), sp, g, out)
	return sp, g, out
}

// TestCacheMethodSettings: turning a REST cache on also caches every method
// encrypted in MethodSettings (merged with the list the API has); turning it
// off removes what the gene added and gives the template back.
func TestCacheMethodSettings(t *testing.T) {
	api := func(props string) string {
		return samHead + "  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n" + props
	}
	tests := []struct {
		name, src string
		size      any      // the cache value to set
		want      []string // substrings of the output
		wantNot   []string
		restores  bool // setting the cache back to the template's value gives the input bytes
	}{
		{name: "no MethodSettings", src: api(""), size: "0.5", restores: true,
			want: []string{"CacheClusterEnabled: true", "MethodSettings:\n        - ResourcePath: \"/*\"\n          HttpMethod: \"*\"\n          CachingEnabled: true\n          CacheDataEncrypted: true\n"}},
		{name: "merged into the entry for every method", restores: true,
			src:  api("      MethodSettings:\n        - ResourcePath: /*\n          HttpMethod: '*'\n          LoggingLevel: INFO\n"),
			size: "1.6",
			want: []string{"          LoggingLevel: INFO\n          CachingEnabled: true\n          CacheDataEncrypted: true\n"}},
		{name: "flags already half set", restores: false,
			src:     api("      MethodSettings:\n        - ResourcePath: /*\n          HttpMethod: '*'\n          CachingEnabled: true\n          MetricsEnabled: true\n"),
			size:    "0.5",
			want:    []string{"          CachingEnabled: true\n          MetricsEnabled: true\n          CacheDataEncrypted: true\n"},
			wantNot: []string{"CachingEnabled: true\n          MetricsEnabled: true\n          CachingEnabled"}},
		{name: "appended beside another method's entry", restores: true,
			src:  api("      MethodSettings:\n        - ResourcePath: /pets\n          HttpMethod: GET\n          CachingEnabled: true\n"),
			size: "0.5",
			want: []string{"HttpMethod: GET", "ResourcePath: \"/*\"", "CacheDataEncrypted: true"}},
		{name: "a resize adds the missing settings",
			src:  api("      CacheClusterEnabled: true\n      CacheClusterSize: '6.1'\n"),
			size: "0.5",
			want: []string{"CacheClusterSize: '0.5'", "CacheDataEncrypted: true"}},
		{name: "off removes the gene's entry",
			src:     api("      CacheClusterEnabled: true\n      CacheClusterSize: '0.5'\n      MethodSettings:\n        - ResourcePath: /*\n          HttpMethod: '*'\n          CachingEnabled: true\n          CacheDataEncrypted: true\n"),
			size:    nil,
			wantNot: []string{"MethodSettings", "CacheCluster"}},
		{name: "off keeps the entry's other settings",
			src:     api("      CacheClusterEnabled: true\n      MethodSettings:\n        - ResourcePath: /*\n          HttpMethod: '*'\n          LoggingLevel: ERROR\n          CachingEnabled: true\n          CacheDataEncrypted: true\n"),
			size:    nil,
			want:    []string{"        - ResourcePath: /*\n          HttpMethod: '*'\n          LoggingLevel: ERROR\n"},
			wantNot: []string{"CachingEnabled", "CacheDataEncrypted", "CacheCluster"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, _, out := applySet(t, tt.src, map[string]any{"A.CacheClusterSize": tt.size})
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(string(out), w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			if !tt.restores {
				return
			}
			back := derive(t, string(out))
			i, _ := sp.Gene("A.CacheClusterSize")
			g, err := back.ParseAssignments(map[string]any{"A.CacheClusterSize": sp.Genes[i].CurrentValue()})
			if err != nil {
				t.Fatal(err)
			}
			again, err := back.Apply(g)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, []byte(tt.src)) {
				t.Errorf("turning the cache back does not give the template back:\n%s\nwant\n%s", again, tt.src)
			}
		})
	}
}

// TestCacheGeneSkips: MethodSettings the gene cannot merge into.
func TestCacheGeneSkips(t *testing.T) {
	for name, src := range map[string]string{
		"intrinsic": samHead + "  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      MethodSettings: !If [C, [], []]\n",
		"globals": "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Api:\n    MethodSettings:\n      - {ResourcePath: /*, HttpMethod: '*', LoggingLevel: INFO}\n" +
			"Resources:\n  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n",
	} {
		sp := derive(t, src)
		if _, ok := sp.Gene("A.CacheClusterSize"); ok || !sp.skipped("A.CacheClusterSize") {
			t.Errorf("%s: the cache gene must be skipped: %v", name, sp.Skipped)
		}
	}
}

// TestCachedAPISwitchesType: an HTTP API switched to a cached REST API gets
// the cache's MethodSettings, and the gene's own MethodSettings do not keep
// it from switching back.
func TestCachedAPISwitchesType(t *testing.T) {
	src := samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n" +
		"      Events:\n        E:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref Http\n            Path: /\n            Method: get\n" +
		"  Http:\n    Type: AWS::Serverless::HttpApi\n"
	_, _, out := applySet(t, src, map[string]any{"Http.Type": "REST", "Http.CacheClusterSize": "0.5"})
	if !strings.Contains(string(out), "CacheDataEncrypted: true") {
		t.Fatalf("no cache method settings:\n%s", out)
	}
	_, _, back := applySet(t, string(out), map[string]any{"Http.Type": "HTTP"})
	if strings.Contains(string(back), "MethodSettings") || !strings.Contains(string(back), "AWS::Serverless::HttpApi") {
		t.Errorf("switching back to HTTP:\n%s", back)
	}
}

// TestTLSPredicates: the statements and policies the TLSOnlyPolicy gene
// (and sim/infra) count, aws-facts.md section 4 s3-bucket-ssl-requests-only.
func TestTLSPredicates(t *testing.T) {
	const deny = "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: x, Condition: {Bool: {'aws:SecureTransport': false}}}"
	stmts := []struct {
		stmt string
		want bool
	}{
		{deny, true},
		{"{Effect: Deny, Principal: {AWS: '*'}, Action: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}", true},
		{"{Effect: Deny, Principal: {AWS: ['*']}, Action: [s3:GetObject, 's3:*'], Condition: {Bool: {'aws:SecureTransport': [false]}}}", true},
		{"{Effect: Deny, Principal: {AWS: arn:aws:iam::123456789012:root}, Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': false}}}", false},
		{"{Effect: Deny, Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': false}}}", false},
		{"{Effect: Deny, Principal: '*', Action: 's3:GetObject', Condition: {Bool: {'aws:SecureTransport': false}}}", false},
		{"{Effect: Deny, Principal: '*', Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': true}}}", false},
		{"{Effect: Allow, Principal: '*', Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': false}}}", false},
	}
	for _, tt := range stmts {
		v := parse(t, "S: "+tt.stmt+"\n").Root.Get("S")
		if got := TLSDenyStatement(v); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.stmt, got, tt.want)
		}
	}
	bucket := func(name string) string {
		b := "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
		if name != "" {
			b += "    Properties: {BucketName: " + name + "}\n"
		}
		return b
	}
	policy := func(ref string) string {
		return "  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: " + ref + "\n      PolicyDocument:\n        Statement:\n          - " + deny + "\n"
	}
	templates := []struct {
		name, src string
		want      bool
	}{
		{"Ref", bucket("") + policy("!Ref B"), true},
		{"literal BucketName", bucket("my-data") + policy("my-data"), true},
		{"another bucket's name", bucket("my-data") + policy("other-data"), false},
		{"logical ID without a BucketName", bucket("") + policy("B"), true},
		{"logical ID beside a BucketName", bucket("my-data") + policy("B"), false},
		{"Sub", bucket("") + policy("!Sub '${B}'"), true},
	}
	for _, tt := range templates {
		sp := derive(t, tt.src)
		i, ok := sp.Gene("B.TLSOnlyPolicy")
		if !ok {
			t.Fatalf("%s: no TLS gene: %v", tt.name, sp.Skipped)
		}
		if got := sp.Genes[i].CurrentValue(); got != tt.want {
			t.Errorf("%s: TLSOnlyPolicy = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestTLSOffRemovesEveryDeny: the simulator counts any TLS-only deny, so
// turning the gene off removes them all.
func TestTLSOffRemovesEveryDeny(t *testing.T) {
	const deny = "          - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: x, Condition: {Bool: {'aws:SecureTransport': false}}}\n"
	src := "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument:\n        Statement:\n" +
		deny + "          - {Effect: Allow, Principal: {AWS: arn:aws:iam::123456789012:root}, Action: 's3:GetObject', Resource: x}\n" + deny
	_, _, out := applySet(t, src, map[string]any{"B.TLSOnlyPolicy": false})
	if strings.Contains(string(out), "SecureTransport") || !strings.Contains(string(out), "s3:GetObject") {
		t.Errorf("turning TLS-only off:\n%s", out)
	}
	_, _, out = applySet(t, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument:\n        Statement:\n"+deny+deny,
		map[string]any{"B.TLSOnlyPolicy": false})
	if strings.Contains(string(out), "AWS::S3::BucketPolicy") {
		t.Errorf("a policy of TLS denies only must go:\n%s", out)
	}
}

// TestDeploymentNone: a function with AutoPublishAlias and no
// DeploymentPreference has Type nil ("none"), distinct from AllAtOnce; its
// alarms and hook genes are moot until a Type is chosen.
func TestDeploymentNone(t *testing.T) {
	src := samHead + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      AutoPublishAlias: live\n" +
		"  CodeDeployHook_Check:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      FunctionName: CodeDeployHook_Check\n"
	sp := derive(t, src)
	ti, ok := sp.Gene("Fn.DeploymentPreference.Type")
	if !ok {
		t.Fatalf("no type gene: %v", sp.Skipped)
	}
	if v := sp.Genes[ti].CurrentValue(); v != nil {
		t.Fatalf("current type %v, want nil (no DeploymentPreference)", v)
	}
	ai, _ := sp.Gene("Fn.DeploymentPreference.Alarms")
	pi, _ := sp.Gene("Fn.DeploymentPreference.Hooks.PreTraffic")
	g, err := sp.ParseAssignments(map[string]any{"Fn.DeploymentPreference.Alarms": "errors", "Fn.DeploymentPreference.Hooks.PreTraffic": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if sp.Active(g, ai) || sp.Active(g, pi) {
		t.Error("alarms and hook must be inactive without a DeploymentPreference")
	}
	if out, err := sp.Apply(g); err != nil || !bytes.Equal(out, []byte(src)) {
		t.Errorf("moot genes changed the template (err %v):\n%s", err, out)
	}
	tests := []struct {
		set  map[string]any
		want []string
	}{
		{map[string]any{"Fn.DeploymentPreference.Type": "AllAtOnce"}, []string{"DeploymentPreference:\n        Type: AllAtOnce\n"}},
		{map[string]any{"Fn.DeploymentPreference.Type": "Canary10Percent5Minutes", "Fn.DeploymentPreference.Alarms": "errors", "Fn.DeploymentPreference.Hooks.PreTraffic": true},
			[]string{"Type: Canary10Percent5Minutes", "Alarms:", "PreTraffic: !Ref CodeDeployHook_Check", "FnErrorsAlarm:"}},
	}
	for _, tt := range tests {
		_, _, out := applySet(t, src, tt.set)
		for _, w := range tt.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v: output lacks %q:\n%s", tt.set, w, out)
			}
		}
	}
	// "none" parses as nil, and an applied preference encodes back.
	g, err = sp.ParseAssignments(map[string]any{"Fn.DeploymentPreference.Type": "none"})
	if err != nil || g[ti] != 0 {
		t.Errorf("none: %v %v", g, err)
	}
	if got := FormatValue(sp.Genes[ti].Values[0]); got != "none" {
		t.Errorf("FormatValue(nil) = %q", got)
	}
}

// TestDeploymentTypeIntrinsicSkipNote: an unresolvable Type is skipped with
// a reason saying how the simulator reads it.
func TestDeploymentTypeIntrinsicSkipNote(t *testing.T) {
	sp := derive(t, samHead+"  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: !Ref DeployType\n")
	for _, s := range sp.Skipped {
		if s.Name == "Fn.DeploymentPreference.Type" {
			if !strings.Contains(s.Reason, "intrinsic") || !strings.Contains(s.Reason, "no deployment preference") {
				t.Errorf("reason %q", s.Reason)
			}
			return
		}
	}
	t.Errorf("Type not skipped: %v", sp.Skipped)
}

// TestTableWithoutBillingOrThroughput: neither BillingMode nor
// ProvisionedThroughput reads as on demand; PROVISIONED writes both.
func TestTableWithoutBillingOrThroughput(t *testing.T) {
	src := "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: []\n"
	sp := derive(t, src)
	i, _ := sp.Gene("T.BillingMode")
	if v := sp.Genes[i].CurrentValue(); v != "PAY_PER_REQUEST" {
		t.Fatalf("billing %v", v)
	}
	g := sp.Current()
	j, _ := sp.Gene("T.ProvisionedThroughput.ReadCapacityUnits")
	if sp.Active(g, j) {
		t.Error("capacity must be inactive on demand")
	}
	_, _, out := applySet(t, src, map[string]any{"T.BillingMode": "PROVISIONED"})
	for _, w := range []string{"BillingMode: PROVISIONED", "ReadCapacityUnits: 5", "WriteCapacityUnits: 5"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}
