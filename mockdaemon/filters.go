package mockdaemon

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// filters is dockerd's filter map: key -> set of values.
type filters map[string]map[string]bool

// parseFilters reads the "filters" query parameter, in both the map form
// {"label":{"a=b":true}} and the old list form {"label":["a=b"]}. One
// that is neither is dockerd 20.10's 500 with the decoder's message (API
// 1.41), or the newer 400 "invalid filter".
func parseFilters(r *http.Request) (filters, error) {
	s := r.URL.Query().Get("filters")
	f := filters{}
	if s == "" {
		return f, nil
	}
	var sets map[string]map[string]bool
	if err := json.Unmarshal([]byte(s), &sets); err == nil {
		for k, m := range sets {
			set := map[string]bool{}
			for x, ok := range m {
				if ok {
					set[x] = true
				}
			}
			f[k] = set
		}
		return f, nil
	}
	var lists map[string][]string
	if err := json.Unmarshal([]byte(s), &lists); err != nil {
		if !infoOf(r).version.atLeast("1.42") {
			return nil, errInternal(err.Error())
		}
		return nil, errInvalid("invalid filter")
	}
	for k, l := range lists {
		set := map[string]bool{}
		for _, x := range l {
			set[x] = true
		}
		f[k] = set
	}
	return f, nil
}

// errInvalidFilter is the error of a filter (or filter=value) a list does
// not know.
func errInvalidFilter(ver apiVersion, filter string) error {
	return errInvalid(wording(ver, "Invalid filter '"+filter+"'", "invalid filter '"+filter+"'"))
}

func (f filters) has(k string) bool { return len(f[k]) > 0 }

// matchAny reports whether the filter k is absent or one of its values
// satisfies pred.
func (f filters) matchAny(k string, pred func(string) bool) bool {
	vals := f[k]
	if len(vals) == 0 {
		return true
	}
	for v := range vals {
		if pred(v) {
			return true
		}
	}
	return false
}

// matchLabels reports whether labels satisfy every label filter under key
// ("label" or "label!").
func (f filters) matchLabels(key string, labels map[string]string) bool {
	for v := range f[key] {
		k, val, hasVal := strings.Cut(v, "=")
		got, ok := labels[k]
		match := ok && (!hasVal || got == val)
		if key == "label!" {
			match = !match
		}
		if !match {
			return false
		}
	}
	return true
}

// matchUntil reports whether created is before every time of the "until"
// filter (prune keeps what is newer); a value that does not parse is
// ignored.
func (f filters) matchUntil(created time.Time) bool {
	for u := range f["until"] {
		if t, err := parseUntil(u); err == nil && !created.Before(t) {
			return false
		}
	}
	return true
}

// accept refuses a filter name not in names, as each list of dockerd
// checks its filters before it reads them.
func (f filters) accept(ver apiVersion, names ...string) error {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if !slices.Contains(names, k) {
			return errInvalidFilter(ver, k)
		}
	}
	return nil
}

// values lists the values of the filter k, sorted: dockerd's invalid
// filter errors print them as a Go slice ("dangling=[x]").
func (f filters) values(k string) []string {
	return slices.Sorted(maps.Keys(f[k]))
}

// match is dockerd's filters.Match: a value equal to s, or a regular
// expression found in s (one that does not compile matches nothing).
func (f filters) match(k, s string) bool {
	return f.matchAny(k, func(v string) bool {
		if v == s {
			return true
		}
		re, err := regexp.Compile(v)
		return err == nil && re.MatchString(s)
	})
}

// boolFilter reads the filter k the way the volume and network lists do:
// set reports whether it was given, and on is true when a value is
// "true" or "1", false when one is "false" or "0"; any other value is
// dockerd's invalid filter error.
func (f filters) boolFilter(ver apiVersion, k string) (on, set bool, err error) {
	if !f.has(k) {
		return false, false, nil
	}
	switch {
	case f[k]["true"] || f[k]["1"]:
		return true, true, nil
	case f[k]["false"] || f[k]["0"]:
		return false, true, nil
	}
	return false, false, errInvalidFilter(ver, fmt.Sprintf("%s=%v", k, f.values(k)))
}

// portFilter checks the values of a publish or expose filter as dockerd
// parses them ("80", "80/tcp", "8000-8080/udp"), with its errors (500).
func (f filters) portFilter(k string) error {
	for _, v := range f.values(k) {
		if strings.Contains(v, ":") {
			return errInternal(fmt.Sprintf("filter for '%s' should not contain ':': %s", k, v))
		}
		port, _, _ := strings.Cut(v, "/")
		if _, _, err := parsePortRange(port); err != nil {
			return errInternal(fmt.Sprintf("error while looking up for %s %s: %s", k, v, err))
		}
	}
	return nil
}

// pruneFilters reads a prune's filters: only the names it accepts, and
// "until" values that parse (dockerd's 500 for one that does not).
func pruneFilters(r *http.Request, accepted ...string) (filters, error) {
	f, err := parseFilters(r)
	if err != nil {
		return nil, err
	}
	if err := f.accept(infoOf(r).version, accepted...); err != nil {
		return nil, err
	}
	for _, u := range f.values("until") {
		if _, err := parseUntil(u); err != nil {
			return nil, errInternal(err.Error()) // parseUntil's words are dockerd's
		}
	}
	return f, nil
}
