package endpoints

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/wire"
)

// ErrImageNotFound is matched, besides wire.ErrNotFound, by the error of an
// operation that failed because the daemon does not have the image it names
// (docker-py's ImageNotFound), as opposed to a missing container:
//
//	if errors.Is(err, endpoints.ErrImageNotFound) { /* pull it */ }
var ErrImageNotFound = errors.New("endpoints: image not found")

// ErrRedirect is matched by the error of an operation the daemon answered
// with a redirect (301, 302, 307, 308) instead of an answer. Redirects are
// never followed; the *wire.Error with the status stays reachable with
// errors.As. dockerd redirects a path its router cleans, which dockwire's
// escaping of ids and names never builds: seeing one means a proxy or
// daemon that does not speak the API as dockerd does.
var ErrRedirect = errors.New("redirect from the daemon (never followed)")

// ArgError reports an argument refused before any I/O: an empty or
// malformed id, an unknown restart policy, a bad port spec or memory
// string, conflicting options. errors.Is(err, wire.ErrInvalidArgument)
// holds for it, as it does for the daemon's own 400 answers.
type ArgError struct {
	Op     string // the operation or helper ("ContainerCreate", "ParseMemory")
	Field  string // the argument ("id", "HostConfig.RestartPolicy.Name")
	Value  string // the value given, quoted in the message
	Reason string // what is wrong with it
	Err    error  // an underlying cause, may be nil
}

func (e *ArgError) Error() string {
	var b strings.Builder
	b.WriteString("endpoints: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(" ")
	}
	b.WriteString(strconv.Quote(e.Value))
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is wire.ErrInvalidArgument.
func (e *ArgError) Is(target error) bool { return target == wire.ErrInvalidArgument }

// Unwrap returns the cause.
func (e *ArgError) Unwrap() error { return e.Err }

func argErr(op, field, value, reason string) error {
	return &ArgError{Op: op, Field: field, Value: value, Reason: reason}
}

// ContainerError is the error of an attached [ContainerService.Run] whose
// command exited non-zero (docker-py's ContainerError).
type ContainerError struct {
	ContainerID string
	ExitCode    int64
	Command     []string
	Image       string
	// Stderr is the container's stderr (cut to its last 64 KiB), or its
	// TTY output when it ran with a TTY.
	Stderr []byte
}

func (e *ContainerError) Error() string {
	msg := fmt.Sprintf("endpoints: command %q in image %q returned non-zero exit status %d", strings.Join(e.Command, " "), e.Image, e.ExitCode)
	if s := strings.TrimSpace(string(e.Stderr)); s != "" {
		if len(s) > 512 {
			s = "..." + s[len(s)-512:]
		}
		msg += ": " + s
	}
	return msg
}

// imageNotFound marks err as ErrImageNotFound when it is the daemon's 404
// about an image ("No such image: x"), keeping it a *wire.Error for
// errors.As and wire.ErrNotFound.
func imageNotFound(err error) error {
	var werr *wire.Error
	if errors.As(err, &werr) && werr.StatusCode == 404 && strings.Contains(strings.ToLower(werr.Message), "no such image") {
		return fmt.Errorf("%w: %w", ErrImageNotFound, err)
	}
	return err
}
