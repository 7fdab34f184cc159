package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestSaveMissingImageLikeDockerd: at API 1.41, saving a name that is not
// there is dockerd 20.10's 404 of its reference store when the name has a
// tag ("reference does not exist"), and of its image store when it is a
// bare name ("No such image: <name>", which docker-py turns into
// ImageNotFound).
func TestSaveMissingImageLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for name, want := range map[string]string{
		"nosuchx":           "No such image: nosuchx",
		"nosuchx:latest":    "reference does not exist",
		"busybox:nosuchtag": "reference does not exist",
		"nosuch/x:1":        "reference does not exist",
		"127.0.0.1:9/x":     "No such image: 127.0.0.1:9/x",
	} {
		r := c.do("GET", "/v1.41/images/"+name+"/get", nil)
		assert.Equal(t, 404, r.status, "%s: %s", name, r.body)
		assert.Equal(t, want, r.message(), name)
		r = c.do("GET", "/v1.41/images/get?names="+url.QueryEscape(name)+"&names=busybox", nil)
		assert.Equal(t, 404, r.status, "%s: %s", name, r.body)
		assert.Equal(t, want, r.message(), name)
	}
}

// TestSaveBadReference: a name that is no reference is the exporter's
// reference.ParseIDOrReference error, untyped: a 500.
func TestSaveBadReference(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for name, want := range map[string]string{
		"Bad:Ref": "invalid reference format: repository name must be lowercase",
		"a@b":     "invalid reference format",
	} {
		r := c.do("GET", "/v1.41/images/get?names="+url.QueryEscape(name), nil)
		assert.Equal(t, 500, r.status, "%s: %s", name, r.body)
		assert.Equal(t, want, r.message(), name)
	}
}

// TestSaveRepositoryName: a save of a repository's name alone (no tag)
// holds every image its tags name, with those tags, as dockerd's
// exporter saves it.
func TestSaveRepositoryName(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=saverepo&tag=s1", tarOf(t, map[string]string{"f": "x"}))
	require.Equal(t, 200, r.status, "%s", r.body)
	require.Equal(t, 201, c.do("POST", "/v1.41/images/saverepo:s1/tag?repo=saverepo&tag=s2", nil).status)
	require.Equal(t, 201, c.do("POST", "/v1.41/images/busybox/tag?repo=saverepo&tag=s3", nil).status)
	r = c.do("GET", "/v1.41/images/get?names=saverepo", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var manifest []struct{ RepoTags []string }
	tr := tar.NewReader(bytes.NewReader(r.body))
	for {
		hdr, err := tr.Next()
		require.NoError(t, err, "no manifest.json")
		if hdr.Name == "manifest.json" {
			require.NoError(t, json.NewDecoder(tr).Decode(&manifest))
			break
		}
	}
	var tags [][]string
	for _, m := range manifest {
		tags = append(tags, m.RepoTags)
	}
	assert.ElementsMatch(t, [][]string{{"saverepo:s1", "saverepo:s2"}, {"saverepo:s3"}}, tags)
	assert.Equal(t, 404, c.do("GET", "/v1.41/images/get?names=nosuchrepo", nil).status)
}

// TestImportTagFormat: an import's tag is checked apart from its
// repository, as dockerd's reference.WithTag does.
func TestImportTagFormat(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=tagfmt&tag=Bad:Tag", tarOf(t, map[string]string{"f": "x"}))
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "invalid tag format", r.message())
	r = c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=tagfmt:old&tag=new", tarOf(t, map[string]string{"f": "x"}))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/tagfmt:new/json", nil).status, "the tag replaces the repository's")
}

// TestSearchUnreachableRegistry: a search on a registry that does not
// answer fails as dockerd 20.10's v1 endpoint check: HTTPS, then HTTP
// for a loopback (insecure) registry.
func TestSearchUnreachableRegistry(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/v1.41/images/search?term=127.0.0.1:9/x", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, `invalid registry endpoint "http://127.0.0.1:9/v1/". HTTPS attempt: Get "https://127.0.0.1:9/v1/_ping": dial tcp 127.0.0.1:9: connect: connection refused. HTTP attempt: Get "http://127.0.0.1:9/v1/_ping": dial tcp 127.0.0.1:9: connect: connection refused`, r.message())
}

// TestSaveLegacyLayout: at API 1.41 a save is dockerd 20.10's legacy
// layout (a directory per layer by its v1 id with VERSION, json and
// layer.tar, a layer two images share written once and then linked, the
// config as <id>.json, manifest.json, repositories naming the top
// layer), which a load reads back; from 1.44 it is the OCI layout.
func TestSaveLegacyLayout(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.build("legacy:child", "FROM busybox\nRUN echo hi > /hi\n")
	r := c.do("GET", "/v1.41/images/get?names=busybox:latest&names=legacy:child", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var names []string
	files := map[string][]byte{}
	var links []string
	tr := tar.NewReader(bytes.NewReader(r.body))
	for {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, hdr.Name)
		if hdr.Typeflag == tar.TypeSymlink {
			links = append(links, hdr.Linkname)
		}
		b, _ := io.ReadAll(tr)
		files[hdr.Name] = b
	}
	assert.IsNonDecreasing(t, names, "the order of the directory dockerd tars")
	assert.NotContains(t, names, "index.json")
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	require.NoError(t, json.Unmarshal(files["manifest.json"], &manifest))
	require.Len(t, manifest, 2)
	assert.Equal(t, []string{"busybox:latest"}, manifest[0].RepoTags)
	require.Len(t, manifest[1].Layers, 2)
	assert.NotEqual(t, manifest[0].Layers[0], manifest[1].Layers[0], "a top layer's v1 id has its image's config, a lower one's none")
	for _, l := range manifest[1].Layers {
		assert.Equal(t, "1.0", string(files[path.Dir(l)+"/VERSION"]), l)
		assert.Contains(t, names, path.Dir(l)+"/json")
	}
	var v1 struct{ ID, Parent string }
	require.NoError(t, json.Unmarshal(files[path.Dir(manifest[1].Layers[1])+"/json"], &v1))
	assert.Equal(t, path.Dir(manifest[1].Layers[1]), v1.ID)
	assert.Equal(t, path.Dir(manifest[1].Layers[0]), v1.Parent)
	var repos map[string]map[string]string
	require.NoError(t, json.Unmarshal(files["repositories"], &repos))
	assert.Equal(t, path.Dir(manifest[1].Layers[1]), repos["legacy"]["child"])
	assert.Equal(t, []string{"../" + manifest[0].Layers[0]}, links, "the shared layer is written once, then linked")

	_, c2 := newClient(t, mockdaemon.Config{Images: []string{}})
	r2 := c2.sendTar("POST", "/v1.41/images/load", r.body)
	require.Equal(t, 200, r2.status)
	assert.Contains(t, string(r2.body), "Loaded image: legacy:child", "%s", r2.body)
	assert.Equal(t, 200, c2.do("GET", "/v1.41/images/legacy:child/json", nil).status)

	r = c.do("GET", "/v1.44/images/get?names=legacy:child", nil)
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), "index.json", "the OCI layout from 1.44")
}
