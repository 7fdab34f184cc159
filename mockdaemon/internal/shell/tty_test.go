package shell

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
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
