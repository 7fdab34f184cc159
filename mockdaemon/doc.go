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
// POST /swarm/init makes the daemon the single manager node of a swarm,
// with its ingress network and a CA of its own. Specs are decoded as
// dockerd decodes them (Go's encoding/json into the API's types: keys in
// any case, unknown ones dropped) and shown as dockerd shows them after
// swarmkit has them (canonical keys and values, its defaults, networks by
// id).
// A service's tasks are containers on this node, created from the
// service's ContainerSpec and run like any other container, on the
// service's networks, with its secrets under /run/secrets/<name> and its
// configs at their targets; the embedded DNS server answers the
// service's name (its virtual IP, or its tasks' addresses for dnsrr) and
// tasks.<name>. Updates and rollbacks run swarmkit's updater
// (services_update.go): slots replaced Parallelism at a time, Delay
// apart, stop-first or start-first, failures within Monitor paused or
// rolled back as FailureAction says, UpdateStatus in swarmkit's states
// and words. A task that ends is replaced in its slot as its restart
// policy says, and each slot keeps the swarm's TaskHistoryRetentionLimit
// tasks. Without a swarm every swarm call answers dockerd's 503
// "This node is not a swarm manager...". Plugins come from a small
// catalogue (vieux/sshfs:latest with privileges, docker.io/mockdaemon/noop:latest
// without), from POST /plugins/create, or from an emulated registry.
// Config.Registries names the registry hosts the mock emulates in memory,
// open or with credentials: a push there stores the image, a pull or
// GET /distribution/{name}/json fetches it, and POST /auth checks the
// credentials. Every other registry host is reported unreachable, as a
// closed port would be. POST /session answers the h2c upgrade and sends
// the HTTP/2 client preface, then holds the connection: a minimal
// stand-in with no BuildKit session behind it.
//
// # Layout
//
// Files go by resource, sixteen of them: system, containers, exec,
// images, build, networks, volumes, swarm, nodes, services, tasks,
// secrets, configs, plugins, session, distribution.
//
//   - <resource>_routes.go holds the resource's route table (method,
//     path template as the API reference writes it, operation id,
//     handler) and its handlers; a large resource puts handlers of one
//     topic in <resource>_<topic>.go beside it (containers_run.go for the
//     lifecycle, containers_streams.go for logs and attach,
//     images_transfer.go for pull, push, save and load,
//     images_import.go for import).
//   - <resource>.go, for a resource with state of its own, holds that
//     state and the functions that change it. What several resources
//     share has a file named for what it holds: events.go, registry.go
//     (the emulated registries), rootfs.go (a container's filesystem and
//     mounts), dns.go (a container's resolv.conf and the embedded DNS
//     server of user-defined networks), portproxy.go (connections between
//     containers and the published ports served on the host), logbuf.go (process output), terminal.go (a TTY's line
//     discipline and the detach keys of attach and exec), dockerfile.go,
//     filters.go, params.go.
//   - router.go joins the tables (routes) and serves them: ServeHTTP
//     strips and checks the /v1.NN prefix, serveOp applies injected
//     faults, runs the handler and is the one place a handler's error
//     becomes dockerd's status and {"message": ...} body. A handler is
//     func(w, r) error: it returns the error before it writes anything,
//     and nil once a stream has its head out. Names that may hold '/'
//     (a container's link name /parent/alias, images, plugins,
//     distribution) are written {var...} in a table and cut from the
//     decoded path as dockerd's {name:.*} routes take them.
//   - locking.go is the engine's lock: state is read and changed inside
//     d.locked (or lockedValue, respond, respondEmpty), functions that need
//     the lock held are named xxxLocked, and a wait for a state change
//     goes through d.await. server.go holds the plumbing (listeners,
//     connections, request log, faults) under a lock of its own.
//
// So a new operation is a row in its resource's table and a handler
// beside it that decodes the request, calls an xxxLocked function of the
// resource inside d.locked, and encodes the answer; the state it needs is
// a field of Daemon or of the resource's types; its event is emitted with
// d.events.emit inside the same locked section (d.emit outside one), so
// that the event log orders events as the changes they report.
//
// # Determinism
//
// Config.Clock and Config.IDs replace the wall clock and the random source
// of ids, so that two daemons fed the same requests give the same answers.
//
// # Concurrency
//
// A Daemon is safe for concurrent use by any number of connections. Close
// stops every container process, every stream and every listener it serves;
// Shutdown first ends the streams and lets the requests still working on
// their answer finish.
//
// # Memory
//
// Streams stay streams: archives, exports and saved images are written to
// the client as they are read from the in-memory filesystems and layers,
// and an upload is read straight into what keeps it (a container's files,
// an image's layers), so a transfer needs no copy of its data beyond the
// one that stays. Each container keeps at most Config.MaxLogBytes of its
// output (DefaultMaxLogBytes), the newest.
package mockdaemon
