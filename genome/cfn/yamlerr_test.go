package cfn

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestYAMLErrorLocation checks that a YAML syntax error names the line of
// the problem, its first character and the key path above it, where
// yaml.v3 alone gives the enclosing collection's 0-based line (the
// "reported" column: what the message said before yamlProblemLine).
func TestYAMLErrorLocation(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		pos       Pos
		path      string
		msg       string
		reported  int // yaml.v3's own line, for the record
	}{
		{"key indented one space less", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n   Bad: 1\n",
			Pos{4, 4}, "Resources.A.Bad", "did not find expected key", 1},
		{"entry continued at the dash's indentation", "Resources:\n  A:\n    Type: X\n    Properties:\n      Tags:\n        - Key: a\n        Value: b\n",
			Pos{7, 9}, "Resources.A.Properties.Tags.Value", "did not find expected '-' indicator", 5},
		{"unclosed flow sequence", "Resources:\n  A: [unclosed\n",
			Pos{2, 3}, "Resources.A", "did not find expected ',' or ']'", 1},
		{"unclosed flow mapping", "Resources:\n  A:\n    Type: X\n    Properties: {A: 1, B\n",
			Pos{4, 5}, "Resources.A.Properties", "did not find expected ',' or '}'", 3},
		{"unclosed quote", "Resources:\n  A:\n    Type: X\n    Properties:\n      X: \"unclosed\n      Y: 1\n",
			Pos{5, 7}, "Resources.A.Properties.X", "found unexpected end of stream", 5},
		{"tab indentation", "Resources:\n  A:\n    Type: X\n\tProperties: {}\n",
			Pos{4, 2}, "", "tab character", 3},
		{"compact sequence, second entry", "Resources:\n  A:\n    Type: X\n    Properties:\n      Tags:\n      - Key: a\n        Value: b\n      - Key: c\n        Value: d\n        Oops\n",
			Pos{10, 9}, "Resources.A.Properties.Tags.1", "could not find expected ':'", 0},
		{"mapping value in a plain scalar", "Resources:\n  A:\n    Type: AWS::S3::Bucket: x\n",
			Pos{3, 5}, "Resources.A.Type", "mapping values are not allowed", 3},
		{"CRLF and a comment above", "Resources:\r\n  # the bucket\r\n  A:\r\n    Type: X\r\n   Bad: 1\r\n",
			Pos{5, 4}, "Resources.A.Bad", "did not find expected key", 2},
		{"quoted parent keys", "Resources:\n  \"A\":\n    'Type': X\n    Properties:\n      - a\n      b: c\n",
			Pos{6, 7}, "Resources.A.Properties.b", "did not find expected '-' indicator", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Pos != tc.pos || e.Path != tc.path || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %v\nwant %v: %s: ...%s (yaml.v3 said line %d)", err, tc.pos, tc.path, tc.msg, tc.reported)
			}
			if want := fmt.Sprintf("cfn: t.yaml:%d:%d: ", tc.pos.Line, tc.pos.Col); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q does not start with %q", err, want)
			}
		})
	}
}

// TestYAMLErrorLocationIsFast times the prefix search on a template just
// under maxLocateSize with its error on the last line, and on a bigger one,
// where yaml.v3's own line is kept.
func TestYAMLErrorLocationIsFast(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := 0; b.Len() < maxLocateSize-200; i++ {
		fmt.Fprintf(&b, "  Topic%d:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: topic-%d\n", i, i)
	}
	near := b.String() + "   Bad: 1\n"
	lines := strings.Count(near, "\n")
	big := strings.Repeat("# padding\n", maxLocateSize/10+1) + near
	for _, tc := range []struct {
		name, src string
		line      int
	}{
		{"256 KiB", near, lines},
		{"over the search limit", big, 0},
	} {
		start := time.Now()
		_, err := Parse("t.yaml", []byte(tc.src))
		d := time.Since(start)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: got %v", tc.name, err)
		}
		if tc.line > 0 && e.Pos.Line != tc.line {
			t.Errorf("%s: line %d, want %d", tc.name, e.Pos.Line, tc.line)
		}
		if d > 2*time.Second {
			t.Errorf("%s (%d bytes): %v", tc.name, len(tc.src), d)
		}
		t.Logf("%s (%d bytes): %v, %v", tc.name, len(tc.src), d, err)
	}
}

func TestYAMLPathAt(t *testing.T) {
	src := "Resources:\n  Fn:\n    Properties:\n      Events:\n        E:\n          Type: Api\n      Layers:\n        - !Ref L\n        - a: 1\n          b: 2\n      Tags:\n      - k: |\n          text\n        v: x\n"
	li := newLineIndex([]byte(src))
	for line, want := range map[int]string{
		1: "Resources", 2: "Resources.Fn", 6: "Resources.Fn.Properties.Events.E.Type",
		8: "Resources.Fn.Properties.Layers.0", 9: "Resources.Fn.Properties.Layers.1.a",
		10: "Resources.Fn.Properties.Layers.1.b", 14: "Resources.Fn.Properties.Tags.0.v",
	} {
		if got := yamlPathAt([]byte(src), li, line); got != want {
			t.Errorf("line %d: %q, want %q", line, got, want)
		}
	}
}
