package shell

import (
	"context"
	"errors"
	"io"
	"strconv"
	"syscall"
	"time"
)

// apNc is the nc of the busybox image (nc.c, not the nc 1.10 clone):
// "nc HOST PORT" connects, "nc -l [-p PORT]" listens and accepts one
// connection ("-ll" with -e keeps accepting), -w SEC bounds the connect or
// the wait for a connection ("nc: timed out"), -e PROG ARGS... runs PROG
// with the connection as its stdin and stdout. Otherwise it copies its
// stdin to the connection and the connection to its stdout; at its
// stdin's end it shuts its sending half down, and it exits 0 when the
// peer's half ends. Connections go through the namespace's Net: to
// listeners of this and other containers and to ports published on the
// host. -f FILE is not supported (no character devices to open).
func apNc(ctx context.Context, p *Proc) int {
	var listen, port, wait, delay int
	var prog []string
	args := p.Args[1:]
	var operands []string
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		if a == "--" {
			operands = append(operands, args...)
			break
		}
	cluster:
		for i := 1; i < len(a); i++ {
			c := a[i]
			switch c {
			case 'l':
				listen++
				continue
			case 'p', 'w', 'i', 'e', 'f':
			default:
				p.errf("invalid option -- '%c'", c)
				return p.showUsage()
			}
			v := a[i+1:]
			if v == "" {
				if len(args) == 0 {
					p.errf("option requires an argument -- '%c'", c)
					return p.showUsage()
				}
				v, args = args[0], args[1:]
			}
			switch c {
			case 'p':
				n, err := strconv.ParseUint(v, 10, 16)
				if err != nil {
					p.errf("bad port '%s'", v)
					return 1
				}
				port = int(n)
			case 'w', 'i':
				n, err := strconv.ParseUint(v, 10, 31)
				if err != nil {
					p.errf("invalid number '%s'", v)
					return 1
				}
				if c == 'w' {
					wait = int(n)
				} else {
					delay = int(n)
				}
			case 'e':
				// PROG and every word after it are the program's command line
				prog = append([]string{v}, args...)
				args = nil
			case 'f':
				p.errf("can't open '%s': No such device or address", v)
				return 1
			}
			break cluster
		}
	}
	if listen > 0 && len(operands) != 0 || listen == 0 && (len(operands) == 0 || len(operands) > 2) {
		return p.showUsage()
	}
	netns := p.sh.p.cfg.Net
	var in *ncInput
	if prog == nil {
		in = startNcInput(ctx, p)
	}
	opCtx := ctx
	if wait > 0 {
		var cancel context.CancelFunc
		opCtx, cancel = context.WithTimeout(ctx, time.Duration(wait)*time.Second)
		defer cancel()
	}
	var conn Conn
	if listen > 0 {
		l, err := netns.Listen(port)
		if err != nil {
			p.errf("bind: %s", sockErrText(err))
			return 1
		}
		defer l.Close()
		for {
			c, err := l.Accept(opCtx)
			if err != nil {
				return ncWaitEnd(ctx, p)
			}
			if prog != nil && listen > 1 {
				go func() {
					defer c.Close()
					ncExec(ctx, p, prog, c)
				}()
				continue
			}
			conn = c
			break
		}
	} else {
		host := operands[0]
		addr, _, ok := p.resolveHost(host)
		if !ok {
			p.errf("bad address '%s'", host)
			return 1
		}
		rport := 0
		if len(operands) == 2 {
			n, err := strconv.ParseUint(operands[1], 10, 16)
			if err != nil {
				p.errf("bad port '%s'", operands[1])
				return 1
			}
			rport = int(n)
		}
		c, err := netns.Dial(opCtx, addr, rport)
		if err != nil {
			if opCtx.Err() != nil {
				return ncWaitEnd(ctx, p)
			}
			p.errf("can't connect to remote host (%s): %s", addr, sockErrText(err))
			return 1
		}
		conn = c
	}
	defer conn.Close()
	if prog != nil {
		return ncExec(ctx, p, prog, conn)
	}
	return ncCopy(ctx, p, in, conn, time.Duration(delay)*time.Second)
}

// ncExec runs prog with conn as its stdin and stdout (-e).
func ncExec(ctx context.Context, p *Proc, prog []string, conn Conn) int {
	q := *p
	q.Stdin, q.Stdout = conn, conn
	code, why := q.run(ctx, prog, nil)
	if why != "" {
		p.errf("%s", why)
	}
	return code
}

// ncWaitEnd reports the end of a wait that -w bounded ("nc: timed out",
// as busybox's SIGALRM handler), or the process's own end.
func ncWaitEnd(ctx context.Context, p *Proc) int {
	if ctx.Err() != nil {
		return 128 + int(syscall.SIGTERM)
	}
	p.errf("timed out")
	return 1
}

// ncInput reads nc's stdin ahead, one chunk at a time, from before the
// connection is made: as a pipe holds what was written to it before nc
// polls, the chunk is ready when the connection comes.
type ncInput struct {
	chunks chan []byte   // closed at the stdin's end
	busy   chan struct{} // holds a token while a chunk is on its way to the connection
}

func startNcInput(ctx context.Context, p *Proc) *ncInput {
	in := &ncInput{chunks: make(chan []byte), busy: make(chan struct{}, 1)}
	go func() {
		defer close(in.chunks)
		for {
			buf := make([]byte, 4096)
			n, err := p.Stdin.Read(buf)
			if n > 0 {
				select {
				case in.chunks <- buf[:n]:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return in
}

// ncFlushWait bounds how long nc, its peer's half ended, waits for input
// on its way to the connection or about to be (what its stdin's pipe
// would hold already).
const ncFlushWait = 100 * time.Millisecond

// ncCopy is nc's loop: stdin to conn (then its sending half shut down),
// conn to stdout until the peer's half ends, which ends nc. As nc's poll
// loop serves its stdin before the connection, input ready when the
// peer's half ends still goes out first.
func ncCopy(ctx context.Context, p *Proc, in *ncInput, conn Conn, delay time.Duration) int {
	netDone := make(chan struct{})
	go func() {
		defer close(netDone)
		_, _ = io.Copy(p.Stdout, conn)
	}()
	send := func(b []byte, ok bool) bool {
		if !ok {
			_ = conn.CloseWrite()
			return false
		}
		if _, err := conn.Write(b); err != nil {
			return false
		}
		return delay <= 0 || p.Sleep(ctx, delay) == nil
	}
	go func() {
		for {
			// only the token's holder takes a chunk
			select {
			case in.busy <- struct{}{}:
			case <-netDone:
				return
			}
			select {
			case b, ok := <-in.chunks:
				more := send(b, ok)
				<-in.busy
				if !more {
					return
				}
			case <-netDone:
				<-in.busy
				return
			}
		}
	}()
	select {
	case <-netDone:
		// a chunk on its way goes out (unless the peer reads no more:
		// the kernel would have buffered it), then one ready
		t := time.NewTimer(ncFlushWait)
		defer t.Stop()
		select {
		case in.busy <- struct{}{}:
			select {
			case b, ok := <-in.chunks:
				send(b, ok)
			case <-t.C:
			case <-ctx.Done():
			}
		case <-t.C:
		case <-ctx.Done():
		}
		return 0
	case <-ctx.Done():
		conn.Close()
		<-netDone
		return 128 + int(syscall.SIGTERM)
	}
}

// sockErrText is the strerror text of a socket error.
func sockErrText(err error) string {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return "Address in use"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Connection refused"
	}
	return errText(err)
}
