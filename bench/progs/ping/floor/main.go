// Command floor pings the daemon with net/http over the unix socket of
// DOCKER_HOST and prints "ok".
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	sock := strings.TrimPrefix(os.Getenv("DOCKER_HOST"), "unix://")
	if sock == "" {
		sock = "/var/run/docker.sock"
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
	resp, err := hc.Head("http://docker/_ping")
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("ping: %s", resp.Status)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp.Body.Close()
	fmt.Println("ok")
}
