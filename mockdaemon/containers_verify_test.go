package mockdaemon_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestCreateVerifiesLikeDockerd: a create body dockerd 20.10 refuses
// (health check durations, port specifications, resource limits, log
// drivers and their options) is refused with its 400 and words (as
// dockerd 20.10 answered them), and a container of log driver none has no
// logs to read (501); a health check is shown without the fields the
// request left null.
func TestCreateVerifiesLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	ncpu := runtime.NumCPU()
	for _, tc := range []struct {
		host map[string]any
		want string
	}{
		{map[string]any{"PortBindings": map[string]any{"80/tcp": []any{map[string]any{"HostIp": "127.0.0.1", "HostPort": "nope"}}}}, `invalid port specification: "nope"`},
		{map[string]any{"PortBindings": map[string]any{"nope/tcp": []any{map[string]any{"HostPort": "1"}}}}, `invalid port specification: "nope"`},
		{map[string]any{"Memory": 1 << 20}, "Minimum memory limit allowed is 6MB"},
		{map[string]any{"MemorySwappiness": 101}, "Invalid value: 101, valid memory swappiness range is 0-100"},
		{map[string]any{"NanoCpus": 1e9, "CpuQuota": 50000}, "Conflicting options: Nano CPUs and CPU Quota cannot both be set"},
		{map[string]any{"NanoCpus": 1e9, "CpuPeriod": 50000}, "Conflicting options: Nano CPUs and CPU Period cannot both be set"},
		{map[string]any{"CpuPeriod": 500}, "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)"},
		{map[string]any{"CpuQuota": 500}, "CPU cfs quota can not be less than 1ms (i.e. 1000)"},
		{map[string]any{"MemorySwap": 100000000}, "You should always set the Memory limit when using Memoryswap limit, see usage"},
		{map[string]any{"Memory": 10000000, "MemoryReservation": 20000000}, "Minimum memory limit can not be less than memory reservation limit, see usage"},
		{map[string]any{"MemoryReservation": 1000}, "Minimum memory reservation allowed is 6MB"},
		{map[string]any{"OomScoreAdj": 1001}, "Invalid value 1001, range for oom score adj is [-1000, 1000]"},
		{map[string]any{"ShmSize": -1}, "SHM size can not be less than 0"},
		{map[string]any{"NanoCpus": int64(ncpu+1) * 1e9}, fmt.Sprintf("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", ncpu, ncpu)},
		{map[string]any{"CpusetCpus": fmt.Sprintf("0-%d", ncpu)}, fmt.Sprintf("Requested CPUs are not available - requested 0-%d, available: 0-%d", ncpu, ncpu-1)},
		{map[string]any{"CgroupnsMode": "nope"}, "invalid cgroup namespace mode: nope"},
		{map[string]any{"CgroupnsMode": "container:x"}, "invalid cgroup namespace mode: container:x"},
		{map[string]any{"LogConfig": map[string]any{"Type": "asdf-nope"}}, `error looking up logging plugin asdf-nope: plugin "asdf-nope" not found`},
		{map[string]any{"LogConfig": map[string]any{"Type": "json-file", "Config": map[string]string{"nope": "1"}}}, "unknown log opt 'nope' for json-file log driver"},
		{map[string]any{"LogConfig": map[string]any{"Type": "", "Config": map[string]string{"nope": "1"}}}, "unknown log opt 'nope' for json-file log driver"},
		{map[string]any{"LogConfig": map[string]any{"Type": "json-file", "Config": map[string]string{"mode": "weird"}}}, "logger: logging mode not supported: weird"},
	} {
		r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": tc.host})
		assert.Equal(t, 400, r.status, "%v: %s", tc.host, r.body)
		assert.Equal(t, tc.want, r.message(), "%v", tc.host)
	}
	r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"true"},
		"Healthcheck": map[string]any{"Test": []string{"CMD", "true"}, "Interval": 100000}})
	assert.Equal(t, 400, r.status, "%s", r.body)
	assert.Equal(t, "Interval in Healthcheck cannot be less than 1ms", r.message())

	// StorageOpt is the storage driver's to refuse when it makes the
	// container's layer (overlay2 without project quotas): a 500
	for opts, want := range map[string]string{
		`{"size":"120G"}`: "--storage-opt is supported only for overlay over xfs with 'pquota' mount option",
		`{"NOPE":"1"}`:    "Unknown option nope",
		`{"Size":"x"}`:    "invalid size: 'x'",
	} {
		r := c.do("POST", "/v1.41/containers/create", json.RawMessage(`{"Image":"busybox","Cmd":["true"],"HostConfig":{"StorageOpt":`+opts+`}}`))
		assert.Equal(t, 500, r.status, "%s: %s", opts, r.body)
		assert.Equal(t, want, r.message(), opts)
	}
	r = c.do("POST", "/v1.41/containers/create", json.RawMessage(`{"Image":"busybox","Cmd":["true"],"HostConfig":{"StorageOpt":{}}}`))
	assert.Equal(t, 201, r.status, "an empty StorageOpt: %s", r.body)

	// the platform parameter (API 1.41): parsed, and the image must be of it
	for q, want := range map[string]struct {
		status int
		msg    string
	}{
		"foobar":        {400, `"foobar": unknown operating system or architecture: invalid argument`},
		"windows":       {404, "image with reference busybox was found but does not match the specified platform: wanted windows/" + runtime.GOARCH + ", actual: linux/" + runtime.GOARCH},
		"linux%2Fs390x": {404, "image with reference busybox was found but does not match the specified platform: wanted linux/s390x, actual: linux/" + runtime.GOARCH},
	} {
		r := c.do("POST", "/v1.41/containers/create?platform="+q, map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
		assert.Equal(t, want.status, r.status, "%s: %s", q, r.body)
		assert.Equal(t, want.msg, r.message(), q)
	}
	r = c.do("POST", "/v1.41/containers/create?platform=linux", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	assert.Equal(t, 201, r.status, "the image's own platform: %s", r.body)
	r = c.do("POST", "/v1.40/containers/create?platform=foobar", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	assert.Equal(t, 201, r.status, "API 1.40 has no platform parameter: %s", r.body)

	ok := c.create("dwok", map[string]any{"Image": "busybox", "Cmd": []string{"true"},
		"Healthcheck": map[string]any{"Test": []string{"CMD-SHELL", "true"}, "Interval": 500000000, "Timeout": nil, "Retries": nil, "StartPeriod": nil},
		"HostConfig": map[string]any{"Memory": 100 << 20, "MemorySwap": 200 << 20, "MemorySwappiness": 40, "CpusetCpus": "0",
			"PortBindings": map[string]any{"80/tcp": []any{map[string]any{"HostPort": ""}}, "81-82/udp": []any{map[string]any{"HostPort": "8081-8082"}}},
			"LogConfig":    map[string]any{"Type": "json-file", "Config": map[string]string{"max-file": "3", "max-size": "1m", "mode": "non-blocking", "max-buffer-size": "4m"}}}})
	r = c.do("GET", "/v1.41/containers/"+ok+"/json", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var got struct {
		Config struct{ Healthcheck map[string]any }
	}
	require.NoError(t, json.Unmarshal(r.body, &got))
	assert.Equal(t, map[string]any{"Test": []any{"CMD-SHELL", "true"}, "Interval": float64(500000000)}, got.Config.Healthcheck)

	none := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"echo", "x"}, "HostConfig": map[string]any{"LogConfig": map[string]any{"Type": "none"}}})
	r = c.do("GET", "/v1.41/containers/"+none+"/logs?stdout=1", nil)
	assert.Equal(t, 501, r.status)
	assert.Equal(t, "configured logging driver does not support reading", r.message())
}

// TestUpdateRestartPolicyOfAutoRemove: dockerd refuses a restart policy
// for an AutoRemove container with a 409 that names the container.
func TestUpdateRestartPolicyOfAutoRemove(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("dwauto", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"AutoRemove": true}})
	r := c.do("POST", "/v1.41/containers/"+id+"/update", map[string]any{"RestartPolicy": map[string]any{"Name": "always"}})
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "Cannot update container "+id+": Restart policy cannot be updated because AutoRemove is enabled for the container", r.message())
}

// TestCreateVerifiesConfigLikeDockerd: dockerd 20.10's checks of the
// Config (a relative working directory, an Env entry without a name) and
// of the tmpfs destinations refuse a create with its 400 and words, the
// Config's checks first; a working directory is kept cleaned.
func TestCreateVerifiesConfigLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"WorkingDir": "tmp"}, "the working directory 'tmp' is invalid, it needs to be an absolute path"},
		{map[string]any{"Env": []string{""}}, "invalid environment variable: "},
		{map[string]any{"Env": []string{"A=1", "=x"}}, "invalid environment variable: =x"},
		{map[string]any{"HostConfig": map[string]any{"Tmpfs": map[string]string{"foo": ""}}}, "invalid mount path: 'foo' mount path must be absolute"},
		{map[string]any{"HostConfig": map[string]any{"Tmpfs": map[string]string{".": ""}}}, "invalid mount path: '.' mount path must be absolute"},
		{map[string]any{"HostConfig": map[string]any{"Tmpfs": map[string]string{"//": ""}}}, "invalid specification: destination can't be '/'"},
		{map[string]any{"WorkingDir": "tmp", "Env": []string{"=x"}, "HostConfig": map[string]any{"Tmpfs": map[string]string{"foo": ""}}},
			"the working directory 'tmp' is invalid, it needs to be an absolute path"},
		{map[string]any{"Image": "nosuch:image", "Env": []string{"=x"}}, "invalid environment variable: =x"},
	} {
		body := map[string]any{"Image": "busybox", "Cmd": []string{"true"}}
		maps.Copy(body, tc.body)
		r := c.do("POST", "/v1.41/containers/create", body)
		assert.Equal(t, 400, r.status, "%v: %s", tc.body, r.body)
		assert.Equal(t, tc.want, r.message(), "%v", tc.body)
	}
	for _, wd := range []string{"/tmp/", "/tmp", "/tmp/./x/.."} {
		id := c.create("", map[string]any{"Image": "busybox", "WorkingDir": wd})
		var insp struct{ Config struct{ WorkingDir string } }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &insp))
		assert.Equal(t, "/tmp", insp.Config.WorkingDir, wd)
	}
}

// TestCreateUpdateUnsetLimits: the values the docker CLI sends for "no
// limit" are stored as dockerd stores them: at create a MemorySwappiness
// of -1 and a PidsLimit of 0 or below are no value (null in inspect, as
// dockerd 20.10 shows every container docker run makes); at update a
// PidsLimit of 0 or below is 0 (unlimited), where a positive one is kept.
func TestCreateUpdateUnsetLimits(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	limits := func(id string) (any, any) {
		r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var got struct{ HostConfig map[string]any }
		require.NoError(t, json.Unmarshal(r.body, &got))
		return got.HostConfig["MemorySwappiness"], got.HostConfig["PidsLimit"]
	}
	for _, tc := range []struct {
		host             map[string]any
		swappiness, pids any
	}{
		{map[string]any{"MemorySwappiness": -1, "PidsLimit": 0}, nil, nil},
		{map[string]any{"MemorySwappiness": -1, "PidsLimit": -1}, nil, nil},
		{map[string]any{"MemorySwappiness": 0, "PidsLimit": -5}, float64(0), nil},
		{map[string]any{"MemorySwappiness": 30, "PidsLimit": 7}, float64(30), float64(7)},
		{map[string]any{}, nil, nil},
	} {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": tc.host})
		swappiness, pids := limits(id)
		assert.Equal(t, tc.swappiness, swappiness, "%v", tc.host)
		assert.Equal(t, tc.pids, pids, "%v", tc.host)
	}

	id := c.sleeper(nil)
	for _, tc := range []struct {
		set, want any
	}{{50, float64(50)}, {-1, float64(0)}, {50, float64(50)}, {-3, float64(0)}} {
		r := c.do("POST", "/v1.41/containers/"+id+"/update", map[string]any{"PidsLimit": tc.set})
		require.Equal(t, 200, r.status, "%s", r.body)
		_, pids := limits(id)
		assert.Equal(t, tc.want, pids, "update PidsLimit %v", tc.set)
	}
}

// TestInspectFieldOrderLikeDockerd: container and image inspect come in
// the field order of dockerd's types (docker inspect prints the answer as
// it came): Id, Created, Path... for a container, its State's Status,
// Running..., 20.10's ConsoleSize after Runtime and KernelMemory after
// DeviceRequests at API 1.41; Id, RepoTags, RepoDigests... for an image.
func TestInspectFieldOrderLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	keys := func(path string, at ...string) []string {
		t.Helper()
		r := c.do("GET", path, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		dec := json.NewDecoder(bytes.NewReader(r.body))
		var walk func(depth int, want []string) []string
		walk = func(depth int, want []string) []string {
			var out []string
			_, err := dec.Token() // {
			require.NoError(t, err)
			for dec.More() {
				tok, err := dec.Token()
				require.NoError(t, err)
				k := tok.(string)
				if depth < len(want) && k == want[depth] {
					return walk(depth+1, want)
				}
				if depth == len(want) {
					out = append(out, k)
				}
				var skip json.RawMessage
				require.NoError(t, dec.Decode(&skip))
			}
			return out
		}
		return walk(0, at)
	}
	assert.Equal(t, []string{"Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath", "LogPath",
		"Name", "RestartCount", "Driver", "Platform", "MountLabel", "ProcessLabel", "AppArmorProfile", "ExecIDs", "HostConfig",
		"GraphDriver", "Mounts", "Config", "NetworkSettings"}, keys("/v1.41/containers/"+id+"/json"))
	assert.Equal(t, []string{"Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid", "ExitCode", "Error",
		"StartedAt", "FinishedAt"}, keys("/v1.41/containers/"+id+"/json", "State"))
	host := keys("/v1.41/containers/"+id+"/json", "HostConfig")
	i := slices.Index(host, "Runtime")
	require.Positive(t, i)
	assert.Equal(t, "ConsoleSize", host[i+1], "20.10's ConsoleSize follows Runtime")
	i = slices.Index(host, "DeviceRequests")
	require.Positive(t, i)
	assert.Equal(t, []string{"KernelMemory", "KernelMemoryTCP"}, host[i+1:i+3])
	assert.Equal(t, []string{"Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
		"DockerVersion", "Author", "Config", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver", "RootFS", "Metadata"},
		keys("/v1.41/images/busybox/json"))
	assert.Equal(t, []string{"Type", "Layers"}, keys("/v1.41/images/busybox/json", "RootFS"))
}

// TestIpcModeDefaultForOlderClients: as dockerd's router, a create below
// API 1.40 with a HostConfig and no IpcMode gets "shareable", the default
// of its time; from 1.40 on, and without a HostConfig, "private" (moby's
// TestIpcModeOlderClient).
func TestIpcModeDefaultForOlderClients(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	mode := func(ver string, body map[string]any) string {
		r := c.do("POST", "/v"+ver+"/containers/create", body)
		require.Equal(t, 201, r.status, "%s", r.body)
		var created struct{ Id string }
		require.NoError(t, json.Unmarshal(r.body, &created))
		var insp struct{ HostConfig struct{ IpcMode string } }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v"+ver+"/containers/"+created.Id+"/json", nil).body, &insp))
		return insp.HostConfig.IpcMode
	}
	withHost := map[string]any{"Image": "busybox", "HostConfig": map[string]any{}}
	assert.Equal(t, "shareable", mode("1.39", withHost))
	assert.Equal(t, "private", mode("1.40", withHost))
	assert.Equal(t, "private", mode("1.41", withHost))
	assert.Equal(t, "private", mode("1.39", map[string]any{"Image": "busybox"}), "no HostConfig: the daemon's default")
}

// TestNamespaceOfAnotherContainer: IpcMode and PidMode container:<ref>
// name a container that must exist at create (400 "No such container"),
// and dockerd keeps its id; a start that would join a container that is
// not running fails with getPidContainer's 500. A UTS mode is kept as
// given.
func TestNamespaceOfAnotherContainer(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	create := func(host map[string]any) reply {
		return c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": host})
	}
	for _, mode := range []string{"IpcMode", "PidMode"} {
		r := create(map[string]any{mode: "container:nosuch"})
		assert.Equal(t, 400, r.status, mode)
		assert.Equal(t, "No such container: nosuch", r.message(), mode)
	}
	stopped := c.create("nsdonor", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	var created struct{ Id string }
	r := create(map[string]any{"PidMode": "container:nsdonor", "UTSMode": "container:nsdonor"})
	require.Equal(t, 201, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &created))
	var insp struct {
		HostConfig struct{ PidMode, UTSMode string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+created.Id+"/json", nil).body, &insp))
	assert.Equal(t, "container:"+stopped, insp.HostConfig.PidMode, "the donor's id")
	assert.Equal(t, "container:nsdonor", insp.HostConfig.UTSMode, "as given")
	r = c.do("POST", "/v1.41/containers/"+created.Id+"/start", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "container "+stopped+" is not running", r.message())
}
