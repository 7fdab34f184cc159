package memfs

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExtractLayerBytesShares: a layer held in memory is extracted with
// its files' contents left where the layer holds them (PAX headers, long
// names and hard links in between), the same tree ExtractLayer makes; a
// write to a file copies it and leaves the layer alone.
func TestExtractLayerBytesShares(t *testing.T) {
	const size = 4 << 20
	big := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	long := "opt/" + strings.Repeat("d", 120) + "/file" // needs a PAX or GNU long name
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	put := func(h *tar.Header, data []byte) {
		h.Size = int64(len(data))
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := tw.Write(data)
		require.NoError(t, err)
	}
	put(&tar.Header{Name: "opt/", Typeflag: tar.TypeDir, Mode: 0o755}, nil)
	put(&tar.Header{Name: "opt/small", Typeflag: tar.TypeReg, Mode: 0o644,
		PAXRecords: map[string]string{"SCHILY.xattr.user.x": "y"}}, []byte("small"))
	put(&tar.Header{Name: long, Typeflag: tar.TypeReg, Mode: 0o644}, []byte("long"))
	put(&tar.Header{Name: "opt/big", Typeflag: tar.TypeReg, Mode: 0o644}, big)
	put(&tar.Header{Name: "opt/big-link", Typeflag: tar.TypeLink, Linkname: "opt/big"}, nil)
	put(&tar.Header{Name: "opt/.wh.gone", Typeflag: tar.TypeReg}, nil)
	require.NoError(t, tw.Close())
	layer := buf.Bytes()
	pristine := bytes.Clone(layer)

	f := New()
	require.NoError(t, f.MkdirAll("/opt", 0o755))
	require.NoError(t, f.WriteFile("/opt/gone", []byte("x"), 0o644))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.NoError(t, f.ExtractLayerBytes(TarOf(layer)))
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(size/4), "bytes allocated extracting a %d byte file", size)

	assert.Equal(t, "small", read(t, f, "/opt/small"))
	assert.Equal(t, "long", read(t, f, "/"+long))
	got, err := f.ReadFile("/opt/big")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(big, got), "/opt/big")
	_, err = f.Stat("/opt/gone")
	assert.ErrorIs(t, err, os.ErrNotExist, "whiteout")

	streamed := New()
	require.NoError(t, streamed.MkdirAll("/opt", 0o755))
	require.NoError(t, streamed.WriteFile("/opt/gone", []byte("x"), 0o644))
	require.NoError(t, streamed.ExtractLayer(bytes.NewReader(layer)))
	assert.Empty(t, Diff(streamed, f), "the same tree as ExtractLayer's")

	h, err := f.OpenFile("/opt/big-link", os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = h.Write([]byte("XX"))
	require.NoError(t, err)
	require.NoError(t, h.Close())
	assert.Equal(t, "XX23", read(t, f, "/opt/big")[:4], "the write, through the hard link")
	assert.Equal(t, pristine, layer, "the layer after a write to its file")
}

// TestExtractLayerBytesCutShort: a layer that ends inside a file's data
// fails as a stream that ends there does.
func TestExtractLayerBytesCutShort(t *testing.T) {
	layer := mkTar(t, &tar.Header{Name: "some/file/with/a/longer/name", Typeflag: tar.TypeReg, Mode: 0o644})
	cut := layer[:512+10]
	err := New().ExtractLayerBytes(TarOf(cut))
	require.Error(t, err)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.ErrorIs(t, New().ExtractLayer(bytes.NewReader(cut)), io.ErrUnexpectedEOF)
}

// TestReadSizedForgedSize: a size claimed by a header is not reserved
// before an eighth of it arrived: 1 GiB claimed with 1 KiB sent allocates
// a piece, not the gigabyte, and ends in io.ErrUnexpectedEOF; sizes on
// both sides of the bounds read back whole.
func TestReadSizedForgedSize(t *testing.T) {
	var err error
	got := allocs(func() { _, err = ReadSized(bytes.NewReader(make([]byte, 1024)), 1<<30) })
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Less(t, got, uint64(2*readPiece), "bytes allocated for a forged 1 GiB size")

	for _, n := range []int64{0, 1, trustedSize, trustedSize + 1, 8*trustedSize + 7} {
		src := bytes.Repeat([]byte("0123456789abcdef"), int(n/16)+1)[:n]
		data, err := ReadSized(bytes.NewReader(src), n)
		require.NoError(t, err, "size %d", n)
		assert.True(t, bytes.Equal(src, data), "size %d: data read back", n)
		assert.Equal(t, int(n), cap(data), "size %d: capacity", n)
	}
}

// allocs is the bytes f allocates.
func allocs(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// oneByte reads one byte at a time, as a chunked body may arrive.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1)]) }

// TestReadTar: a tar stream of unknown length is read whole, byte for
// byte (files big and small, what follows the archive), into a slice of
// its length; a stream that is no tar is kept as it came; past the bound
// ErrTooLarge; a reading error is the error.
func TestReadTar(t *testing.T) {
	var src bytes.Buffer
	tw := tar.NewWriter(&src)
	big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20) // 32 MiB, past trustedSize
	for _, f := range []struct {
		name string
		data []byte
	}{{"small", []byte("x")}, {"big", big}, {"after", []byte("yy")}} {
		require.NoError(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Size: int64(len(f.data)), Mode: 0o644}))
		_, err := tw.Write(f.data)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	src.WriteString("trailing")

	got, err := ReadTar(bytes.NewReader(src.Bytes()), -1, 1<<30)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(src.Bytes(), got.Bytes()), "the stream as it came")
	assert.LessOrEqual(t, capOf(got), got.Len()+2*blockSize+maxPiece, "the pieces are sized by the headers")
	assert.True(t, fileInOnePiece(got, big), "the big file's data lies in one piece")

	gotSmall, err := ReadTar(oneByte{bytes.NewReader(src.Bytes()[:5000])}, -1, 1<<30)
	require.NoError(t, err)
	assert.Equal(t, src.Bytes()[:5000], gotSmall.Bytes(), "a stream cut short is kept as it came")
	gotSmall, err = ReadTar(strings.NewReader("not a tar at all"), -1, 1<<30)
	require.NoError(t, err)
	assert.Equal(t, "not a tar at all", string(gotSmall.Bytes()))
	got, err = ReadTar(bytes.NewReader(src.Bytes()), int64(src.Len()), 1<<30)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(src.Bytes(), got.Bytes()), "a known length")

	_, err = ReadTar(bytes.NewReader(src.Bytes()), -1, 1<<20)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = ReadTar(bytes.NewReader(src.Bytes()), int64(src.Len()), 1<<20)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = ReadTar(io.MultiReader(bytes.NewReader(src.Bytes()[:3000]), iotestErr{}), -1, 1<<30)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
}

// capOf is the room a Tar's pieces take.
func capOf(t Tar) int64 {
	var n int64
	for _, p := range t.pieces {
		n += int64(cap(p))
	}
	return n
}

// fileInOnePiece reports whether one of t's pieces holds data whole.
func fileInOnePiece(t Tar, data []byte) bool {
	for _, p := range t.pieces {
		if bytes.Contains(p, data) {
			return true
		}
	}
	return false
}

// TestReadTarSmallFilesOneCopy: a stream of many small files of unknown
// length is read into pieces that are never copied into larger ones:
// what it allocates is about its length, each file's data lies in one
// piece, and extracting the Tar shares the files' data with it.
func TestReadTarSmallFilesOneCopy(t *testing.T) {
	var src bytes.Buffer
	tw := tar.NewWriter(&src)
	data := bytes.Repeat([]byte("abcdefgh"), 30000/8) // 30000 bytes: not a multiple of the block
	const files = 400
	for i := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "d/f" + strconv.Itoa(i), Size: int64(len(data)), Mode: 0o644}))
		_, err := tw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	var got Tar
	var err error
	allocated := allocs(func() { got, err = ReadTar(oneByteEvery{bytes.NewReader(src.Bytes()), 7000}, -1, 1<<30) })
	require.NoError(t, err)
	assert.True(t, bytes.Equal(src.Bytes(), got.Bytes()), "the stream as it came")
	assert.Less(t, allocated, uint64(src.Len()+src.Len()/8+maxPiece), "bytes allocated reading a %d byte stream", src.Len())
	assert.Greater(t, len(got.pieces), 1)

	f := New()
	before := allocs(func() { require.NoError(t, f.ExtractLayerBytes(got)) })
	assert.Less(t, before, uint64(src.Len()/2), "extracting shares the files' data (a copy is 12 MB more)")
	assert.Equal(t, string(data), read(t, f, "/d/f399"))
}

// oneByteEvery reads at most n bytes a call, as a chunked body comes.
type oneByteEvery struct {
	r io.Reader
	n int
}

func (o oneByteEvery) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), o.n)]) }

// iotestErr fails every read.
type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, os.ErrDeadlineExceeded }
