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

		parent := e.T.TempDir()
		dst := filepath.Join(parent, "dst")
		sentinel := filepath.Join(parent, "outside.txt")
		if err := os.WriteFile(sentinel, []byte("untouched\n"), 0o644); err != nil {
			e.T.Fatal(err)
		}
		_, err := e.containers().CopyFrom(e.Ctx, id, "/tmp/h", dst, endpoints.ContainerCopyFromOptions{})
		if !errors.Is(err, tarstream.ErrInsecurePath) {
			e.T.Fatalf("copy-out of a tree with escaping symlinks: %v, want tarstream.ErrInsecurePath", err)
		}

		// Nothing but dst's subtree and the sentinel exists under parent,
		// the sentinel is unchanged, and no link in dst leads out of it.
		if data, err := os.ReadFile(sentinel); err != nil || !bytes.Equal(data, []byte("untouched\n")) {
			e.T.Errorf("the file beside dst changed: %q, %v", data, err)
		}
		err = filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == parent || p == sentinel || p == dst || strings.HasPrefix(p, dst+string(filepath.Separator)) {
				if d.Type()&fs.ModeSymlink != 0 {
					target, err := os.Readlink(p)
					if err != nil {
						return err
					}
					resolved := target
					if !filepath.IsAbs(target) {
						resolved = filepath.Join(filepath.Dir(p), target)
					}
					if resolved != dst && !strings.HasPrefix(resolved, dst+string(filepath.Separator)) {
						e.T.Errorf("symlink %s -> %s leads outside dst", p, target)
					}
				}
				return nil
			}
			e.T.Errorf("%s was written outside dst", p)
			return nil
		})
		if err != nil {
			e.T.Fatal(err)
		}
	})
}
