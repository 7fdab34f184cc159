package tarstream

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExtractDevices(t *testing.T) {
	s := newSandbox(t)
	err := Extract(bytes.NewReader(build(special("fifo", tar.TypeFifo))), s.dst, ExtractOptions{AllowDevices: true})
	require.NoError(t, err, "fifo with AllowDevices")
	fi, err := os.Lstat(filepath.Join(s.dst, "fifo"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeNamedPipe, "fifo: mode %v", fi.Mode())
	dev := ent{name: "null", typ: tar.TypeChar, mode: 0o666}
	err = Extract(bytes.NewReader(build(dev)), s.dst, ExtractOptions{AllowDevices: true})
	if os.Geteuid() != 0 {
		assert.ErrorIs(t, err, ErrDevice, "char device as non-root")
	} else if assert.NoError(t, err, "char device as root") {
		fi, err := os.Lstat(filepath.Join(s.dst, "null"))
		require.NoError(t, err)
		assert.NotZero(t, fi.Mode()&fs.ModeCharDevice, "char device: mode %v", fi.Mode())
	}
	s.verify(t, false)
}

func TestExtractPreserveOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	s := newSandbox(t)
	data := func() []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: "f", Mode: 0o4755, Size: 1, Uid: 1234, Gid: 5678, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
		tw.WriteHeader(&tar.Header{Name: "l", Linkname: "f", Uid: 1234, Gid: 5678, Typeflag: tar.TypeSymlink})
		tw.Close()
		return buf.Bytes()
	}()
	for _, preserve := range []bool{false, true} {
		require.NoError(t, Extract(bytes.NewReader(data), s.dst, ExtractOptions{PreserveOwner: preserve}))
		for _, name := range []string{"f", "l"} {
			fi, err := os.Lstat(filepath.Join(s.dst, name))
			require.NoError(t, err)
			st := statOf(fi)
			owned := st.uid == 1234 && st.gid == 5678
			assert.Equal(t, preserve, owned, "PreserveOwner=%v: %s owned by %d:%d", preserve, name, st.uid, st.gid)
		}
		fi, err := os.Stat(filepath.Join(s.dst, "f"))
		require.NoError(t, err)
		assert.Equal(t, preserve, fi.Mode()&fs.ModeSetuid != 0, "PreserveOwner=%v: setuid in mode %v", preserve, fi.Mode())
	}
	s.verify(t, false)
}

func TestExtractUnlimited(t *testing.T) {
	s := newSandbox(t)
	data := build(file("a", strings.Repeat("a", 100)), file("b", "b"))
	assert.NoError(t, Extract(bytes.NewReader(data), s.dst, ExtractOptions{MaxBytes: -1, MaxEntries: -1}), "negative caps")
	assert.NoError(t, Extract(bytes.NewReader(data), s.dst, ExtractOptions{MaxBytes: 101, MaxEntries: 2}), "caps exactly met")
}

func TestExtractNotATar(t *testing.T) {
	s := newSandbox(t)
	err := Extract(strings.NewReader(strings.Repeat("garbage!", 100)), s.dst, ExtractOptions{})
	require.ErrorIs(t, err, tar.ErrHeader, "Extract(garbage)")
	assert.True(t, strings.HasPrefix(err.Error(), "tarstream: "), "Extract(garbage) = %v, want a tarstream error", err)
	s.verify(t, false)
}

// errReader fails after its data: cancelling a body looks like this.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

func TestExtractReaderError(t *testing.T) {
	s := newSandbox(t)
	data := build(file("a", strings.Repeat("a", 10000)))
	cancelled := errors.New("body closed")
	err := Extract(&errReader{bytes.NewReader(data[:3000]), cancelled}, s.dst, ExtractOptions{})
	assert.ErrorIs(t, err, cancelled, "Extract: want the reader's error")
}

// TestExtractConcurrentSwap extracts while another goroutine keeps replacing
// a directory of dst with a symbolic link to outside: os.Root must keep
// every write inside dst.
func TestExtractConcurrentSwap(t *testing.T) {
	var es []ent
	for i := range 200 {
		es = append(es, dir("d/"), file("d/f"+strings.Repeat("x", i%7), "payload"))
	}
	data := build(es...)
	s := newSandbox(t)
	outside := filepath.Join(s.parent, "outside")
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d := filepath.Join(s.dst, "d")
		for !stop.Load() {
			tmp := filepath.Join(s.dst, "swap")
			os.Symlink(outside, tmp)
			os.Rename(tmp, d) // fails while d is a non-empty directory
			os.RemoveAll(d)
			os.Symlink(outside, d)
			time.Sleep(10 * time.Microsecond)
		}
	}()
	for range 20 {
		Extract(bytes.NewReader(data), s.dst, ExtractOptions{}) // errors are expected
	}
	stop.Store(true)
	wg.Wait()
	os.Remove(filepath.Join(s.dst, "d")) // the attacker's own link
	after := snapshotOutside(t, s.parent)
	for k, v := range after {
		assert.Equal(t, s.before[k], v, "escape outside dst: %s", k)
	}
}
