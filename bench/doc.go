// Package bench holds dockwire's side-by-side benchmarks against the
// official Go SDK (github.com/moby/moby/client): it is its own module, so
// that the root module never depends on the SDK. ./run.sh runs them all and
// writes ../BENCHMARKS.md.
//
//   - this package: BenchmarkDemux, stdout/stderr frames of 16 B to 1 MiB
//     demultiplexed by mux.Copy, stdcopy.StdCopy and io.CopyBuffer; and the
//     .dockerignore differential of tarstream against moby/patternmatcher
//     (a test and FuzzMatcherDifferential).
//   - roundtrip: whole requests of dockwire, the SDK and a net/http floor
//     against package canned, a stand-in daemon replaying answers recorded
//     from dockerd 20.10 (capture.sh, testdata/canned) in a child process.
//   - progs: the minimal programs weighed, started and run end to end
//     against the real daemon, each written with all three.
//   - bench/cmd/benchrun: the measurements that are not go test benchmarks, and
//     the report.
package bench
