package cfn

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLargeShapesAreFast parses inputs near 1 MB whose shape once made
// position bookkeeping quadratic.
func TestLargeShapesAreFast(t *testing.T) {
	var keys strings.Builder
	keys.WriteString("Resources: {}\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&keys, "k%d: v\n", i)
	}
	for _, tc := range []struct{ name, src string }{
		{"long flow line", "Resources: {}\na: [" + strings.Repeat("x, ", 100000) + "x]\n"},
		{"long flow line of lists", "Resources: {}\na: [" + strings.Repeat("[x], ", 50000) + "x]\n"},
		{"long flow map line", "Resources: {}\na: {" + func() string {
			var b strings.Builder
			for i := 0; i < 50000; i++ {
				fmt.Fprintf(&b, "k%d: {x: 1}, ", i)
			}
			return b.String()
		}() + "z: 1}\n"},
		{"long JSON line", "{\"Resources\": {}, \"a\": [" + strings.Repeat("{\"b\": 1}, ", 50000) + "1]}"},
		{"many keys", keys.String()},
		{"long plain scalar", "Resources: {}\na: " + strings.Repeat("word ", 200000) + "\n"},
	} {
		start := time.Now()
		if _, err := Parse("x.yaml", []byte(tc.src)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s (%d bytes): %v", tc.name, len(tc.src), d)
		}
	}
}
