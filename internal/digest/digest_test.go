package digest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestSHA256MatchesStdlib(t *testing.T) {
	// Every length around the block and padding boundaries, and some long ones.
	for n := 0; n < 300; n++ {
		data := bytes.Repeat([]byte{byte(n), 0xa5}, n)[:n]
		if got, want := SHA256(data), sha256.Sum256(data); got != want {
			t.Fatalf("len %d: %x, want %x", n, got, want)
		}
	}
	big := bytes.Repeat([]byte("dockwire"), 100_003)
	if got, want := SHA256(big), sha256.Sum256(big); got != want {
		t.Fatalf("800 KB: %x, want %x", got, want)
	}
}

func TestSHA256HexKnown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"default", hex.EncodeToString(func() []byte { s := sha256.Sum256([]byte("default")); return s[:] }())},
	} {
		if got := SHA256Hex(tc.in); got != tc.want {
			t.Errorf("SHA256Hex(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func FuzzSHA256(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("my-context"))
	f.Add(bytes.Repeat([]byte{0}, 55))
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := SHA256(data), sha256.Sum256(data); got != want {
			t.Fatalf("%x: %x, want %x", data, got, want)
		}
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
