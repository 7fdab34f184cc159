package conformance

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/wire"
)

// ensureImage makes sure the target's test image exists, importing it from
// the host's static busybox when the target allows it.
func ensureImage(ctx context.Context, cli *dockwire.Client, target Target) error {
	path, err := wire.Path("/images/{}/json", target.Image)
	if err != nil {
		return err
	}
	err = cli.Wire().DoJSON(ctx, &wire.Request{Method: "GET", Path: path, Op: "ImageInspect"}, nil)
	if err == nil || !errors.Is(err, wire.ErrNotFound) || !target.ImportImage {
		return err
	}
	return importBusybox(ctx, cli, target.Image)
}

// importBusybox imports a rootfs holding the host's static busybox and a
// link for every applet it lists as image ref, with POST
// /images/create?fromSrc=-.
func importBusybox(ctx context.Context, cli *dockwire.Client, ref string) error {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		return fmt.Errorf("importing %s needs a static busybox on the host (apt-get install busybox-static): %w", ref, err)
	}
	list, err := exec.CommandContext(ctx, bb, "--list").Output()
	if err != nil {
		return fmt.Errorf("%s --list: %w", bb, err)
	}
	repo, tag := ref, "latest"
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		repo, tag = ref[:i], ref[i+1:]
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeRootfs(pw, bb, strings.Fields(string(list)))) }()
	defer pr.Close()
	q := url.Values{"fromSrc": {"-"}, "repo": {repo}, "tag": {tag}}
	resp, err := cli.Wire().Do(ctx, &wire.Request{
		Method: "POST", Path: "/images/create", Query: q, Op: "ImageCreate",
		Header: wire.Header{"Content-Type": {"application/x-tar"}},
		Body:   pr, ContentLength: -1,
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	st := wire.NewStream[map[string]any](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{})
	defer st.Close()
	for st.Next() {
	}
	return st.Err()
}

func writeRootfs(w io.Writer, busybox string, applets []string) error {
	f, err := os.Open(busybox)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	for _, d := range []string{"bin/", "tmp/", "etc/", "root/"} {
		mode := int64(0o755)
		if d == "tmp/" {
			mode = 0o1777
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: mode, ModTime: fi.ModTime()}); err != nil {
			return err
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
		return err
	}
	if _, err := io.Copy(tw, f); err != nil {
		return err
	}
	for _, a := range applets {
		if a == "busybox" || strings.ContainsAny(a, "/") {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777, ModTime: fi.ModTime()}); err != nil {
			return err
		}
	}
	return tw.Close()
}
