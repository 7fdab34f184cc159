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
)

func TestExtractDevices(t *testing.T) {
	s := newSandbox(t)
	err := Extract(bytes.NewReader(build(special("fifo", tar.TypeFifo))), s.dst, ExtractOptions{AllowDevices: true})
	if err != nil {
		t.Fatalf("fifo with AllowDevices: %v", err)
	}
	fi, err := os.Lstat(filepath.Join(s.dst, "fifo"))
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("fifo: %v, %v", fi, err)
	}
	dev := ent{name: "null", typ: tar.TypeChar, mode: 0o666}
	err = Extract(bytes.NewReader(build(dev)), s.dst, ExtractOptions{AllowDevices: true})
	if os.Geteuid() != 0 {
		if !errors.Is(err, ErrDevice) {
			t.Errorf("char device as non-root: %v, want ErrDevice", err)
		}
	} else if err != nil {
		t.Errorf("char device as root: %v", err)
	} else if fi, err := os.Lstat(filepath.Join(s.dst, "null")); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("char device: %v, %v", fi, err)
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
		if err := Extract(bytes.NewReader(data), s.dst, ExtractOptions{PreserveOwner: preserve}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"f", "l"} {
			fi, _ := os.Lstat(filepath.Join(s.dst, name))
			st := statOf(fi)
			owned := st.uid == 1234 && st.gid == 5678
			if owned != preserve {
				t.Errorf("PreserveOwner=%v: %s owned by %d:%d", preserve, name, st.uid, st.gid)
			}
		}
		fi, _ := os.Stat(filepath.Join(s.dst, "f"))
		if setuid := fi.Mode()&fs.ModeSetuid != 0; setuid != preserve {
			t.Errorf("PreserveOwner=%v: mode %v", preserve, fi.Mode())
		}
	}
	s.verify(t, false)
}

func TestExtractUnlimited(t *testing.T) {
	s := newSandbox(t)
	data := build(file("a", strings.Repeat("a", 100)), file("b", "b"))
	if err := Extract(bytes.NewReader(data), s.dst, ExtractOptions{MaxBytes: -1, MaxEntries: -1}); err != nil {
		t.Errorf("negative caps: %v", err)
	}
	if err := Extract(bytes.NewReader(data), s.dst, ExtractOptions{MaxBytes: 101, MaxEntries: 2}); err != nil {
		t.Errorf("caps exactly met: %v", err)
	}
}

func TestExtractNotATar(t *testing.T) {
	s := newSandbox(t)
	err := Extract(strings.NewReader(strings.Repeat("garbage!", 100)), s.dst, ExtractOptions{})
	if !errors.Is(err, tar.ErrHeader) || !strings.HasPrefix(err.Error(), "tarstream: ") {
		t.Errorf("Extract(garbage) = %v, want tar.ErrHeader", err)
	}
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
	if !errors.Is(err, cancelled) {
		t.Errorf("Extract = %v, want the reader's error", err)
	}
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
		if s.before[k] != v {
			t.Errorf("escape outside dst: %s: %q -> %q", k, s.before[k], v)
		}
	}
}
