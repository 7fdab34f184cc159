package endpoints

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// streamMode decides whether a logs or attach stream is multiplexed, by the
// rule of mux.Multiplexed: from API 1.42 the response's Content-Type says;
// before, or when a daemon sends no stream Content-Type, the container's (or
// service's) Tty setting decides. The setting is the caller's hint when it
// gave one, else looked up with look, only when the answer needs it.
type streamMode struct {
	ver  wire.Version
	tty  *bool
	look func(context.Context) (bool, error)
}

// newStreamMode is called before the request. Below API 1.42 the
// Content-Type never decides, so the Tty is looked up now: once the stream
// has ended the container may be gone (AutoRemove).
func newStreamMode(ctx context.Context, w *wire.Client, hint *bool, look func(context.Context) (bool, error)) (*streamMode, error) {
	ver, err := w.Version(ctx)
	if err != nil {
		return nil, err
	}
	m := &streamMode{ver: ver, tty: hint, look: look}
	if m.tty == nil && ver.Less(v(42)) {
		if err := m.lookup(ctx); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *streamMode) lookup(ctx context.Context) error {
	t, err := m.look(ctx)
	if err != nil {
		return err
	}
	m.tty = &t
	return nil
}

// multiplexed decides from the response's Content-Type ct, looking the Tty
// up if the type does not tell and it is not known yet.
func (m *streamMode) multiplexed(ctx context.Context, ct string) (bool, error) {
	if m.tty == nil && !knownStreamType(ct) {
		if err := m.lookup(ctx); err != nil {
			return false, err
		}
	}
	return mux.Multiplexed(m.ver.String(), ct, m.tty != nil && *m.tty), nil
}

// logsQuery is what the container, service and task logs operations
// share in their query.
type logsQuery struct {
	Stdout, Stderr, Follow, Timestamps bool
	Since                              time.Time
	Tail                               string
}

// apply fills r's query from q: both streams when neither is asked for, no
// client timeout when following; a bad Tail is an *ArgError.
func (q logsQuery) apply(r *wire.Request) error {
	stdout, stderr := q.Stdout, q.Stderr
	if !stdout && !stderr {
		stdout, stderr = true, true
	}
	setBool(r.Query, "stdout", stdout)
	setBool(r.Query, "stderr", stderr)
	setBool(r.Query, "follow", q.Follow)
	setBool(r.Query, "timestamps", q.Timestamps)
	r.NoTimeout = q.Follow
	if !q.Since.IsZero() {
		r.Query.Set("since", unixTimestamp(q.Since))
	}
	switch q.Tail {
	case "", "all":
	default:
		if n, err := strconv.Atoi(q.Tail); err != nil || n < 0 {
			return argErr(r.Op, "Tail", q.Tail, `want "all" or a non-negative number`)
		}
		r.Query.Set("tail", q.Tail)
	}
	return nil
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

// knownStreamType reports whether the Content-Type ct is one of the two
// stream types, which say whether a stream is multiplexed.
func knownStreamType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	return mt == mux.MediaRawStream || mt == mux.MediaMultiplexedStream
}
