package mockdaemon

import "sync/atomic"

// termSize is a terminal's window size as a resize sets it and a process
// reads it (stty size), without the engine lock: rows in the high 32
// bits, columns in the low ones; zero until a resize.
type termSize struct{ v atomic.Uint64 }

func (t *termSize) set(rows, cols int) { t.v.Store(uint64(uint32(rows))<<32 | uint64(uint32(cols))) }

func (t *termSize) get() (rows, cols int) {
	v := t.v.Load()
	return int(v >> 32), int(uint32(v))
}
