package mockdaemon

import (
	"encoding/json"
	"maps"
	"net/http"
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

// checkPruneFilters is dockerd's check of a prune's filters before it
// prunes anything: a key the prune does not accept is 400 "Invalid filter
// 'key'", an "until" that is neither a time nor a duration dockerd's
// untyped timetypes error (a 500). Nothing is pruned on either.
func checkPruneFilters(f filters, accepted ...string) error {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if !slices.Contains(accepted, k) {
			return errInvalid("Invalid filter '" + k + "'")
		}
	}
	for u := range f["until"] {
		if _, err := parseUntil(u); err != nil {
			return errInternal(err.Error())
		}
	}
	return nil
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
