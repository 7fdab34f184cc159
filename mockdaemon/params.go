package mockdaemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// decodeBody decodes an optional JSON request body into v: an empty body
// leaves v alone. A malformed body is a 400 with encoding/json's error as
// dockerd words it (see decodeJSON).
func decodeBody(r *http.Request, v any) error {
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(http.MaxBytesReader(nil, r.Body, 64<<20), v)
}

// decodeRequired decodes the JSON body a route needs, as dockerd's routes
// decode theirs: Go's encoding/json into the route's type (keys matched
// case-insensitively, unknown keys ignored), no body a 400 "got EOF while
// reading request body", a malformed one a 400 with encoding/json's error.
func decodeRequired(r *http.Request, v any) error {
	if r.Body == nil {
		return errInvalid(msgEOF)
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<20)).Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errInvalid(msgEOF)
		}
		return errInvalid(jsonErrorText(err, v))
	}
	return nil
}

const msgEOF = "got EOF while reading request body"

// checkJSON refuses a body that is not said to be JSON, as dockerd's
// CheckForJSON does for the routes that call it (networks, volumes,
// container create, exec): no Content-Type is fine only without a body.
func checkJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && (r.Body == nil || r.ContentLength == 0) {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return nil
	}
	return errInvalid("Content-Type specified (" + ct + ") must be 'application/json'")
}

// decodeJSON decodes a JSON value from rd into v as an optional request
// body is: none leaves v alone, a malformed one is a 400 with encoding/json's
// error.
func decodeJSON(rd io.Reader, v any) error {
	if err := json.NewDecoder(rd).Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return errInvalid(jsonErrorText(err, v))
	}
	return nil
}

// apiTyped is a request type that knows the name of dockerd's Go type for
// the same body ("ServiceSpec", "NetworkCreateRequest").
type apiTyped interface{ apiType() string }

// jsonErrorText is err as dockerd's decoding of the same body words it:
// encoding/json's text, with dockerd's type name where a field of the
// wrong type names the struct it belongs to.
func jsonErrorText(err error, v any) string {
	var te *json.UnmarshalTypeError
	if t, ok := v.(apiTyped); ok && errors.As(err, &te) && te.Struct != "" {
		// The path without the mock's embedded types (dockerd's Go named
		// a field by its promoted path).
		path := slices.DeleteFunc(strings.Split(te.Field, "."), func(s string) bool { return s != "" && unicode.IsLower(rune(s[0])) })
		return "json: cannot unmarshal " + te.Value + " into Go struct field " + t.apiType() + "." + strings.Join(path, ".") + " of type " + te.Type.String()
	}
	return err.Error()
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

// versionParam reads the required ?version= of an update of a kind of
// object ("service", "node", "swarm"...), worded as dockerd's (whose
// secret and config routes leave the parse error out).
func versionParam(r *http.Request, kind string) (uint64, error) {
	v := r.URL.Query().Get("version")
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil && (kind == "secret" || kind == "config") {
		return 0, errInvalid("invalid " + kind + " version")
	}
	if err != nil {
		return 0, errInvalid(fmt.Sprintf("invalid %s version '%s': %v", kind, v, err))
	}
	return n, nil
}

// parseTimestamp parses the since/until of logs and events as dockerd's
// timetypes.ParseTimestamps does: unix seconds with an optional fraction
// of nanoseconds, nothing else (its clients turn dates and durations into
// that). The error is strconv's, as dockerd passes it on.
func parseTimestamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	sec, frac, hasFrac := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	var ns int64
	if hasFrac {
		if ns, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return time.Time{}, err
		}
		if len(frac) <= 9 {
			ns *= int64(math.Pow10(9 - len(frac)))
		} else {
			ns /= int64(math.Pow10(len(frac) - 9))
		}
	}
	return time.Unix(n, ns).UTC(), nil
}

// parseUntil parses an "until" filter as dockerd's timetypes.GetTimestamp
// does: a Go duration ago ("0" is none), a date or date-time (RFC 3339 or
// a shorter prefix of it; local time without a zone), or unix seconds with
// an optional fraction. Its errors carry dockerd's messages: the time
// parser's for a value with a '-', else "failed to parse value as time or
// duration".
func parseUntil(s string) (time.Time, error) {
	if dur, err := time.ParseDuration(s); s != "0" && err == nil {
		return time.Now().Add(-dur), nil
	}
	layout := "2006-01-02"
	switch {
	case strings.Contains(s, "."):
		layout = "2006-01-02T15:04:05.999999999"
	case strings.Contains(s, "T"):
		layout = [...]string{"2006-01-02T15", "2006-01-02T15:04", "2006-01-02T15:04:05"}[min(strings.Count(s, ":"), 2)]
	}
	var t time.Time
	var err error
	if strings.ContainsAny(s, "zZ+") || strings.Count(s, "-") == 3 {
		t, err = time.Parse(layout+"Z07:00", s)
	} else {
		t, err = time.ParseInLocation(layout, s, time.Local)
	}
	if err == nil {
		return t, nil
	}
	if strings.Contains(s, "-") {
		return time.Time{}, err
	}
	sec, frac, hasFrac := strings.Cut(s, ".")
	n, err1 := strconv.ParseInt(sec, 10, 64)
	ns, err2 := int64(0), error(nil)
	if hasFrac {
		ns, err2 = strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	}
	if err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("failed to parse value as time or duration: %q", s)
	}
	return time.Unix(n, ns), nil
}

// parsePortRange parses a port ("80") or a range ("8000-8080") as
// go-connections' nat.ParsePortRange: each end a 16-bit number (strconv's
// error), the end not below the start.
func parsePortRange(s string) (lo, hi uint64, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = strconv.ParseUint(a, 10, 16); err != nil {
		return 0, 0, err
	}
	hi = lo
	if isRange {
		if hi, err = strconv.ParseUint(b, 10, 16); err != nil {
			return 0, 0, err
		}
		if hi < lo {
			return 0, 0, errors.New("invalid range specified")
		}
	}
	return lo, hi, nil
}

func resizeParams(r *http.Request) ([2]int, error) {
	h, err1 := strconv.Atoi(r.URL.Query().Get("h"))
	wd, err2 := strconv.Atoi(r.URL.Query().Get("w"))
	if err1 != nil || err2 != nil || h < 0 || wd < 0 {
		return [2]int{}, errInvalid("invalid resize parameters: h and w must be positive integers")
	}
	return [2]int{h, wd}, nil
}

// versionedBody reads an update's ?version= and then its body into v.
func versionedBody(r *http.Request, kind string, v any) (uint64, error) {
	ver, err := versionParam(r, kind)
	if err != nil {
		return 0, err
	}
	return ver, decodeRequired(r, v)
}

// parseWindow reads the since and until of logs and events. One that
// does not parse is dockerd 20.10's untyped 500 (API 1.41), a 400 on
// newer APIs.
func parseWindow(r *http.Request) (since, until time.Time, err error) {
	q := r.URL.Query()
	since, err = parseTimestamp(q.Get("since"))
	if err == nil {
		until, err = parseTimestamp(q.Get("until"))
	}
	if err != nil {
		if !infoOf(r).version.atLeast("1.42") {
			return time.Time{}, time.Time{}, errInternal(err.Error())
		}
		return time.Time{}, time.Time{}, errInvalid(err.Error())
	}
	return since, until, nil
}
