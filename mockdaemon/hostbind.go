package mockdaemon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
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
	return m, nil
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
// or nil: runc's error, which dockerd passes on as a 500.
func failedMount(c *container) *startFailure {
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
