package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// ExecService holds the Exec operations: running a new process in a
// running container. [ContainerService.ExecRun] combines them.
type ExecService struct {
	w *wire.Client
}

// ExecCreateResult is the new exec instance (swagger: IDResponse).
type ExecCreateResult struct {
	ID string `json:"Id"`
}

// Create sets up a process to run in the container id; nothing runs until
// [ExecService.Start].
//
// API: POST /containers/{id}/exec
func (s *ExecService) Create(ctx context.Context, id string, opts ExecCreateOptions) (ExecCreateResult, error) {
	r, err := newRequest("ContainerExec", id)
	if err != nil {
		return ExecCreateResult{}, err
	}
	if len(opts.Cmd) == 0 || opts.Cmd[0] == "" {
		return ExecCreateResult{}, argErr(r.Op, "Cmd", "", "must name a command")
	}
	if opts.ConsoleSize != nil {
		need(r, "ConsoleSize", 42)
	}
	if opts.WorkingDir != "" {
		need(r, "WorkingDir", 35)
	}
	if err := setJSON(r, opts); err != nil {
		return ExecCreateResult{}, err
	}
	return decode[ExecCreateResult](ctx, s.w, r)
}

// ExecStartOptions tune [ExecService.Start] (swagger: the ExecStart
// body).
type ExecStartOptions struct {
	// Detach starts the process and returns at once, with no connection.
	Detach bool
	// Tty must match ExecCreateOptions.Tty: before API 1.42 it is what says
	// whether the output is multiplexed.
	Tty bool
	// ConsoleSize is the TTY's [height, width] (API 1.42).
	ConsoleSize *[2]uint `json:",omitempty"`
}

// Start runs an exec instance. Attached (the default) it returns the
// hijacked connection: read or Demux the output, write stdin, CloseWrite
// to end it; the output ends when the process exits. Detached it returns a
// nil *mux.Conn once the process is started.
//
// API: POST /exec/{id}/start
func (s *ExecService) Start(ctx context.Context, execID string, opts ExecStartOptions) (*mux.Conn, error) {
	r, err := newRequest("ExecStart", execID)
	if err != nil {
		return nil, err
	}
	if opts.ConsoleSize != nil {
		need(r, "ConsoleSize", 42)
	}
	if err := setJSON(r, opts); err != nil {
		return nil, err
	}
	if opts.Detach {
		return nil, call(ctx, s.w, r, nil)
	}
	ver, err := s.w.Version(ctx)
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	up, err := upgrade(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return mux.NewConn(ctx, up.Conn, up.Reader, mux.Multiplexed(ver.String(), up.Header.Get("Content-Type"), opts.Tty)), nil
}

// ExecResizeOptions are a TTY's new size in characters.
type ExecResizeOptions struct {
	Height, Width uint
}

// ExecResizeResult is an empty answer; fields may be added.
type ExecResizeResult struct{}

// Resize resizes an exec instance's TTY.
//
// API: POST /exec/{id}/resize
func (s *ExecService) Resize(ctx context.Context, execID string, opts ExecResizeOptions) (ExecResizeResult, error) {
	r, err := newRequest("ExecResize", execID)
	if err != nil {
		return ExecResizeResult{}, err
	}
	if err := resizeQuery(r, opts.Height, opts.Width); err != nil {
		return ExecResizeResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ExecResizeResult{}, err
}

// ExecInspectOptions tune [ExecService.Inspect]; there is nothing to tune
// yet.
type ExecInspectOptions struct{}

// Inspect returns an exec instance's state; ExitCode is set once it has
// exited.
//
// API: GET /exec/{id}/json
func (s *ExecService) Inspect(ctx context.Context, execID string, opts ExecInspectOptions) (ExecInspectResult, error) {
	r, err := newRequest("ExecInspect", execID)
	if err != nil {
		return ExecInspectResult{}, err
	}
	return decode[ExecInspectResult](ctx, s.w, r)
}
