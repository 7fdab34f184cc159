//go:build sizecheck_ssh

package main

// Built with -tags sizecheck_ssh, sizecheck also speaks ssh: the size test
// weighs what dial/ssh adds to a program.
import _ "github.com/dockwire/dockwire/dial/ssh"
