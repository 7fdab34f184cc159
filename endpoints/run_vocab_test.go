package endpoints_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// createBody runs opts with NoStart against a fake daemon and returns the
// create request's body, decoded.
func createBody(t *testing.T, opts endpoints.ContainerRunOptions) map[string]any {
	t.Helper()
	f, w := newFake(t, "1.44")
	f.on("POST /containers/create", onJSON(201, map[string]any{"Id": "c0ffee00c0ffee00"}))
	opts.NoStart = true
	res, err := endpoints.NewContainers(w).Run(t.Context(), opts)
	require.NoError(t, err)
	assert.Equal(t, "c0ffee00c0ffee00", res.ID)
	reqs := f.requests()
	require.Len(t, reqs, 1, "NoStart sends the create only: %q", paths(reqs))
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	return body
}

func runArgErr(t *testing.T, opts endpoints.ContainerRunOptions) *endpoints.ArgError {
	t.Helper()
	f, w := newFake(t, "1.44")
	_, err := endpoints.NewContainers(w).Run(t.Context(), opts)
	var ae *endpoints.ArgError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, wire.ErrInvalidArgument)
	assert.Empty(t, f.requests(), "sent before the options were checked")
	return ae
}

// TestRunKeywords sets the docker-py keywords the issue named as missing
// (device requests, cpu quota and period, swappiness, oom settings,
// cgroupns, links, storage opts, uts and isolation, blkio limits) and
// docker-py's dict forms, and finds each in the create body where the API
// wants it.
func TestRunKeywords(t *testing.T) {
	swappiness, pids, stop := int64(10), int64(50), 7
	body := createBody(t, endpoints.ContainerRunOptions{
		Image:          "busybox",
		CommandLine:    `sh -c "echo \"hi\"; exit 0"`,
		EntrypointLine: "/bin/env -i",
		Environment:    map[string]string{"B": "2", "A": "1"},
		Env:            []string{"Z=0"},
		Ports:          map[string]string{"80": "8080", "53/udp": "127.0.0.1:", "9/tcp": "", "443": "[::1]:8443"},
		Publish:        []string{"7000-7001:70-71/udp"},
		Volumes:        map[string]endpoints.VolumeBind{"/srv": {Bind: "/data", Mode: "ro"}, "named": {Bind: "/n"}},
		Binds:          []string{"/a:/b"},
		Links:          map[string]string{"db": "database", "cache": ""},
		StopTimeout:    &stop,
		DeviceRequests: []endpoints.DeviceRequest{{Driver: "nvidia", Count: -1, Capabilities: [][]string{{"gpu"}}}},
		CPUQuota:       50000, CPUPeriod: 100000, CPURtPeriod: 1000, CPURtRuntime: 500, CPUCount: 2, CPUPercent: 50,
		CpusetMems: "0", CgroupParent: "/dw",
		MemSwappiness: &swappiness, OomKillDisable: true, OomScoreAdj: 500, PidsLimit: &pids,
		Cgroupns: "private", StorageOpt: map[string]string{"size": "1G"}, UTSMode: "host", Isolation: "default",
		BlkioWeight: 300, BlkioWeightDevice: []endpoints.WeightDevice{{Path: "/dev/sda", Weight: 200}},
		DeviceReadBps:     []endpoints.ThrottleDevice{{Path: "/dev/sda", Rate: 1 << 20}},
		DeviceWriteIOps:   []endpoints.ThrottleDevice{{Path: "/dev/sda", Rate: 100}},
		DeviceCgroupRules: []string{"c 1:3 mr"},
		MemLimit:          "512m", MemSwapLimit: "-1", ShmSize: "64m",
	})
	assert.Equal(t, []any{"sh", "-c", `echo "hi"; exit 0`}, body["Cmd"])
	assert.Equal(t, []any{"/bin/env", "-i"}, body["Entrypoint"])
	assert.Equal(t, []any{"Z=0", "A=1", "B=2"}, body["Env"])
	assert.EqualValues(t, 7, body["StopTimeout"])
	assert.Equal(t, map[string]any{"80/tcp": map[string]any{}, "53/udp": map[string]any{}, "9/tcp": map[string]any{},
		"443/tcp": map[string]any{}, "70/udp": map[string]any{}, "71/udp": map[string]any{}}, body["ExposedPorts"])
	hc := body["HostConfig"].(map[string]any)
	assert.Equal(t, map[string]any{
		"80/tcp":  []any{map[string]any{"HostIp": "", "HostPort": "8080"}},
		"53/udp":  []any{map[string]any{"HostIp": "127.0.0.1", "HostPort": ""}},
		"9/tcp":   []any{map[string]any{"HostIp": "", "HostPort": ""}},
		"443/tcp": []any{map[string]any{"HostIp": "::1", "HostPort": "8443"}},
		"70/udp":  []any{map[string]any{"HostIp": "", "HostPort": "7000"}},
		"71/udp":  []any{map[string]any{"HostIp": "", "HostPort": "7001"}},
	}, hc["PortBindings"])
	assert.Equal(t, []any{"/a:/b", "/srv:/data:ro", "named:/n:rw"}, hc["Binds"])
	assert.Equal(t, []any{"cache", "db:database"}, hc["Links"])
	assert.Equal(t, []any{map[string]any{"Driver": "nvidia", "Count": -1.0, "Capabilities": []any{[]any{"gpu"}}}}, hc["DeviceRequests"])
	for k, v := range map[string]any{
		"CpuQuota": 50000.0, "CpuPeriod": 100000.0, "CpuRealtimePeriod": 1000.0, "CpuRealtimeRuntime": 500.0, "CpuCount": 2.0, "CpuPercent": 50.0,
		"CpusetMems": "0", "CgroupParent": "/dw", "MemorySwappiness": 10.0, "OomKillDisable": true, "OomScoreAdj": 500.0, "PidsLimit": 50.0,
		"CgroupnsMode": "private", "StorageOpt": map[string]any{"size": "1G"}, "UTSMode": "host", "Isolation": "default",
		"BlkioWeight": 300.0, "BlkioWeightDevice": []any{map[string]any{"Path": "/dev/sda", "Weight": 200.0}},
		"BlkioDeviceReadBps":   []any{map[string]any{"Path": "/dev/sda", "Rate": float64(1 << 20)}},
		"BlkioDeviceWriteIOps": []any{map[string]any{"Path": "/dev/sda", "Rate": 100.0}},
		"DeviceCgroupRules":    []any{"c 1:3 mr"}, "Memory": float64(512 << 20), "MemorySwap": -1.0, "ShmSize": float64(64 << 20),
	} {
		assert.Equal(t, v, hc[k], "HostConfig.%s", k)
	}
}

// TestRunMergeRule holds the rule of ContainerRunOptions' doc: the named
// fields are set over a copy of HostConfig; a setting given both ways
// with different values is an *ArgError naming it, the same value twice is
// fine, and the caller's HostConfig is left as it was.
func TestRunMergeRule(t *testing.T) {
	base := &endpoints.HostConfig{Annotations: map[string]string{"a": "b"}, MaskedPaths: []string{"/proc/kcore"}}
	base.Memory = 512 << 20
	body := createBody(t, endpoints.ContainerRunOptions{Image: "busybox", MemLimit: "512m", CapAdd: []string{"NET_ADMIN"}, HostConfig: base})
	hc := body["HostConfig"].(map[string]any)
	assert.Equal(t, map[string]any{"a": "b"}, hc["Annotations"])
	assert.Equal(t, []any{"/proc/kcore"}, hc["MaskedPaths"])
	assert.Equal(t, float64(512<<20), hc["Memory"])
	assert.Equal(t, []any{"NET_ADMIN"}, hc["CapAdd"])
	assert.Nil(t, base.CapAdd, "the caller's HostConfig changed")

	ae := runArgErr(t, endpoints.ContainerRunOptions{Image: "busybox", MemLimit: "1g", HostConfig: base})
	assert.Equal(t, "HostConfig.Memory", ae.Field)
	ae = runArgErr(t, endpoints.ContainerRunOptions{Image: "busybox", Cgroupns: "host", HostConfig: &endpoints.HostConfig{CgroupnsMode: "private"}})
	assert.Equal(t, "HostConfig.CgroupnsMode", ae.Field)
}

func TestRunNetworking(t *testing.T) {
	static := &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{
		"front": {IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.9.0.5"}},
		"back":  {Aliases: []string{"api"}},
	}}
	body := createBody(t, endpoints.ContainerRunOptions{Image: "busybox", Network: "front", Aliases: []string{"web"}, NetworkingConfig: static})
	assert.Equal(t, "front", body["HostConfig"].(map[string]any)["NetworkMode"])
	eps := body["NetworkingConfig"].(map[string]any)["EndpointsConfig"].(map[string]any)
	assert.Equal(t, map[string]any{"IPAMConfig": map[string]any{"IPv4Address": "10.9.0.5"}, "Aliases": []any{"web"}}, eps["front"])
	assert.Equal(t, map[string]any{"Aliases": []any{"api"}}, eps["back"])
	assert.Nil(t, static.EndpointsConfig["front"].Aliases, "the caller's NetworkingConfig changed")

	one := &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"front": {IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.9.0.5"}}}}
	body = createBody(t, endpoints.ContainerRunOptions{Image: "busybox", NetworkingConfig: one})
	assert.Equal(t, "front", body["HostConfig"].(map[string]any)["NetworkMode"], "the one network given is the network mode")

	runArgErr(t, endpoints.ContainerRunOptions{Image: "busybox", Network: "front", NetworkMode: "host"})
	runArgErr(t, endpoints.ContainerRunOptions{Image: "busybox", Aliases: []string{"web"}})
	runArgErr(t, endpoints.ContainerRunOptions{Image: "busybox", NetworkMode: "host", Ports: map[string]string{"80": "8080"}})
}

func TestRunBadVocabulary(t *testing.T) {
	for name, opts := range map[string]endpoints.ContainerRunOptions{
		"unclosed-quote":      {CommandLine: `echo "hi`},
		"trailing-backslash":  {CommandLine: `echo \`},
		"command-twice":       {Command: []string{"true"}, CommandLine: "true"},
		"entrypoint-twice":    {Entrypoint: []string{"sh"}, EntrypointLine: "sh"},
		"port-key-range":      {Ports: map[string]string{"80-90": ""}},
		"port-value-ipv6":     {Ports: map[string]string{"80": "::1:8080"}},
		"port-value-garbage":  {Ports: map[string]string{"80": "http"}},
		"publish-ranges":      {Publish: []string{"8000-8001:80-82"}},
		"volume-no-bind":      {Volumes: map[string]endpoints.VolumeBind{"/srv": {}}},
		"nostart-remove":      {NoStart: true, Remove: true},
		"nostart-stream":      {NoStart: true, Stream: &bytes.Buffer{}},
		"detach-stream":       {Detach: true, Stream: &bytes.Buffer{}},
		"remove-restart":      {Remove: true, RestartPolicy: endpoints.RestartPolicy{Name: "always"}},
		"aliases-both-places": {Network: "n", Aliases: []string{"a"}, NetworkingConfig: &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"n": {Aliases: []string{"b"}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Image = "busybox"
			runArgErr(t, opts)
		})
	}
}

// TestSplitCommand checks CommandLine against Python's shlex.split, which
// docker-py uses; the expectations are shlex.split's answers.
func TestSplitCommand(t *testing.T) {
	cases := map[string][]string{
		`echo hello world`:           {"echo", "hello", "world"},
		`sh -c "echo $HOME; exit 3"`: {"sh", "-c", "echo $HOME; exit 3"},
		`sh -c 'a b' c`:              {"sh", "-c", "a b", "c"},
		`a""b`:                       {"ab"},
		`""`:                         {""},
		`''`:                         {""},
		`a "" b`:                     {"a", "", "b"},
		`a\ b`:                       {"a b"},
		`"a\"b"`:                     {`a"b`},
		`"a\b"`:                      {`a\b`},
		`"a\\b"`:                     {`a\b`},
		`'a\b'`:                      {`a\b`},
		"x\ty\nz":                    {"x", "y", "z"},
		`  lead  trail  `:            {"lead", "trail"},
		`a"b c"d`:                    {"ab cd"},
		`# not a comment`:            {"#", "not", "a", "comment"},
		"a\\\nb":                     {"a\nb"},
		`é "ü x"`:                    {"é", "ü x"},
	}
	for line, want := range cases {
		body := createBody(t, endpoints.ContainerRunOptions{Image: "busybox", CommandLine: line})
		var got []string
		for _, w := range body["Cmd"].([]any) {
			got = append(got, w.(string))
		}
		assert.Equal(t, want, got, "%q", line)
	}
}

// TestRunConfigProxies: docker-py's use_config_proxy puts config.json's
// proxies in the environment, first, and never over the caller's own.
func TestRunConfigProxies(t *testing.T) {
	cfg := &endpoints.ConfigFile{Proxies: map[string]endpoints.ProxyConfig{"default": {HTTPProxy: "http://proxy:3128", NoProxy: "localhost"}}}
	body := createBody(t, endpoints.ContainerRunOptions{Image: "busybox", Config: cfg, Environment: map[string]string{"no_proxy": "mine"}})
	assert.Equal(t, []any{"HTTP_PROXY=http://proxy:3128", "NO_PROXY=localhost", "http_proxy=http://proxy:3128", "no_proxy=mine"}, body["Env"])
}

// TestRunStreams: the selected streams go to Stream (and StreamStderr) as
// they come, and result.Output stays nil; NoStdout leaves stdout out.
func TestRunStreams(t *testing.T) {
	cases := []struct {
		name             string
		opts             endpoints.ContainerRunOptions
		out, errOut, res string
	}{
		{name: "default", opts: endpoints.ContainerRunOptions{}, res: "out\n"},
		{name: "stderr", opts: endpoints.ContainerRunOptions{Stderr: true}, res: "out\nerr\n"},
		{name: "stderr-only", opts: endpoints.ContainerRunOptions{Stderr: true, NoStdout: true}, res: "err\n"},
		{name: "stream", opts: endpoints.ContainerRunOptions{Stream: &bytes.Buffer{}, Stderr: true}, out: "out\nerr\n"},
		{name: "stream-apart", opts: endpoints.ContainerRunOptions{Stream: &bytes.Buffer{}, StreamStderr: &bytes.Buffer{}}, out: "out\n", errOut: "err\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, "1.41")
			runDaemon(f, "out\n", "err\n", 0)
			tc.opts.Image = "busybox"
			res, err := endpoints.NewContainers(w).Run(t.Context(), tc.opts)
			require.NoError(t, err)
			if tc.opts.Stream != nil {
				assert.Nil(t, res.Output)
				assert.Equal(t, tc.out, tc.opts.Stream.(*bytes.Buffer).String())
			} else {
				assert.Equal(t, tc.res, string(res.Output))
			}
			if tc.opts.StreamStderr != nil {
				assert.Equal(t, tc.errOut, tc.opts.StreamStderr.(*bytes.Buffer).String())
			}
		})
	}
}

// TestRunStreamsAsItComes: Stream receives the first output while the
// container still runs.
func TestRunStreamsAsItComes(t *testing.T) {
	f, w := newFake(t, "1.41")
	release := make(chan struct{})
	f.on("POST /containers/create", onJSON(201, map[string]any{"Id": "c0ffee00c0ffee00"}))
	f.on("POST /containers/c0ffee00c0ffee00/attach", hijack(mux.MediaMultiplexedStream, func(c net.Conn, _ *bufio.Reader) {
		frames(c, "first\n", "")
		<-release
		frames(c, "second\n", "")
	}))
	pr := &notifyWriter{seen: make(chan string, 4)}
	done := make(chan error, 1)
	go func() {
		_, err := endpoints.NewContainers(w).Run(t.Context(), endpoints.ContainerRunOptions{Image: "busybox", Stream: pr})
		done <- err
	}()
	assert.Equal(t, "first\n", <-pr.seen, "the first output before the container ends")
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, "second\n", <-pr.seen)
}

type notifyWriter struct{ seen chan string }

func (n *notifyWriter) Write(p []byte) (int, error) {
	n.seen <- string(p)
	return len(p), nil
}

// TestRunRemoveDetach: docker-py turns remove=True with detach=True into
// auto_remove; so does Run.
func TestRunRemoveDetach(t *testing.T) {
	f, w := newFake(t, "1.41")
	runDaemon(f, "", "", 0)
	_, err := endpoints.NewContainers(w).Run(t.Context(), endpoints.ContainerRunOptions{Image: "busybox", Detach: true, Remove: true})
	require.NoError(t, err)
	reqs := f.requests()
	assert.Equal(t, []string{"POST /containers/create", "POST /containers/c0ffee00c0ffee00/start"}, paths(reqs))
	assert.True(t, strings.Contains(string(reqs[0].Body), `"AutoRemove":true`), "%s", reqs[0].Body)
}
