package mockdaemon

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// terminal is the pseudo-terminal of a container or exec started with a
// TTY, with the Linux line discipline dockerd's runc sets up (icanon,
// echo, echoe, echok, echoctl, echoke, isig, icrnl, ixon, opost, onlcr):
// what the client types is echoed and edited a line at a time (erase,
// kill, word erase, ^D, ^V, ^R), ^C and ^\ signal the process, and the
// process reads whole lines; what the process writes reaches the client
// with \n as \r\n.
//
// # Concurrency
//
// Write (the client's input), Read (the process's stdin) and the writer
// of output may be used from different goroutines. Writes of input are
// serialised; echo and the process's output go out under one lock, so
// that the echo of a line always precedes what the process prints after
// reading it.
type terminal struct {
	wmu sync.Mutex // serialises writers of input

	omu sync.Mutex // guards out and col
	out io.Writer  // the client's side: echo and the process's output
	col int        // output column, for erasing a tab

	mu      sync.Mutex
	cond    *sync.Cond // input read, or the terminal closed
	line    []byte     // the line being edited
	lineCol int        // output column where line began
	lnext   bool       // ^V: the next byte is taken literally
	ready   [][]byte   // input the process may read, a line (or ^D's part) each; empty is end of file
	queued  int        // bytes in ready
	closed  bool
	signal  func(sig int) // to the foreground process; nil until it runs
}

const (
	ttyLineMax  = 4095 // a canonical line longer than this drops what follows
	ttyInputMax = 4096 // input the process has not read; beyond it Write waits
)

// newTerminal returns a terminal whose output (echo and the process's
// writes) goes to out.
func newTerminal(out io.Writer) *terminal {
	t := &terminal{out: out}
	t.cond = sync.NewCond(&t.mu)
	return t
}

// setSignal names where ^C and ^\ go: the process the terminal belongs to.
func (t *terminal) setSignal(f func(sig int)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.signal = f
}

// Read is the process reading its stdin: at most one line at a time,
// waiting until one is complete. ^D on an empty line reads as end of
// file once; a closed terminal reads as end of file for good.
func (t *terminal) Read(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.ready) == 0 && !t.closed {
		t.cond.Wait()
	}
	if len(t.ready) == 0 {
		return 0, io.EOF
	}
	defer t.cond.Broadcast()
	first := t.ready[0]
	if len(first) == 0 {
		t.ready = t.ready[1:]
		return 0, io.EOF
	}
	n := copy(p, first)
	if n == len(first) {
		t.ready = t.ready[1:]
	} else {
		t.ready[0] = first[n:]
	}
	t.queued -= n
	return n, nil
}

// Close ends the terminal: the process reads end of file, input is
// refused. The output stays usable for what the process still writes.
func (t *terminal) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.cond.Broadcast()
	return nil
}

// errTerminalClosed is the error of input written after Close.
var errTerminalClosed = errors.New("mockdaemon: terminal closed")

// Write is the client typing p. It returns once p has gone through the
// line discipline, waiting while the process has ttyInputMax bytes
// unread.
func (t *terminal) Write(p []byte) (int, error) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	n := 0
	for n < len(p) {
		t.mu.Lock()
		for t.queued >= ttyInputMax && !t.closed {
			t.cond.Wait()
		}
		closed := t.closed
		t.mu.Unlock()
		if closed {
			return n, errTerminalClosed
		}
		k, sigs, err := t.receive(p[n:])
		n += k
		if err != nil {
			return n, err
		}
		for _, sig := range sigs {
			t.mu.Lock()
			f := t.signal
			t.mu.Unlock()
			if f != nil {
				f(sig)
			}
		}
	}
	return n, nil
}

// receive runs the bytes of p through the line discipline until the input
// queue is full, and writes their echo. It returns how many bytes it took
// and the signals they raised.
func (t *terminal) receive(p []byte) (int, []int, error) {
	t.omu.Lock()
	defer t.omu.Unlock()
	t.mu.Lock()
	var echo []byte
	var sigs []int
	col := t.col // the column the echo so far leaves the cursor in
	// A newline commits the echo before it; a signal drops the rest.
	committed, committedCol := 0, col
	put := func(b ...byte) {
		echo = append(echo, b...)
		col = advanceColumn(col, b)
	}
	n := 0
	for ; n < len(p) && t.queued < ttyInputMax; n++ {
		c := p[n]
		if t.lnext {
			t.lnext = false
			t.insert(c, &col, put)
			continue
		}
		if c == '\r' {
			c = '\n' // icrnl
		}
		switch c {
		case 0x03, 0x1c, 0x1a: // ^C (SIGINT), ^\ (SIGQUIT), ^Z
			// isig flushes the input and the echo not yet shown; ^Z
			// stops nothing: an exec's process group has no job control.
			echo, col = echo[:committed], committedCol
			t.line, t.ready, t.queued = nil, nil, 0
			put(ctlEcho(c)...)
			switch c {
			case 0x03:
				sigs = append(sigs, 2)
			case 0x1c:
				sigs = append(sigs, 3)
			}
		case 0x11, 0x13: // ^Q, ^S: ixon takes them
		case 0x16: // ^V
			t.lnext = true
			put('^', '\b')
		case 0x04: // ^D: what is typed so far becomes readable; alone, end of file
			t.push(t.line)
			t.line = nil
		case 0x7f: // erase
			t.erase(1, &col, put)
		case 0x15: // ^U: kill the line
			t.erase(len(t.line), &col, put)
		case 0x17: // ^W: erase a word
			t.erase(wordTail(t.line), &col, put)
		case 0x12: // ^R: reprint the line
			put(ctlEcho(c)...)
			put('\n')
			t.lineCol = col
			for _, b := range t.line {
				put(echoOf(b)...)
			}
		case '\n':
			t.push(append(t.line, '\n'))
			t.line = nil
			put('\n')
			committed, committedCol = len(echo), col
		default:
			t.insert(c, &col, put)
		}
	}
	t.cond.Broadcast()
	t.mu.Unlock()
	if len(echo) == 0 {
		return n, sigs, nil
	}
	return n, sigs, t.writeOut(echo)
}

// insert adds c to the line being edited, with its echo.
func (t *terminal) insert(c byte, col *int, put func(...byte)) {
	if len(t.line) >= ttyLineMax {
		return
	}
	if len(t.line) == 0 {
		t.lineCol = *col
	}
	t.line = append(t.line, c)
	put(echoOf(c)...)
}

// push makes b readable; an empty b is an end of file.
func (t *terminal) push(b []byte) {
	t.ready = append(t.ready, b)
	t.queued += len(b)
}

// erase removes the last n characters (UTF-8 sequences) of the line,
// echoing what takes them off the screen: "\b \b" a column, backspaces
// alone over a tab.
func (t *terminal) erase(n int, col *int, put func(...byte)) {
	for ; n > 0 && len(t.line) > 0; n-- {
		_, size := utf8.DecodeLastRune(t.line)
		if size == 0 {
			size = 1
		}
		last := t.line[len(t.line)-size:]
		t.line = t.line[:len(t.line)-size]
		switch {
		case last[0] == '\t':
			// back to the column the tab started from
			from := t.lineCol
			for _, b := range t.line {
				from = advanceColumn(from, echoOf(b))
			}
			put([]byte(strings.Repeat("\b", max(*col-from, 0)))...)
		case last[0] < 0x20:
			put('\b', ' ', '\b', '\b', ' ', '\b') // "^X" took two columns
		default:
			put('\b', ' ', '\b')
		}
	}
}

// wordTail is how many characters ^W erases from the end of line: the
// non-word characters there, then the word before them.
func wordTail(line []byte) int {
	n, i := 0, len(line)
	for i > 0 && !isWordByte(line[i-1]) {
		i--
		n++
	}
	for i > 0 && isWordByte(line[i-1]) {
		i--
		n++
	}
	return n
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// echoOf is the echo of an input byte: itself, or ^X for a control byte
// (echoctl) other than tab and newline.
func echoOf(c byte) []byte {
	if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
		return ctlEcho(c)
	}
	return []byte{c}
}

func ctlEcho(c byte) []byte { return []byte{'^', c ^ 0x40} }

// advanceColumn is the output column after b is shown from column col.
func advanceColumn(col int, b []byte) int {
	for _, c := range b {
		switch {
		case c == '\n' || c == '\r':
			col = 0
		case c == '\t':
			col = col | 7 + 1
		case c == '\b':
			col = max(col-1, 0)
		case c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xc0:
			// control bytes and UTF-8 continuation bytes take no column
		default:
			col++
		}
	}
	return col
}

// writeOut shows b on the client's side with onlcr (\n as \r\n); t.omu
// held.
func (t *terminal) writeOut(b []byte) error {
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		if c == '\n' {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	t.col = advanceColumn(t.col, out)
	_, err := t.out.Write(out)
	return err
}

// output is the process's stdout (and stderr: a terminal has one output).
func (t *terminal) output() io.Writer { return terminalOutput{t} }

type terminalOutput struct{ t *terminal }

func (o terminalOutput) Write(p []byte) (int, error) {
	o.t.omu.Lock()
	defer o.t.omu.Unlock()
	if err := o.t.writeOut(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// defaultDetachKeys is ctrl-p,ctrl-q: what ends an attach or exec stream
// with a TTY when neither the request nor the exec names other keys.
var defaultDetachKeys = []byte{0x10, 0x11}

// parseDetachKeys reads a detach key sequence as dockerd does (moby/term
// ToBytes): comma-separated keys, each a single byte, "ctrl-@" to "ctrl-z",
// "ctrl-[", "ctrl-\", "ctrl-]", "ctrl-^", "ctrl-_" or "DEL".
func parseDetachKeys(s string) ([]byte, error) {
	var keys []byte
	for key := range strings.SplitSeq(s, ",") {
		switch {
		case len(key) == 1:
			keys = append(keys, key[0])
		case key == "DEL":
			keys = append(keys, 0x7f)
		case len(key) == 6 && strings.HasPrefix(key, "ctrl-") && (key[5] >= 'a' && key[5] <= 'z' || key[5] >= '@' && key[5] <= '_' && (key[5] < 'A' || key[5] > 'Z')):
			keys = append(keys, key[5]&0x1f)
		default:
			return nil, fmt.Errorf("mockdaemon: unknown detach key %q", key)
		}
	}
	return keys, nil
}

// errDetached is the error of a stream whose client typed the detach keys:
// dockerd's words, as they reach an exec's client.
var errDetached = errors.New("error on attach stdin: read escape sequence")

// escapeReader reads the client's stdin of a TTY stream and stops with
// errDetached at the detach keys, as moby/term's escape proxy does: bytes
// that start the sequence are held back until it is complete or broken
// (then they are input after all), and the bytes before a complete
// sequence are still read. Like the proxy, a byte that breaks a sequence is
// not itself taken as the start of a new one.
type escapeReader struct {
	r    io.Reader
	keys []byte
	pos  int    // keys matched so far
	buf  []byte // what the last read of r returned
	held []byte // bytes owed to the reader that did not fit in its p
	done bool
}

func newEscapeReader(r io.Reader, keys []byte) *escapeReader {
	if len(keys) == 0 {
		keys = defaultDetachKeys
	}
	return &escapeReader{r: r, keys: keys}
}

func (e *escapeReader) Read(p []byte) (int, error) {
	if len(e.held) > 0 {
		n := copy(p, e.held)
		e.held = e.held[n:]
		return n, nil
	}
	if e.done {
		return 0, errDetached
	}
	if len(p) == 0 {
		return 0, nil
	}
	if cap(e.buf) < len(p) {
		e.buf = make([]byte, len(p))
	}
	for {
		nr, err := e.r.Read(e.buf[:len(p)])
		n := 0
		emit := func(b []byte) {
			if len(e.held) == 0 {
				k := copy(p[n:], b)
				n += k
				b = b[k:]
			}
			e.held = append(e.held, b...)
		}
		for i, c := range e.buf[:nr] {
			if c == e.keys[e.pos] {
				e.pos++
				if e.pos == len(e.keys) {
					e.done = true
					if len(e.held) > 0 {
						return n, nil
					}
					return n, errDetached
				}
				continue
			}
			if e.pos > 0 {
				emit(e.keys[:e.pos])
				e.pos = 0
			}
			emit(e.buf[i : i+1])
		}
		if n > 0 || err != nil || nr == 0 {
			return n, err
		}
		// all of it started the sequence: read on
	}
}
