package tarstream

import "sync"

// bufSize is the copy buffer of Dir and Extract: memory stays flat whatever
// the size of the files.
const bufSize = 32 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

func getBuf() *[]byte  { return bufPool.Get().(*[]byte) }
func putBuf(b *[]byte) { bufPool.Put(b) }
