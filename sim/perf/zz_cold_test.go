package perf
func setCold(m *Model, c bool) { m.noMemo = c }
