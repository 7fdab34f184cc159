package mockdaemon

import (
	"net/http"
)

// apiError is an error with the HTTP status dockerd answers it with.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errNotFound(msg string) error { return &apiError{http.StatusNotFound, msg} }
func errConflict(msg string) error { return &apiError{http.StatusConflict, msg} }
func errInvalid(msg string) error  { return &apiError{http.StatusBadRequest, msg} }
func errInternal(msg string) error { return &apiError{http.StatusInternalServerError, msg} }
func errNotModified() error        { return &apiError{http.StatusNotModified, ""} }
func errNotImplemented(msg string) error {
	return &apiError{http.StatusNotImplemented, msg}
}
func errUnavailable(msg string) error {
	return &apiError{http.StatusServiceUnavailable, msg}
}

func noSuchContainer(id string) error { return errNotFound("No such container: " + id) }
func noSuchImage(ref string) error    { return errNotFound("No such image: " + ref) }
func noSuchExec(id string) error      { return errNotFound("No such exec instance: " + id) }

func errForbidden(msg string) error { return &apiError{http.StatusForbidden, msg} }

// wording is dockerd 20.10's wording of a message (API up to 1.41), or
// the one of newer daemons.
func wording(ver apiVersion, old, current string) string {
	if ver.atLeast("1.42") {
		return current
	}
	return old
}

// errNotRunning is the conflict of an operation that needs container id
// running.
func errNotRunning(ver apiVersion, id string) error {
	return errConflict(wording(ver, "Container "+id+" is not running", "container "+id+" is not running"))
}
