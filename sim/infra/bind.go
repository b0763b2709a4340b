package infra

import (
	"fmt"
	"strconv"

	"github.com/evoarch/evoarch/genome"
)

// index builds the logical-ID look-ups.
func (st *State) index() {
	st.ids = map[string]int{}
	for i, f := range st.Functions {
		st.ids["f:"+f.ID] = i
	}
	for i, t := range st.Tables {
		st.ids["t:"+t.ID] = i
	}
	for i, b := range st.Buckets {
		st.ids["b:"+b.ID] = i
	}
	for i, a := range st.APIs {
		st.ids["a:"+a.ID] = i
	}
	for i, q := range st.Queues {
		st.ids["q:"+q.ID] = i
	}
}

// lookup finds id among the resources of one kind: through the index a
// State from Baseline or Binder.NewState has, or, in a State built by hand
// (tests), by scanning its resources.
func lookup[T any](st *State, prefix string, rs []T, idOf func(*T) string, id string) int {
	if st.ids != nil {
		if i, ok := st.ids[prefix+id]; ok {
			return i
		}
		return -1
	}
	for i := range rs {
		if idOf(&rs[i]) == id {
			return i
		}
	}
	return -1
}

// FunctionIndex returns the index of a function by logical ID, or -1.
func (st *State) FunctionIndex(id string) int {
	return lookup(st, "f:", st.Functions, func(f *Function) string { return f.ID }, id)
}

// TableIndex returns the index of a table by logical ID, or -1.
func (st *State) TableIndex(id string) int {
	return lookup(st, "t:", st.Tables, func(t *Table) string { return t.ID }, id)
}

// BucketIndex returns the index of a bucket by logical ID, or -1.
func (st *State) BucketIndex(id string) int {
	return lookup(st, "b:", st.Buckets, func(b *Bucket) string { return b.ID }, id)
}

// APIIndex returns the index of an API by logical ID, or -1.
func (st *State) APIIndex(id string) int {
	return lookup(st, "a:", st.APIs, func(a *API) string { return a.ID }, id)
}

// QueueIndex returns the index of a queue by logical ID, or -1.
func (st *State) QueueIndex(id string) int {
	return lookup(st, "q:", st.Queues, func(q *Queue) string { return q.ID }, id)
}

// CopyFrom copies src into st without allocating when st has the same shape
// (as a State from Binder.NewState has).
func (st *State) CopyFrom(src *State) {
	st.Functions = append(st.Functions[:0], src.Functions...)
	st.Tables = append(st.Tables[:0], src.Tables...)
	st.Buckets = append(st.Buckets[:0], src.Buckets...)
	st.APIs = append(st.APIs[:0], src.APIs...)
	st.Queues = append(st.Queues[:0], src.Queues...)
	st.Alarms = append(st.Alarms[:0], src.Alarms...)
	st.CustomerKeys = src.CustomerKeys
	st.ids = src.ids
}

// binding is one gene, resolved: which resource it sets and its values
// decoded to numbers (and strings where the field is a string).
type binding struct {
	attr genome.Attr
	res  int
	num  []float64
	str  []string
	// group lists the genes genome.Apply writes together with this one
	// (this one included): the gene changes the phenotype only when one of
	// them leaves its current value, as Apply edits the template only then.
	group []int
	// alarms, for the DeploymentAlarms gene: per value, the template's own
	// alarms Apply keeps in DeploymentPreference.Alarms (indexes into
	// State.Alarms), and how many entries of the list as written it keeps.
	alarms   [][]int
	declared []int
	// encOff, for the CacheSize gene: whether the API's MethodSettings
	// still cache encrypted when the gene turns the cache off (an entry
	// for some method other than the gene's "/*" "*" one does).
	encOff bool
	// cat is category(attr); gid indexes Binder.groups, the distinct
	// write groups.
	cat byte
	gid int
}

// Binder applies genomes of one Space to copies of one baseline State.
type Binder struct {
	base     *State
	bindings []binding
	current  []int // each gene's current value index
	// groups are the distinct write groups (binding.group), in order of
	// their first gene; deploys lists the DeployType bindings.
	groups  [][]int
	deploys []int
	// The hot path's flat copy: one compact record per gene, and every
	// gene's decoded values in one slice (hot[i].off is gene i's first).
	hot  []hotBinding
	nums []float64
	strs []string
	// ApplyFrom's look-ups: unitOf[i] indexes units, the sets of genes
	// ApplyFrom rewrites together.
	unitOf []int32
	units  []redoUnit
}

// redoUnit is a set of genes of one resource that ApplyFrom rewrites
// together: whole write groups, and every gene whose fields another of them
// writes or reads (redoKey). No gene outside the unit writes its fields.
type redoUnit struct {
	cat   byte
	res   int32
	key   int
	genes []int32 // in gene order
}

// redoKey returns the key ApplyFrom groups a resource's genes by: the write
// group, or one key for versioning and replication (Apply's dependents set
// versioning where replication is on), or the attribute alone.
func redoKey(a genome.Attr) int {
	if wg := writeGroup(a); wg != 0 {
		return wg
	}
	if a == genome.Versioning || a == genome.Replication {
		return 4
	}
	return 100 + int(opOf(a))
}

// hotBinding is what Apply reads of a binding for every genome.
type hotBinding struct {
	op  setOp
	res int32
	gid int32
	off int32
	cur int32 // the gene's current value index (Binder.current)
}

// setOp is a gene attribute as a small integer, for Apply's switch (an
// Attr is a string).
type setOp uint8

const (
	opNone setOp = iota
	opMemory
	opArch
	opTimeout
	opReserved
	opProvisioned
	opRuntime
	opDeployType
	opDeployAlarms
	opPreTraffic
	opDLQ
	opBilling
	opRCU
	opWCU
	opAutoScaling
	opTableSSE
	opPITR
	opBucketSSE
	opVersioning
	opLogging
	opReplication
	opBPA
	opTLS
	opAPIType
	opCacheSize
)

// opOf returns the setOp of a gene attribute.
func opOf(a genome.Attr) setOp {
	switch a {
	case genome.MemorySize:
		return opMemory
	case genome.Architecture:
		return opArch
	case genome.Timeout:
		return opTimeout
	case genome.Reserved:
		return opReserved
	case genome.Provisioned:
		return opProvisioned
	case genome.Runtime:
		return opRuntime
	case genome.DeployType:
		return opDeployType
	case genome.DeployAlarms:
		return opDeployAlarms
	case genome.PreTraffic:
		return opPreTraffic
	case genome.DLQ:
		return opDLQ
	case genome.BillingMode:
		return opBilling
	case genome.ReadCapacity:
		return opRCU
	case genome.WriteCapacity:
		return opWCU
	case genome.AutoScaling:
		return opAutoScaling
	case genome.TableSSE:
		return opTableSSE
	case genome.PITR:
		return opPITR
	case genome.BucketSSE:
		return opBucketSSE
	case genome.Versioning:
		return opVersioning
	case genome.AccessLogging:
		return opLogging
	case genome.Replication:
		return opReplication
	case genome.PublicAccessBlock:
		return opBPA
	case genome.TLSOnly:
		return opTLS
	case genome.APIType:
		return opAPIType
	case genome.CacheSize:
		return opCacheSize
	}
	return opNone
}

// maxGroups bounds the write groups Apply tracks on its stack; a space
// with more is applied gene by gene (atCurrent per binding).
const maxGroups = 256

// Bind resolves every gene of sp against the baseline. A gene whose
// resource the baseline lacks, or whose value cannot be decoded, is an
// error (a bug: genes come from the same template).
//
// A gene whose write group (the genes genome.Apply writes together: a
// function's DeploymentPreference type, alarms and hook; an API's type and
// cache; a table's billing mode, capacities and auto scaling) is wholly at
// the template's values leaves the baseline as it is, as Apply leaves the
// template as it is: the template's own genome evaluates to the template as
// written, the phenotype check reads.
func Bind(sp *genome.Space, base *State) (*Binder, error) {
	b := &Binder{base: base, bindings: make([]binding, len(sp.Genes)), current: make([]int, len(sp.Genes))}
	for i := range sp.Genes {
		b.current[i] = sp.Genes[i].Current
		g := &sp.Genes[i]
		bd := binding{attr: g.Attr, num: make([]float64, len(g.Values)), str: make([]string, len(g.Values))}
		switch category(g.Attr) {
		case 'f':
			bd.res = base.FunctionIndex(g.Resource)
		case 't':
			bd.res = base.TableIndex(g.Resource)
		case 'b':
			bd.res = base.BucketIndex(g.Resource)
		case 'a':
			bd.res = base.APIIndex(g.Resource)
		default:
			return nil, fmt.Errorf("infra: gene %s: unknown attribute %q", g.Name, g.Attr)
		}
		if bd.res < 0 {
			return nil, fmt.Errorf("infra: gene %s: resource %s is not in the phenotype", g.Name, g.Resource)
		}
		for j, v := range g.Values {
			n, s, err := decode(g.Attr, v)
			if err != nil {
				return nil, fmt.Errorf("infra: gene %s value %v: %w", g.Name, v, err)
			}
			bd.num[j], bd.str[j] = n, s
		}
		for j := range sp.Genes {
			if sp.Genes[j].Resource == g.Resource && writeGroup(sp.Genes[j].Attr) == writeGroup(g.Attr) &&
				(j == i || writeGroup(g.Attr) != 0) {
				bd.group = append(bd.group, j)
			}
		}
		switch g.Attr {
		case genome.DeployAlarms:
			bd.alarms, bd.declared = keptAlarms(sp, base, g, bd.num)
		case genome.CacheSize:
			bd.encOff = encryptedWithoutGene(sp, g.Resource)
		}
		bd.cat = category(g.Attr)
		bd.gid = -1
		for k, grp := range b.groups {
			if grp[0] == bd.group[0] {
				bd.gid = k
			}
		}
		if bd.gid < 0 {
			bd.gid = len(b.groups)
			b.groups = append(b.groups, bd.group)
		}
		if g.Attr == genome.DeployType {
			b.deploys = append(b.deploys, i)
		}
		b.hot = append(b.hot, hotBinding{op: opOf(g.Attr), res: int32(bd.res), gid: int32(bd.gid), off: int32(len(b.nums)), cur: int32(g.Current)})
		b.nums = append(b.nums, bd.num...)
		b.strs = append(b.strs, bd.str...)
		b.bindings[i] = bd
		u, key := -1, redoKey(g.Attr)
		for k := range b.units {
			if b.units[k].cat == bd.cat && int(b.units[k].res) == bd.res && b.units[k].key == key {
				u = k
			}
		}
		if u < 0 {
			u = len(b.units)
			b.units = append(b.units, redoUnit{cat: bd.cat, res: int32(bd.res), key: key})
		}
		b.units[u].genes = append(b.units[u].genes, int32(i))
		b.unitOf = append(b.unitOf, int32(u))
	}
	return b, nil
}

// writeGroup numbers the sets of genes genome.Apply writes together; 0 is a
// gene written alone.
func writeGroup(a genome.Attr) int {
	switch a {
	case genome.DeployType, genome.DeployAlarms, genome.PreTraffic:
		return 1
	case genome.APIType, genome.CacheSize:
		return 2
	case genome.BillingMode, genome.ReadCapacity, genome.WriteCapacity, genome.AutoScaling:
		return 3
	}
	return 0
}

// keptAlarms returns, for each value of a DeploymentAlarms gene, the
// template's own alarms genome.Apply keeps in DeploymentPreference.Alarms:
// none at "none"; at "errors" every alarm but the Duration (latency) ones;
// at "errors+latency" all of them. Apply adds its own errors (and latency)
// alarm only where the template has none of the kind: AlarmLevel stands for
// those.
func keptAlarms(sp *genome.Space, base *State, g *genome.Gene, levels []float64) ([][]int, []int) {
	fi := base.FunctionIndex(g.Resource)
	var own []int
	written := 0
	if fi >= 0 {
		own = base.Functions[fi].Alarms
		written = base.Functions[fi].DeclaredAlarms
	}
	latency := 0
	for _, ai := range own {
		if base.Alarms[ai].MetricName == "Duration" {
			latency++
		}
	}
	alarms, declared := make([][]int, len(levels)), make([]int, len(levels))
	for j, lv := range levels {
		switch {
		case lv == 0:
			alarms[j], declared[j] = []int{}, 0
		case lv == 1:
			for _, ai := range own {
				if base.Alarms[ai].MetricName != "Duration" {
					alarms[j] = append(alarms[j], ai)
				}
			}
			declared[j] = written - latency
		default:
			alarms[j], declared[j] = own, written
		}
	}
	return alarms, declared
}

// encryptedWithoutGene reports whether API id's own MethodSettings cache
// some method encrypted besides the "/*" "*" entry genome's cache gene
// writes and clears (genome.CacheMethodSetting): what the API's
// CacheEncrypted reads once the gene has turned the cache off.
func encryptedWithoutGene(sp *genome.Space, id string) bool {
	r := sp.Template.Resource(id)
	if r == nil {
		return false
	}
	for _, ms := range list(r.Prop("MethodSettings")) {
		if !genome.CacheMethodSetting(ms) && genome.CachesEncrypted(ms) {
			return true
		}
	}
	return false
}

// Base returns the baseline State (do not modify it).
func (b *Binder) Base() *State { return b.base }

// NewState returns a State shaped like the baseline, for Apply.
func (b *Binder) NewState() *State {
	st := &State{}
	st.CopyFrom(b.base)
	return st
}

func category(a genome.Attr) byte {
	switch a {
	case genome.MemorySize, genome.Architecture, genome.Timeout, genome.Reserved, genome.Provisioned,
		genome.Runtime, genome.DeployType, genome.DeployAlarms, genome.PreTraffic, genome.DLQ:
		return 'f'
	case genome.BillingMode, genome.ReadCapacity, genome.WriteCapacity, genome.AutoScaling, genome.TableSSE, genome.PITR:
		return 't'
	case genome.BucketSSE, genome.Versioning, genome.AccessLogging, genome.Replication, genome.PublicAccessBlock, genome.TLSOnly:
		return 'b'
	case genome.APIType, genome.CacheSize:
		return 'a'
	}
	return 0
}

// decode turns a gene value into the number (and string) Apply sets.
func decode(a genome.Attr, v any) (float64, string, error) {
	switch x := v.(type) {
	case nil:
		switch a {
		case genome.Reserved:
			return None, "", nil
		case genome.Provisioned, genome.CacheSize:
			return 0, "", nil
		case genome.DeployType:
			return float64(DeployNone), "", nil // no DeploymentPreference
		}
	case bool:
		if x {
			return 1, "", nil
		}
		return 0, "", nil
	case int:
		return float64(x), "", nil
	case int64:
		return float64(x), "", nil
	case float64:
		return x, "", nil
	case string:
		switch a {
		case genome.Architecture:
			if x == "arm64" {
				return float64(ARM64), x, nil
			}
			return float64(X86), x, nil
		case genome.Runtime:
			return 0, x, nil
		case genome.DeployType:
			return float64(ParseDeploy(x)), x, nil
		case genome.DeployAlarms:
			switch x {
			case "none":
				return 0, x, nil
			case "errors":
				return 1, x, nil
			case "errors+latency":
				return 2, x, nil
			}
		case genome.BillingMode:
			if x == "PROVISIONED" {
				return 1, x, nil
			}
			return 0, x, nil
		case genome.AutoScaling:
			if x == "off" {
				return 0, x, nil
			}
			f, err := strconv.ParseFloat(x, 64)
			return f, x, err
		case genome.TableSSE:
			switch x {
			case "aws-owned":
				return float64(SSEOwned), x, nil
			case "aws-managed-kms":
				return float64(SSEManagedKMS), x, nil
			case "customer-kms":
				return float64(SSECustomerKMS), x, nil
			}
		case genome.BucketSSE:
			switch x {
			case "none":
				return float64(BucketSSENone), x, nil
			case "AES256":
				return float64(BucketSSEAES256), x, nil
			case "aws:kms":
				return float64(BucketSSEKMS), x, nil
			case "aws:kms+bucket-key":
				return float64(BucketSSEKMSBucketKey), x, nil
			}
		case genome.APIType:
			if x == "REST" {
				return 1, x, nil
			}
			return 0, x, nil
		default:
			f, err := strconv.ParseFloat(x, 64)
			return f, x, err
		}
	}
	return 0, "", fmt.Errorf("not a value of this gene")
}

// Apply writes the variant g into dst: a copy of the baseline with every
// gene's value set. dst must come from NewState. It does not allocate.
func (b *Binder) Apply(dst *State, g genome.Genome) {
	dst.CopyFrom(b.base)
	if len(b.groups) > maxGroups {
		b.applyByGene(dst, g)
		return
	}
	// moved[k] != 0: write group k leaves the template's values. One pass
	// over the genes, without a branch on their values (random to the
	// branch predictor): each ORs its difference into its group.
	var moved [maxGroups]uint8
	g = g[:len(b.hot)]
	for j := range b.hot {
		h := &b.hot[j]
		var d uint8
		if g[j] != int(h.cur) {
			d = 1
		}
		moved[h.gid] |= d
	}
	for i := range b.hot {
		if moved[b.hot[i].gid] != 0 {
			b.set(dst, i, int(b.hot[i].off)+g[i])
		}
	}
	b.dependents(dst, g, moved[:len(b.groups)])
}

// set writes value k of b.nums (gene i's value k-hot[i].off) into dst.
// Each case is the setFunction, setTable, setBucket or setAPI case of the
// gene's attribute (applyByGene calls those).
func (b *Binder) set(dst *State, i, k int) {
	h := &b.hot[i]
	v := b.nums[k]
	switch h.op {
	case opMemory:
		dst.Functions[h.res].MemoryMB = v
	case opArch:
		dst.Functions[h.res].Arch = Arch(v)
	case opTimeout:
		dst.Functions[h.res].TimeoutS = v
	case opReserved:
		dst.Functions[h.res].Reserved = int(v)
	case opProvisioned:
		dst.Functions[h.res].Provisioned = int(v)
	case opRuntime:
		dst.Functions[h.res].Runtime = b.strs[k]
	case opDeployType:
		f := &dst.Functions[h.res]
		f.Deploy = Deploy(v)
		f.DeployName = ""
		if f.Deploy == DeployCustom {
			f.DeployName = b.strs[k]
		}
	case opDeployAlarms:
		f := &dst.Functions[h.res]
		f.AlarmLevel = uint8(v)
		bd := &b.bindings[i]
		f.Alarms, f.DeclaredAlarms = bd.alarms[k-int(h.off)], bd.declared[k-int(h.off)]
	case opPreTraffic:
		dst.Functions[h.res].PreTraffic = v != 0
	case opDLQ:
		dst.Functions[h.res].DLQ = v != 0
	case opBilling:
		dst.Tables[h.res].Provisioned = v != 0
	case opRCU:
		dst.Tables[h.res].RCU = v
	case opWCU:
		dst.Tables[h.res].WCU = v
	case opAutoScaling:
		dst.Tables[h.res].AutoScaleTarget = v
	case opTableSSE:
		dst.Tables[h.res].SSE = SSE(v)
	case opPITR:
		dst.Tables[h.res].PITR = v != 0
	case opBucketSSE:
		dst.Buckets[h.res].SSE = BucketSSE(v)
	case opVersioning:
		dst.Buckets[h.res].Versioning = v != 0
	case opLogging:
		dst.Buckets[h.res].Logging = v != 0
	case opReplication:
		bk := &dst.Buckets[h.res]
		bk.Replication = v != 0
		if bk.Replication {
			bk.CrossRegion = true
		}
	case opBPA:
		on := v != 0
		bk := &dst.Buckets[h.res]
		bk.BlockPublicAcls, bk.BlockPublicPolicy, bk.IgnorePublicAcls, bk.RestrictPublicBuckets = on, on, on, on
	case opTLS:
		dst.Buckets[h.res].TLSOnly = v != 0
	case opAPIType:
		dst.APIs[h.res].REST = v != 0
	case opCacheSize:
		// As setAPI: the cache gene writes the size and, on, encryption.
		a := &dst.APIs[h.res]
		a.CacheGB = v
		a.CacheEncrypted = v > 0 || b.bindings[i].encOff
	}
}

// applyByGene is Apply for a space of more than maxGroups write groups:
// each gene checks its group itself.
func (b *Binder) applyByGene(dst *State, g genome.Genome) {
	for i := range b.bindings {
		bd := &b.bindings[i]
		if b.atCurrent(bd.group, g) {
			continue
		}
		v, s := bd.num[g[i]], bd.str[g[i]]
		switch bd.cat {
		case 'f':
			f := &dst.Functions[bd.res]
			setFunction(f, bd.attr, v, s)
			if bd.attr == genome.DeployAlarms {
				f.Alarms, f.DeclaredAlarms = bd.alarms[g[i]], bd.declared[g[i]]
			}
		case 't':
			setTable(&dst.Tables[bd.res], bd.attr, v)
		case 'b':
			setBucket(&dst.Buckets[bd.res], bd.attr, v)
		case 'a':
			setAPI(&dst.APIs[bd.res], bd.attr, v, bd.encOff)
		}
	}
	b.dependents(dst, g, nil)
}

// dependents writes the settings that follow from others, as genome.Apply
// writes them: replication needs versioning on the source (aws-facts.md
// 1.4); HTTP APIs have no cache (aws-facts.md section 6); a function
// without DeploymentPreference has neither its alarms nor its hooks
// (genome.Space.Active: they are moot, and Apply writes or keeps none).
// moved is Apply's per-group flags, or nil (then each group is checked).
func (b *Binder) dependents(dst *State, g genome.Genome, moved []uint8) {
	for i := range dst.Buckets {
		if dst.Buckets[i].Replication {
			dst.Buckets[i].Versioning = true
		}
	}
	for i := range dst.APIs {
		if !dst.APIs[i].REST {
			dst.APIs[i].CacheGB, dst.APIs[i].CacheEncrypted = 0, false
		}
	}
	for _, i := range b.deploys {
		bd := &b.bindings[i]
		if Deploy(bd.num[g[i]]) != DeployNone {
			continue
		}
		if moved != nil && moved[bd.gid] == 0 || moved == nil && b.atCurrent(bd.group, g) {
			continue
		}
		f := &dst.Functions[bd.res]
		f.DeployName, f.AlarmLevel, f.Alarms, f.DeclaredAlarms = "", 0, nil, 0
		f.PreTraffic, f.PostTraffic = false, false
	}
}

// atCurrent reports whether every gene of a write group is at its current
// value in g.
func (b *Binder) atCurrent(group []int, g genome.Genome) bool {
	for _, j := range group {
		if g[j] != b.current[j] {
			return false
		}
	}
	return true
}

func setFunction(f *Function, a genome.Attr, v float64, s string) {
	switch a {
	case genome.MemorySize:
		f.MemoryMB = v
	case genome.Architecture:
		f.Arch = Arch(v)
	case genome.Timeout:
		f.TimeoutS = v
	case genome.Reserved:
		f.Reserved = int(v)
	case genome.Provisioned:
		f.Provisioned = int(v)
	case genome.Runtime:
		f.Runtime = s
	case genome.DeployType:
		f.Deploy = Deploy(v)
		f.DeployName = ""
		if f.Deploy == DeployCustom {
			f.DeployName = s
		}
	case genome.DeployAlarms:
		f.AlarmLevel = uint8(v)
	case genome.PreTraffic:
		f.PreTraffic = v != 0
	case genome.DLQ:
		f.DLQ = v != 0
	}
}

func setTable(t *Table, a genome.Attr, v float64) {
	switch a {
	case genome.BillingMode:
		t.Provisioned = v != 0
	case genome.ReadCapacity:
		t.RCU = v
	case genome.WriteCapacity:
		t.WCU = v
	case genome.AutoScaling:
		t.AutoScaleTarget = v
	case genome.TableSSE:
		t.SSE = SSE(v)
	case genome.PITR:
		t.PITR = v != 0
	}
}

func setBucket(b *Bucket, a genome.Attr, v float64) {
	on := v != 0
	switch a {
	case genome.BucketSSE:
		b.SSE = BucketSSE(v)
	case genome.Versioning:
		b.Versioning = on
	case genome.AccessLogging:
		b.Logging = on
	case genome.Replication:
		b.Replication = on
		if on {
			b.CrossRegion = true
		}
	case genome.PublicAccessBlock:
		b.BlockPublicAcls, b.BlockPublicPolicy, b.IgnorePublicAcls, b.RestrictPublicBuckets = on, on, on, on
	case genome.TLSOnly:
		b.TLSOnly = on
	}
}

// setAPI sets one API gene. encOff is the binding's encOff (CacheSize).
func setAPI(a *API, at genome.Attr, v float64, encOff bool) {
	switch at {
	case genome.APIType:
		a.REST = v != 0
	case genome.CacheSize:
		// genome's Apply writes CacheClusterEnabled and CacheClusterSize,
		// and MethodSettings' "/*" "*" entry with CachingEnabled and
		// CacheDataEncrypted when the cache is on; off, it takes them out
		// of that entry and leaves the others.
		a.CacheGB = v
		a.CacheEncrypted = v > 0 || encOff
	}
}
