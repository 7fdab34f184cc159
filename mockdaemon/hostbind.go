package mockdaemon

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// mountHostLocked mounts the host's m.Source at m.Destination in c, so
// the container reads the host's files as they are and writes through to
// them, as dockerd's bind mounts do. A source missing at create (only a
// Binds entry's: a Mounts entry's was refused) is made, a directory, and
// bound when the container starts, as dockerd does (bindMissingLocked).
func mountHostLocked(c *container, m mountPoint) (mountPoint, error) {
	if _, err := os.Stat(m.Source); errors.Is(err, fs.ErrNotExist) {
		m.unbound = true
		if err := c.fs.MkdirAll(m.Destination, 0o755); err != nil {
			return m, errInternal("mockdaemon: mount " + m.Destination + ": " + err.Error())
		}
		return m, nil
	}
	if err := c.fs.MountHost(m.Destination, m.Source, !m.RW); err != nil {
		return mountFailed(c, m, err)
	}
	if m.nonRec {
		hideSubmounts(c, m)
	}
	return m, nil
}

// hideSubmounts makes a non-recursive bind m (BindOptions.NonRecursive)
// show none of the host's mounts under its source, as a bind without
// MS_REC does: each of their mount points shows as an empty directory,
// what the mock can tell of the directory under a host mount.
func hideSubmounts(c *container, m mountPoint) {
	src, err := filepath.EvalSymlinks(m.Source)
	if err != nil {
		return
	}
	for _, p := range hostMountPoints() {
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			continue
		}
		empty := memfs.New()
		_ = empty.Chmod("/", fs.ModeDir|0o755)
		_ = c.fs.Mount(filepath.Join(m.Destination, rel), empty, !m.RW)
	}
}

// hostMountPoints are the mount points of the host's mount table
// (/proc/self/mountinfo), in its order.
func hostMountPoints() []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 5 {
			out = append(out, strings.ReplaceAll(fields[4], `\040`, " "))
		}
	}
	return out
}

// mountFailed is the mount m that could not be made in c: when its mount
// point lies in a read-only host bind, where runc cannot make it, the
// container is created and its start fails as runc's does (failedMount);
// any other failure is the create's.
func mountFailed(c *container, m mountPoint, err error) (mountPoint, error) {
	if !errors.Is(err, syscall.EROFS) {
		return m, errInternal("mockdaemon: mount " + m.Destination + ": " + err.Error())
	}
	op := "mkdir"
	if st, serr := os.Stat(m.Source); serr == nil && !st.IsDir() {
		op = "open" // runc makes a file's mount point by opening it
	}
	m.failed = fmt.Sprintf("error during container init: error mounting %q to rootfs at %q: %s /var/lib/docker/overlay2/%s/merged%s: read-only file system",
		m.Source, m.Destination, op, c.id, m.Destination)
	return m, nil
}

// failedMount is why c cannot start for a mount that could not be made,
// or nil: dockerd's refusal of a bind's propagation when it makes the
// container's spec (propagationFailure), else runc's error; either is
// passed on as a 500.
func failedMount(c *container) *startFailure {
	for _, m := range c.mounts {
		if msg := propagationFailure(m); msg != "" {
			return &startFailure{daemon: true, msg: msg} // dockerd's own words, not runc's
		}
	}
	for _, m := range c.mounts {
		if m.failed != "" {
			return &startFailure{system: true, msg: m.failed}
		}
	}
	return nil
}

// bindMissingLocked makes the host paths of c's binds that were missing
// at create and binds them (a start, as dockerd's mount setup does); one
// it cannot make stays an empty directory; d.mu held.
func bindMissingLocked(c *container) {
	for i, m := range c.mounts {
		if !m.unbound {
			continue
		}
		if err := os.MkdirAll(m.Source, 0o755); err != nil {
			continue
		}
		if c.fs.MountHost(m.Destination, m.Source, !m.RW) == nil {
			c.mounts[i].unbound = false
		}
	}
}

// propagationFailure is dockerd's check of a bind's propagation when it
// makes the container's spec at start (its ensureShared and
// ensureSharedOrSlave): a shared propagation needs the source's mount to
// be shared, a slave one shared or slave, as the host's mount table says
// (/proc/self/mountinfo); "" when the propagation may be had.
func propagationFailure(m mountPoint) string {
	var need string
	switch m.Propagation {
	case "shared", "rshared":
		need = "shared"
	case "slave", "rslave":
		need = "shared or slave"
	default:
		return ""
	}
	if m.Type != "bind" {
		return ""
	}
	src, err := filepath.EvalSymlinks(m.Source)
	if err != nil {
		return ""
	}
	point, optional, ok := sourceMount(src)
	if !ok {
		return ""
	}
	shared := strings.Contains(optional, "shared:")
	slave := strings.Contains(optional, "master:")
	if shared || (need != "shared" && slave) {
		return ""
	}
	return fmt.Sprintf("path %s is mounted on %s but it is not a %s mount", m.Source, point, need)
}

// sourceMount finds the mount that holds path in the host's mount table:
// its mount point and its optional fields (shared:N, master:N...).
func sourceMount(path string) (point, optional string, ok bool) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mount-point options [optional...] - type source super
		fields := strings.Fields(sc.Text())
		if len(fields) < 7 {
			continue
		}
		mp := strings.ReplaceAll(fields[4], `\040`, " ")
		if !within(path, mp) || len(mp) < len(point) {
			continue
		}
		var opt []string
		for _, o := range fields[6:] {
			if o == "-" {
				break
			}
			opt = append(opt, o)
		}
		point, optional, ok = mp, strings.Join(opt, " "), true
	}
	return point, optional, ok
}

// within reports whether path is dir or lies below it.
func within(path, dir string) bool {
	return dir == "/" || path == dir || strings.HasPrefix(path, dir+"/")
}
