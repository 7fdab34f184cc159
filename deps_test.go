package dockwire_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// depsRules is the import policy of this module: every package with what it
// may import, in one place. Like the depsRules of Go's go/build/deps_test.go
// it is a statement of policy, not a record of today's imports: a line is
// changed when the design changes, never to make the test pass.
// TestDependencyRules holds `go list -deps` (linux, default tags; tests
// excluded, they may import anything) to it, and a package without a line
// fails it.
//
// The language, read bottom up:
//
//	a, b < c, d    c and d may import a and b, and all that a and b may;
//	a < b < c      b may import a, c may import b (and so a);
//	a !< b         b must never link a, whatever the < lines say: the lines
//	               themselves and everything b links are held to it;
//	# ...          a comment; a statement ends with ";".
//
// A name is a package of this module by its path inside it (the root
// package is "dockwire"), or any other package by its import path; "p/..."
// stands for p and every package below it. An upper-case name is a group,
// defined by its own < line. Each package and group has one < line, below
// every line that uses it. STD is every standard package the table does not
// name (importing one that links a named package takes that name's
// permission), NONE is nothing, and LIBRARIES (right of !< only) is every
// package of the module but programs.
var depsRules = `
	# The standard library a client program must not link. Crypto: TLS and
	# x509 cost about 0.7 MiB stripped for a mere type, the hashes and
	# crypto/rand bring the FIPS 140 module's initialisation (about 75 KiB;
	# internal/digest serves the client's naming). HTTP is for servers,
	# websockets and tests.
	crypto/... < CRYPTO;
	net/http/... < HTTP;
	testing/... < TESTING;

	# go.mod's requirements, each for one opt-in package. testify is for
	# tests and the conformance suite (which only tests link), no other line
	# lets a package import it.
	golang.org/x/crypto/... < SSH;
	github.com/gorilla/websocket < WEBSOCKET;
	github.com/stretchr/testify/... < TESTIFY;

	# The client, bottom up. dial, mux and tarstream are leaves: mux and
	# tarstream know no HTTP, dial no API.
	STD < internal/digest, mux, tarstream;
	internal/digest < dial;
	dial < wire;
	STD < internal/apispec;  # the Engine API's operations, declared once
	STD < internal/jsondec;  # reflection-free JSON for the generated decoders
	wire < internal/bind;    # how the root package makes the services
	wire, mux, tarstream, internal/apispec, internal/bind, internal/jsondec < endpoints;
	endpoints < dockwire;

	# Opt-in parts, each the only way to what it links.
	dial, crypto/tls, crypto/x509 < dial/dialtls;
	dial, SSH < dial/ssh;
	wire, HTTP, WEBSOCKET < endpoints/attachws;

	# Test helpers: for tests and the conformance suite.
	STD < internal/faultproxy;
	STD, TESTING < internal/leakcheck;
	STD, TESTING, CRYPTO < internal/testcert;
	STD, TESTING, HTTP < internal/testnet;
	STD, TESTING, CRYPTO, SSH < internal/sshtest;

	# The mock daemon: a server beside the client, with its own JSON shapes.
	STD < mockdaemon/internal/memfs;
	mockdaemon/internal/memfs, crypto/rand, crypto/md5, crypto/sha1, crypto/sha256, crypto/sha512
	< mockdaemon/internal/shell;
	mockdaemon/internal/shell, mux, tarstream, CRYPTO, HTTP, WEBSOCKET, TESTING
	< mockdaemon;

	# The conformance suite: the client against any daemon.
	dockwire, endpoints/attachws, internal/faultproxy, CRYPTO, TESTING, TESTIFY
	< conformance;

	# Programs. fuzz's targets are all tests.
	STD, CRYPTO, HTTP < conformance/differential;
	STD < conformance/cmd/parity;
	conformance/differential, mockdaemon < conformance/cmd/diffcheck;
	dockwire, dial/ssh < examples/sizecheck; # dial/ssh with -tags sizecheck_ssh
	dockwire, dial/dialtls, dial/ssh, mockdaemon < cmd/dockwire;
	mockdaemon < cmd/mockdockerd;
	NONE < fuzz;

	# DESIGN.md's rules, whatever the lines above say.
	# No net/http, TLS, crypto, ssh, websocket or testing in the client core:
	# dial/dialtls, dial/ssh and endpoints/attachws are the opt-ins.
	CRYPTO, HTTP, TESTING, SSH, WEBSOCKET
	!< dockwire, endpoints, wire, dial, mux, tarstream, internal/digest, internal/apispec, internal/bind, internal/jsondec;
	HTTP, WEBSOCKET, crypto/tls, TESTING !< dial/ssh;
	HTTP, WEBSOCKET, SSH, TESTING !< dial/dialtls;

	# Leaves stay leaves, and imports never point upward.
	dockwire, endpoints/..., wire, dial/..., mux, tarstream, mockdaemon/..., conformance/...
	!< dial, mux, tarstream;
	dockwire, endpoints/..., mockdaemon/..., conformance/... !< wire;
	dockwire !< endpoints/...;

	# The mock keeps its own JSON shapes; the suite holds any daemon, not
	# ours; only programs (and tests) start a mock or run the suite: a
	# program under conformance/cmd may, no library of the module may.
	dockwire, endpoints/... !< mockdaemon/...;
	mockdaemon !< conformance;
	mockdaemon, conformance !< LIBRARIES;
`

func TestDependencyRules(t *testing.T) {
	pkgs, err := listPackages(".")
	require.NoError(t, err)
	msgs, err := checkDeps(depsRules, "github.com/dockwire/dockwire", pkgs)
	require.NoError(t, err)
	assert.Empty(t, msgs, "the import graph breaks depsRules (deps_test.go):\n%s", strings.Join(msgs, "\n"))
}

// The root module requires only x/crypto, gorilla/websocket and testify
// (and what they need).
func TestRootModuleDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{if not .Main}}{{.Path}}{{end}}", "all").CombinedOutput()
	require.NoError(t, err, "go list -m all:\n%s", out)
	allowed := []string{
		"golang.org/x/crypto", "golang.org/x/sys", "golang.org/x/net", "golang.org/x/term", "golang.org/x/text",
		"github.com/gorilla/websocket",
		"github.com/stretchr/testify", "github.com/stretchr/objx", "github.com/davecgh/go-spew",
		"github.com/pmezard/go-difflib", "gopkg.in/yaml.v3", "go.yaml.in/yaml/v3",
	}
	for _, m := range strings.Fields(string(out)) {
		assert.Contains(t, allowed, m, "the root module reaches %s, outside the allowed set", m)
	}
}
