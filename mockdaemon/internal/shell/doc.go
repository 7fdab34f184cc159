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
// produced. A StepBudget bounds the work a script may do, so fuzzed scripts
// such as `while :; do :; done` end.
//
// # Concurrency
//
// A Process runs in its own goroutines (one per pipeline stage and
// background job); its methods may be called from any goroutine. The
// Stdout and Stderr writers are never written to concurrently.
package shell
