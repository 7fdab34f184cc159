package endpoints

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/wire"
)

// ContainerStartOptions tune [ContainerService.Start].
type ContainerStartOptions struct {
	DetachKeys string // key sequence that detaches an attached client, "ctrl-p,ctrl-q"
}

// ContainerStartResult says how a start went.
type ContainerStartResult struct {
	// NotModified is true when the container was already running: the
	// daemon answered 304 Not Modified, which is success.
	NotModified bool
}

// Start starts a container. Starting a running container is success, with
// NotModified set.
//
// API: POST /containers/{id}/start
func (s *ContainerService) Start(ctx context.Context, id string, opts ContainerStartOptions) (ContainerStartResult, error) {
	r, err := newRequest("ContainerStart", id)
	if err != nil {
		return ContainerStartResult{}, err
	}
	setString(r.Query, "detachKeys", opts.DetachKeys)
	notMod, err := callNoContent(ctx, s.w, r)
	return ContainerStartResult{NotModified: notMod}, err
}

// ContainerStopOptions tune [ContainerService.Stop].
type ContainerStopOptions struct {
	// Signal replaces the container's stop signal ("SIGINT", "9"); API 1.42.
	Signal string
	// Timeout is how long to wait before killing, in seconds; nil means
	// the container's StopTimeout (10 by default), -1 forever.
	Timeout *int
}

// ContainerStopResult says how a stop went.
type ContainerStopResult struct {
	// NotModified is true when the container was not running: the daemon
	// answered 304 Not Modified, which is success.
	NotModified bool
}

// Stop stops a container: its stop signal, then SIGKILL after the
// timeout. Stopping a stopped container is success, with NotModified set.
// No client timeout cuts the wait.
//
// API: POST /containers/{id}/stop
func (s *ContainerService) Stop(ctx context.Context, id string, opts ContainerStopOptions) (ContainerStopResult, error) {
	r, err := newRequest("ContainerStop", id)
	if err != nil {
		return ContainerStopResult{}, err
	}
	if err := stopQuery(r, opts.Signal, opts.Timeout); err != nil {
		return ContainerStopResult{}, err
	}
	notMod, err := callNoContent(ctx, s.w, r)
	return ContainerStopResult{NotModified: notMod}, err
}

// ContainerRestartOptions tune [ContainerService.Restart].
type ContainerRestartOptions struct {
	// Signal replaces the container's stop signal ("SIGINT", "9"); API 1.42.
	Signal string
	// Timeout is how long to wait before killing, in seconds; nil means
	// the container's StopTimeout (10 by default), -1 forever.
	Timeout *int
}

// ContainerRestartResult is an empty answer; fields may be added.
type ContainerRestartResult struct{}

// Restart stops then starts a container. No client timeout cuts the wait.
//
// API: POST /containers/{id}/restart
func (s *ContainerService) Restart(ctx context.Context, id string, opts ContainerRestartOptions) (ContainerRestartResult, error) {
	r, err := newRequest("ContainerRestart", id)
	if err != nil {
		return ContainerRestartResult{}, err
	}
	if err := stopQuery(r, opts.Signal, opts.Timeout); err != nil {
		return ContainerRestartResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ContainerRestartResult{}, err
}

// stopQuery fills the query stop and restart share; neither is cut by a
// client timeout.
func stopQuery(r *wire.Request, signal string, timeout *int) error {
	if signal != "" {
		if err := checkSignal(r.Op, signal); err != nil {
			return err
		}
		r.Query.Set("signal", signal)
		need(r, "Signal", 42)
	}
	if timeout != nil {
		if *timeout < -1 {
			return argErr(r.Op, "Timeout", strconv.Itoa(*timeout), "must be -1 or more")
		}
		r.Query.Set("t", strconv.Itoa(*timeout))
	}
	r.NoTimeout = true
	return nil
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

// ContainerKillOptions tune [ContainerService.Kill].
type ContainerKillOptions struct {
	Signal string // "SIGKILL" when empty
}

// ContainerKillResult is an empty answer; fields may be added.
type ContainerKillResult struct{}

// Kill sends a signal to a container's main process.
//
// API: POST /containers/{id}/kill
func (s *ContainerService) Kill(ctx context.Context, id string, opts ContainerKillOptions) (ContainerKillResult, error) {
	r, err := newRequest("ContainerKill", id)
	if err != nil {
		return ContainerKillResult{}, err
	}
	if opts.Signal != "" {
		if err := checkSignal(r.Op, opts.Signal); err != nil {
			return ContainerKillResult{}, err
		}
		r.Query.Set("signal", opts.Signal)
	}
	_, err = callNoContent(ctx, s.w, r)
	return ContainerKillResult{}, err
}

// ContainerPauseOptions tune [ContainerService.Pause]; there is nothing to
// tune yet.
type ContainerPauseOptions struct{}

// ContainerPauseResult is an empty answer; fields may be added.
type ContainerPauseResult struct{}

// Pause freezes every process of a container.
//
// API: POST /containers/{id}/pause
func (s *ContainerService) Pause(ctx context.Context, id string, opts ContainerPauseOptions) (ContainerPauseResult, error) {
	r, err := newRequest("ContainerPause", id)
	if err != nil {
		return ContainerPauseResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ContainerPauseResult{}, err
}

// ContainerUnpauseOptions tune [ContainerService.Unpause]; there is
// nothing to tune yet.
type ContainerUnpauseOptions struct{}

// ContainerUnpauseResult is an empty answer; fields may be added.
type ContainerUnpauseResult struct{}

// Unpause thaws a paused container.
//
// API: POST /containers/{id}/unpause
func (s *ContainerService) Unpause(ctx context.Context, id string, opts ContainerUnpauseOptions) (ContainerUnpauseResult, error) {
	r, err := newRequest("ContainerUnpause", id)
	if err != nil {
		return ContainerUnpauseResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ContainerUnpauseResult{}, err
}

// Wait conditions.
const (
	WaitNotRunning = "not-running"
	WaitNextExit   = "next-exit"
	WaitRemoved    = "removed"
)

// ContainerWaitOptions tune [ContainerService.Wait].
type ContainerWaitOptions struct {
	// Condition is WaitNotRunning (the default), WaitNextExit or
	// WaitRemoved; API 1.30.
	Condition string
}

// ContainerWaitResult is the exit of a waited container (swagger:
// ContainerWaitResponse). Error is the daemon's message when waiting
// itself failed ("" otherwise).
type ContainerWaitResult struct {
	StatusCode int64
	Error      string
}

// Wait blocks until the container meets the condition and returns its exit
// code. Only ctx bounds it: no client timeout applies.
//
// API: POST /containers/{id}/wait
func (s *ContainerService) Wait(ctx context.Context, id string, opts ContainerWaitOptions) (ContainerWaitResult, error) {
	result, err := s.startWait(ctx, id, opts)
	if err != nil {
		return ContainerWaitResult{}, err
	}
	return result()
}

// startWait sends the wait request and returns once the daemon has
// registered it (API 1.30+ answers the headers at once); the returned func
// blocks for the result.
func (s *ContainerService) startWait(ctx context.Context, id string, opts ContainerWaitOptions) (func() (ContainerWaitResult, error), error) {
	r, err := newRequest("ContainerWait", id)
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	switch opts.Condition {
	case "":
	case WaitNotRunning, WaitNextExit, WaitRemoved:
		r.Query.Set("condition", opts.Condition)
		need(r, "Condition", 30)
	default:
		return nil, argErr(r.Op, "Condition", opts.Condition, "want not-running, next-exit or removed")
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
				return ContainerWaitResult{}, fmt.Errorf("endpoints: %s: %w", r.Op, ctx.Err())
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return ContainerWaitResult{}, fmt.Errorf("endpoints: %s: decoding response: %w", r.Op, err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		out := ContainerWaitResult{StatusCode: body.StatusCode}
		if body.Error != nil {
			out.Error = body.Error.Message
		}
		return out, nil
	}, nil
}

// ContainerDeleteOptions tune [ContainerService.Delete].
type ContainerDeleteOptions struct {
	Force         bool // kill a running container first
	RemoveVolumes bool // remove its anonymous volumes
	// RemoveLinks removes the link the id names ("/web/db": the link db of
	// the container web) instead of a container.
	RemoveLinks bool
}

// ContainerDeleteResult is an empty answer; fields may be added.
type ContainerDeleteResult struct{}

// Delete removes a container (docker rm).
//
// API: DELETE /containers/{id}
func (s *ContainerService) Delete(ctx context.Context, id string, opts ContainerDeleteOptions) (ContainerDeleteResult, error) {
	r, err := newRequest("ContainerDelete", id)
	if err != nil {
		return ContainerDeleteResult{}, err
	}
	setBool(r.Query, "force", opts.Force)
	setBool(r.Query, "v", opts.RemoveVolumes)
	setBool(r.Query, "link", opts.RemoveLinks)
	_, err = callNoContent(ctx, s.w, r)
	return ContainerDeleteResult{}, err
}

// ContainerUpdateOptions are the settings [ContainerService.Update]
// changes: the non-zero fields of Resources, and RestartPolicy when set
// (swagger: the ContainerUpdate body).
type ContainerUpdateOptions struct {
	Resources
	RestartPolicy *RestartPolicy `json:",omitempty"`
}

// ContainerUpdateResult carries the daemon's warnings (swagger:
// ContainerUpdateResponse).
type ContainerUpdateResult struct {
	Warnings []string
}

// Update changes a container's resources and restart policy while it runs.
//
// API: POST /containers/{id}/update
func (s *ContainerService) Update(ctx context.Context, id string, opts ContainerUpdateOptions) (ContainerUpdateResult, error) {
	r, err := newRequest("ContainerUpdate", id)
	if err != nil {
		return ContainerUpdateResult{}, err
	}
	if err := checkResources(r.Op, &opts.Resources); err != nil {
		return ContainerUpdateResult{}, err
	}
	if opts.RestartPolicy != nil {
		if err := checkRestart(r.Op, *opts.RestartPolicy, false); err != nil {
			return ContainerUpdateResult{}, err
		}
	}
	if opts.PidsLimit != nil {
		need(r, "PidsLimit", 40)
	}
	if opts.BlkioWeightDevice != nil || opts.BlkioDeviceReadBps != nil || opts.BlkioDeviceWriteBps != nil ||
		opts.BlkioDeviceReadIOps != nil || opts.BlkioDeviceWriteIOps != nil {
		need(r, "per-device Blkio settings", 55) // accepted by older daemons, and ignored
	}
	if err := setJSON(r, opts); err != nil {
		return ContainerUpdateResult{}, err
	}
	return decode[ContainerUpdateResult](ctx, s.w, r)
}

// ContainerRenameOptions tune [ContainerService.Rename]; there is nothing
// to tune yet.
type ContainerRenameOptions struct{}

// ContainerRenameResult is an empty answer; fields may be added.
type ContainerRenameResult struct{}

// Rename gives a container a new name.
//
// API: POST /containers/{id}/rename
func (s *ContainerService) Rename(ctx context.Context, id, name string, opts ContainerRenameOptions) (ContainerRenameResult, error) {
	r, err := newRequest("ContainerRename", id)
	if err != nil {
		return ContainerRenameResult{}, err
	}
	if !validName(name) {
		return ContainerRenameResult{}, argErr(r.Op, "name", name, "invalid container name: want [a-zA-Z0-9][a-zA-Z0-9_.-]*")
	}
	r.Query.Set("name", name)
	_, err = callNoContent(ctx, s.w, r)
	return ContainerRenameResult{}, err
}

// ContainerPruneOptions select what [ContainerService.Prune] removes.
type ContainerPruneOptions struct {
	// Filters: "until" (a timestamp or duration), "label" and "label!".
	Filters wire.Filters
}

// ContainerPruneResult lists what prune removed (swagger:
// the ContainerPrune response).
type ContainerPruneResult struct {
	ContainersDeleted []string
	SpaceReclaimed    uint64
}

// Prune removes stopped containers.
//
// API: POST /containers/prune
func (s *ContainerService) Prune(ctx context.Context, opts ContainerPruneOptions) (ContainerPruneResult, error) {
	r, err := newRequest("ContainerPrune")
	if err != nil {
		return ContainerPruneResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	return decode[ContainerPruneResult](ctx, s.w, r)
}
