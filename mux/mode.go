package mux

import (
	"strconv"
	"strings"
)

// The media types the daemon sets on attach, exec and logs responses from
// API 1.42 on.
const (
	MediaRawStream         = "application/vnd.docker.raw-stream"
	MediaMultiplexedStream = "application/vnd.docker.multiplexed-stream"
)

// Multiplexed reports whether a stream (attach, exec start, container,
// service or task logs) is in the stdcopy format, as opposed to raw TTY
// bytes. The rule:
//
//	API >= 1.42 and a Content-Type of raw-stream or multiplexed-stream:
//	    the Content-Type decides.
//	Otherwise (API < 1.42, where attach always says raw-stream, or no or
//	another Content-Type, as on logs): tty decides; a TTY stream is raw.
//
// apiVersion is the negotiated version ("1.41"; a leading "v" is allowed,
// anything unparsable counts as older than 1.42), contentType the response's
// Content-Type (parameters are ignored), tty the Tty setting of the
// container, or of the exec for exec start. Never guess from the first byte
// of the stream: raw output can look like a header.
func Multiplexed(apiVersion, contentType string, tty bool) bool {
	if atLeast142(apiVersion) {
		mt, _, _ := strings.Cut(contentType, ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case MediaMultiplexedStream:
			return true
		case MediaRawStream:
			return false
		}
	}
	return !tty
}

func atLeast142(v string) bool {
	major, minor, ok := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	if !ok {
		return false
	}
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || ma < 1 || mi < 0 {
		return false
	}
	return ma > 1 || mi >= 42
}
