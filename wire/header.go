package wire

import "net/textproto"

// Header holds HTTP header fields keyed by their canonical form
// ("Content-Type", "Api-Version"); its methods canonicalize the keys they
// are given.
type Header map[string][]string

// Get returns the first value for key, or "".
func (h Header) Get(key string) string {
	if v := h[textproto.CanonicalMIMEHeaderKey(key)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Values returns all values for key (the slice is not a copy).
func (h Header) Values(key string) []string { return h[textproto.CanonicalMIMEHeaderKey(key)] }

// Set replaces the values for key with value.
func (h Header) Set(key, value string) { h[textproto.CanonicalMIMEHeaderKey(key)] = []string{value} }

// Add appends value to the values for key.
func (h Header) Add(key, value string) {
	k := textproto.CanonicalMIMEHeaderKey(key)
	h[k] = append(h[k], value)
}

// Del removes key.
func (h Header) Del(key string) { delete(h, textproto.CanonicalMIMEHeaderKey(key)) }

// Clone returns a deep copy of h (nil for nil).
func (h Header) Clone() Header {
	if h == nil {
		return nil
	}
	c := make(Header, len(h))
	for k, v := range h {
		c[k] = append([]string(nil), v...)
	}
	return c
}

// commonKeys interns the canonical keys a daemon sends, so that reading a
// header block does not allocate for them.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"Api-Version", "Builder-Version", "Cache-Control", "Connection", "Content-Length",
		"Content-Type", "Date", "Docker-Experimental", "Ostype", "Pragma", "Server",
		"Swarm", "Transfer-Encoding", "Upgrade", "Keep-Alive", "Location",
		"X-Docker-Container-Path-Stat", "Trailer",
	} {
		m[k] = k
	}
	return m
}()
