package shell

import (
	"context"
	"fmt"
	"maps"
	"strconv"
)

// A Rlimit is a resource limit a process starts with, named as docker's
// --ulimit names it ("nofile", "nproc", "core"...), in the kernel's units
// (bytes, counts, seconds); -1 is unlimited.
type Rlimit struct {
	Name       string
	Soft, Hard int64
}

// rlimitInfo is one resource ulimit knows: its option letter, what -a
// calls it and the unit it shows (the kernel's value divided by scale).
type rlimitInfo struct {
	name  string
	opt   byte
	label string
	scale int64
}

// rlimits are busybox ash's, in its order.
var rlimits = []rlimitInfo{
	{"core", 'c', "core file size (blocks)", 512},
	{"data", 'd', "data seg size (kb)", 1024},
	{"nice", 'e', "scheduling priority", 1},
	{"fsize", 'f', "file size (blocks)", 512},
	{"sigpending", 'i', "pending signals", 1},
	{"memlock", 'l', "max locked memory (kb)", 1024},
	{"rss", 'm', "max memory size (kb)", 1024},
	{"nofile", 'n', "open files", 1},
	{"msgqueue", 'q', "POSIX message queues (bytes)", 1},
	{"rtprio", 'r', "real-time priority", 1},
	{"stack", 's', "stack size (kb)", 1024},
	{"cpu", 't', "cpu time (seconds)", 1},
	{"nproc", 'u', "max user processes", 1},
	{"as", 'v', "virtual memory (kb)", 1024},
	{"locks", 'x', "file locks", 1},
}

// defaultRlimits are a container's limits when HostConfig.Ulimits sets
// none: what dockerd's containers get from containerd's defaults.
var defaultRlimits = map[string][2]int64{
	"core": {0, -1}, "data": {-1, -1}, "nice": {0, 0}, "fsize": {-1, -1}, "sigpending": {96362, 96362},
	"memlock": {8 << 20, 8 << 20}, "rss": {-1, -1}, "nofile": {1048576, 1048576}, "msgqueue": {819200, 819200},
	"rtprio": {0, 0}, "stack": {8 << 20, -1}, "cpu": {-1, -1}, "nproc": {-1, -1}, "as": {-1, -1}, "locks": {-1, -1},
}

// initRlimits sets p's limits: the defaults, then cfg's.
func (p *Process) initRlimits() {
	p.rlimits = make(map[string][2]int64, len(defaultRlimits))
	for k, v := range defaultRlimits {
		p.rlimits[k] = v
	}
	for _, l := range p.cfg.Rlimits {
		if _, ok := p.rlimits[l.Name]; ok {
			p.rlimits[l.Name] = [2]int64{l.Soft, l.Hard}
		}
	}
}

// biUlimit is ash's ulimit: -H/-S pick the hard or soft limit (soft by
// default when showing, both when setting), -a shows every limit, a
// letter picks one (-f by default); a value sets it ("unlimited" too)
// as setrlimit would in a container without CAP_SYS_RESOURCE.
func biUlimit(_ context.Context, sh *shell, args []string) (int, error) {
	hard, soft, all := false, false, false
	var picked []rlimitInfo
	i := 1
	for ; i < len(args) && len(args[i]) > 1 && args[i][0] == '-'; i++ {
		for _, c := range []byte(args[i][1:]) {
			switch c {
			case 'H':
				hard = true
			case 'S':
				soft = true
			case 'a':
				all = true
			default:
				found := false
				for _, r := range rlimits {
					if r.opt == c {
						picked, found = append(picked, r), true
					}
				}
				if !found {
					fmt.Fprintf(sh.stderr, "sh: ulimit: illegal option -%c\n", c)
					return 2, nil
				}
			}
		}
	}
	if all {
		picked = rlimits
	}
	if len(picked) == 0 {
		picked = rlimits[3:4] // -f
	}
	show := func(v, scale int64) string {
		if v < 0 {
			return "unlimited"
		}
		return strconv.FormatInt(v/scale, 10)
	}
	// p.mu only around the limits: never while writing, which may block
	// on a pipe whose reader needs it
	if i < len(args) {
		r := picked[len(picked)-1]
		v := int64(-1)
		if args[i] != "unlimited" {
			n, err := strconv.ParseInt(args[i], 10, 64)
			if err != nil || n < 0 {
				fmt.Fprintf(sh.stderr, "sh: ulimit: invalid number '%s'\n", args[i])
				return 2, nil
			}
			v = n * r.scale
		}
		if msg := sh.p.setRlimit(r.name, v, hard || !soft, soft || !hard); msg != "" {
			fmt.Fprintln(sh.stderr, "sh: error setting limit: "+msg)
			return 1, nil
		}
		return 0, nil
	}
	sh.p.mu.Lock()
	limits := maps.Clone(sh.p.rlimits)
	sh.p.mu.Unlock()
	for _, r := range picked {
		lim := limits[r.name]
		v := lim[0]
		if hard {
			v = lim[1]
		}
		if len(picked) == 1 {
			fmt.Fprintln(sh.stdout, show(v, r.scale))
			continue
		}
		fmt.Fprintf(sh.stdout, "%-32s(-%c) %s\n", r.label, r.opt, show(v, r.scale))
	}
	return 0, nil
}

// setRlimit sets the hard and/or soft limit of the resource name to v as
// setrlimit would in a container without CAP_SYS_RESOURCE: raising the
// hard limit is not permitted, a soft limit above the hard one invalid.
// It returns the error's text, "" when set.
func (p *Process) setRlimit(name string, v int64, hard, soft bool) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.rlimits[name]
	next := cur
	if hard {
		next[1] = v
	}
	if soft {
		next[0] = v
	}
	above := func(a, b int64) bool { return b >= 0 && (a < 0 || a > b) }
	switch {
	case above(next[1], cur[1]):
		return "Operation not permitted"
	case above(next[0], next[1]):
		return "Invalid argument"
	}
	p.rlimits[name] = next
	return ""
}
