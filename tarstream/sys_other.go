//go:build !unix

package tarstream

import (
	"io/fs"
)

type sysStat struct {
	uid, gid             int
	dev, ino, nlink      uint64
	rdevMajor, rdevMinor int64
	ok                   bool
}

func statOf(fs.FileInfo) sysStat { return sysStat{} }
