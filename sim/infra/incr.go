package infra

import "github.com/evoarch/evoarch/genome"

// maxDirty bounds the units ApplyFrom rewrites; a genome that changes more
// of them than prev is applied in full (Apply).
const maxDirty = 8

// ApplyFrom writes the variant g into st, as Apply(st, g) does, given that
// st holds exactly what Apply(st, prev) (or ApplyFrom(st, _, prev)) of this
// Binder left there, untouched since. It rewrites only the fields of the
// genes that differ between prev and g and of the genes written with them:
// their write groups and, since Apply's dependents never reach across a
// resource, the settings that follow from them (redoUnit). Those fields
// are copied back from the baseline, every gene of the unit re-applied, and
// the unit's dependents written. prev == nil (unknown), a prev of another
// length, or more than maxDirty such units: the full Apply. It does not
// allocate, and reads the Binder only (safe for concurrent use with
// distinct States).
//
// The caller keeps prev as its own copy of the genome last applied to st:
// a genome mutated in place after it was applied is not a valid prev.
func (b *Binder) ApplyFrom(st *State, prev, g genome.Genome) {
	b.ApplyChanged(st, prev, g, nil)
}

// Changed is what one ApplyChanged rewrote of a State: All, or the
// resources of the units it redid (a superset of the resources whose
// fields differ from before the call). Genes write functions, tables,
// buckets and APIs only: queues, alarms and everything else of a State
// ApplyChanged never changes (Apply copies them from the baseline, which
// they already equal).
type Changed struct {
	// All: the State was rewritten in full (Apply); any field may differ.
	All bool
	n   int
	// mask[kindSlot(k)] has bit i set when resource i < 64 of kind k is
	// listed, every bit when one of that kind from 64 on is (a superset:
	// safe for a caller that skips what is not listed).
	mask [nKindSlots]uint64
	cat  [maxDirty]byte
	res  [maxDirty]int32
}

// nKindSlots is the number of Changed.mask entries: one per kind genes
// write and one that every other kind shares.
const nKindSlots = 5

// kindSlot is kind's entry in Changed.mask; every other kind shares the
// last one, so Has and Lists answer for one as for any of them.
func kindSlot(kind byte) int {
	switch kind {
	case 'f':
		return 0
	case 't':
		return 1
	case 'b':
		return 2
	case 'a':
		return 3
	}
	return nKindSlots - 1
}

// Len is the number of resources listed (0 when All).
func (c *Changed) Len() int { return c.n }

// At returns resource k of the list: its kind ('f' function, 't' table,
// 'b' bucket, 'a' API) and its index in the State's slice of that kind.
func (c *Changed) At(k int) (kind byte, res int) { return c.cat[k], int(c.res[k]) }

// Has reports whether resources of kind are listed or All is set.
func (c *Changed) Has(kind byte) bool {
	return c.All || c.mask[kindSlot(kind)] != 0
}

// Mask returns the resources of kind that may be listed: bit i set when
// resource i < 64 is listed, every bit when All is set or one of that
// kind from 64 on is listed. A clear bit i means resource i is not
// listed; a caller takes every resource from 64 on as listed.
func (c *Changed) Mask(kind byte) uint64 {
	if c.All {
		return ^uint64(0)
	}
	return c.mask[kindSlot(kind)]
}

// ApplyChanged is ApplyFrom, and writes into ch (when not nil) what it
// rewrote: All when it applied g in full, else the redone units'
// resources.
func (b *Binder) ApplyChanged(st *State, prev, g genome.Genome, ch *Changed) {
	n := len(b.hot)
	if prev == nil || len(prev) != len(g) || len(g) < n {
		b.applyAll(st, g, ch)
		return
	}
	prev, g = prev[:n], g[:n]
	var dirty [maxDirty]int32
	d := 0
	// The genes are compared eight at a time, one branch per block (a
	// one-gene move differs in one block): only a block that differs is
	// looked into gene by gene.
	for lo := 0; lo < n; lo += 8 {
		hi := min(lo+8, n)
		if hi-lo == 8 {
			a, c := g[lo:hi:hi], prev[lo:hi:hi]
			if (a[0]^c[0])|(a[1]^c[1])|(a[2]^c[2])|(a[3]^c[3])|(a[4]^c[4])|(a[5]^c[5])|(a[6]^c[6])|(a[7]^c[7]) == 0 {
				continue
			}
		}
		for i := lo; i < hi; i++ {
			if g[i] == prev[i] {
				continue
			}
			u := b.unitOf[i]
			seen := false
			for _, x := range dirty[:d] {
				if x == u {
					seen = true
					break
				}
			}
			if seen {
				continue
			}
			if d == maxDirty {
				b.applyAll(st, g, ch)
				return
			}
			dirty[d] = u
			d++
		}
	}
	for _, u := range dirty[:d] {
		b.redo(st, g, &b.units[u])
	}
	if ch != nil {
		// The list, and per kind a mask of its resources (Has, Mask).
		ch.All, ch.n = false, d
		var mask [nKindSlots]uint64
		for k, u := range dirty[:d] {
			cat, res := b.units[u].cat, b.units[u].res
			ch.cat[k], ch.res[k] = cat, res
			if m := &mask[kindSlot(cat)]; res >= 0 && res < 64 {
				*m |= 1 << res
			} else {
				*m = ^uint64(0)
			}
		}
		ch.mask = mask
	}
}

// applyAll is Apply(st, g), with All in ch (when not nil).
func (b *Binder) applyAll(st *State, g genome.Genome, ch *Changed) {
	b.Apply(st, g)
	if ch != nil {
		ch.All, ch.n, ch.mask = true, 0, [nKindSlots]uint64{}
	}
}

// redo rewrites one unit's fields of st as Apply(st, g) writes them: the
// baseline's values, the genes whose write group leaves the template's
// values, then the dependents.
func (b *Binder) redo(st *State, g genome.Genome, u *redoUnit) {
	for _, i := range u.genes {
		b.restore(st, int(i))
	}
	noDeploy := false
	for _, i := range u.genes {
		h := &b.hot[i]
		if b.atCurrent(b.groups[h.gid], g) {
			continue
		}
		k := int(h.off) + g[i]
		b.set(st, int(i), k)
		if h.op == opDeployType && Deploy(b.nums[k]) == DeployNone {
			noDeploy = true
		}
	}
	switch u.cat {
	case 'f':
		if noDeploy {
			// dependents: no DeploymentPreference, no alarms or hooks.
			f := &st.Functions[u.res]
			f.DeployName, f.AlarmLevel, f.Alarms, f.DeclaredAlarms = "", 0, nil, 0
			f.PreTraffic, f.PostTraffic = false, false
		}
	case 'b':
		if bk := &st.Buckets[u.res]; bk.Replication {
			bk.Versioning = true
		}
	case 'a':
		if a := &st.APIs[u.res]; !a.REST {
			a.CacheGB, a.CacheEncrypted = 0, false
		}
	}
}

// restore copies back from the baseline every field of st that gene i
// (set) or the dependents of its unit (redo) write.
func (b *Binder) restore(st *State, i int) {
	h := &b.hot[i]
	switch h.op {
	case opMemory:
		st.Functions[h.res].MemoryMB = b.base.Functions[h.res].MemoryMB
	case opArch:
		st.Functions[h.res].Arch = b.base.Functions[h.res].Arch
	case opTimeout:
		st.Functions[h.res].TimeoutS = b.base.Functions[h.res].TimeoutS
	case opReserved:
		st.Functions[h.res].Reserved = b.base.Functions[h.res].Reserved
	case opProvisioned:
		st.Functions[h.res].Provisioned = b.base.Functions[h.res].Provisioned
	case opRuntime:
		st.Functions[h.res].Runtime = b.base.Functions[h.res].Runtime
	case opDeployType:
		f, bf := &st.Functions[h.res], &b.base.Functions[h.res]
		f.Deploy, f.DeployName = bf.Deploy, bf.DeployName
		f.AlarmLevel, f.Alarms, f.DeclaredAlarms = bf.AlarmLevel, bf.Alarms, bf.DeclaredAlarms
		f.PreTraffic, f.PostTraffic = bf.PreTraffic, bf.PostTraffic
	case opDeployAlarms:
		f, bf := &st.Functions[h.res], &b.base.Functions[h.res]
		f.AlarmLevel, f.Alarms, f.DeclaredAlarms = bf.AlarmLevel, bf.Alarms, bf.DeclaredAlarms
	case opPreTraffic:
		st.Functions[h.res].PreTraffic = b.base.Functions[h.res].PreTraffic
	case opDLQ:
		st.Functions[h.res].DLQ = b.base.Functions[h.res].DLQ
	case opBilling:
		st.Tables[h.res].Provisioned = b.base.Tables[h.res].Provisioned
	case opRCU:
		st.Tables[h.res].RCU = b.base.Tables[h.res].RCU
	case opWCU:
		st.Tables[h.res].WCU = b.base.Tables[h.res].WCU
	case opAutoScaling:
		st.Tables[h.res].AutoScaleTarget = b.base.Tables[h.res].AutoScaleTarget
	case opTableSSE:
		st.Tables[h.res].SSE = b.base.Tables[h.res].SSE
	case opPITR:
		st.Tables[h.res].PITR = b.base.Tables[h.res].PITR
	case opBucketSSE:
		st.Buckets[h.res].SSE = b.base.Buckets[h.res].SSE
	case opVersioning:
		st.Buckets[h.res].Versioning = b.base.Buckets[h.res].Versioning
	case opLogging:
		st.Buckets[h.res].Logging = b.base.Buckets[h.res].Logging
	case opReplication:
		bk, bb := &st.Buckets[h.res], &b.base.Buckets[h.res]
		bk.Replication, bk.CrossRegion, bk.Versioning = bb.Replication, bb.CrossRegion, bb.Versioning
	case opBPA:
		bk, bb := &st.Buckets[h.res], &b.base.Buckets[h.res]
		bk.BlockPublicAcls, bk.BlockPublicPolicy = bb.BlockPublicAcls, bb.BlockPublicPolicy
		bk.IgnorePublicAcls, bk.RestrictPublicBuckets = bb.IgnorePublicAcls, bb.RestrictPublicBuckets
	case opTLS:
		st.Buckets[h.res].TLSOnly = b.base.Buckets[h.res].TLSOnly
	case opAPIType, opCacheSize:
		a, ba := &st.APIs[h.res], &b.base.APIs[h.res]
		a.REST, a.CacheGB, a.CacheEncrypted = ba.REST, ba.CacheGB, ba.CacheEncrypted
	}
}
