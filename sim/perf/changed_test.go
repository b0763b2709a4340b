package perf

import (
	"math/rand/v2"
	"testing"

	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/genome/cfn"
	"github.com/evoarch/evoarch/scenarios"
	"github.com/evoarch/evoarch/sim/infra"
)

// builtinSpace is built-in scenario name with every gene free and every
// API caching 40 % of its requests (an API's type and cache then move its
// functions' invoked shares, and with them the tables' demand).
func builtinSpace(t testing.TB, name string) space {
	t.Helper()
	sc, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	sc.Pin = nil
	tpl, err := scenarios.ReadTemplate(sc)
	if err != nil {
		t.Fatal(err)
	}
	s := bindSpace(t, name, tpl, sc)
	sc.Workload.Apis = map[string]*scenarios.APILoad{}
	for _, api := range s.base.APIs {
		sc.Workload.Apis[api.ID] = &scenarios.APILoad{CacheHitRatio: 0.4}
	}
	return s
}

// cachedTemplate is a REST API with a cache in front of a function that
// reads a provisioned table another function writes, and reads a
// KMS-encrypted bucket: the API's cache gene moves the reader's invoked
// share, and with it the table's demand, throttling and the writer's
// retries, while the change list names the API only.
const cachedTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      CacheClusterEnabled: true
      CacheClusterSize: '0.5'
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      CodeUri: src/
      MemorySize: 512
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /items
            Method: get
  Writer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      CodeUri: src/
      MemorySize: 512
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PROVISIONED
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      ProvisionedThroughput:
        ReadCapacityUnits: 25
        WriteCapacityUnits: 25
  Files:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
`

// cachedSpace is cachedTemplate's space, every gene free, under a
// workload whose peak overloads the table at its template capacity.
func cachedSpace(t testing.TB) space {
	t.Helper()
	tpl, err := cfn.Parse("cached.yaml", []byte(cachedTemplate))
	if err != nil {
		t.Fatal(err)
	}
	sc := &scenarios.Scenario{Name: "cached", Workload: scenarios.Workload{
		Functions: map[string]*scenarios.FunctionLoad{
			"Reader": {InvocationsPerMonth: 3e7, PeakRPS: 80, DurationMS: 60,
				Calls: map[string]*scenarios.Calls{"Items": {Reads: 2}, "Files": {Gets: 1}}},
			"Writer": {InvocationsPerMonth: 1e7, PeakRPS: 20, DurationMS: 80, Async: true,
				Calls: map[string]*scenarios.Calls{"Items": {Reads: 1, Writes: 1}}},
		},
		Tables: map[string]*scenarios.TableLoad{"Items": {ItemKB: 1}},
		Apis:   map[string]*scenarios.APILoad{"Api": {CacheHitRatio: 0.5}},
	}}
	return bindSpace(t, "cached", tpl, sc)
}

// changedWalk returns a walk of genomes of sp as a search feeds one
// evaluator: from a random base, every value of every gene and back (the
// one-gene moves of a climb), then n steps mixing one- and two-gene moves,
// returns to the genome before, repeats, jumps to random genomes (which
// ApplyChanged applies in full) and a run of random genomes long enough to
// turn the memo tables off (Model.adapt) and on again.
func changedWalk(sp *genome.Space, sweeps, n int, rng *rand.Rand) []genome.Genome {
	random := func() genome.Genome {
		g := sp.Current()
		for j := range g {
			g[j] = rng.IntN(len(sp.Genes[j].Values))
		}
		return g
	}
	var out []genome.Genome
	var base genome.Genome
	for range sweeps {
		base = random()
		out = append(out, base)
		for j := range sp.Genes {
			for v := range sp.Genes[j].Values {
				if v == base[j] {
					continue
				}
				g := append(genome.Genome(nil), base...)
				g[j] = v
				out = append(out, g, base)
			}
		}
	}
	cur := base
	for range n {
		g := append(genome.Genome(nil), cur...)
		switch r := rng.IntN(20); {
		case r < 12:
			j := rng.IntN(len(g))
			g[j] = rng.IntN(len(sp.Genes[j].Values))
		case r < 15:
			for range 2 {
				j := rng.IntN(len(g))
				g[j] = rng.IntN(len(sp.Genes[j].Values))
			}
		case r < 17 && len(out) > 1:
			g = append(genome.Genome(nil), out[len(out)-2]...)
		case r < 18:
		default:
			g = random()
		}
		out = append(out, g)
		cur = g
	}
	for range 3 * adaptWindow {
		out = append(out, random())
	}
	for range 3 * adaptWindow {
		g := append(genome.Genome(nil), base...)
		j := rng.IntN(len(g))
		g[j] = rng.IntN(len(sp.Genes[j].Values))
		out = append(out, g)
	}
	return out
}

// TestEvalChangedMatchesEval drives one Model as sim.Evaluator does: each
// genome of a walk (changedWalk) written into one State by a real Binder
// (ApplyChanged, whose change list EvalChanged gets), on every built-in
// scenario with every gene free. Each result must be a fresh Model's bit
// for bit, with and without the functions' percentiles: a skip the list
// does not justify (a function, API, table or bucket the model reads
// that ApplyChanged rewrote, an invoked share that moved the tables'
// demand) leaves a figure of the previous variant.
func TestEvalChangedMatchesEval(t *testing.T) {
	steps, sweeps := 400, 6
	if testing.Short() {
		steps, sweeps = 150, 2
	}
	for _, name := range append(scenarios.Names(), "cached") {
		for _, skip := range []bool{false, true} {
			tn := name
			if skip {
				tn += "/no function percentiles"
			}
			t.Run(tn, func(t *testing.T) {
				var s space
				if name == "cached" {
					s = cachedSpace(t)
				} else {
					s = builtinSpace(t, name)
				}
				m, err := Compile(s.base, s.sc)
				if err != nil {
					t.Fatal(err)
				}
				m.SkipFunctionPercentiles(skip)
				out := m.NewResult()
				st := s.bd.NewState()
				var prev genome.Genome
				var ch infra.Changed
				listed, moved, demand := 0, 0, 0
				var last *Result
				walk := changedWalk(s.sp, sweeps, steps, rand.New(rand.NewPCG(uint64(len(name)), 7)))
				for k, g := range walk {
					s.bd.ApplyChanged(st, prev, g, &ch)
					prev = g
					m.EvalChanged(st, out, &ch)
					if !ch.All {
						listed++
						if !ch.Has('t') && m.anyTableMoved() {
							demand++
						}
					}
					ref, err := Compile(s.base, s.sc)
					if err != nil {
						t.Fatal(err)
					}
					ref.SkipFunctionPercentiles(skip)
					want := ref.NewResult()
					ref.Eval(st, want)
					if !sameBits(out, want) {
						t.Fatalf("step %d (genome %v, change list %+v): EvalChanged %+v\nfresh Eval %+v", k, g, ch, out, want)
					}
					if last != nil && !sameBits(last, want) {
						moved++
					}
					last = want
				}
				// The walk must use the change lists and move the results,
				// or it tests nothing.
				if listed < len(walk)/2 || moved < len(walk)/10 {
					t.Fatalf("%d of %d steps with a change list, %d moved the result: too weak", listed, len(walk), moved)
				}
				// cached's API cache moves the table's throttling with
				// no table listed (a demand summed again), or the walk
				// misses the case.
				if name == "cached" && demand == 0 {
					t.Error("no step moved a table the change list does not name: too weak")
				}
				// (workshop-tiny's few variants hit the tables even at
				// random: they stay on.)
				if name == "seed-demo" && m.switches < 2 {
					t.Errorf("the memo tables switched %d times: the walk never turned them off and on", m.switches)
				}
			})
		}
	}
}

// TestEvalChangedAfterAnotherState: a Model the search's evaluator shares
// with another use (MonteCarlo, or Eval of another State) between two of
// its EvalChanged calls must not take the next change list as relative to
// the other State: it compares everything, and its results stay a fresh
// Model's. The other State differs from the search's in a function's
// memory, another's timeout and a table's capacity; the change list after it
// names a bucket's public access block only.
func TestEvalChangedAfterAnotherState(t *testing.T) {
	s := builtinSpace(t, "seed-demo")
	gene := func(name string) int {
		for j := range s.sp.Genes {
			if s.sp.Genes[j].Name == name {
				return j
			}
		}
		t.Fatalf("no gene %s in seed-demo's space", name)
		return -1
	}
	noop := gene("encryptedBucket.PublicAccessBlock")
	g0 := s.sp.Current()
	other := append(genome.Genome(nil), g0...)
	for _, name := range []string{"myFirstFunction.MemorySize", "mySecondFunction.Timeout", "encryptedTable.ProvisionedThroughput.ReadCapacityUnits"} {
		j := gene(name)
		other[j] = (other[j] + 1) % len(s.sp.Genes[j].Values)
	}
	g1 := append(genome.Genome(nil), g0...)
	g1[noop] = (g1[noop] + 1) % len(s.sp.Genes[noop].Values)
	fresh := func(st *infra.State) *Result {
		ref, err := Compile(s.base, s.sc)
		if err != nil {
			t.Fatal(err)
		}
		r := ref.NewResult()
		ref.Eval(st, r)
		return r
	}
	for _, use := range []struct {
		name string
		do   func(m *Model, st *infra.State)
	}{
		{"Eval", func(m *Model, st *infra.State) { m.Eval(st, m.NewResult()) }},
		{"MonteCarlo", func(m *Model, st *infra.State) { MonteCarlo(m, st, 3, 200) }},
	} {
		t.Run(use.name, func(t *testing.T) {
			m, err := Compile(s.base, s.sc)
			if err != nil {
				t.Fatal(err)
			}
			out := m.NewResult()
			st := s.bd.NewState()
			var ch infra.Changed
			s.bd.ApplyChanged(st, nil, g0, &ch)
			m.EvalChanged(st, out, &ch)
			ost := s.bd.NewState()
			s.bd.Apply(ost, other)
			if sameBits(fresh(ost), fresh(st)) {
				t.Fatal("the other State's result is the search's: the test is too weak")
			}
			use.do(m, ost)
			s.bd.ApplyChanged(st, g0, g1, &ch)
			if ch.All || ch.Len() != 1 {
				t.Fatalf("change list %+v: want the one bucket", ch)
			}
			m.EvalChanged(st, out, &ch)
			if want := fresh(st); !sameBits(out, want) {
				t.Fatalf("EvalChanged after %s of another State %+v\nfresh %+v", use.name, out, want)
			}
		})
	}
}

// anyTableMoved reports whether the last Eval moved a table's throttle
// probabilities.
func (m *Model) anyTableMoved() bool {
	for t := range m.tables {
		if m.tables[t].moved {
			return true
		}
	}
	return false
}
