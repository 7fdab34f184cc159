// Package memfs is the mock daemon's in-memory POSIX-like filesystem: the
// root filesystem of a mock container, its volumes, binds and tmpfs mounts.
//
// An FS is a tree of files, directories, symbolic links and named pipes
// (hard links are supported too: several names sharing one node). Paths
// are slash separated; relative paths resolve against "/". Symbolic links
// are followed during resolution, at most 40 times per lookup, after which
// the lookup fails with syscall.ELOOP.
//
// Every error is an *fs.PathError whose Err is a sentinel that errors.Is
// understands: fs.ErrNotExist, fs.ErrExist, fs.ErrInvalid, fs.ErrPermission, or a syscall.Errno
// such as syscall.ENOTDIR, syscall.EISDIR, syscall.ENOTEMPTY, syscall.EROFS,
// syscall.EXDEV, syscall.ELOOP.
//
// # Mounts
//
// Mount grafts another FS (or one of its subtrees) onto a directory, the way
// the daemon attaches volumes, binds and tmpfs mounts; a read-only mount (or a
// root made read-only with SetReadOnly) fails writes with syscall.EROFS.
// Mounts are not recursive: the mounts of a mounted FS are not visible
// through it. Two FSes that mount the same volume share its contents.
//
// MountHost mounts a directory (or file) of the host instead, the way
// dockerd binds a host path: every operation under it, WriteTar and
// ExtractTar included, goes to the host's filesystem through an os.Root
// opened on the source. A path is resolved one name at a time in the FS,
// as the kernel resolves it in a container's mount namespace: a symbolic
// link found on the host resolves in the FS (an absolute one from its
// root, ".." past the mount point to the mount point's parent), so no
// host path outside the source is reached. A mount may lie inside a host
// mount: its mount point is made on the host, as runc makes it.
//
// # Users, named pipes, synthetic directories
//
// As gives a user's view of an FS, held to the kernel's permission checks
// (search, read, write, sticky directories, owners), in the tree and on
// host mounts; what the view makes is the user's. Mkfifo makes a named
// pipe, whose opens by OpenFileContext wait for the other end as open(2)
// does, until their context ends. SetSynthetic lets a Synthetic make the
// entries of a directory when they are looked up, as procfs makes
// /proc/<pid>.
//
// # Layers
//
// Clone copies a tree cheaply (file contents are shared copy-on-write), Diff
// lists the changes between two trees the way `docker diff` does, WriteTar
// and Snapshot write tar streams and ExtractTar reads them back as
// dockerd's unpacker chrooted to a container's root does: an entry that
// leads out of its destination is refused (BreakoutError), links on an
// entry's way resolve from the FS's root, and nothing is written outside
// the FS. WriteLayer and ExtractLayer do the same for image layers, with
// ".wh." whiteouts for deletions. ReadTar reads a stream into a Tar held
// in pieces, each file's data in one, which ExtractLayerBytes leaves
// where it lies.
//
// SetMaxFileSize bounds file sizes (syscall.EFBIG past it), so a runaway
// writer cannot exhaust memory.
//
// # Concurrency
//
// An FS is safe for concurrent use. Each operation locks the FS and every FS
// mounted in it, in a fixed order, so operations on FSes that share volumes
// never deadlock.
package memfs
