// Package faultproxy is a test helper: a loopback proxy (unix socket or
// tcp on 127.0.0.1) that forwards connections to an upstream daemon and can
// break them on cue, the way pgx's faultyconn does, so that tests can watch
// a client meet a connection cut inside a frame or a peer that stops
// talking.
//
//	p, err := faultproxy.Start(faultproxy.Config{
//		Upstream: upstreamDial,
//		Fault:    &faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("\r\n\r\n"), After: 100},
//	})
//	defer p.Close()
//	cfg := dial.Config{Dial: p.Dial} // or dial.Config{Host: p.Host()}
//
// A Fault counts the bytes forwarded in one direction (from the end of Mark,
// when set) and, after exactly After of them, drops the connection (both
// sides closed) or stalls that direction (nothing more is read from the
// sender or written to the receiver, the connections stay open until the
// client closes them or the proxy is closed).
//
// Half-closes are forwarded: a sender's EOF becomes a CloseWrite on the
// other side, so stdin EOF through the proxy reaches the daemon.
//
// Close stops the listener, closes every connection and waits for the
// proxy's goroutines, so tests that count goroutines can do so after it.
package faultproxy
