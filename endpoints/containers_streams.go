package endpoints

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// LogsOptions select the log lines [ContainerService.Logs] streams.
type LogsOptions struct {
	// Stdout and Stderr select the streams; when both are false, both are
	// sent (the API refuses a request for neither).
	Stdout, Stderr bool
	// Follow keeps the stream open for new lines until the container stops
	// or ctx is cancelled.
	Follow bool
	// Since and Until bound the lines by time (Until: API 1.35).
	Since, Until time.Time
	// Timestamps prefixes every line with its RFC 3339 nano time.
	Timestamps bool
	// Tail is how many lines from the end to send: "" or "all" for all,
	// or a non-negative number.
	Tail string
	// TTY is the container's Tty setting when the caller knows it. Before
	// API 1.42 the logs response does not say whether it is multiplexed,
	// and Logs inspects the container to find out unless TTY is set.
	TTY *bool
}

// Logs streams a container's logs: Read them as they come or Demux them
// onto stdout and stderr, then Close. Whether the stream is multiplexed is
// decided by mux.Multiplexed: from the Content-Type on API 1.42 and later,
// else from the container's Tty, which Logs takes from opts.TTY or, when
// unset, from an Inspect of the container.
//
// API: GET /containers/{id}/logs
func (s *ContainerService) Logs(ctx context.Context, id string, opts LogsOptions) (*mux.Output, error) {
	const op = "ContainerLogs"
	r, err := logsQuery{Stdout: opts.Stdout, Stderr: opts.Stderr, Follow: opts.Follow,
		Timestamps: opts.Timestamps, Since: opts.Since, Tail: opts.Tail}.request(op, "/containers/", id)
	if err != nil {
		return nil, err
	}
	if !opts.Until.IsZero() {
		r.Query.Set("until", unixTimestamp(opts.Until))
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Until", Version: v(35)})
	}
	return openLogs(ctx, s.w, r, opts.TTY, s.ttyOf(id))
}

// logsQuery is what the container, service and task logs operations
// share in their query.
type logsQuery struct {
	Stdout, Stderr, Follow, Timestamps bool
	Since                              time.Time
	Tail                               string
}

// request is GET prefix+id+"/logs" with q (both streams when neither is
// asked for; no timeout when following); an empty id or a bad Tail is an
// *ArgError.
func (q logsQuery) request(op, prefix, id string) (*wire.Request, error) {
	r, err := objectRequest(op, "GET", prefix, id, "/logs", wire.Version{})
	if err != nil {
		return nil, err
	}
	stdout, stderr := q.Stdout, q.Stderr
	if !stdout && !stderr {
		stdout, stderr = true, true
	}
	boolParam(r.Query, "stdout", stdout)
	boolParam(r.Query, "stderr", stderr)
	boolParam(r.Query, "follow", q.Follow)
	boolParam(r.Query, "timestamps", q.Timestamps)
	if q.Follow {
		r.NoTimeout = true
	}
	if !q.Since.IsZero() {
		r.Query.Set("since", unixTimestamp(q.Since))
	}
	switch q.Tail {
	case "", "all":
	default:
		if n, err := strconv.Atoi(q.Tail); err != nil || n < 0 {
			return nil, argErr(op, "Tail", q.Tail, `want "all" or a non-negative number`)
		}
		r.Query.Set("tail", q.Tail)
	}
	return r, nil
}

// openLogs sends a logs request and tells from the response (or, before
// API 1.42, from hint or look) whether the stream is multiplexed.
func openLogs(ctx context.Context, w *wire.Client, r *wire.Request, hint *bool, look func(context.Context) (bool, error)) (*mux.Output, error) {
	mode, err := newStreamMode(ctx, w, hint, look)
	if err != nil {
		return nil, err
	}
	resp, err := send(ctx, w, r)
	if err != nil {
		return nil, err
	}
	muxed, err := mode.multiplexed(ctx, resp.Header.Get("Content-Type"))
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	return mux.NewOutput(resp.Body, muxed), nil
}

func knownStreamType(ct string) bool {
	mt, _, _ := cutParams(ct)
	return mt == mux.MediaRawStream || mt == mux.MediaMultiplexedStream
}

func cutParams(ct string) (string, string, bool) {
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			return trimSpace(ct[:i]), ct[i+1:], true
		}
	}
	return trimSpace(ct), "", false
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// tty reports a container's Config.Tty.
// ttyOf looks up a container's Tty setting.
func (s *ContainerService) ttyOf(id string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		c, err := s.Inspect(ctx, id, ContainerInspectOptions{})
		if err != nil {
			return false, err
		}
		return c.Config != nil && c.Config.Tty, nil
	}
}

// Stats streams a container's resource usage, about one sample a second,
// until ctx is cancelled, the stream is closed or the container stops. See
// [ContainerService.StatsOnce] for a single sample.
//
// API: GET /containers/{id}/stats
func (s *ContainerService) Stats(ctx context.Context, id string) (*wire.Stream[ContainerStats], error) {
	const op = "ContainerStats"
	r, err := objectRequest(op, "GET", "/containers/", id, "/stats", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.Query.Set("stream", "1")
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return wire.NewStream[ContainerStats](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{}), nil
}

// StatsOnceOptions tune [ContainerService.StatsOnce].
type StatsOnceOptions struct {
	// OneShot returns at once, without the second sample that fills
	// PreCPUStats (so CPUPercent is 0). API 1.41.
	OneShot bool
}

// StatsOnce returns a single sample of a container's resource usage (the
// stream=false form of [ContainerService.Stats]).
func (s *ContainerService) StatsOnce(ctx context.Context, id string, opts StatsOnceOptions) (ContainerStats, error) {
	const op = "ContainerStats"
	r, err := objectRequest(op, "GET", "/containers/", id, "/stats", wire.Version{})
	if err != nil {
		return ContainerStats{}, err
	}
	r.Query.Set("stream", "0")
	if opts.OneShot {
		r.Query.Set("one-shot", "1")
		r.Requires = []wire.Requirement{{What: op + ": OneShot", Version: v(41)}}
	}
	var out ContainerStats
	err = call(ctx, s.w, r, &out)
	return out, err
}

// ResizeOptions are a TTY's new size in characters.
type ResizeOptions struct {
	Height, Width uint
}

func resize(ctx context.Context, w *wire.Client, op, prefix, id string, opts ResizeOptions) error {
	p, err := idPath(op, prefix, id, "/resize")
	if err != nil {
		return err
	}
	if opts.Height == 0 || opts.Width == 0 {
		return argErr(op, "size", fmt.Sprintf("%dx%d", opts.Height, opts.Width), "height and width must be positive")
	}
	r := req("POST", p, op)
	r.Query.Set("h", strconv.FormatUint(uint64(opts.Height), 10))
	r.Query.Set("w", strconv.FormatUint(uint64(opts.Width), 10))
	return call(ctx, w, r, nil)
}

// Resize resizes a container's TTY.
//
// API: POST /containers/{id}/resize
func (s *ContainerService) Resize(ctx context.Context, id string, opts ResizeOptions) error {
	return resize(ctx, s.w, "ContainerResize", "/containers/", id, opts)
}

// AttachOptions select the streams of [ContainerService.Attach]. With none
// of Stdin, Stdout, Stderr set, Stdout and Stderr are attached.
type AttachOptions struct {
	Stdin, Stdout, Stderr bool
	// Logs replays the container's past output first (before the live
	// stream, with Stream).
	Logs bool
	// NoStream attaches to past output only (Logs) and ends.
	NoStream   bool
	DetachKeys string
	// TTY is the container's Tty setting when the caller knows it; else
	// Attach inspects the container on daemons before API 1.42, whose
	// attach stream does not say if it is multiplexed.
	TTY *bool
}

// Attach attaches to a container's stdio over a hijacked connection:
// read (or Demux) the output, write stdin, CloseWrite to end stdin. The
// connection lives until closed or ctx is cancelled. Attach before Start
// to see all output.
//
// API: POST /containers/{id}/attach
func (s *ContainerService) Attach(ctx context.Context, id string, opts AttachOptions) (*mux.Conn, error) {
	const op = "ContainerAttach"
	r, err := objectRequest(op, "POST", "/containers/", id, "/attach", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	if !opts.Stdin && !opts.Stdout && !opts.Stderr {
		opts.Stdout, opts.Stderr = true, true
	}
	boolParam(r.Query, "stdin", opts.Stdin)
	boolParam(r.Query, "stdout", opts.Stdout)
	boolParam(r.Query, "stderr", opts.Stderr)
	boolParam(r.Query, "logs", opts.Logs)
	if !opts.NoStream {
		r.Query.Set("stream", "1")
	}
	if opts.DetachKeys != "" {
		r.Query.Set("detachKeys", opts.DetachKeys)
	}
	mode, err := newStreamMode(ctx, s.w, opts.TTY, s.ttyOf(id))
	if err != nil {
		return nil, err
	}
	up, err := upgrade(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	muxed, err := mode.multiplexed(ctx, up.Header.Get("Content-Type"))
	if err != nil {
		up.Conn.Close()
		return nil, err
	}
	return mux.NewConn(ctx, up.Conn, up.Reader, muxed), nil
}
