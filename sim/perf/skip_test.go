package perf

import (
	"testing"

	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// skipState is a variant for the shortcuts' tests: two synchronous
// functions behind a cached REST API sharing an under-provisioned,
// auto-scaled table, one reading a KMS-encrypted bucket, and an
// asynchronous one loading the small shared pool (skipScenario).
func skipState() *infra.State {
	fn := func(id string, memMB float64, api int, async bool) infra.Function {
		return infra.Function{ID: id, Type: "AWS::Serverless::Function", MemoryMB: memMB, Arch: infra.X86,
			TimeoutS: 3, Reserved: infra.None, Runtime: "nodejs22.x", API: api, Queue: -1, Async: async}
	}
	return &infra.State{
		Functions: []infra.Function{fn("A", 512, 0, false), fn("B", 1024, 0, false), fn("C", 256, -1, true)},
		Tables: []infra.Table{{ID: "T", Provisioned: true, RCU: 10, WCU: 10, AutoScaleTarget: 70,
			AutoScaleMinRCU: 8, AutoScaleMaxRCU: 20, AutoScaleMinWCU: 8, AutoScaleMaxWCU: 20}},
		Buckets: []infra.Bucket{{ID: "K", SSE: infra.BucketSSEKMS}},
		APIs:    []infra.API{{ID: "Api", REST: true, CacheGB: 0.5}},
	}
}

// skipScenario loads skipState: A and B at 30 M requests a month, C at
// 100 M, a 30-environment account (so the pool blocks at the peak) and a
// 30 % API cache hit ratio.
func skipScenario() *scenarios.Scenario {
	return &scenarios.Scenario{Name: "skip", AccountConcurrency: 30, Workload: scenarios.Workload{
		Functions: map[string]*scenarios.FunctionLoad{
			"A": {InvocationsPerMonth: 3e7, DurationMS: 100, CPUBound: ptr(0.8),
				Calls: map[string]*scenarios.Calls{"T": {Reads: 2, Writes: 1}, "K": {Gets: 1}}},
			"B": {InvocationsPerMonth: 3e7, DurationMS: 200, CPUBound: ptr(0.5),
				Calls: map[string]*scenarios.Calls{"T": {Writes: 1}}},
			"C": {InvocationsPerMonth: 1e8, DurationMS: 200, CPUBound: ptr(0.8)},
		},
		Tables: map[string]*scenarios.TableLoad{"T": {ItemKB: 1}},
		Apis:   map[string]*scenarios.APILoad{"Api": {CacheHitRatio: 0.3}},
	}}
}

// noAutoScaling turns the table's auto scaling off: its units count.
func noAutoScaling(st *infra.State) { st.Tables[0].AutoScaleTarget = 0 }

// TestShortcutsFollowEveryInput changes one input of skipState at a time,
// each one some shortcut of Eval keeps unchanged work on (a table's
// throttle inputs: evalTables; the KMS time: updateKMS; a function's
// invoked share, which moves the tables' demand; the pool's blocking
// alone, under unchanged entries of the mixture's functions: the
// application's percentiles), and checks that a warm Model, alternating
// between the base and the changed variant and between two Results,
// gives a fresh Model's result bit for bit each time, with and without the
// functions' percentiles. Each change must move the fresh result, or the
// case tests nothing.
func TestShortcutsFollowEveryInput(t *testing.T) {
	sc := skipScenario()
	for _, tc := range []struct {
		name string
		set  func(st *infra.State)
		// fixed, when set, changes the base and the changed variant alike.
		fixed func(st *infra.State)
	}{
		{"table RCU", func(st *infra.State) { st.Tables[0].RCU = 12 }, noAutoScaling},
		{"table WCU", func(st *infra.State) { st.Tables[0].WCU = 12 }, noAutoScaling},
		{"table on demand", func(st *infra.State) { st.Tables[0].Provisioned = false }, nil},
		{"table auto scaling target", func(st *infra.State) { st.Tables[0].AutoScaleTarget = 50 }, nil},
		{"table auto scaling off", func(st *infra.State) { st.Tables[0].AutoScaleTarget = 0 }, nil},
		{"table min RCU", func(st *infra.State) { st.Tables[0].AutoScaleMinRCU = 15 }, nil},
		{"table max RCU", func(st *infra.State) { st.Tables[0].AutoScaleMaxRCU = 25 }, nil},
		{"table min WCU", func(st *infra.State) { st.Tables[0].AutoScaleMinWCU = 30 }, nil},
		{"table max WCU", func(st *infra.State) { st.Tables[0].AutoScaleMaxWCU = 25 }, nil},
		{"bucket key", func(st *infra.State) { st.Buckets[0].SSE = infra.BucketSSEKMSBucketKey }, nil},
		{"bucket unencrypted", func(st *infra.State) { st.Buckets[0].SSE = infra.BucketSSENone }, nil},
		{"API cache off (invoked share, table demand)", func(st *infra.State) { st.APIs[0].CacheGB = 0 }, nil},
		{"HTTP API", func(st *infra.State) { st.APIs[0].REST = false }, nil},
		{"A memory", func(st *infra.State) { st.Functions[0].MemoryMB = 1024 }, nil},
		{"A memory, A reserved (pool unchanged)", func(st *infra.State) { st.Functions[0].MemoryMB = 1024 },
			func(st *infra.State) { st.Functions[0].Reserved = 10 }},
		{"A timeout", func(st *infra.State) { st.Functions[0].TimeoutS = 0.2 }, nil},
		{"B reserved", func(st *infra.State) { st.Functions[1].Reserved = 10 }, nil},
		{"C memory (pool blocking only)", func(st *infra.State) { st.Functions[2].MemoryMB = 1024 }, nil},
		{"C reserved (pool blocking only)", func(st *infra.State) { st.Functions[2].Reserved = 12 }, nil},
	} {
		if tc.fixed == nil {
			tc.fixed = func(*infra.State) {}
		}
		for _, skip := range []bool{false, true} {
			name := tc.name
			if skip {
				name += "/no function percentiles"
			}
			t.Run(name, func(t *testing.T) {
				base, changed := skipState(), skipState()
				tc.fixed(base)
				tc.fixed(changed)
				tc.set(changed)
				fresh := func(st *infra.State) *Result {
					m, err := Compile(skipState(), sc)
					if err != nil {
						t.Fatal(err)
					}
					m.SkipFunctionPercentiles(skip)
					r := m.NewResult()
					m.Eval(st, r)
					return r
				}
				want := [2]*Result{fresh(base), fresh(changed)}
				if sameBits(want[0], want[1]) {
					t.Fatalf("the change moves nothing: %+v", want[0].App)
				}
				m, err := Compile(skipState(), sc)
				if err != nil {
					t.Fatal(err)
				}
				m.SkipFunctionPercentiles(skip)
				outs := [2]*Result{m.NewResult(), m.NewResult()}
				m.Eval(base, outs[0])
				for k := range 7 {
					v := (k + 1) % 2
					out := outs[k%2]
					m.Eval([2]*infra.State{base, changed}[v], out)
					if !sameBits(out, want[v]) {
						t.Fatalf("evaluation %d (variant %d): warm %+v\nfresh %+v", k, v, out, want[v])
					}
				}
			})
		}
	}
}

// TestFindFrom2 gives memo.findFrom2 hints that match, hints of other
// keys, stale and out-of-range ones: the answer is always find's.
func TestFindFrom2(t *testing.T) {
	mt := newMemo(2, 4, 100)
	for i := range 10 {
		k := []uint64{uint64(i), 7}
		_, h, _ := mt.find(k)
		mt.add(k, h)
	}
	for _, tc := range []struct {
		key          uint64
		hint, hint2  int
		wantID       int
		wantFound    bool
		wantNoHashed bool // a hint matched: no hash computed
	}{
		{3, 3, -1, 3, true, true},
		{3, 5, 3, 3, true, true},
		{3, 5, 6, 3, true, false},
		{3, -1, -1, 3, true, false},
		{3, 10, 99, 3, true, false},
		{42, 3, 4, -1, false, false},
		{42, -1, 1 << 20, -1, false, false},
	} {
		id, h, ok := mt.findFrom2([]uint64{tc.key, 7}, tc.hint, tc.hint2)
		if id != tc.wantID || ok != tc.wantFound || (h == 0) != tc.wantNoHashed {
			t.Errorf("key %d hints %d, %d: id %d found %v hash %#x; want id %d found %v", tc.key, tc.hint, tc.hint2, id, ok, h, tc.wantID, tc.wantFound)
		}
	}
}
