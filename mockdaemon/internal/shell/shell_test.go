package shell

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for a test to read while a process
// writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var testClock = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func busybox(t testing.TB) *memfs.FS {
	t.Helper()
	f := memfs.New()
	require.NoError(t, InstallBusybox(f))
	for _, d := range []string{"/tmp", "/etc", "/root"} {
		require.NoError(t, f.MkdirAll(d, 0o755))
	}
	require.NoError(t, f.WriteFile("/etc/passwd", []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\nwww:x:33:33:www:/var/www:/bin/false\n"), 0o644))
	require.NoError(t, f.WriteFile("/etc/group", []byte("root:x:0:\nwheel:x:10:root\nnogroup:x:65534:\nwww:x:33:\n"), 0o644))
	require.NoError(t, f.WriteFile("/etc/hostname", []byte("c0ffee\n"), 0o644))
	return f
}

type result struct {
	out, err string
	code     int
}

func run(t testing.TB, f *memfs.FS, argv []string, stdin string, mod func(*Config)) result {
	t.Helper()
	var out, errb syncBuffer
	cfg := Config{
		FS: f, Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"},
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Clock: func() time.Time { return testClock }, Hostname: "c0ffee",
	}
	if mod != nil {
		mod(&cfg)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	p := Start(ctx, argv, cfg)
	code := p.Wait()
	return result{out.String(), errb.String(), code}
}

func sh(script string) []string { return []string{"sh", "-c", script} }

func TestScripts(t *testing.T) {
	tests := []struct {
		name, script, stdin string
		want                result
	}{
		{"echo streams", "echo out; echo err >&2", "", result{"out\n", "err\n", 0}},
		{"exit code", "echo hi; exit 3", "", result{"hi\n", "", 3}},
		{"nested sh", "sh -c 'echo inner; exit 4'; echo $?", "", result{"inner\n4\n", "", 0}},
		{"for", "for i in 1 2 3; do echo $i; done", "", result{"1\n2\n3\n", "", 0}},
		{"arith", "x=$((2+3*4)); echo $x $(( (1+2)*3 % 4 )) $((x > 10 && 1)) $((-7/2))", "", result{"14 1 1 -3\n", "", 0}},
		{"arith vars", "a=5; b=$((a*2)); : $((a+=1)); echo $a $b", "", result{"6 10\n", "", 0}},
		{"div zero", "echo $((1/0)); echo after", "", result{"", "sh: divide by zero\n", 2}},
		{"case", "for x in apple b.txt zz; do case $x in a*|z?) echo A:$x;; *.txt) echo T:$x;; *) echo none;; esac; done", "", result{"A:apple\nT:b.txt\nA:zz\n", "", 0}},
		{"functions", "f() { echo \"f:$1:$#\"; return 7; }; f a b; echo $?", "", result{"f:a:2\n7\n", "", 0}},
		{"pipeline", "echo a b c | wc -w", "", result{"3\n", "", 0}},
		{"long pipeline", "printf '3\\n1\\n2\\n1\\n' | sort | uniq | head -n 2", "", result{"1\n2\n", "", 0}},
		{"cat stdin", "cat", "line1\nline2\n", result{"line1\nline2\n", "", 0}},
		{"trap listing into a pipe", "trap 'echo t' TERM; trap 'echo e' EXIT; trap | cat; trap x BOGUS; echo $?", "",
			result{"trap -- 'echo e' EXIT\ntrap -- 'echo t' TERM\n1\ne\n", "sh: trap: BOGUS: bad trap\n", 0}},
		{"ulimit into a pipe", "ulimit -a | grep -e files -e stack; ulimit -Hn; ulimit -n 10; ulimit -n; ulimit -Hn 20; echo $?", "",
			result{"open files                      (-n) 1048576\nstack size (kb)                 (-s) 8192\n1048576\n10\n1\n", "sh: error setting limit: Operation not permitted\n", 0}},
		{"ls -p -F", "mkdir -p /t/d; touch /t/f /t/x; chmod +x /t/x; ln -s f /t/l; ln -s d /t/ld; cd /t; ls -p; ls -F; ls -lF ld | sed 's/.* ld/ld/'; ls -pd d f; touch d/in; ls -F ld; ls -p ld", "",
			result{"d/\nf\nl\nld\nx\nd/\nf\nl@\nld@\nx*\nld -> d/\nd/\nf\nld@\nin\n", "", 0}},
		{"cat dash", "echo x > /tmp/f; cat /tmp/f - /tmp/f", "mid\n", result{"x\nmid\nx\n", "", 0}},
		{"and or", "false && echo no || echo yes; true || echo no; ! false && echo neg", "", result{"yes\nneg\n", "", 0}},
		{"if elif", "x=2; if [ $x -eq 1 ]; then echo one; elif [ $x -eq 2 ]; then echo two; else echo other; fi", "", result{"two\n", "", 0}},
		{"while until", "i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; until [ $i -eq 0 ]; do i=$((i-1)); echo $i; done", "", result{"2\n1\n0\n", "", 0}},
		{"break continue", "for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done", "", result{"1\n3\n", "", 0}},
		{"params", "set -- a 'b c' d; echo $#; for x in \"$@\"; do echo \"[$x]\"; done; shift; echo $1", "", result{"3\n[a]\n[b c]\n[d]\nb c\n", "", 0}},
		{"dollar star", "set -- x y; IFS=:; echo \"$*\"", "", result{"x:y\n", "", 0}},
		{"param ops", "unset u; e=; echo ${u:-d1} ${e:-d2} ${e-d3}x ${u:=set} $u ${u:+alt} ${#u} ${x:+no}", "", result{"d1 d2 x set set alt 3\n", "", 0}},
		{"trim ops", "p=/a/b/c.tar.gz; echo ${p##*/} ${p#*/} ${p%.*} ${p%%.*}", "", result{"c.tar.gz a/b/c.tar.gz /a/b/c.tar /a/b/c\n", "", 0}},
		{"param error", "echo ${nope:?missing}; echo after", "", result{"", "sh: nope: missing\n", 2}},
		{"subst", "a=$(echo hi; echo there); echo \"$a\" `echo bq`", "", result{"hi\nthere bq\n", "", 0}},
		{"subst status", "x=$(exit 5); echo $?", "", result{"5\n", "", 0}},
		{"quotes", `a='x  y'; echo $a "$a" '$a' "\$a" \"q\" "it's"`, "", result{"x y x  y $a $a \"q\" it's\n", "", 0}},
		{"splitting", `IFS=,; v="a,b,,c"; for x in $v; do echo "<$x>"; done`, "", result{"<a>\n<b>\n<>\n<c>\n", "", 0}},
		{"subshell isolation", "x=1; (x=2; cd /tmp; echo $x $PWD); echo $x $PWD", "", result{"2 /tmp\n1 /\n", "", 0}},
		{"group shares", "x=1; { x=2; }; echo $x", "", result{"2\n", "", 0}},
		{"redirs", "echo a > /tmp/o; echo b >> /tmp/o; cat < /tmp/o; ls /nope 2>/dev/null; echo $?; ls /nope 2>&1 | cat", "", result{"a\nb\n1\nls: /nope: No such file or directory\n", "", 0}},
		{"dev stdout", "echo x >/dev/stderr; echo y >/dev/stdout", "", result{"y\n", "x\n", 0}},
		{"assign prefix", "A=1 env | grep ^A=; echo \"[$A]\"", "", result{"A=1\n[]\n", "", 0}},
		{"export", "export B=2; sh -c 'echo $B'", "", result{"2\n", "", 0}},
		{"glob", "touch /tmp/a1 /tmp/a2 /tmp/b1; echo /tmp/a*; echo /tmp/[ab]1; echo /tmp/z*; cd /tmp && echo ?1", "", result{"/tmp/a1 /tmp/a2\n/tmp/a1 /tmp/b1\n/tmp/z*\na1 b1\n", "", 0}},
		{"touch ls", "touch /x; ls /", "", result{"bin\netc\nroot\ntmp\nx\n", "", 0}},
		{"not found", "nosuch arg", "", result{"", "sh: nosuch: not found\n", 127}},
		{"not executable", "echo 'echo hi' > /tmp/s; /tmp/s; chmod +x /tmp/s; /tmp/s", "", result{"hi\n", "sh: /tmp/s: Permission denied\n", 0}},
		{"script with args", "printf '#!/bin/sh\\necho $0 $1 $#\\nexit 9\\n' > /tmp/s.sh; chmod 755 /tmp/s.sh; /tmp/s.sh A B; echo $?; sh /tmp/s.sh C", "", result{"/tmp/s.sh A 2\n9\n/tmp/s.sh C 1\n", "", 9}},
		{"id", "id; id -u; id -un; id -g www; whoami", "", result{"uid=0(root) gid=0(root) groups=0(root),10(wheel)\n0\nroot\n33\nroot\n", "", 0}},
		{"hostname", "hostname; uname -s", "", result{"c0ffee\nLinux\n", "", 0}},
		{"date", "date +%s; date '+%Y-%m-%d %H:%M:%S'", "", result{"1714979289\n2024-05-06 07:08:09\n", "", 0}},
		{"printf", `printf '%s-%5d|%-3s|%x %o %c %%\n' a 42 b 255 8 xyz; printf '%s\n' 1 2`, "", result{"a-   42|b  |ff 10 x %\n1\n2\n", "", 0}},
		{"echo flags", `echo -n a; echo -e 'b\tc'; echo 'd\n'`, "", result{"ab\tc\nd\\n\n", "", 0}},
		{"read", "read -r a b; echo \"$b|$a\"; read x; echo $x; read y || echo eof", "1 2 3\nsecond\n", result{"2 3|1\nsecond\neof\n", "", 0}},
		{"read loop", "while read l; do echo \"<$l>\"; done", "a\nb\n", result{"<a>\n<b>\n", "", 0}},
		{"test ops", "[ -f /etc/passwd ] && [ -d /etc ] && [ ! -e /nope ] && [ -n x -a -z '' ] && test 3 -ge 2 -o 1 = 2 && [ -s /etc/hostname ] && [ -x /bin/sh ] && echo ok", "", result{"ok\n", "", 0}},
		{"heads tails", "seq 1 10 | head -n 3; seq 10 | tail -n 2; seq 3 | tail -n +2; echo abcdef | head -c 3; echo", "", result{"1\n2\n3\n9\n10\n2\n3\nabc\n", "", 0}},
		{"wc", "printf 'a b\\nc\\n' > /tmp/w; wc -l < /tmp/w; wc -c /tmp/w", "", result{"2\n      6 /tmp/w\n", "", 0}},
		{"grep", "printf 'Foo\\nbar\\nfoo bar\\n' > /tmp/g; grep foo /tmp/g; grep -i -c foo /tmp/g; grep -v -n foo /tmp/g; grep -q zzz /tmp/g; echo $?; grep 'o\\{2\\}' /tmp/g | wc -l", "", result{"foo bar\n2\n1:Foo\n2:bar\n1\n2\n", "", 0}},
		{"files", "mkdir -p /a/b && cd /a/b && touch f && cp f g && mv g h && ln -s h l && readlink l && ls && cd .. && rm -r b && ls /a | wc -l; mkdir /a; rm /nope", "", result{"h\nf\nh\nl\n0\n", "mkdir: can't create directory '/a': File exists\nrm: can't remove '/nope': No such file or directory\n", 1}},
		{"basename dirname", "basename /a/b.txt .txt; dirname /a/b.txt", "", result{"b\n/a\n", "", 0}},
		{"trap exit", "trap 'echo bye' EXIT; echo hi", "", result{"hi\nbye\n", "", 0}},
		{"set -e", "set -e; echo a; false; echo b", "", result{"a\n", "", 1}},
		{"set -u", "set -u; echo $nope", "", result{"", "sh: nope: parameter not set\n", 2}},
		{"eval", "cmd='echo evaled'; eval $cmd; eval 'x=5'; echo $x", "", result{"evaled\n5\n", "", 0}},
		{"background wait", "sleep 0.05 & echo started; wait $!; echo done $?", "", result{"started\ndone 0\n", "", 0}},
		{"command -v", "command -v sh; command -v echo; type cat", "", result{"/bin/sh\necho\ncat is /bin/cat\n", "", 0}},
		{"syntax error", "if true; then", "", result{"", "sh: syntax error: unexpected end of file\n", 2}},
		{"exec redirect", "exec 2>/tmp/err; ls /nope; echo $?; exec 2>&1; cat /tmp/err", "", result{"1\nls: /nope: No such file or directory\n", "", 0}},
		{"cat onto itself ends", "echo x > /tmp/f; cat /tmp/f >> /tmp/f &  sleep 0.05; kill -9 1", "", result{"", "", 137}},
		{"exec program", "exec echo replaced; echo never", "", result{"replaced\n", "", 0}},
		{"heredoc", "x=1; cat <<EOF\nv=$x $((x+1))\n  keep\nEOF\ncat <<-'E'\n\tno $x\n\tE\necho after", "", result{"v=1 2\n  keep\nno $x\nafter\n", "", 0}},
		{"heredoc in loop", "for i in a b; do wc -l <<X\n$i\n$i\nX\ndone", "", result{"2\n2\n", "", 0}},
		{"heredoc unterminated", "cat <<EOF\nabc", "", result{"", "sh: syntax error: here-document delimited by end of file (wanted \"EOF\")\n", 2}},
		{"env sorted", "env -i A=1 B=2 env", "", result{"A=1\nB=2\n", "", 0}},
		{"tr sort uniq", "echo hello | tr a-z A-Z; printf 'b\\na\\nb\\n' | sort -r | uniq -c", "", result{"HELLO\n      2 b\n      1 a\n", "", 0}},
		{"yes head", "yes | head -n 2", "", result{"y\ny\n", "", 0}},
		{"find", "mkdir -p /f/d; touch /f/a /f/d/b; find /f -type f; find /f -name 'd*'", "", result{"/f/a\n/f/d/b\n/f/d\n", "", 0}},
		{"exit in func and subshell", "f() { exit 6; }; (f); echo $?; f; echo unreachable", "", result{"6\n", "", 6}},
		{"utf-8 kept", "x=ü; echo grüße 'ü' \"ü\" $x \\ü \"\\ü\" ${x}ß", "", result{"grüße ü ü ü ü \\ü üß\n", "", 0}},
		{"utf-8 bytes", "echo grüße ü | wc -c", "", result{"11\n", "", 0}},
		{"local function recursion guard", "f() { f; }; f; echo $?", "", result{"", "", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, busybox(t), sh(tt.script), tt.stdin, nil)
			if tt.name == "local function recursion guard" {
				assert.Contains(t, got.err, "nesting too deep", "deep recursion: %+v", got)
				return
			}
			assert.Equal(t, tt.want, got, "script %q", tt.script)
		})
	}
}

func TestArgvDirect(t *testing.T) {
	f := busybox(t)
	assert.Equal(t, result{"in\n", "", 0}, run(t, f, []string{"cat"}, "in\n", nil), "cat")
	assert.Equal(t, result{"a b\n", "", 0}, run(t, f, []string{"/bin/echo", "a", "b"}, "", nil), "/bin/echo")
	got := run(t, f, []string{"nope"}, "", nil)
	assert.Equal(t, 127, got.code, "nope: exit code")
	assert.Equal(t, "sh: nope: not found\n", got.err, "nope: stderr")
	got = run(t, f, []string{"env"}, "", func(c *Config) { c.Env = []string{"Z=1", "A=2"} })
	assert.Equal(t, "A=2\nZ=1\n", got.out, "env")
	custom := map[string]Program{"greet": func(ctx context.Context, p *Proc) int {
		io.WriteString(p.Stdout, "hello "+p.Args[1]+" in "+p.Dir+"\n")
		return 5
	}}
	got = run(t, f, sh("greet you; echo $?"), "", func(c *Config) { c.Programs = custom; c.Dir = "/tmp" })
	assert.Equal(t, result{"hello you in /tmp\n5\n", "", 0}, got, "custom program")
}

func TestLookPath(t *testing.T) {
	f := busybox(t)
	_ = f.WriteFile("/tmp/plain", nil, 0o644)
	cfg := Config{FS: f, Env: []string{"PATH=/usr/bin:/bin"}, Programs: map[string]Program{"custom": nil}}
	tests := []struct {
		name, want string
		err        error
	}{
		{"sh", "/bin/sh", nil},
		{"/bin/cat", "/bin/cat", nil},
		{"custom", "custom", nil},
		{"nope", "", ErrNotFound},
		{"/tmp/plain", "", ErrNotFound},
		{"/bin", "", ErrNotFound},
	}
	for _, tt := range tests {
		got, err := cfg.LookPath(tt.name)
		assert.Equal(t, tt.want, got, "LookPath(%q)", tt.name)
		if tt.err == nil {
			assert.NoError(t, err, "LookPath(%q)", tt.name)
		} else {
			assert.ErrorIs(t, err, tt.err, "LookPath(%q)", tt.name)
		}
	}
}

func TestReadOnlyFS(t *testing.T) {
	f := busybox(t)
	f.SetReadOnly(true)
	tmp := memfs.New()
	require.NoError(t, f.Mount("/tmp", tmp, false))
	got := run(t, f, sh("touch /x; echo hi > /y; echo ok > /tmp/z; cat /tmp/z"), "", nil)
	assert.Equal(t, result{"ok\n", "touch: /x: Read-only file system\nsh: can't create /y: Read-only file system\n", 0}, got)
}

func startBg(t *testing.T, argv []string, mod func(*Config)) (*Process, *syncBuffer, context.CancelFunc) {
	t.Helper()
	var out syncBuffer
	cfg := Config{FS: busybox(t), Stdout: &out, Stderr: &out}
	if mod != nil {
		mod(&cfg)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	return Start(ctx, argv, cfg), &out, cancel
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		require.False(t, time.Now().After(deadline), "condition not met in time")
		time.Sleep(5 * time.Millisecond)
	}
}

func waitCode(t *testing.T, p *Process) int {
	t.Helper()
	select {
	case <-p.Done():
		return p.Wait()
	case <-time.After(5 * time.Second):
		require.FailNow(t, "process did not end")
		return -1
	}
}

func TestSignals(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("trap TERM", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.1; done"), nil)
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 0, waitCode(t, p), "exit code")
		assert.Equal(t, "ready\nbye\n", out.String())
	})
	t.Run("trap interrupts long sleep", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("trap 'echo got; exit 3' INT; echo ready; sleep 100"), nil)
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
		p.Signal(syscall.SIGINT)
		assert.Equal(t, 3, waitCode(t, p), "exit code")
		assert.Equal(t, "ready\ngot\n", out.String())
	})
	t.Run("untrapped TERM", func(t *testing.T) {
		p, _, cancel := startBg(t, []string{"sleep", "100"}, nil)
		defer cancel()
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 143, waitCode(t, p), "exit code")
	})
	t.Run("PID1 ignores TERM, not KILL", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("echo ready; sleep 100"), func(c *Config) { c.PID1 = true })
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
		p.Signal(syscall.SIGTERM)
		select {
		case <-p.Done():
			require.FailNow(t, "PID 1 died of an untrapped SIGTERM")
		case <-time.After(100 * time.Millisecond):
		}
		p.Signal(syscall.SIGKILL)
		assert.Equal(t, 137, waitCode(t, p), "exit code")
	})
	t.Run("ash -c catches INT, even as PID 1", func(t *testing.T) {
		// busybox ash running -c catches SIGINT and exits 130 once its
		// foreground command is over (dockerd: a kill -s INT of such a
		// container ends it with 130; one of `sleep 300` is ignored).
		p, out, cancel := startBg(t, sh("echo ready; while :; do sleep 0.1; done"), func(c *Config) { c.PID1 = true })
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
		p.Signal(syscall.SIGINT)
		assert.Equal(t, 130, waitCode(t, p), "exit code")

		q, _, cancelQ := startBg(t, []string{"sleep", "100"}, func(c *Config) { c.PID1 = true })
		defer cancelQ()
		q.Signal(syscall.SIGINT)
		select {
		case <-q.Done():
			require.FailNow(t, "a PID 1 sleep died of SIGINT")
		case <-time.After(100 * time.Millisecond):
		}
		q.Signal(syscall.SIGKILL)
		assert.Equal(t, 137, waitCode(t, q), "exit code")
	})
	t.Run("sh runs stdin's commands as they come", func(t *testing.T) {
		// dockerode's attach test: an exit sent on a stdin that stays
		// open ends the shell, each line runs when it has come
		pr, pw := io.Pipe()
		defer pw.Close()
		p, out, cancel := startBg(t, []string{"sh"}, func(c *Config) { c.Stdin = pr })
		defer cancel()
		_, err := pw.Write([]byte("echo one\nif true\n"))
		require.NoError(t, err)
		waitFor(t, func() bool { return out.String() == "one\n" })
		_, err = pw.Write([]byte("then echo two; fi\nexit 7\n"))
		require.NoError(t, err)
		assert.Equal(t, 7, waitCode(t, p), "exit code")
		assert.Equal(t, "one\ntwo\n", out.String())
	})
	t.Run("ignored trap", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("trap '' TERM; echo ready; sleep 0.2; echo survived"), nil)
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 0, waitCode(t, p), "exit code")
		assert.Contains(t, out.String(), "survived")
	})
	t.Run("stdin EOF ends cat, streaming", func(t *testing.T) {
		pr, pw := io.Pipe()
		p, out, cancel := startBg(t, []string{"cat"}, func(c *Config) { c.Stdin = pr })
		defer cancel()
		pw.Write([]byte("chunk1\n"))
		waitFor(t, func() bool { return out.String() == "chunk1\n" })
		pw.Close()
		assert.Equal(t, 0, waitCode(t, p), "exit code")
	})
	t.Run("trap interrupts read", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		p, out, cancel := startBg(t, sh("trap 'echo hup; exit 5' HUP; echo ready; read line; echo no"), func(c *Config) { c.Stdin = pr })
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
		p.Signal(syscall.SIGHUP)
		assert.Equal(t, 5, waitCode(t, p), "exit code")
		assert.Equal(t, "ready\nhup\n", out.String())
	})
	t.Run("keep-alive idioms", func(t *testing.T) {
		for _, script := range []string{"sleep infinity", "tail -f /dev/null", "trap 'exit 0' TERM; sleep inf & wait"} {
			p, _, cancel := startBg(t, sh(script), nil)
			select {
			case <-p.Done():
				assert.Fail(t, "ended by itself", "%q", script)
			case <-time.After(50 * time.Millisecond):
			}
			p.Signal(syscall.SIGTERM)
			assert.Contains(t, []int{143, 0}, waitCode(t, p), "%q: exit code", script)
			cancel()
		}
	})
	t.Run("tail -f follows appends", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("echo one > /tmp/log; (sleep 0.15; echo two >> /tmp/log) & tail -f /tmp/log"), nil)
		defer cancel()
		waitFor(t, func() bool { return out.String() == "one\ntwo\n" })
		p.Signal(syscall.SIGKILL)
		waitCode(t, p)
	})
	t.Run("output streams before exit", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("echo x; sleep 5; echo y"), nil)
		defer cancel()
		waitFor(t, func() bool { return out.String() == "x\n" })
		p.Signal(syscall.SIGKILL)
		waitCode(t, p)
	})
	t.Run("pause resume", func(t *testing.T) {
		p, out, cancel := startBg(t, sh("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; sleep 0.05; done"), nil)
		defer cancel()
		waitFor(t, func() bool { return strings.Contains(out.String(), "1") })
		p.Pause()
		time.Sleep(50 * time.Millisecond)
		frozen := out.String()
		time.Sleep(200 * time.Millisecond)
		assert.Equal(t, frozen, out.String(), "output changed while paused")
		p.Resume()
		assert.Equal(t, 0, waitCode(t, p), "exit code")
		assert.Equal(t, "1\n2\n3\n", out.String())
	})
	t.Run("kill a blocked pipeline", func(t *testing.T) {
		pr, _ := io.Pipe()
		p, _, cancel := startBg(t, sh("cat | cat | yes >/dev/null"), func(c *Config) { c.Stdin = pr })
		defer cancel()
		time.Sleep(20 * time.Millisecond)
		p.Signal(syscall.SIGKILL)
		assert.Equal(t, 137, waitCode(t, p), "exit code")
		pr.Close()
	})
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before })
}

func TestStepBudget(t *testing.T) {
	p, _, cancel := startBg(t, sh("while :; do :; done"), func(c *Config) { c.StepBudget = 1000 })
	defer cancel()
	assert.Equal(t, BudgetExitCode, waitCode(t, p), "exit code")
	assert.Equal(t, ErrStepBudget, p.Err())
}

func BenchmarkEchoLoop(b *testing.B) {
	f := busybox(b)
	b.ReportAllocs()
	for b.Loop() {
		p := Start(b.Context(), sh("for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; done | wc -l"), Config{FS: f})
		require.Zero(b, p.Wait(), "exit code")
	}
}

func BenchmarkParse(b *testing.B) {
	src := `for i in 1 2 3; do case $i in 1|2) echo "a $i" | wc -c;; *) x=$((i*2)); echo ${x:-0} >&2;; esac; done`
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		_, err := Parse(src)
		require.NoError(b, err)
	}
}

func BenchmarkCatPipe(b *testing.B) {
	f := busybox(b)
	data := bytes.Repeat([]byte("0123456789abcdef\n"), 1<<16)
	require.NoError(b, f.WriteFile("/tmp/big", data, 0o644))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		p := Start(b.Context(), sh("cat /tmp/big | cat"), Config{FS: f, Stdout: io.Discard})
		require.Zero(b, p.Wait(), "exit code")
	}
}

// TestSyntaxErrors: ash's wording of what it cannot parse or evaluate,
// each exit 2 (taken from busybox 1.35's ash).
func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ script, want string }{
		{"if then fi", `unexpected "then"`},
		{"if true; then fi", `unexpected "fi"`},
		{"if true; then :; else fi", `unexpected "fi"`},
		{"while do done", `unexpected "do"`},
		{"until :; do done", `unexpected "done"`},
		{"for x in; do done", `unexpected "done"`},
		{"{ }", `unexpected "}"`},
		{"( )", `unexpected ")"`},
		{"f() { }", `unexpected "}"`},
		{"echo `abc", "EOF in backquote substitution"},
		{"echo ${abc", "missing '}'"},
		{"echo $((1+", "missing '))'"},
		{"echo $(echo", `unexpected end of file (expecting ")")`},
		{"case", "unexpected end of file (expecting word)"},
		{"for", "bad for loop variable"},
		{"for 1 in a; do :; done", "bad for loop variable"},
	}
	for _, tt := range tests {
		got := run(t, busybox(t), sh(tt.script), "", nil)
		assert.Equal(t, result{"", "sh: syntax error: " + tt.want + "\n", 2}, got, "%q", tt.script)
	}
	arith := []struct{ script, out, err string }{
		{"echo $((1/0))", "", "sh: divide by zero\n"},
		{"echo $((1 + ))", "", "sh: arithmetic syntax error\n"},
		{"echo $((1 ? 2))", "", "sh: malformed ?: operator\n"},
		{"echo $((2**3**2)) $((-2**2))", "512 4\n", ""},
		{"x=y; y=3; echo $((x*2)) $((z+1))", "6 1\n", ""},
		{"x=x; echo $((x))", "", "sh: expression recursion loop detected\n"},
		{"i=1; echo $((i++)) $i $((++i)) $((i--)) $((--i))", "1 2 3 3 1\n", ""},
	}
	for _, tt := range arith {
		got := run(t, busybox(t), sh(tt.script), "", nil)
		assert.Equal(t, tt.out, got.out, "%q", tt.script)
		assert.Equal(t, tt.err, got.err, "%q", tt.script)
	}
}

// TestBinaryIsNeverAScript: a binary runs the applet it is named for; a
// link to busybox for an applet the shell lacks, or any other binary, fails
// as a missing command (127), never as a script with a syntax error.
func TestBinaryIsNeverAScript(t *testing.T) {
	f := busybox(t)
	require.NoError(t, f.Link("/bin/busybox", "/bin/vi"))
	require.NoError(t, f.WriteFile("/tmp/prog", []byte("\x7fELF\x02\x01\x01\x00(junk) { ]\n"), 0o755))
	require.NoError(t, f.WriteFile("/tmp/nul", []byte("a\x00b (\n"), 0o755))
	require.NoError(t, f.WriteFile("/tmp/script", []byte("echo plain script $1\n"), 0o755))
	require.NoError(t, f.WriteFile("/tmp/bang", []byte("#!/bin/sh\necho shebang $0\n"), 0o755))
	require.NoError(t, f.Symlink("/bin/busybox", "/tmp/cat"))
	tests := []struct {
		argv []string
		want result
	}{
		{sh("vi /etc/hostname; echo $?"), result{"127\n", "sh: vi: not found\n", 0}},
		{sh("/bin/vi x"), result{"", "sh: /bin/vi: not found\n", 127}},
		{sh("/tmp/prog"), result{"", "sh: /tmp/prog: not found\n", 127}},
		{sh("/tmp/nul"), result{"", "sh: /tmp/nul: not found\n", 127}},
		{sh("/tmp/script a; /tmp/bang"), result{"plain script a\nshebang /tmp/bang\n", "", 0}},
		{sh("echo hi | /tmp/cat"), result{"hi\n", "", 0}},
		{[]string{"vi"}, result{"", "sh: vi: not found\n", 127}},
		{[]string{"/tmp/prog", "x"}, result{"", "sh: /tmp/prog: not found\n", 127}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, run(t, f, tt.argv, "", nil), "%q", tt.argv)
	}
	cfg := Config{FS: f}
	for _, name := range []string{"vi", "/bin/vi", "/tmp/prog"} {
		_, err := cfg.LookPath(name)
		assert.ErrorIs(t, err, ErrNotFound, "LookPath(%q)", name)
	}
	for _, name := range []string{"cat", "/tmp/cat", "/tmp/script", "/tmp/bang"} {
		_, err := cfg.LookPath(name)
		assert.NoError(t, err, "LookPath(%q)", name)
	}
}

// TestForkedProgramIsNamed holds that a pipeline stage or background job
// whose program is known joins the PID namespace already named for it:
// ps in the first stage, running alongside, never finds the second stage
// as the "sh" about to run sort. Before the fix one run in a few showed
// "sh"; the loop makes that certain to show.
func TestForkedProgramIsNamed(t *testing.T) {
	for i := range 50 {
		got := run(t, busybox(t), sh("ps -o comm | sort; ps -o comm,args | sort"), "", nil)
		want := "COMMAND\nps\nsh\nsort\n" +
			"COMMAND          COMMAND\n" +
			"ps               {ps} sh -c ps -o comm | sort; ps -o comm,args | sort\n" +
			"sh               sh -c ps -o comm | sort; ps -o comm,args | sort\n" +
			"sort             {sort} sh -c ps -o comm | sort; ps -o comm,args | sort\n"
		require.Equal(t, result{want, "", 0}, got, "run %d", i)
	}
}

// TestSpawnedNoexecAppletKeepsCommandLine: a NOEXEC applet the shell runs
// in a child of its own is "{ps} <the shell's command line>" from the
// moment it exists, as busybox's forked child that runs it without exec.
func TestSpawnedNoexecAppletKeepsCommandLine(t *testing.T) {
	got := run(t, busybox(t), sh("ps -o comm,args; echo done"), "", nil)
	assert.Equal(t, result{"COMMAND          COMMAND\n" +
		"sh               sh -c ps -o comm,args; echo done\n" +
		"ps               {ps} sh -c ps -o comm,args; echo done\n" +
		"done\n", "", 0}, got)
}

func TestPingHostsNames(t *testing.T) {
	f := busybox(t)
	require.NoError(t, f.WriteFile("/etc/hosts", []byte("127.0.0.1\tlocalhost\n172.18.0.5\tc0ffee\n127.0.0.2\tbuildhost # --add-host\n10.9.9.9\tpeer alias\n"), 0o644))
	got := run(t, f, sh("ping -c1 buildhost; ping -q -c1 ALIAS; ping -c1 c0ffee >/dev/null && echo own; ping -c1 nosuch; echo $?"), "", nil)
	assert.Equal(t, result{
		"PING buildhost (127.0.0.2): 56 data bytes\n" +
			"64 bytes from 127.0.0.2: seq=0 ttl=64 time=0.045 ms\n\n" +
			"--- buildhost ping statistics ---\n" +
			"1 packets transmitted, 1 packets received, 0% packet loss\n" +
			"round-trip min/avg/max = 0.045/0.045/0.045 ms\n" +
			"PING ALIAS (10.9.9.9): 56 data bytes\n\n" +
			"--- ALIAS ping statistics ---\n" +
			"1 packets transmitted, 1 packets received, 0% packet loss\n" +
			"round-trip min/avg/max = 0.045/0.045/0.045 ms\n" +
			"own\n1\n",
		"ping: bad address 'nosuch'\n", 0}, got)
}

func TestPingNoReplyEndsWithDeadlineOrKill(t *testing.T) {
	got := run(t, busybox(t), sh("ping -w 1 10.1.2.3; echo $?; ping -w 1 -i 0.3 127.0.0.1 | tail -n 2"), "", nil)
	assert.Equal(t, result{"PING 10.1.2.3 (10.1.2.3): 56 data bytes\n\n" +
		"--- 10.1.2.3 ping statistics ---\n" +
		"1 packets transmitted, 0 packets received, 100% packet loss\n1\n" +
		"4 packets transmitted, 4 packets received, 0% packet loss\n" +
		"round-trip min/avg/max = 0.045/0.045/0.045 ms\n", "", 0}, got)
	p, out, cancel := startBg(t, sh("ping 127.0.0.1"), nil)
	defer cancel()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "seq=0") }, 5*time.Second, 10*time.Millisecond)
	p.Signal(syscall.SIGTERM)
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		require.Fail(t, "ping did not end on SIGTERM")
	}
	assert.Equal(t, 128+int(syscall.SIGTERM), p.Wait())
}

func TestParseInetAton(t *testing.T) {
	for in, want := range map[string]string{
		"127.1": "127.0.0.1", "10.0.0.1": "10.0.0.1", "0x7f.1": "127.0.0.1", "010.0.0.1": "8.0.0.1",
		"2130706433": "127.0.0.1", "1.2.65535": "1.2.255.255",
	} {
		a, ok := parseInetAton(in)
		if assert.True(t, ok, in) {
			assert.Equal(t, want, a.String(), in)
		}
	}
	for _, in := range []string{"", "1.2.3.4.5", "256.1", "1.2.65536", "1_0.0.0.1", "a.b", "1..2", "+1.2", "09.1"} {
		_, ok := parseInetAton(in)
		assert.False(t, ok, in)
	}
}
