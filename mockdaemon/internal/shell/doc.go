// Package shell is the mock daemon's container process: a small POSIX sh
// (parser and interpreter) and busybox-like applets, all running over a
// memfs filesystem.
//
// Start runs an argv the way a container's entrypoint runs: ["sh", "-c",
// "echo hi"], ["cat"], ["/bin/sleep", "100"]. Commands are found as a shell
// finds them: functions, builtins (echo, printf, read, test, trap, wait...),
// registered Programs, then applets and scripts on $PATH in the filesystem
// (InstallBusybox lays out /bin like the busybox image). An unknown command
// exits with 127 and "sh: foo: not found", as busybox ash says it.
//
// The language: ; && || & | ! { } ( ), if/elif/else, while/until, for,
// case, functions with return, parameters ($? $$ $# $0 $1 $@ $* $! ${x:-y}
// ${x:=y} ${x:+y} ${x:?y} ${#x} ${x#p} ${x%p}), $(...) and backquotes,
// $((...)), quoting, IFS field splitting, globbing against the filesystem,
// redirections (< > >> 2> 2>&1 >&2, /dev/null, /dev/stdout, /dev/stderr)
// here-documents (<< and <<-, unexpanded with a quoted delimiter) and
// NAME=value prefixes.
//
// Signals follow Linux: see Process.Signal. Output is written as it is
// produced.
//
// # Processes and files
//
// The processes of a PID namespace (PIDs) are one table that ps, top,
// kill and the container's /proc read: each has /proc/<pid> (cmdline,
// comm, status, stat, environ, the cwd, exe and root links, fd/), made
// when it is looked up, and /proc/self is the reader's own. Config.Init
// runs the command under docker-init as PID 1. A process of a user other
// than root works on its user's view of the filesystem (memfs.FS.As), so
// the kernel's permission checks hold; named pipes (mkfifo) block their
// opens until the other end comes, or the process is killed. A StepBudget bounds the work a script may do, so fuzzed scripts
// such as `while :; do :; done` end.
//
// # Concurrency
//
// A Process runs in its own goroutines (one per pipeline stage and
// background job); its methods may be called from any goroutine. The
// Stdout and Stderr writers are never written to concurrently.
package shell
