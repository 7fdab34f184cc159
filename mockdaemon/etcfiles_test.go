package mockdaemon

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTmpfsOpts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"size=1m", ",size=1024k"},
		{"rw,noexec,size=65536k,mode=1777", ",size=65536k,mode=1777"},
		{"size=100", ",size=1k"},
		{"size=bogus,uid=1000", ",uid=1000"},
	} {
		assert.Equal(t, tc.want, tmpfsOpts(tc.in), "tmpfsOpts(%q)", tc.in)
	}
}
