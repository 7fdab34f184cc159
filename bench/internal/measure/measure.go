// Package measure reads the CPU time a benchmark spends. Wall time on a
// shared machine measures the neighbours as much as the code; CPU time
// much less so.
package measure

import "time"

// ThreadCPU returns the CPU time (user+system) used so far by the calling
// OS thread (lock the goroutine to it first), and false where that cannot
// be known.
func ThreadCPU() (time.Duration, bool) { return threadCPU() }

// ProcessCPU returns the CPU time (user+system) used so far by the whole
// process, every thread included (the garbage collector's too), and false
// where that cannot be known.
func ProcessCPU() (time.Duration, bool) { return processCPU() }
