package cfn

import (
	"encoding/json"
	"reflect"
	"testing"
)

const samSrc = `AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Mem:
    Type: Number
    Default: 512
  Subnets:
    Type: CommaDelimitedList
    Default: a,b
  NoDefault:
    Type: String
Globals:
  Function:
    MemorySize: 256
    Timeout: 10
    Layers: [g1]
    Environment:
      Variables:
        TABLE: t
        LEVEL: info
    DeploymentPreference:
      Type: Canary10Percent5Minutes
      Alarms: [!Ref A1]
  Api:
    CacheClusterEnabled: true
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      MemorySize: !Ref Mem
      Layers: [l1]
      Environment:
        Variables:
          LEVEL: debug
      AutoPublishAlias: live
      DeploymentPreference:
        Type: AllAtOnce
        Hooks:
          PreTraffic: !Ref Hook
      VpcConfig:
        SubnetIds: !Ref Subnets
      Description: !Ref NoDefault
      Events:
        Get:
          Type: Api
          Properties: {Path: "/items/{id}", Method: get}
        Http:
          Type: HttpApi
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Bucket
        Topic:
          Type: SNS
          Properties:
            Topic: !Ref T
  Hook:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: !If [C, 3, 5]
      DeploymentPreference:
        Enabled: false
  Bucket:
    Type: AWS::S3::Bucket
  T:
    Type: AWS::SNS::Topic
  Loose:
    Type: {Module: x}
`

func mustParse(t *testing.T, src string) *Template {
	t.Helper()
	tpl, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func asJSON(v *Value) string {
	b, _ := json.Marshal(v.Interface())
	return string(b)
}

func TestGlobalsAndParameters(t *testing.T) {
	tpl := mustParse(t, samSrc)
	fn := tpl.Resource("Fn")
	for _, tc := range []struct {
		path []string
		want string
		from string
	}{
		{[]string{"MemorySize"}, `512`, "Parameter"}, // own !Ref Mem with Default 512 beats the global 256
		{[]string{"Timeout"}, `10`, "Globals"},       // from Globals only
		{[]string{"Layers"}, `["g1","l1"]`, ""},      // lists: globals then local
		{[]string{"Layers", "0"}, `"g1"`, "Globals"}, // the global element keeps its origin
		{[]string{"Environment", "Variables", "TABLE"}, `"t"`, "Globals"},
		{[]string{"Environment", "Variables", "LEVEL"}, `"debug"`, ""}, // local scalar wins
		{[]string{"DeploymentPreference", "Type"}, `"AllAtOnce"`, ""},
		{[]string{"DeploymentPreference", "Alarms"}, `[{"Ref":"A1"}]`, "Globals"},
		{[]string{"VpcConfig", "SubnetIds"}, `["a","b"]`, "Parameter"}, // a list parameter's default
		{[]string{"Description"}, `{"Ref":"NoDefault"}`, ""},           // no default: kept as !Ref
	} {
		v := fn.Prop(tc.path...)
		if v == nil {
			t.Errorf("%v: missing", tc.path)
			continue
		}
		if got := asJSON(v); got != tc.want || v.From != tc.from {
			t.Errorf("%v = %s (from %q), want %s (from %q)", tc.path, got, v.From, tc.want, tc.from)
		}
	}
	if m := fn.Prop("MemorySize"); m.Orig == nil || m.Orig.Tag != "!Ref" || m.Orig.Pos.Line != 30 {
		t.Errorf("MemorySize.Orig = %+v, want the !Ref at line 30", m.Orig)
	}
	if tm := fn.Prop("Timeout"); tm.Pos != (Pos{15, 14}) {
		t.Errorf("Timeout from Globals at %v, want 15:14", tm.Pos)
	}
	if got := tpl.Resource("Hook").Prop("MemorySize"); got == nil || got.From != "Globals" || asJSON(got) != "256" {
		t.Errorf("Hook.MemorySize = %v, want 256 from Globals", got)
	}
	if got := asJSON(tpl.Resource("Hook").Prop("Timeout")); got != `{"Fn::If":["C",3,5]}` {
		t.Errorf("an intrinsic is a primitive in the merge: got %s", got)
	}
	if tpl.Resource("Loose").Type != "" {
		t.Errorf("a mapping Type should read as empty")
	}
	if raw := fn.Raw.Get("Properties", "Timeout"); raw != nil {
		t.Errorf("Globals must not change Raw")
	}
}

func TestImplicitResources(t *testing.T) {
	tpl := mustParse(t, samSrc)
	var got []string
	for _, r := range tpl.Resources {
		if r.Implicit {
			got = append(got, r.ID+" "+r.Type+" "+r.Parent)
		}
	}
	want := []string{
		"ServerlessRestApi AWS::Serverless::Api Fn",
		"ServerlessHttpApi AWS::Serverless::HttpApi Fn",
		"FnAliaslive AWS::Lambda::Alias Fn",
		"FnDeploymentGroup AWS::CodeDeploy::DeploymentGroup Fn",
		"FnGetPermissionProd AWS::Lambda::Permission Fn",
		"FnHttpPermission AWS::Lambda::Permission Fn",
		"FnUploadPermission AWS::Lambda::Permission Fn",
		"FnTopicPermission AWS::Lambda::Permission Fn",
		"ServerlessDeploymentApplication AWS::CodeDeploy::Application ",
		"CodeDeployServiceRole AWS::IAM::Role Fn",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("implicit resources:\n got %q\nwant %q", got, want)
	}
	api := tpl.Resource("ServerlessRestApi")
	if s := asJSON(api.Properties); s != `{"CacheClusterEnabled":true,"StageName":"Prod"}` {
		t.Errorf("implicit API props %s", s)
	}
	perm := tpl.Resource("FnGetPermissionProd")
	if s := asJSON(perm.Prop("SourceArn")); s != `{"Fn::Sub":["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/GET/items/*",{"__ApiId__":{"Ref":"ServerlessRestApi"},"__Stage__":"*"}]}` {
		t.Errorf("SourceArn %s", s)
	}
	if s := asJSON(perm.Prop("FunctionName")); s != `{"Ref":"FnAliaslive"}` {
		t.Errorf("FunctionName %s", s)
	}
	if s := asJSON(tpl.Resource("FnTopicPermission").Prop("SourceArn")); s != `{"Ref":"T"}` {
		t.Errorf("SNS SourceArn %s", s)
	}
	dg := tpl.Resource("FnDeploymentGroup")
	if s := asJSON(dg.Prop("AlarmConfiguration")); s != `{"Alarms":[{"Name":{"Ref":"A1"}}],"Enabled":true}` {
		t.Errorf("AlarmConfiguration %s", s)
	}
	if tpl.Resource("HookDeploymentGroup") != nil {
		t.Errorf("a disabled DeploymentPreference makes no deployment group")
	}
}

func TestEventsRefsErrorf(t *testing.T) {
	tpl := mustParse(t, samSrc)
	fn := tpl.Resource("Fn")
	var names []string
	for _, e := range fn.Events() {
		names = append(names, e.Name+":"+e.Type)
	}
	if want := []string{"Get:Api", "Http:HttpApi", "Upload:S3", "Topic:SNS"}; !reflect.DeepEqual(names, want) {
		t.Errorf("events %v, want %v", names, want)
	}
	if fn.Events()[1].Properties == nil || fn.Events()[1].Properties.Kind != Map {
		t.Errorf("an event without Properties gets an empty map")
	}
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{`{"Ref": "A"}`, []string{"A"}},
		{`{"Ref": "AWS::Region"}`, nil},
		{`{"Ref": "Fn.Version"}`, []string{"Fn"}},
		{`{"Fn::GetAtt": ["B", "Arn"]}`, []string{"B"}},
		{`{"Fn::GetAtt": "B.Arn"}`, []string{"B"}},
		{`{"Fn::Sub": "arn:${AWS::Partition}:${C}/${D.Arn}/${!Lit}/${C}"}`, []string{"C", "D"}},
		{`{"Fn::Sub": ["${X}-${Y}", {"X": {"Ref": "E"}}]}`, []string{"Y", "E"}},
		{`{"A": [{"Ref": "F"}, {"Fn::If": ["Cond", {"Ref": "G"}, {"Ref": "AWS::NoValue"}]}]}`, []string{"F", "G"}},
	} {
		v := mustParse(t, `{"Resources": {}, "V": `+tc.src+`}`).Root.Get("V")
		if got := tpl.Refs(v); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Refs(%s) = %q, want %q", tc.src, got, tc.want)
		}
	}
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{`{"Ref": "Fn.Version"}`, []string{"Fn.Version"}},
		{`{"Fn::GetAtt": ["B", "Arn"]}`, []string{"B.Arn"}},
		{`{"Fn::GetAtt": "B.Arn"}`, []string{"B.Arn"}},
		{`{"Fn::GetAtt": ["B", {"Ref": "AttrParam"}]}`, []string{"B.", "AttrParam."}},
		{`{"Fn::Sub": ["${ D.Arn }/${X}/${!E}", {"X": {"Fn::GetAtt": ["F", "Id"]}}]}`, []string{"D.Arn", "F.Id"}},
	} {
		var got []string
		mustParse(t, `{"Resources": {}, "V": `+tc.src+`}`).Root.Get("V").EachRef(func(id, attr string) {
			got = append(got, id+"."+attr)
		})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("EachRef(%s) = %q, want %q", tc.src, got, tc.want)
		}
	}
	// a substituted parameter still reports its Ref
	if got := tpl.Refs(fn.Prop("MemorySize")); !reflect.DeepEqual(got, []string{"Mem"}) {
		t.Errorf("Refs(substituted) = %v", got)
	}
	e := tpl.Errorf(fn.Prop("Layers"), "Resources.Fn.Properties.Layers", "want %s", "a string")
	if e.Error() != "cfn: t.yaml:31:15: Resources.Fn.Properties.Layers: want a string" || e.Key != "Layers" {
		t.Errorf("Errorf: %q key %q", e.Error(), e.Key)
	}
}
