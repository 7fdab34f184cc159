package mockdaemon

import (
	"path"
	"strconv"
	"strings"
)

// GET /containers/{id}/top as dockerd does it: it runs the host's procps
// ps with ps_args ("-ef" when none), finds the PID column among the titles
// ps printed, keeps the rows of the container's processes and splits each
// row into fields at blanks, the last column taking what is left over. So
// the titles are whatever those ps arguments print, and a command with
// spaces splits when it is not the last column.

// psProc is a process of a container as top reports it.
type psProc struct {
	pid  int
	ppid int
	user string // the name, "root" for uid 0
	uid  string // the number
	cmd  string // the command line, arguments joined with spaces
}

// psColumn is an output column of ps: its title and the value it shows
// for a process; bsd is set for the BSD formats, whose TIME is m:ss.
type psColumn struct {
	title string
	value func(p psProc, bsd bool) string
}

func psConst(s string) func(psProc, bool) string { return func(psProc, bool) string { return s } }

// psColumns are procps's format specifiers the mock knows, by name.
var psColumns = map[string]psColumn{
	"pid":     {"PID", func(p psProc, _ bool) string { return strconv.Itoa(p.pid) }},
	"ppid":    {"PPID", func(p psProc, _ bool) string { return strconv.Itoa(p.ppid) }},
	"user":    {"USER", func(p psProc, _ bool) string { return p.user }},
	"uid":     {"UID", func(p psProc, _ bool) string { return p.uid }},
	"comm":    {"COMMAND", func(p psProc, _ bool) string { return path.Base(strings.Fields(p.cmd)[0]) }},
	"args":    {"COMMAND", func(p psProc, _ bool) string { return p.cmd }},
	"command": {"COMMAND", func(p psProc, _ bool) string { return p.cmd }},
	"cmd":     {"CMD", func(p psProc, _ bool) string { return p.cmd }},
	"%cpu":    {"%CPU", psConst("0.0")},
	"pcpu":    {"%CPU", psConst("0.0")},
	"%mem":    {"%MEM", psConst("0.0")},
	"pmem":    {"%MEM", psConst("0.0")},
	"vsz":     {"VSZ", psConst("0")},
	"rss":     {"RSS", psConst("0")},
	"tty":     {"TT", psConst("?")},
	"stat":    {"STAT", psConst("S")},
	"etime":   {"ELAPSED", psConst("00:00")},
	"nice":    {"NI", psConst("0")},
	"ni":      {"NI", psConst("0")},
	"pri":     {"PRI", psConst("80")},
	"c":       {"C", psConst("0")},
	"f":       {"F", psConst("4")},
	"s":       {"S", psConst("S")},
	"time": {"TIME", func(_ psProc, bsd bool) string {
		if bsd {
			return "0:00"
		}
		return "00:00:00"
	}},
}

// psFormats are ps's standard formats: -f's full, -l's long, BSD u's
// user-oriented, BSD's default and SysV's default.
var psFormats = map[string][]string{
	"full": {"user:UID", "pid", "ppid", "c", "stime:STIME", "tty:TTY", "time", "cmd"},
	"long": {"f", "s", "uid", "pid", "ppid", "c", "pri", "nice", "addr:ADDR", "sz:SZ", "wchan:WCHAN", "tty:TTY", "time", "comm:CMD"},
	"u":    {"user", "pid", "%cpu", "%mem", "vsz", "rss", "tty:TTY", "stat", "stime:START", "time", "args"},
	"bsd":  {"pid", "tty:TTY", "stat", "time", "args"},
	"sysv": {"pid", "tty:TTY", "time", "comm:CMD"},
}

// psTable is what dockerd's top makes of ps psArgs run over procs, start
// being the containers' start time (HH:MM); err is dockerd's 500 when ps
// refuses the arguments or prints no PID column.
func psTable(psArgs, start string, procs []psProc) (titles []string, rows [][]string, err error) {
	if psArgs == "" {
		psArgs = "-ef"
	}
	specs, bsd, err := psSpecs(strings.Split(psArgs, " "))
	if err != nil {
		return nil, nil, err
	}
	var cols []psColumn
	for _, spec := range specs {
		name, title, renamed := strings.Cut(spec, "=")
		if !renamed {
			name, title, renamed = strings.Cut(spec, ":") // a format's own title for a column
		}
		col, ok := psColumns[name]
		switch {
		case name == "stime" || name == "start":
			col = psColumn{"STIME", psConst(start)}
		case !ok:
			col = psColumn{strings.ToUpper(name), psConst("-")}
		}
		if renamed {
			col.title = title
		}
		cols = append(cols, col)
	}
	pidAt := -1
	for i, c := range cols {
		titles = append(titles, c.title)
		if c.title == "PID" && pidAt < 0 {
			pidAt = i
		}
	}
	if pidAt < 0 {
		return nil, nil, errInternal("Couldn't find PID field in ps output")
	}
	for _, p := range procs {
		vals := make([]string, len(cols))
		for i, c := range cols {
			vals[i] = c.value(p, bsd)
		}
		// dockerd's parser: fields at blanks, the rest to the last column
		f := strings.Fields(strings.Join(vals, " "))
		if len(f) > len(titles) {
			f = append(f[:len(titles)-1], strings.Join(f[len(titles)-1:], " "))
		}
		rows = append(rows, f)
	}
	return titles, rows, nil
}

// psSpecs reads ps arguments: -o/o lists (the columns, name or name=TITLE)
// or the standard format the options select, and whether it is a BSD
// one. An option the mock's ps does not know is procps's refusal.
func psSpecs(args []string) (specs []string, bsd bool, err error) {
	var sysv, user, full, long bool
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "" {
			continue
		}
		dash := strings.HasPrefix(a, "-")
		letters := strings.TrimPrefix(a, "-")
		for j, r := range letters {
			switch {
			case r == 'o' || r == 'O':
				list := letters[j+1:]
				if list == "" && i+1 < len(args) {
					i++
					list = args[i]
				}
				specs = append(specs, strings.Split(list, ",")...)
			case dash && strings.ContainsRune("eAadNTxw", r):
			case dash && r == 'f':
				full = true
			case dash && r == 'l':
				long = true
			case !dash && strings.ContainsRune("axwe", r):
			case !dash && r == 'u':
				user = true
			case dash:
				return nil, false, errInternal("ps: error: unsupported SysV option")
			default:
				return nil, false, errInternal("ps: error: unsupported option (BSD syntax)")
			}
			if r == 'o' || r == 'O' {
				break
			}
		}
		sysv = sysv || dash
	}
	if len(specs) > 0 {
		return specs, false, nil
	}
	switch {
	case !sysv && user:
		return psFormats["u"], true, nil
	case !sysv:
		return psFormats["bsd"], true, nil
	case long:
		return psFormats["long"], false, nil
	case full:
		return psFormats["full"], false, nil
	}
	return psFormats["sysv"], false, nil
}
