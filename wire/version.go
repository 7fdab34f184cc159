package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is an Engine API version such as 1.41. The zero Version means
// "unknown" or "not set".
type Version struct{ Major, Minor int }

var (
	// MaxVersion is the newest API version this package knows: the version
	// a client asks for before negotiation lowers it.
	MaxVersion = Version{1, 56}
	// MinVersion is the oldest API version this package speaks; it matches
	// the Engine's own minimum (API 1.24, Docker 1.12).
	MinVersion = Version{1, 24}
)

// ParseVersion parses "1.41" (a leading "v", as in "v1.41", is accepted).
// Both parts must be decimal numbers without sign, spaces or leading zeros
// (except "0" itself), each at most 4 digits; anything else is an error
// wrapping ErrInvalidArgument.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(s, "v")
	maj, min, ok := strings.Cut(t, ".")
	if ok {
		a, okA := parseVersionPart(maj)
		b, okB := parseVersionPart(min)
		if okA && okB {
			return Version{a, b}, nil
		}
	}
	return Version{}, fmt.Errorf("wire: invalid API version %q: %w", s, ErrInvalidArgument)
}

func parseVersionPart(s string) (int, bool) {
	if len(s) == 0 || len(s) > 4 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// String returns "1.41". The zero Version prints as "0.0".
func (v Version) String() string {
	return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor)
}

// Less reports whether v is older than o.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	return v.Minor < o.Minor
}

// IsZero reports whether v is the zero (unknown) Version.
func (v Version) IsZero() bool { return v == Version{} }

// Negotiate picks the API version a client speaks with a daemon: the older
// of client (the newest the caller wants; zero means MaxVersion) and daemon
// (the daemon's Api-Version). A zero daemon version (a daemon that did not
// say) keeps the client's version, as moby's client does since late 2025.
// The result is never below MinVersion: a daemon older than that gets
// MinVersion and will refuse the requests itself (Client.Version reports
// such a daemon as a *VersionError instead).
func Negotiate(client, daemon Version) Version {
	if client.IsZero() {
		client = MaxVersion
	}
	v := client
	if !daemon.IsZero() && daemon.Less(client) {
		v = daemon
	}
	if v.Less(MinVersion) {
		v = MinVersion
	}
	return v
}

// VersionError reports that an operation, or a field or parameter of it,
// needs a newer API version than the one negotiated. It is returned before
// any byte is sent.
type VersionError struct {
	Op   string  // "ContainerList" or "ContainerCreate: Platform"
	Need Version // the minimum version the operation or field needs
	Have Version // the negotiated (or pinned) version
}

func (e *VersionError) Error() string {
	return "wire: " + e.Op + " needs API " + e.Need.String() + ", negotiated " + e.Have.String()
}
