package mockdaemon

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// platformSpec is an OS/architecture[/variant] a request names (the
// platform parameter of build, create, pull and import).
type platformSpec struct {
	OS, Architecture, Variant string
}

// platformComponent is what each /-separated part of a platform may hold.
var platformComponent = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

var (
	knownOSes = []string{"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
		"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos"}
	knownArches = []string{"386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le",
		"loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "riscv",
		"riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"}
)

// parsePlatform reads a platform specifier as dockerd does (containerd's
// platforms.Parse): "os", "arch", "os/arch" or "os/arch/variant", names
// normalized (x86_64 is amd64, aarch64 arm64...). A single word must be a
// known OS or architecture; two or three parts are taken as they are. Its
// errors are invalid arguments, in containerd's words.
func parsePlatform(s string) (platformSpec, error) {
	invalid := func(msg string) error { return errInvalid(msg + ": invalid argument") }
	if strings.Contains(s, "*") {
		return platformSpec{}, invalid(fmt.Sprintf("%q: wildcards not yet supported", s))
	}
	parts := strings.Split(s, "/")
	for _, p := range parts {
		if !platformComponent.MatchString(p) {
			return platformSpec{}, invalid(fmt.Sprintf("%q is an invalid component of %q: platform specifier component must match %q",
				p, s, platformComponent.String()))
		}
	}
	var p platformSpec
	switch len(parts) {
	case 1:
		if os := normalizeOS(parts[0]); slices.Contains(knownOSes, os) {
			return platformSpec{OS: os, Architecture: runtime.GOARCH}, nil
		}
		p.Architecture, p.Variant = normalizeArch(parts[0], "")
		if slices.Contains(knownArches, p.Architecture) {
			p.OS = runtime.GOOS
			return p, nil
		}
		return platformSpec{}, invalid(fmt.Sprintf("%q: unknown operating system or architecture", s))
	case 2:
		p.OS = normalizeOS(parts[0])
		p.Architecture, p.Variant = normalizeArch(parts[1], "")
		return p, nil
	case 3:
		p.OS = normalizeOS(parts[0])
		p.Architecture, p.Variant = normalizeArch(parts[1], parts[2])
		if p.Architecture == "arm64" && p.Variant == "" {
			p.Variant = "v8"
		}
		return p, nil
	}
	return platformSpec{}, invalid(fmt.Sprintf("%q: cannot parse platform specifier", s))
}

func normalizeOS(os string) string {
	os = strings.ToLower(os)
	if os == "macos" {
		return "darwin"
	}
	return os
}

// normalizeArch is containerd's naming of an architecture and variant.
func normalizeArch(arch, variant string) (string, string) {
	arch, variant = strings.ToLower(arch), strings.ToLower(variant)
	switch arch {
	case "i386":
		return "386", ""
	case "x86_64", "x86-64", "amd64":
		if variant == "v1" {
			variant = ""
		}
		return "amd64", variant
	case "aarch64", "arm64":
		if variant == "8" || variant == "v8" {
			variant = ""
		}
		return "arm64", variant
	case "armhf":
		return "arm", "v7"
	case "armel":
		return "arm", "v6"
	case "arm":
		switch variant {
		case "", "7":
			variant = "v7"
		case "5", "6", "8":
			variant = "v" + variant
		}
		if variant == "v7" {
			variant = ""
		}
		return arch, variant
	}
	return arch, variant
}

// matches is dockerd's check (GetImage with a platform) that the image
// ref names is of platform p (nil: any): containerd's platforms.Only, and
// for an image config without a variant (the mock's never have one)
// dockerd's fallback, under which the same OS and architecture suffice
// (linux/amd64/v3 takes a linux/amd64 image). Else a 404 naming both.
func (p *platformSpec) matches(ref string, im *image) error {
	if p == nil {
		return nil
	}
	have := platformSpec{OS: im.file.OS, Architecture: im.file.Architecture}
	if p.OS == have.OS && p.Architecture == have.Architecture {
		return nil
	}
	return errNotFound(fmt.Sprintf("image with reference %s was found but does not match the specified platform: wanted %s, actual: %s",
		ref, p, have))
}

// String is the platform as containerd formats it: os/arch[/variant].
func (p platformSpec) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
