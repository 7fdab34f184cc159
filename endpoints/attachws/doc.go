// Package attachws attaches to a container over a WebSocket (GET
// /containers/{id}/attach/ws), the form browsers and proxies that cannot
// hijack an HTTP connection use. It lives apart from package endpoints
// because gorilla/websocket needs net/http: a program that never attaches
// over a WebSocket does not link it.
//
// The stream is exposed as an io.ReadWriteCloser: Read returns the payload
// of the daemon's messages one after another (binary from API 1.28, text
// before), Write sends one binary message per call (the container's stdin),
// and the daemon closing the WebSocket reads as io.EOF. The stream is raw:
// the daemon never multiplexes stdout and stderr on a WebSocket.
package attachws
