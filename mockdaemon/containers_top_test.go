package mockdaemon_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestTopPsArgsLikeDockerd: top runs ps with ps_args as dockerd does: the
// titles are those procps prints for the arguments (as dockerd 20.10
// answered with `sleep 30`), a row splits at blanks with the rest in the
// last column, and arguments ps refuses or a format without PID are a 500.
func TestTopPsArgsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("dwtop", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "30"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	type top struct {
		Titles    []string
		Processes [][]string
	}
	get := func(args string) (top, reply) {
		r := c.do("GET", "/v1.41/containers/"+id+"/top?ps_args="+url.QueryEscape(args), nil)
		var tp top
		if r.status == 200 {
			require.NoError(t, json.Unmarshal(r.body, &tp))
		}
		return tp, r
	}
	for args, titles := range map[string][]string{
		"":              {"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"},
		"-ef":           {"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"},
		"-f":            {"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"},
		"waux":          {"USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"},
		"aux":           {"USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"},
		"u":             {"USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"},
		"ax":            {"PID", "TTY", "STAT", "TIME", "COMMAND"},
		"x":             {"PID", "TTY", "STAT", "TIME", "COMMAND"},
		"-e":            {"PID", "TTY", "TIME", "CMD"},
		"-A":            {"PID", "TTY", "TIME", "CMD"},
		"-l":            {"F", "S", "UID", "PID", "PPID", "C", "PRI", "NI", "ADDR", "SZ", "WCHAN", "TTY", "TIME", "CMD"},
		"-o pid,comm":   {"PID", "COMMAND"},
		"-eo pid,comm":  {"PID", "COMMAND"},
		"o pid,user":    {"PID", "USER"},
		"-o pid,comm=N": {"PID", "N"},
	} {
		tp, r := get(args)
		require.Equal(t, 200, r.status, "%q: %s", args, r.body)
		assert.Equal(t, titles, tp.Titles, "%q", args)
		require.Len(t, tp.Processes, 1, "%q", args)
		assert.Len(t, tp.Processes[0], len(titles), "%q", args)
	}
	tp, _ := get("waux")
	assert.Equal(t, "sleep 30", tp.Processes[0][10])
	tp, _ = get("-o pid,args,user")
	assert.Equal(t, []string{"sleep", "30 root"}, tp.Processes[0][1:], "a command in the middle splits, as dockerd's parser splits ps's line")
	tp, _ = get("-o pid,comm")
	assert.Equal(t, "sleep", tp.Processes[0][1])
	for args, msg := range map[string]string{"-o comm": "Couldn't find PID field in ps output", "-nope": "ps: error: unsupported SysV option"} {
		_, r := get(args)
		assert.Equal(t, 500, r.status, "%q: %s", args, r.body)
		assert.Equal(t, msg, r.message(), "%q", args)
	}
}

// TestTopEmitsEvent: a top that answers logs a container "top" event, as
// dockerd's ContainerTop does; one that ps refuses logs none.
func TestTopEmitsEvent(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("dwtopev", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "30"}, "Labels": map[string]string{"k": "v"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	require.Equal(t, 200, c.do("GET", "/v1.41/containers/"+id+"/top", nil).status)
	require.Equal(t, 500, c.do("GET", "/v1.41/containers/"+id+"/top?ps_args=--no-such-option", nil).status)
	tops := c.pastEvents(`{"event":["top"]}`)
	require.Len(t, tops, 1, "one top event: %v", tops)
	assert.Equal(t, "container", tops[0]["Type"])
	assert.Equal(t, id, tops[0]["id"])
	actor, _ := tops[0]["Actor"].(map[string]any)
	attrs, _ := actor["Attributes"].(map[string]any)
	assert.Equal(t, map[string]any{"image": "busybox", "name": "dwtopev", "k": "v"}, attrs, "the container's attributes")
}
