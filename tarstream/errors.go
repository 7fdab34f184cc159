package tarstream

import (
	"errors"
	"strings"
)

// Sentinel errors. Extract wraps them in an *EntryError naming the entry, so
// callers test them with errors.Is.
var (
	// ErrInsecurePath reports an entry that would reach outside the
	// destination: an absolute name, a ".." component, a NUL byte, a name
	// that passes through a symbolic link, a symbolic link whose target is
	// absolute or climbs out of the destination, or a hard link to a file
	// that is not a regular file inside the destination.
	ErrInsecurePath = errors.New("tarstream: insecure path")

	// ErrTooLarge reports that the file bytes of an archive exceed
	// ExtractOptions.MaxBytes. It is returned before the offending entry is
	// written.
	ErrTooLarge = errors.New("tarstream: archive too large")

	// ErrTooManyEntries reports more entries than ExtractOptions.MaxEntries.
	ErrTooManyEntries = errors.New("tarstream: too many entries")

	// ErrNameTooLong reports an entry name or link target longer than 4096
	// bytes.
	ErrNameTooLong = errors.New("tarstream: name too long")

	// ErrDevice reports a character device, block device or FIFO entry
	// refused because ExtractOptions.AllowDevices is not set, or one that
	// cannot be created (devices need root).
	ErrDevice = errors.New("tarstream: device entry refused")

	// ErrOverwrite reports, with ExtractOptions.NoOverwriteDirNonDir, an
	// entry that would replace a directory with a non-directory or the
	// reverse.
	ErrOverwrite = errors.New("tarstream: refusing to replace a directory with a non-directory or the reverse")

	// ErrEntryType reports an entry type Extract does not handle.
	ErrEntryType = errors.New("tarstream: unsupported entry type")

	// ErrBadPattern reports a .dockerignore pattern that does not compile.
	ErrBadPattern = errors.New("tarstream: bad pattern")

	// ErrPathStat reports an X-Docker-Container-Path-Stat header that is not
	// standard base64 of one JSON object.
	ErrPathStat = errors.New("tarstream: bad path stat header")
)

// EntryError is returned by Extract when an entry fails: Name is the name as
// the archive spelled it, Err the cause (one of the sentinels above, an
// *fs.PathError, or an archive/tar error).
type EntryError struct {
	Name string
	Err  error
}

// Error formats as `tarstream: entry "<name>": <err>`.
func (e *EntryError) Error() string {
	return `tarstream: entry ` + quote(e.Name) + ": " + strings.TrimPrefix(e.Err.Error(), "tarstream: ")
}

// Unwrap returns Err.
func (e *EntryError) Unwrap() error { return e.Err }

// quote quotes s for an error message, shortening very long names.
func quote(s string) string {
	const max = 256
	if len(s) > max {
		s = s[:max] + "..."
	}
	b := []byte{'"'}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r == 0x7f:
			b = append(b, '\\', 'x', "0123456789abcdef"[r>>4], "0123456789abcdef"[r&15])
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}
