// Package bench holds side-by-side benchmarks of dockwire against the
// official Go SDK (github.com/moby/moby). It is its own module so that the
// root module never depends on the SDK. Run ./run.sh for benchstat tables.
package bench
