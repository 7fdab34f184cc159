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
func errNotImplemented(msg string) error {
	return &apiError{http.StatusNotImplemented, msg}
}
func errNotModified() error { return &apiError{http.StatusNotModified, ""} }
func errUnavailable(msg string) error {
	return &apiError{http.StatusServiceUnavailable, msg}
}

func noSuchContainer(id string) error { return errNotFound("No such container: " + id) }
func noSuchImage(ref string) error    { return errNotFound("No such image: " + ref) }
func noSuchExec(id string) error      { return errNotFound("No such exec instance: " + id) }

func errForbidden(msg string) error { return &apiError{http.StatusForbidden, msg} }
