package perf

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
)

func threadCPU() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func cpuRun(t *testing.T, name string, n, pMove float64, cold bool, iters int) {
	base, sc, vs := seedVariants(t, int(n), pMove)
	m, _ := Compile(base, sc)
	setCold(m, cold)
	out := m.NewResult()
	for _, v := range vs {
		m.Eval(v, out)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := int64(1 << 62)
	for rep := 0; rep < 5; rep++ {
		t0 := threadCPU()
		for i := 0; i < iters; i++ {
			m.Eval(vs[i%len(vs)], out)
		}
		if d := threadCPU() - t0; d < best {
			best = d
		}
	}
	fmt.Printf("CPU %-28s %10.0f ns/op\n", name, float64(best)/float64(iters))
}

func TestZZCPU(t *testing.T) {
	if os.Getenv("ZZCPU") == "" {
		t.Skip()
	}
	cpuRun(t, "EvalSeed", 1, 0, false, 200000)
	cpuRun(t, "EvalSeedCold", 1, 0, true, 20000)
	cpuRun(t, "EvalSeedVariants", 1000, 0.2, false, 200000)
	cpuRun(t, "EvalSeedVariantsCold", 1000, 0.2, true, 20000)
}
