package mockdaemon

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTmpfsOpts: a tmpfs's options as the kernel lists them (seen on
// dockerd 20.10: --tmpfs /bar:size=999 shows size=4k, mode=1777 is not
// shown): the size in whole pages, the mode unless tmpfs's default.
func TestTmpfsOpts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"size=1m", ",size=1024k"},
		{"rw,noexec,size=65536k,mode=1777", ",size=65536k"},
		{"size=100", ",size=4k"},
		{"size=5000,mode=0755", ",size=8k,mode=755"},
		{"mode=700", ",mode=700"},
		{"size=bogus,uid=1000", ",uid=1000"},
	} {
		assert.Equal(t, tc.want, tmpfsOpts(tc.in), "tmpfsOpts(%q)", tc.in)
	}
}
