package ssh

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HostKeyError refuses an ssh server whose host key known_hosts does not
// vouch for: unknown (no key for the host), changed (other keys for it),
// or revoked. It is wrapped in a *dial.Error with Op "ssh"; reach it with
// errors.As. The only way past it is Options.HostKeyCallback.
type HostKeyError struct {
	// Host is the host as known_hosts names it: "box", or "[box]:2222"
	// off port 22.
	Host string
	// KeyType and Fingerprint are the server's key: "ssh-ed25519" and
	// "SHA256:..." (the form ssh-keygen -l prints).
	KeyType     string
	Fingerprint string
	// Changed says known_hosts holds other keys for Host (Known says
	// where): the server's key changed, or something is in between.
	Changed bool
	Known   []string
	// Revoked says a @revoked line names the key (Known says where).
	Revoked bool
	// Files are the known_hosts files that were checked; none when none
	// exists.
	Files []string

	looked []string // the files looked for, when none exists
}

func (e *HostKeyError) Error() string {
	key := e.KeyType + " " + e.Fingerprint
	switch {
	case e.Revoked:
		return fmt.Sprintf("ssh: host key of %s is revoked (%s, @revoked at %s)", e.Host, key, strings.Join(e.Known, ", "))
	case e.Changed:
		return fmt.Sprintf("ssh: host key of %s has CHANGED: the server offers %s, known_hosts has %s; "+
			"the host may have been reinstalled, or someone is intercepting the connection", e.Host, key, strings.Join(e.Known, ", "))
	}
	files := "not in " + strings.Join(e.Files, ", ")
	switch {
	case len(e.Files) > 0:
	case len(e.looked) > 0:
		files = "no known_hosts file: none of " + strings.Join(e.looked, ", ") + " exists"
	default:
		files = "no known_hosts file is configured"
	}
	return fmt.Sprintf("ssh: host key of %s is unknown (%s; %s): "+
		"check the fingerprint with the host's administrator, then add the key to known_hosts", e.Host, key, files)
}

// hostKeyCheck returns the host key callback, and the host key algorithms
// to ask for: those of the keys known_hosts has for the host first, so
// that a server with several keys shows one that can be checked.
func (t *sshTransport) hostKeyCheck() (ssh.HostKeyCallback, []string, error) {
	if t.hostKey != nil {
		return t.hostKey, nil, nil
	}
	var files []string
	for _, f := range t.tgt.knownHosts {
		if _, err := os.Stat(f); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		looked := t.tgt.knownHosts
		return func(hostname string, _ net.Addr, key ssh.PublicKey) error {
			return &HostKeyError{Host: knownhosts.Normalize(hostname), KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), looked: looked}
		}, nil, nil
	}
	check, err := knownhosts.New(files...)
	if err != nil {
		return nil, nil, fmt.Errorf("known_hosts: %w", err)
	}
	cb := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := check(hostname, remote, key)
		if err == nil {
			return nil
		}
		e := &HostKeyError{Host: knownhosts.Normalize(hostname), KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), Files: files}
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case errors.As(err, &re):
			e.Revoked, e.Known = true, []string{fmt.Sprintf("%s:%d", re.Revoked.Filename, re.Revoked.Line)}
		case errors.As(err, &ke):
			e.Changed = len(ke.Want) > 0
			for _, k := range ke.Want {
				e.Known = append(e.Known, fmt.Sprintf("%s at %s:%d", k.Key.Type(), k.Filename, k.Line))
			}
		default:
			return err
		}
		return e
	}
	return cb, knownAlgorithms(check, t.tgt.addr()), nil
}

// knownAlgorithms returns the host key algorithms for addr's known keys
// first, then the rest of x/crypto's, or nil (the defaults) when
// known_hosts has no key for addr.
func knownAlgorithms(check ssh.HostKeyCallback, addr string) []string {
	var ke *knownhosts.KeyError
	if err := check(addr, &net.TCPAddr{}, probeKey{}); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	for _, k := range ke.Want {
		for _, a := range algorithmsFor(k.Key.Type()) {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	for _, a := range ssh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	return algos
}

// algorithmsFor returns the signature algorithms of a key type: RSA keys
// sign with SHA-2 (OpenSSH refuses SHA-1 since 8.8).
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	return []string{keyType}
}

// probeKey is a key no known_hosts line can hold: checking it lists the
// keys known for a host.
type probeKey struct{}

func (probeKey) Type() string                        { return "dockwire-probe" }
func (probeKey) Marshal() []byte                     { return []byte("\x00\x00\x00\x0edockwire-probe") }
func (probeKey) Verify([]byte, *ssh.Signature) error { return errors.New("probe key") }
