package mockdaemon

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// RUN --mount, as dockerd 20.10's classic builder sees it: BuildKit's
// instruction parser reads each mount (so a malformed one is a parse error,
// 400 before the stream), and the step then refuses the flag (in the
// stream: "the --mount option requires BuildKit").

// errRunMountNeedsBuildKit is a RUN step's refusal of its --mount flags.
var errRunMountNeedsBuildKit = errors.New("the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")

// runMount is one parsed RUN --mount.
type runMount struct {
	typ, from, source, target, id, sharing string
	mode, uid, gid                         bool // given
}

// parseRunMount parses one --mount value as BuildKit's parseMount does: CSV
// fields of key=value (keys case-insensitive, the type lower-cased), each
// field judged in order, then the combinations its type does not allow.
func parseRunMount(value string) (*runMount, error) {
	fields, err := csv.NewReader(strings.NewReader(value)).Read()
	if err != nil {
		return nil, fmt.Errorf("failed to parse csv mounts: %w", err)
	}
	m := &runMount{typ: "bind"}
	for _, field := range fields {
		key, val, pair := strings.Cut(field, "=")
		key = strings.ToLower(key)
		if !pair {
			switch key {
			case "readonly", "ro", "readwrite", "rw":
				continue
			case "required":
				if m.typ != "secret" && m.typ != "ssh" {
					return nil, fmt.Errorf("unexpected key '%s' for mount type '%s'", key, m.typ)
				}
				continue
			}
			return nil, fmt.Errorf("invalid field '%s' must be a key=value pair", field)
		}
		switch key {
		case "type":
			switch t := strings.ToLower(val); t {
			case "bind", "cache", "tmpfs", "secret", "ssh":
				m.typ = t
			default:
				return nil, fmt.Errorf("unsupported mount type %q", val)
			}
		case "from":
			m.from = val
		case "source", "src":
			m.source = val
		case "target", "dst", "destination":
			m.target = val
		case "readonly", "ro", "readwrite", "rw":
			if _, err := strconv.ParseBool(val); err != nil {
				return nil, fmt.Errorf("invalid value for %s: %s", key, val)
			}
		case "required":
			if m.typ != "secret" && m.typ != "ssh" {
				return nil, fmt.Errorf("unexpected key '%s' for mount type '%s'", key, m.typ)
			}
			if _, err := strconv.ParseBool(val); err != nil {
				return nil, fmt.Errorf("invalid value for %s: %s", key, val)
			}
		case "id":
			m.id = val
		case "sharing":
			switch strings.ToLower(val) {
			case "shared", "private", "locked":
				m.sharing = val
			default:
				return nil, fmt.Errorf("unsupported sharing value %q", val)
			}
		case "mode":
			if _, err := strconv.ParseUint(val, 8, 32); err != nil {
				return nil, fmt.Errorf("invalid value %s for mode", val)
			}
			m.mode = true
		case "uid", "gid":
			if _, err := strconv.ParseUint(val, 10, 32); err != nil {
				return nil, fmt.Errorf("invalid value %s for %s", val, key)
			}
			if key == "uid" {
				m.uid = true
			} else {
				m.gid = true
			}
		default:
			return nil, fmt.Errorf("unexpected key '%s' in '%s'", key, field)
		}
	}
	if m.sharing != "" && m.typ != "cache" {
		return nil, fmt.Errorf("invalid cache sharing set for %v mount", m.typ)
	}
	if m.typ == "secret" {
		switch {
		case m.from != "":
			return nil, errors.New("secret mount should not have a from")
		case m.source != "" && m.id != "":
			return nil, errors.New("both source and id can't be set")
		case m.source == "" && m.target == "" && m.id == "":
			return nil, errors.New("invalid secret mount. one of source, target required")
		}
	}
	if m.typ != "secret" && m.typ != "ssh" && m.typ != "cache" {
		for _, f := range []struct {
			given bool
			name  string
		}{{m.mode, "mode"}, {m.uid, "uid"}, {m.gid, "gid"}} {
			if f.given {
				return nil, fmt.Errorf("%s not allowed for %q type mounts", f.name, m.typ)
			}
		}
	}
	return m, nil
}
