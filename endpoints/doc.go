// Package endpoints holds the typed operations of the Docker Engine API,
// one service per resource (System, Containers, Images, ...), each method a
// single API operation over a [wire.Client].
//
// Every method that performs an API operation carries a marker comment of the
// form
//
//	// API: GET /containers/{id}/json
//
// naming the operation's method and the spec's path template; a test checks
// the markers against the project's list of the Engine API's operations.
//
// Methods follow one shape: ctx first, then the resource's id or name, then an
// options struct passed by value whose zero value means the API's defaults,
// and a result struct. Results are hand-written types that name their swagger
// definition and are decoded permissively: unknown fields are ignored and
// missing ones stay zero.
//
// Errors are those of package wire: errors.Is(err, wire.ErrNotFound) and
// friends, errors.As(err, &werr) with a *wire.Error for the daemon's status and
// message, and *wire.VersionError (before any I/O) when an operation or a
// field needs a newer API version than the one negotiated.
package endpoints
