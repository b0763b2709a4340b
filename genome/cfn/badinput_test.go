package cfn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBadInput(t *testing.T) {
	big := "Resources:\n  A:\n    Type: X\n    Properties:\n      D: \"" + strings.Repeat("x", MaxSize) + "\"\n"
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nResources: {}\n"
	for _, tc := range []struct {
		name, file, src string
		want            string // substring of the message
		pos             Pos    // zero: not checked
		path            string
	}{
		{"malformed YAML", "t.yaml", "Resources:\n  A: [\n", "malformed YAML", Pos{2, 3}, "Resources.A"},
		{"malformed JSON", "t.json", "{\"Resources\": {\"A\": {\"Type\": ]}}}", "malformed JSON", Pos{1, 30}, "Resources.A.Type"},
		{"bad JSON and bad YAML: the JSON error", "t.json", "{\"Resources\": {\"A\": {\"Type\": \"X\",}}, \"B\": [1, }", "expected a string key", Pos{1, 34}, "Resources.A"},
		{"JSON trailing garbage", "t.json", "{\"Resources\": {}} x", "after the end", Pos{1, 19}, ""},
		{"over the size limit", "t.yaml", big, "over the", Pos{}, ""},
		{"alias bomb", "t.yaml", bomb, "anchors", Pos{1, 4}, "a"},
		{"alias", "t.yaml", "Resources:\n  A: *x\n", "", Pos{}, ""},
		{"deep flow nesting", "t.yaml", strings.Repeat("[", 100000), "", Pos{}, ""},
		{"deep JSON nesting", "t.json", "{\"a\": " + strings.Repeat("[", 100000), "nesting deeper", Pos{}, ""},
		{"deep YAML nesting", "t.yaml", "a: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000), "nesting deeper", Pos{}, ""},
		{"binary garbage", "t.yaml", "\x00\x01\x02\xff\xfe garbage", "", Pos{}, ""},
		{"binary garbage JSON", "t.json", "{\"a\": \"\xff\"}", "UTF-8", Pos{1, 8}, "a"},
		{"Resources not a map", "t.yaml", "Resources: [a]\n", "Resources must be a map", Pos{1, 12}, "Resources"},
		{"Resources null", "t.yaml", "Resources:\n", "not a null", Pos{1, 1}, "Resources"},
		{"resource not a map", "t.yaml", "Resources:\n  A: 5\n", "a resource must be a map", Pos{2, 6}, "Resources.A"},
		{"duplicate YAML keys", "t.yaml", "Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n", "first at 2:3", Pos{4, 3}, "Resources.A"},
		{"duplicate JSON keys", "t.json", "{\"Resources\": {\"A\": {}, \"A\": {}}}", "first at 1:16", Pos{1, 25}, "Resources.A"},
		{"empty file", "t.yaml", "", "empty", Pos{}, ""},
		{"only a comment", "t.yaml", "# nothing\n", "empty", Pos{}, ""},
		{"a string", "t.yaml", "just text\n", "must be a mapping", Pos{1, 1}, ""},
		{"two documents", "t.yaml", "Resources: {}\n---\nResources: {}\n", "single YAML document", Pos{}, ""},
		{"key not a string", "t.yaml", "Resources:\n  ? [a]\n  : 1\n", "plain string", Pos{2, 5}, "Resources"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(tc.file, []byte(tc.src))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.File != tc.file || !strings.HasPrefix(err.Error(), "cfn: "+tc.file) {
				t.Errorf("error %q does not name the file", err)
			}
			if !strings.Contains(e.Msg, tc.want) {
				t.Errorf("message %q does not contain %q", e.Msg, tc.want)
			}
			if tc.pos != (Pos{}) && e.Pos != tc.pos {
				t.Errorf("position %v, want %v (%v)", e.Pos, tc.pos, err)
			}
			if tc.path != "" && e.Path != tc.path {
				t.Errorf("path %q, want %q (%v)", e.Path, tc.path, err)
			}
		})
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFile(filepath.Join(dir, "missing.yaml"))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "missing.yaml: could not read template: no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile(dir); !errors.As(err, &e) {
		t.Errorf("directory: %v", err)
	}
	p := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(p, make([]byte, MaxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p); !errors.As(err, &e) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("big file: %v", err)
	}
}

func TestParseUnusualValid(t *testing.T) {
	for _, tc := range []struct{ name, src, path, want string }{
		{"BOM JSON", "\ufeff{\"Resources\": {\"A\": {\"Type\": \"X\"}}}", "Resources.A.Type", `"X"`},
		{"JSON slash escape and long key", "{\"Resources\": {}, \"" + strings.Repeat("k", 2000) + "\": \"a\\/b\"}", strings.Repeat("k", 2000), `"a/b"`},
		{"date and Yes", "---\nAWSTemplateFormatVersion: 2010-09-09\nResources: {}\nX: Yes\n", "X", `true`},
		{"unquoted date stays text", "AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n", "AWSTemplateFormatVersion", `"2010-09-09"`},
		{"unknown tags kept", "Resources:\n  A:\n    Type: X\n    Properties:\n      P: !Rain::Embed file.txt\n      Q: !ValueOf [a, b]\n", "Resources.A.Properties", `{"P":{"Fn::Rain::Embed":"file.txt"},"Q":{"Fn::ValueOf":["a","b"]}}`},
		{"every short tag", "Resources: {}\nV: [!Ref a, !GetAtt b.c, !GetAtt [d, e], !Sub s, !Join [',', []], !If [c, 1, 2], !Equals [1, 1], !And [], !Or [], !Not [], !Condition c, !Select [0, []], !Split [',', s], !FindInMap [m, k, v], !ImportValue x, !Base64 y, !Cidr [a, 1, 2], !GetAZs '', !Transform {Name: n}]\n", "V",
			`[{"Ref":"a"},{"Fn::GetAtt":["b","c"]},{"Fn::GetAtt":["d","e"]},{"Fn::Sub":"s"},{"Fn::Join":[",",[]]},{"Fn::If":["c",1,2]},{"Fn::Equals":[1,1]},{"Fn::And":[]},{"Fn::Or":[]},{"Fn::Not":[]},{"Condition":"c"},{"Fn::Select":[0,[]]},{"Fn::Split":[",","s"]},{"Fn::FindInMap":["m","k","v"]},{"Fn::ImportValue":"x"},{"Fn::Base64":"y"},{"Fn::Cidr":["a",1,2]},{"Fn::GetAZs":""},{"Fn::Transform":{"Name":"n"}}]`},
		{"ForEach kept", "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - T\n    - [a, b]\n    - Topic${T}:\n        Type: AWS::SNS::Topic\n", "Resources", `{"Fn::ForEach::Topics":["T",["a","b"],{"Topic${T}":{"Type":"AWS::SNS::Topic"}}]}`},
		{"Type missing", "Resources:\n  A:\n    Properties: {}\n", "Resources.A", `{"Properties":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := mustParse(t, tc.src)
			v := tpl.Root.Get(strings.Split(tc.path, ".")...)
			if got := asJSON(v); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.path, got, tc.want)
			}
		})
	}
}
