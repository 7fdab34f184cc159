package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestServiceNames: a service name must be a DNS name component, as
// swarmkit has it: one that is not is refused at create, before any task
// or container is made (the mock used to make a task whose container name
// failed, or worse, went into a URL unescaped: "a#b" made a container
// called "a").
func TestServiceNames(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.56/swarm/init", map[string]any{}).status)
	spec := func(name string) map[string]any {
		return map[string]any{"Name": name, "TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sleep", "10"}}}}
	}
	for _, name := range []string{"a#b", "a%zz", "a&b=c", "a.b", "-a", strings.Repeat("a", 64)} {
		r := c.do("POST", "/v1.56/services/create", spec(name))
		assert.Equal(t, 400, r.status, name)
		assert.Contains(t, r.message(), "rpc error: code = InvalidArgument desc = name must be", name)
	}
	var all []struct{ Names []string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/json?all=1", nil).body, &all))
	assert.Empty(t, all, "containers made for refused services")

	r := c.do("POST", "/v1.56/services/create", spec("a_b-c"))
	require.Equal(t, 201, r.status, "%s", r.body)
	var tasks []struct{ Status struct{ State string } }
	require.NoError(t, json.Unmarshal(c.do("GET", `/v1.56/tasks?filters={"service":["a_b-c"]}`, nil).body, &tasks))
	require.Len(t, tasks, 1)
	assert.NotEqual(t, "rejected", tasks[0].Status.State)
}

// doc is a decoded JSON document, read by path with at.
type doc = map[string]any

// getDoc answers the GET of path as a document, after a 200.
func (c *client) getDoc(path string) doc {
	c.t.Helper()
	r := c.do("GET", path, nil)
	require.Equal(c.t, 200, r.status, "GET %s: %s", path, r.body)
	var d doc
	require.NoError(c.t, json.Unmarshal(r.body, &d), "GET %s", path)
	return d
}

// at reads the value at a dotted path of d ("Spec.Mode.Global"), nil
// when a step is missing.
func at(d any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := d.(map[string]any)
		if !ok {
			return nil
		}
		d = m[k]
	}
	return d
}

// has reports whether the dotted path is present in d.
func has(d any, path string) bool {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		m, ok := d.(map[string]any)
		if !ok {
			return false
		}
		d = m[k]
	}
	m, ok := d.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[keys[len(keys)-1]]
	return ok
}

// TestServiceSpecDecodedLikeDockerd: a service spec is decoded as dockerd
// decodes it (encoding/json: keys in any case, unknown keys dropped) and
// shown as dockerd shows it after its round trip through swarmkit:
// canonical keys, one mode, the defaults dockerd fills (Isolation,
// ForceUpdate, RestartPolicy.MaxAttempts, Runtime, update configs'
// FailureAction and Order), ?insertDefaults=true with swarmkit's defaults,
// network names resolved to ids.
func TestServiceSpecDecodedLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{}).status)
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "ov", "Driver": "overlay", "Attachable": true})
	require.Equal(t, 201, r.status, "%s", r.body)
	var ov struct {
		ID string `json:"Id"`
	}
	require.NoError(t, json.Unmarshal(r.body, &ov))

	r = c.do("POST", "/v1.41/services/create", json.RawMessage(`{"name":"rep","labels":{"a":"b"},"taskTemplate":{"containerSpec":{"image":"busybox","command":["sleep","300"],"dir":"/tmp","bogus":1},
		"restartPolicy":{"condition":"none"},"networks":[{"target":"ov"}]},"mode":{"replicated":{"replicas":0}},
		"updateConfig":{"parallelism":2,"order":"start-first"},"rollbackConfig":{"order":"stop-first"},"endpointSpec":{"mode":"vip"}}`))
	require.Equal(t, 201, r.status, "%s", r.body)
	assert.JSONEq(t, `{"ID":"`+at(c.getDoc("/v1.41/services/rep"), "ID").(string)+`"}`, string(r.body), "no Warnings when there are none")

	svc := c.getDoc("/v1.41/services/rep")
	spec := at(svc, "Spec")
	assert.Equal(t, "rep", at(spec, "Name"))
	assert.Equal(t, map[string]any{"a": "b"}, at(spec, "Labels"))
	assert.Equal(t, map[string]any{"Replicated": map[string]any{"Replicas": 0.0}}, at(spec, "Mode"))
	assert.Equal(t, map[string]any{"Image": "busybox", "Command": []any{"sleep", "300"}, "Dir": "/tmp", "Isolation": "default"}, at(spec, "TaskTemplate.ContainerSpec"))
	assert.Equal(t, map[string]any{"Condition": "none", "MaxAttempts": 0.0}, at(spec, "TaskTemplate.RestartPolicy"))
	assert.Equal(t, []any{map[string]any{"Target": ov.ID}}, at(spec, "TaskTemplate.Networks"), "a network named by name is stored by id")
	assert.Equal(t, 0.0, at(spec, "TaskTemplate.ForceUpdate"))
	assert.Equal(t, "container", at(spec, "TaskTemplate.Runtime"))
	assert.Equal(t, map[string]any{"Parallelism": 2.0, "FailureAction": "pause", "MaxFailureRatio": 0.0, "Order": "start-first"}, at(spec, "UpdateConfig"))
	assert.Equal(t, map[string]any{"Parallelism": 0.0, "FailureAction": "pause", "MaxFailureRatio": 0.0, "Order": "stop-first"}, at(spec, "RollbackConfig"))
	assert.Equal(t, map[string]any{"Mode": "vip"}, at(spec, "EndpointSpec"))

	full := c.getDoc("/v1.41/services/rep?insertDefaults=true")
	assert.Equal(t, 10e9, at(full, "Spec.TaskTemplate.ContainerSpec.StopGracePeriod"))
	assert.Equal(t, map[string]any{}, at(full, "Spec.TaskTemplate.ContainerSpec.DNSConfig"))
	assert.Equal(t, map[string]any{}, at(full, "Spec.TaskTemplate.Resources"))
	assert.Equal(t, map[string]any{}, at(full, "Spec.TaskTemplate.Placement"))
	assert.Equal(t, map[string]any{"Condition": "none", "Delay": 5e9, "MaxAttempts": 0.0}, at(full, "Spec.TaskTemplate.RestartPolicy"))
	assert.Equal(t, 5e9, at(full, "Spec.UpdateConfig.Monitor"))
	assert.Equal(t, 0.0, at(full, "Spec.RollbackConfig.Parallelism"), "a given config keeps its values")
	assert.False(t, has(svc, "Spec.TaskTemplate.Resources"), "defaults only with insertDefaults")

	r = c.do("POST", "/v1.41/services/create", json.RawMessage(`{"Name":"glob","TaskTemplate":{"ContainerSpec":{"Image":"busybox","Command":["sleep","300"]}},"Mode":{"global":{}}}`))
	require.Equal(t, 201, r.status, "%s", r.body)
	assert.Equal(t, map[string]any{"Global": map[string]any{}}, at(c.getDoc("/v1.41/services/glob"), "Spec.Mode"))
	var tasks []doc
	require.NoError(t, json.Unmarshal(c.do("GET", `/v1.41/tasks?filters={"service":["glob"]}`, nil).body, &tasks))
	require.Len(t, tasks, 1)
	assert.False(t, has(tasks[0], "Slot"), "a global service's task has no slot")
	assert.False(t, has(tasks[0], "Spec.Runtime"), "a task's spec has no runtime")
	assert.Equal(t, "default", at(tasks[0], "Spec.ContainerSpec.Isolation"))

	ver := at(svc, "Version.Index").(float64)
	r = c.do("POST", fmt.Sprintf("/v1.41/services/rep/update?version=%d", int(ver)), json.RawMessage(`{"name":"rep","taskTemplate":{"containerSpec":{"image":"busybox"},"forceUpdate":1},"mode":{"replicated":{"replicas":0}}}`))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.JSONEq(t, `{"Warnings":null}`, string(r.body))
	assert.Equal(t, 1.0, at(c.getDoc("/v1.41/services/rep"), "Spec.TaskTemplate.ForceUpdate"))

	// swarmkit looks at the name, a rollback's previous spec and the mode
	// before the version.
	for _, tt := range []struct {
		path, body string
		status     int
		msg        string
	}{
		{"/v1.41/services/glob/update?version=1", `{"Name":"other","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}},"Mode":{"Global":{}}}`, 501, "rpc error: code = Unimplemented desc = renaming services is not supported"},
		{"/v1.41/services/glob/update?version=1&rollback=previous", `{"Name":"glob","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}},"Mode":{"Global":{}}}`, 400, "does not have a previous spec"},
		{"/v1.41/services/glob/update?version=1", `{"Name":"glob","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}}}`, 501, "rpc error: code = Unimplemented desc = service mode change is not allowed"},
		{"/v1.41/services/glob/update?version=1", `{"Name":"glob","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}},"Mode":{"Global":{}}}`, 500, "rpc error: code = Unknown desc = update out of sequence"},
		{"/v1.41/services/glob/update", `{"Name":"glob"}`, 400, `invalid service version '': strconv.ParseUint: parsing "": invalid syntax`},
	} {
		r := c.do("POST", tt.path, json.RawMessage(tt.body))
		assert.Equal(t, tt.status, r.status, "%s %s", tt.path, r.body)
		assert.Contains(t, r.message(), tt.msg, tt.path)
	}
}

// TestServiceSpecVersions: a field newer than the request's API version
// is dropped from the spec (dockerd's adjustForAPIVersion) and left out of
// an answer of an older version.
func TestServiceSpecVersions(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{}).status)
	for _, tt := range []struct {
		ver  string
		kept bool
	}{{"1.41", false}, {"1.46", true}} {
		name := "oom" + strings.ReplaceAll(tt.ver, ".", "")
		r := c.do("POST", "/v"+tt.ver+"/services/create", json.RawMessage(`{"Name":"`+name+`","TaskTemplate":{"ContainerSpec":{"Image":"busybox","OomScoreAdj":5}},"Mode":{"Replicated":{"Replicas":0}}}`))
		require.Equal(t, 201, r.status, "%s", r.body)
		assert.Equal(t, tt.kept, has(c.getDoc("/v1.56/services/"+name), "Spec.TaskTemplate.ContainerSpec.OomScoreAdj"), "created at %s", tt.ver)
	}
	assert.False(t, has(c.getDoc("/v1.45/services/oom146"), "Spec.TaskTemplate.ContainerSpec.OomScoreAdj"), "OomScoreAdj is API 1.46")
}

// TestServiceSpecErrors: what dockerd's conversion and swarmkit refuse,
// with their status and wording.
func TestServiceSpecErrors(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{}).status)
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "local"}).status)
	image := `"TaskTemplate":{"ContainerSpec":{"Image":"busybox"}}`
	tests := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"two modes", `{"Name":"s",` + image + `,"Mode":{"Global":{},"Replicated":{}}}`, 400, "must specify only one service mode"},
		{"no container spec", `{"Name":"s","TaskTemplate":{}}`, 400, "mismatched Runtime and *Spec fields"},
		{"restart condition", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"RestartPolicy":{"Condition":"bogus"}}}`, 400, `invalid RestartCondition: "bogus"`},
		{"update order", `{"Name":"s",` + image + `,"UpdateConfig":{"Order":"bogus"}}`, 400, "unrecognized update order bogus"},
		{"resolution mode", `{"Name":"s",` + image + `,"EndpointSpec":{"Mode":"bogus"}}`, 400, `invalid resolution mode: "bogus"`},
		{"mount type", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"busybox","Mounts":[{"Type":"bogus","Target":"/x"}]}}}`, 400, `invalid MountType: "bogus"`},
		{"config target", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"busybox","Configs":[{"ConfigID":"x","ConfigName":"y"}]}}}`, 400, "invalid Config: either File or Runtime should be set"},
		{"secrets missing", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"busybox","Secrets":[{"SecretID":"x","SecretName":"y","File":{"Name":"a"}},{"SecretID":"x2","SecretName":"y2","File":{"Name":"b"}}]}}}`, 400, "rpc error: code = InvalidArgument desc = secrets not found: y, y2"},
		{"image", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"Bad Image!"}}}`, 400, `rpc error: code = InvalidArgument desc = ContainerSpec: "Bad Image!" is not a valid repository/tag`},
		{"job with an update config", `{"Name":"s",` + image + `,"Mode":{"ReplicatedJob":{}},"UpdateConfig":{"Parallelism":1}}`, 400, "rpc error: code = InvalidArgument desc = Jobs may not have an update config"},
		{"global job with an update config", `{"Name":"s",` + image + `,"Mode":{"GlobalJob":{}},"UpdateConfig":{}}`, 400, "rpc error: code = InvalidArgument desc = Jobs may not have an update config"},
		{"missing network", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"Networks":[{"Target":"nosuch"}]}}`, 500, "network nosuch not found"},
		{"local network", `{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"Networks":[{"Target":"local"}]}}`, 403, "The network local cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver."},
		{"wrong type", `{"Name":5}`, 400, "json: cannot unmarshal number into Go struct field ServiceSpec.Name of type string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("POST", "/v1.41/services/create", json.RawMessage(tt.body))
			assert.Equal(t, tt.status, r.status, "%s", r.body)
			assert.Equal(t, tt.msg, r.message())
		})
	}
	rec := serve(d, "POST", "/v1.41/services/create", []byte("nope"))
	assert.Equal(t, 400, rec.Code)
	assert.Equal(t, "invalid character 'o' in literal null (expecting 'u')", message(rec))

	// The predefined bridge network is one swarmkit knows.
	r := c.do("POST", "/v1.41/services/create", json.RawMessage(`{"Name":"onbridge","TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"Networks":[{"Target":"bridge"}]},"Mode":{"Replicated":{"Replicas":0}}}`))
	require.Equal(t, 201, r.status, "%s", r.body)
	target, _ := at(c.getDoc("/v1.41/services/onbridge"), "Spec.TaskTemplate.Networks").([]any)[0].(map[string]any)["Target"].(string)
	assert.Len(t, target, 25, "the swarm's id of the bridge network")
}

// TestSecretSpecDecodedLikeDockerd: secret and config specs with keys in
// any case; a secret never shows its data, a config does.
func TestSecretSpecDecodedLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{}).status)
	r := c.do("POST", "/v1.41/secrets/create", json.RawMessage(`{"name":"sec","labels":{"a":"b"},"data":"c2VjcmV0","templating":{"name":"golang"}}`))
	require.Equal(t, 201, r.status, "%s", r.body)
	assert.Equal(t, map[string]any{"Name": "sec", "Labels": map[string]any{"a": "b"}, "Templating": map[string]any{"Name": "golang"}}, at(c.getDoc("/v1.41/secrets/sec"), "Spec"))
	r = c.do("POST", "/v1.41/configs/create", json.RawMessage(`{"name":"cfg","data":"Y29uZmln","driver":{"name":"x"}}`))
	require.Equal(t, 201, r.status, "%s", r.body)
	assert.Equal(t, map[string]any{"Name": "cfg", "Labels": map[string]any{}, "Data": "Y29uZmln"}, at(c.getDoc("/v1.41/configs/cfg"), "Spec"))

	for _, tt := range []struct{ path, body, msg string }{
		{"/v1.41/secrets/create", `{"Name":"s2","Data":""}`, "rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes"},
		{"/v1.41/configs/create", `{"Name":"c2"}`, "rpc error: code = InvalidArgument desc = config data must be larger than 0 and less than 1024000 bytes"},
		{"/v1.41/secrets/create", `{"Name":"s2","Data":"!!"}`, "illegal base64 data at input byte 0"},
	} {
		r := c.do("POST", tt.path, json.RawMessage(tt.body))
		assert.Equal(t, 400, r.status, tt.body)
		assert.Equal(t, tt.msg, r.message(), tt.body)
	}
	ver := int(at(c.getDoc("/v1.41/secrets/sec"), "Version.Index").(float64))
	r = c.do("POST", fmt.Sprintf("/v1.41/secrets/sec/update?version=%d", ver), json.RawMessage(`{"Labels":{"x":"y"}}`))
	assert.Equal(t, 400, r.status, "an update without the name")
	assert.Equal(t, "rpc error: code = InvalidArgument desc = only updates to Labels are allowed", r.message())
	r = c.do("POST", "/v1.41/secrets/sec/update", json.RawMessage(`{"name":"sec"}`))
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "invalid secret version", r.message(), "dockerd's secret route leaves the parse error out")
	r = c.do("POST", fmt.Sprintf("/v1.41/secrets/sec/update?version=%d", ver), json.RawMessage(`{"name":"sec","labels":{"x":"y"}}`))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Empty(t, r.body)
	assert.Equal(t, map[string]any{"x": "y"}, at(c.getDoc("/v1.41/secrets/sec"), "Spec.Labels"))
}

// TestServiceDNSRecords: a service's tasks join its networks, and the
// embedded DNS server answers for them as libnetwork's service records
// do: the service's name and its aliases on the network give its virtual
// IP (endpoint mode vip) or its running tasks' addresses (dnsrr), and
// tasks.<name> (tasks.<alias>) the tasks' addresses in either mode. A
// service holds its network (swarmkit refuses the removal), its removed
// tasks do not (the mock used to leave tasks off their networks: neither
// tasks.<name> nor a dnsrr service resolved).
func TestServiceDNSRecords(t *testing.T) {
	c := swarmClient(t, nil)
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "ov", "Driver": "overlay", "Attachable": true,
		"IPAM": map[string]any{"Config": []map[string]any{{"Subnet": "10.77.0.0/24"}}}})
	require.Equal(t, 201, r.status, "%s", r.body)
	svc := func(name, mode string, aliases ...string) map[string]any {
		return map[string]any{"Name": name, "Mode": map[string]any{"Replicated": map[string]any{"Replicas": 2}},
			"EndpointSpec": map[string]any{"Mode": mode},
			"TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Args": []string{"sleep", "300"}, "StopGracePeriod": 0},
				"Networks": []map[string]any{{"Target": "ov", "Aliases": aliases}}}}
	}
	r = c.do("POST", "/v1.41/services/create", svc("web", "vip", "webalias"))
	require.Equal(t, 201, r.status, "%s", r.body)
	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svc("rr", "dnsrr")).status)
	require.Eventually(t, func() bool { return len(c.tasks("web")) == 2 && len(c.tasks("rr")) == 2 }, 5*time.Second, 10*time.Millisecond)

	addrs := map[string][]string{}
	for _, name := range []string{"web", "rr"} {
		for _, tk := range c.tasks(name) {
			ct := c.getDoc("/v1.41/containers/" + tk.Status.ContainerStatus.ContainerID + "/json")
			nets, _ := at(ct, "NetworkSettings.Networks").(map[string]any)
			assert.Len(t, nets, 1, "a task is on its service's networks only")
			ip, _ := at(ct, "NetworkSettings.Networks.ov.IPAddress").(string)
			require.NotEmpty(t, ip)
			addrs[name] = append(addrs[name], ip)
		}
	}
	vip := strings.TrimSuffix(c.service("web").vip(t), "/24")

	cli := c.create("cli", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "ov"}})
	startOK(t, c, cli)
	lookup := func(name string) []string {
		var out []string
		for _, l := range strings.Split(execOutput(t, c, cli, "nslookup -type=a "+name), "\n") {
			if a, ok := strings.CutPrefix(l, "Address: "); ok {
				out = append(out, a)
			}
		}
		slices.Sort(out)
		return out
	}
	slices.Sort(addrs["web"])
	slices.Sort(addrs["rr"])
	assert.Equal(t, []string{vip}, lookup("web"))
	assert.Equal(t, []string{vip}, lookup("webalias"))
	assert.Equal(t, addrs["web"], lookup("tasks.web"))
	assert.Equal(t, addrs["web"], lookup("tasks.webalias"))
	assert.Equal(t, addrs["rr"], lookup("rr"))
	assert.Equal(t, addrs["rr"], lookup("tasks.rr"))
	assert.Empty(t, lookup("tasks.nosuch"))

	r = c.do("DELETE", "/v1.41/networks/ov", nil)
	assert.Equal(t, 400, r.status)
	assert.Contains(t, r.message(), "is in use by service ")
	require.Equal(t, 200, c.do("DELETE", "/v1.41/services/web", nil).status)
	require.Equal(t, 200, c.do("DELETE", "/v1.41/services/rr", nil).status)
	r = c.do("DELETE", "/v1.41/networks/ov", nil)
	assert.Equal(t, 400, r.status)
	assert.Contains(t, r.message(), "is in use by task ", "the attached container's network attachment task holds it")
	require.Equal(t, 204, c.do("DELETE", "/v1.41/containers/cli?force=1", nil).status)
	r = c.do("DELETE", "/v1.41/networks/ov", nil)
	assert.Equal(t, 204, r.status, "the removed services' tasks do not hold it: %s", r.body)
}
