package mockdaemon

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// filters is dockerd's filter map: key -> set of values.
type filters map[string]map[string]bool

// parseFilters reads the "filters" query parameter, in both the map form
// {"label":{"a=b":true}} and the old list form {"label":["a=b"]}.
func parseFilters(r *http.Request) (filters, error) {
	s := r.URL.Query().Get("filters")
	f := filters{}
	if s == "" {
		return f, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, errInvalid("invalid filter '" + s + "'")
	}
	for k, v := range raw {
		set := map[string]bool{}
		var m map[string]bool
		if err := json.Unmarshal(v, &m); err == nil {
			for x, ok := range m {
				if ok {
					set[x] = true
				}
			}
		} else {
			var l []string
			if err := json.Unmarshal(v, &l); err != nil {
				return nil, errInvalid("invalid filter '" + s + "'")
			}
			for _, x := range l {
				set[x] = true
			}
		}
		f[k] = set
	}
	return f, nil
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
