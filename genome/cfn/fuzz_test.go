package cfn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are corpus files the fuzz targets start from.
var fuzzSeeds = []string{
	"evolutionary-serverless-architectures-with-safe-deployments/template.yaml",
	"cfn-lint/errors/duplicate.json",
	"cfn-lint/errors/core__parse_invalid_map.yaml",
}

func addSeeds(f *testing.F) {
	root := filepath.Join(sharedDir(f), "corpus")
	for _, p := range fuzzSeeds {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(0), "x")
	}
	f.Add([]byte("{\"Resources\": {\"A\": {\"Type\": \"X\", \"Properties\": {\"P\": [1, {\"Q\": null}]}}}}"), uint16(3), "")
	f.Add([]byte("Resources:\r\n  A:\r\n    Type: X\r\n    Properties: {P: !Ref Q, L: [a, 'b']}\r\n  B: {Type: Y}"), uint16(7), "a: b")
}

func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte, _ uint16, _ string) {
		tpl, err := Parse("f.yaml", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is %T: %v", err, err)
			}
			return
		}
		for _, r := range tpl.Resources {
			_ = r.Events()
			_ = tpl.Refs(r.Properties)
		}
	})
}

// FuzzApply parses a template, applies scalar, insert and delete edits
// chosen by the fuzzer, and checks the result parses to the intended data
// (Apply verifies that itself; an error is fine, a panic or a wrong
// success is not).
func FuzzApply(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte, pick uint16, s string) {
		tpl, err := Parse("f.yaml", src)
		if err != nil {
			return
		}
		var edits []Edit
		for i, r := range tpl.Resources {
			if r.Implicit || r.Raw == nil {
				continue
			}
			switch (int(pick) + i) % 4 {
			case 0:
				edits = append(edits, Edit{Resource: r.ID, Path: []string{"Fuzz", "Nested"}, Value: s})
			case 1:
				if p := r.Raw.Get("Properties"); p != nil && p.Kind == Map && len(p.Keys) > 0 {
					edits = append(edits, Edit{Resource: r.ID, Path: []string{p.Keys[int(pick)%len(p.Keys)]}, Value: len(s)})
				}
			case 2:
				if p := r.Raw.Get("Properties"); p != nil && p.Kind == Map && len(p.Keys) > 0 {
					edits = append(edits, Edit{Resource: r.ID, Path: []string{p.Keys[0]}, Delete: true})
				}
			case 3:
				edits = append(edits, Edit{Resource: r.ID, Path: []string{"Fuzz"}, Value: Obj{{"K", []any{s, true}}}})
			}
		}
		edits = append(edits, Edit{Resource: "FuzzAdded" + strings.Repeat("X", int(pick)%3), Value: Obj{{"Type", "AWS::SNS::Topic"}}})
		out, err := tpl.Apply(edits)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is %T: %v", err, err)
			}
			return
		}
		if _, err := Parse("f.yaml", out); err != nil {
			t.Fatalf("Apply output does not parse: %v", err)
		}
	})
}

func BenchmarkParseSeed(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(sharedDir(b), "corpus", fuzzSeeds[0]))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("template.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplySeed(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(sharedDir(b), "corpus", fuzzSeeds[0]))
	if err != nil {
		b.Fatal(err)
	}
	tpl, err := Parse("template.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
	edits := []Edit{
		{Resource: "myFirstFunction", Path: []string{"MemorySize"}, Value: 1769},
		{Resource: "encryptedTable", Path: []string{"ProvisionedThroughput", "ReadCapacityUnits"}, Value: 10},
		{Resource: "unencryptedBucket", Path: []string{"VersioningConfiguration", "Status"}, Value: "Enabled"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Apply(edits); err != nil {
			b.Fatal(err)
		}
	}
}
