package shell

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDevices(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         result
	}{
		{"head of /dev/zero", "head -c 4096 /dev/zero | wc -c", result{"4096\n", "", 0}},
		{"zeros are zeros", "head -c 3 /dev/zero | tr '\\000' z", result{"zzz", "", 0}},
		{"redirect from /dev/zero", "head -c 10 < /dev/zero > /tmp/z; wc -c < /tmp/z", result{"10\n", "", 0}},
		{"urandom", "head -c 32 /dev/urandom | wc -c", result{"32\n", "", 0}},
		{"write to /dev/zero is discarded", "echo x > /dev/zero; echo $?", result{"0\n", "", 0}},
		{"null still empty", "cat /dev/null | wc -c", result{"0\n", "", 0}},
	} {
		assert.Equal(t, tc.want, run(t, busybox(t), sh(tc.script), "", nil), tc.name)
	}
}
