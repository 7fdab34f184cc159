package endpoints

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/dockwire/dockwire/tarstream"
	"github.com/dockwire/dockwire/wire"
)

// ContainerExportOptions tune [ContainerService.Export]; there is nothing
// to tune yet.
type ContainerExportOptions struct{}

// Export streams a container's filesystem as a tar archive. The caller
// must Close it.
//
// API: GET /containers/{id}/export
func (s *ContainerService) Export(ctx context.Context, id string, opts ContainerExportOptions) (io.ReadCloser, error) {
	r, err := newRequest("ContainerExport", id)
	if err != nil {
		return nil, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// archiveRequest starts a request on the archive of a container's path.
func archiveRequest(op, id, path string) (*wire.Request, error) {
	r, err := newRequest(op, id)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, argErr(op, "path", "", "must not be empty")
	}
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

// ContainerStatPathOptions tune [ContainerService.StatPath]; there is
// nothing to tune yet.
type ContainerStatPathOptions struct{}

// ContainerStatPathResult describes a path of a container.
type ContainerStatPathResult struct {
	tarstream.PathStat
}

// StatPath describes a path in a container's filesystem (name, size,
// mode, mtime, link target), as the X-Docker-Container-Path-Stat header
// carries it. A missing path matches wire.ErrNotFound.
//
// API: HEAD /containers/{id}/archive
func (s *ContainerService) StatPath(ctx context.Context, id, path string, opts ContainerStatPathOptions) (ContainerStatPathResult, error) {
	r, err := archiveRequest("ContainerArchiveInfo", id, path)
	if err != nil {
		return ContainerStatPathResult{}, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return ContainerStatPathResult{}, err
	}
	resp.Body.Close()
	st, err := pathStat(r.Op, resp.Header)
	return ContainerStatPathResult{st}, err
}

// ContainerGetArchiveOptions tune [ContainerService.GetArchive]; there is
// nothing to tune yet.
type ContainerGetArchiveOptions struct{}

// ContainerGetArchiveResult is a path of a container as a tar stream, with
// the path's stat. The caller must Close Body.
type ContainerGetArchiveResult struct {
	Stat tarstream.PathStat
	Body io.ReadCloser
}

// GetArchive streams a path of a container's filesystem as a tar archive
// (docker cp out). Use [ContainerService.CopyFrom] to extract it.
//
// API: GET /containers/{id}/archive
func (s *ContainerService) GetArchive(ctx context.Context, id, path string, opts ContainerGetArchiveOptions) (ContainerGetArchiveResult, error) {
	r, err := archiveRequest("ContainerArchive", id, path)
	if err != nil {
		return ContainerGetArchiveResult{}, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return ContainerGetArchiveResult{}, err
	}
	st, err := pathStat(r.Op, resp.Header)
	if err != nil {
		resp.Body.Close()
		return ContainerGetArchiveResult{}, err
	}
	return ContainerGetArchiveResult{Stat: st, Body: resp.Body}, nil
}

// ContainerPutArchiveOptions tune [ContainerService.PutArchive].
type ContainerPutArchiveOptions struct {
	// Size is the archive's length; 0 sends it chunked.
	Size int64
	// CopyUIDGID gives the files the container's user and group for their
	// uid and gid (API 1.30).
	CopyUIDGID bool
	// NoOverwriteDirNonDir fails instead of replacing a directory with a
	// file or the reverse.
	NoOverwriteDirNonDir bool
}

// ContainerPutArchiveResult is an empty answer; fields may be added.
type ContainerPutArchiveResult struct{}

// PutArchive extracts the tar archive r into the directory path of a
// container (docker cp in). Use [ContainerService.CopyTo] to send a host
// path.
//
// API: PUT /containers/{id}/archive
func (s *ContainerService) PutArchive(ctx context.Context, id, path string, r io.Reader, opts ContainerPutArchiveOptions) (ContainerPutArchiveResult, error) {
	rq, err := archiveRequest("PutContainerArchive", id, path)
	if err != nil {
		return ContainerPutArchiveResult{}, err
	}
	if r == nil {
		return ContainerPutArchiveResult{}, argErr(rq.Op, "archive", "<nil>", "must not be nil")
	}
	if opts.Size < 0 {
		return ContainerPutArchiveResult{}, argErr(rq.Op, "Size", strconv.FormatInt(opts.Size, 10), "must not be negative")
	}
	if opts.CopyUIDGID {
		rq.Query.Set("copyUIDGID", "1")
		need(rq, "CopyUIDGID", 30)
	}
	setBool(rq.Query, "noOverwriteDirNonDir", opts.NoOverwriteDirNonDir)
	setStream(rq, "application/x-tar", r)
	if opts.Size > 0 {
		rq.ContentLength = opts.Size
	}
	_, err = callNoContent(ctx, s.w, rq)
	return ContainerPutArchiveResult{}, err
}
