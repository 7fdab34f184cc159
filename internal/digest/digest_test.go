package digest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSHA256MatchesStdlib(t *testing.T) {
	// Every length around the block and padding boundaries, and some long ones.
	for n := 0; n < 300; n++ {
		data := bytes.Repeat([]byte{byte(n), 0xa5}, n)[:n]
		require.Equal(t, sha256.Sum256(data), SHA256(data), "len %d", n)
	}
	big := bytes.Repeat([]byte("dockwire"), 100_003)
	assert.Equal(t, sha256.Sum256(big), SHA256(big), "800 KB")
}

func TestSHA256HexKnown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"default", hex.EncodeToString(func() []byte { s := sha256.Sum256([]byte("default")); return s[:] }())},
	} {
		assert.Equal(t, tc.want, SHA256Hex(tc.in), "SHA256Hex(%q)", tc.in)
	}
}

func FuzzSHA256(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("my-context"))
	f.Add(bytes.Repeat([]byte{0}, 55))
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		require.Equal(t, sha256.Sum256(data), SHA256(data), "%x", data)
	})
}

func BenchmarkSHA256(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 4096)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		SHA256(data)
	}
}
