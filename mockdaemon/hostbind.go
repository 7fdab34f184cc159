package mockdaemon

import (
	"errors"
	"io/fs"
	"os"
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
		return m, errInternal("mockdaemon: mount " + m.Destination + ": " + err.Error())
	}
	return m, nil
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
