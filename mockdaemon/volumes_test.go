package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestVolumeMountEvents: a container's named volume is mounted at its
// start and unmounted at its exit, each with a volume event (binds have
// none), as dockerd reports them.
func TestVolumeMountEvents(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.56/volumes/create", map[string]any{"Name": "evvol"})
	require.Equal(t, 201, r.status, "volume create: %s", r.body)
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Binds": []string{"evvol:/data:ro", "/tmp/evbind:/b"}}})
	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	r = c.do("GET", `/v1.56/events?since=0&until=`+until+`&filters={"type":["volume"]}`, nil)
	got := eventActions(t, r.body, func(action string, attrs map[string]string) {
		if action == "mount" {
			assert.Equal(t, map[string]string{"container": id, "destination": "/data", "driver": "local", "propagation": "", "read/write": "false"}, attrs, "mount event attributes")
		}
	})
	assert.Equal(t, []string{"create evvol", "create evvol", "mount evvol", "unmount evvol"}, got, "a create for the volume create, another for the container's mount of it")
}

// TestMountPointsLikeDockerd: a container's Mounts list its mount points
// as dockerd registers them: Binds with their mode as given ("z" for a
// volume with none; a destination alone is an anonymous volume), Mounts
// ("z" for volumes, the propagation as given), the volumes of
// VolumesFrom (read-only with :ro, no mode), the container's Volumes;
// the tmpfs mounts of HostConfig.Tmpfs are mounted but not listed, and
// HostConfig.Mounts reads back as given. A volume a Mount makes has its
// VolumeOptions.Labels, and the volumes of VolumesFrom hold the source's
// files.
func TestMountPointsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	src := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo shared > /vol/f"}, "Volumes": map[string]any{"/vol": map[string]any{}}, "HostConfig": map[string]any{"Binds": []string{"mpnamed:/nv"}}})
	mounts := []map[string]any{
		{"Type": "bind", "Source": "/host/d", "Target": "/m1"},
		{"Type": "bind", "Source": "/host/d", "Target": "/m2", "ReadOnly": true, "BindOptions": map[string]any{"Propagation": "private"}},
		{"Type": "volume", "Target": "/m3"},
		{"Type": "volume", "Source": "mpvol3", "Target": "/m4", "ReadOnly": true, "VolumeOptions": map[string]any{"Labels": map[string]string{"a": "b"}}},
		{"Type": "tmpfs", "Target": "/m5"},
	}
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "cat /vol/f; ls /tt >/dev/null && echo tmpfs"}, "Volumes": map[string]any{"/cv": map[string]any{}},
		"HostConfig": map[string]any{
			"VolumesFrom": []string{src + ":ro"},
			"Tmpfs":       map[string]string{"/tt": "size=1m"},
			"Binds":       []string{"/anon", "/host/d:/b1", "/host/d:/b2:ro", "/host/d:/b3:ro,rshared", "/host/d:/b4:z", "mpvol1:/v1:ro", "mpvol2:/v2:nocopy"},
			"Mounts":      mounts,
		}})
	stdout, stderr := readFrames(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	assert.Equal(t, "shared\ntmpfs\n", stdout, "stderr: %s", stderr)

	var in struct {
		Mounts     []map[string]any
		HostConfig struct{ Mounts []map[string]any }
	}
	r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
	require.NoError(t, json.Unmarshal(r.body, &in))
	got := map[string]string{}
	for _, m := range in.Mounts {
		_, named := m["Name"]
		got[m["Destination"].(string)] = fmt.Sprintf("%s mode=%q rw=%v prop=%q named=%v", m["Type"], m["Mode"], m["RW"], m["Propagation"], named)
	}
	assert.Equal(t, map[string]string{
		"/anon": `volume mode="z" rw=true prop="" named=true`,
		"/b1":   `bind mode="" rw=true prop="rprivate" named=false`,
		"/b2":   `bind mode="ro" rw=false prop="rprivate" named=false`,
		"/b3":   `bind mode="ro,rshared" rw=false prop="rshared" named=false`,
		"/b4":   `bind mode="z" rw=true prop="rprivate" named=false`,
		"/cv":   `volume mode="" rw=true prop="" named=true`,
		"/m1":   `bind mode="" rw=true prop="rprivate" named=false`,
		"/m2":   `bind mode="" rw=false prop="private" named=false`,
		"/m3":   `volume mode="z" rw=true prop="" named=true`,
		"/m4":   `volume mode="z" rw=false prop="" named=true`,
		"/m5":   `tmpfs mode="" rw=true prop="" named=false`,
		"/nv":   `volume mode="" rw=false prop="" named=true`,
		"/v1":   `volume mode="ro" rw=false prop="" named=true`,
		"/v2":   `volume mode="nocopy" rw=true prop="" named=true`,
		"/vol":  `volume mode="" rw=false prop="" named=true`,
	}, got)
	var given []map[string]any
	b, _ := json.Marshal(mounts)
	require.NoError(t, json.Unmarshal(b, &given))
	assert.Equal(t, given, in.HostConfig.Mounts, "HostConfig.Mounts as given")

	var vol struct{ Labels map[string]string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/volumes/mpvol3", nil).body, &vol))
	assert.Equal(t, map[string]string{"a": "b"}, vol.Labels, "a volume made by a Mount has its labels")
	anonLabels := func(id string) map[string]string {
		var in struct {
			Mounts []struct{ Name, Destination string }
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &in))
		for _, m := range in.Mounts {
			if m.Destination == "/anon" {
				var v struct{ Labels map[string]string }
				require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/volumes/"+m.Name, nil).body, &v))
				return v.Labels
			}
		}
		require.Fail(t, "no /anon mount")
		return nil
	}
	assert.Equal(t, map[string]string{"com.docker.volume.anonymous": ""}, anonLabels(id), "made at 1.56: labelled anonymous")
	r = c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "HostConfig": map[string]any{"Binds": []string{"/anon"}}})
	require.Equal(t, 201, r.status, "%s", r.body)
	var created struct{ Id string }
	require.NoError(t, json.Unmarshal(r.body, &created))
	assert.Empty(t, anonLabels(created.Id), "made at 1.41: no label (dockerd 20.10)")
}

// TestMountErrors: bad Binds and Mounts are refused at create with
// dockerd's wording; 20.10 (API 1.41) answers the Binds it cannot parse
// with a 500.
func TestMountErrors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	missing := t.TempDir() + "/nosuch"
	for _, tc := range []struct {
		hc     map[string]any
		want   string
		status int // 400 when 0
	}{
		{map[string]any{"Binds": []string{"relative:/x:bad"}}, "invalid mode: bad", 500},
		{map[string]any{"Binds": []string{"/h:rel"}}, `invalid volume specification: '/h:rel': invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`, 500},
		{map[string]any{"Binds": []string{"a:b:c:d"}}, "invalid volume specification: 'a:b:c:d'", 500},
		{map[string]any{"Binds": []string{"/anon:ro"}}, "invalid volume specification: '/anon:ro'", 500},
		{map[string]any{"Binds": []string{"/h:/x:ro,rw"}}, "invalid mode: ro,rw", 500},
		{map[string]any{"Binds": []string{"/h:/x", "v:/x"}}, "Duplicate mount point: /x", 0},
		{map[string]any{"Binds": []string{"/x"}, "Tmpfs": map[string]string{"/x": ""}}, "Duplicate mount point: /x", 0},
		{map[string]any{"VolumesFrom": []string{"nosuchc"}}, "No such container: nosuchc", 0},
		{map[string]any{"VolumesFrom": []string{"nosuchc:bad"}}, "invalid mode: bad", 0},
		{map[string]any{"Mounts": []map[string]any{{"Type": "bind", "Source": missing, "Target": "/x"}}}, `invalid mount config for type "bind": bind source path does not exist: ` + missing, 0},
		{map[string]any{"Mounts": []map[string]any{{"Type": "bind", "Target": "/x"}}}, `invalid mount config for type "bind": field Source must not be empty`, 0},
		{map[string]any{"Mounts": []map[string]any{{"Type": "tmpfs", "Source": "x", "Target": "/x"}}}, `invalid mount config for type "tmpfs": field Source must not be specified`, 0},
		{map[string]any{"Mounts": []map[string]any{{"Type": "bogus", "Target": "/x"}}}, `invalid mount config for type "bogus": mount type unknown`, 0},
		{map[string]any{"Mounts": []map[string]any{{"Type": "volume", "Target": "/x", "BindOptions": map[string]any{}}}}, `invalid mount config for type "volume": field BindOptions must not be specified`, 0},
		{map[string]any{"Mounts": []map[string]any{{"Type": "volume", "Source": "/abs", "Target": "/x"}}}, `create /abs: "/abs" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`, 0},
	} {
		r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": tc.hc})
		want := tc.status
		if want == 0 {
			want = 400
		}
		assert.Equal(t, want, r.status, "%v: %s", tc.hc, r.body)
		assert.Equal(t, tc.want, r.message(), "%v", tc.hc)
	}
}

// TestVolumeListWarningsNull: the volume list answers Warnings null, as
// dockerd's local driver has none to give.
func TestVolumeListWarningsNull(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/v1.41/volumes", nil)
	require.Equal(t, 200, r.status)
	var body map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(r.body, &body))
	assert.Equal(t, "null", string(body["Warnings"]))
}

// TestVolumeCreateErrorsLikeDockerd: a new volume's driver is looked up
// first, then the local driver judges its name, and both answer as dockerd's
// volume store does ("create NAME: ..."), by POST /volumes/create and by a
// container's mounts alike.
func TestVolumeCreateErrorsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	const tooShort = "volume name is too short, names should be at least two alphanumeric characters"
	invalid := func(n string) string {
		return `create ` + n + `: "` + n + `" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`
	}
	noDriver := func(n string) string {
		return "create " + n + `: error looking up volume plugin nosuchdrv: plugin "nosuchdrv" not found`
	}
	for _, tc := range []struct {
		body   map[string]any
		status int
		want   string
	}{
		{map[string]any{"Name": "a"}, 400, "create a: " + tooShort},
		{map[string]any{"Name": "-"}, 400, "create -: " + tooShort},
		{map[string]any{"Name": "/abs"}, 400, invalid("/abs")},
		{map[string]any{"Name": "-ab"}, 400, invalid("-ab")},
		{map[string]any{"Name": "ab", "Driver": "nosuchdrv"}, 404, noDriver("ab")},
		{map[string]any{"Name": "a", "Driver": "nosuchdrv"}, 404, noDriver("a")},
	} {
		r := c.do("POST", "/v1.41/volumes/create", tc.body)
		assert.Equal(t, tc.status, r.status, "%v: %s", tc.body, r.body)
		assert.Equal(t, tc.want, r.message(), "%v", tc.body)
	}
	r := c.do("POST", "/v1.41/volumes/create", map[string]any{"Driver": "nosuchdrv"})
	assert.Equal(t, 404, r.status, "an anonymous volume of a missing driver: %s", r.body)
	assert.Regexp(t, `^create [0-9a-f]{64}: error looking up volume plugin nosuchdrv: plugin "nosuchdrv" not found$`, r.message())

	for _, tc := range []struct {
		hc     map[string]any
		status int
		want   string
	}{
		{map[string]any{"Binds": []string{"a:/x"}}, 400, "create a: " + tooShort},
		{map[string]any{"Mounts": []map[string]any{{"Type": "volume", "Source": "a", "Target": "/x"}}}, 400, "create a: " + tooShort},
		{map[string]any{"Mounts": []map[string]any{{"Type": "volume", "Source": "zz9", "Target": "/x", "VolumeOptions": map[string]any{"DriverConfig": map[string]any{"Name": "nosuchdrv"}}}}}, 404, noDriver("zz9")},
	} {
		r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": tc.hc})
		assert.Equal(t, tc.status, r.status, "%v: %s", tc.hc, r.body)
		assert.Equal(t, tc.want, r.message(), "%v", tc.hc)
	}
	r = c.do("GET", "/v1.41/volumes", nil)
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"Volumes":[],"Warnings":null}`, string(r.body), "none of them was made")
}
