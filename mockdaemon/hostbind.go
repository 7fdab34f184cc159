package mockdaemon

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// maxHostSeed bounds what seedFromHost copies.
const maxHostSeed = 64 << 20

// seedFromHost copies the host directory src (regular files, directories
// and symbolic links, at most maxHostSeed bytes) into f.
func seedFromHost(src string, f *memfs.FS) {
	var total int64
	_ = filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return nil
		}
		dst := "/" + filepath.ToSlash(rel)
		info, err := de.Info()
		if err != nil {
			return nil
		}
		switch {
		case de.IsDir():
			_ = f.Mkdir(dst, info.Mode().Perm())
		case de.Type()&fs.ModeSymlink != 0:
			if t, err := os.Readlink(p); err == nil {
				_ = f.Symlink(t, dst)
			}
		case de.Type().IsRegular():
			total += info.Size()
			if total > maxHostSeed {
				return filepath.SkipAll
			}
			if b, err := os.ReadFile(p); err == nil {
				_ = f.WriteFile(dst, b, info.Mode().Perm())
			}
		}
		return nil
	})
}
