package mockdaemon

import (
	"net/http"
	"slices"
	"time"
)

// Request is one request the daemon served, for tests to assert on.
type Request struct {
	// Operation is the Engine API operation id ("ContainerCreate"), or ""
	// for a path no route matched.
	Operation string
	// Method and Path are the request's, Path as sent (with its /vX.Y).
	Method, Path string
	// Template is the route's path template ("/containers/{id}/json").
	Template string
	// Status is the HTTP status answered (101 for a hijacked stream).
	Status int
}

// Requests returns a copy of the request log, oldest first.
func (d *Daemon) Requests() []Request {
	d.srv.mu.Lock()
	defer d.srv.mu.Unlock()
	return slices.Clone(d.srv.log)
}

// ResetRequests empties the request log.
func (d *Daemon) ResetRequests() {
	d.srv.mu.Lock()
	defer d.srv.mu.Unlock()
	d.srv.log = nil
}

const maxLog = 100000

func (s *server) logRequest(rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= maxLog {
		s.log = s.log[len(s.log)/2:]
	}
	s.log = append(s.log, *rec)
}

// Fault makes the daemon misbehave on an operation, for testing how a
// client copes.
type Fault struct {
	// Operation is the operation id to affect ("ContainerStart"); empty
	// matches every operation.
	Operation string
	// Status and Message, when Status is non-zero, make the operation fail
	// with that status and {"message": Message} without running it.
	Status  int
	Message string
	// Latency delays the operation (or the failure) by that long.
	Latency time.Duration
	// TruncateAfter, when positive, cuts the response body after that many
	// bytes and closes the connection.
	TruncateAfter int
	// Drop closes the connection without any response.
	Drop bool
	// Times is how many requests the fault affects; 0 means every one.
	Times int

	used int
}

// Inject adds a fault. Faults are tried in the order they were added and
// the first one that matches applies.
func (d *Daemon) Inject(f Fault) {
	d.srv.mu.Lock()
	defer d.srv.mu.Unlock()
	d.srv.faults = append(d.srv.faults, &f)
}

// ClearFaults removes every injected fault.
func (d *Daemon) ClearFaults() {
	d.srv.mu.Lock()
	defer d.srv.mu.Unlock()
	d.srv.faults = nil
}

// fault takes the first fault that matches op, counting its use.
func (s *server) fault(op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, ff := range s.faults {
		if ff.Operation != "" && ff.Operation != op {
			continue
		}
		ff.used++
		if ff.Times > 0 && ff.used >= ff.Times {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return *ff, true
	}
	return Fault{}, false
}

// injectFault applies the first fault that matches op: answered says the
// request is done with (dropped, or its client gone), err is the failure
// to answer it with.
func (d *Daemon) injectFault(w http.ResponseWriter, r *http.Request, op string) (answered bool, err error) {
	f, found := d.srv.fault(op)
	if !found {
		return false, nil
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true, nil
		}
	}
	if f.Drop {
		if hj, ok := unwrapHijacker(w); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true, nil
			}
		}
		panic(http.ErrAbortHandler)
	}
	if f.Status != 0 {
		return false, &apiError{f.Status, f.Message}
	}
	if f.TruncateAfter > 0 {
		if sw, ok := w.(*statusWriter); ok {
			sw.limit = &faultLimit{left: f.TruncateAfter}
		}
	}
	return false, nil
}

// faultLimit cuts a response after a number of bytes.
type faultLimit struct{ left int }

func (l *faultLimit) write(w http.ResponseWriter, p []byte) (int, error) {
	if len(p) <= l.left {
		l.left -= len(p)
		return w.Write(p)
	}
	_, _ = w.Write(p[:l.left])
	l.left = 0
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	// ErrAbortHandler makes the server close the connection mid-body.
	panic(http.ErrAbortHandler)
}

func unwrapHijacker(w http.ResponseWriter) (http.Hijacker, bool) {
	for {
		if hj, ok := w.(http.Hijacker); ok {
			return hj, true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil, false
		}
		w = u.Unwrap()
	}
}
