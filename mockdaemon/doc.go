// Package mockdaemon is an in-memory Docker Engine API server for tests.
//
// A [Daemon] is an [net/http.Handler] that serves the Engine API the way
// dockerd does: versioned paths (/v1.NN/...) checked against a version
// window, unversioned paths served as the newest version, dockerd's status
// codes and error wording ("No such container: x"), JSON errors
// {"message": "..."}, and the _ping headers real clients negotiate from.
// State lives in memory: images (busybox:latest by default), containers
// with a lifecycle state machine whose processes run inside the mock,
// exec instances, networks, volumes and an event log.
//
// In a test, start one on a temporary unix socket and point any client at
// it:
//
//	d, host := mockdaemon.StartUnix(t, mockdaemon.Config{})
//	// host is "unix:///tmp/.../docker.sock"; d is closed by t.Cleanup.
//
// Outside tests, Serve a listener (cmd/mockdockerd does this).
//
// # Determinism
//
// Config.Clock and Config.IDs replace the wall clock and the random source
// of ids, so that two daemons fed the same requests give the same answers.
//
// # Concurrency
//
// A Daemon is safe for concurrent use by any number of connections. Close
// stops every container process, every stream and every listener it serves.
package mockdaemon
