package mockdaemon_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestLogsNewestOutputPastTheBound: a container writes ten times what its
// log keeps (Config.MaxLogBytes); logs give the newest output, whole
// lines in order up to the last, and tail and since select from it.
func TestLogsNewestOutputPastTheBound(t *testing.T) {
	const bound = 64 << 10
	_, c := newClient(t, mockdaemon.Config{MaxLogBytes: bound})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"seq", "1", "100000"}}) // 589 KB
	logs := func(query string) []string {
		t.Helper()
		r := c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&"+query, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		out, _ := readFrames(t, r.body)
		return strings.SplitAfter(out, "\n")[:strings.Count(out, "\n")]
	}

	all := logs("")
	require.NotEmpty(t, all)
	assert.Less(t, len(strings.Join(all, "")), bound, "what logs keep")
	first, err := strconv.Atoi(strings.TrimSpace(all[0]))
	require.NoError(t, err, "the oldest line kept is whole: %q", all[0])
	assert.Greater(t, first, 1, "the oldest output was dropped")
	for i, line := range all {
		require.Equal(t, strconv.Itoa(first+i)+"\n", line, "line %d", i)
	}
	assert.Equal(t, "100000\n", all[len(all)-1])

	assert.Equal(t, []string{"99998\n", "99999\n", "100000\n"}, logs("tail=3"))

	stamped := logs("tail=5&timestamps=1")
	require.Len(t, stamped, 5)
	ts, _, _ := strings.Cut(stamped[2], " ")
	since, err := time.Parse(time.RFC3339Nano, ts)
	require.NoError(t, err)
	got := logs(fmt.Sprintf("timestamps=1&since=%d.%09d", since.Unix(), since.Nanosecond()))
	require.GreaterOrEqual(t, len(got), 3, "since the third last line")
	assert.Equal(t, stamped[2:], got[len(got)-3:])
	for _, line := range got {
		ts, _, _ := strings.Cut(line, " ")
		at, err := time.Parse(time.RFC3339Nano, ts)
		require.NoError(t, err)
		assert.False(t, at.Before(since), "%q is older than since", line)
	}
}

// TestLogsDetails: logs?details=1 puts before each line the attributes
// dockerd's json-file logger records — the labels and variables its
// log-opts name, sorted by key, query-escaped — and a space (only the
// space when there are none), after the timestamp.
func TestLogsDetails(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{
		"Image": "busybox", "Cmd": []string{"echo", "line"},
		"Labels": map[string]string{"dept": "x y", "other": "o", "team.a": "t"},
		"Env":    []string{"ENVK=e1", "SKIP=s"},
		"HostConfig": map[string]any{"LogConfig": map[string]any{"Type": "json-file", "Config": map[string]string{
			"labels": "dept,nosuch", "labels-regex": "^team", "env": "ENVK",
		}}},
	})
	logs := func(id, query string) string {
		r := c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&"+query, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		out, _ := readFrames(t, r.body)
		return out
	}
	assert.Equal(t, "ENVK=e1,dept=x+y,team.a=t line\n", logs(id, "details=1"))
	assert.Equal(t, "line\n", logs(id, ""), "without details")
	ts := logs(id, "details=1&timestamps=1")
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT[\d:.]+Z ENVK=e1,dept=x\+y,team.a=t line\n$`, ts, "the timestamp first")
	plain := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"echo", "line"}})
	assert.Equal(t, " line\n", logs(plain, "details=1"), "no attributes: the space alone")
}

// TestLogsTailCountsBothStreams: as dockerd's log reader, tail takes the
// last lines of the whole log before the streams are picked: with "out"
// then "err" logged, stdout with tail=1 is empty and tail=2 is "out".
func TestLogsTailCountsBothStreams(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo out; echo err >&2"}})
	for tail, want := range map[string]string{"1": "", "2": "out\n", "all": "out\n"} {
		r := c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=0&tail="+tail, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		out, errOut := readFrames(t, r.body)
		assert.Equal(t, want, out, "tail=%s", tail)
		assert.Empty(t, errOut, "tail=%s", tail)
	}
}
