package endpoints

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// ContainerLogsOptions select the log lines [ContainerService.Logs] streams.
type ContainerLogsOptions struct {
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
	// Details prefixes every line with the extra attributes the log
	// driver keeps (the env and labels of its log-opts), as docker logs
	// --details does.
	Details bool
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
func (s *ContainerService) Logs(ctx context.Context, id string, opts ContainerLogsOptions) (*mux.Output, error) {
	r, err := newRequest("ContainerLogs", id)
	if err != nil {
		return nil, err
	}
	q := logsQuery{Stdout: opts.Stdout, Stderr: opts.Stderr, Follow: opts.Follow, Timestamps: opts.Timestamps, Since: opts.Since, Tail: opts.Tail}
	if err := q.apply(r); err != nil {
		return nil, err
	}
	if !opts.Until.IsZero() {
		r.Query.Set("until", unixTimestamp(opts.Until))
		need(r, "Until", 35)
	}
	setBool(r.Query, "details", opts.Details)
	return openLogs(ctx, s.w, r, opts.TTY, s.ttyOf(id))
}

// ProcessOutput is a process's output read whole, in the two forms
// docker-py gives it.
type ProcessOutput struct {
	// Output is stdout and stderr in the order they came (docker-py's
	// bytes); with a TTY, the terminal's output.
	Output []byte
	// Stdout and Stderr are the same output split (docker-py's
	// demux=True); with a TTY everything is in Stdout.
	Stdout, Stderr []byte
}

// readOutput reads a Demux-able output to its end.
func readOutput(op string, o interface {
	Demux(stdout, stderr io.Writer) (int64, error)
}) (ProcessOutput, error) {
	var all, stdout, stderr bytes.Buffer
	_, err := o.Demux(io.MultiWriter(&all, &stdout), io.MultiWriter(&all, &stderr))
	res := ProcessOutput{Output: all.Bytes(), Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if err != nil {
		return res, fmt.Errorf("endpoints: %s: reading output: %w", op, err)
	}
	return res, nil
}

// ContainerLogsBytesResult is a container's logs read whole.
type ContainerLogsBytesResult struct {
	ProcessOutput
}

// LogsBytes returns a container's logs read whole, as docker-py's
// container.logs() returns them: Output holds stdout and stderr as they
// came, Stdout and Stderr the same split. The logs are held in memory
// (twice): for logs of unknown size, read [ContainerService.Logs] as it
// streams. With Follow it returns once the container stops.
func (s *ContainerService) LogsBytes(ctx context.Context, id string, opts ContainerLogsOptions) (ContainerLogsBytesResult, error) {
	out, err := s.Logs(ctx, id, opts)
	if err != nil {
		return ContainerLogsBytesResult{}, err
	}
	defer out.Close()
	po, err := readOutput("LogsBytes", out)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("endpoints: LogsBytes: %w", ctx.Err())
	}
	return ContainerLogsBytesResult{po}, err
}

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

// ContainerStatsOptions tune [ContainerService.Stats]; there is nothing to
// tune yet.
type ContainerStatsOptions struct{}

// Stats streams a container's resource usage, about one sample a second,
// until ctx is cancelled, the stream is closed or the container stops. See
// [ContainerService.StatsOnce] for a single sample.
//
// API: GET /containers/{id}/stats
func (s *ContainerService) Stats(ctx context.Context, id string, opts ContainerStatsOptions) (*wire.Stream[ContainerStats], error) {
	r, err := newRequest("ContainerStats", id)
	if err != nil {
		return nil, err
	}
	r.Query.Set("stream", "1")
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return wire.NewStream[ContainerStats](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{Decode: recordDecoder(decodeContainerStats)}), nil
}

// ContainerStatsOnceOptions tune [ContainerService.StatsOnce].
type ContainerStatsOnceOptions struct {
	// OneShot returns at once, without the second sample that fills
	// PreCPUStats (so CPUPercent is 0). API 1.41.
	OneShot bool
}

// ContainerStatsOnceResult is one sample of a container's resource usage.
type ContainerStatsOnceResult struct {
	ContainerStats
}

// StatsOnce returns a single sample of a container's resource usage (the
// stream=false form of [ContainerService.Stats]).
func (s *ContainerService) StatsOnce(ctx context.Context, id string, opts ContainerStatsOnceOptions) (ContainerStatsOnceResult, error) {
	r, err := newRequest("ContainerStats", id)
	if err != nil {
		return ContainerStatsOnceResult{}, err
	}
	r.Query.Set("stream", "0")
	if opts.OneShot {
		r.Query.Set("one-shot", "1")
		need(r, "OneShot", 41)
	}
	return decodeWith(ctx, s.w, r, decodeContainerStatsOnce)
}

// ContainerResizeOptions are a TTY's new size in characters.
type ContainerResizeOptions struct {
	Height, Width uint
}

// ContainerResizeResult is an empty answer; fields may be added.
type ContainerResizeResult struct{}

// Resize resizes a container's TTY.
//
// API: POST /containers/{id}/resize
func (s *ContainerService) Resize(ctx context.Context, id string, opts ContainerResizeOptions) (ContainerResizeResult, error) {
	r, err := newRequest("ContainerResize", id)
	if err != nil {
		return ContainerResizeResult{}, err
	}
	if err := resizeQuery(r, opts.Height, opts.Width); err != nil {
		return ContainerResizeResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ContainerResizeResult{}, err
}

// resizeQuery fills the query container and exec resize share.
func resizeQuery(r *wire.Request, height, width uint) error {
	if height == 0 || width == 0 {
		return argErr(r.Op, "size", fmt.Sprintf("%dx%d", height, width), "height and width must be positive")
	}
	r.Query.Set("h", strconv.FormatUint(uint64(height), 10))
	r.Query.Set("w", strconv.FormatUint(uint64(width), 10))
	return nil
}

// ContainerAttachOptions select the streams of [ContainerService.Attach].
// With none of Stdin, Stdout, Stderr set, Stdout and Stderr are attached.
type ContainerAttachOptions struct {
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
func (s *ContainerService) Attach(ctx context.Context, id string, opts ContainerAttachOptions) (*mux.Conn, error) {
	r, err := newRequest("ContainerAttach", id)
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	if !opts.Stdin && !opts.Stdout && !opts.Stderr {
		opts.Stdout, opts.Stderr = true, true
	}
	setBool(r.Query, "stdin", opts.Stdin)
	setBool(r.Query, "stdout", opts.Stdout)
	setBool(r.Query, "stderr", opts.Stderr)
	setBool(r.Query, "logs", opts.Logs)
	setBool(r.Query, "stream", !opts.NoStream)
	setString(r.Query, "detachKeys", opts.DetachKeys)
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

// ContainerAttachBytesResult is an attach's output read whole.
type ContainerAttachBytesResult struct {
	ProcessOutput
}

// AttachBytes attaches to a container and reads its output until the
// attach ends, as docker-py's container.attach(logs=True) (stream=False)
// does: with opts.Logs and opts.NoStream, the output so far; without
// NoStream, everything until the container stops. It writes no stdin
// (opts.Stdin is an *ArgError): use Attach for that. The output is held
// in memory (twice).
func (s *ContainerService) AttachBytes(ctx context.Context, id string, opts ContainerAttachOptions) (ContainerAttachBytesResult, error) {
	if opts.Stdin {
		return ContainerAttachBytesResult{}, argErr("AttachBytes", "Stdin", "true", "AttachBytes only reads: use Attach to write stdin")
	}
	conn, err := s.Attach(ctx, id, opts)
	if err != nil {
		return ContainerAttachBytesResult{}, err
	}
	defer conn.Close()
	po, err := readOutput("AttachBytes", conn)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("endpoints: AttachBytes: %w", ctx.Err())
	}
	return ContainerAttachBytesResult{po}, err
}
