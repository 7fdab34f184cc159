package mockdaemon

import (
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

func mergeAttrs(m map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// emitContainerLocked logs a container event with c's attributes and the
// key-value pairs kv.
func (d *Daemon) emitContainerLocked(c *container, action string, kv ...string) {
	d.events.emit("container", action, c.id, mergeAttrs(c.eventAttrs(), kv...))
}

// emit logs an event in a locked section of its own, for an event that
// reports what happened outside one (a signal sent, a stream opened, a
// pull streamed).
func (d *Daemon) emit(typ, action, id string, attrs map[string]string) {
	_ = d.locked(func() error {
		d.events.emit(typ, action, id, attrs)
		return nil
	})
}

// emitContainer is emitContainerLocked in a locked section of its own.
func (d *Daemon) emitContainer(c *container, action string, kv ...string) {
	_ = d.locked(func() error {
		d.emitContainerLocked(c, action, kv...)
		return nil
	})
}
