//go:build !linux

package tarstream

import "os"

// mknod is only implemented on Linux.
func mknod(*os.Root, string, byte, os.FileMode, int64, int64) error { return ErrDevice }
