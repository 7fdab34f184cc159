package endpoints

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/wire"
)

// StartOptions tune [ContainerService.Start].
type StartOptions struct {
	DetachKeys string // key sequence that detaches an attached client, "ctrl-p,ctrl-q"
}

// simple runs a POST /containers/{id}/<what> that answers 204 or 304.
func (s *ContainerService) simple(ctx context.Context, op, id, suffix string, q url.Values, reqs []wire.Requirement, noTimeout bool) error {
	p, err := idPath(op, "/containers/", id, suffix)
	if err != nil {
		return err
	}
	r := req("POST", p, op)
	if q != nil {
		r.Query = q
	}
	r.Requires = reqs
	r.NoTimeout = noTimeout
	return call(ctx, s.w, r, nil)
}

// Start starts a container. Starting a running container is success: the
// daemon answers 304 Not Modified.
//
// API: POST /containers/{id}/start
func (s *ContainerService) Start(ctx context.Context, id string, opts StartOptions) error {
	q := url.Values{}
	if opts.DetachKeys != "" {
		q.Set("detachKeys", opts.DetachKeys)
	}
	return s.simple(ctx, "ContainerStart", id, "/start", q, nil, false)
}

// StopOptions tune [ContainerService.Stop] and [ContainerService.Restart].
type StopOptions struct {
	// Signal replaces the container's stop signal ("SIGINT", "9"); API 1.42.
	Signal string
	// Timeout is how long to wait before killing, in seconds; nil means
	// the container's StopTimeout (10 by default), -1 forever.
	Timeout *int
}

func stopQuery(op string, opts StopOptions) (url.Values, []wire.Requirement, error) {
	q := url.Values{}
	var reqs []wire.Requirement
	if opts.Signal != "" {
		if err := checkSignal(op, opts.Signal); err != nil {
			return nil, nil, err
		}
		q.Set("signal", opts.Signal)
		reqs = append(reqs, wire.Requirement{What: op + ": Signal", Version: v(42)})
	}
	if opts.Timeout != nil {
		if *opts.Timeout < -1 {
			return nil, nil, argErr(op, "Timeout", strconv.Itoa(*opts.Timeout), "must be -1 or more")
		}
		q.Set("t", strconv.Itoa(*opts.Timeout))
	}
	return q, reqs, nil
}

// validSignal reports whether sig looks like a signal: a number of 1 to 3
// digits, or a name of 2 to 12 upper-case letters, digits, '+' or '-',
// optionally after "SIG" ("SIGTERM", "KILL", "SIGRTMIN+3").
func validSignal(sig string) bool {
	if n := len(sig); n >= 1 && n <= 3 && strings.Trim(sig, "0123456789") == "" {
		return true
	}
	name := sig
	if len(name) > 3 && strings.HasPrefix(name, "SIG") && validSignalName(name[3:]) {
		return true
	}
	return validSignalName(name)
}

func validSignalName(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

func checkSignal(op, sig string) error {
	if !validSignal(sig) {
		return argErr(op, "Signal", sig, `not a signal: want a name ("SIGTERM", "KILL") or a number`)
	}
	return nil
}

// Stop stops a container: its stop signal, then SIGKILL after the
// timeout. Stopping a stopped container is success: the daemon answers
// 304 Not Modified. No client timeout cuts the wait.
//
// API: POST /containers/{id}/stop
func (s *ContainerService) Stop(ctx context.Context, id string, opts StopOptions) error {
	const op = "ContainerStop"
	q, reqs, err := stopQuery(op, opts)
	if err != nil {
		return err
	}
	return s.simple(ctx, op, id, "/stop", q, reqs, true)
}

// Restart stops then starts a container.
//
// API: POST /containers/{id}/restart
func (s *ContainerService) Restart(ctx context.Context, id string, opts StopOptions) error {
	const op = "ContainerRestart"
	q, reqs, err := stopQuery(op, opts)
	if err != nil {
		return err
	}
	return s.simple(ctx, op, id, "/restart", q, reqs, true)
}

// KillOptions tune [ContainerService.Kill].
type KillOptions struct {
	Signal string // "SIGKILL" when empty
}

// Kill sends a signal to a container's main process.
//
// API: POST /containers/{id}/kill
func (s *ContainerService) Kill(ctx context.Context, id string, opts KillOptions) error {
	const op = "ContainerKill"
	q := url.Values{}
	if opts.Signal != "" {
		if err := checkSignal(op, opts.Signal); err != nil {
			return err
		}
		q.Set("signal", opts.Signal)
	}
	return s.simple(ctx, op, id, "/kill", q, nil, false)
}

// UpdateOptions are the settings [ContainerService.Update] changes: the
// non-zero fields of Resources, and RestartPolicy when set.
type UpdateOptions struct {
	Resources
	RestartPolicy *RestartPolicy `json:",omitempty"`
}

// Update changes a container's resources and restart policy while it runs.
//
// API: POST /containers/{id}/update
func (s *ContainerService) Update(ctx context.Context, id string, opts UpdateOptions) (ContainerUpdateResult, error) {
	const op = "ContainerUpdate"
	p, err := idPath(op, "/containers/", id, "/update")
	if err != nil {
		return ContainerUpdateResult{}, err
	}
	if err := checkResources(op, &opts.Resources); err != nil {
		return ContainerUpdateResult{}, err
	}
	if opts.RestartPolicy != nil {
		if err := checkRestart(op, *opts.RestartPolicy, false); err != nil {
			return ContainerUpdateResult{}, err
		}
	}
	r, err := wire.JSONRequest("POST", p, opts)
	if err != nil {
		return ContainerUpdateResult{}, err
	}
	r.Op = op
	if opts.PidsLimit != nil {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": PidsLimit", Version: v(40)})
	}
	if opts.BlkioWeightDevice != nil || opts.BlkioDeviceReadBps != nil || opts.BlkioDeviceWriteBps != nil ||
		opts.BlkioDeviceReadIOps != nil || opts.BlkioDeviceWriteIOps != nil {
		// Accepted by older daemons, and ignored.
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": per-device Blkio settings", Version: v(55)})
	}
	var out ContainerUpdateResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// Rename gives a container a new name.
//
// API: POST /containers/{id}/rename
func (s *ContainerService) Rename(ctx context.Context, id, name string) error {
	const op = "ContainerRename"
	if !validName(name) {
		return argErr(op, "name", name, "invalid container name: want [a-zA-Z0-9][a-zA-Z0-9_.-]*")
	}
	return s.simple(ctx, op, id, "/rename", url.Values{"name": {name}}, nil, false)
}

// Pause freezes every process of a container.
//
// API: POST /containers/{id}/pause
func (s *ContainerService) Pause(ctx context.Context, id string) error {
	return s.simple(ctx, "ContainerPause", id, "/pause", nil, nil, false)
}

// Unpause thaws a paused container.
//
// API: POST /containers/{id}/unpause
func (s *ContainerService) Unpause(ctx context.Context, id string) error {
	return s.simple(ctx, "ContainerUnpause", id, "/unpause", nil, nil, false)
}

// Wait conditions.
const (
	WaitNotRunning = "not-running"
	WaitNextExit   = "next-exit"
	WaitRemoved    = "removed"
)

// WaitOptions tune [ContainerService.Wait].
type WaitOptions struct {
	// Condition is WaitNotRunning (the default), WaitNextExit or
	// WaitRemoved; API 1.30.
	Condition string
}

// Wait blocks until the container meets the condition and returns its exit
// code. Only ctx bounds it: no client timeout applies.
//
// API: POST /containers/{id}/wait
func (s *ContainerService) Wait(ctx context.Context, id string, opts WaitOptions) (ContainerWaitResult, error) {
	result, err := s.startWait(ctx, id, opts)
	if err != nil {
		return ContainerWaitResult{}, err
	}
	return result()
}

// startWait sends the wait request and returns once the daemon has
// registered it (API 1.30+ answers the headers at once); the returned func
// blocks for the result.
func (s *ContainerService) startWait(ctx context.Context, id string, opts WaitOptions) (func() (ContainerWaitResult, error), error) {
	const op = "ContainerWait"
	r, err := objectRequest(op, "POST", "/containers/", id, "/wait", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	switch opts.Condition {
	case "":
	case WaitNotRunning, WaitNextExit, WaitRemoved:
		r.Query.Set("condition", opts.Condition)
		r.Requires = []wire.Requirement{{What: op + ": Condition", Version: v(30)}}
	default:
		return nil, argErr(op, "Condition", opts.Condition, "want not-running, next-exit or removed")
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return func() (ContainerWaitResult, error) {
		defer resp.Body.Close()
		var body struct {
			StatusCode int64
			Error      *struct{ Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			if ctx.Err() != nil {
				return ContainerWaitResult{}, fmt.Errorf("endpoints: %s: %w", op, ctx.Err())
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return ContainerWaitResult{}, fmt.Errorf("endpoints: %s: decoding response: %w", op, err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		out := ContainerWaitResult{StatusCode: body.StatusCode}
		if body.Error != nil {
			out.Error = body.Error.Message
		}
		return out, nil
	}, nil
}

// DeleteOptions tune [ContainerService.Delete].
type DeleteOptions struct {
	Force         bool // kill a running container first
	RemoveVolumes bool // remove its anonymous volumes
	RemoveLinks   bool // remove the link named id instead of a container
}

// Delete removes a container.
//
// API: DELETE /containers/{id}
func (s *ContainerService) Delete(ctx context.Context, id string, opts DeleteOptions) error {
	const op = "ContainerDelete"
	r, err := objectRequest(op, "DELETE", "/containers/", id, "", wire.Version{})
	if err != nil {
		return err
	}
	boolParam(r.Query, "force", opts.Force)
	boolParam(r.Query, "v", opts.RemoveVolumes)
	boolParam(r.Query, "link", opts.RemoveLinks)
	return call(ctx, s.w, r, nil)
}

// PruneOptions select what [ContainerService.Prune] removes.
type PruneOptions struct {
	// Filters: "until" (a timestamp or duration), "label" and "label!".
	Filters wire.Filters
}

// Prune removes stopped containers.
//
// API: POST /containers/prune
func (s *ContainerService) Prune(ctx context.Context, opts PruneOptions) (ContainerPruneResult, error) {
	const op = "ContainerPrune"
	r := req("POST", "/containers/prune", op)
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	var out ContainerPruneResult
	err := call(ctx, s.w, r, &out)
	return out, err
}
