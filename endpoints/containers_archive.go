package endpoints

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/dockwire/dockwire/tarstream"
	"github.com/dockwire/dockwire/wire"
)

// Export streams a container's filesystem as a tar archive. The caller
// must Close it.
//
// API: GET /containers/{id}/export
func (s *ContainerService) Export(ctx context.Context, id string) (io.ReadCloser, error) {
	const op = "ContainerExport"
	p, err := idPath(op, "/containers/", id, "/export")
	if err != nil {
		return nil, err
	}
	resp, err := send(ctx, s.w, req("GET", p, op))
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func archiveRequest(op, method, id, path string) (*wire.Request, error) {
	p, err := idPath(op, "/containers/", id, "/archive")
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, argErr(op, "path", "", "must not be empty")
	}
	r := req(method, p, op)
	r.Query.Set("path", path)
	return r, nil
}

func pathStat(op string, h wire.Header) (tarstream.PathStat, error) {
	st, err := tarstream.ParsePathStat(h.Get("X-Docker-Container-Path-Stat"))
	if err != nil {
		return tarstream.PathStat{}, fmt.Errorf("endpoints: %s: %w", op, err)
	}
	return st, nil
}

// StatPath describes a path in a container's filesystem (name, size,
// mode, mtime, link target), as the X-Docker-Container-Path-Stat header
// carries it. A missing path matches wire.ErrNotFound.
//
// API: HEAD /containers/{id}/archive
func (s *ContainerService) StatPath(ctx context.Context, id, path string) (tarstream.PathStat, error) {
	const op = "ContainerArchiveInfo"
	r, err := archiveRequest(op, "HEAD", id, path)
	if err != nil {
		return tarstream.PathStat{}, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return tarstream.PathStat{}, err
	}
	resp.Body.Close()
	return pathStat(op, resp.Header)
}

// Archive is a path of a container as a tar stream, with the path's
// stat. The caller must Close Body.
type Archive struct {
	Stat tarstream.PathStat
	Body io.ReadCloser
}

// GetArchive streams a path of a container's filesystem as a tar archive
// (docker cp out). Use [ContainerService.CopyFrom] to extract it.
//
// API: GET /containers/{id}/archive
func (s *ContainerService) GetArchive(ctx context.Context, id, path string) (Archive, error) {
	const op = "ContainerArchive"
	r, err := archiveRequest(op, "GET", id, path)
	if err != nil {
		return Archive{}, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return Archive{}, err
	}
	st, err := pathStat(op, resp.Header)
	if err != nil {
		resp.Body.Close()
		return Archive{}, err
	}
	return Archive{Stat: st, Body: resp.Body}, nil
}

// PutArchiveOptions tune [ContainerService.PutArchive].
type PutArchiveOptions struct {
	// Size is the archive's length; 0 sends it chunked.
	Size int64
	// CopyUIDGID gives the files the container's user and group for their
	// uid and gid (API 1.30).
	CopyUIDGID bool
	// NoOverwriteDirNonDir fails instead of replacing a directory with a
	// file or the reverse.
	NoOverwriteDirNonDir bool
}

// PutArchive extracts the tar archive r into the directory path of a
// container (docker cp in). Use [ContainerService.CopyTo] to send a host
// path.
//
// API: PUT /containers/{id}/archive
func (s *ContainerService) PutArchive(ctx context.Context, id, path string, r io.Reader, opts PutArchiveOptions) error {
	const op = "PutContainerArchive"
	rq, err := archiveRequest(op, "PUT", id, path)
	if err != nil {
		return err
	}
	if r == nil {
		return argErr(op, "archive", "<nil>", "must not be nil")
	}
	if opts.Size < 0 {
		return argErr(op, "Size", strconv.FormatInt(opts.Size, 10), "must not be negative")
	}
	if opts.CopyUIDGID {
		rq.Query.Set("copyUIDGID", "1")
		rq.Requires = []wire.Requirement{{What: op + ": CopyUIDGID", Version: v(30)}}
	}
	boolParam(rq.Query, "noOverwriteDirNonDir", opts.NoOverwriteDirNonDir)
	rq.Header = wire.Header{}
	rq.Header.Set("Content-Type", "application/x-tar")
	rq.Body = r
	rq.ContentLength = opts.Size
	if opts.Size == 0 {
		rq.ContentLength = -1
	}
	return call(ctx, s.w, rq, nil)
}
