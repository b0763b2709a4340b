package sim_test

import (
	"fmt"

	"github.com/evoarch/evoarch/sim"
)

// The x86 Lambda duration price is tiered per account and month
// (aws-facts.md 1.1, Example 5's tier check: 9 B requests x 1,024 ms x 1 GB).
func ExamplePrice_Cost() {
	p, err := sim.LoadPrices("us-east-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	gbs := 9e9 * 1.024 * 1
	fmt.Printf("%.0f GB-s: $%.2f\n", gbs, p.Lambda.DurationX86.Cost(gbs))
	fmt.Println(p.Lambda.DurationX86.Source)
	// Output:
	// 9216000000 GB-s: $148240.20
	// aws-facts.md 1.1 [V-ic] lambda_function_test.golden
}
