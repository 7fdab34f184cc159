package mockdaemon

import (
	"context"
	"strconv"
	"strings"
	"syscall"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

func init() { startProc = startShell }

// shellProc adapts a shell.Process to proc.
type shellProc struct{ p *shell.Process }

func (s shellProc) Signal(sig int)        { s.p.Signal(syscall.Signal(sig)) }
func (s shellProc) Done() <-chan struct{} { return s.p.Done() }
func (s shellProc) ExitCode() int         { return s.p.Wait() }
func (s shellProc) Pause()                { s.p.Pause() }
func (s shellProc) Resume()               { s.p.Resume() }

// startShell runs a process with the mock's shell interpreter.
func startShell(spec procSpec) proc {
	uid, gid := resolveUser(spec.FS, spec.User)
	p := shell.Start(context.Background(), spec.Argv, shell.Config{
		FS:       spec.FS,
		Env:      spec.Env,
		Dir:      spec.Dir,
		Stdin:    spec.Stdin,
		Stdout:   spec.Stdout,
		Stderr:   spec.Stderr,
		Hostname: spec.Hostname,
		UID:      uid,
		GID:      gid,
		PID1:     spec.PID1 && !spec.Init,
	})
	return shellProc{p}
}

// resolveUser turns "uid[:gid]" or "name[:group]" into numbers through
// /etc/passwd and /etc/group; unknown names are root.
func resolveUser(f *memfs.FS, user string) (int, int) {
	if user == "" {
		return 0, 0
	}
	u, g, hasG := strings.Cut(user, ":")
	uid, gid := 0, 0
	if n, err := strconv.Atoi(u); err == nil {
		uid = n
		gid = n
		if pw := lookupDB(f, "/etc/passwd", func(fields []string) bool { return fields[2] == u }); pw != nil {
			gid, _ = strconv.Atoi(pw[3])
		}
	} else if pw := lookupDB(f, "/etc/passwd", func(fields []string) bool { return fields[0] == u }); pw != nil && len(pw) > 3 {
		uid, _ = strconv.Atoi(pw[2])
		gid, _ = strconv.Atoi(pw[3])
	}
	if hasG {
		if n, err := strconv.Atoi(g); err == nil {
			gid = n
		} else if gr := lookupDB(f, "/etc/group", func(fields []string) bool { return fields[0] == g }); gr != nil {
			gid, _ = strconv.Atoi(gr[2])
		}
	}
	return uid, gid
}

func lookupDB(f *memfs.FS, file string, match func([]string) bool) []string {
	if f == nil {
		return nil
	}
	b, err := f.ReadFile(file)
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) >= 4 && match(fields) {
			return fields
		}
	}
	return nil
}

// lookProgram reports why runc could not exec argv0 for a process started
// with env in dir on f, as dockerd words it ("exec: \"x\": executable file
// not found in $PATH"), with the exit code dockerd records (127 for a
// missing program, 126 for one that cannot be executed); "" when it can be.
func lookProgram(f *memfs.FS, env []string, dir, argv0 string) (msg string, code int) {
	if f == nil {
		return "", 0
	}
	q := strconv.Quote(argv0)
	if !strings.Contains(argv0, "/") {
		if _, err := (shell.Config{FS: f, Env: env, Dir: dir}).LookPath(argv0); err != nil {
			return "exec: " + q + ": executable file not found in $PATH", 127
		}
		return "", 0
	}
	p := argv0
	if !strings.HasPrefix(p, "/") {
		p = strings.TrimSuffix(dir, "/") + "/" + p
	}
	fi, err := f.Stat(p)
	if err != nil {
		return "exec: " + q + ": stat " + argv0 + ": no such file or directory", 127
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return "exec: " + q + ": permission denied", 126
	}
	if _, err := (shell.Config{FS: f, Env: env, Dir: dir}).LookPath(p); err != nil {
		// a binary the mock cannot run (an applet it lacks) is missing
		return "exec: " + q + ": stat " + argv0 + ": no such file or directory", 127
	}
	return "", 0
}
