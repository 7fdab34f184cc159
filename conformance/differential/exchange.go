package differential

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Daemon is one side of a check: a name for reports and a way to open a
// connection to it (a unix socket, usually).
type Daemon struct {
	Name string
	Dial func(ctx context.Context) (net.Conn, error)
}

// UnixDaemon is a Daemon reached through the unix socket at path.
func UnixDaemon(name, path string) Daemon {
	return Daemon{Name: name, Dial: func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
}

// An Answer is what a daemon sent back for one request, undecoded.
type Answer struct {
	// Err is set when no response came (dial or write failed, or the
	// response head was not HTTP).
	Err    string
	Status int
	Header http.Header
	Body   []byte
	// Stream is set when the body is a byte stream, never JSON: a hijacked
	// connection or a vnd.docker stream type.
	Stream bool
	// End says how the body ended: "eof", "open" (still streaming when the
	// step's read time ran out), "truncated" (longer than maxBody) or
	// "error: ...".
	End string
}

const (
	maxBody     = 8 << 20
	defaultRead = 10 * time.Second // a loaded dockerd can take seconds to start an exec
	stepTimeout = 90 * time.Second
)

// request is a step expanded for one daemon.
type request struct {
	method, target string
	header         [][2]string
	body           []byte
	stdin          []StdinChunk
	closeStdin     bool
	hijack         bool
	read           time.Duration
}

var (
	hijackPath = regexp.MustCompile(`^/(containers/[^/]+/attach|exec/[^/]+/start)$`)
	detachTrue = regexp.MustCompile(`(?i)"detach"\s*:\s*true`)
)

// prepare expands st with v into the request sent at API version.
func prepare(st Step, v vars, version string) (*request, error) {
	r := &request{method: st.Method, closeStdin: st.CloseStdin, read: st.Read}
	if r.read == 0 {
		r.read = defaultRead
	}
	path, query, _ := strings.Cut(v.expand(st.Path), "?")
	r.target = "/v" + version + path
	if query != "" {
		r.target += "?" + encodeQuery(query)
	}
	for _, h := range st.Header {
		r.header = append(r.header, [2]string{h[0], v.expand(h[1])})
	}
	switch {
	case st.Body != "":
		r.body = []byte(v.expand(st.Body))
		r.header = withDefault(r.header, "Content-Type", "application/json")
	case st.Raw != nil:
		r.body = []byte(v.expand(*st.Raw))
	case st.Files != nil:
		b, err := tarBody(st.Files, v, st.Compress)
		if err != nil {
			return nil, err
		}
		r.body = b
		r.header = withDefault(r.header, "Content-Type", "application/x-tar")
	}
	r.hijack = st.Method == "POST" && hijackPath.MatchString(path) && !detachTrue.Match(r.body)
	r.stdin = make([]StdinChunk, len(st.Stdin))
	for i, c := range st.Stdin {
		r.stdin[i] = StdinChunk{After: c.After, Data: v.expand(c.Data)}
	}
	return r, nil
}

func withDefault(h [][2]string, k, val string) [][2]string {
	for _, kv := range h {
		if strings.EqualFold(kv[0], k) {
			return h
		}
	}
	return append(h, [2]string{k, val})
}

// encodeQuery percent-encodes the values of a query written unencoded:
// filters={"name":["^/x$"]} becomes filters=%7B%22name... A %XX already
// there stands for its byte (%20 is how a sequence writes a space), and a
// % that starts no escape is a percent sign.
func encodeQuery(q string) string {
	esc := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		return url.QueryEscape(s)
	}
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, val, ok := strings.Cut(p, "=")
		parts[i] = esc(k)
		if ok {
			parts[i] += "=" + esc(val)
		}
	}
	return strings.Join(parts, "&")
}

// pruneLocks serialise the prunes of one kind on one daemon across the
// sequences run side by side: dockerd runs one at a time and refuses
// another with 409 "a prune operation is already running", which no
// sequence asks for.
var pruneLocks sync.Map // "daemon kind" -> *sync.Mutex

// pruneKind is the kind of prune the request target asks for (images,
// containers, volumes, networks, build), "" for any other request.
func pruneKind(target string) string {
	path, _, _ := strings.Cut(target, "?")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if n := len(parts); n >= 2 && parts[n-1] == "prune" {
		return parts[n-2]
	}
	return ""
}

// exchange sends r to d and reads its answer; it never returns an error:
// what went wrong is part of the answer.
func exchange(ctx context.Context, d Daemon, r *request) Answer {
	if kind := pruneKind(r.target); kind != "" {
		mu, _ := pruneLocks.LoadOrStore(d.Name+" "+kind, new(sync.Mutex))
		mu.(*sync.Mutex).Lock()
		defer mu.(*sync.Mutex).Unlock()
	}
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	conn, err := d.Dial(ctx)
	if err != nil {
		return Answer{Err: "dial: " + err.Error()}
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	ic := &idleConn{Conn: conn, ctx: ctx}

	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: dockwire-diffcheck\r\n", r.method, r.target)
	for _, h := range r.header {
		fmt.Fprintf(&head, "%s: %s\r\n", h[0], h[1])
	}
	if r.hijack {
		head.WriteString("Connection: Upgrade\r\nUpgrade: tcp\r\n")
	}
	if r.body != nil || r.method == "POST" || r.method == "PUT" {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", len(r.body))
	}
	head.WriteString("\r\n")
	head.Write(r.body)
	if _, err := conn.Write(head.Bytes()); err != nil {
		return Answer{Err: "write: " + err.Error()}
	}
	br := bufio.NewReader(ic)
	resp, err := http.ReadResponse(br, &http.Request{Method: r.method})
	if err != nil {
		return Answer{Err: "read response: " + err.Error()}
	}
	a := Answer{Status: resp.StatusCode, Header: resp.Header}
	body := io.Reader(resp.Body)
	if resp.StatusCode == http.StatusSwitchingProtocols || (r.hijack && resp.StatusCode == http.StatusOK) {
		// The connection is the stream now: send stdin, read until the
		// daemon closes it.
		body, a.Stream = br, true
		if resp.StatusCode == http.StatusOK {
			body = resp.Body
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			writeStdin(ctx, conn, r)
		}()
		// On return: the deferred cancel and Close stop the writer; wait
		// for it (deferred calls run last in, first out).
		defer func() { <-done }()
		defer conn.Close()
		defer cancel()
	}
	if strings.Contains(resp.Header.Get("Content-Type"), "vnd.docker") {
		a.Stream = true
	}
	ic.idle = r.read
	a.Body, a.End = readBody(body)
	resp.Body.Close()
	return a
}

// idleConn bounds each read by idle once idle is set: a stream that sends
// nothing for that long counts as still open. Before, only the step's
// context bounds a read (a wait or a build can take a while to answer).
type idleConn struct {
	net.Conn
	ctx  context.Context
	idle time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if c.idle > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	}
	return c.Conn.Read(p)
}

// writeStdin writes r's stdin chunks to conn, each after its pause, and
// half-closes the connection when asked.
func writeStdin(ctx context.Context, conn net.Conn, r *request) {
	for _, c := range r.stdin {
		if c.After > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(c.After):
			}
		}
		if _, err := io.WriteString(conn, c.Data); err != nil {
			return
		}
	}
	if cw, ok := conn.(interface{ CloseWrite() error }); ok && r.closeStdin {
		cw.CloseWrite()
	}
}

// readBody reads up to maxBody bytes of body and says how it ended.
func readBody(body io.Reader) ([]byte, string) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(body, maxBody+1))
	var ne net.Error
	switch {
	case n > maxBody:
		buf.Truncate(maxBody)
		return buf.Bytes(), "truncated"
	case err == nil, errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return buf.Bytes(), "eof"
	case errors.As(err, &ne) && ne.Timeout():
		return buf.Bytes(), "open"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return buf.Bytes(), "error: unexpected EOF"
	default:
		return buf.Bytes(), "error: " + err.Error()
	}
}

// tarBody builds the tar of files (their names and contents expanded with
// v), compressed as asked.
func tarBody(files []TarEntry, v vars, compress string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, f := range files {
		h := &tar.Header{Name: v.expand(f.Name), Mode: f.Mode, ModTime: mtime, Format: tar.FormatPAX}
		content := v.expand(f.Content)
		if f.Type == 't' {
			inner, err := tarBody(f.Members, v, "")
			if err != nil {
				return nil, err
			}
			f.Type, content = 'f', string(inner)
		}
		switch f.Type {
		case 'f':
			h.Typeflag, h.Size = tar.TypeReg, int64(len(content))
		case 'd':
			h.Typeflag = tar.TypeDir
		case 'h':
			h.Typeflag, h.Linkname = tar.TypeLink, v.expand(f.Link)
		case 's':
			h.Typeflag, h.Linkname = tar.TypeSymlink, v.expand(f.Link)
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("differential: tar %s: %w", h.Name, err)
		}
		if _, err := io.WriteString(tw, content); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	switch compress {
	case "":
		return buf.Bytes(), nil
	case "gzip":
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(buf.Bytes())
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return z.Bytes(), nil
	}
	// bzip2 and xz: the standard library only reads them; the host's tools
	// write them.
	cmd := exec.Command(compress, "-c")
	cmd.Stdin = &buf
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("differential: %s -c (needed for a %s context): %w", compress, compress, err)
	}
	return out, nil
}

// valueAt returns the value at a capture path (".Id", ".[0].Id",
// ".aux.ID") of a decoded JSON value, as a string.
func valueAt(v any, path string) (string, bool) {
	cur := v
	for _, part := range splitPath(path) {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[part]
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(strings.Trim(part, "[]"))
			if err != nil || i < 0 || i >= len(c) {
				return "", false
			}
			cur = c[i]
		default:
			return "", false
		}
	}
	switch c := cur.(type) {
	case string:
		return c, c != ""
	case nil, map[string]any, []any:
		return "", false
	default:
		return fmt.Sprint(c), true
	}
}

// splitPath splits ".a.b[0].c" into a, b, [0], c.
func splitPath(p string) []string {
	p = strings.ReplaceAll(p, "[", ".[")
	var out []string
	for _, s := range strings.Split(p, ".") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
