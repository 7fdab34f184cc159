package mockdaemon

import (
	"errors"
	"io/fs"
	"os"
)

// mountHostLocked mounts the host's m.Source at m.Destination in c, so
// the container reads the host's files as they are and writes through to
// them, as dockerd's bind mounts do. A missing source is made, a
// directory, as dockerd makes the missing source of a Binds entry (a
// Mounts entry's was refused at create).
func mountHostLocked(c *container, m mountPoint) error {
	if _, err := os.Stat(m.Source); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(m.Source, 0o755); err != nil {
			return errInternal("error while creating mount source path '" + m.Source + "': " + err.Error())
		}
	}
	if err := c.fs.MountHost(m.Destination, m.Source, !m.RW); err != nil {
		return errInternal("mockdaemon: mount " + m.Destination + ": " + err.Error())
	}
	return nil
}
