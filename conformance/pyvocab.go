package conformance

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// Scenarios of docker-py's vocabulary (issue 14, part B): Run's keywords
// and forms, the non-streaming forms, import from a URL, save to a file.

func init() {
	// docker-py's containers.create(**run_kwargs): the keywords reach the
	// daemon where the API wants them, and the container is created, not
	// started.
	register("containers/run/docker-py-keywords-reach-the-daemon", func(e *Env) {
		db := e.started(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
		dbName := e.name(db)
		host := e.T.TempDir()
		stop := 7
		res, err := e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{
			Image: e.Image, NoStart: true, Labels: e.Labels(),
			CommandLine: `sh -c 'echo "a  b"'`,
			Environment: map[string]string{"B": "2", "A": "1"}, Env: []string{"Z=0"},
			Ports:       map[string]string{"80/tcp": "", "53/udp": "127.0.0.1:"},
			Publish:     []string{"127.0.0.1::7000-7001"},
			Volumes:     map[string]endpoints.VolumeBind{host: {Bind: "/host", Mode: "ro"}},
			Links:       map[string]string{dbName: "database"},
			StopTimeout: &stop, CPUQuota: 50000, CPUPeriod: 100000, OomScoreAdj: 300,
			Cgroupns: "private", UTSMode: "host", DeviceCgroupRules: []string{"c 1:3 mr"},
			Tmpfs: map[string]string{"/scratch": "size=1m"}, ExtraHosts: []string{"dw.example:10.0.0.1"},
			MemLimit: "64m", HostConfig: &endpoints.HostConfig{ReadonlyPaths: []string{"/proc/asound"}},
		})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil {
			e.T.Fatalf("run with NoStart: %v", err)
		}
		c, err := e.containers().Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if c.Status() != "created" {
			e.T.Errorf("status %q, want created (NoStart)", c.Status())
		}
		if c.Config == nil || c.HostConfig == nil {
			e.T.Fatalf("inspect: no Config or HostConfig")
		}
		if got := c.Config.Cmd; !slices.Equal(got, []string{"sh", "-c", `echo "a  b"`}) {
			e.T.Errorf("Cmd %q", got)
		}
		for _, kv := range []string{"Z=0", "A=1", "B=2"} {
			if !slices.Contains(c.Config.Env, kv) {
				e.T.Errorf("Env %q lacks %s", c.Config.Env, kv)
			}
		}
		if c.Config.StopTimeout == nil || *c.Config.StopTimeout != 7 {
			e.T.Errorf("StopTimeout %v", c.Config.StopTimeout)
		}
		hc := c.HostConfig
		if hc.CPUQuota != 50000 || hc.CPUPeriod != 100000 || hc.OomScoreAdj != 300 || hc.Memory != 64<<20 {
			e.T.Errorf("resources: quota %d period %d oom %d memory %d", hc.CPUQuota, hc.CPUPeriod, hc.OomScoreAdj, hc.Memory)
		}
		if hc.CgroupnsMode != "private" || hc.UTSMode != "host" || !slices.Equal(hc.DeviceCgroupRules, []string{"c 1:3 mr"}) {
			e.T.Errorf("modes: cgroupns %q uts %q device rules %q", hc.CgroupnsMode, hc.UTSMode, hc.DeviceCgroupRules)
		}
		if !slices.Contains(hc.Binds, host+":/host:ro") {
			e.T.Errorf("Binds %q, want %s:/host:ro", hc.Binds, host)
		}
		if len(hc.Links) != 1 || !strings.Contains(hc.Links[0], dbName) || !strings.Contains(hc.Links[0], "database") {
			e.T.Errorf("Links %q, want %s as database", hc.Links, dbName)
		}
		if hc.Tmpfs["/scratch"] != "size=1m" || !slices.Contains(hc.ExtraHosts, "dw.example:10.0.0.1") || !slices.Contains(hc.ReadonlyPaths, "/proc/asound") {
			e.T.Errorf("Tmpfs %q ExtraHosts %q ReadonlyPaths %q", hc.Tmpfs, hc.ExtraHosts, hc.ReadonlyPaths)
		}
		want := map[endpoints.Port]endpoints.PortBinding{
			"80/tcp": {}, "53/udp": {HostIP: "127.0.0.1"}, "7000/tcp": {HostIP: "127.0.0.1"}, "7001/tcp": {HostIP: "127.0.0.1"},
		}
		for p, b := range want {
			got := hc.PortBindings[p]
			if len(got) != 1 || got[0] != b {
				e.T.Errorf("PortBindings[%s] = %+v, want [%+v]", p, got, b)
			}
		}
	})

	// docker-py's run(stream=True) and its stdout/stderr selection.
	register("containers/run/stream-and-stream-selection", func(e *Env) {
		cmd := "echo out; echo err >&2"
		var out, errOut bytes.Buffer
		res, err := e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, CommandLine: "sh -c '" + cmd + "'", Remove: true, Labels: e.Labels(),
			Stream: &out, StreamStderr: &errOut})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.Output != nil || out.String() != "out\n" || errOut.String() != "err\n" {
			e.T.Errorf("streamed: output %q, stdout %q, stderr %q", res.Output, out.String(), errOut.String())
		}
		res, err = e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"sh", "-c", cmd}, Remove: true, Labels: e.Labels(),
			NoStdout: true, Stderr: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Output) != "err\n" {
			e.T.Errorf("stdout=False, stderr=True: %q, want only stderr", res.Output)
		}
	})

	// docker-py's use_config_proxy: config.json's proxies in the
	// container's environment, never over the caller's own.
	register("containers/run/config-proxies", func(e *Env) {
		cfg := &endpoints.ConfigFile{Proxies: map[string]endpoints.ProxyConfig{"default": {HTTPProxy: "http://127.0.0.1:9", NoProxy: "localhost"}}}
		res, err := e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"env"}, Remove: true, Labels: e.Labels(),
			Config: cfg, Environment: map[string]string{"NO_PROXY": "mine"}})
		if err != nil {
			e.T.Fatal(err)
		}
		env := strings.Split(strings.TrimSpace(string(res.Output)), "\n")
		for _, kv := range []string{"HTTP_PROXY=http://127.0.0.1:9", "http_proxy=http://127.0.0.1:9", "no_proxy=localhost", "NO_PROXY=mine"} {
			if !slices.Contains(env, kv) {
				e.T.Errorf("env lacks %s: %q", kv, env)
			}
		}
		if slices.Contains(env, "NO_PROXY=localhost") {
			e.T.Errorf("the proxy's NO_PROXY replaced the caller's: %q", env)
		}
	})

	// docker-py's logs() as bytes, and the same split.
	register("containers/logs/bytes-whole-and-split", func(e *Env) {
		id := e.exited("sh", "-c", "echo out1; echo err1 >&2; echo out2")
		res, err := e.containers().LogsBytes(e.Ctx, id, endpoints.ContainerLogsOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Stdout) != "out1\nout2\n" || string(res.Stderr) != "err1\n" || len(res.Output) != len(res.Stdout)+len(res.Stderr) {
			e.T.Errorf("logs: output %q stdout %q stderr %q", res.Output, res.Stdout, res.Stderr)
		}
	})

	// docker logs --details: the log driver's attributes before each line.
	register("containers/logs/details", func(e *Env) {
		id := e.create(endpoints.ContainerCreateOptions{
			Config:     endpoints.ContainerConfig{Cmd: []string{"echo", "hello"}, Labels: map[string]string{"dwdetail": "v1"}},
			HostConfig: &endpoints.HostConfig{LogConfig: &endpoints.LogConfig{Type: "json-file", Config: map[string]string{"labels": "dwdetail"}}},
		})
		e.start(id)
		e.exitCode(id)
		res, err := e.containers().LogsBytes(e.Ctx, id, endpoints.ContainerLogsOptions{Details: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if got := string(res.Stdout); got != "dwdetail=v1 hello\n" {
			e.T.Errorf("logs with details: %q, want %q", got, "dwdetail=v1 hello\n")
		}
	})

	// docker-py's attach(logs=True): the output so far, collected.
	register("containers/attach/logs-collected", func(e *Env) {
		id := e.running(nil, "sh", "-c", "echo ready; echo warn >&2; sleep 60")
		var res endpoints.ContainerLogsBytesResult
		if !eventually(e.Ctx, 10*time.Second, func() bool {
			var err error
			res, err = e.containers().LogsBytes(e.Ctx, id, endpoints.ContainerLogsOptions{})
			return err == nil && len(res.Stderr) > 0
		}) {
			e.T.Fatalf("the container's output never came: %q", res.Output)
		}
		got, err := e.containers().AttachBytes(e.Ctx, id, endpoints.ContainerAttachOptions{Logs: true, NoStream: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(got.Stdout) != "ready\n" || string(got.Stderr) != "warn\n" {
			e.T.Errorf("attach(logs=True): stdout %q stderr %q", got.Stdout, got.Stderr)
		}
	})

	// docker-py's stats(stream=False): one sample whose precpu is a real
	// earlier sample, so the CPU percent of a busy container is not 0.
	register("containers/stats/once-with-cpu-percent", func(e *Env) {
		id := e.running(nil, "sh", "-c", "while :; do :; done")
		res, err := e.containers().StatsOnce(e.Ctx, id, endpoints.ContainerStatsOnceOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.PreCPUStats.CPUUsage.TotalUsage == 0 || res.PreRead.IsZero() {
			e.T.Errorf("precpu_stats is empty: %+v (preread %v)", res.PreCPUStats, res.PreRead)
		}
		if p := res.CPUPercent(); p <= 1 {
			e.T.Errorf("CPUPercent of a busy loop = %.2f, want more than 1", p)
		}
	})

	// docker import URL: the daemon fetches the root filesystem itself.
	register("images/import/from-url", func(e *Env) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-tar")
			w.Write(markerRootFS("imported-from-url-" + e.RunID))
		}))
		defer srv.Close()
		ref := e.imageRef("import-url")
		e.removeImageLater(ref)
		res, err := e.images().Import(e.Ctx, nil, endpoints.ImageImportOptions{URL: srv.URL + "/rootfs.tar", Reference: ref})
		if err != nil {
			e.T.Fatalf("import from %s: %v", srv.URL, err)
		}
		in, err := e.images().Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.ID != in.ID {
			e.T.Errorf("import reported %q, the image is %s", res.ID, in.ID)
		}
		if in.RootFS.Type != "layers" || len(in.RootFS.Layers) != 1 {
			e.T.Errorf("imported image's rootfs: %+v", in.RootFS)
		}
	})

	// docker save -o: the archive lands whole in the file.
	register("images/save/to-file", func(e *Env) {
		path := filepath.Join(e.T.TempDir(), "image.tar")
		res, err := e.images().GetFile(e.Ctx, e.Image, path, endpoints.ImageGetOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			e.T.Fatal(err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || fi.Size() != res.Size {
			e.T.Errorf("file size %v, result says %d (%v)", fi.Size(), res.Size, err)
		}
		names := tarNames(e, f)
		if !slices.Contains(names, "manifest.json") {
			e.T.Errorf("saved archive lacks manifest.json: %q", names)
		}
		if _, err := e.images().GetFile(e.Ctx, "dockwire-no-such-image-"+e.RunID, path+".2", endpoints.ImageGetOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("save of a missing image: %v, want wire.ErrNotFound", err)
		}
		if _, err := os.Stat(path + ".2"); !errors.Is(err, os.ErrNotExist) {
			e.T.Errorf("a failed save left %s: %v", path+".2", err)
		}
	})
}

// name returns the container's name without its leading "/".
func (e *Env) name(id string) string {
	e.T.Helper()
	c, err := e.containers().Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
	if err != nil {
		e.T.Fatalf("inspect: %v", err)
	}
	return strings.TrimPrefix(c.Name, "/")
}

// markerRootFS is a one-file root filesystem tar: /marker holding text.
func markerRootFS(text string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "marker", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(text)), ModTime: time.Unix(1700000000, 0)})
	tw.Write([]byte(text))
	tw.Close()
	return buf.Bytes()
}

// tarNames lists the entries of the tar r.
func tarNames(e *Env, r io.Reader) []string {
	e.T.Helper()
	var names []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			e.T.Fatalf("reading the archive: %v", err)
		}
		names = append(names, hdr.Name)
	}
}
