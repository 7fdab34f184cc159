package mockdaemon

import (
	"fmt"
	"strconv"
	"strings"
)

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
