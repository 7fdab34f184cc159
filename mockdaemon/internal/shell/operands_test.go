package shell

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestShDashCOperands: after "-c script" every argument is an operand, as
// in busybox ash: the first is $0 even when it is "--" (docker's exec
// form `["sh","-c","echo \"$@\"","--","arg"]` relies on it), and options
// may come before the script.
func TestShDashCOperands(t *testing.T) {
	f := busybox(t)
	tests := []struct {
		name string
		argv []string
		want string
	}{
		{"dashdash is $0", []string{"sh", "-c", `echo "[$0] $@"`, "--", "x", "y z"}, "[--] x y z\n"},
		{"names and args", []string{"sh", "-c", `echo "[$0] [$1] [$2]"`, "zero", "one two", "three"}, "[zero] [one two] [three]\n"},
		{"options before the script", []string{"sh", "-e", "-c", `echo "$1"`, "me", "arg"}, "arg\n"},
		{"options after -c", []string{"sh", "-c", "-e", `echo ok`}, "ok\n"},
		{"end of options then script", []string{"sh", "-c", "--", `echo "$0"`, "name"}, "name\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, f, tt.argv, "", nil)
			assert.Equal(t, tt.want, r.out, "stderr %q", r.err)
			assert.Zero(t, r.code)
		})
	}
}

// TestUTF8Kept: bytes outside ASCII pass through quoting, escapes and
// expansion unchanged (ü came back as Ã¼).
func TestUTF8Kept(t *testing.T) {
	f := busybox(t)
	for _, script := range []string{`echo "grüße ü 日本"`, `echo grüße ü 日本`, `x="grüße ü 日本"; echo $x`, `echo gr\üße ü 日本`, `printf '%s\n' "grüße ü 日本"`} {
		r := run(t, f, sh(script), "", nil)
		assert.Equal(t, "grüße ü 日本\n", r.out, "%s (stderr %q)", script, r.err)
	}
}
