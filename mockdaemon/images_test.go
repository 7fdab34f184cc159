package mockdaemon_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestHistoryShowsAncestors: an image's history names, like dockerd's, the
// images still in the store that its steps end (the image itself, the one
// it was built from, and so on: a classic build leaves one per step), and
// gives each non-empty step the size of its layer.
func TestHistoryShowsAncestors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type item struct {
		ID        string `json:"Id"`
		CreatedBy string
		Tags      []string
		Size      int64
	}
	hist := func(ref string) []item {
		var h []item
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/images/"+ref+"/history", nil).body, &h))
		return h
	}
	idOf := func(ref string) string {
		var im struct {
			ID string `json:"Id"`
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/images/"+ref+"/json", nil).body, &im))
		return im.ID
	}
	base := idOf("busybox")
	c.build("hist:a", "FROM busybox\nENV A=1\nRUN echo a > /a\n")
	c.build("hist:b", "FROM hist:a\nLABEL b=1\n")
	a := idOf("hist:a")
	baseLen := len(hist("busybox"))
	h := hist("hist:b")
	require.Len(t, h, baseLen+3, "%+v", h)

	assert.NotEqual(t, "<missing>", h[0].ID, "top entry %+v", h[0])
	assert.Equal(t, []string{"hist:b"}, h[0].Tags, "top entry")
	assert.Zero(t, h[0].Size, "LABEL step")
	assert.Equal(t, a, h[1].ID, "entry 1 (%s)", h[1].CreatedBy)
	assert.Equal(t, base, h[3].ID, "entry 3 (%s)", h[3].CreatedBy)
	var envStep struct{ Parent string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/"+a+"/json", nil).body, &envStep))
	assert.Equal(t, envStep.Parent, h[2].ID, "entry 2 (%s): the ENV step's image", h[2].CreatedBy)
	assert.NotEqual(t, "<missing>", h[2].ID)
	assert.Contains(t, h[1].CreatedBy, "echo a")
	assert.Positive(t, h[1].Size, "RUN step of hist:a")
	assert.Contains(t, h[2].CreatedBy, "ENV A=1")
	assert.Zero(t, h[2].Size, "ENV step of hist:a")
}

// TestBaseImagesEachListed: every name of Config.Images is a tag of the
// image list (they are one image: busybox's), as mockdockerd -images
// a,b,c promises.
func TestBaseImagesEachListed(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Images: []string{"busybox:latest", "alpine:3.19", "example.com/team/app:1"}})
	var list []struct{ RepoTags, RepoDigests []string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/images/json", nil).body, &list))
	var tags, digests []string
	for _, im := range list {
		tags = append(tags, im.RepoTags...)
		digests = append(digests, im.RepoDigests...)
	}
	assert.ElementsMatch(t, []string{"busybox:latest", "alpine:3.19", "example.com/team/app:1"}, tags)
	assert.Len(t, digests, 3)
}

// TestImageErrorsLikeDockerd2010: at API 1.41 the images routes answer as
// dockerd 20.10 does: a broken tar to /images/load is 200 with the error in
// the stream, a tag stamps Metadata.LastTagTime, an unknown list filter is
// 400, a prune that deletes nothing answers ImagesDeleted null, a missing
// image is named as given, an invalid tag is a 500 and a push without
// credentials wants them in the body.
func TestImageErrorsLikeDockerd2010(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})

	rec := serve(d, "POST", "/v1.41/images/load", []byte("this is not a tar archive"))
	require.Equal(t, 200, rec.Code)
	var msg struct {
		Error       string `json:"error"`
		ErrorDetail struct {
			Message string `json:"message"`
		} `json:"errorDetail"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &msg), "%s", rec.Body)
	assert.Equal(t, "Error processing tar file(exit status 1): unexpected EOF", msg.Error)
	assert.Equal(t, msg.Error, msg.ErrorDetail.Message)

	var before, after struct{ Metadata struct{ LastTagTime string } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/busybox/json", nil).body, &before))
	assert.Equal(t, "0001-01-01T00:00:00Z", before.Metadata.LastTagTime, "never tagged")
	require.Equal(t, 201, c.do("POST", "/v1.41/images/busybox/tag?repo=stamped&tag=t", nil).status)
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/stamped:t/json", nil).body, &after))
	assert.NotEqual(t, "0001-01-01T00:00:00Z", after.Metadata.LastTagTime, "tagged")

	r := c.do("GET", `/v1.41/images/json?filters={"nosuch":["x"]}`, nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "Invalid filter 'nosuch'", r.message())

	r = c.do("POST", "/v1.41/images/prune", nil)
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"ImagesDeleted":null,"SpaceReclaimed":0}`, string(r.body))

	r = c.do("GET", "/v1.41/images/nosuch/json", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "no such image: nosuch: No such image: nosuch:latest", r.message())

	r = c.do("POST", "/v1.41/images/busybox/tag?repo=x&tag=bad:tag", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "invalid tag format", r.message())

	r = c.do("POST", "/v1.41/images/busybox/push", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "Bad parameters and missing X-Registry-Auth: EOF", r.message())
}

// TestImageListIntermediates: an untagged image that others were made
// from (a build's step, a commit's parent) is listed with all=1 only, and
// before API 1.43 an untagged image shows as <none>:<none>, like dockerd;
// images name their parent.
func TestImageListIntermediates(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	commit := func(image, query string) string {
		t.Helper()
		id := c.runWait(map[string]any{"Image": image, "Cmd": []string{"touch", "/x"}})
		r := c.do("POST", "/v1.41/commit?container="+id+query, map[string]any{})
		require.Equal(t, 201, r.status, "%s", r.body)
		var out struct{ Id string }
		require.NoError(t, json.Unmarshal(r.body, &out))
		return out.Id
	}
	mid := commit("busybox", "")
	top := commit(mid, "&repo=child&tag=1")
	type summary struct {
		Id, ParentId string
		RepoTags     []string
		RepoDigests  []string
	}
	list := func(ver, query string) map[string]summary {
		var l []summary
		require.NoError(t, json.Unmarshal(c.do("GET", "/v"+ver+"/images/json"+query, nil).body, &l))
		m := map[string]summary{}
		for _, s := range l {
			m[s.Id] = s
		}
		return m
	}
	assert.NotContains(t, list("1.41", ""), mid, "an intermediate image in the default list")
	all := list("1.41", "?all=1")
	require.Contains(t, all, mid)
	assert.Equal(t, []string{"<none>:<none>"}, all[mid].RepoTags)
	assert.Equal(t, []string{"<none>@<none>"}, all[mid].RepoDigests)
	assert.Equal(t, mid, all[top].ParentId)
	assert.Nil(t, all[top].RepoDigests, "a tagged image without digests: null before 1.43")
	assert.Equal(t, []string{}, list("1.43", "?all=1")[mid].RepoTags, "no <none>:<none> since 1.43")
	// dangling=true lists untagged heads only
	assert.NotContains(t, list("1.41", `?filters={"dangling":["true"]}`), mid)
	var im struct{ Parent string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/"+top+"/json", nil).body, &im))
	assert.Equal(t, mid, im.Parent)
}

// TestImageListUnknownFilter: an unknown filter is refused, as dockerd
// does, instead of listing everything.
func TestImageListUnknownFilter(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/v1.41/images/json?filters="+url.QueryEscape(`{"nosuchfilter":["x"]}`), nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "Invalid filter 'nosuchfilter'", r.message())
}

// TestImagePrune: prune works as dockerd's: the candidates are the images
// no other was made from (all with dangling=false), deleted as DELETE
// without force deletes them (with the untagged images they were made
// from, never one a container uses); intermediate images are no
// candidates of their own; nothing deleted is ImagesDeleted null.
func TestImagePrune(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	imageID := func(name string) string {
		var im struct{ Id string }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/"+name+"/json", nil).body, &im))
		return im.Id
	}
	prune := func(filters string) (deleted []string, untagged []string) {
		t.Helper()
		r := c.do("POST", "/v1.41/images/prune?filters="+url.QueryEscape(filters), nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var rep struct {
			ImagesDeleted []map[string]string
		}
		require.NoError(t, json.Unmarshal(r.body, &rep))
		for _, e := range rep.ImagesDeleted {
			if id, ok := e["Deleted"]; ok {
				deleted = append(deleted, id)
			}
			if tag, ok := e["Untagged"]; ok {
				untagged = append(untagged, tag)
			}
		}
		return deleted, untagged
	}

	c.build("p:1", "FROM busybox\nLABEL step=1\nRUN echo 1 > /f\n")
	old := imageID("p:1")
	var hist []struct{ Id string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/p:1/history", nil).body, &hist))
	oldLabelStep := hist[1].Id
	c.build("p:1", "FROM busybox\nLABEL step=2\nRUN echo 2 > /f\n")
	current := imageID("p:1")
	require.NotEqual(t, old, current)

	// the old p:1 is dangling: it goes with the step it was made from;
	// the current build's steps (intermediate, untagged) stay
	deleted, _ := prune(`{}`)
	assert.Contains(t, deleted, old)
	assert.Contains(t, deleted, oldLabelStep)
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/p:1/json", nil).status)
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/p:1/history", nil).body, &hist))
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/"+hist[1].Id+"/json", nil).status, "an intermediate image is no candidate")

	r := c.do("POST", "/v1.41/images/prune", nil)
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"ImagesDeleted":null,"SpaceReclaimed":0}`, string(r.body))

	// dangling=false: tagged images too, but not one a container uses
	c.build("q:1", "FROM busybox\nLABEL prunable=yes\n")
	c.build("u:1", "FROM busybox\nLABEL prunable=yes used=yes\n")
	c.create("", map[string]any{"Image": "u:1"})
	q := imageID("q:1")
	deleted, untagged := prune(`{"dangling":["false"],"label":["prunable=yes"]}`)
	assert.Equal(t, []string{"q:1"}, untagged)
	assert.Contains(t, deleted, q)
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/u:1/json", nil).status, "a container uses u:1")
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/p:1/json", nil).status, "the label filter keeps p:1")

	for filters, want := range map[string]string{
		`{"bogus":["1"]}`:        "Invalid filter 'bogus'",
		`{"reference":["p"]}`:    "Invalid filter 'reference'",
		`{"dangling":["maybe"]}`: "Invalid filter 'dangling=[maybe]'",
	} {
		r := c.do("POST", "/v1.41/images/prune?filters="+url.QueryEscape(filters), nil)
		assert.Equal(t, 400, r.status, filters)
		assert.Equal(t, want, r.message(), filters)
	}
}

// TestImageDeleteEvents: deleting an image sends, as dockerd, an untag
// event per reference and a delete event per image that went, none for
// its layers.
func TestImageDeleteEvents(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.build("ev:1", "FROM busybox\nLABEL team=a\nRUN echo 1 > /f\n")
	var im struct{ Id, Parent string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/ev:1/json", nil).body, &im))
	parent := im.Parent
	r := c.do("DELETE", "/v1.41/images/ev:1", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var res []map[string]string
	require.NoError(t, json.Unmarshal(r.body, &res))
	require.Len(t, res, 4, "untagged, the image, its layer, the LABEL step's image: %s", r.body)

	r = c.do("GET", `/v1.41/events?since=0&until=`+untilNow()+`&filters={"type":["image"],"event":["untag","delete"]}`, nil)
	require.Equal(t, 200, r.status)
	var got []string
	var attrs []map[string]string
	dec := json.NewDecoder(bytes.NewReader(r.body))
	for dec.More() {
		var e struct {
			Action, ID string
			Actor      struct{ Attributes map[string]string }
		}
		require.NoError(t, dec.Decode(&e))
		got = append(got, e.Action+" "+e.ID)
		attrs = append(attrs, e.Actor.Attributes)
	}
	// the LABEL step's image goes with it (prune), with a delete of its own
	assert.Equal(t, []string{"untag " + im.Id, "delete " + im.Id, "delete " + parent}, got)
	// the untagged image still exists: its labels come with the event
	assert.Equal(t, []map[string]string{{"name": im.Id, "team": "a"}, {"name": im.Id}, {"name": parent}}, attrs)
}

// TestLastTagTime: as in dockerd, tagging an image (a tag, a commit or an
// import given a tag) records the time in Metadata.LastTagTime and sends
// a tag event; an image never tagged so has the zero time. (And an
// import's image records what dockerd's does.)
func TestLastTagTime(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	lastTag := func(name string) string {
		var im struct{ Metadata struct{ LastTagTime string } }
		r := c.do("GET", "/v1.41/images/"+name+"/json", nil)
		require.Equal(t, 200, r.status, "%s: %s", name, r.body)
		require.NoError(t, json.Unmarshal(r.body, &im))
		return im.Metadata.LastTagTime
	}
	const zero = "0001-01-01T00:00:00Z"
	require.Equal(t, zero, lastTag("busybox"), "the seeded image was never tagged by the daemon")

	require.Equal(t, 201, c.do("POST", "/v1.41/images/busybox/tag?repo=again&tag=1", nil).status)
	assert.NotEqual(t, zero, lastTag("again:1"))

	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	require.Equal(t, 201, c.do("POST", "/v1.41/commit?container="+id+"&repo=committed&tag=1", nil).status)
	assert.NotEqual(t, zero, lastTag("committed:1"))

	req, err := http.NewRequestWithContext(t.Context(), "POST", "http://docker/v1.41/images/create?fromSrc=-&repo=imported&tag=1&changes="+url.QueryEscape("ENV IMPORTED=1"), bytes.NewReader(tarOf(t, map[string]string{"f": "x"})))
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.NotEqual(t, zero, lastTag("imported:1"))

	// an import's changes go to Config only; the daemon writes its version
	var imported struct {
		DockerVersion           string
		Config, ContainerConfig struct{ Env []string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/imported:1/json", nil).body, &imported))
	assert.Equal(t, []string{"IMPORTED=1"}, imported.Config.Env)
	assert.Nil(t, imported.ContainerConfig.Env)
	assert.NotEmpty(t, imported.DockerVersion)

	r := c.do("GET", `/v1.41/events?since=0&until=`+untilNow()+`&filters={"type":["image"],"event":["tag"]}`, nil)
	require.Equal(t, 200, r.status)
	var names []string
	dec := json.NewDecoder(bytes.NewReader(r.body))
	for dec.More() {
		var e struct {
			Actor struct{ Attributes map[string]string }
		}
		require.NoError(t, dec.Decode(&e))
		names = append(names, e.Actor.Attributes["name"])
	}
	assert.Equal(t, []string{"again:1", "committed:1", "imported:1"}, names)
}

// TestCommitRecord: a commit's image is, as dockerd's, a child of the
// container's image: its layers and one of the container's changes (none
// when it changed nothing: an empty step), the container, its config
// (hostname, image, command) in ContainerConfig and Config, the daemon's
// version, and the Cmd as the history step.
func TestCommitRecord(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{ServerVersion: "20.10.99"})
	type record struct {
		Id, Parent, Container, DockerVersion string
		ContainerConfig, Config              struct {
			Hostname, Image string
			Cmd             []string
		}
		RootFS struct{ Layers []string }
	}
	inspect := func(name string) record {
		var im record
		r := c.do("GET", "/v1.41/images/"+name+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &im))
		return im
	}
	base := inspect("busybox")

	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo committed > /marker"}})
	r := c.do("POST", "/v1.41/commit?container="+id+"&repo=rec&tag=1", map[string]any{"Cmd": []string{"cat", "/marker"}})
	require.Equal(t, 201, r.status, "%s", r.body)
	im := inspect("rec:1")
	assert.Equal(t, base.Id, im.Parent)
	assert.Equal(t, id, im.Container)
	assert.Equal(t, "20.10.99", im.DockerVersion)
	assert.Equal(t, id[:12], im.ContainerConfig.Hostname)
	assert.Equal(t, "busybox", im.ContainerConfig.Image)
	assert.Equal(t, []string{"sh", "-c", "echo committed > /marker"}, im.ContainerConfig.Cmd)
	assert.Equal(t, id[:12], im.Config.Hostname)
	assert.Equal(t, "busybox", im.Config.Image)
	assert.Equal(t, []string{"cat", "/marker"}, im.Config.Cmd, "the body's Cmd")
	if assert.Len(t, im.RootFS.Layers, len(base.RootFS.Layers)+1) {
		assert.Equal(t, base.RootFS.Layers, im.RootFS.Layers[:len(base.RootFS.Layers)])
	}
	var hist []struct {
		CreatedBy string
		Size      int64
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/rec:1/history", nil).body, &hist))
	assert.Equal(t, "sh -c echo committed > /marker", hist[0].CreatedBy)
	assert.Equal(t, int64(len("committed\n")), hist[0].Size, "the layer holds /marker only")

	// a container that changed nothing: no layer of its own
	id = c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	require.Equal(t, 201, c.do("POST", "/v1.41/commit?container="+id+"&repo=rec&tag=2", nil).status)
	assert.Equal(t, base.RootFS.Layers, inspect("rec:2").RootFS.Layers)
	out, _ := readFrames(t, c.do("GET", "/containers/"+c.runWait(map[string]any{"Image": "rec:1"})+"/logs?stdout=1", nil).body)
	assert.Equal(t, "committed\n", out, "the committed image runs with its files")
}

// TestCommitChangesLikeABuild: the changes of a commit (and of an import)
// are dispatched as dockerd's BuildFromConfig dispatches them: one
// Dockerfile whose variables expand over the config's Env (moby's
// TestCommitInheritsEnv), a WORKDIR relative to the one before, an
// ENTRYPOINT that clears a Cmd no CMD change set, continuation lines
// across changes, and only the commit instructions.
func TestCommitChangesLikeABuild(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type config struct {
		Env, Cmd, Entrypoint []string
		WorkingDir, User     string
		ExposedPorts         map[string]struct{}
		Labels               map[string]string
	}
	commit := func(id string, changes ...string) config {
		t.Helper()
		q := url.Values{"container": {id}, "changes": changes}
		r := c.do("POST", "/v1.41/commit?"+q.Encode(), nil)
		require.Equal(t, 201, r.status, "%s", r.body)
		var created struct{ Id string }
		require.NoError(t, json.Unmarshal(r.body, &created))
		var im struct{ Config config }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/"+created.Id+"/json", nil).body, &im))
		return im.Config
	}
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "Env": []string{"PATH=/bin", "PORT=80"}, "WorkingDir": "/tmp"})
	cfg := commit(id, "ENV PATH=/usr/bin:$PATH", "WORKDIR sub", "EXPOSE $PORT", "LABEL port=${PORT} x=${NONE:-d}")
	assert.Contains(t, cfg.Env, "PATH=/usr/bin:/bin")
	assert.Equal(t, "/tmp/sub", cfg.WorkingDir)
	assert.Equal(t, map[string]struct{}{"80/tcp": {}}, cfg.ExposedPorts)
	assert.Equal(t, map[string]string{"port": "80", "x": "d"}, cfg.Labels)

	cfg = commit(id, `ENTRYPOINT ["/bin/echo"]`)
	assert.Equal(t, []string{"/bin/echo"}, cfg.Entrypoint)
	assert.Nil(t, cfg.Cmd, "an ENTRYPOINT without a CMD clears Cmd")
	cfg = commit(id, "CMD echo hi", "ENTRYPOINT /bin/echo $PORT")
	assert.Equal(t, []string{"/bin/sh", "-c", "echo hi"}, cfg.Cmd)
	assert.Equal(t, []string{"/bin/sh", "-c", "/bin/echo $PORT"}, cfg.Entrypoint, "a command is not expanded")
	cfg = commit(id, `ENV A=1 \`, "  B=2", "USER ${A}:${B}")
	assert.Subset(t, cfg.Env, []string{"A=1", "B=2"})
	assert.Equal(t, "1:2", cfg.User)

	for change, want := range map[string]string{
		"RUN true":   "run is not a valid change command",
		"FROM x":     "from is not a valid change command",
		"ENV":        "ENV requires at least one argument",
		"ENV A=${B":  "missing ':' in substitution",
		"EXPOSE abc": "Invalid containerPort: abc",
	} {
		r := c.do("POST", "/v1.41/commit?"+url.Values{"container": {id}, "changes": {change}}.Encode(), nil)
		assert.Equal(t, 400, r.status, "%s: %s", change, r.body)
		assert.Contains(t, string(r.body), want, change)
	}
}

// TestDigestAlgorithmIsNoName: dockerd's reference store refuses the
// repository "sha256" (moby's TestTagUsingDigestAlgorithmAsName) wherever
// a name is added: a tag, a commit and an import refuse it with 400, and
// the image a commit made stays, dangling; "sha512" is a name.
func TestDigestAlgorithmIsNoName(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	const refusal = "refusing to create an ambiguous tag using digest algorithm as name"
	for _, repo := range []string{"sha256&tag=x", "sha256", "sha256:x", "docker.io/library/sha256"} {
		r := c.do("POST", "/v1.41/images/busybox/tag?repo="+repo, nil)
		assert.Equal(t, 400, r.status, repo)
		assert.Equal(t, refusal, r.message(), repo)
	}
	assert.Equal(t, 201, c.do("POST", "/v1.41/images/busybox/tag?repo=sha512&tag=x", nil).status)

	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "Labels": map[string]string{"k": "commit"}})
	r := c.do("POST", "/v1.41/commit?container="+id+"&repo=sha256&tag=c", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, refusal, r.message())
	var dangling []struct{ Labels map[string]string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/json?filters="+url.QueryEscape(`{"dangling":["true"]}`), nil).body, &dangling))
	if assert.Len(t, dangling, 1, "the committed image stays") {
		assert.Equal(t, "commit", dangling[0].Labels["k"])
	}
	r = c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=sha256&tag=i", tarOf(t, map[string]string{"f": "x"}))
	assert.Equal(t, 400, r.status)
	assert.Equal(t, refusal, r.message())
}

// TestPullStatusTellsUpdate: a pull ends as dockerd's does — "Downloaded
// newer image" when the pulled reference named no image, or another one,
// before; "Image is up to date" when it already named that image.
func TestPullStatusTellsUpdate(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Registries: map[string]mockdaemon.Credentials{"127.0.0.1:5998": {}}})
	status := func(path string) string {
		r := c.do("POST", path, nil)
		require.Equal(t, 200, r.status, "%s: %s", path, r.body)
		lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
		return lines[len(lines)-1]
	}
	require.Equal(t, 201, c.do("POST", "/v1.41/images/busybox:latest/tag?repo=127.0.0.1:5998/bb&tag=v1", nil).status)
	require.Equal(t, 200, c.do("POST", "/v1.41/images/127.0.0.1:5998/bb/push?tag=v1", map[string]string{}).status)
	assert.Equal(t, `{"status":"Status: Image is up to date for 127.0.0.1:5998/bb:v1"}`, status("/v1.41/images/create?fromImage=127.0.0.1:5998/bb&tag=v1"), "the tag names the image already")
	require.Equal(t, 200, c.do("DELETE", "/v1.41/images/127.0.0.1:5998/bb:v1", nil).status)
	assert.Equal(t, `{"status":"Status: Downloaded newer image for 127.0.0.1:5998/bb:v1"}`, status("/v1.41/images/create?fromImage=127.0.0.1:5998/bb&tag=v1"), "the tag was gone")
	assert.Equal(t, `{"status":"Status: Image is up to date for 127.0.0.1:5998/bb:v1"}`, status("/v1.41/images/create?fromImage=127.0.0.1:5998/bb&tag=v1"), "pulled again")
	require.Equal(t, 200, c.do("DELETE", "/v1.41/images/busybox:latest", nil).status)
	assert.Equal(t, `{"status":"Status: Downloaded newer image for busybox:latest"}`, status("/v1.41/images/create?fromImage=busybox&tag=latest"), "a removed image comes back")
}

// TestImageDeleteAsDockerd: DELETE /images follows dockerd's ImageDelete:
// an image given by id with references in two repositories is kept
// unless forced; the last reference of an image a stopped container uses
// is kept unless forced, and forced, the image goes with it (a stopped
// container is a soft conflict); by id, the stopped container holds the
// image unless forced.
func TestImageDeleteAsDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	req, err := http.NewRequestWithContext(t.Context(), "POST", "http://docker/v1.41/images/create?fromSrc=-&repo=del&tag=a", bytes.NewReader(tarOf(t, map[string]string{"f": "x"})))
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	var st struct{ Status string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	resp.Body.Close()
	id := st.Status
	require.Equal(t, 201, c.do("POST", "/v1.41/images/del:a/tag?repo=del-x&tag=c", nil).status)

	r := c.do("DELETE", "/v1.41/images/"+id, nil)
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "conflict: unable to delete "+id[7:19]+" (must be forced) - image is referenced in multiple repositories", r.message())

	cid := c.create("deluser", map[string]any{"Image": "del:a", "Cmd": []string{"true"}})
	r = c.do("DELETE", "/v1.41/images/del:a", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.JSONEq(t, `[{"Untagged":"del:a"}]`, string(r.body))
	r = c.do("DELETE", "/v1.41/images/del-x:c", nil)
	assert.Equal(t, 409, r.status)
	assert.Equal(t, `conflict: unable to remove repository reference "del-x:c" (must force) - container `+cid[:12]+` is using its referenced image `+id[7:19], r.message())
	r = c.do("DELETE", "/v1.41/images/"+id, nil)
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "conflict: unable to delete "+id[7:19]+" (must be forced) - image is being used by stopped container "+cid[:12], r.message())

	r = c.do("DELETE", "/v1.41/images/del-x:c?force=1", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var recs []map[string]string
	require.NoError(t, json.Unmarshal(r.body, &recs))
	assert.Equal(t, []map[string]string{{"Untagged": "del-x:c"}, {"Deleted": id}}, recs,
		"forced, the image goes though a stopped container uses it; its layer stays under the container")
	assert.Equal(t, 404, c.do("GET", "/v1.41/images/"+id+"/json", nil).status)
}

// TestImageListWhileUntagging: an answer is a snapshot of the engine's
// state. The image list encoded an image's tags after it let go of the
// engine lock while an untag deleted from that slice in place: a data
// race the race detector found in the differential self-check (run it
// with -race).
func TestImageListWhileUntagging(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			tag := fmt.Sprintf("busybox:t%d", i%4)
			c.do("POST", "/v1.41/images/busybox/tag?repo=busybox&tag=t"+strconv.Itoa(i%4), nil)
			c.do("DELETE", "/v1.41/images/"+tag, nil)
		}
	}()
	lists := 0
	for {
		select {
		case <-done:
			assert.Positive(t, lists)
			return
		default:
		}
		r := c.do("GET", "/v1.41/images/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var imgs []struct{ RepoTags []string }
		require.NoError(t, json.Unmarshal(r.body, &imgs))
		require.NotEmpty(t, imgs)
		lists++
	}
}
