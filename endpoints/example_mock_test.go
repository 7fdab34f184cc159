package endpoints_test

import (
	"log"
	"net"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/mockdaemon"
)

// mockClient starts an in-process mock daemon on a unix socket and returns
// a client for it and a function that stops both. The examples run on it;
// real code gets its client from dockwire.FromEnv or dockwire.New.
func mockClient() (*dockwire.Client, func()) {
	dir, err := os.MkdirTemp("", "dwex")
	if err != nil {
		log.Fatal(err)
	}
	sock := filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		log.Fatal(err)
	}
	d := mockdaemon.New(mockdaemon.Config{})
	go d.Serve(ln)
	cli, err := dockwire.New(dial.Config{Host: "unix://" + sock}, nil)
	if err != nil {
		log.Fatal(err)
	}
	return cli, func() { cli.Close(); d.Close(); os.RemoveAll(dir) }
}
