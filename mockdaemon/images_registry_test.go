package mockdaemon_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// The emulated registries of these tests: one open, one asking for u:p.
const (
	openReg = "127.0.0.1:5998"
	authReg = "127.0.0.1:5999"
)

func newRegistryClient(t *testing.T) *client {
	_, c := newClient(t, mockdaemon.Config{Registries: map[string]mockdaemon.Credentials{
		openReg: {},
		authReg: {Username: "u", Password: "p"},
	}})
	return c
}

// authHeader is X-Registry-Auth for user:pass ("" for {}).
func authHeader(user, pass string) string {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	if user == "" {
		b = []byte("{}")
	}
	return base64.URLEncoding.EncodeToString(b)
}

// withAuth sends a request with an X-Registry-Auth header.
func (c *client) withAuth(method, path, auth string) reply {
	c.t.Helper()
	return c.raw(method, path, nil, "X-Registry-Auth", auth)
}

// raw sends body as it is with the header name/value pairs given.
func (c *client) raw(method, path string, body io.Reader, header ...string) reply {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), method, "http://docker"+path, body)
	require.NoError(c.t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return reply{resp.StatusCode, resp.Header, b}
}

// messages decodes a JSON message stream into its statuses (and errors,
// as "error: ..."), each with its id when it has one ("id: status").
func messages(t *testing.T, r reply) []string {
	t.Helper()
	require.Equal(t, 200, r.status, "%s", r.body)
	var out []string
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	for dec.More() {
		var m struct{ Status, ID, Error string }
		require.NoError(t, dec.Decode(&m))
		switch {
		case m.Error != "":
			out = append(out, "error: "+m.Error)
		case m.ID != "":
			out = append(out, m.ID+": "+m.Status)
		case m.Status != "":
			out = append(out, m.Status)
		}
	}
	return out
}

func (c *client) tagImage(src, repo, tag string) {
	c.t.Helper()
	r := c.do("POST", "/v1.41/images/"+src+"/tag?repo="+repo+"&tag="+tag, nil)
	require.Equal(c.t, 201, r.status, "%s", r.body)
}

// TestPushAsDockerd: a push answers as dockerd's distribution.Push, all
// in its stream after "The push refers to repository": no such local
// repository or tag, an unreachable registry, then per tag (all of the
// repository's in lexical order without one) its layers top down
// "Preparing", the credentials' refusal, each layer "Pushed", "Layer
// already exists" in the repository or "Mounted from" another one of the
// registry, and the digest line.
func TestPushAsDockerd(t *testing.T) {
	c := newRegistryClient(t)
	none := authHeader("", "")
	push := func(name, query, auth string) []string {
		t.Helper()
		return messages(t, c.withAuth("POST", "/v1.41/images/"+name+"/push"+query, auth))
	}
	refers := func(repo string) string { return "The push refers to repository [" + repo + "]" }
	c.build("pushme:1", "FROM busybox\nRUN echo x > /x\n")
	var im struct{ RootFS struct{ Layers []string } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/pushme:1/json", nil).body, &im))
	require.Len(t, im.RootFS.Layers, 2)
	base, top := im.RootFS.Layers[0][7:19], im.RootFS.Layers[1][7:19]

	repo := openReg + "/a/fresh"
	assert.Equal(t, []string{refers(repo), "error: An image does not exist locally with the tag: " + repo}, push(repo, "", none))
	c.tagImage("pushme:1", repo, "v1")
	c.tagImage("pushme:1", repo, "v2")
	assert.Equal(t, []string{refers(repo), "error: tag does not exist: " + repo + ":v9"}, push(repo, "?tag=v9", none))
	c.tagImage("pushme:1", "127.0.0.1:9/a/fresh", "v1")
	assert.Equal(t, []string{refers("127.0.0.1:9/a/fresh"), `error: Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`},
		push("127.0.0.1:9/a/fresh", "?tag=v9", none), "the registry is asked before the tag is looked up")
	r := c.withAuth("POST", "/v1.41/images/"+repo+"/push?tag=Bad:Tag", none)
	assert.Equal(t, 500, r.status, "reference.WithTag's error is no typed one")
	assert.Equal(t, "invalid tag format", r.message())

	msgs := push(repo, "", none)
	require.Len(t, msgs, 11, "%q", msgs)
	assert.Equal(t, []string{refers(repo), top + ": Preparing", base + ": Preparing", base + ": Pushed", top + ": Pushed"}, msgs[:5])
	assert.Regexp(t, `^v1: digest: sha256:[0-9a-f]{64} size: \d+$`, msgs[5])
	assert.Equal(t, []string{top + ": Preparing", base + ": Preparing", base + ": Layer already exists", top + ": Layer already exists"}, msgs[6:10], "v2 after v1")
	assert.Regexp(t, `^v2: digest: `, msgs[10])
	assert.Equal(t, []string{refers(repo), top + ": Preparing", base + ": Preparing", base + ": Layer already exists", top + ": Layer already exists"},
		push(repo+":v1", "?tag=v2", none)[:5], "the tag parameter wins")

	other := openReg + "/a/other"
	c.tagImage("busybox", other, "v1")
	assert.Equal(t, []string{refers(other), base + ": Preparing", base + ": Mounted from a/fresh"}, push(other, "?tag=v1", none)[:3])

	locked := authReg + "/a/fresh"
	c.tagImage("pushme:1", locked, "v1")
	assert.Equal(t, []string{refers(locked), top + ": Preparing", base + ": Preparing", "error: no basic auth credentials"}, push(locked, "?tag=v1", none))
	assert.Equal(t, []string{refers(locked), top + ": Preparing", base + ": Preparing", "error: unauthorized: authentication required"}, push(locked, "?tag=v1", authHeader("u", "bad")))
	assert.Regexp(t, `v1: digest: `, strings.Join(push(locked, "?tag=v1", authHeader("u", "p")), "\n"))
}

// TestPullAsDockerd: a pull answers as dockerd's: a name without tag
// pulls every tag of the repository (each "Pulling from" and its digest,
// then one status for the repository), a digest is named whole; an
// image the store has needs no layer, a new one lists each layer it had
// "Already exists" and downloads the others; what the registry lacks and
// the credentials it refuses are errors before the stream (500 for the
// credentials).
func TestPullAsDockerd(t *testing.T) {
	c := newRegistryClient(t)
	none := authHeader("", "")
	pull := func(query, auth string) []string {
		t.Helper()
		return messages(t, c.withAuth("POST", "/v1.41/images/create?"+query, auth))
	}
	repo := openReg + "/a/p"
	c.build("pullme:1", "FROM busybox\nRUN echo x > /x\n")
	var im struct{ RootFS struct{ Layers []string } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/pullme:1/json", nil).body, &im))
	base, top := im.RootFS.Layers[0][7:19], im.RootFS.Layers[1][7:19]
	for _, tag := range []string{"v2", "v1"} {
		c.tagImage("pullme:1", repo, tag)
		require.NotContains(t, messages(t, c.withAuth("POST", "/v1.41/images/"+repo+"/push?tag="+tag, none)), "error")
	}
	require.Equal(t, 200, c.do("DELETE", "/v1.41/images/"+repo+":v1", nil).status)

	msgs := pull("fromImage="+repo, none)
	require.Len(t, msgs, 5, "%q", msgs)
	assert.Equal(t, "v1: Pulling from a/p", msgs[0])
	assert.Regexp(t, `^Digest: sha256:`, msgs[1])
	assert.Equal(t, "v2: Pulling from a/p", msgs[2])
	assert.Equal(t, "Status: Downloaded newer image for "+repo, msgs[4], "all tags: one status for the repository")
	assert.Equal(t, "Status: Image is up to date for "+repo, pull("fromImage="+repo+":", none)[4], "a trailing ':' is no tag")
	dg := strings.TrimPrefix(msgs[1], "Digest: ")
	assert.Equal(t, []string{repo + "@" + dg + ": Pulling from a/p", "Digest: " + dg, "Status: Image is up to date for " + repo + "@" + dg},
		pull("fromImage="+repo+"&tag="+dg, none), "a digest as the tag")

	// the store lost the image and its top layer, not the base
	for _, name := range []string{repo + ":v1", repo + ":v2", "pullme:1"} {
		require.Equal(t, 200, c.do("DELETE", "/v1.41/images/"+name, nil).status, name)
	}
	msgs = pull("fromImage="+repo+"&tag=v1", none)
	assert.Equal(t, []string{"v1: Pulling from a/p", base + ": Already exists", top + ": Pulling fs layer", top + ": Downloading",
		top + ": Verifying Checksum", top + ": Download complete", top + ": Extracting", top + ": Pull complete"}, msgs[:8])
	assert.Equal(t, "Status: Downloaded newer image for "+repo+":v1", msgs[len(msgs)-1])

	for _, tt := range []struct {
		query, auth string
		status      int
		msg         string
	}{
		{"fromImage=" + openReg + "/a/nope", none, 404, "repository " + openReg + "/a/nope not found: name unknown: repository name not known to registry"},
		{"fromImage=" + repo + "@sha256:" + strings.Repeat("0", 64), none, 404, "manifest for " + repo + "@sha256:" + strings.Repeat("0", 64) + " not found: manifest unknown: manifest unknown"},
		{"fromImage=" + authReg + "/a/p", none, 500, `Get "http://` + authReg + `/v2/a/p/tags/list": no basic auth credentials`},
		{"fromImage=" + authReg + "/a/p&tag=v1", none, 500, `Head "http://` + authReg + `/v2/a/p/manifests/v1": no basic auth credentials`},
		{"fromImage=" + authReg + "/a/p&tag=v1", authHeader("u", "bad"), 500, "unauthorized: authentication required"},
	} {
		r := c.withAuth("POST", "/v1.41/images/create?"+tt.query, tt.auth)
		assert.Equal(t, tt.status, r.status, tt.query)
		assert.Equal(t, tt.msg, r.message(), tt.query)
	}
}

// TestDistributionInspectErrors: GET /distribution answers a registry's
// refusal as dockerd does: wrong credentials 401 and an unknown manifest
// 404 in the registry's words, missing credentials a 500 naming the
// request they stopped.
func TestDistributionInspectErrors(t *testing.T) {
	c := newRegistryClient(t)
	c.tagImage("busybox", authReg+"/a/d", "v1")
	require.Regexp(t, "digest: ", strings.Join(messages(t, c.withAuth("POST", "/v1.41/images/"+authReg+"/a/d/push?tag=v1", authHeader("u", "p"))), "\n"))
	for _, tt := range []struct {
		name, auth string
		status     int
		msg        string
	}{
		{authReg + "/a/d:v1", authHeader("", ""), 500, `Head "http://` + authReg + `/v2/a/d/manifests/v1": no basic auth credentials`},
		{authReg + "/a/d:v1", authHeader("u", "bad"), 401, "unauthorized: authentication required"},
		{authReg + "/a/d:v9", authHeader("u", "p"), 404, "manifest unknown: manifest unknown"},
		{openReg + "/a/nope:v1", authHeader("", ""), 404, "manifest unknown: manifest unknown"},
		{"127.0.0.1:9/a/d:v1", authHeader("", ""), 500, `Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`},
	} {
		r := c.withAuth("GET", "/v1.41/distribution/"+tt.name+"/json", tt.auth)
		assert.Equal(t, tt.status, r.status, tt.name)
		assert.Equal(t, tt.msg, r.message(), tt.name)
	}
	r := c.withAuth("GET", "/v1.41/distribution/"+authReg+"/a/d:v1/json", authHeader("u", "p"))
	assert.Equal(t, 200, r.status, "%s", r.body)
}

// TestLoginErrors: POST /auth refuses as dockerd does: wrong credentials
// are the login's "failed with status: 401" (untyped, a 500, on dockerd
// 20.10), none at all the transport's "no basic auth credentials".
func TestLoginErrors(t *testing.T) {
	c := newRegistryClient(t)
	for _, tt := range []struct {
		ver, user, pass string
		status          int
		msg             string
	}{
		{"1.41", "u", "bad", 500, "login attempt to http://" + authReg + "/v2/ failed with status: 401 Unauthorized"},
		{"1.44", "u", "bad", 401, "login attempt to http://" + authReg + "/v2/ failed with status: 401 Unauthorized"},
		{"1.41", "", "", 500, `Get "http://` + authReg + `/v2/": no basic auth credentials`},
		{"1.41", "u", "p", 200, ""},
	} {
		r := c.do("POST", "/v"+tt.ver+"/auth", map[string]string{"username": tt.user, "password": tt.pass, "serveraddress": authReg})
		assert.Equal(t, tt.status, r.status, "%+v", tt)
		assert.Equal(t, tt.msg, r.message(), "%+v", tt)
	}
}
