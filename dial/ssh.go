package dial

import "strconv"

// SSHMode says how the connections to an ssh host reach the daemon's
// socket on the remote side.
type SSHMode int

const (
	// SSHAuto opens a direct-streamlocal@openssh.com channel to the
	// socket, and falls back to SSHDialStdio when the server refuses it
	// (sshd gives one answer for forwarding disabled and for a socket it
	// cannot reach); once a dial-stdio connection has carried data, the
	// ssh connection stays with dial-stdio.
	SSHAuto SSHMode = iota
	// SSHStreamLocal opens only direct-streamlocal@openssh.com channels:
	// sshd connects them to the socket itself, nothing runs on the remote
	// host. OpenSSH allows them only with both AllowStreamLocalForwarding
	// and AllowTcpForwarding (yes or local).
	SSHStreamLocal
	// SSHDialStdio runs `docker system dial-stdio` in an ssh session for
	// each connection, as the docker CLI does: the remote host needs the
	// docker CLI on the login's PATH, and sshd's MaxSessions (10 by
	// default) caps the connections open at once.
	SSHDialStdio
)

// String returns "auto", "streamlocal" or "dial-stdio".
func (m SSHMode) String() string {
	switch m {
	case SSHAuto:
		return "auto"
	case SSHStreamLocal:
		return "streamlocal"
	case SSHDialStdio:
		return "dial-stdio"
	}
	return "SSHMode(" + strconv.Itoa(int(m)) + ")"
}

// SSHOptions says how to log in to an ssh host: where the user's ssh
// files are, which keys to offer and how the daemon's socket is reached.
// It is plain data; nothing is read until the ssh transport (package
// dial/ssh) is asked for a dialer, so package dial links no ssh code.
//
// Keys are offered in OpenSSH's order: the agent's, then IdentityFiles,
// then the ssh config's IdentityFile entries, and only when neither names
// a file, Dir's id_ed25519, id_ecdsa and id_rsa.
type SSHOptions struct {
	// Dir is the user's ssh directory (~/.ssh): its config, known_hosts
	// and default identities are used. "" means none of them.
	Dir string
	// AgentSocket is the ssh-agent's socket (SSH_AUTH_SOCK); "" means no
	// agent.
	AgentSocket string
	// IdentityFiles are private keys to offer after the agent's.
	IdentityFiles []string
	// KnownHostsFiles, when set, are the only known_hosts files checked,
	// instead of the ssh config's UserKnownHostsFile or Dir's known_hosts
	// and known_hosts2.
	KnownHostsFiles []string
	// Passphrase returns the passphrase of an encrypted identity file. It
	// is called once the server accepts the key (before the key is offered
	// when its public half cannot be read: an old PEM file without its
	// .pub), at most once per file and connection. Nil means encrypted
	// files are skipped.
	Passphrase func(file string) ([]byte, error)
	// Mode picks how connections reach the daemon's socket; the zero
	// value is SSHAuto.
	Mode SSHMode
}

// SSHTransport opens connections to the daemon behind an ssh host. Given
// a Config whose Host is an ssh:// address and whose SSH is set, it
// returns the Func that opens one connection (a channel of the one ssh
// connection they all share, made on first use and made again when it
// dies) and close, after which the Func fails and the ssh connection
// closes as soon as the last connection opened through it is closed (at
// once when none is open). Config.Open bounds the Func's calls by
// Config.DialTimeout.
type SSHTransport func(c Config) (open Func, close func() error, err error)

var sshTransport registry[SSHTransport]

// RegisterSSH makes t the transport Config.Dialer and Config.Open use for
// ssh hosts. The dial/ssh package registers itself when imported:
//
//	import _ "github.com/dockwire/dockwire/dial/ssh"
//
// A later call replaces an earlier one; nil removes it.
func RegisterSSH(t SSHTransport) { sshTransport.set(t) }

// errNoSSH is the reason given when an ssh host is dialed with no ssh
// transport registered.
const errNoSSH = `ssh hosts need the ssh transport: import _ "github.com/dockwire/dockwire/dial/ssh"`
