package mockdaemon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestServiceTaskContainerName: a task's container is named
// <service>.<slot>.<task id> whatever characters the service name holds;
// one that is not a valid container name rejects the task (the name went
// into a URL unescaped: "a#b" made a container called "a", "a%zz" one
// with a random name).
func TestServiceTaskContainerName(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.56/swarm/init", map[string]any{}).status)
	for _, name := range []string{"a#b", "a%zz", "a&b=c"} {
		r := c.do("POST", "/v1.56/services/create", map[string]any{"Name": name, "TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sleep", "10"}}}})
		require.Equal(t, 201, r.status, "%s: %s", name, r.body)
		var svc struct{ ID string }
		require.NoError(t, json.Unmarshal(r.body, &svc))
		var tasks []struct {
			ID     string
			Status struct{ State, Err string }
		}
		require.NoError(t, json.Unmarshal(c.do("GET", `/v1.56/tasks?filters={"service":["`+svc.ID+`"]}`, nil).body, &tasks))
		require.Len(t, tasks, 1, name)
		assert.Equal(t, "rejected", tasks[0].Status.State, name)
		assert.Equal(t, "Invalid container name ("+name+".1."+tasks[0].ID+"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", tasks[0].Status.Err, name)
	}
	var all []struct{ Names []string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/json?all=1", nil).body, &all))
	for _, ct := range all {
		assert.False(t, strings.HasPrefix(ct.Names[0], "/a"), "container %v made for a rejected task", ct.Names)
	}
}
