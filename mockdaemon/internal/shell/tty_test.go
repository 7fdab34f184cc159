package shell

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTerminalStreams: with Config.TTY, test -t is true for the process's
// own streams and false once a pipe, a file or a command substitution
// takes their place; without it, never. A program sees the same through
// Proc.IsTerminal.
func TestTerminalStreams(t *testing.T) {
	script := `test -t 0 && echo in; test -t 1 && echo out; test -t 2 && echo err
test -t 1 | cat; test -t 1 > /tmp/f && echo file; x=$(test -t 1 && echo sub); echo "sub=$x"
test -t 0 < /dev/null || echo redirected; test -t 2 2>&1 && echo dup; test -t 9 || echo nine; tty_probe`
	probe := func(_ context.Context, p *Proc) int {
		for fd := range 3 {
			if p.IsTerminal(fd) {
				_, _ = p.Stdout.Write([]byte{'0' + byte(fd)})
			}
		}
		_, _ = p.Stdout.Write([]byte("\n"))
		return 0
	}
	withTTY := run(t, busybox(t), sh(script), "", func(c *Config) {
		c.TTY = true
		c.Stderr = c.Stdout
		c.Programs = map[string]Program{"tty_probe": probe}
	})
	assert.Equal(t, "in\nout\nerr\nsub=\nredirected\ndup\nnine\n012\n", withTTY.out)
	assert.Equal(t, 0, withTTY.code)

	without := run(t, busybox(t), sh(script), "", func(c *Config) { c.Programs = map[string]Program{"tty_probe": probe} })
	assert.Equal(t, "sub=\nredirected\nnine\n\n", without.out)
}

// TestTerminalsAreNumberedByOpenPtys: processes of one container with a
// TTY each open a terminal of its devpts, the lowest number free: a
// second one while the first runs is /dev/pts/1 (tty and ps's TT say
// so); once the first has ended, a new one is /dev/pts/0 again.
func TestTerminalsAreNumberedByOpenPtys(t *testing.T) {
	ns := NewPIDs()
	f := busybox(t)
	start := func(script string, out *syncBuffer) *Process {
		return Start(t.Context(), []string{"sh", "-c", script}, Config{FS: f, PIDs: ns, TTY: true, Stdout: out, Stderr: out, Stdin: strings.NewReader("")})
	}
	var first, second, third syncBuffer
	p1 := start("tty; sleep 30", &first)
	require.Eventually(t, func() bool { return first.String() != "" }, 5*time.Second, 5*time.Millisecond)
	p2 := start("tty; ps -o tty,comm | grep sleep", &second)
	assert.Equal(t, 0, p2.Wait())
	assert.Equal(t, "/dev/pts/0\n", first.String())
	assert.Equal(t, "/dev/pts/1\n136,0  sleep\n", second.String())
	p1.Signal(syscall.SIGKILL)
	p1.Wait()
	assert.Equal(t, 0, start("tty", &third).Wait())
	assert.Equal(t, "/dev/pts/0\n", third.String())
}
