package cfn

import (
	"strings"
	"testing"
)

func TestApplyText(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   string
		edits []Edit
		want  string
	}{
		{
			name:  "scalar in place keeps comments and quotes",
			src:   "Resources:\n  Fn: # the function\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: 128 # MB\n      Runtime: 'python3.12'\n",
			edits: []Edit{{Resource: "Fn", Path: []string{"MemorySize"}, Value: 1769}, {Resource: "Fn", Path: []string{"Runtime"}, Value: "python3.13"}},
			want:  "Resources:\n  Fn: # the function\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: 1769 # MB\n      Runtime: 'python3.13'\n",
		},
		{
			name:  "double quotes kept",
			src:   "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: \"PROVISIONED\"\n",
			edits: []Edit{{Resource: "T", Path: []string{"BillingMode"}, Value: "PAY_PER_REQUEST"}},
			want:  "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: \"PAY_PER_REQUEST\"\n",
		},
		{
			name:  "CRLF, no final newline, nested insert with missing parents",
			src:   "Resources:\r\n   Fn:\r\n      Type: AWS::Serverless::Function\r\n      Properties:\r\n         Handler: x\r\n         DeploymentPreference:\r\n            Type: AllAtOnce",
			edits: []Edit{{Resource: "Fn", Path: []string{"DeploymentPreference", "Hooks", "PreTraffic"}, Value: Obj{{"Ref", "Hook"}}}},
			want:  "Resources:\r\n   Fn:\r\n      Type: AWS::Serverless::Function\r\n      Properties:\r\n         Handler: x\r\n         DeploymentPreference:\r\n            Type: AllAtOnce\r\n            Hooks:\r\n               PreTraffic: !Ref Hook",
		},
		{
			name:  "resource without Properties gets a block",
			src:   "Resources:\n  B:\n    Type: AWS::S3::Bucket\n\nOutputs:\n  X:\n    Value: 1\n",
			edits: []Edit{{Resource: "B", Path: []string{"VersioningConfiguration", "Status"}, Value: "Enabled"}},
			want:  "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n\nOutputs:\n  X:\n    Value: 1\n",
		},
		{
			name:  "property from Globals is written on the resource",
			src:   "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    MemorySize: 256\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n",
			edits: []Edit{{Resource: "Fn", Path: []string{"MemorySize"}, Value: 512}},
			want:  "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    MemorySize: 256\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      MemorySize: 512\n",
		},
		{
			name:  "parameter ref replaced by a literal",
			src:   "Parameters:\n  M:\n    Type: Number\n    Default: 128\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: !Ref M # from the parameter\n",
			edits: []Edit{{Resource: "Fn", Path: []string{"MemorySize"}, Value: 1024}},
			want:  "Parameters:\n  M:\n    Type: Number\n    Default: 128\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: 1024 # from the parameter\n",
		},
		{
			name:  "flow map insert and scalar",
			src:   "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}\n      Tags: {}\n",
			edits: []Edit{{Resource: "T", Path: []string{"ProvisionedThroughput", "ReadCapacityUnits"}, Value: 10}, {Resource: "T", Path: []string{"SSESpecification", "SSEEnabled"}, Value: true}},
			want:  "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      ProvisionedThroughput: {ReadCapacityUnits: 10, WriteCapacityUnits: 5}\n      Tags: {}\n      SSESpecification:\n        SSEEnabled: true\n",
		},
		{
			name:  "insert into a YAML flow map",
			src:   "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {BillingMode: PROVISIONED}\n",
			edits: []Edit{{Resource: "T", Path: []string{"PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"}, Value: true}},
			want:  "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {BillingMode: PROVISIONED, PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}}\n",
		},
		{
			name:  "YAML flow values are plain only where a flow allows it",
			src:   "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12}\n",
			edits: []Edit{{Resource: "F", Path: []string{"Environment"}, Value: Obj{{"Variables", Obj{{"A", ":lambda:x"}, {"B", "a, b"}, {"C", "0.5"}, {"D", "yes"}, {"E", "arn:aws:s3:::b"}, {"F G", ""}}}}}},
			want:  "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12, Environment: {Variables: {A: \":lambda:x\", B: \"a, b\", C: \"0.5\", D: \"yes\", E: arn:aws:s3:::b, F G: \"\"}}}\n",
		},
		{
			name:  "delete a property and the only property",
			src:   "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      ReservedConcurrentExecutions: 5\n      # keep me\n      Timeout: 3\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n",
			edits: []Edit{{Resource: "Fn", Path: []string{"ReservedConcurrentExecutions"}, Delete: true}, {Resource: "B", Path: []string{"VersioningConfiguration"}, Delete: true}},
			want:  "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      # keep me\n      Timeout: 3\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {}\n",
		},
		{
			name: "add and delete resources",
			src:  "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  Old:\n    Type: AWS::SNS::Topic\n# trailing comment\n",
			edits: []Edit{{Resource: "Old", Delete: true}, {Resource: "BPolicy", Value: Obj{{"Type", "AWS::S3::BucketPolicy"}, {"Properties", Obj{
				{"Bucket", Obj{{"Ref", "B"}}},
				{"PolicyDocument", Obj{{"Statement", []any{Obj{{"Effect", "Deny"}, {"Condition", Obj{{"Bool", Obj{{"aws:SecureTransport", "false"}}}}}, {"Resource", []any{Obj{{"Fn::GetAtt", []any{"B", "Arn"}}}}}}}}}},
			}}}}},
			want: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  BPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument:\n        Statement:\n          - Effect: Deny\n            Condition:\n              Bool:\n                aws:SecureTransport: \"false\"\n            Resource:\n              - !GetAtt B.Arn\n# trailing comment\n",
		},
		{
			name:  "JSON with tabs: replace, insert, delete",
			src:   "{\n\t\"Resources\": {\n\t\t\"Fn\": {\n\t\t\t\"Type\": \"AWS::Lambda::Function\",\n\t\t\t\"Properties\": {\n\t\t\t\t\"MemorySize\": 128,\n\t\t\t\t\"Timeout\": 3\n\t\t\t}\n\t\t}\n\t}\n}",
			edits: []Edit{{Resource: "Fn", Path: []string{"MemorySize"}, Value: 2048}, {Resource: "Fn", Path: []string{"Timeout"}, Delete: true}},
			want:  "{\n\t\"Resources\": {\n\t\t\"Fn\": {\n\t\t\t\"Type\": \"AWS::Lambda::Function\",\n\t\t\t\"Properties\": {\n\t\t\t\t\"MemorySize\": 2048\n\t\t\t}\n\t\t}\n\t}\n}",
		},
		{
			name:  "JSON insert nested",
			src:   "{\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {\n        \"MemorySize\": 128\n      }\n    }\n  }\n}\n",
			edits: []Edit{{Resource: "Fn", Path: []string{"DeadLetterConfig", "TargetArn"}, Value: Obj{{"Fn::GetAtt", []any{"Q", "Arn"}}}}},
			want:  "{\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {\n        \"MemorySize\": 128,\n        \"DeadLetterConfig\": {\n          \"TargetArn\": {\n            \"Fn::GetAtt\": [\n              \"Q\",\n              \"Arn\"\n            ]\n          }\n        }\n      }\n    }\n  }\n}\n",
		},
		{
			name:  "list item map insert and indentless list value",
			src:   "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n            SSEAlgorithm: AES256\n      Tags:\n      - Key: a\n        Value: b\n",
			edits: []Edit{{Resource: "B", Path: []string{"BucketEncryption", "ServerSideEncryptionConfiguration", "0", "BucketKeyEnabled"}, Value: true}, {Resource: "B", Path: []string{"BucketEncryption", "ServerSideEncryptionConfiguration", "0", "ServerSideEncryptionByDefault", "SSEAlgorithm"}, Value: "aws:kms"}},
			want:  "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n            SSEAlgorithm: aws:kms\n          BucketKeyEnabled: true\n      Tags:\n      - Key: a\n        Value: b\n",
		},
		{
			name:  "replace a block value and a string that needs quotes",
			src:   "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Architectures:\n        - x86_64\n      Description: plain\n      Code: |\n        line one\n        line two\n",
			edits: []Edit{{Resource: "Fn", Path: []string{"Architectures"}, Value: []any{"arm64"}}, {Resource: "Fn", Path: []string{"Description"}, Value: "yes"}, {Resource: "Fn", Path: []string{"Code"}, Value: "x: y"}},
			want:  "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Architectures:\n        - arm64\n      Description: \"yes\"\n      Code: \"x: y\"\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := mustParse(t, tc.src)
			out, err := tpl.Apply(tc.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tc.want)
			}
		})
	}
}

func TestApplyNoEditsIsIdentity(t *testing.T) {
	src := "Resources: # c\r\n  A:\r\n    Type: X\t# tab\r\n"
	tpl := mustParse(t, src)
	out, err := tpl.Apply(nil)
	if err != nil || string(out) != src {
		t.Fatalf("Apply(nil) = %q, %v", out, err)
	}
	out, err = tpl.Apply([]Edit{{Resource: "A", Path: []string{"P"}, Value: "v"}})
	if err != nil || !strings.Contains(string(out), "\r\n    Properties:\r\n      P: v") {
		t.Fatalf("got %q, %v", out, err)
	}
}
