//go:build unix

package tarstream

import (
	"io/fs"
	"syscall"
)

// sysStat is what Dir needs from a stat beyond fs.FileInfo.
type sysStat struct {
	uid, gid  int
	dev, ino  uint64
	nlink     uint64
	rdevMajor int64
	rdevMinor int64
	ok        bool
}

func statOf(fi fs.FileInfo) sysStat {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return sysStat{}
	}
	rdev := uint64(st.Rdev)
	return sysStat{
		uid: int(st.Uid), gid: int(st.Gid),
		dev: uint64(st.Dev), ino: uint64(st.Ino), nlink: uint64(st.Nlink),
		// Linux's encoding (glibc gnu_dev_major/minor).
		rdevMajor: int64((rdev>>8)&0xfff | (rdev>>32)&^0xfff),
		rdevMinor: int64(rdev&0xff | (rdev>>12)&^0xff),
		ok:        true,
	}
}
