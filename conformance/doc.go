// Package conformance is a suite of scenarios that hold a Docker Engine API
// client and daemon to each other: point it at any Docker-compatible daemon
// with [Run].
//
// Scenarios are subtests named resource/operation/scenario, so -run picks
// slices of the suite:
//
//	go test ./conformance -run 'Real/system/'
//
// Every scenario labels what it creates with a per-run label, removes it
// when it ends and touches nothing else; the last scenario of a run fails if
// anything labelled is left behind. A scenario that cannot run against a
// target skips with its reason.
//
// The suite runs against the project's mock daemon in every go test (at its
// newest API and pinned to 1.41), against a real dockerd when
// DOCKWIRE_REAL_DOCKER_HOST names one, and against podman's Docker API when
// DOCKWIRE_PODMAN_HOST does (scripts/podman.sh up). The mock run also
// measures coverage: every operation of the module's list
// (internal/apispec) must show in the mock's request log.
//
// The parity report runs the suite against several targets and prints a
// scenario x target table and one summary line per target:
//
//	go run ./conformance/cmd/parity mock-newest mock-1.41 real podman
//
// Beside the suite, package conformance/differential holds the mock to a
// real dockerd request by request: the same sequences (a hand-written corpus
// and generated ones) go to both, and every difference of status, headers,
// JSON keys, types and values, framing or error wording is reported unless
// its known-differences file lists it:
//
//	go run ./conformance/cmd/diffcheck -gen 200
package conformance
