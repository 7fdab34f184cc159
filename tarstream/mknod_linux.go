//go:build linux

package tarstream

import (
	"io/fs"
	"os"
	"syscall"
)

// mknod creates a device node or FIFO name (one path component) in the
// directory root; mknodat does not follow a final symbolic link.
func mknod(root *os.Root, name string, typ byte, mode os.FileMode, major, minor int64) error {
	var kind uint32
	switch typ {
	case '3': // tar.TypeChar
		kind = syscall.S_IFCHR
	case '4': // tar.TypeBlock
		kind = syscall.S_IFBLK
	default:
		kind = syscall.S_IFIFO
	}
	if kind != syscall.S_IFIFO && os.Geteuid() != 0 {
		return ErrDevice
	}
	dir, err := root.Open(".")
	if err != nil {
		return err
	}
	defer dir.Close()
	dev := int((major&0xfff)<<8 | (minor & 0xff) | (minor&^0xff)<<12 | (major&^0xfff)<<32)
	if err := syscall.Mknodat(int(dir.Fd()), name, kind|uint32(mode.Perm()), dev); err != nil {
		return &fs.PathError{Op: "mknod", Path: name, Err: err}
	}
	return nil
}
