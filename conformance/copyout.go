package conformance

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/tarstream"
)

func init() {
	// A container's tree holding a symlink to /, a relative symlink that
	// climbs out, and an absolute one to a host file: copying it out must
	// not create or change anything outside the destination.
	register("containers/copy-out/hostile-tree-stays-in-dst", func(e *Env) {
		id := e.exited("sh", "-c", `mkdir -p /tmp/h/sub && echo data > /tmp/h/file &&
			ln -s / /tmp/h/root && ln -s ../../../../../.. /tmp/h/up && ln -s /etc/passwd /tmp/h/sub/pw`)

		for _, abs := range []bool{false, true} {
			_, err := e.copyOutContained(id, "/tmp/h", abs)
			if !errors.Is(err, tarstream.ErrInsecurePath) {
				e.T.Fatalf("copy-out of a tree with escaping symlinks (AbsoluteSymlinks %v): %v, want tarstream.ErrInsecurePath", abs, err)
			}
		}
	})

	// docker cp's behaviour, as an option: a tree with absolute links (as
	// every image's /etc has) is copied with its links as links, none
	// followed, nothing written outside the destination.
	register("containers/copy-out/absolute-links-kept-as-links", func(e *Env) {
		id := e.exited("sh", "-c", `mkdir -p /tmp/h/sub && echo data > /tmp/h/file &&
			ln -s / /tmp/h/root && ln -s /etc/passwd /tmp/h/sub/pw && ln -s ../file /tmp/h/sub/rel`)
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
	})
}

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
	_, copyErr := e.containers().CopyFrom(e.Ctx, id, src, dst, endpoints.ContainerCopyFromOptions{AbsoluteSymlinks: abs})
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
