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
// # Swarm, plugins, registries, session
//
// POST /swarm/init makes the daemon the single manager node of a swarm.
// A service's tasks are containers on this node, created from the
// service's ContainerSpec and run like any other container, with its
// secrets under /run/secrets/<name> and its configs at their targets;
// updates and rollbacks replace the tasks and move UpdateStatus through
// dockerd's states. Without a swarm every swarm call answers dockerd's 503
// "This node is not a swarm manager...". Plugins come from a small
// catalogue (vieux/sshfs:latest with privileges, mockdaemon/noop:latest
// without), from POST /plugins/create, or from an emulated registry.
// Config.Registries names the registry hosts the mock emulates in memory,
// open or with credentials: a push there stores the image, a pull or
// GET /distribution/{name}/json fetches it, and POST /auth checks the
// credentials. Every other registry host is reported unreachable, as a
// closed port would be. POST /session answers the h2c upgrade and sends
// the HTTP/2 client preface, then holds the connection: a minimal
// stand-in with no BuildKit session behind it.
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
