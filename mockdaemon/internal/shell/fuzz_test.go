package shell

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/stretchr/testify/require"
)

var fuzzSeeds = []string{
	"echo hi; exit 3",
	"for i in 1 2 3; do echo $i; done | wc -l",
	"x=$((2+3*4)); echo ${x:-y} ${#x} \"$@\" `echo a`",
	"case $x in a|b) echo ab;; *) echo other;; esac",
	"f() { f; }; f",
	"while :; do :; done",
	"x=a; while :; do x=$x$x; done",
	"yes | head -n 1; seq 1 100000000 > /dev/null",
	"trap 'echo t' EXIT; (exit 4); { echo g; } > /tmp/x 2>&1; cat /tmp/x",
	"printf '%999999999d' 1; read a b; sleep 0.01 & wait",
	"yes > /tmp/y; echo $?; ls -l /tmp",
	"if [ -f /etc/passwd ]; then echo y; elif true; then :; else false; fi",
	"echo $(( ((((((1)))))) )); echo ${a:=b} ${a#b} ${a%%*}",
	"cat /* 2>/dev/null; ls -la /; rm -rf /tmp; mkdir -p /a/b/c",
	"cat <<EOF\n$x `echo y`\nEOF\ncat <<-'Q' | wc -c\n\tq\n\tQ\n",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			require.ErrorAs(t, err, &se, "Parse error is not a *SyntaxError")
			require.ErrorIs(t, err, ErrSyntax)
			return
		}
		require.NotNil(t, l, "nil list without error")
	})
}

func FuzzRun(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	base := memfs.New()
	require.NoError(f, InstallBusybox(base))
	_ = base.MkdirAll("/tmp", 0o777)
	base.SetMaxFileSize(1 << 20)
	_ = base.WriteFile("/etc/passwd", []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644)
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		p := Start(ctx, []string{"sh", "-c", src}, Config{
			FS: base.Clone(), Stdout: io.Discard, Stderr: io.Discard,
			StepBudget: 2000,
		})
		select {
		case <-p.Done():
		case <-time.After(5 * time.Second):
			require.FailNow(t, "script did not end", "%q", src)
		}
		code := p.Wait()
		require.GreaterOrEqual(t, code, 0, "exit status")
		require.LessOrEqual(t, code, 255, "exit status")
	})
}
