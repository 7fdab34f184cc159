package shell

import (
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProcPIDDirectories: /proc/<pid> of every process of the namespace
// is made from the process table, as the kernel's procfs: cmdline
// (NUL-separated), comm, status, stat, environ, the cwd, exe and root
// links and fd/ (a pipe, a file, /dev/null); /proc/self is the reading
// process's own; ls /proc lists the PIDs ps shows.
func TestProcPIDDirectories(t *testing.T) {
	script := strings.Join([]string{`cd /tmp; sleep 30 > /tmp/out 2>/dev/null & pid=$!`,
		`i=0; until [ "$(readlink /proc/$pid/fd/1)" = /tmp/out ] || [ $i = 1000 ]; do i=$((i+1)); done`,
		`tr '\0' ' ' < /proc/1/cmdline; echo; cat /proc/$pid/comm`,
		`grep -e ^Name -e ^Pid -e ^PPid -e ^Uid /proc/$pid/status`,
		`for l in cwd exe root fd/0 fd/1 fd/2; do readlink /proc/$pid/$l; done`,
		`readlink /proc/1/fd/1 | grep -c '^pipe:\[[0-9]*\]$'; ls -l /proc/$pid/fd | grep ^l | cut -c1-10 | tr '\n' ' '; echo`,
		`cut -d' ' -f1-5 /proc/self/stat; sh -c 'echo $$; cut -d" " -f1,2,4 /proc/self/stat; true'`,
		`tr '\0' '\n' < /proc/1/environ | grep HOME`,
		`ls /proc | grep -c "^$pid\$"; ps -o pid | grep -c "^ *$pid\$"`,
		`kill $pid; wait; test -e /proc/$pid || echo gone`,
		`{ echo x > /proc/1/cmdline; } 2>/dev/null || echo refused`}, "; ")
	got := run(t, withProc(t), sh(script), "", nil)
	lines := strings.Split(got.out, "\n")
	require.GreaterOrEqual(t, len(lines), 21, "output: %q, stderr: %q", got.out, got.err)
	assert.Equal(t, "sh -c "+script+" ", lines[0], "cmdline")
	assert.Equal(t, "sleep", lines[1], "comm")
	assert.Regexp(t, `^Name:\tsleep$`, lines[2])
	assert.Regexp(t, `^Pid:\t7$`, lines[3], "runc's init took the PIDs up to 6")
	assert.Equal(t, "PPid:\t1", lines[4])
	assert.Equal(t, "Uid:\t0\t0\t0\t0", lines[5])
	assert.Equal(t, []string{"/tmp", "/bin/busybox", "/", "/dev/null", "/tmp/out", "/dev/null"}, lines[6:12], "links")
	assert.Equal(t, "1", lines[12], "the main process's stdout is a pipe")
	assert.Equal(t, "lrwx------ l-wx------ l-wx------ ", lines[13], "the links' modes: how each was opened")
	lines = append(lines[:13], lines[14:]...)
	assert.Regexp(t, regexp.MustCompile(`^(\d+) \(cut\) S 1 1$`), lines[13], "/proc/self is cut's")
	assert.NotEqual(t, "7 ", lines[13][:2])
	shPid := lines[14]
	assert.Regexp(t, `^\d+ \(cut\) `+shPid+`$`, lines[15], "a child's /proc/self and its parent")
	assert.Equal(t, "HOME=/root", lines[16])
	assert.Equal(t, "1", lines[17], "ls /proc lists it")
	assert.Equal(t, "1", lines[18], "ps shows it")
	assert.Equal(t, "gone", lines[19], "its directory goes with it")
	assert.Equal(t, "refused", lines[20], "/proc/<pid> is not writable")
	assert.Equal(t, 0, got.code)
}

// TestInitProcess: with Config.Init the namespace's PID 1 is docker-init
// (tini) over the command, as dockerd's --init: /proc/1 and ps say so,
// the command is PID 7 with PPID 1 in a process group of its own, a
// signal to the container (or to PID 1 from inside) goes on to the
// command, which dies of it by its default action, and the exit status
// is the command's, 128+signal when a signal ended it.
func TestInitProcess(t *testing.T) {
	got := run(t, withProc(t), sh(`cat /proc/1/comm; tr '\0' ' ' < /proc/1/cmdline; echo; echo $$ $PPID; readlink /proc/1/exe
ps -o pid,ppid,pgid,comm | grep -e docker-init -e sh; exit 3`), "", func(c *Config) { c.Init = true })
	assert.Equal(t, "docker-init\n/sbin/docker-init -- sh -c cat /proc/1/comm; tr '\\0' ' ' < /proc/1/cmdline; echo; echo $$ $PPID; readlink /proc/1/exe\n"+
		"ps -o pid,ppid,pgid,comm | grep -e docker-init -e sh; exit 3 \n7 1\n/sbin/docker-init\n"+
		"    1     0     1 docker-init\n    7     1     7 sh\n", got.out)
	assert.Equal(t, 3, got.code, "the command's status")

	got = run(t, withProc(t), sh("kill -TERM 1; sleep 5; echo not killed"), "", func(c *Config) { c.Init = true })
	assert.Equal(t, 143, got.code, "TERM to PID 1 from inside: forwarded, the shell's default action")
	assert.Empty(t, got.out)

	got = run(t, withProc(t), sh("kill -KILL 1; echo survives"), "", func(c *Config) { c.Init = true })
	assert.Equal(t, "survives\n", got.out, "the kernel drops SIGKILL to a namespace's init from inside")

	var out syncBuffer
	p := Start(t.Context(), []string{"sleep", "30"}, Config{FS: withProc(t), Init: true, PID1: false, Stdout: &out})
	require.Eventually(t, func() bool { return p.ns.lookup(7) != nil }, 5*time.Second, time.Millisecond)
	p.Signal(syscall.SIGTERM)
	assert.Equal(t, 143, p.Wait(), "docker stop's TERM reaches sleep through the init")
	assert.Nil(t, p.ns.lookup(1), "the init exits with its child")
}

// TestTerminalByName: the container's terminal opened by name (a
// /proc/<pid>/fd link to /dev/pts/N, or stty -F) is a terminal with
// the container's window size, from another process of the namespace
// too; a pipe's fd link is written to as the pipe.
func TestTerminalByName(t *testing.T) {
	ns := NewPIDs()
	f := withProc(t)
	var mainOut syncBuffer
	main := Start(t.Context(), []string{"sleep", "30"}, Config{FS: f, PIDs: ns, TTY: true, Stdout: &mainOut, Stderr: &mainOut,
		Stdin: strings.NewReader(""), TermSize: func() (int, int) { return 40, 120 }})
	var out, errb syncBuffer
	exec := Start(t.Context(), sh(`stty size < /proc/1/fd/0; stty -F /proc/1/fd/0 size; stty -F /dev/pts/0 size
readlink /proc/1/fd/0; stty size; stty -F /dev/pts/9 size; echo to-main > /proc/1/fd/1`),
		Config{FS: f, PIDs: ns, Stdout: &out, Stderr: &errb})
	assert.Equal(t, 0, exec.Wait())
	assert.Equal(t, "40 120\n40 120\n40 120\n/dev/pts/0\n", out.String())
	assert.Equal(t, "stty: standard input: Inappropriate ioctl for device\nstty: can't open '/dev/pts/9': No such file or directory\n", errb.String())
	assert.Equal(t, "to-main\n", mainOut.String())
	main.Signal(syscall.SIGKILL)
	main.Wait()
}

// withProc is the busybox tree with the /proc mount point every
// container has.
func withProc(t *testing.T) *memfs.FS {
	f := busybox(t)
	require.NoError(t, f.MkdirAll("/proc", 0o555))
	return f
}
