package evolve_test

import (
	"context"
	"fmt"

	"github.com/evoarch/evoarch/evolve"
	"github.com/evoarch/evoarch/genome"
	"github.com/evoarch/evoarch/sim"
)

// A two-gene space: memory (ordered) and bucket encryption. The invented
// evaluation rewards 1024 MB and KMS encryption.
func ExampleRun() {
	sp := &genome.Space{Genes: []genome.Gene{
		{Name: "Api.MemorySize", Resource: "Api", Kind: genome.Number, Attr: genome.MemorySize, Values: []any{128, 512, 1024}, Ordered: true},
		{Name: "Photos.Encryption", Resource: "Photos", Kind: genome.Choice, Attr: genome.BucketSSE, Values: []any{"none", "AES256", "aws:kms"}},
	}}
	eval := func(g genome.Genome, m *sim.Metrics) {
		m.Objectives.CostUSDMonth = float64(10 + 5*g[0] + g[1])
		m.Fitness = float64(g[0]) + 0.5*float64(g[1])
		m.Feasible = true
	}
	p := evolve.Problem{Space: sp, New: func() func(genome.Genome, *sim.Metrics) { return eval }}
	r, err := evolve.Run(context.Background(), p, evolve.Options{Algorithm: evolve.Exhaustive})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("next:", r.NextChange.Summary)
	for _, st := range r.Roadmap {
		fmt.Printf("%s %s: %s\n", st.Version, st.Label, st.Summary)
	}
	// Output:
	// next: sets Api memory from 128 to 1024 MB: cost +$10.00/month
	// v1 Faster or cheaper compute: sets Api memory from 128 to 1024 MB: cost +$10.00/month
	// v2 Encryption at rest: encrypts Photos with KMS: cost +$2.00/month
}
