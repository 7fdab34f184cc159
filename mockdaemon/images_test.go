package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestHistoryShowsAncestors: an image's history names, like dockerd's, the
// images still in the store that its steps end (the image itself, the one
// it was built from, and so on) and "<missing>" for the others, and
// spreads an image's size over its non-empty steps.
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
	named := map[int]string{1: a, 3: base}
	for i, e := range h[1:] {
		i++
		if want, ok := named[i]; ok {
			assert.Equal(t, want, e.ID, "entry %d (%s)", i, e.CreatedBy)
		} else {
			assert.Equal(t, "<missing>", e.ID, "entry %d (%s)", i, e.CreatedBy)
		}
	}
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
