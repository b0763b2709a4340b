package cfn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImplicitMatchesTranslator checks the implicit resources against
// samtranslator's own output: for each translator-input template that has a
// translator-output in the corpus, every implicit resource must exist in the
// translated template under the same logical ID (and, for permissions, with
// the same principal and SourceArn or SourceAccount).
func TestImplicitMatchesTranslator(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus", "serverless-application-model")
	outs, err := filepath.Glob(filepath.Join(root, "translator-output", "*.json"))
	if err != nil || len(outs) == 0 {
		t.Fatalf("no translator outputs: %v", err)
	}
	checked := 0
	for _, out := range outs {
		name := strings.TrimSuffix(filepath.Base(out), ".json")
		in := filepath.Join(root, "translator-input", name+".yaml")
		if _, err := os.Stat(in); err != nil {
			continue
		}
		tpl, err := ReadFile(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Resources map[string]struct {
				Type       any
				Properties map[string]any
			}
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		for _, r := range tpl.Resources {
			if !r.Implicit {
				continue
			}
			w, ok := want.Resources[r.ID]
			if !ok {
				t.Errorf("%s: implicit %s (%s) is not in the translator output", name, r.ID, r.Type)
				continue
			}
			checked++
			switch r.Type {
			case TypeAPI:
				if w.Type != "AWS::ApiGateway::RestApi" {
					t.Errorf("%s: %s is %s in the output", name, r.ID, w.Type)
				}
			case TypeHTTPAPI:
				if w.Type != "AWS::ApiGatewayV2::Api" {
					t.Errorf("%s: %s is %s in the output", name, r.ID, w.Type)
				}
			default:
				if w.Type != any(r.Type) {
					t.Errorf("%s: %s is %s, the output says %s", name, r.ID, r.Type, w.Type)
				}
			}
			if r.Type == "AWS::Lambda::Permission" {
				for _, k := range []string{"Principal", "SourceArn", "SourceAccount", "FunctionName"} {
					got, _ := json.Marshal(r.Prop(k).Interface())
					exp, _ := json.Marshal(w.Properties[k])
					g, e := strings.ReplaceAll(string(got), "arn:${AWS::Partition}:", "arn:aws:"), strings.ReplaceAll(string(exp), "arn:${AWS::Partition}:", "arn:aws:")
					if g != e {
						t.Errorf("%s: %s.%s = %s, translator: %s", name, r.ID, k, got, exp)
					}
				}
			}
			if r.Type == "AWS::CodeDeploy::DeploymentGroup" {
				for _, k := range []string{"DeploymentConfigName", "AlarmConfiguration", "AutoRollbackConfiguration", "DeploymentStyle"} {
					got, _ := json.Marshal(r.Prop(k).Interface())
					exp, _ := json.Marshal(w.Properties[k])
					if string(got) != string(exp) {
						t.Errorf("%s: %s.%s = %s, translator: %s", name, r.ID, k, got, exp)
					}
				}
			}
		}
	}
	t.Logf("%d implicit resources checked", checked)
	if checked < 10 {
		t.Errorf("only %d implicit resources checked against the translator output", checked)
	}
}
