package genome

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/evoarch/evoarch/genome/cfn"
)

// Apply returns the template's bytes with the genome's values written: one
// or more cfn edits per gene that differs from the template's own value,
// every other byte kept. Applying Current returns the input unchanged.
func (sp *Space) Apply(g Genome) ([]byte, error) {
	if len(g) != len(sp.Genes) {
		return nil, fmt.Errorf("genome: the genome has %d genes, the space %d", len(g), len(sp.Genes))
	}
	for i, v := range g {
		if v < 0 || v >= len(sp.Genes[i].Values) {
			return nil, fmt.Errorf("genome: gene %s: value index %d out of range", sp.Genes[i].Name, v)
		}
	}
	edits := sp.Edits(g)
	if len(edits) == 0 {
		return sp.Template.Src, nil
	}
	return sp.Template.Apply(edits)
}

// Edits returns the cfn edits that turn the template into genome g, in gene
// order; none for the template's own genome.
func (sp *Space) Edits(g Genome) []cfn.Edit {
	e := &editor{sp: sp, g: g, t: sp.Template, done: map[string]bool{}, added: map[string]bool{}, deleted: map[string]bool{}}
	for i := range sp.Genes {
		e.gene(i)
	}
	return e.edits
}

// editor collects the edits of one Apply.
type editor struct {
	sp    *Space
	g     Genome
	t     *cfn.Template
	edits []cfn.Edit
	// done marks resource-level handlers already run ("fn/dp", "api/x").
	done           map[string]bool
	added, deleted map[string]bool
}

// changed reports whether the resource's gene with attr differs from the
// template, and its target value.
func (e *editor) val(i int) any { return e.sp.Value(e.g, i) }

func (e *editor) changed(i int) bool { return e.g[i] != e.sp.Genes[i].Current }

// sib returns the value and changed-ness of a sibling gene (ok false if none).
func (e *editor) sib(i int, attr Attr) (v any, changed, ok bool) {
	j, ok := e.sp.sibling(i, attr)
	if !ok {
		return nil, false, false
	}
	return e.val(j), e.changed(j), true
}

func (e *editor) gene(i int) {
	gene := &e.sp.Genes[i]
	a := gene.aux
	id := gene.Resource
	switch gene.Attr {
	case DeployType, DeployAlarms, PreTraffic:
		e.deployment(i)
		return
	case APIType, CacheSize:
		e.api(i)
		return
	}
	if !e.changed(i) {
		switch gene.Attr {
		case ReadCapacity, WriteCapacity, AutoScaling:
			// written by BillingMode when it switches to PROVISIONED
		default:
			return
		}
	}
	v := e.val(i)
	switch gene.Attr {
	case MemorySize, Timeout, Runtime:
		e.set(id, a.path, v)
	case Architecture:
		e.set(id, a.path, []any{v})
	case Reserved:
		if v == nil {
			e.del(id, a.path)
		} else {
			e.set(id, a.path, v)
		}
	case Provisioned:
		if v == nil {
			e.del(id, a.path)
		} else {
			e.set(id, []string{"ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions"}, v)
		}
	case DLQ:
		q := id + "DLQ"
		if v == true {
			e.set(id, a.path, cfn.Obj{{Key: "Type", Value: "SQS"}, {Key: "TargetArn", Value: getAtt(q, "Arn")}})
			e.addResource(q, "AWS::SQS::Queue", cfn.Obj{{Key: "SqsManagedSseEnabled", Value: true}})
		} else {
			e.del(id, a.path)
			e.delResource(q, "AWS::SQS::Queue")
		}

	case BillingMode:
		e.billing(i)
	case ReadCapacity, WriteCapacity:
		if bv, bch, _ := e.sib(i, BillingMode); bv == "PAY_PER_REQUEST" || bch || !e.changed(i) {
			return // moot on demand, or written with the billing switch
		}
		if e.ownProp(id, "ProvisionedThroughput") == nil {
			// CloudFormation needs both units in ProvisionedThroughput
			// (AWS::DynamoDB::Table schema): write them together, once.
			if !e.done[id+"/pt"] {
				e.done[id+"/pt"] = true
				rcu, _, _ := e.sib(i, ReadCapacity)
				wcu, _, _ := e.sib(i, WriteCapacity)
				e.set(id, []string{"ProvisionedThroughput"}, throughput(orDefault(rcu), orDefault(wcu)))
			}
		} else {
			e.set(id, a.path, v)
		}
		if as, _, ok := e.sib(i, AutoScaling); ok && as != "off" {
			dim := "Read"
			if gene.Attr == WriteCapacity {
				dim = "Write"
			}
			if e.exists(id+dim+"ScalableTarget") && !e.added[id+dim+"ScalableTarget"] {
				e.set(id+dim+"ScalableTarget", []string{"MinCapacity"}, v)
			}
		}
	case AutoScaling:
		if bv, bch, _ := e.sib(i, BillingMode); bv == "PAY_PER_REQUEST" || bch || !e.changed(i) {
			return
		}
		e.autoScaling(i, v.(string))
	case TableSSE:
		key := id + "Key"
		switch v {
		case "aws-owned":
			e.del(id, a.path)
		case "aws-managed-kms":
			e.set(id, a.path, cfn.Obj{{Key: "SSEEnabled", Value: true}})
		case "customer-kms":
			e.set(id, a.path, cfn.Obj{{Key: "SSEEnabled", Value: true}, {Key: "SSEType", Value: "KMS"}, {Key: "KMSMasterKeyId", Value: ref(key)}})
			e.addResource(key, "AWS::KMS::Key", kmsKey(id))
		}
		if v != "customer-kms" && a.keyOwned {
			e.delResource(key, "AWS::KMS::Key")
		}
	case PITR:
		e.set(id, a.path, v)

	case BucketSSE:
		e.bucketSSE(i)
	case Versioning:
		if rv, _, ok := e.sib(i, Replication); ok && rv == true {
			return // replication writes Enabled
		}
		if v == true {
			e.set(id, a.path, "Enabled")
		} else {
			e.set(id, a.path, "Suspended")
		}
	case AccessLogging:
		logs := id + "AccessLogs"
		if v == true {
			e.set(id, a.path, cfn.Obj{{Key: "DestinationBucketName", Value: ref(logs)}, {Key: "LogFilePrefix", Value: id + "/"}})
			e.addResource(logs, typeBucket, privateBucket(false))
			e.addResource(logs+"Policy", typeBucketPolicy, logDeliveryPolicy(id, logs))
		} else {
			e.del(id, a.path)
			e.delResource(logs+"Policy", typeBucketPolicy)
			e.delResource(logs, typeBucket)
		}
	case Replication:
		e.replication(i)
	case PublicAccessBlock:
		if v == true {
			e.set(id, a.path, bpaAll())
		} else {
			e.del(id, a.path)
		}
	case TLSOnly:
		e.tls(i)
	}
}

// billing switches a table between on-demand and provisioned capacity.
func (e *editor) billing(i int) {
	gene := &e.sp.Genes[i]
	a := gene.aux
	id := gene.Resource
	onDemand := e.val(i) == "PAY_PER_REQUEST"
	if !a.sam {
		e.set(id, a.path, e.val(i))
	}
	if onDemand {
		if e.ownProp(id, "ProvisionedThroughput") != nil {
			e.del(id, []string{"ProvisionedThroughput"})
		}
		if j, ok := e.sp.sibling(i, AutoScaling); ok && e.sp.Genes[j].CurrentValue() != "off" {
			e.autoScaling(j, "off")
		}
	} else {
		rcu, _, _ := e.sib(i, ReadCapacity)
		wcu, _, _ := e.sib(i, WriteCapacity)
		if rcu == nil {
			rcu = defaultCapacity
		}
		if wcu == nil {
			wcu = defaultCapacity
		}
		e.set(id, []string{"ProvisionedThroughput"}, throughput(rcu, wcu))
		if as, _, ok := e.sib(i, AutoScaling); ok && as != "off" {
			e.autoScaling(e.mustSib(i, AutoScaling), as.(string))
		}
	}
	if a.gsis != nil {
		rcu, _, _ := e.sib(i, ReadCapacity)
		wcu, _, _ := e.sib(i, WriteCapacity)
		list := make([]any, len(a.gsis.List))
		for k, gsi := range a.gsis.List {
			o, ok := plain(gsi).(cfn.Obj)
			if !ok {
				list[k] = plain(gsi)
				continue
			}
			o = objWithout(o, "ProvisionedThroughput")
			if !onDemand {
				o = append(o, cfn.Field{Key: "ProvisionedThroughput", Value: throughput(orDefault(rcu), orDefault(wcu))})
			}
			list[k] = o
		}
		e.set(id, []string{"GlobalSecondaryIndexes"}, list)
	}
}

func orDefault(v any) any {
	if v == nil {
		return defaultCapacity
	}
	return v
}

func (e *editor) mustSib(i int, attr Attr) int {
	j, _ := e.sp.sibling(i, attr)
	return j
}

func throughput(rcu, wcu any) cfn.Obj {
	return cfn.Obj{{Key: "ReadCapacityUnits", Value: rcu}, {Key: "WriteCapacityUnits", Value: wcu}}
}

// autoScaling writes target-tracking auto scaling at target percent, or
// removes it ("off").
func (e *editor) autoScaling(i int, target string) {
	gene := &e.sp.Genes[i]
	a := gene.aux
	id := gene.Resource
	if target == "off" {
		for _, p := range a.scaling {
			e.delResource(p, typeScalingPolicy)
		}
		for _, t := range a.targets {
			e.delResource(t, typeScalableTarget)
		}
		return
	}
	f, _ := strconv.ParseFloat(target, 64)
	tv := number(f)
	if len(a.scaling) > 0 {
		for _, p := range a.scaling {
			e.set(p, []string{"TargetTrackingScalingPolicyConfiguration", "TargetValue"}, tv)
		}
		return
	}
	for _, dim := range []struct{ name, unit, metric string }{
		{"Read", "ReadCapacityUnits", "DynamoDBReadCapacityUtilization"},
		{"Write", "WriteCapacityUnits", "DynamoDBWriteCapacityUtilization"},
	} {
		attr := ReadCapacity
		if dim.name == "Write" {
			attr = WriteCapacity
		}
		minCap, _, _ := e.sib(i, attr)
		st := id + dim.name + "ScalableTarget"
		e.addResource(st, typeScalableTarget, cfn.Obj{
			{Key: "MaxCapacity", Value: maxTableCapacity},
			{Key: "MinCapacity", Value: orDefault(minCap)},
			{Key: "ResourceId", Value: sub("table/${" + id + "}")},
			{Key: "ScalableDimension", Value: "dynamodb:table:" + dim.unit},
			{Key: "ServiceNamespace", Value: "dynamodb"},
		})
		e.addResource(id+dim.name+"ScalingPolicy", typeScalingPolicy, cfn.Obj{
			{Key: "PolicyName", Value: id + dim.name + "Scaling"},
			{Key: "PolicyType", Value: "TargetTrackingScaling"},
			{Key: "ScalingTargetId", Value: ref(st)},
			{Key: "TargetTrackingScalingPolicyConfiguration", Value: cfn.Obj{
				{Key: "TargetValue", Value: tv},
				{Key: "PredefinedMetricSpecification", Value: cfn.Obj{{Key: "PredefinedMetricType", Value: dim.metric}}},
			}},
		})
	}
}

// number returns f as an int when it is whole.
func number(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int(f)
	}
	return f
}

// bucketSSE writes the bucket's default encryption.
func (e *editor) bucketSSE(i int) {
	gene := &e.sp.Genes[i]
	id := gene.Resource
	v := e.val(i).(string)
	if v == "none" {
		e.del(id, gene.aux.path)
		return
	}
	alg := v
	if v == "aws:kms+bucket-key" {
		alg = "aws:kms"
	}
	def := cfn.Obj{{Key: "SSEAlgorithm", Value: alg}}
	if k := e.ownProp(id, "BucketEncryption", "ServerSideEncryptionConfiguration", "0", "ServerSideEncryptionByDefault", "KMSMasterKeyID"); k != nil && alg != "AES256" {
		def = append(def, cfn.Field{Key: "KMSMasterKeyID", Value: plain(k)})
	}
	rule := cfn.Obj{{Key: "ServerSideEncryptionByDefault", Value: def}}
	if v == "aws:kms+bucket-key" {
		rule = append(rule, cfn.Field{Key: "BucketKeyEnabled", Value: true})
	}
	e.set(id, gene.aux.path, cfn.Obj{{Key: "ServerSideEncryptionConfiguration", Value: []any{rule}}})
}

// replication writes same-account replication to a new replica bucket.
func (e *editor) replication(i int) {
	gene := &e.sp.Genes[i]
	id := gene.Resource
	replica, role, policy := id+"Replica", id+"ReplicationRole", id+"ReplicationPolicy"
	if e.val(i) == false {
		e.del(id, gene.aux.path)
		e.delResource(policy, "AWS::IAM::Policy")
		e.delResource(role, "AWS::IAM::Role")
		e.delResource(replica, typeBucket)
		return
	}
	// Replication needs versioning on the source (aws-facts.md §4
	// s3-bucket-replication-enabled).
	if j, ok := e.sp.sibling(i, Versioning); !ok || e.sp.Genes[j].CurrentValue() != true {
		e.set(id, []string{"VersioningConfiguration", "Status"}, "Enabled")
	}
	e.set(id, gene.aux.path, cfn.Obj{
		{Key: "Role", Value: getAtt(role, "Arn")},
		{Key: "Rules", Value: []any{cfn.Obj{
			{Key: "Id", Value: "ReplicateAll"},
			{Key: "Status", Value: "Enabled"},
			{Key: "Prefix", Value: ""},
			{Key: "Destination", Value: cfn.Obj{{Key: "Bucket", Value: getAtt(replica, "Arn")}}},
		}}},
	})
	e.addResource(replica, typeBucket, privateBucket(true))
	e.addResource(role, "AWS::IAM::Role", cfn.Obj{{Key: "AssumeRolePolicyDocument", Value: policyDoc(cfn.Obj{
		{Key: "Effect", Value: "Allow"},
		{Key: "Principal", Value: cfn.Obj{{Key: "Service", Value: "s3.amazonaws.com"}}},
		{Key: "Action", Value: "sts:AssumeRole"},
	})}})
	// A separate policy: the role inside the bucket and the bucket inside
	// the role's own policy would be a circular dependency.
	e.addResource(policy, "AWS::IAM::Policy", cfn.Obj{
		{Key: "PolicyName", Value: id + "Replication"},
		{Key: "Roles", Value: []any{ref(role)}},
		{Key: "PolicyDocument", Value: policyDoc(
			cfn.Obj{{Key: "Effect", Value: "Allow"}, {Key: "Action", Value: []any{"s3:GetReplicationConfiguration", "s3:ListBucket"}}, {Key: "Resource", Value: getAtt(id, "Arn")}},
			cfn.Obj{{Key: "Effect", Value: "Allow"}, {Key: "Action", Value: []any{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"}}, {Key: "Resource", Value: sub("${" + id + ".Arn}/*")}},
			cfn.Obj{{Key: "Effect", Value: "Allow"}, {Key: "Action", Value: []any{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}}, {Key: "Resource", Value: sub("${" + replica + ".Arn}/*")}},
		)},
	})
}

// tls adds or removes the aws:SecureTransport deny.
func (e *editor) tls(i int) {
	gene := &e.sp.Genes[i]
	a := gene.aux
	id := gene.Resource
	if e.val(i) == true {
		stmt := tlsStatement(id)
		if a.policy == "" {
			e.addResource(id+"TLSOnlyPolicy", typeBucketPolicy, cfn.Obj{
				{Key: "Bucket", Value: ref(id)},
				{Key: "PolicyDocument", Value: policyDoc(stmt)},
			})
			return
		}
		list := make([]any, 0, len(a.statements.List)+1)
		for _, s := range a.statements.List {
			list = append(list, plain(s))
		}
		e.set(a.policy, []string{"PolicyDocument", "Statement"}, append(list, stmt))
		return
	}
	// Off: every TLS-only deny goes (the simulator counts any of them).
	list := make([]any, 0, len(a.statements.List))
	for k, s := range a.statements.List {
		if !slices.Contains(a.tlsIndexes, k) {
			list = append(list, plain(s))
		}
	}
	if len(list) == 0 {
		e.delResource(a.policy, typeBucketPolicy)
		return
	}
	e.set(a.policy, []string{"PolicyDocument", "Statement"}, list)
}

// deployment writes a function's DeploymentPreference genes together.
func (e *editor) deployment(i int) {
	gene := &e.sp.Genes[i]
	id := gene.Resource
	if e.done[id+"/dp"] {
		return
	}
	e.done[id+"/dp"] = true
	ti, hasType := e.sp.sibling(i, DeployType)
	ai, hasAlarms := e.sp.sibling(i, DeployAlarms)
	pi, hasPre := e.sp.sibling(i, PreTraffic)
	anyChange := (hasType && e.changed(ti)) || (hasAlarms && e.changed(ai)) || (hasPre && e.changed(pi))
	if !anyChange {
		return
	}
	a := gene.aux
	if hasType && e.val(ti) == nil {
		// No DeploymentPreference: alarms and hooks are moot (Active).
		if a.dpPresent {
			e.del(id, []string{"DeploymentPreference"})
		}
		return
	}
	var alarmList []any
	if hasAlarms && e.changed(ai) {
		alarmList = e.alarms(ai)
	}
	if !a.dpPresent {
		// Write the whole DeploymentPreference: Type, then Alarms and Hooks.
		dp := cfn.Obj{{Key: "Type", Value: e.val(ti)}}
		if len(alarmList) > 0 {
			dp = append(dp, cfn.Field{Key: "Alarms", Value: alarmList})
		}
		if hasPre && e.val(pi) == true {
			dp = append(dp, cfn.Field{Key: "Hooks", Value: cfn.Obj{{Key: "PreTraffic", Value: ref(e.sp.Genes[pi].aux.hook)}}})
		}
		e.set(id, []string{"DeploymentPreference"}, dp)
		return
	}
	if hasType && e.changed(ti) {
		e.set(id, []string{"DeploymentPreference", "Type"}, e.val(ti))
	}
	if hasAlarms && e.changed(ai) {
		if len(alarmList) == 0 {
			e.del(id, []string{"DeploymentPreference", "Alarms"})
		} else {
			e.set(id, []string{"DeploymentPreference", "Alarms"}, alarmList)
		}
	}
	if hasPre && e.changed(pi) {
		if e.val(pi) == true {
			e.set(id, []string{"DeploymentPreference", "Hooks", "PreTraffic"}, ref(e.sp.Genes[pi].aux.hook))
		} else if hooks := e.ownProp(id, "DeploymentPreference", "Hooks"); hooks != nil && hooks.Kind == cfn.Map && len(hooks.Keys) == 1 {
			e.del(id, []string{"DeploymentPreference", "Hooks"})
		} else {
			e.del(id, []string{"DeploymentPreference", "Hooks", "PreTraffic"})
		}
	}
}

// alarms returns the new DeploymentPreference.Alarms list and adds or
// removes the alarm resources it names.
func (e *editor) alarms(i int) []any {
	gene := &e.sp.Genes[i]
	a := gene.aux
	id := gene.Resource
	level := e.val(i).(string)
	errID, latID := id+"ErrorsAlarm", id+"LatencyAlarm"
	var list []any
	userErr, userLat := false, false
	for _, v := range a.alarms {
		r, _ := v.Ref()
		if r == errID || r == latID {
			continue
		}
		metric := ""
		if ar := e.t.Resource(r); ar != nil && ar.Type == typeAlarm {
			metric, _ = ar.Prop("MetricName").Text()
		}
		if metric == "Duration" {
			if level != "errors+latency" {
				continue
			}
			userLat = true
		} else {
			userErr = true
		}
		if level != "none" {
			list = append(list, plain(v))
		}
	}
	wantErr := level != "none" && !userErr
	wantLat := level == "errors+latency" && !userLat
	if wantErr {
		list = append(list, ref(errID))
		e.addResource(errID, typeAlarm, aliasAlarm(id, a.alias, "Errors", 0))
	} else {
		e.delResource(errID, typeAlarm)
	}
	if wantLat {
		list = append(list, ref(latID))
		e.addResource(latID, typeAlarm, aliasAlarm(id, a.alias, "Duration", a.latencyMS))
	} else {
		e.delResource(latID, typeAlarm)
	}
	return list
}

// api writes an API's type and cache together.
func (e *editor) api(i int) {
	gene := &e.sp.Genes[i]
	id := gene.Resource
	if e.done[id+"/api"] {
		return
	}
	e.done[id+"/api"] = true
	ti, hasType := e.sp.sibling(i, APIType)
	ci, hasCache := e.sp.sibling(i, CacheSize)
	typeChanged := hasType && e.changed(ti)
	if !typeChanged && !(hasCache && e.changed(ci)) {
		return
	}
	toREST := !hasType || e.val(ti) == "REST"
	var cache any
	if hasCache && toREST {
		cache = e.val(ci)
	}
	if typeChanged {
		ta := e.sp.Genes[ti].aux
		evType, oldKey, newKey := "HttpApi", "RestApiId", "ApiId"
		if toREST {
			evType, oldKey, newKey = "Api", "ApiId", "RestApiId"
		}
		for _, ev := range ta.events {
			e.set(ev.Function, []string{"Events", ev.Event, "Type"}, evType)
			if old := ev.Props.Get(oldKey); old != nil {
				e.del(ev.Function, []string{"Events", ev.Event, "Properties", oldKey})
				e.set(ev.Function, []string{"Events", ev.Event, "Properties", newKey}, plain(old))
			}
		}
		if ta.implicit {
			return
		}
		// Replace the declared API with the other type, keeping its keys.
		r := e.t.Resource(id)
		newType := typeSAMHttpApi
		if toREST {
			newType = typeSAMApi
		}
		props := cfn.Obj{}
		if p := r.Raw.Get("Properties"); p != nil && p.Kind == cfn.Map {
			for _, k := range p.Keys {
				if k == "CacheClusterEnabled" || k == "CacheClusterSize" || k == "MethodSettings" {
					continue // the cache gene's (Derive: a switchable API has no other MethodSettings)
				}
				props = append(props, cfn.Field{Key: k, Value: plain(p.Fields[k])})
			}
		}
		if toREST && !objHas(props, "StageName") {
			// The implicit REST API's stage name (aws-facts.md §6).
			props = append(props, cfn.Field{Key: "StageName", Value: "Prod"})
		}
		if cache != nil {
			props = append(props, cfn.Field{Key: "CacheClusterEnabled", Value: true}, cfn.Field{Key: "CacheClusterSize", Value: cache},
				cfn.Field{Key: "MethodSettings", Value: []any{cacheMethodSetting()}})
		}
		res := cfn.Obj{}
		for _, k := range r.Raw.Keys {
			switch k {
			case "Type":
				res = append(res, cfn.Field{Key: k, Value: newType})
			case "Properties":
				res = append(res, cfn.Field{Key: k, Value: props})
			default:
				res = append(res, cfn.Field{Key: k, Value: plain(r.Raw.Fields[k])})
			}
		}
		if r.Raw.Get("Properties") == nil {
			res = append(res, cfn.Field{Key: "Properties", Value: props})
		}
		e.edits = append(e.edits, cfn.Edit{Resource: id, Value: res})
		return
	}
	// Same type, the cache changed (REST).
	if cache == nil {
		if e.ownProp(id, "CacheClusterEnabled") != nil {
			e.del(id, []string{"CacheClusterEnabled"})
		}
		if e.ownProp(id, "CacheClusterSize") != nil {
			e.del(id, []string{"CacheClusterSize"})
		}
		e.cacheSettings(id, false)
		return
	}
	e.set(id, []string{"CacheClusterEnabled"}, true)
	e.set(id, []string{"CacheClusterSize"}, cache)
	e.cacheSettings(id, true)
}

// cacheSettings makes a REST API's MethodSettings cache every method with
// the cache data encrypted (on), or removes what it wrote (off). The cache
// caches nothing unless MethodSettings set CachingEnabled, and
// api-gw-cache-enabled-and-encrypted also asks for CacheDataEncrypted
// (aws-facts.md section 4): on, the entry for every method (ResourcePath
// "/*", HttpMethod "*") gets both set to true, and is added when the list
// has none; off, both keys leave that entry, and the entry leaves the list
// when nothing else is left in it. Entries for other methods are the
// template's own and stay.
func (e *editor) cacheSettings(id string, on bool) {
	ms := e.ownProp(id, "MethodSettings")
	if ms == nil || ms.Kind == cfn.Null {
		if on {
			e.set(id, []string{"MethodSettings"}, []any{cacheMethodSetting()})
		}
		return
	}
	if ms.Kind != cfn.List || intrinsic(ms) {
		return // Derive skips the cache gene of such an API
	}
	if on {
		found := false
		for k, entry := range ms.List {
			if !CacheMethodSetting(entry) {
				continue
			}
			found = true
			for _, key := range []string{"CachingEnabled", "CacheDataEncrypted"} {
				if b, ok := entry.Get(key).Truth(); !ok || !b {
					e.set(id, []string{"MethodSettings", strconv.Itoa(k), key}, true)
				}
			}
		}
		if !found {
			list := make([]any, 0, len(ms.List)+1)
			for _, entry := range ms.List {
				list = append(list, plain(entry))
			}
			e.set(id, []string{"MethodSettings"}, append(list, cacheMethodSetting()))
		}
		return
	}
	// Off. An entry that keeps other settings loses the two keys in place;
	// one left with only ResourcePath and HttpMethod leaves the list, which
	// is then written whole (list elements are not deleted one by one).
	list := make([]any, 0, len(ms.List))
	var keyDels []cfn.Edit
	drop := false
	for k, entry := range ms.List {
		if !CacheMethodSetting(entry) {
			list = append(list, plain(entry))
			continue
		}
		left := 0
		for _, key := range entry.Keys {
			switch key {
			case "ResourcePath", "HttpMethod":
			case "CachingEnabled", "CacheDataEncrypted":
				keyDels = append(keyDels, cfn.Edit{Resource: id, Path: []string{"MethodSettings", strconv.Itoa(k), key}, Delete: true})
			default:
				left++
			}
		}
		if left == 0 {
			drop = true
			continue
		}
		o, _ := plain(entry).(cfn.Obj) // a map: CacheMethodSetting
		list = append(list, objWithout(objWithout(o, "CachingEnabled"), "CacheDataEncrypted"))
	}
	switch {
	case !drop:
		e.edits = append(e.edits, keyDels...)
	case len(list) == 0:
		e.del(id, []string{"MethodSettings"})
	default:
		e.set(id, []string{"MethodSettings"}, list)
	}
}

// ownProp returns a property as the resource itself writes it (no Globals).
func (e *editor) ownProp(id string, path ...string) *cfn.Value {
	r := e.t.Resource(id)
	if r == nil || r.Raw == nil {
		return nil
	}
	return r.Raw.Get(append([]string{"Properties"}, path...)...)
}

// set writes v at path, creating the missing maps on the way in the
// resource's own properties (a value SAM Globals supplies is overridden on
// the resource, never in Globals).
func (e *editor) set(id string, path []string, v any) {
	r := e.t.Resource(id)
	k := 0
	if r != nil && r.Raw != nil {
		cur := r.Raw.Get("Properties")
		for k < len(path)-1 {
			next := cur.Get(path[k])
			if next == nil || (next.Kind != cfn.Map && next.Kind != cfn.List) || intrinsic(next) {
				break
			}
			cur = next
			k++
		}
	}
	val := v
	for j := len(path) - 1; j > k; j-- {
		val = cfn.Obj{{Key: path[j], Value: val}}
	}
	e.edits = append(e.edits, cfn.Edit{Resource: id, Path: append([]string(nil), path[:k+1]...), Value: val})
}

// del removes a property the resource itself writes.
func (e *editor) del(id string, path []string) {
	if e.ownProp(id, path...) == nil {
		return
	}
	e.edits = append(e.edits, cfn.Edit{Resource: id, Path: append([]string(nil), path...), Delete: true})
}

// exists reports whether the template declares the resource.
func (e *editor) exists(id string) bool {
	r := e.t.Resource(id)
	return r != nil && !r.Implicit
}

// addResource adds a resource unless the template (or this Apply) has it.
func (e *editor) addResource(id, typ string, props cfn.Obj) {
	if e.added[id] || (e.exists(id) && !e.deleted[id]) {
		return
	}
	e.added[id] = true
	e.edits = append(e.edits, cfn.Edit{Resource: id, Value: cfn.Obj{{Key: "Type", Value: typ}, {Key: "Properties", Value: props}}})
}

// delResource removes a resource evoarch added earlier (same ID and type).
func (e *editor) delResource(id, typ string) {
	r := e.t.Resource(id)
	if r == nil || r.Implicit || r.Type != typ || e.deleted[id] {
		return
	}
	e.deleted[id] = true
	e.edits = append(e.edits, cfn.Edit{Resource: id, Delete: true})
}

func ref(id string) cfn.Obj { return cfn.Obj{{Key: "Ref", Value: id}} }

func getAtt(id, attr string) cfn.Obj {
	return cfn.Obj{{Key: "Fn::GetAtt", Value: []any{id, attr}}}
}

func sub(s string) cfn.Obj { return cfn.Obj{{Key: "Fn::Sub", Value: s}} }

// policyDoc is an IAM policy document with the given statements.
func policyDoc(stmts ...cfn.Obj) cfn.Obj {
	list := make([]any, len(stmts))
	for i, s := range stmts {
		list[i] = s
	}
	return cfn.Obj{{Key: "Version", Value: "2012-10-17"}, {Key: "Statement", Value: list}}
}

// tlsStatement denies any request to the bucket without TLS, in the form
// aws-facts.md §4 s3-bucket-ssl-requests-only gives.
func tlsStatement(bucket string) cfn.Obj {
	return cfn.Obj{
		{Key: "Sid", Value: "DenyInsecureTransport"},
		{Key: "Effect", Value: "Deny"},
		{Key: "Principal", Value: "*"},
		{Key: "Action", Value: "s3:*"},
		{Key: "Resource", Value: []any{getAtt(bucket, "Arn"), sub("${" + bucket + ".Arn}/*")}},
		{Key: "Condition", Value: cfn.Obj{{Key: "Bool", Value: cfn.Obj{{Key: "aws:SecureTransport", Value: false}}}}},
	}
}

// bpaAll is a PublicAccessBlockConfiguration with all four flags on.
func bpaAll() cfn.Obj {
	o := cfn.Obj{}
	for _, k := range bpaFlags {
		o = append(o, cfn.Field{Key: k, Value: true})
	}
	return o
}

// privateBucket is the properties of a helper bucket evoarch adds (access
// logs, replica): encrypted, public access blocked, versioned if asked.
func privateBucket(versioned bool) cfn.Obj {
	o := cfn.Obj{
		{Key: "BucketEncryption", Value: cfn.Obj{{Key: "ServerSideEncryptionConfiguration", Value: []any{
			cfn.Obj{{Key: "ServerSideEncryptionByDefault", Value: cfn.Obj{{Key: "SSEAlgorithm", Value: "AES256"}}}},
		}}}},
		{Key: "PublicAccessBlockConfiguration", Value: bpaAll()},
	}
	if versioned {
		o = append(o, cfn.Field{Key: "VersioningConfiguration", Value: cfn.Obj{{Key: "Status", Value: "Enabled"}}})
	}
	return o
}

// logDeliveryPolicy lets the S3 logging service write the source bucket's
// access logs (S3 user guide, "Permissions for log delivery": principal
// logging.s3.amazonaws.com, s3:PutObject, aws:SourceArn the source bucket).
func logDeliveryPolicy(source, logs string) cfn.Obj {
	return cfn.Obj{
		{Key: "Bucket", Value: ref(logs)},
		{Key: "PolicyDocument", Value: policyDoc(cfn.Obj{
			{Key: "Sid", Value: "S3ServerAccessLogsPolicy"},
			{Key: "Effect", Value: "Allow"},
			{Key: "Principal", Value: cfn.Obj{{Key: "Service", Value: "logging.s3.amazonaws.com"}}},
			{Key: "Action", Value: "s3:PutObject"},
			{Key: "Resource", Value: sub("${" + logs + ".Arn}/*")},
			{Key: "Condition", Value: cfn.Obj{
				{Key: "ArnLike", Value: cfn.Obj{{Key: "aws:SourceArn", Value: getAtt(source, "Arn")}}},
				{Key: "StringEquals", Value: cfn.Obj{{Key: "aws:SourceAccount", Value: ref("AWS::AccountId")}}},
			}},
		})},
	}
}

// kmsKey is a customer managed key with the default key policy (KMS
// developer guide, "Default key policy": the account root may use it).
func kmsKey(table string) cfn.Obj {
	return cfn.Obj{
		{Key: "Description", Value: "Encryption key of table " + table},
		{Key: "EnableKeyRotation", Value: true},
		{Key: "KeyPolicy", Value: policyDoc(cfn.Obj{
			{Key: "Sid", Value: "EnableRootPermissions"},
			{Key: "Effect", Value: "Allow"},
			{Key: "Principal", Value: cfn.Obj{{Key: "AWS", Value: sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}}},
			{Key: "Action", Value: "kms:*"},
			{Key: "Resource", Value: "*"},
		})},
	}
}

// aliasAlarm is a CloudWatch alarm on the function alias's metric, the form
// of the SAM docs' example (docs/safe_lambda_deployments.rst,
// "AliasErrorMetricGreaterThanZeroAlarm": Sum of Errors over 60 s periods,
// 2 evaluation periods, threshold 0). The latency alarm watches the p99 of
// Duration against thresholdMS.
func aliasAlarm(fn, alias, metric string, thresholdMS float64) cfn.Obj {
	o := cfn.Obj{
		{Key: "AlarmDescription", Value: fmt.Sprintf("%s %s on alias %s (evoarch)", fn, metric, alias)},
		{Key: "ComparisonOperator", Value: "GreaterThanThreshold"},
		{Key: "Dimensions", Value: []any{
			cfn.Obj{{Key: "Name", Value: "Resource"}, {Key: "Value", Value: sub("${" + fn + "}:" + alias)}},
			cfn.Obj{{Key: "Name", Value: "FunctionName"}, {Key: "Value", Value: ref(fn)}},
		}},
		{Key: "EvaluationPeriods", Value: 2},
		{Key: "MetricName", Value: metric},
		{Key: "Namespace", Value: "AWS/Lambda"},
		{Key: "Period", Value: 60},
	}
	if metric == "Duration" {
		o = append(o, cfn.Field{Key: "ExtendedStatistic", Value: "p99"}, cfn.Field{Key: "Threshold", Value: number(thresholdMS)})
	} else {
		o = append(o, cfn.Field{Key: "Statistic", Value: "Sum"}, cfn.Field{Key: "Threshold", Value: 0})
	}
	return append(o, cfn.Field{Key: "TreatMissingData", Value: "notBreaching"})
}

// plain converts a parsed value to an edit value (Obj, []any, scalars).
func plain(v *cfn.Value) any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case cfn.Null:
		return nil
	case cfn.Bool:
		return v.Bool
	case cfn.Number:
		if v.Str != "" {
			if i, err := strconv.Atoi(v.Str); err == nil {
				return i
			}
		}
		return number(v.Num)
	case cfn.String:
		return v.Str
	case cfn.List:
		out := make([]any, len(v.List))
		for i, e := range v.List {
			out[i] = plain(e)
		}
		return out
	case cfn.Map:
		out := make(cfn.Obj, 0, len(v.Keys))
		for _, k := range v.Keys {
			out = append(out, cfn.Field{Key: k, Value: plain(v.Fields[k])})
		}
		return out
	}
	return nil
}
