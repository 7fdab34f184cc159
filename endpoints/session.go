package endpoints

import (
	"context"
	"net"

	"github.com/dockwire/dockwire/wire"
)

// SessionService holds the Session operation: the connection BuildKit
// uses to call back into the client (file sync, auth, secrets, ssh).
//
// Deprecated: POST /session is deprecated since API 1.53 and will be
// removed from the Engine; BuildKit's own API replaces it.
type SessionService struct {
	w *wire.Client
}

// SessionStartOptions identify a session to the daemon (the headers BuildKit's
// session manager reads).
type SessionStartOptions struct {
	// ID is the session's unique id (X-Docker-Expose-Session-Uuid); required.
	ID string
	// Name names the session (X-Docker-Expose-Session-Name), SharedKey
	// scopes cached local sources (X-Docker-Expose-Session-Sharedkey).
	Name, SharedKey string
	// Methods are the gRPC methods the client will serve
	// (X-Docker-Expose-Session-Grpc-Method), e.g.
	// "/moby.filesync.v1.FileSync/DiffCopy".
	Methods []string
}

// Start upgrades a connection to h2c and hands it over raw: the caller
// serves HTTP/2 gRPC on it (the daemon is the gRPC client). Read from
// Reader first (it may hold bytes that arrived with the 101), write to
// Conn; closing Conn or cancelling ctx ends the session. It needs API 1.31
// (experimental before 1.39).
//
// Deprecated: see [SessionService].
//
// API: POST /session
func (s *SessionService) Start(ctx context.Context, opts SessionStartOptions) (*wire.Upgraded, error) {
	r, err := newRequest("Session")
	if err != nil {
		return nil, err
	}
	if opts.ID == "" {
		return nil, argErr(r.Op, "ID", "", "must not be empty")
	}
	h := wire.Header{
		"Upgrade":                      {"h2c"},
		"X-Docker-Expose-Session-Uuid": {opts.ID},
	}
	if opts.Name != "" {
		h["X-Docker-Expose-Session-Name"] = []string{opts.Name}
	}
	if opts.SharedKey != "" {
		h["X-Docker-Expose-Session-Sharedkey"] = []string{opts.SharedKey}
	}
	if len(opts.Methods) > 0 {
		h["X-Docker-Expose-Session-Grpc-Method"] = opts.Methods
	}
	for k, vs := range h {
		for _, val := range vs {
			if err := checkNoControl(r.Op, k, val); err != nil {
				return nil, err
			}
		}
	}
	r.Header, r.NoTimeout = h, true
	up, err := upgrade(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	// wire hands the connection over unwatched: ctx bounds the session.
	raw := up.Conn
	up.Conn = &sessionConn{Conn: raw, stop: context.AfterFunc(ctx, func() { raw.Close() })}
	return up, nil
}

// sessionConn is a session's connection, closed when its ctx ends.
type sessionConn struct {
	net.Conn
	stop func() bool
}

func (c *sessionConn) Close() error {
	c.stop()
	return c.Conn.Close()
}
