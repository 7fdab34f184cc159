// Package dockwire is a Docker Engine API client written from the wire up:
// HTTP/1.1 spoken by hand over unix, tcp, tcp+TLS and ssh connections, typed
// operations for the whole Engine API, and docker-py's conveniences, with no
// official SDK and no net/http in the client.
//
// A [Client] ties the layers together:
//
//	cli, err := dockwire.FromEnv() // DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CONTEXT...
//	if err != nil { ... }
//	defer cli.Close()
//	v, err := cli.System.Version(ctx, endpoints.SystemVersionOptions{})
//	list, err := cli.Containers.List(ctx, endpoints.ContainerListOptions{All: true})
//	for _, c := range list.Items { ... }
//
// The layers below it are usable on their own: package dial says where the
// bytes go, wire speaks HTTP/1.1 and the API's conventions (versions, errors,
// JSON streams), mux handles the stdout/stderr frames of attach, exec and
// logs, tarstream the tar streams of copy, build, save and load, and
// endpoints holds the typed operations, all named by one rule: a method Op
// of the service for resource X takes an XOpOptions and returns an
// XOpResult (see package endpoints).
//
// # Settings
//
// dial.Config says where the daemon is and how to reach it (host, TLS,
// dial timeout); [Options] says how the client speaks to it (API version,
// pool size, call timeout, user agent). Each setting has that one home;
// FromEnv fills both from the docker CLI's environment.
//
// # Versions
//
// The client knows API versions up to [wire.MaxVersion] and negotiates down
// to the daemon's on its first call, unless a version is pinned with
// DOCKER_API_VERSION or [Options.APIVersion]. An operation or field that
// needs a newer version than the one in use fails before any I/O with a
// *wire.VersionError.
//
// # Architecture
//
// The README's Architecture section draws the layers, says which imports
// the rules of deps_test.go allow, and where a new operation, mock
// behaviour or conformance scenario goes.
//
// # Concurrency
//
// A Client is safe for concurrent use by many goroutines; its connections
// are pooled (short calls hold at most [Options.PoolSize] at once, and
// long-lived streams get connections of their own).
package dockwire
