package mockdaemon

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// decodeBody decodes a JSON request body into v. An empty body leaves v
// alone. A malformed body is a 400 like dockerd's.
func decodeBody(r *http.Request, v any) error {
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(http.MaxBytesReader(nil, r.Body, 64<<20), v)
}

// decodeJSON decodes a JSON value from rd into v as a request body is:
// none leaves v alone, a malformed one is a 400 like dockerd's.
func decodeJSON(rd io.Reader, v any) error {
	if err := json.NewDecoder(rd).Decode(v); err != nil {
		if err.Error() == "EOF" {
			return nil
		}
		return errInvalid("invalid JSON: " + err.Error())
	}
	return nil
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

// versionParam reads the required ?version= of an update.
func versionParam(r *http.Request) (uint64, error) {
	v := r.URL.Query().Get("version")
	var n uint64
	if _, err := fmt.Sscan(v, &n); err != nil || v == "" {
		return 0, errInvalid(fmt.Sprintf("invalid swarm version '%s': %v", v, "strconv.ParseUint: parsing \""+v+"\": invalid syntax"))
	}
	return n, nil
}

// decodeSpec decodes a JSON object body keeping every field.
func decodeSpec(r *http.Request) (map[string]any, error) {
	var spec map[string]any
	if r.Body == nil {
		return nil, errInvalid("invalid JSON: empty body")
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<20))
	dec.UseNumber()
	if err := dec.Decode(&spec); err != nil {
		return nil, errInvalid("invalid JSON: " + err.Error())
	}
	if spec == nil {
		spec = map[string]any{}
	}
	return spec, nil
}

// parseTimestamp parses dockerd's since/until: unix seconds with an
// optional fraction, or RFC 3339.
func parseTimestamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	sec, frac, _ := strings.Cut(s, ".")
	if n, err := strconv.ParseInt(sec, 10, 64); err == nil {
		var ns int64
		if frac != "" {
			if len(frac) > 9 {
				frac = frac[:9]
			}
			frac += strings.Repeat("0", 9-len(frac))
			ns, err = strconv.ParseInt(frac, 10, 64)
			if err != nil {
				return time.Time{}, errInvalid("invalid timestamp: " + s)
			}
		}
		return time.Unix(n, ns).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, errInvalid("failed to parse value " + s + " as a timestamp")
}

// parseUntil parses an "until" filter: a timestamp or a Go duration ago.
func parseUntil(s string) (time.Time, error) {
	if dur, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-dur), nil
	}
	return parseTimestamp(s)
}

func resizeParams(r *http.Request) ([2]int, error) {
	h, err1 := strconv.Atoi(r.URL.Query().Get("h"))
	wd, err2 := strconv.Atoi(r.URL.Query().Get("w"))
	if err1 != nil || err2 != nil || h < 0 || wd < 0 {
		return [2]int{}, errInvalid("invalid resize parameters: h and w must be positive integers")
	}
	return [2]int{h, wd}, nil
}

// versionedSpec reads an update's ?version= and then its spec body.
func versionedSpec(r *http.Request) (uint64, map[string]any, error) {
	ver, err := versionParam(r)
	if err != nil {
		return 0, nil, err
	}
	spec, err := decodeSpec(r)
	if err != nil {
		return 0, nil, err
	}
	return ver, spec, nil
}

// parseWindow reads the since and until of logs and events.
func parseWindow(r *http.Request) (since, until time.Time, err error) {
	q := r.URL.Query()
	if since, err = parseTimestamp(q.Get("since")); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if until, err = parseTimestamp(q.Get("until")); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return since, until, nil
}
