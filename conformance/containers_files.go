package conformance

import (
	"archive/tar"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/tarstream"
	"github.com/dockwire/dockwire/wire"
)

// copyOutContained copies src of container id into a fresh dst beside a
// sentinel file and checks that nothing but dst's subtree exists beside
// it, that the sentinel is unchanged, and that every link in dst stays
// inside it (but, with abs, those with an absolute target).
func (e *Env) copyOutContained(id, src string, abs bool) (string, error) {
	e.T.Helper()
	parent := e.T.TempDir()
	dst := filepath.Join(parent, "dst")
	sentinel := filepath.Join(parent, "outside.txt")
	if err := os.WriteFile(sentinel, []byte("untouched\n"), 0o644); err != nil {
		e.T.Fatal(err)
	}
	_, copyErr := e.Client.Containers.CopyFrom(e.Ctx, id, src, dst, endpoints.ContainerCopyFromOptions{AbsoluteSymlinks: abs})
	if data, err := os.ReadFile(sentinel); err != nil || !bytes.Equal(data, []byte("untouched\n")) {
		e.T.Errorf("the file beside dst changed: %q, %v", data, err)
	}
	err := filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		inside := p == dst || strings.HasPrefix(p, dst+string(filepath.Separator))
		if !inside && p != parent && p != sentinel {
			e.T.Errorf("%s was written outside dst", p)
			return nil
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		if filepath.IsAbs(target) {
			if !abs {
				e.T.Errorf("symlink %s -> %s: absolute without AbsoluteSymlinks", p, target)
			}
			return nil
		}
		if resolved := filepath.Join(filepath.Dir(p), target); resolved != dst && !strings.HasPrefix(resolved, dst+string(filepath.Separator)) {
			e.T.Errorf("symlink %s -> %s leads outside dst", p, target)
		}
		return nil
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return dst, copyErr
}

// containerFilesScenarios are the scenarios of files in and out of a container: archive, copy and export.
var containerFilesScenarios = []scenario{
	{"containers/export/lists-busybox", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		rc, err := e.Client.Containers.Export(e.Ctx, id, endpoints.ContainerExportOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer rc.Close()
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err != nil {
				e.T.Fatalf("export: no bin/busybox before %v", err)
			}
			if strings.TrimPrefix(h.Name, "/") == "bin/busybox" {
				return
			}
		}
	}},

	{"containers/archive/round-trip", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		src := filepath.Join(e.T.TempDir(), "tree")
		files := map[string]string{
			"with space.txt":    "spaces\n",
			"ünïcödé-файл":      "unicode\n",
			"sub dir/nested.md": strings.Repeat("x", 70000),
			"empty":             "",
		}
		for name, data := range files {
			p := filepath.Join(src, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				e.T.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o640); err != nil {
				e.T.Fatal(err)
			}
		}
		if err := os.Symlink("with space.txt", filepath.Join(src, "link to space")); err != nil {
			e.T.Fatal(err)
		}
		cs := e.Client.Containers
		if _, err := cs.CopyTo(e.Ctx, id, src, "/tmp", endpoints.ContainerCopyToOptions{}); err != nil {
			e.T.Fatalf("copy in: %v", err)
		}
		st, err := cs.StatPath(e.Ctx, id, "/tmp/tree/with space.txt", endpoints.ContainerStatPathOptions{})
		if err != nil || st.Size != int64(len(files["with space.txt"])) || st.Name != "with space.txt" {
			e.T.Errorf("stat: %+v %v", st, err)
		}
		dst := e.T.TempDir()
		from, err := cs.CopyFrom(e.Ctx, id, "/tmp/tree", dst, endpoints.ContainerCopyFromOptions{})
		if err != nil {
			e.T.Fatalf("copy out: %v", err)
		}
		if !from.Mode.IsDir() {
			e.T.Errorf("stat of the tree: %+v", from)
		}
		for name, data := range files {
			got, err := os.ReadFile(filepath.Join(dst, "tree", name))
			if err != nil || string(got) != data {
				e.T.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(data))
			}
			fi, err := os.Stat(filepath.Join(dst, "tree", name))
			if err == nil && fi.Mode().Perm() != 0o640 {
				e.T.Errorf("%s: mode %v, want 0640", name, fi.Mode().Perm())
			}
		}
		if target, err := os.Readlink(filepath.Join(dst, "tree", "link to space")); err != nil || target != "with space.txt" {
			e.T.Errorf("symlink: %q %v", target, err)
		}
		if _, err := cs.StatPath(e.Ctx, id, "/tmp/nope", endpoints.ContainerStatPathOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("stat of a missing path: %v, want not found", err)
		}
	}},

	// PUT archive: a regular file may not replace a directory when
	// noOverwriteDirNonDir is set; into a missing directory is 404.
	{"containers/archive/put-no-overwrite-dir-non-dir", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		tarOf := func(name string, data string) *bytes.Buffer {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
			tw.Write([]byte(data))
			tw.Close()
			return &buf
		}
		_, err := e.Client.Containers.PutArchive(e.Ctx, id, "/", tarOf("tmp", "not a dir"), endpoints.ContainerPutArchiveOptions{NoOverwriteDirNonDir: true})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 || !strings.Contains(werr.Message, "cannot overwrite") {
			e.T.Errorf("put a file over /tmp with noOverwriteDirNonDir: %v, want the daemon's refusal", err)
		}
		if st, err := e.Client.Containers.StatPath(e.Ctx, id, "/tmp", endpoints.ContainerStatPathOptions{}); err != nil || !st.Mode.IsDir() {
			e.T.Errorf("/tmp after the refused put: %+v %v, want still a directory", st, err)
		}
		_, err = e.Client.Containers.PutArchive(e.Ctx, id, "/no-such-dir-"+e.RunID, tarOf("f", "x"), endpoints.ContainerPutArchiveOptions{})
		e.wantStatus("put into a missing directory", err, 404, wire.ErrNotFound)
		if _, err := e.Client.Containers.PutArchive(e.Ctx, id, "/tmp", tarOf("put-"+e.RunID, "hello"), endpoints.ContainerPutArchiveOptions{}); err != nil {
			e.T.Fatalf("put into /tmp: %v", err)
		}
		if st, err := e.Client.Containers.StatPath(e.Ctx, id, "/tmp/put-"+e.RunID, endpoints.ContainerStatPathOptions{}); err != nil || st.Size != 5 {
			e.T.Errorf("stat of the put file: %+v %v, want 5 bytes", st, err)
		}
	}},

	{"containers/archive/missing-path-404", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		_, err := e.Client.Containers.StatPath(e.Ctx, id, "/no/such/path-"+e.RunID, endpoints.ContainerStatPathOptions{})
		e.wantStatus("stat of a missing path", err, 404, wire.ErrNotFound)
		_, err = e.Client.Containers.GetArchive(e.Ctx, id, "/no/such/path-"+e.RunID, endpoints.ContainerGetArchiveOptions{})
		e.wantStatus("archive of a missing path", err, 404, wire.ErrNotFound)
	}},

	// A container's tree holding a symlink to /, a relative symlink that
	// climbs out, and an absolute one to a host file: copying it out must
	// not create or change anything outside the destination.
	{"containers/copy-out/hostile-tree-stays-in-dst", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", `mkdir -p /tmp/h/sub && echo data > /tmp/h/file &&
			ln -s / /tmp/h/root && ln -s ../../../../../.. /tmp/h/up && ln -s /etc/passwd /tmp/h/sub/pw`), nil)

		for _, abs := range []bool{false, true} {
			_, err := e.copyOutContained(id, "/tmp/h", abs)
			if !errors.Is(err, tarstream.ErrInsecurePath) {
				e.T.Fatalf("copy-out of a tree with escaping symlinks (AbsoluteSymlinks %v): %v, want tarstream.ErrInsecurePath", abs, err)
			}
		}
	}},

	// docker cp's behaviour, as an option: a tree with absolute links (as
	// every image's /etc has) is copied with its links as links, none
	// followed, nothing written outside the destination.
	{"containers/copy-out/absolute-links-kept-as-links", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", `mkdir -p /tmp/h/sub && echo data > /tmp/h/file &&
			ln -s / /tmp/h/root && ln -s /etc/passwd /tmp/h/sub/pw && ln -s ../file /tmp/h/sub/rel`), nil)
		dst, err := e.copyOutContained(id, "/tmp/h", true)
		if err != nil {
			e.T.Fatalf("copy-out with AbsoluteSymlinks: %v", err)
		}
		for link, want := range map[string]string{"h/root": "/", "h/sub/pw": "/etc/passwd", "h/sub/rel": "../file"} {
			if got, err := os.Readlink(filepath.Join(dst, link)); err != nil || got != want {
				e.T.Errorf("%s: %q %v, want a link to %q", link, got, err, want)
			}
		}
		if data, err := os.ReadFile(filepath.Join(dst, "h", "file")); err != nil || string(data) != "data\n" {
			e.T.Errorf("h/file: %q %v", data, err)
		}
		if _, err := e.copyOutContained(id, "/tmp/h", false); !errors.Is(err, tarstream.ErrInsecurePath) {
			e.T.Errorf("the same copy without AbsoluteSymlinks: %v, want tarstream.ErrInsecurePath", err)
		}
	}},
}
