package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mockdaemon"
	"github.com/dockwire/dockwire/wire"
)

// demoImage is the image the tour's containers run. The demo never pulls:
// against a real daemon that lacks it, the container part is skipped.
const demoImage = "busybox:latest"

// demo tours the client against the daemon the environment names, or,
// when none answers, against the mock daemon started in this process.
func demo(stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cli, where, stop, err := demoClient(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "dockwire: %v\n", err)
		return 1
	}
	defer stop()
	defer cli.Close()
	fmt.Fprintf(stdout, "== talking to %s\n", where)

	if err := tour(ctx, cli, stdout); err != nil {
		fmt.Fprintf(stderr, "dockwire: demo: %v\n", err)
		return 1
	}
	return 0
}

// demoClient returns a client for the environment's daemon if it answers a
// ping within two seconds, else for a fresh in-process mock daemon.
func demoClient(ctx context.Context, stderr io.Writer) (*dockwire.Client, string, func(), error) {
	if cli, err := dockwire.FromEnv(); err == nil {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, perr := cli.System.Ping(pctx, endpoints.SystemPingOptions{})
		cancel()
		if perr == nil {
			return cli, "the daemon at " + cli.Host(), func() {}, nil
		}
		cli.Close()
		fmt.Fprintf(stderr, "(no daemon answered at %s: %v)\n", cli.Host(), perr)
	}
	dir, err := os.MkdirTemp("", "dockwire-demo")
	if err != nil {
		return nil, "", nil, err
	}
	sock := filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	d := mockdaemon.New(mockdaemon.Config{})
	go d.Serve(ln)
	stop := func() { d.Close(); os.RemoveAll(dir) }
	cli, err := dockwire.New(dial.Config{Host: "unix://" + sock}, nil)
	if err != nil {
		stop()
		return nil, "", nil, err
	}
	return cli, "the embedded mock daemon (unix://" + sock + ")", stop, nil
}

func tour(ctx context.Context, cli *dockwire.Client, out io.Writer) error {
	v, err := cli.System.Version(ctx, endpoints.SystemVersionOptions{})
	if err != nil {
		return err
	}
	api, err := cli.APIVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "== daemon %s (%s/%s), API %s; negotiated %s\n", v.Version, v.Os, v.Arch, v.APIVersion, api)

	_, err = cli.Images.Inspect(ctx, demoImage, endpoints.ImageInspectOptions{})
	if errors.Is(err, wire.ErrNotFound) {
		fmt.Fprintf(out, "== %s is not on this daemon: skipping the container tour (the demo never pulls)\n", demoImage)
		return nil
	}
	if err != nil {
		return err
	}
	labels := map[string]string{"dockwire.demo": "1"}

	fmt.Fprintf(out, "== run %s sh -c 'echo hello from a container; uname -s'\n", demoImage)
	res, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: demoImage, Command: []string{"sh", "-c", "echo hello from a container; uname -s"},
		Labels: labels, Remove: true,
	})
	if err != nil {
		return err
	}
	fmt.Fprint(out, indent(string(res.Output)))

	fmt.Fprintln(out, "== run a failing command: a typed ContainerError")
	_, err = cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: demoImage, Command: []string{"sh", "-c", "echo oops >&2; exit 3"}, Labels: labels, Remove: true,
	})
	var cerr *endpoints.ContainerError
	if !errors.As(err, &cerr) {
		return fmt.Errorf("want a ContainerError, got %v", err)
	}
	fmt.Fprintf(out, "   exit code %d, stderr %q\n", cerr.ExitCode, strings.TrimSpace(string(cerr.Stderr)))

	fmt.Fprintln(out, "== a detached container, exec into it, copy a file in and out")
	det, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: demoImage, Command: []string{"sleep", "300"}, Labels: labels, Detach: true,
	})
	if err != nil {
		return err
	}
	defer cli.Containers.Delete(context.Background(), det.ID, endpoints.ContainerDeleteOptions{Force: true})
	ex, err := cli.Containers.ExecRun(ctx, det.ID, endpoints.ContainerExecRunOptions{
		Cmd: []string{"sh", "-c", "echo in $(pwd) as $(id -u); exit 5"}, WorkingDir: "/tmp",
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   exec: %q, exit code %d\n", strings.TrimSpace(string(ex.Stdout)), ex.ExitCode)

	tmp, err := os.MkdirTemp("", "dockwire-demo-cp")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "greeting.txt")
	if err := os.WriteFile(src, []byte("copied in and out\n"), 0o644); err != nil {
		return err
	}
	if _, err := cli.Containers.CopyTo(ctx, det.ID, src, "/tmp", endpoints.ContainerCopyToOptions{}); err != nil {
		return err
	}
	back := filepath.Join(tmp, "back")
	st, err := cli.Containers.CopyFrom(ctx, det.ID, "/tmp/greeting.txt", back, endpoints.ContainerCopyFromOptions{})
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(back, "greeting.txt"))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   cp: %s (%d bytes) came back as %q\n", st.Name, st.Size, strings.TrimSpace(string(data)))

	list, err := cli.Containers.List(ctx, endpoints.ContainerListOptions{Filters: wire.Filters{"label": {"dockwire.demo=1"}}})
	if err != nil {
		return err
	}
	for _, c := range list.Items {
		fmt.Fprintf(out, "   running: %s %s %q\n", c.ShortID(), c.Image, c.Status)
	}

	fmt.Fprintln(out, "== errors are values")
	_, err = cli.Containers.Inspect(ctx, "no-such-container", endpoints.ContainerInspectOptions{})
	fmt.Fprintf(out, "   inspect no-such-container: errors.Is(err, wire.ErrNotFound) = %v\n", errors.Is(err, wire.ErrNotFound))
	if _, err := cli.Containers.Delete(ctx, det.ID, endpoints.ContainerDeleteOptions{Force: true}); err != nil {
		return err
	}
	fmt.Fprintln(out, "== done: everything the demo created is removed")
	return nil
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "   " + strings.Join(lines, "\n   ") + "\n"
}
