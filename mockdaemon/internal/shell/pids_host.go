package shell

import "time"

// A ProcessInfo is one process of a PID namespace as the host sees it
// (docker top runs the host's ps).
type ProcessInfo struct {
	PID, PPID int // in the namespace; the first process is PID 1 with PPID 0
	UID       int
	// Args is its command line; a busybox NOEXEC applet runs in a forked
	// shell without exec, so the host sees its parent's command line.
	Args  []string
	TTY   bool
	Start time.Time
}

// Processes lists the namespace's processes by PID.
func (ns *PIDs) Processes() []ProcessInfo {
	tasks := ns.list()
	args := make(map[int][]string, len(tasks))
	for _, t := range tasks {
		args[t.pid] = t.args
	}
	out := make([]ProcessInfo, 0, len(tasks))
	for _, t := range tasks {
		a := t.args
		if pa, ok := args[t.ppid]; t.noexec && ok {
			a = pa
		}
		out = append(out, ProcessInfo{PID: t.pid, PPID: t.ppid, UID: t.uid, Args: a, TTY: t.tty >= 0, Start: t.start})
	}
	return out
}
