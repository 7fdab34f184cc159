// Package ssh is dockwire's ssh transport: the Docker daemon of a remote
// host, reached over ssh with golang.org/x/crypto/ssh. No ssh binary runs
// here, no docker CLI is needed there, and the host key is always checked.
//
// It lives apart from package dial so that programs talking to a local
// unix socket do not link an ssh client. A program that may meet an ssh
// host (DOCKER_HOST=ssh://..., a context with one) imports it for its side
// effect, which registers the transport with dial.RegisterSSH:
//
//	import _ "github.com/dockwire/dockwire/dial/ssh"
//
// dial.Config.Open (and so dockwire.New) then handles
// ssh://[user@]host[:port][/path/to/docker.sock] hosts, with the
// dial.SSHOptions of dial.Config.SSH (filled by dial.FromEnv). Without
// the import, ssh hosts are refused with an error matching
// dial.ErrUnsupported that names this package.
//
// # Connections
//
// A dial.Config gives one ssh connection, made on the first call and
// shared by every connection of the pool: each is a channel of it. A
// channel is a direct-streamlocal@openssh.com forward to the daemon's
// socket (the URL's path, else /var/run/docker.sock), which sshd connects
// itself; OpenSSH allows it when both AllowStreamLocalForwarding and
// AllowTcpForwarding do. When the server refuses the forward, the channel
// is instead a session running `docker system dial-stdio` (with --host
// unix://<path> when the URL names a socket, quoted for the remote shell),
// as the docker CLI does; once one has carried data, the ssh connection
// sticks to it. dial.SSHMode picks one mode for good instead. An error
// says which mode failed and why, the remote process's exit status and
// stderr included. In dial-stdio mode each connection is a session, and
// sshd's MaxSessions (10 by default) caps how many are open at once.
//
// Keep-alive requests go out every dial.Config.KeepAlive; a connection that
// does not answer, or that breaks, is dropped and made again on the next
// call. Closing a channel (a cancelled call, a finished stream) never
// closes the ssh connection; the close function of dial.Config.Open (called
// by Client.Close) does, once the channels open on it are closed. A
// channel half-closes (CloseWrite sends EOF), so hijacked attach and exec
// streams can end their stdin, and websocket attach runs over it like over
// a socket.
//
// # Logging in
//
// The user is the URL's, else the ssh config's User, else the local user.
// Keys are offered in OpenSSH's order: the ssh-agent's
// (dial.SSHOptions.AgentSocket, from SSH_AUTH_SOCK), then
// dial.SSHOptions.IdentityFiles, then the ssh config's IdentityFile
// entries, and only when neither names one, ~/.ssh/id_ed25519, id_ecdsa
// and id_rsa. An encrypted key is offered by its public half and decrypted
// with dial.SSHOptions.Passphrase once the server accepts it. A refused
// login matches ErrAuth and lists the keys offered.
//
// From ~/.ssh/config (dial.SSHOptions.Dir), for the URL's host: HostName,
// User, Port, IdentityFile, IdentitiesOnly and UserKnownHostsFile, in Host
// blocks (patterns with *, ? and !) and Include'd files; the URL's user and
// port win over the config's. Match blocks other than "Match all", and
// every other keyword (ProxyJump, ProxyCommand...), are ignored.
//
// # Host keys
//
// The server's host key must be in known_hosts: dial.SSHOptions.KnownHostsFiles,
// else the ssh config's UserKnownHostsFile, else ~/.ssh/known_hosts and
// known_hosts2; hashed names and [host]:port entries are understood
// (golang.org/x/crypto/ssh/knownhosts). An unknown, changed or revoked key
// is refused with a *HostKeyError naming the host, the key type and its
// SHA256 fingerprint. Nothing accepts a key on first use: the only way past
// the check is Dialer with an Options.HostKeyCallback of your own.
//
// # Errors and cancellation
//
// Errors are *dial.Error with Op "dial" (the tcp connection) or "ssh"
// (handshake, host key, login, channel). Every call stops promptly when
// its ctx is cancelled, during the handshake too; dial.Config.DialTimeout
// bounds connect, handshake and channel open together.
package ssh
