package mockdaemon

import (
	"context"
	"fmt"
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
	uid, gid, _ := lookupUser(spec.FS, spec.User) // checkStart reported a failure
	stdin := spec.Stdin
	if _, none := stdin.(eofReader); none {
		stdin = nil // runc gives a process without stdin /dev/null
	}
	p := shell.Start(context.Background(), spec.Argv, shell.Config{
		FS:        spec.FS,
		Env:       spec.Env,
		Dir:       spec.Dir,
		Stdin:     stdin,
		Stdout:    spec.Stdout,
		Stderr:    spec.Stderr,
		Hostname:  spec.Hostname,
		MountInfo: spec.MountInfo,
		UID:       uid,
		GID:       gid,
		GroupAdd:  groupAdd(spec.FS, spec.GroupAdd),
		TTY:       spec.TTY,
		PID1:      spec.PID1 && !spec.Init,
		Init:      spec.Init,
		PIDs:      spec.PIDs,
		Net:       spec.Net,
		Rlimits:   spec.Ulimits,
		TermSize:  spec.TermSize,
	})
	return shellProc{p}
}

// lookupUser resolves a process's user ("name", "uid", "name:group",
// "uid:gid"...; "" is root) against the container's /etc/passwd and
// /etc/group as runc's user.GetExecUser does: a name must have an entry, a
// number needs none, and the group is the user's unless one is given. The
// error is dockerd's ("unable to find user x: no matching entries in
// passwd file").
func lookupUser(f *memfs.FS, user string) (uid, gid int, err error) {
	u, g, _ := strings.Cut(user, ":")
	if u != "" {
		pw, id, ok := findID(f, "/etc/passwd", u)
		if !ok {
			return 0, 0, fmt.Errorf("unable to find user %s: no matching entries in passwd file", u)
		}
		uid = id
		if pw != nil {
			gid, _ = strconv.Atoi(pw[3])
		}
	} else if pw := lookupDB(f, "/etc/passwd", func(fields []string) bool { return fields[2] == "0" }); pw != nil {
		gid, _ = strconv.Atoi(pw[3])
	}
	if g != "" {
		_, id, ok := findID(f, "/etc/group", g)
		if !ok {
			return 0, 0, fmt.Errorf("unable to find group %s: no matching entries in group file", g)
		}
		gid = id
	}
	return uid, gid, nil
}

// groupAdd resolves HostConfig.GroupAdd against the container's
// /etc/group as runc does: a name by its entry, a number as it is (one
// that does not resolve is left out: dockerd refused the start).
func groupAdd(f *memfs.FS, groups []string) []int {
	var out []int
	for _, g := range groups {
		if _, id, ok := findID(f, "/etc/group", g); ok {
			out = append(out, id)
		}
	}
	return out
}

// findID finds s, a name or a number, in an /etc/passwd-like file: the
// entry that has it and its id, or for a number no entry has, the number;
// ok is false for a name no entry has.
func findID(f *memfs.FS, file, s string) (entry []string, id int, ok bool) {
	n, numErr := strconv.Atoi(s)
	entry = lookupDB(f, file, func(fields []string) bool {
		if numErr == nil {
			return fields[2] == s || fields[2] == strconv.Itoa(n)
		}
		return fields[0] == s
	})
	switch {
	case entry != nil:
		id, _ = strconv.Atoi(entry[2])
		return entry, id, true
	case numErr == nil && n >= 0:
		return nil, n, true
	}
	return nil, 0, false
}

// lookupDB returns the fields of the first line of an /etc/passwd-like
// file (at least 4 fields) that match accepts; nil when there is none or
// no such file.
func lookupDB(f *memfs.FS, file string, match func([]string) bool) []string {
	if f == nil {
		return nil
	}
	b, err := f.ReadFile(file)
	if err != nil {
		return nil
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) >= 4 && match(fields) {
			return fields
		}
	}
	return nil
}

// startFailure is why a process cannot start. daemon is set when dockerd
// itself refused, before the runtime and the logger (the user or group
// does not resolve, a link's peer is not running): its message goes to
// the client as it is, a 500. Otherwise runc refused, with msg in its words
// ("exec: \"x\": executable file not found in $PATH") and the exit code
// dockerd records; system is set for a runc error dockerd passes on as a
// 500 (a mount it cannot make) rather than the 400 of a program that
// cannot run.
type startFailure struct {
	daemon bool
	system bool
	msg    string
	code   int
}

// checkStart reports why spec could not start, or nil. The working
// directory is checked only for an exec: a container's start makes it.
func checkStart(spec procSpec, exec bool) *startFailure {
	if _, _, err := lookupUser(spec.FS, spec.User); err != nil {
		return &startFailure{daemon: true, msg: err.Error()}
	}
	if exec && spec.FS != nil {
		if fi, err := spec.FS.Stat(spec.Dir); err != nil {
			return &startFailure{msg: "chdir to cwd (" + strconv.Quote(spec.Dir) + ") set in config.json failed: no such file or directory", code: 126}
		} else if !fi.IsDir() {
			return &startFailure{msg: "chdir to cwd (" + strconv.Quote(spec.Dir) + ") set in config.json failed: not a directory", code: 126}
		}
	}
	argv0 := ""
	if len(spec.Argv) > 0 {
		argv0 = spec.Argv[0]
	}
	if msg, code := lookProgram(spec.FS, spec.Env, spec.Dir, argv0); msg != "" {
		return &startFailure{msg: msg, code: code}
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
