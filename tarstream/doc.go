// Package tarstream moves directory trees in and out of tar streams, the
// payload of docker build contexts, docker cp (PUT and GET
// /containers/{id}/archive), export and save, in archive/tar's vocabulary.
//
// Outbound, Dir streams a directory as a tar archive through an io.Pipe,
// honouring .dockerignore patterns (ReadIgnore, Matcher) with the docker
// CLI's semantics. Inbound, Extract unpacks a tar stream under a directory
// and never writes outside it: every operation goes through an os.Root, and
// names, symbolic links, hard links, devices, sizes and entry counts are
// checked before anything is written (see Extract for the rules).
// ParsePathStat and PathStat.Encode handle the X-Docker-Container-Path-Stat
// header.
//
// Neither Dir nor Extract holds more than a fixed 32 KiB copy buffer,
// whatever the size of the files.
//
// # Errors
//
// Errors start with "tarstream:". Extract wraps a refused entry in an
// *EntryError naming it; test the cause with errors.Is against
// ErrInsecurePath, ErrTooLarge, ErrTooManyEntries, ErrNameTooLong,
// ErrDevice, ErrOverwrite or ErrEntryType.
//
// # A Dockerfile outside the build context
//
// The docker CLI sends a Dockerfile that lives outside the context inside the
// context under a random name, and names it in the build request. With Dir:
//
//	data, err := os.ReadFile("/elsewhere/Dockerfile.dev")
//	// ...
//	name := ".dockerfile." + hex.EncodeToString(random12Bytes)
//	body, err := tarstream.Dir("ctx", tarstream.DirOptions{
//		Exclude:    patterns,
//		ExtraFiles: []tarstream.File{{Name: name, Data: data}},
//	})
//	// ...
//	// POST /build?dockerfile=<name> with body as the request body.
//	defer body.Close()
package tarstream
