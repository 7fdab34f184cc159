package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Real holds the runs against a real dockerd.
type Real struct {
	Daemon string // "20.10.24+dfsg1 (API 1.41)"
	// PS and PSTLS: listing all containers, end to end (unix socket; tcp+TLS),
	// by client: dockwire, sdk, floor and cli (docker ps -a).
	PS, PSTLS map[string][]Sample
	// Streams: by stream (see realStreams), then client.
	Streams map[string]map[string][]Sample
}

// The fixtures: containers whose logs or files the stream reads read.
var realStreams = []struct {
	name, container, script, desc string
}{
	{"logs-4KiB", "dwbench-logs", `yes "$(head -c 4095 /dev/zero | tr '\0' x)" | head -n 48829`, "logs: 200,003,584 B in 4 KiB lines"},
	{"logs-17B", "dwbench-logs-small", `yes 0123456789abcdef | head -n 300000`, "logs: 5,100,000 B in 17 B lines (300,000 frames)"},
	{"archive", "dwbench-archive", `head -c 200000000 /dev/zero >/big`, "archive: a 200,000,000 B file"},
}

// realDaemon measures against DOCKWIRE_REAL_DOCKER_HOST (and the TLS port
// of DOCKWIRE_REAL_TLS_HOST when set): the list programs and the docker CLI
// end to end, then the stream reads, all clients in turn each round. It
// makes three containers (label dockwire-bench=fixture) and removes them.
// The daemon is shared: run it under flock /tmp/dockwire-real.lock.
func realDaemon(dir string, rounds int) error {
	host := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
	if host == "" {
		fmt.Fprintln(os.Stderr, "real: DOCKWIRE_REAL_DOCKER_HOST is not set: skipped")
		return nil
	}
	image := os.Getenv("DOCKWIRE_REAL_IMAGE")
	if image == "" {
		image = "busybox:dockwire"
	}
	env := []string{"DOCKER_HOST=" + host}
	docker := func(args ...string) (string, error) {
		cmd := exec.Command("docker", args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	res := Real{PS: map[string][]Sample{}, PSTLS: map[string][]Sample{}, Streams: map[string]map[string][]Sample{}}
	v, err := docker("version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})")
	if err != nil {
		return err
	}
	res.Daemon = v

	remove := func() {
		for _, s := range realStreams {
			docker("rm", "-f", "-v", s.container)
		}
	}
	remove()
	defer remove()
	for _, s := range realStreams {
		if _, err := docker("run", "-d", "--name", s.container, "--label", "dockwire-bench=fixture", image, "sh", "-c", s.script); err != nil {
			return err
		}
	}
	for _, s := range realStreams {
		if code, err := docker("wait", s.container); err != nil || code != "0" {
			return fmt.Errorf("fixture %s: exit %s, %v", s.container, code, err)
		}
	}
	fmt.Fprintln(os.Stderr, "real: fixtures made")

	ps := func(into map[string][]Sample, task string, env []string, runs int) error {
		for i := -1; i < runs; i++ {
			for _, c := range []string{"dockwire", "sdk", "floor", "cli"} {
				name, args := program(dir, task, c), []string(nil)
				if c == "cli" {
					name, args = "docker", []string{"ps", "-a"}
				}
				s, err := measure(env, false, false, name, args...)
				if err != nil {
					return err
				}
				if i >= 0 {
					into[c] = append(into[c], s)
				}
			}
		}
		return nil
	}
	if err := ps(res.PS, "list", env, 21); err != nil {
		return err
	}
	if tlsHost := os.Getenv("DOCKWIRE_REAL_TLS_HOST"); tlsHost != "" {
		tlsEnv := []string{"DOCKER_HOST=" + tlsHost, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + os.Getenv("DOCKWIRE_REAL_TLS_CERTS")}
		if err := ps(res.PSTLS, "listtls", tlsEnv, 11); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "real: ps done")

	for r := range rounds {
		for _, s := range realStreams {
			if res.Streams[s.name] == nil {
				res.Streams[s.name] = map[string][]Sample{}
			}
			for _, c := range []string{"dockwire", "sdk", "floor", "cli"} {
				kind, args := "logs", []string{"logs", s.container}
				if s.name == "archive" {
					kind, args = "archive", []string{"archive", s.container, "/big"}
				}
				name := program(dir, "stream", c)
				if c == "cli" {
					name = "docker"
					if kind == "archive" {
						args = []string{"cp", s.container + ":/big", "-"}
					}
				}
				smp, err := measure(env, false, true, name, args...)
				if err != nil {
					return err
				}
				res.Streams[s.name][c] = append(res.Streams[s.name][c], smp)
				fmt.Fprintf(os.Stderr, "real: round %d %-10s %-9s %6.2f s wall %6.2f s CPU %6d KiB RSS %d bytes\n",
					r+1, s.name, c, smp.Wall.Seconds(), smp.CPU().Seconds(), smp.MaxRSSKiB, smp.Bytes)
			}
		}
	}
	return writeJSON(dir, "real", res)
}
