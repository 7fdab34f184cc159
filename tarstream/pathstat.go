package tarstream

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// maxPathStatHeader caps the header ParsePathStat accepts. dockerd's header
// holds a name, a link target and a few numbers; 64 KiB is generous.
const maxPathStatHeader = 64 << 10

// PathStat is the value of the X-Docker-Container-Path-Stat header that
// dockerd sends on GET and HEAD /containers/{id}/archive: standard base64 of
// a JSON object {"name","size","mode","mtime","linkTarget"}. Mode holds Go
// os.FileMode bits (dockerd marshals an os.FileMode), not a unix st_mode:
// a directory is Mode&os.ModeDir != 0, a symbolic link Mode&os.ModeSymlink.
type PathStat struct {
	Name       string      `json:"name"`
	Size       int64       `json:"size"`
	Mode       os.FileMode `json:"mode"`
	Mtime      time.Time   `json:"mtime"`
	LinkTarget string      `json:"linkTarget"`
}

// ParsePathStat decodes an X-Docker-Container-Path-Stat header. A header
// that is not padded standard base64, not one JSON object, or larger than
// 64 KiB gives an error wrapping ErrPathStat. Unknown JSON fields are
// ignored.
func ParsePathStat(header string) (PathStat, error) {
	var s PathStat
	if header == "" {
		return s, fmt.Errorf("%w: empty", ErrPathStat)
	}
	if len(header) > maxPathStatHeader {
		return s, fmt.Errorf("%w: %d bytes, more than %d", ErrPathStat, len(header), maxPathStatHeader)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(header)
	if err != nil {
		return s, fmt.Errorf("%w: %w", ErrPathStat, err)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return PathStat{}, fmt.Errorf("%w: %w", ErrPathStat, err)
	}
	return s, nil
}

// Encode returns the header value for s, as dockerd writes it.
func (s PathStat) Encode() (string, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("tarstream: encode path stat: %w", err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}
