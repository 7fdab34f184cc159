package mockdaemon_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

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
