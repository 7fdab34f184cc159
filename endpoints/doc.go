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
// The services, one per resource of the API: [SystemService],
// [ContainerService], [ExecService], [ImageService], [DistributionService],
// [NetworkService], [VolumeService], [SwarmService], [NodeService],
// [ServiceService], [TaskService], [SecretService], [ConfigService],
// [PluginService] and the deprecated [SessionService]. The root package's
// Client holds one of each.
//
// Beside the operations stand docker-py's conveniences, which carry no
// marker because they are several operations: [ContainerService.Run]
// (create, pull when the image is missing, attach, start, wait, logs,
// remove; a *ContainerError on a non-zero exit), [ContainerService.ExecRun],
// copying files in and out of containers ([ContainerService.CopyTo] and
// [ContainerService.CopyFrom], which extracts safely with package
// tarstream), building from a directory with its .dockerignore, and
// pull/push with registry credentials from the docker config.
//
// Streams stay streams: logs, attach, exports, archives and saved images are
// io.ReadClosers or hijacked connections (package mux), and JSON record
// streams (events, stats, progress) are a *wire.Stream.
//
// Errors are those of package wire: errors.Is(err, wire.ErrNotFound) and
// friends, errors.As(err, &werr) with a *wire.Error for the daemon's status and
// message, and *wire.VersionError (before any I/O) when an operation or a
// field needs a newer API version than the one negotiated.
package endpoints
