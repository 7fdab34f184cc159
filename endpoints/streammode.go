package endpoints

import (
	"context"

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
