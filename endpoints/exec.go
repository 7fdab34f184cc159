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

// NewExec returns the Exec operations over w.
func NewExec(w *wire.Client) *ExecService { return &ExecService{w: w} }

// ExecCreateResult is the new exec instance (swagger: IDResponse).
type ExecCreateResult struct {
	ID string `json:"Id"`
}

// Create sets up a process to run in the container id; nothing runs until
// [ExecService.Start].
//
// API: POST /containers/{id}/exec
func (s *ExecService) Create(ctx context.Context, id string, cfg ExecConfig) (ExecCreateResult, error) {
	const op = "ContainerExec"
	p, err := idPath(op, "/containers/", id, "/exec")
	if err != nil {
		return ExecCreateResult{}, err
	}
	if len(cfg.Cmd) == 0 || cfg.Cmd[0] == "" {
		return ExecCreateResult{}, argErr(op, "Cmd", "", "must name a command")
	}
	r, err := wire.JSONRequest("POST", p, cfg)
	if err != nil {
		return ExecCreateResult{}, err
	}
	r.Op = op
	if cfg.ConsoleSize != nil {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": ConsoleSize", Version: v(42)})
	}
	if cfg.WorkingDir != "" {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": WorkingDir", Version: v(35)})
	}
	var out ExecCreateResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// ExecStartOptions tune [ExecService.Start].
type ExecStartOptions struct {
	// Detach starts the process and returns at once, with no connection.
	Detach bool
	// Tty must match the ExecConfig's Tty: before API 1.42 it is what says
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
	const op = "ExecStart"
	p, err := idPath(op, "/exec/", execID, "/start")
	if err != nil {
		return nil, err
	}
	r, err := wire.JSONRequest("POST", p, opts)
	if err != nil {
		return nil, err
	}
	r.Op = op
	if opts.ConsoleSize != nil {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": ConsoleSize", Version: v(42)})
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

// Resize resizes an exec instance's TTY.
//
// API: POST /exec/{id}/resize
func (s *ExecService) Resize(ctx context.Context, execID string, opts ResizeOptions) error {
	return resize(ctx, s.w, "ExecResize", "/exec/", execID, opts)
}

// Inspect returns an exec instance's state; ExitCode is set once it has
// exited.
//
// API: GET /exec/{id}/json
func (s *ExecService) Inspect(ctx context.Context, execID string) (ExecInspect, error) {
	const op = "ExecInspect"
	p, err := idPath(op, "/exec/", execID, "/json")
	if err != nil {
		return ExecInspect{}, err
	}
	var out ExecInspect
	err = call(ctx, s.w, req("GET", p, op), &out)
	return out, err
}
