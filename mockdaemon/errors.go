package mockdaemon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
func errUnavailable(msg string) error {
	return &apiError{http.StatusServiceUnavailable, msg}
}

func noSuchContainer(id string) error { return errNotFound("No such container: " + id) }
func noSuchImage(ref string) error    { return errNotFound("No such image: " + ref) }
func noSuchExec(id string) error      { return errNotFound("No such exec instance: " + id) }

// decodeBody decodes a JSON request body into v. An empty body leaves v
// alone. A malformed body is a 400 like dockerd's.
func decodeBody(r *http.Request, v any) error {
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<20))
	if err := dec.Decode(v); err != nil {
		if err.Error() == "EOF" {
			return nil
		}
		return errInvalid("invalid JSON: " + err.Error())
	}
	return nil
}

// apiVersion is a MAJOR.MINOR API version.
type apiVersion struct{ major, minor int }

func parseAPIVersion(s string) (apiVersion, error) {
	maj, min, ok := strings.Cut(s, ".")
	if !ok {
		return apiVersion{}, fmt.Errorf("mockdaemon: bad API version %q", s)
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return apiVersion{}, fmt.Errorf("mockdaemon: bad API version %q", s)
	}
	return apiVersion{a, b}, nil
}

func (v apiVersion) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

// Less reports whether v is older than o.
func (v apiVersion) Less(o apiVersion) bool {
	if v.major != o.major {
		return v.major < o.major
	}
	return v.minor < o.minor
}

// atLeast reports whether v >= "M.N".
func (v apiVersion) atLeast(s string) bool {
	o, _ := parseAPIVersion(s)
	return !v.Less(o)
}

// splitVersion splits "/v1.41/containers/json" into "/containers/json" and
// 1.41.
func splitVersion(p string) (string, apiVersion, bool) {
	if !strings.HasPrefix(p, "/v") {
		return p, apiVersion{}, false
	}
	seg, rest, _ := strings.Cut(p[2:], "/")
	v, err := parseAPIVersion(seg)
	if err != nil {
		return p, apiVersion{}, false
	}
	return "/" + rest, v, true
}

// badVersionPrefix reports a path like /v1.x/... or /v2/... whose first
// segment looks like a version but does not parse.
func badVersionPrefix(p string) (string, bool) {
	if !strings.HasPrefix(p, "/v") || len(p) < 3 || p[2] < '0' || p[2] > '9' {
		return "", false
	}
	seg, _, _ := strings.Cut(p[2:], "/")
	if strings.Contains(seg, ".") {
		return seg, true
	}
	return "", false
}

// boolParam reads a query flag as dockerd does: "", "0", "no", "false" and
// "none" are false; anything else present is true.
func boolParam(r *http.Request, name string) bool {
	v := strings.ToLower(strings.TrimSpace(r.URL.Query().Get(name)))
	switch v {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// intParam reads an integer query parameter; missing is def.
func intParam(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errInvalid(fmt.Sprintf("invalid value for %s: %q", name, s))
	}
	return n, nil
}
