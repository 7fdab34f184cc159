package bench

import "syscall"

// threadCPU returns the CPU time (user+system, ns) used so far by the calling
// OS thread. Wall time on a shared machine measures the neighbours as much
// as the code; the thread's own CPU time much less so.
func threadCPU() (int64, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
