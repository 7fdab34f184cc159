package mockdaemon

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// event is one entry of the daemon's event log.
type event struct {
	Type   string
	Action string
	ID     string
	Attrs  map[string]string
	Time   time.Time
}

func (e *event) json(ver apiVersion) map[string]any {
	attrs := e.Attrs
	if attrs == nil {
		attrs = map[string]string{}
	}
	m := map[string]any{
		"Type":     e.Type,
		"Action":   e.Action,
		"Actor":    map[string]any{"ID": e.ID, "Attributes": attrs},
		"scope":    "local",
		"time":     e.Time.Unix(),
		"timeNano": e.Time.UnixNano(),
	}
	if !ver.atLeast("1.52") && (e.Type == "container" || e.Type == "image") {
		m["status"] = e.Action
		m["id"] = e.ID
		if e.Type == "container" {
			m["from"] = attrs["image"]
		}
	}
	return m
}

// eventLog keeps every event and feeds subscribers.
type eventLog struct {
	d      *Daemon
	mu     sync.Mutex
	all    []*event
	subs   map[chan *event]struct{}
	closed bool
}

const maxEvents = 100000

func newEventLog(d *Daemon) *eventLog {
	return &eventLog{d: d, subs: map[chan *event]struct{}{}}
}

func (l *eventLog) listeners() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.subs)
}

// emit records an event now.
func (l *eventLog) emit(typ, action, id string, attrs map[string]string) {
	e := &event{Type: typ, Action: action, ID: id, Attrs: attrs, Time: l.d.now()}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.all) >= maxEvents {
		l.all = l.all[len(l.all)/2:]
	}
	l.all = append(l.all, e)
	for ch := range l.subs {
		select {
		case ch <- e:
		default: // a subscriber that does not keep up loses events
		}
	}
}

// subscribe returns the past events and a channel of future ones.
func (l *eventLog) subscribe() ([]*event, chan *event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan *event, 1024)
	if l.closed {
		close(ch)
		return append([]*event(nil), l.all...), ch
	}
	l.subs[ch] = struct{}{}
	return append([]*event(nil), l.all...), ch
}

func (l *eventLog) unsubscribe(ch chan *event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.subs[ch]; ok {
		delete(l.subs, ch)
		close(ch)
	}
}

func (l *eventLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for ch := range l.subs {
		delete(l.subs, ch)
		close(ch)
	}
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

func (f filters) eventMatch(e *event) bool {
	if !f.matchAny("type", func(v string) bool { return v == e.Type }) {
		return false
	}
	if !f.matchAny("event", func(v string) bool {
		return v == e.Action || strings.HasPrefix(e.Action, v+":")
	}) {
		return false
	}
	if !f.matchLabels("label", e.Attrs) {
		return false
	}
	idOrName := func(v string) bool {
		return v == e.ID || strings.HasPrefix(e.ID, v) || v == e.Attrs["name"]
	}
	if f.has("container") && !(e.Type == "container" && f.matchAny("container", idOrName)) {
		return false
	}
	if f.has("image") {
		ok := f.matchAny("image", func(v string) bool {
			if e.Type == "image" {
				return idOrName(v) || v == e.ID || e.Attrs["name"] == v
			}
			return e.Attrs["image"] == v
		})
		if !ok {
			return false
		}
	}
	if f.has("network") && !(e.Type == "network" && f.matchAny("network", idOrName)) {
		return false
	}
	if f.has("volume") && !(e.Type == "volume" && f.matchAny("volume", idOrName)) {
		return false
	}
	if f.has("scope") && !f.matchAny("scope", func(v string) bool { return v == "local" }) {
		return false
	}
	return true
}

func (d *Daemon) eventsHandler(w http.ResponseWriter, r *http.Request) {
	ver := infoOf(r).version
	q := r.URL.Query()
	since, err := parseTimestamp(q.Get("since"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	until, err := parseTimestamp(q.Get("until"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	past, ch := d.events.subscribe()
	defer d.events.unsubscribe(ch)

	ct := "application/json"
	if acc := r.Header.Get("Accept"); strings.Contains(acc, "application/x-ndjson") {
		ct = "application/x-ndjson"
	} else if strings.Contains(acc, "application/jsonl") {
		ct = "application/jsonl"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	flush(w)
	enc := json.NewEncoder(w)
	inWindow := func(e *event) bool {
		if !since.IsZero() && e.Time.Before(since) {
			return false
		}
		if !until.IsZero() && e.Time.After(until) {
			return false
		}
		return true
	}
	if !since.IsZero() || !until.IsZero() {
		for _, e := range past {
			if inWindow(e) && f.eventMatch(e) {
				if enc.Encode(e.json(ver)) != nil {
					return
				}
			}
		}
		flush(w)
	}
	var timeout <-chan time.Time
	if !until.IsZero() {
		wait := until.Sub(d.now())
		if wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-timeout:
			return
		case e, ok := <-ch:
			if !ok {
				return
			}
			if !inWindow(e) {
				if !until.IsZero() && e.Time.After(until) {
					return
				}
				continue
			}
			if f.eventMatch(e) {
				if enc.Encode(e.json(ver)) != nil {
					return
				}
				flush(w)
			}
		}
	}
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
