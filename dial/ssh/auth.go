package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// maxKeyFile caps what is read of an identity file.
const maxKeyFile = 1 << 20

// authenticator gathers the keys to offer for one login, in OpenSSH's
// order: the agent's, then the identity files. It keeps the agent's
// connection open for the signatures, until close.
type authenticator struct {
	ctx context.Context
	tgt *target

	once    sync.Once
	keys    []ssh.Signer
	offered []string // what was offered, for errors
	skipped []string // what was not, and why
	agent   net.Conn
}

func (t *target) authenticator(ctx context.Context) *authenticator {
	return &authenticator{ctx: ctx, tgt: t}
}

func (a *authenticator) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}

// signers is the ssh.PublicKeysCallback: the keys, gathered once.
func (a *authenticator) signers() ([]ssh.Signer, error) {
	a.once.Do(a.gather)
	return a.keys, nil
}

func (a *authenticator) gather() {
	var files []ssh.Signer
	var names []string
	for _, id := range a.tgt.identities {
		s, err := a.load(id.file)
		switch {
		case err == nil:
			files = append(files, s)
			names = append(names, id.file+" ("+s.PublicKey().Type()+")")
		case id.optional && errors.Is(err, fs.ErrNotExist):
		default:
			a.skipped = append(a.skipped, fmt.Sprintf("%s (%v)", id.file, err))
		}
	}
	fromAgent := a.agentKeys()
	if a.tgt.identitiesOnly {
		// Only the agent's keys that are also identity files.
		fromAgent = slices.DeleteFunc(fromAgent, func(s ssh.Signer) bool { return !containsKey(files, s.PublicKey()) })
	}
	if len(fromAgent) > 0 {
		a.offered = append(a.offered, "ssh-agent ("+strconv.Itoa(len(fromAgent))+" keys)")
	}
	a.keys = fromAgent
	for i, s := range files {
		if containsKey(fromAgent, s.PublicKey()) {
			continue // the agent offers it already
		}
		a.keys = append(a.keys, s)
		a.offered = append(a.offered, names[i])
	}
}

// agentKeys returns the ssh-agent's keys, none when there is no agent.
func (a *authenticator) agentKeys() []ssh.Signer {
	if a.tgt.agent == "" {
		return nil
	}
	var d net.Dialer
	conn, err := d.DialContext(a.ctx, "unix", a.tgt.agent)
	if err != nil {
		a.skipped = append(a.skipped, fmt.Sprintf("ssh-agent (%v)", err))
		return nil
	}
	a.agent = conn
	keys, err := agent.NewClient(conn).Signers()
	if err != nil {
		a.skipped = append(a.skipped, fmt.Sprintf("ssh-agent at %s (%v)", a.tgt.agent, err))
		return nil
	}
	return keys
}

// load reads an identity file. An encrypted one whose public half is
// known (OpenSSH's format stores it in the clear, else <file>.pub) waits
// for the server to accept it before asking for its passphrase.
func (a *authenticator) load(file string) (ssh.Signer, error) {
	data, err := readCapped(file)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		return s, err
	}
	if a.tgt.passphrase == nil {
		return nil, errors.New("encrypted, and no Passphrase callback is set")
	}
	l := &lazySigner{file: file, data: data, passphrase: a.tgt.passphrase, pub: missing.PublicKey}
	if l.pub == nil {
		if pub, err := readCapped(file + ".pub"); err == nil {
			l.pub, _, _, _, _ = ssh.ParseAuthorizedKey(pub)
		}
	}
	if l.pub == nil {
		// Nothing tells which key it is: decrypt it now.
		return l.signer()
	}
	return l, nil
}

func readCapped(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err == nil && len(data) > maxKeyFile {
		err = errors.New("larger than 1 MiB: not a key")
	}
	return data, err
}

// tried says which keys were offered and which skipped, for errors.
func (a *authenticator) tried() string {
	s := "no key"
	if len(a.offered) > 0 {
		s = strings.Join(a.offered, ", ")
	}
	if len(a.skipped) > 0 {
		s += "; skipped " + strings.Join(a.skipped, ", ")
	}
	return s
}

// lazySigner is an encrypted key whose passphrase is asked for on its first
// signature.
type lazySigner struct {
	file       string
	data       []byte
	passphrase func(string) ([]byte, error)
	pub        ssh.PublicKey

	once sync.Once
	s    ssh.AlgorithmSigner
	err  error
}

func (l *lazySigner) signer() (ssh.AlgorithmSigner, error) {
	l.once.Do(func() {
		pass, err := l.passphrase(l.file)
		if err != nil {
			l.err = fmt.Errorf("passphrase for %s: %w", l.file, err)
			return
		}
		s, err := ssh.ParsePrivateKeyWithPassphrase(l.data, pass)
		clear(pass)
		if err != nil {
			l.err = fmt.Errorf("identity file %s: %w", l.file, err)
			return
		}
		as, ok := s.(ssh.AlgorithmSigner)
		if !ok {
			l.err = fmt.Errorf("identity file %s: %T cannot choose its signature algorithm", l.file, s)
			return
		}
		if l.pub != nil && !bytes.Equal(as.PublicKey().Marshal(), l.pub.Marshal()) {
			l.err = fmt.Errorf("identity file %s does not hold the key of its public half", l.file)
			return
		}
		l.s = as
	})
	return l.s, l.err
}

func (l *lazySigner) PublicKey() ssh.PublicKey { return l.pub }

func (l *lazySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	s, err := l.signer()
	if err != nil {
		return nil, err
	}
	return s.Sign(rand, data)
}

func (l *lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s, err := l.signer()
	if err != nil {
		return nil, err
	}
	return s.SignWithAlgorithm(rand, data, algorithm)
}

func containsKey(ss []ssh.Signer, k ssh.PublicKey) bool {
	m := k.Marshal()
	for _, s := range ss {
		if bytes.Equal(s.PublicKey().Marshal(), m) {
			return true
		}
	}
	return false
}
