package mockdaemon

import (
	"errors"
	"regexp"
	"strings"
)

// imageRef is a parsed image reference in its familiar form: "busybox",
// "127.0.0.1:5000/foo/bar" (docker.io/library/ stripped).
type imageRef struct {
	repo   string // familiar repository name
	tag    string // "" when only a digest was given
	digest string // "sha256:..." or ""
}

func (r imageRef) String() string {
	s := r.repo
	if r.tag != "" {
		s += ":" + r.tag
	}
	if r.digest != "" {
		s += "@" + r.digest
	}
	return s
}

// tagged is repo:tag ("" when the reference has no tag).
func (r imageRef) tagged() string {
	if r.tag == "" {
		return ""
	}
	return r.repo + ":" + r.tag
}

// domain is the registry host of the reference, "docker.io" for Docker Hub.
func (r imageRef) domain() string {
	first, _, ok := strings.Cut(r.repo, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// path is the repository path without the registry ("library/busybox").
func (r imageRef) path() string {
	if d := r.domain(); d != "docker.io" {
		return strings.TrimPrefix(r.repo, d+"/")
	}
	if !strings.Contains(r.repo, "/") {
		return "library/" + r.repo
	}
	return r.repo
}

var (
	pathComponent = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	domainPart    = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$`)
	tagRe         = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	digestRe      = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	hexRe         = regexp.MustCompile(`^[a-f0-9]{1,64}$`)
)

// parseRef parses a reference the way dockerd's reference.ParseNormalizedNamed
// does; a reference with neither tag nor digest gets "latest" when
// defaultTag is set. Errors are dockerd's 400 "invalid reference format".
func parseRef(s string, defaultTag bool) (imageRef, error) {
	var r imageRef
	if s == "" {
		return r, errInvalid("invalid reference format")
	}
	name := s
	if at := strings.Index(name, "@"); at >= 0 {
		r.digest = name[at+1:]
		name = name[:at]
		if !digestRe.MatchString(r.digest) {
			return r, errInvalid("invalid reference format")
		}
	}
	// a tag is after the last ':' that follows the last '/'
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		r.tag = name[i+1:]
		name = name[:i]
		if !tagRe.MatchString(r.tag) {
			return r, errInvalid("invalid reference format")
		}
	}
	if name == "" {
		return r, errInvalid("invalid reference format")
	}
	parts := strings.Split(name, "/")
	start := 0
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost" || parts[0] != strings.ToLower(parts[0])) {
		if !domainPart.MatchString(parts[0]) {
			return r, errInvalid("invalid reference format")
		}
		start = 1
	}
	for _, p := range parts[start:] {
		if !pathComponent.MatchString(p) {
			if strings.ToLower(p) != p && pathComponent.MatchString(strings.ToLower(p)) {
				return r, errInvalid("invalid reference format: repository name (" + strings.Join(parts[start:], "/") + ") must be lowercase")
			}
			return r, errInvalid("invalid reference format")
		}
	}
	if len(name) > 255 {
		return r, errInvalid("invalid reference format: repository name must not be more than 255 characters")
	}
	// familiar form
	name = strings.TrimPrefix(name, "docker.io/")
	name = strings.TrimPrefix(name, "index.docker.io/")
	name = strings.TrimPrefix(name, "library/")
	r.repo = name
	if r.tag == "" && r.digest == "" && defaultTag {
		r.tag = "latest"
	}
	return r, nil
}

// looksLikeID reports whether s can only be an image id or id prefix.
func looksLikeID(s string) bool {
	s = strings.TrimPrefix(s, "sha256:")
	return hexRe.MatchString(s)
}

// refError is a reference error in the wording of API version ver:
// dockerd 20.10 (1.41) does not name the repository that must be lower
// case.
func refError(ver apiVersion, err error) error {
	var ae *apiError
	if ver.atLeast("1.42") || !errors.As(err, &ae) {
		return err
	}
	msg := ae.msg
	if i := strings.Index(msg, "repository name ("); i >= 0 {
		if j := strings.Index(msg[i:], ") must be lowercase"); j >= 0 {
			msg = msg[:i] + "repository name" + msg[i+j+1:]
		}
	}
	return &apiError{ae.status, msg}
}
