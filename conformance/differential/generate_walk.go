package differential

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// A walk's container runs one of these programs; each reacts to signals in
// its own way, which is what a lifecycle operation shows.
type walkProg int

const (
	// progSleep is `sleep 300` as the container's PID 1: the kernel drops
	// a signal PID 1 has no handler for, so only SIGKILL ends it (a stop
	// waits out its timeout, then kills: 137).
	progSleep walkProg = iota
	// progTrap is a shell that traps SIGTERM (echoes, exits 3); other
	// catchable signals are dropped as for any PID 1.
	progTrap
	// progInit is `sleep 300` under the daemon's init (HostConfig.Init):
	// not PID 1, so a signal's default action ends it (128+signal).
	progInit
)

type walkState int

const (
	wCreated walkState = iota
	wRunning
	wPaused
	wExited
)

// walkSignal is a signal a walk may send, with its number (0: not a
// signal the daemon accepts).
type walkSignal struct {
	name string
	num  int
}

var walkSignals = []walkSignal{
	{"SIGKILL", 9}, {"KILL", 9}, {"9", 9}, {"SIGTERM", 15}, {"TERM", 15},
	{"SIGUSR1", 10}, {"SIGHUP", 1}, {"sigint", 2}, {"NOSUCHSIG", 0}, {"99", 0},
}

// exitOn says whether prog ends on signal num, and with which code.
func (p walkProg) exitOn(num int) (bool, int) {
	switch {
	case num == 9:
		return true, 137
	case p == progTrap && num == 15:
		return true, 3
	case p == progInit:
		return true, 128 + num
	}
	return false, 0
}

// genWalk is a random walk through a container's lifecycle: start, stop,
// restart, kill with assorted signals, pause, unpause, rename, update,
// top, logs, changes, exec, archive HEAD, wait and remove, in whatever
// state the walk has reached, valid or not for that state; an inspect
// follows most operations. The walk keeps a model of the container's
// state so that it never waits on a running container (a wait that could
// not end) and knows when a kill ends the process (it then waits for it).
func genWalk(r *rand.Rand, i int) Sequence {
	seq := Sequence{Name: fmt.Sprintf("gen/walk/%03d", i), Class: "gen-lifecycle", Source: "gen"}
	prog := walkProg(r.IntN(3))
	cfg := map[string]any{"Image": "{{image}}", "Labels": labelsMark}
	host := map[string]any{}
	switch prog {
	case progSleep:
		cfg["Cmd"] = []string{"sleep", "300"}
	case progTrap:
		cfg["Cmd"] = []string{"sh", "-c", "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.1; done"}
	case progInit:
		cfg["Cmd"] = []string{"sleep", "300"}
		host["Init"] = true
	}
	// A stop without ?t= waits StopTimeout (10 s when unset) for a
	// program that ignores the signal: give the walk's container 1 s.
	cfg["StopTimeout"] = 1
	if chance(r, 0.2) {
		cfg["Tty"] = true
	}
	if len(host) > 0 {
		cfg["HostConfig"] = host
	}
	seq.Steps = append(seq.Steps, step("POST", "/containers/create?name={{name}}", body(cfg), "c", ".Id"))

	state, renamed := wCreated, 0
	inspect := func() {
		if chance(r, 0.7) {
			seq.Steps = append(seq.Steps, step("GET", "/containers/{{c}}/json", ""))
		}
	}
	// ended records that the process ended (or is ending) by itself: the
	// walk waits for it so the next step sees the exited state on both
	// daemons.
	ended := func() {
		seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/wait?condition=not-running", ""))
		state = wExited
	}
	// ?t=0 kills at once on dockerd, racing a program that acts on the
	// stop signal (its own exit code or 137): only for sleep, which
	// ignores it.
	stopT := func() string {
		if prog == progSleep {
			return pick(r, "", "?t=0", "?t=1")
		}
		return pick(r, "", "?t=1")
	}

	// settle gives a program that acts on signals the time to set up its
	// handling after a start (a shell its trap, the init its forwarding):
	// a signal before that meets a PID 1 that drops it, on dockerd only
	// when it is quick enough.
	settle := func() {
		if prog != progSleep {
			s := step("GET", "/containers/{{c}}/json", "")
			s.Pause = 300 * time.Millisecond
			seq.Steps = append(seq.Steps, s)
		}
	}
	for range 6 + r.IntN(8) {
		switch op := r.IntN(16); op {
		case 0, 1: // start
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/start", ""))
			if state == wCreated || state == wExited {
				state = wRunning
				settle()
			}
		case 2: // stop: synchronous, the container is stopped when it answers
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/stop"+stopT(), ""))
			if state == wRunning || state == wPaused {
				state = wExited // a paused container too (dockerd kills it after the timeout)
			}
		case 3: // restart
			if state == wPaused {
				continue
			}
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/restart"+stopT(), ""))
			state = wRunning
			settle()
		case 4, 5: // kill
			sig := pick(r, walkSignals...)
			path := "/containers/{{c}}/kill"
			if sig.name != "SIGKILL" || chance(r, 0.5) {
				path += "?signal=" + sig.name
			}
			seq.Steps = append(seq.Steps, step("POST", path, ""))
			if state == wPaused && sig.num != 0 {
				// dockerd resumes a paused container after its stop
				// signal, any signal when none is configured (as here)
				state = wRunning
			}
			if state == wRunning {
				if ends, _ := prog.exitOn(sig.num); ends && sig.num != 0 {
					ended()
				} else if sig.num != 0 {
					// The signal was dropped: the container still runs.
					s := step("GET", "/containers/{{c}}/json", "")
					s.Pause = 300 * time.Millisecond
					seq.Steps = append(seq.Steps, s)
				}
			}
		case 6: // pause
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/pause", ""))
			if state == wRunning {
				state = wPaused
			}
		case 7: // unpause
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/unpause", ""))
			if state == wPaused {
				state = wRunning
			}
		case 8: // rename, sometimes to its own name or an invalid one
			renamed++
			to := pick(r, fmt.Sprintf("{{name}}-r%d", renamed), "{{name}}", "bad%name", "")
			if to != "{{name}}" {
				seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/rename?name="+to, ""))
			}
			if to == fmt.Sprintf("{{name}}-r%d", renamed) {
				seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/rename?name={{name}}", ""))
			}
		case 9: // update
			u := map[string]any{}
			if chance(r, 0.5) {
				// no policy that restarts: a restart races the walk's next
				// request (a wait may see the exit or the next run)
				u["RestartPolicy"] = pick(r, map[string]any{"Name": "no"}, map[string]any{"Name": "on-failure", "MaximumRetryCount": -1}, map[string]any{"Name": "bogus"})
			}
			if chance(r, 0.5) {
				u["CpuShares"] = pick(r, 512, 1024)
			}
			if chance(r, 0.3) {
				u["Memory"], u["MemorySwap"] = 64<<20, -1
			}
			if chance(r, 0.2) {
				u["PidsLimit"] = 100
			}
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/update", body(u)))
		case 10: // top
			if prog == progTrap {
				continue // its shell's children come and go every 0.1 s
			}
			s := step("GET", "/containers/{{c}}/top", "")
			s.Volatile = []string{"body.Processes"}
			seq.Steps = append(seq.Steps, s)
		case 11: // logs with assorted options
			q := pick(r, "stdout=1&stderr=1", "stdout=1&tail=1", "stdout=1&tail=all", "stdout=1&since=1", "stderr=1", "stdout=1&tail=0")
			seq.Steps = append(seq.Steps, step("GET", "/containers/{{c}}/logs?"+q, ""))
		case 12: // changes and an archive stat
			if prog != progInit {
				// dockerd's changes show the init's mount point
				// (/sbin/docker-init) only some of the time
				seq.Steps = append(seq.Steps, step("GET", "/containers/{{c}}/changes", ""))
			}
			s := step("HEAD", "/containers/{{c}}/archive?path="+pick(r, "/etc/hostname", "/nosuch", "/etc/hosts", "/etc/"), "")
			// /etc/hosts names the container's address: its length varies
			s.Volatile = []string{"header.X-Docker-Container-Path-Stat.size"}
			seq.Steps = append(seq.Steps, s)
		case 13: // exec
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/exec", body(map[string]any{"Cmd": []string{"sh", "-c", "echo exec-out; exit 2"}, "AttachStdout": true}), "e", ".Id"))
			if state == wRunning {
				seq.Steps = append(seq.Steps,
					step("POST", "/exec/{{e}}/start", `{}`),
					step("GET", "/exec/{{e}}/json", ""))
			}
		case 14: // wait, only where it cannot block
			if state == wRunning || state == wPaused {
				continue
			}
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{c}}/wait"+pick(r, "", "?condition=not-running", "?condition=next-exit", "?condition=removed", "?condition=bogus"), ""))
			if last := seq.Steps[len(seq.Steps)-1]; last.Path == "/containers/{{c}}/wait?condition=next-exit" || last.Path == "/containers/{{c}}/wait?condition=removed" {
				// Those wait for an event to come: never in a walk.
				seq.Steps = seq.Steps[:len(seq.Steps)-1]
			}
		case 15: // remove without force: refused unless stopped
			if state == wCreated || state == wExited {
				continue // ends the walk too early; the final remove covers it
			}
			seq.Steps = append(seq.Steps, step("DELETE", "/containers/{{c}}", ""))
		}
		inspect()
	}
	seq.Steps = append(seq.Steps,
		step("GET", "/containers/{{c}}/logs?stdout=1&stderr=1", ""),
		step("DELETE", "/containers/{{c}}?force=1", ""),
		step("GET", "/containers/{{c}}/json", ""))
	return seq
}
