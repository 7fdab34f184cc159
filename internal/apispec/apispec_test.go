package apispec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTable(t *testing.T) {
	ops, err := parse(table)
	require.NoError(t, err)
	// v1.56 has 108 operations (the Engine API's operations.txt).
	assert.Len(t, ops, 108)
	methods := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true}
	for _, o := range ops {
		assert.True(t, methods[o.Method], "%s: method %q", o.ID, o.Method)
		assert.Regexp(t, `^/[a-z_]`, o.Route, o.ID)
		for _, p := range o.Params() {
			assert.Contains(t, []string{"id", "name"}, p, "%s: parameter %q", o.ID, p)
		}
	}
	stop, ok := Lookup("ContainerStop")
	require.True(t, ok)
	assert.Equal(t, Operation{ID: "ContainerStop", Group: "Container", Method: "POST", Route: "/containers/{id}/stop"}, stop)
	assert.Equal(t, []string{"id"}, stop.Params())
	att, _ := Lookup("ImageAttestations")
	assert.Equal(t, 55, att.MinMinor)
	_, ok = Lookup("NoSuchOperation")
	assert.False(t, ok)
}

func TestParseRefuses(t *testing.T) {
	for _, bad := range []string{
		"Container GET /containers/json",
		"Container GET /containers/json ContainerList 1.x",
		"Container GET /containers/json ContainerList 1.20",
		"Container GET /a A\nContainer GET /b A",
	} {
		_, err := parse(bad)
		assert.Error(t, err, bad)
	}
}
