package mockdaemon

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

// procSpec is what a container's (or exec's) process is started with.
type procSpec struct {
	Argv     []string
	Env      []string
	Dir      string
	User     string
	GroupAdd []string // HostConfig.GroupAdd: more supplementary groups, by name or number
	Hostname string
	FS       *memfs.FS
	Stdin    io.Reader // never nil; EOF when there is no stdin
	Stdout   io.Writer
	Stderr   io.Writer
	TTY      bool                    // the streams are a terminal (test -t)
	PID1     bool                    // the container's main process (Linux PID 1 signal rules)
	Init     bool                    // run under an init (--init): PID 1 rules do not apply
	PIDs     *shell.PIDs             // the container's PID namespace (ps, top, kill see its processes); nil: its own
	Net      *shell.Net              // the container's network namespace (ip, ifconfig); nil: lo alone
	Ulimits  []shell.Rlimit          // HostConfig.Ulimits: the limits it starts with beyond the defaults
	TermSize func() (rows, cols int) // its terminal's window size (TTY); nil: 0 0
	// MountInfo is the container's mount table as /proc/<pid>/mountinfo
	// shows it ("": none)
	MountInfo string
}

// proc is a running process.
type proc interface {
	// Signal delivers a Linux signal number.
	Signal(sig int)
	// Done is closed when the process has exited.
	Done() <-chan struct{}
	// ExitCode is valid after Done.
	ExitCode() int
}

// startProc runs a process. It is the one place where the daemon meets the
// program interpreter: the mock's built-in fallback until
// mockdaemon/internal/shell is wired in here.
var startProc = startFallback

// fallbackProc is a tiny built-in interpreter: echo, cat, true, false,
// exit, sleep, env, hostname, pwd and sh -c of ';'-separated commands.
type fallbackProc struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	killed int
	code   int
	spec   procSpec
}

func startFallback(spec procSpec) proc {
	ctx, cancel := context.WithCancel(context.Background())
	p := &fallbackProc{ctx: ctx, cancel: cancel, done: make(chan struct{}), spec: spec}
	go func() {
		p.exit(p.run(spec.Argv))
		cancel()
		close(p.done)
	}()
	return p
}

func (p *fallbackProc) Signal(sig int) {
	if sig == 0 {
		return
	}
	if p.spec.PID1 && !p.spec.Init && sig != 9 && sig != 19 {
		return // PID 1 without handlers ignores catchable signals
	}
	p.kill(sig)
	p.cancel()
}

// kill records the first signal that ends p.
func (p *fallbackProc) kill(sig int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.killed == 0 {
		p.killed = sig
	}
}

// exit records p's exit code: 128+signal when a signal ended it.
func (p *fallbackProc) exit(code int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.killed != 0 {
		code = 128 + p.killed
	}
	p.code = code
}

func (p *fallbackProc) Done() <-chan struct{} { return p.done }

func (p *fallbackProc) ExitCode() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.code
}

func (p *fallbackProc) run(argv []string) int {
	if len(argv) == 0 {
		return 0
	}
	name := argv[0]
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	out, errw := p.spec.Stdout, p.spec.Stderr
	switch name {
	case "sh", "ash", "bash":
		if len(argv) >= 3 && argv[1] == "-c" {
			code := 0
			for _, cmd := range strings.Split(argv[2], ";") {
				words := shellWords(cmd)
				for i, w := range words {
					words[i] = expandEnv(w, p.spec.Env)
				}
				if len(words) == 0 {
					continue
				}
				if words[0] == "exit" {
					if len(words) > 1 {
						code, _ = strconv.Atoi(words[1])
					}
					return code
				}
				code = p.run(words)
				if p.ctx.Err() != nil {
					return code
				}
			}
			return code
		}
		// an interactive shell reads commands from stdin until EOF
		_, _ = io.Copy(io.Discard, p.spec.Stdin)
		return 0
	case "echo":
		fmt.Fprintln(out, strings.Join(argv[1:], " "))
	case "true":
	case "false":
		return 1
	case "sleep":
		if len(argv) < 2 {
			fmt.Fprintln(errw, "sleep: missing operand")
			return 1
		}
		f, err := strconv.ParseFloat(argv[1], 64)
		if err != nil {
			fmt.Fprintf(errw, "sleep: invalid number '%s'\n", argv[1])
			return 1
		}
		t := time.NewTimer(time.Duration(f * float64(time.Second)))
		defer t.Stop()
		select {
		case <-t.C:
		case <-p.ctx.Done():
		}
	case "cat":
		if len(argv) == 1 {
			_, _ = io.Copy(out, p.spec.Stdin)
			return 0
		}
		code := 0
		for _, f := range argv[1:] {
			if !strings.HasPrefix(f, "/") {
				f = strings.TrimSuffix(p.spec.Dir, "/") + "/" + f
			}
			b, err := p.spec.FS.ReadFile(f)
			if err != nil {
				fmt.Fprintf(errw, "cat: can't open '%s': No such file or directory\n", f)
				code = 1
				continue
			}
			_, _ = out.Write(b)
		}
		return code
	case "env":
		for _, e := range p.spec.Env {
			fmt.Fprintln(out, e)
		}
	case "hostname":
		fmt.Fprintln(out, p.spec.Hostname)
	case "pwd":
		fmt.Fprintln(out, p.spec.Dir)
	default:
		fmt.Fprintf(errw, "sh: %s: not found\n", argv[0])
		return 127
	}
	return 0
}

// expandEnv expands $NAME and ${NAME} from env.
func expandEnv(s string, env []string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		var name string
		if s[j] == '{' {
			k := strings.IndexByte(s[j:], '}')
			if k < 0 {
				b.WriteString(s[i:])
				break
			}
			name = s[j+1 : j+k]
			i = j + k
		} else {
			k := j
			for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
				k++
			}
			name = s[j:k]
			i = k - 1
		}
		for _, e := range env {
			if k, v, _ := strings.Cut(e, "="); k == name {
				b.WriteString(v)
			}
		}
	}
	return b.String()
}
