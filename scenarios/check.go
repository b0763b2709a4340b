package scenarios

import (
	"fmt"
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
)

// kind is a family of resources a workload section may name.
type kind struct {
	section string   // workload section ("functions")
	noun    string   // "function"
	types   []string // resource types of the family
}

var (
	kindFunction = kind{"functions", "function", []string{"AWS::Serverless::Function", "AWS::Lambda::Function"}}
	kindTable    = kind{"tables", "table", []string{"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"}}
	kindBucket   = kind{"buckets", "bucket", []string{"AWS::S3::Bucket"}}
	kindQueue    = kind{"queues", "queue", []string{"AWS::SQS::Queue"}}
	kindAPI      = kind{"apis", "API", []string{"AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"}}
)

// Implicit API logical IDs SAM creates for function events of type Api and
// HttpApi that name no API of their own (aws-facts.md section 6).
const (
	ImplicitRestAPI = "ServerlessRestApi"
	ImplicitHTTPAPI = "ServerlessHttpApi"
)

func (k kind) has(typ string) bool {
	for _, t := range k.types {
		if t == typ {
			return true
		}
	}
	return false
}

// Check validates the scenario against a template: every workload entry
// and every call target must name a resource of the template of the right
// kind (functions: AWS::Serverless::Function / AWS::Lambda::Function; tables:
// AWS::DynamoDB::Table / GlobalTable / AWS::Serverless::SimpleTable;
// buckets: AWS::S3::Bucket; queues: AWS::SQS::Queue; apis: API resources or
// the implicit ServerlessRestApi / ServerlessHttpApi), and the calls must
// suit their target (reads and writes go to tables, gets and puts to
// buckets, sends to queues). Every problem is returned at once, as Errors,
// positioned at the scenario key and naming the nearest logical ID. Pinned
// genes and rule names are checked by the genome and compliance packages.
func (sc *Scenario) Check(t *cfn.Template) error {
	if t == nil {
		return nil
	}
	c := checker{sc: sc, t: t, implicit: implicitAPIs(t)}
	w := &sc.Workload
	for _, id := range sortedKeys(w.Functions) {
		c.entry(kindFunction, id)
		for _, target := range sortedKeys(w.Functions[id].Calls) {
			c.call(id, target, w.Functions[id].Calls[target])
		}
	}
	for _, id := range sortedKeys(w.Tables) {
		c.entry(kindTable, id)
	}
	for _, id := range sortedKeys(w.Buckets) {
		c.entry(kindBucket, id)
	}
	for _, id := range sortedKeys(w.Queues) {
		c.entry(kindQueue, id)
	}
	for _, id := range sortedKeys(w.Apis) {
		c.entry(kindAPI, id)
	}
	return c.errs.orNil()
}

type checker struct {
	sc       *Scenario
	t        *cfn.Template
	implicit map[string]string // implicit API id -> type
	errs     Errors
}

// typeOf returns a logical ID's resource type ("" when the template has no
// such resource), counting the implicit APIs SAM creates.
func (c *checker) typeOf(id string) string {
	if r := c.t.Resource(id); r != nil {
		return r.Type
	}
	return c.implicit[id]
}

// idsOf lists the template's logical IDs of one kind (all IDs when kinds is
// empty), in template order.
func (c *checker) idsOf(kinds ...kind) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id, typ string) {
		if seen[id] {
			return
		}
		for _, k := range kinds {
			if k.has(typ) {
				seen[id] = true
				out = append(out, id)
				return
			}
		}
	}
	for _, r := range c.t.Resources {
		add(r.ID, r.Type)
	}
	for _, id := range sortedKeys(c.implicit) {
		add(id, c.implicit[id])
	}
	return out
}

func (c *checker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, c.sc.Errorf(path, format, args...))
}

// missing words the message for an ID the template lacks or has with
// another type.
func (c *checker) missing(path, id string, kinds ...kind) {
	nouns := make([]string, len(kinds))
	for i, k := range kinds {
		nouns[i] = k.noun
	}
	noun := strings.Join(nouns, " or ")
	candidates := c.idsOf(kinds...)
	if typ := c.typeOf(id); typ != "" {
		var types []string
		for _, k := range kinds {
			types = append(types, k.types...)
		}
		c.errorf(path, "%s is %s, not a %s (%s)%s", id, article(typ), noun, strings.Join(types, ", "), suggest(id, candidates))
		return
	}
	if len(candidates) == 0 {
		c.errorf(path, "the template %s has no %s %s (it declares no %s at all)", c.t.Path, noun, quote(id), noun)
		return
	}
	c.errorf(path, "the template %s has no %s %s%s", c.t.Path, noun, quote(id), suggest(id, candidates))
}

// suggest names the nearest candidate logical ID.
func suggest(id string, candidates []string) string {
	n := Nearest(id, candidates)
	if n == "" || n == id {
		return ""
	}
	return fmt.Sprintf("; did you mean %s?", n)
}

func (c *checker) entry(k kind, id string) {
	if !k.has(c.typeOf(id)) {
		c.missing("workload."+k.section+"."+id, id, k)
	}
}

func (c *checker) call(fn, target string, calls *Calls) {
	p := "workload.functions." + fn + ".calls." + target
	typ := c.typeOf(target)
	var want []kind
	if calls.Reads > 0 || calls.Writes > 0 {
		want = append(want, kindTable)
	}
	if calls.Gets > 0 || calls.Puts > 0 {
		want = append(want, kindBucket)
	}
	if calls.Sends > 0 {
		want = append(want, kindQueue)
	}
	all := []kind{kindTable, kindBucket, kindQueue}
	switch {
	case typ == "":
		if len(want) == 0 {
			want = all
		}
		c.missing(p, target, want...)
	case len(want) > 1:
		c.errorf(p, "mixes calls for different services (reads/writes go to a table, gets/puts to a bucket, sends to a queue)")
	case len(want) == 1 && !want[0].has(typ):
		verbs := map[string]string{"table": "reads and writes", "bucket": "gets and puts", "queue": "sends"}
		c.errorf(p, "%s is %s; %s go to a %s (%s)", target, article(typ), verbs[want[0].noun], want[0].noun, strings.Join(want[0].types, ", "))
	case len(want) == 0 && !kindTable.has(typ) && !kindBucket.has(typ) && !kindQueue.has(typ):
		c.errorf(p, "%s is %s; calls go to tables, buckets or queues", target, article(typ))
	}
}

// implicitAPIs returns the APIs SAM creates from function events that name
// no API of their own: ServerlessRestApi for Api events (without RestApiId)
// and ServerlessHttpApi for HttpApi events (without ApiId). The parser may
// already list them as implicit resources; they are counted either way.
func implicitAPIs(t *cfn.Template) map[string]string {
	out := map[string]string{}
	for _, r := range t.Resources {
		if r.Type != "AWS::Serverless::Function" || r.Implicit {
			continue
		}
		ev := r.Prop("Events")
		if ev == nil || ev.Kind != cfn.Map {
			continue
		}
		for _, name := range ev.Keys {
			e := ev.Fields[name]
			typ, _ := e.Get("Type").Text()
			switch typ {
			case "Api":
				if e.Get("Properties", "RestApiId") == nil {
					out[ImplicitRestAPI] = "AWS::Serverless::Api"
				}
			case "HttpApi":
				if e.Get("Properties", "ApiId") == nil {
					out[ImplicitHTTPAPI] = "AWS::Serverless::HttpApi"
				}
			}
		}
	}
	return out
}

// article puts "a" or "an" before a resource type ("an AWS::S3::Bucket").
func article(typ string) string {
	if typ != "" && strings.ContainsRune("AEIOUaeiou", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}
