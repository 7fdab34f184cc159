// Package sshtest is an ssh server for tests, built on
// golang.org/x/crypto/ssh: it logs in the keys it is given, forwards
// direct-streamlocal@openssh.com channels to unix sockets, as sshd does,
// and runs `docker [--host unix://<socket>] system dial-stdio` sessions by
// joining them to the socket, as the docker CLI would on a remote host.
//
//	srv := sshtest.Start(t, sshtest.Config{AuthorizedKeys: []ssh.PublicKey{key.Public}, Socket: sock})
//	os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()), 0o600)
//
// It counts connections and channels and can drop every connection, for
// tests of sharing and redialing. Keys come from NewKey; Agent serves an
// ssh-agent on a unix socket.
//
// Only tests import it: it imports "testing".
package sshtest
