// Package endpoints holds the typed operations of the Docker Engine API,
// one service per resource: [SystemService], [ContainerService],
// [ExecService], [ImageService], [DistributionService], [NetworkService],
// [VolumeService], [SwarmService], [NodeService], [ServiceService],
// [TaskService], [SecretService], [ConfigService], [PluginService] and the
// deprecated [SessionService]. They are reached through the root package's
// Client, the one way to make them:
//
//	cli, err := dockwire.FromEnv()
//	res, err := cli.Containers.List(ctx, endpoints.ContainerListOptions{All: true})
//	for _, c := range res.Items { ... }
//
// # Names and shapes
//
// Every method of a service reads
//
//	func (s *XService) Op(ctx context.Context, [names...,] [body io.Reader,] opts XOpOptions) (XOpResult, error)
//
// where X is the service's resource (Container, Image, Exec, Network,
// Volume, System, Swarm, Node, Service, Task, Secret, Config, Plugin,
// Session, Distribution) and Op the method's name: Containers.Stop takes a
// ContainerStopOptions and returns a ContainerStopResult,
// Containers.Restart a ContainerRestartOptions and a
// ContainerRestartResult. In full:
//
//   - ctx comes first; then the names of what the call acts on (a container
//     id or name, an image reference, the paths of a copy); then the stream
//     the call uploads (a build context, an image archive); then the
//     options, by value, whose zero value means the API's defaults.
//   - Every method takes its options and returns its result, even when
//     there is nothing in them yet (an operation the daemon answers with
//     204 No Content returns an empty XOpResult): fields can then be added
//     without breaking a caller. [ContainerStartResult] and
//     [ContainerStopResult] say whether the daemon answered 304 Not
//     Modified (already running, already stopped), which is success.
//   - A list returns XListResult{Items}, and a few other answers that are
//     lists alike (ContainerChangesResult, ImageHistoryResult,
//     ImageDeleteResult, ImageSearchResult...); an inspect returns an
//     XInspectResult with the object embedded ([NetworkInspectResult] holds
//     a [Network]), or the API's answer itself when only inspect returns it
//     ([ContainerInspectResult]).
//   - An operation whose answer is a stream returns the stream, in one of
//     five shapes: an io.ReadCloser for raw bytes (Containers.Export,
//     Images.Get and GetAll), a *mux.Output for a process's output
//     (container, service and task Logs), a *mux.Conn for a hijacked
//     connection (Containers.Attach, Exec.Start), a *wire.Stream of JSON
//     records (System.Events, Containers.Stats) and a *wire.Upgraded
//     (Session.Start). mux.Output and mux.Conn read the same way: Read,
//     Demux, Multiplexed, Close.
//   - Pull, push, import, load and build of images, and pull, push and
//     upgrade of plugins, read the daemon's progress stream to its end,
//     handing each record to the options' Progress func ([ProgressFunc]),
//     and return a result.
//   - A form of another operation is named after it and takes its options
//     (BuildDir and BuildDockerfile take an [ImageBuildOptions], LogsBytes
//     a [ContainerLogsOptions]); it returns that operation's result or one
//     of its own named after it ([ContainerLogsBytesResult]).
//   - Spec types (ServiceSpec, SwarmSpec, SecretSpec...) are the API's own
//     objects where the request body is that object; the options carry
//     them (ServiceCreateOptions.Spec). Every part of them is a named type.
//   - A registry credential is an options field named Auth (a build's,
//     one per registry, are AuthConfigs).
//
// A test (TestNamingRule) holds the package to this rule.
//
// # Operations
//
// Every method that performs an API operation carries a marker comment of
// the form
//
//	// API: GET /containers/{id}/json
//
// naming the operation's method and route, and builds its request from the
// module's list of operations (internal/apispec) with newRequest; a test
// checks markers, list and code against each other. Beside the operations
// stand docker-py's conveniences, which carry no marker because they are
// several operations: [ContainerService.Run] (create, pull when the image
// is missing, attach, start, wait, logs, remove; a *ContainerError on a
// non-zero exit), [ContainerService.ExecRun], copying files in and out of
// containers ([ContainerService.CopyTo] and [ContainerService.CopyFrom],
// which extracts safely with package tarstream), building from a directory
// with its .dockerignore, and pull/push with registry credentials from the
// docker config ([ConfigFile]); and the non-streaming forms docker-py
// returns, read whole into memory: [ContainerService.LogsBytes],
// [ContainerService.AttachBytes], [ContainerService.StatsOnce], and
// [ImageService.GetFile] (docker save -o).
// [UpdateGuarded] makes the versioned updates of nodes, services, the
// swarm, secrets and configs again, from a fresh read, while the daemon
// refuses the version the caller read as out of sequence.
//
// # docker-py's vocabulary
//
// [ContainerRunOptions] has a field for each of docker-py's run keywords,
// in Go's spelling (mem_limit is MemLimit), docker-py's dict forms under
// docker-py's names (Ports, Volumes, Environment, Links) beside the API's
// list forms (Publish, Binds, Env), a command as one string split as
// docker-py splits it (CommandLine), config.json's proxies (Config), and
// NoStart for docker-py's containers.create. Every other setting of the
// API goes in its HostConfig or NetworkingConfig, with one rule: Run
// copies them and sets each named field that is not zero on the copy; a
// setting given both ways with different values is an *ArgError. The
// repository's README maps docker-py's calls, one by one, to the Go calls
// that do the same.
//
// Results are hand-written types that name their swagger definition and
// are decoded permissively, as encoding/json decodes: unknown fields are
// ignored, missing ones stay zero, keys match case-insensitively. A test
// (TestResponseFields) holds every type that names a definition to the
// properties of the Engine API's v1.56 spec, nested objects included. The
// answers decoded most (ContainerInspectResult, ContainerListResult, Event
// and ContainerStats records, ContainerStatsOnceResult) go through generated decoders that give
// encoding/json's result without its reflection, their strings sharing one
// copy of the answer: a string kept from a result keeps that answer's text
// (one record's, for a stream) in memory.
//
// # Errors
//
// Errors are those of package wire: errors.Is(err, wire.ErrNotFound) and
// friends, errors.As(err, &werr) with a *wire.Error for the daemon's status
// and message, and *wire.VersionError (before any I/O) when an operation
// or a field needs a newer API version than the one in use. Arguments are
// checked before any I/O too: an *ArgError matches wire.ErrInvalidArgument.
// A 304 Not Modified is success; a redirect, which the client never
// follows, is an error matching [ErrRedirect]. A name as the API reports
// it, with its leading "/" (ContainerSummary.Names), addresses the
// container.
package endpoints
