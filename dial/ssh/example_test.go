package ssh_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/dial/ssh"
	"github.com/dockwire/dockwire/endpoints"
)

// With the package imported, an ssh host opens like any other. Nothing is
// dialed, and no key read, until the first connection.
func Example() {
	cfg := dial.Config{
		Host: "ssh://deploy@build-host/run/docker.sock",
		SSH:  &dial.SSHOptions{Dir: "/home/deploy/.ssh", Mode: dial.SSHAuto},
	}
	open, closeSSH, err := cfg.Open()
	fmt.Println(open != nil, err)
	fmt.Println(closeSSH())
	// Output:
	// true <nil>
	// <nil>
}

// A host key known_hosts does not vouch for is refused with a
// *ssh.HostKeyError; show its fingerprint to whoever can check it.
func ExampleHostKeyError() {
	cli, err := dockwire.FromEnv() // DOCKER_HOST=ssh://...
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = cli.System.Ping(ctx, endpoints.SystemPingOptions{})
	var hke *ssh.HostKeyError
	if errors.As(err, &hke) {
		fmt.Printf("%s offers %s %s; changed: %v\n", hke.Host, hke.KeyType, hke.Fingerprint, hke.Changed)
	}
}

// Dialer takes a HostKeyCallback of your own, the only way past
// known_hosts: here another known_hosts file, checked with x/crypto's
// knownhosts. The close function is yours to call.
func ExampleDialer() {
	check, err := knownhosts.New("/etc/dockwire/known_hosts")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := dial.Config{Host: "ssh://deploy@build-host", SSH: &dial.SSHOptions{Dir: "/home/deploy/.ssh"}}
	var closeSSH func() error
	cfg.Dial, closeSSH, err = ssh.Dialer(cfg, ssh.Options{HostKeyCallback: check})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer closeSSH()
	cli, err := dockwire.New(cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()
}
