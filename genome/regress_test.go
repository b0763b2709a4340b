package genome

import (
	"strings"
	"testing"
)

// TestGlobalsAndApplyRegressions covers the cases the corpus round trip
// found (TestApplyCorpus): a value set in SAM Globals that a function cannot
// replace or remove, a table without ProvisionedThroughput, and API type
// switches with a cache or the other type's Globals.
func TestGlobalsAndApplyRegressions(t *testing.T) {
	fn := func(props string) string {
		return "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n" + props
	}
	globals := func(section, body string) string {
		return "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  " + section + ":\n" + body + "Resources:\n"
	}
	httpFn := "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n" +
		"      Events:\n        E:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref Http\n            Path: /\n            Method: get\n"
	tests := []struct {
		name    string
		src     string
		skipped string         // a gene that must be skipped, with "Globals" in the reason
		set     map[string]any // genes to set; the result must read back
		output  []string       // substrings of the written template
	}{
		{name: "architectures only in Globals",
			src:     globals("Function", "    Architectures: [x86_64]\n") + fn(""),
			skipped: "Fn.Architectures"},
		{name: "architectures in Globals and on the function",
			src:     globals("Function", "    Architectures: [x86_64]\n") + fn("      Architectures: [arm64]\n"),
			skipped: "Fn.Architectures"},
		{name: "reserved concurrency overridden on the function",
			src:     globals("Function", "    ReservedConcurrentExecutions: 10\n") + fn("      ReservedConcurrentExecutions: 50\n"),
			skipped: "Fn.ReservedConcurrentExecutions",
			set:     map[string]any{"Fn.MemorySize": "512"}},
		{name: "dead-letter queue overridden on the function",
			src:     globals("Function", "    DeadLetterQueue:\n      Type: SQS\n      TargetArn: arn:aws:sqs:us-east-1:1:q\n") + fn("      DeadLetterQueue:\n        Type: SQS\n        TargetArn: arn:aws:sqs:us-east-1:1:r\n"),
			skipped: "Fn.DeadLetterQueue"},
		{name: "architectures without Globals",
			src:    samHead + fn("      Architectures: [x86_64]\n"),
			set:    map[string]any{"Fn.Architectures": "arm64"},
			output: []string{`Architectures: [arm64]`}},
		// Without BillingMode and ProvisionedThroughput the table is on
		// demand (the simulator's reading): capacity needs PROVISIONED.
		{name: "read capacity of a table without ProvisionedThroughput",
			src:    samHead + "  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: []\n",
			set:    map[string]any{"T.BillingMode": "PROVISIONED", "T.ProvisionedThroughput.ReadCapacityUnits": "100"},
			output: []string{"ProvisionedThroughput:\n        ReadCapacityUnits: 100\n        WriteCapacityUnits: 5\n"}},
		{name: "both capacities of a table without ProvisionedThroughput",
			src:    samHead + "  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: []\n",
			set:    map[string]any{"T.BillingMode": "PROVISIONED", "T.ProvisionedThroughput.ReadCapacityUnits": "100", "T.ProvisionedThroughput.WriteCapacityUnits": "250"},
			output: []string{"ProvisionedThroughput:\n        ReadCapacityUnits: 100\n        WriteCapacityUnits: 250\n"}},
		{name: "HTTP API to a cached REST API and back",
			src:    samHead + httpFn + "  Http:\n    Type: AWS::Serverless::HttpApi\n",
			set:    map[string]any{"Http.Type": "REST", "Http.CacheClusterSize": "0.5"},
			output: []string{"Type: AWS::Serverless::Api", "CacheClusterEnabled: true"}},
		{name: "the other API type's Globals",
			src:     globals("Api", "    EndpointConfiguration: REGIONAL\n") + httpFn + "  Http:\n    Type: AWS::Serverless::HttpApi\n",
			skipped: "Http.Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := derive(t, tt.src)
			if tt.skipped != "" {
				if _, ok := sp.Gene(tt.skipped); ok {
					t.Errorf("gene %s derived, want it skipped", tt.skipped)
				}
				found := false
				for _, s := range sp.Skipped {
					found = found || (s.Name == tt.skipped && strings.Contains(s.Reason, "Globals"))
				}
				if !found {
					t.Errorf("%s not skipped for Globals: %v", tt.skipped, sp.Skipped)
				}
			}
			if tt.set == nil {
				return
			}
			g, err := sp.ParseAssignments(tt.set)
			if err != nil {
				t.Fatal(err)
			}
			out, err := sp.Apply(g)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.output {
				if !strings.Contains(string(out), s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			checkRoundTrip(t, tt.name, sp, g, out)
			if tt.set["Http.Type"] == "REST" {
				// And back to HTTP from the written template: the cache goes.
				sp2 := derive(t, string(out))
				g2, err := sp2.ParseAssignments(map[string]any{"Http.Type": "HTTP"})
				if err != nil {
					t.Fatal(err)
				}
				out2, err := sp2.Apply(g2)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(out2), "CacheCluster") {
					t.Errorf("the HTTP API keeps a cache:\n%s", out2)
				}
				checkRoundTrip(t, tt.name+" back", sp2, g2, out2)
			}
		})
	}
}

// TestWrongTypeMessage: a property of the wrong shape names what it is.
func TestWrongTypeMessage(t *testing.T) {
	tp := parse(t, samHead+"  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Architectures: [x86_64, arm64]\n")
	_, err := Derive(tp, nil)
	if err == nil || !strings.Contains(err.Error(), "t.yaml:6:22") || !strings.Contains(err.Error(), "not a list of 2") {
		t.Errorf("err = %v, want the position and \"not a list of 2\"", err)
	}
}
