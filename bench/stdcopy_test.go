package bench

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/dockwire/dockwire/bench/internal/measure"
	"github.com/dockwire/dockwire/mux"
	"github.com/moby/moby/api/pkg/stdcopy"
)

const payload = 64 << 20

var frames = []struct {
	name string
	size int
}{{"16B", 16}, {"1KiB", 1 << 10}, {"32KiB", 32 << 10}, {"1MiB", 1 << 20}}

// stream returns 64 MiB of payload in stdout frames of the given size.
func stream(size int) []byte {
	var buf bytes.Buffer
	buf.Grow(payload / size * (size + mux.HeaderSize))
	w := mux.NewWriter(&buf, mux.Stdout)
	p := bytes.Repeat([]byte{'x'}, size)
	for range payload / size {
		w.Write(p)
	}
	return buf.Bytes()
}

var impls = []struct {
	name string
	run  func(r *bytes.Reader, buf []byte) (int64, error)
}{
	{"dockwire", func(r *bytes.Reader, _ []byte) (int64, error) { return mux.Copy(io.Discard, io.Discard, r) }},
	{"moby", func(r *bytes.Reader, _ []byte) (int64, error) { return stdcopy.StdCopy(io.Discard, io.Discard, r) }},
	// The ceiling: the same bytes, no framing, through a 32 KiB buffer
	// (WriterTo and ReaderFrom hidden so the buffer is used).
	{"iocopy", func(r *bytes.Reader, buf []byte) (int64, error) {
		return io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{r}, buf)
	}},
}

// BenchmarkDemux demultiplexes the same 64 MiB of payload (wire bytes
// counted by SetBytes) from a bytes.Reader into io.Discard. Besides wall
// time it reports cpu-ns/op, the CPU time of the benchmark's (locked) OS
// thread per op, which a busy shared machine disturbs far less.
func BenchmarkDemux(b *testing.B) {
	for _, fr := range frames {
		in := stream(fr.size)
		for _, impl := range impls {
			b.Run("impl="+impl.name+"/frame="+fr.name, func(b *testing.B) {
				r := bytes.NewReader(in)
				buf := make([]byte, 32<<10)
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				runtime.LockOSThread() // so the thread's CPU time is this loop's
				defer runtime.UnlockOSThread()
				cpu0, ok := measure.ThreadCPU()
				n := 0
				for b.Loop() {
					r.Reset(in)
					if _, err := impl.run(r, buf); err != nil {
						b.Fatal(err)
					}
					n++
				}
				if cpu1, ok1 := measure.ThreadCPU(); ok && ok1 && n > 0 {
					b.ReportMetric(float64(cpu1-cpu0)/float64(n), "cpu-ns/op")
				}
			})
		}
	}
}

// TestSameOutput checks that the implementations agree on the inputs.
func TestSameOutput(t *testing.T) {
	var in bytes.Buffer
	m := mux.NewMuxer(&in)
	for i := range 1000 {
		m.Stream(mux.Stream(1 + i%2)).Write(bytes.Repeat([]byte{byte(i)}, i%300))
	}
	var o1, e1, o2, e2 bytes.Buffer
	n1, err1 := mux.Copy(&o1, &e1, bytes.NewReader(in.Bytes()))
	n2, err2 := stdcopy.StdCopy(&o2, &e2, bytes.NewReader(in.Bytes()))
	if err1 != nil || err2 != nil || n1 != n2 || !bytes.Equal(o1.Bytes(), o2.Bytes()) || !bytes.Equal(e1.Bytes(), e2.Bytes()) {
		t.Fatalf("dockwire %d, %v; moby %d, %v; outputs equal: %v %v", n1, err1, n2, err2, bytes.Equal(o1.Bytes(), o2.Bytes()), bytes.Equal(e1.Bytes(), e2.Bytes()))
	}
}
