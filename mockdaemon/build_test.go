package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestBuildWordsForms: VOLUME and EXPOSE take words or a JSON array, and
// EXPOSE ranges and protocols expand like go-connections' ParsePortSpecs.
func TestBuildWordsForms(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name, df     string
		vols, expose []string
	}{
		{"shell form words", "VOLUME /data /cache\nEXPOSE 80 53/udp", []string{"/cache", "/data"}, []string{"53/udp", "80/tcp"}},
		{"json array", "VOLUME [\"/a b\", \"/c\"]\nEXPOSE 8000-8002/TCP", []string{"/a b", "/c"}, []string{"8000/tcp", "8001/tcp", "8002/tcp"}},
	} {
		c.build("words:v1", "FROM busybox\n"+tc.df+"\n")
		var im struct {
			Config struct {
				Volumes, ExposedPorts map[string]struct{}
			}
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/images/words:v1/json", nil).body, &im), tc.name)
		assert.Equal(t, tc.vols, slices.Sorted(maps.Keys(im.Config.Volumes)), tc.name)
		assert.Equal(t, tc.expose, slices.Sorted(maps.Keys(im.Config.ExposedPorts)), tc.name)
	}
}

// TestBuildCopyDestinations: COPY's destination is a directory when it
// ends in / (or is . under WORKDIR, which exists), an existing directory
// receives the file, and a relative one is under WORKDIR, as with dockerd
// 20.10; "/e/." is cleaned to the file /e.
func TestBuildCopyDestinations(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		name, dockerfile, want string
	}{
		{"dot under workdir", "FROM busybox\nWORKDIR /app\nCOPY hello.txt .\nCMD [\"cat\", \"/app/hello.txt\"]\n", "hi\n"},
		{"dir with slash", "FROM busybox\nCOPY hello.txt /d/\nCMD [\"cat\", \"/d/hello.txt\"]\n", "hi\n"},
		{"existing dir", "FROM busybox\nCOPY hello.txt /tmp\nCMD [\"cat\", \"/tmp/hello.txt\"]\n", "hi\n"},
		{"slash dot", "FROM busybox\nCOPY hello.txt /e/.\nCMD [\"cat\", \"/e\"]\n", "hi\n"},
		{"new file name", "FROM busybox\nCOPY hello.txt /f.txt\nCMD [\"cat\", \"/f.txt\"]\n", "hi\n"},
		{"relative file", "FROM busybox\nWORKDIR /w\nCOPY hello.txt g.txt\nCMD [\"cat\", \"/w/g.txt\"]\n", "hi\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := c.buildAndRun("copy"+strconv.Itoa(i)+":t", tt.dockerfile)
			require.True(t, ok, "build failed: %s", out)
			assert.Equal(t, tt.want, out)
		})
	}
}

// TestBuildCopyLabelsAndFailure: a build copies its context, takes ARG,
// LABEL, ENV, WORKDIR and CMD and the labels parameter into the image,
// answers the image id in an aux message, and a failing RUN ends the
// stream with an errorDetail.
func TestBuildCopyLabelsAndFailure(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	body := c.buildStream("t=built:v1&labels="+`{"extra":"1"}`, map[string]string{
		"Dockerfile": "FROM busybox\nARG GREETING=unset\nLABEL stage=test\nCOPY . /ctx/\nENV BUILT=yes\nWORKDIR /ctx\nCMD [\"cat\", \"file.txt\"]\n",
		"file.txt":   "copied\n",
	})
	require.Contains(t, body, `"aux":{"ID":"sha256:`)
	require.Contains(t, body, "Successfully tagged built:v1")
	var im struct {
		Config struct {
			Labels     map[string]string
			WorkingDir string
			Cmd        []string
			Env        []string
		}
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/images/built:v1/json", nil).body, &im))
	assert.Equal(t, "test", im.Config.Labels["stage"])
	assert.Equal(t, "1", im.Config.Labels["extra"])
	assert.Equal(t, "/ctx", im.Config.WorkingDir)
	assert.Equal(t, []string{"cat", "file.txt"}, im.Config.Cmd)
	assert.Contains(t, im.Config.Env, "BUILT=yes")

	id := c.runWait(map[string]any{"Image": "built:v1"})
	out, _ := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1", nil).body)
	assert.Equal(t, "copied\n", out, "the built image ran")

	body = c.buildStream("", map[string]string{"Dockerfile": "FROM busybox\nRUN exit 9\n"})
	assert.Contains(t, body, `"errorDetail"`)
	assert.Contains(t, body, "returned a non-zero code: 9")
}

// buildRaw posts a build context as it is (maybe compressed) at API
// version ver and returns the answer.
func buildRaw(t *testing.T, c *client, ver, query string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", "http://docker/v"+ver+"/build?"+query, bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, resp.Header, b}
}

// buildRecord is one record of a build's stream.
type buildRecord struct {
	Stream      string `json:"stream"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux *struct{ ID string } `json:"aux"`
}

// records splits a build stream into its records; each must end in
// "\r\n" as dockerd's do.
func records(t *testing.T, body []byte) []buildRecord {
	t.Helper()
	var out []buildRecord
	for _, line := range strings.SplitAfter(string(body), "\n") {
		if line == "" {
			continue
		}
		require.True(t, strings.HasSuffix(line, "\r\n"), "record %q does not end in CRLF", line)
		var r buildRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r), "record %q", line)
		out = append(out, r)
	}
	return out
}

// streamText joins the stream records.
func streamText(recs []buildRecord) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(r.Stream)
	}
	return b.String()
}

var shortIDs = regexp.MustCompile(`\b[0-9a-f]{12}\b`)

// TestBuildStreamFormat: the stream has dockerd 20.10's classic builder
// records, split as it splits them: "Step N/M : " and its newline apart,
// " ---> Running in", the RUN's output (stderr in red), "Removing
// intermediate container", " ---> <id>" after each step, an aux record
// with the image of each stage, the LABEL steps of labels=, then
// "Successfully built" and "Successfully tagged".
func TestBuildStreamFormat(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	df := "FROM busybox AS one\nRUN echo out; echo err >&2\nENV A=1\nFROM one\nCOPY hello.txt /\n"
	r := buildRaw(t, c, "1.41", `t=fmt:1&labels={"b":"2","a":"1"}`, tarOf(t, map[string]string{"Dockerfile": df, "hello.txt": "hi\n"}))
	require.Equal(t, 200, r.status, "%s", r.body)
	recs := records(t, r.body)
	var got []string
	for _, rec := range recs {
		if rec.Aux != nil {
			got = append(got, "aux")
			continue
		}
		got = append(got, shortIDs.ReplaceAllString(rec.Stream, "<id>"))
	}
	assert.Equal(t, []string{
		"Step 1/7 : FROM busybox AS one", "\n", " ---> <id>\n",
		"Step 2/7 : RUN echo out; echo err >&2", "\n", " ---> Running in <id>\n", "out\n", "\x1b[91merr\n\x1b[0m", "Removing intermediate container <id>\n", " ---> <id>\n",
		"Step 3/7 : ENV A=1", "\n", " ---> Running in <id>\n", "Removing intermediate container <id>\n", " ---> <id>\n",
		"aux",
		"Step 4/7 : FROM one", "\n", " ---> <id>\n",
		"Step 5/7 : COPY hello.txt /", "\n", " ---> <id>\n",
		"Step 6/7 : LABEL a=1", "\n", " ---> Running in <id>\n", "Removing intermediate container <id>\n", " ---> <id>\n",
		"Step 7/7 : LABEL b=2", "\n", " ---> Running in <id>\n", "Removing intermediate container <id>\n", " ---> <id>\n",
		"aux",
		"Successfully built <id>\n", "Successfully tagged fmt:1\n",
	}, got)
	require.Len(t, recs, len(got))
	// the first stage's image is what the second stage starts from; the
	// last aux is the image built
	stage1 := strings.TrimPrefix(recs[15].Aux.ID, "sha256:")[:12]
	assert.Equal(t, " ---> "+stage1+"\n", recs[18].Stream)
	built := strings.TrimPrefix(recs[len(recs)-3].Aux.ID, "sha256:")[:12]
	assert.Equal(t, " ---> "+built+"\n", recs[len(recs)-4].Stream)
	assert.Equal(t, "Successfully built "+built+"\n", recs[len(recs)-2].Stream)

	// before API 1.30 there are no aux records
	r = buildRaw(t, c, "1.29", "t=fmt:2", tarOf(t, map[string]string{"Dockerfile": "FROM busybox\nENV B=1\n"}))
	require.Equal(t, 200, r.status)
	for _, rec := range records(t, r.body) {
		assert.Nil(t, rec.Aux, "aux record at API 1.29")
	}
}

// TestBuildErrorsBeforeTheStream: what fails before the first step is a
// JSON error with dockerd 20.10's status and words, not a stream.
func TestBuildErrorsBeforeTheStream(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	df := func(s string) []byte { return tarOf(t, map[string]string{"Dockerfile": s}) }
	tests := []struct {
		name, query string
		body        []byte
		status      int
		msg         string
	}{
		{"unknown instruction", "", df("FROM busybox\nNOSUCH arg\n"), 400, "dockerfile parse error line 2: unknown instruction: NOSUCH"},
		{"unknown flag", "", df("FROM busybox\nCOPY --bogus=1 a b\n"), 400, "dockerfile parse error line 2: Unknown flag: bogus"},
		{"RUN --network", "", df("FROM busybox\nRUN --mount=type=bind,target=/x --network=host true\n"), 400, "dockerfile parse error line 2: Unknown flag: network"},
		{"RUN --mount without a value", "", df("FROM busybox\nRUN --mount true\n"), 400, "dockerfile parse error line 2: Missing a value on flag: mount"},
		{"RUN --mount type", "", df("FROM busybox\nRUN --mount=type=nonsense true\n"), 400, `dockerfile parse error line 2: unsupported mount type "nonsense"`},
		{"RUN --mount key", "", df("FROM busybox\nRUN --mount=type=cache,target=/t,colour=red true\n"), 400, "dockerfile parse error line 2: unexpected key 'colour' in 'colour=red'"},
		{"RUN --mount pair", "", df("FROM busybox\nRUN --mount=type=cache,/t true\n"), 400, "dockerfile parse error line 2: invalid field '/t' must be a key=value pair"},
		{"RUN --mount secret", "", df("FROM busybox\nRUN --mount=type=secret true\n"), 400, "dockerfile parse error line 2: invalid secret mount. one of source, target required"},
		{"RUN --mount bind mode", "", df("FROM busybox\nRUN --mount=type=bind,mode=0400,target=/t true\n"), 400, `dockerfile parse error line 2: mode not allowed for "bind" type mounts`},
		{"RUN --mount required", "", df("FROM busybox\nRUN --mount=type=cache,required=false,target=/t true\n"), 400, "dockerfile parse error line 2: unexpected key 'required' for mount type 'cache'"},
		{"empty Dockerfile", "", df(""), 400, "the Dockerfile (Dockerfile) cannot be empty"},
		{"only comments", "", df("# nothing\n"), 400, "failed to parse Dockerfile: file with no instructions"},
		{"bad ENV", "", df("FROM busybox\nENV a=1 b\n"), 400, `failed to parse Dockerfile: Syntax error - can't find = in "b". Must be of the form: name=value`},
		{"step before FROM", "", df("RUN true\nFROM busybox\n"), 400, "no build stage in current context"},
		{"unknown target", "target=nosuch", df("FROM busybox AS base\nRUN true\n"), 400, "failed to reach build target nosuch in Dockerfile"},
		{"missing Dockerfile", "dockerfile=nosuch", df("FROM busybox\n"), 500, "Cannot locate specified Dockerfile: nosuch"},
		{"not a tar", "", []byte("this is not a tar"), 500, "unexpected EOF"},
		{"bad tag", "t=Bad_Tag!", df("FROM busybox\n"), 500, "invalid reference format: repository name must be lowercase"},
		{"bad build args", "buildargs={", df("FROM busybox\n"), 400, "error reading build args: unexpected end of JSON input"},
		{"unknown platform", "platform=foobar", df("FROM busybox\n"), 400, `"foobar": unknown operating system or architecture: invalid argument`},
		{"platform wildcard", "platform=linux%2F%2A", df("FROM busybox\n"), 400, `"linux/*": wildcards not yet supported: invalid argument`},
		{"platform component", "platform=lin%20ux", df("FROM busybox\n"), 400, `"lin ux" is an invalid component of "lin ux": platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument`},
		{"platform parts", "platform=linux%2Fa%2Fb%2Fc", df("FROM busybox\n"), 400, `"linux/a/b/c": cannot parse platform specifier: invalid argument`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := buildRaw(t, c, "1.41", tt.query, tt.body)
			assert.Equal(t, tt.status, r.status, "%s", r.body)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.Equal(t, tt.msg, r.message())
		})
	}
}

// TestBuildStepErrors: a step that fails ends the stream with an error
// record (with errorDetail.code for a RUN's exit code); with q=1 the log
// comes before it; a failed RUN's container stays unless forcerm.
func TestBuildStepErrors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	recs := records(t, buildRaw(t, c, "1.41", "", tarOf(t, map[string]string{"Dockerfile": "FROM busybox\nRUN [\"sh\",\"-c\",\"echo before; exit 4\"]\n"})).body)
	last := recs[len(recs)-1]
	require.NotNil(t, last.ErrorDetail)
	assert.Equal(t, 4, last.ErrorDetail.Code)
	assert.Equal(t, "The command 'sh -c echo before; exit 4' returned a non-zero code: 4", last.Error)
	assert.Contains(t, streamText(recs), "before\n")
	assert.NotContains(t, streamText(recs), "Removing intermediate container", "rm leaves a failed step's container")
	var left []struct{ Status string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/json?all=1", nil).body, &left))
	require.Len(t, left, 1)
	assert.Contains(t, left[0].Status, "Exited (4)")

	recs = records(t, buildRaw(t, c, "1.41", "q=1&forcerm=1", tarOf(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo quiet-log; exit 2\n"})).body)
	assert.Contains(t, streamText(recs), "Step 2/2 : RUN echo quiet-log; exit 2")
	assert.Contains(t, streamText(recs), "quiet-log\nRemoving intermediate container")
	assert.Equal(t, 2, recs[len(recs)-1].ErrorDetail.Code)

	for _, tt := range []struct{ df, msg string }{
		{"FROM busybox\nCOPY missing.txt /\n", "COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist"},
		{"FROM busybox\nCOPY nothing* /x/\n", "COPY failed: no source files were specified"},
		{"FROM busybox\nCOPY Dockerfile Dockerfile /x\n", "When using COPY with more than one source file, the destination must be a directory and end with a /"},
		{"FROM busybox\nSTOPSIGNAL BOGUS\n", "Invalid signal: BOGUS"},
		{"FROM busybox AS a\nFROM busybox AS a\n", "a stage name already used"},
		{"FROM busybox\nCOPY --from=5 /a /b\n", "invalid from flag value 5: index out of bounds"},
		{"FROM busybox\nCOPY --from=0 /a /b\n", "invalid from flag value 0: refers to current build stage"},
		{"FROM nosuchimage\n", "pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"},
		{"FROM busybox\nENV X=${A\n", "failed to process \"${A\": missing ':' in substitution"},
		{"FROM busybox\nCOPY --chmod=644 a b\n", "the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"},
		{"FROM busybox\nRUN --mount=type=cache,target=/t --mount=type=tmpfs,target=/u true\n", "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"},
		{"FROM busybox\nRUN --mount=target=/t,type=secret,id=x [\"true\"]\n", "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"},
		{"FROM busybox\nENV X=${A:?unset_A}\n", "failed to process \"${A:?unset_A}\": A: unset_A"},
	} {
		recs := records(t, buildRaw(t, c, "1.41", "", tarOf(t, map[string]string{"Dockerfile": tt.df})).body)
		last := recs[len(recs)-1]
		assert.Equal(t, tt.msg, last.Error, tt.df)
		assert.Equal(t, tt.msg, last.ErrorDetail.Message, tt.df)
	}
}

// TestBuildQuiet: with q=1 a successful build says only the image id.
func TestBuildQuiet(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := buildRaw(t, c, "1.41", "q=1&t=quiet:1", tarOf(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo hidden\n"}))
	recs := records(t, r.body)
	require.Len(t, recs, 1, "%s", r.body)
	var im struct{ Id string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/quiet:1/json", nil).body, &im))
	assert.Equal(t, im.Id+"\n", recs[0].Stream)
}

// TestBuildTargetAndStages: target= builds up to that stage; FROM a stage
// and COPY --from a stage name, index or image take its files; the
// stages' images stay, untagged.
func TestBuildTargetAndStages(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	df := "FROM busybox AS base\nRUN echo base > /stage\nFROM base AS Second\nRUN echo second >> /stage\nCMD [\"cat\",\"/stage\"]\nFROM busybox AS final\nRUN echo final > /stage\n"
	out := c.buildStream("t=target:1&target=second", map[string]string{"Dockerfile": df})
	require.Contains(t, out, "Successfully tagged target:1")
	assert.NotContains(t, out, "echo final")
	id := c.runWait(map[string]any{"Image": "target:1"})
	logs, _ := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1", nil).body)
	assert.Equal(t, "base\nsecond\n", logs)

	df = "FROM busybox AS maker\nRUN mkdir /out && echo made > /out/file\nFROM scratch\nCOPY --from=maker /out/file /by-name\nCOPY --from=0 /out /by-index/\nCOPY --from=busybox /etc/group /by-image\nCOPY --from=maker /bin/busybox /bin/busybox\nCOPY --from=maker /bin/cat /bin/cat\nCMD [\"cat\",\"/by-name\",\"/by-index/file\"]\n"
	out = c.buildStream("t=copyfrom:1", map[string]string{"Dockerfile": df})
	require.Contains(t, out, "Successfully tagged copyfrom:1", out)
	id = c.runWait(map[string]any{"Image": "copyfrom:1"})
	logs, _ = readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1", nil).body)
	assert.Equal(t, "made\nmade\n", logs)

	// the steps' images with children are listed with all=1 only, as
	// <none>:<none>; a stage nothing descends from is a dangling head
	type summary struct {
		Id       string
		ParentId string
		RepoTags []string
	}
	var top, all []summary
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/json", nil).body, &top))
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/json?all=1", nil).body, &all))
	assert.Greater(t, len(all), len(top))
	parents := map[string]bool{}
	for _, s := range all {
		parents[s.ParentId] = true
	}
	var untagged int
	for _, s := range top {
		if slices.Equal(s.RepoTags, []string{"<none>:<none>"}) {
			untagged++
			assert.False(t, parents[s.Id], "an intermediate image in the default list: %+v", s)
		}
	}
	assert.Equal(t, 1, untagged, "the maker stage's image is the one dangling head")
}

// TestBuildCompressedContexts: a context may be gzip, bzip2 or xz
// compressed, detected by its first bytes as dockerd does.
func TestBuildCompressedContexts(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(tarOf(t, map[string]string{"Dockerfile": "FROM busybox\nCOPY hello.txt /\nRUN cat /hello.txt\n", "hello.txt": "hello from a compressed context\n"}))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	contexts := map[string][]byte{"gzip": gz.Bytes()}
	for _, f := range []string{"bzip2", "xz"} {
		b, err := os.ReadFile("testdata/build/context.tar." + map[string]string{"bzip2": "bz2", "xz": "xz"}[f])
		require.NoError(t, err)
		contexts[f] = b
	}
	for _, f := range []string{"gzip", "bzip2", "xz"} {
		t.Run(f, func(t *testing.T) {
			if _, err := exec.LookPath("xz"); err != nil && f == "xz" {
				t.Skip("no xz on this host: the daemon runs xz to read an xz context, as dockerd does")
			}
			r := buildRaw(t, c, "1.41", "nocache=1&t=compressed:"+f, contexts[f])
			require.Equal(t, 200, r.status, "%s", r.body)
			assert.Contains(t, streamText(records(t, r.body)), "hello from a compressed context\n")
		})
	}
}

// TestBuildDockerignoreDropsDockerfile: when .dockerignore lists the
// Dockerfile or itself, the build uses them but COPY . does not see them
// (docker-py relies on it); the other files it lists are the client's to
// leave out.
func TestBuildDockerignoreDropsDockerfile(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	out := c.buildStream("t=ignore:1", map[string]string{
		"Dockerfile":    "FROM busybox\nCOPY . /ctx\nRUN ls -a /ctx\n",
		".dockerignore": "Dockerfile\n.dockerignore\nignored*\n",
		"kept.txt":      "k",
		"ignored.txt":   "i",
	})
	assert.Contains(t, out, `.\n..\nignored.txt\nkept.txt\n`, out)
	out = c.buildStream("t=ignore:2&dockerfile=sub/Build.file", map[string]string{
		"sub/Build.file": "FROM busybox\nCOPY . /ctx\nRUN find /ctx | sort\n",
		".dockerignore":  "sub/Build.file\n",
		"sub/other":      "o",
	})
	assert.Contains(t, out, `/ctx\n/ctx/.dockerignore\n/ctx/sub\n/ctx/sub/other\n`, out)
}

// TestBuildCache: an unchanged step is taken from the cache ("Using
// cache"), so an identical build gives the same image; nocache builds
// anew; a changed file busts its COPY; cachefrom limits the cache to the
// images given and reuses their steps.
func TestBuildCache(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	files := map[string]string{"Dockerfile": "FROM busybox\nRUN echo one > /one\nCOPY f.txt /\nRUN echo two > /two\n", "f.txt": "v1"}
	builtID := func(out string) string {
		recs := records(t, []byte(out))
		for i := len(recs) - 1; i >= 0; i-- {
			if recs[i].Aux != nil {
				return recs[i].Aux.ID
			}
		}
		require.Fail(t, "no image id", out)
		return ""
	}
	first := c.buildStream("t=cache:1", files)
	assert.NotContains(t, first, "Using cache")
	again := c.buildStream("t=cache:2", files)
	assert.Equal(t, 3, strings.Count(again, "Using cache"), again)
	assert.NotContains(t, again, "Running in")
	assert.Equal(t, builtID(first), builtID(again), "an identical build is the same image")

	fresh := c.buildStream("t=cache:3&nocache=1", files)
	assert.NotContains(t, fresh, "Using cache")
	assert.NotEqual(t, builtID(first), builtID(fresh))

	files["f.txt"] = "v2"
	changed := c.buildStream("t=cache:4", files)
	assert.Equal(t, 1, strings.Count(changed, "Using cache"), "only the RUN before the COPY: %s", changed)

	// with cachefrom, only cache:3's steps count (not the newer cache:1)
	files["f.txt"] = "v1"
	from := c.buildStream(`t=cache:5&cachefrom=["cache:3"]`, files)
	assert.Equal(t, 3, strings.Count(from, "Using cache"), from)
	assert.Equal(t, builtID(fresh), builtID(from))
	none := c.buildStream(`t=cache:6&cachefrom=["nosuch:image"]`, files)
	assert.NotContains(t, none, "Using cache", "a cachefrom of nothing found: no cache")
}

// TestBuildAddUnpacksArchives: ADD unpacks a local tar (plain or
// compressed, known by its content) into the destination; COPY copies it
// as a file, and so does ADD a file that is no tar.
func TestBuildAddUnpacksArchives(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	inner := tarOf(t, map[string]string{"dir/member.txt": "member\n", "top.txt": "top\n"})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(inner)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	out := c.buildStream("t=addtar:1", map[string]string{
		"Dockerfile": "FROM busybox\nADD a.tar /plain/\nADD b.bin /gz\nCOPY a.tar /copied/\nADD not.tar /n/\nRUN find /plain /gz /copied /n | sort\n",
		"a.tar":      string(inner),
		"b.bin":      gz.String(),
		"not.tar":    "not a tar",
	})
	assert.Contains(t, out, `/copied\n/copied/a.tar\n/gz\n/gz/dir\n/gz/dir/member.txt\n/gz/top.txt\n/n\n/n/not.tar\n/plain\n/plain/dir\n/plain/dir/member.txt\n/plain/top.txt\n`, out)
}

// TestBuildCopyOwnership: copied files belong to root, or to --chown's
// user and group (names through the image's /etc/passwd and /etc/group);
// a directory's contents keep their modes and links.
func TestBuildCopyOwnership(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "Dockerfile", Mode: 0o644, Typeflag: tar.TypeReg, Size: 0, Uid: 1234},
		{Name: "src/", Mode: 0o700, Typeflag: tar.TypeDir, Uid: 1234},
		{Name: "src/s.txt", Mode: 0o741, Typeflag: tar.TypeReg, Uid: 1234},
		{Name: "src/link", Mode: 0o777, Typeflag: tar.TypeSymlink, Linkname: "s.txt"},
	} {
		data := ""
		if h.Name == "Dockerfile" {
			data = "FROM busybox\nCOPY src /plain\nCOPY --chown=5:6 src /owned\nCOPY --chown=nobody:nogroup src/s.txt /x/y/named\nCOPY src/link /followed\nRUN ls -ld /plain /plain/s.txt /plain/link /owned /owned/s.txt /x /x/y /x/y/named /followed\n"
			h.Size = int64(len(data))
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := tw.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	r := buildRaw(t, c, "1.41", "", buf.Bytes())
	text := streamText(records(t, r.body))
	for _, want := range []string{
		`drwxr-xr-x .* root +root .* /plain\n`, `-rwxr----x .* root +root .* /plain/s.txt\n`, `lrwxrwxrwx .* root +root .* /plain/link -> s.txt\n`,
		`drwxr-xr-x .* 5 +disk .* /owned\n`, `-rwxr----x .* 5 +disk .* /owned/s.txt\n`,
		`drwxr-xr-x .* nobody +nogroup .* /x\n`, `-rwxr----x .* nobody +nogroup .* /x/y/named\n`,
		`-rwxr----x .* root +root .* /followed\n`,
	} {
		assert.Regexp(t, want, text)
	}
}

// TestBuildRunSandbox: a RUN step runs in a container with the build's
// /etc/hosts (extrahosts) and network mode, its hostname the container's
// id, exec-form arguments kept, UTF-8 kept.
func TestBuildRunSandbox(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	out := c.buildStream("t=sandbox:1&extrahosts=buildhost:127.0.0.2", map[string]string{"Dockerfile": "FROM busybox\n" +
		"RUN grep buildhost /etc/hosts; cat /etc/hostname\n" +
		`RUN ["sh","-c","echo \"[$0] $@\"","--","x","y z"]` + "\n" +
		"RUN echo \"grüße ü\"\n"})
	text := streamText(records(t, []byte(out)))
	assert.Contains(t, text, "127.0.0.2\tbuildhost\n")
	assert.Regexp(t, ` ---> Running in ([0-9a-f]{12})\n127.0.0.2\tbuildhost\n([0-9a-f]{12})\n`, text)
	m := regexp.MustCompile(` ---> Running in ([0-9a-f]{12})\n127.0.0.2\tbuildhost\n([0-9a-f]{12})\n`).FindStringSubmatch(text)
	if assert.Len(t, m, 3) {
		assert.Equal(t, m[1], m[2], "the step's hostname is its container's id")
	}
	assert.Contains(t, text, "[--] x y z\n")
	assert.Contains(t, text, "grüße ü\n")

	out = c.buildStream("t=sandbox:2&networkmode=none", map[string]string{"Dockerfile": "FROM busybox\nRUN ls /sys/class/net\n"})
	assert.Contains(t, streamText(records(t, []byte(out))), "Running in")
	assert.Regexp(t, `Running in [0-9a-f]{12}\nlo\n`, streamText(records(t, []byte(out))), "network none: no interface but lo")
}

// TestBuildImageRecord: a built image records what dockerd's classic
// builder does: its parent (the previous step's image), the container of
// its last step and that container's config (the "#(nop) " command),
// the daemon's version, Config.Image, one history entry per step (empty
// layers for config steps), one layer per step that changed files, and
// LastTagTime.
func TestBuildImageRecord(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{ServerVersion: "20.10.99"})
	c.build("record:1", "FROM busybox\nENV A=1\nRUN echo x > /x\nRUN true\nWORKDIR /w\nHEALTHCHECK --interval=5s CMD true\nSHELL [\"/bin/sh\",\"-c\"]\nLABEL l=1\n")
	var im struct {
		Id, Parent, Container, DockerVersion string
		ContainerConfig                      struct {
			Hostname string
			Cmd      []string
			Image    string
		}
		Config struct {
			Image       string
			WorkingDir  string
			Shell       []string
			Healthcheck struct {
				Test     []string
				Interval int64
			}
		}
		RootFS   struct{ Layers []string }
		Metadata struct{ LastTagTime string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/record:1/json", nil).body, &im))
	var base struct {
		Id     string
		RootFS struct{ Layers []string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/busybox/json", nil).body, &base))
	assert.NotEmpty(t, im.Parent)
	assert.Equal(t, im.Parent, im.Config.Image)
	assert.Equal(t, im.Parent, im.ContainerConfig.Image)
	assert.Equal(t, []string{"/bin/sh", "-c", "#(nop) ", "LABEL l=1"}, im.ContainerConfig.Cmd)
	assert.Equal(t, im.Container[:12], im.ContainerConfig.Hostname)
	assert.Equal(t, "20.10.99", im.DockerVersion)
	assert.Equal(t, "/w", im.Config.WorkingDir)
	assert.Equal(t, []string{"/bin/sh", "-c"}, im.Config.Shell)
	assert.Equal(t, []string{"CMD-SHELL", "true"}, im.Config.Healthcheck.Test)
	assert.Equal(t, int64(5e9), im.Config.Healthcheck.Interval)
	assert.NotEqual(t, "0001-01-01T00:00:00Z", im.Metadata.LastTagTime)
	// RUN echo and WORKDIR changed files; ENV, RUN true and the rest did not
	assert.Len(t, im.RootFS.Layers, len(base.RootFS.Layers)+2)

	var hist []struct {
		Id, CreatedBy string
		Size          int64
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/record:1/history", nil).body, &hist))
	var got []string
	for _, h := range hist[:8] {
		got = append(got, h.CreatedBy)
		assert.NotEqual(t, "<missing>", h.Id, h.CreatedBy)
	}
	assert.Equal(t, []string{
		"/bin/sh -c #(nop)  LABEL l=1",
		"/bin/sh -c #(nop)  SHELL [/bin/sh -c]",
		`/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" '\x00'}`,
		"/bin/sh -c #(nop) WORKDIR /w",
		"/bin/sh -c true",
		"/bin/sh -c echo x > /x",
		"/bin/sh -c #(nop)  ENV A=1",
		"",
	}[:7], got[:7])
	assert.Equal(t, base.Id, hist[7].Id)
	assert.Equal(t, int64(2), hist[5].Size, "RUN echo x > /x wrote 2 bytes")
	assert.Zero(t, hist[3].Size, "WORKDIR's layer holds a directory")
}

// TestBuildArgs: ARG defaults and build args, ${x:-y} expansion, the
// proxy variables without an ARG (out of the history), and the warning
// for build args no ARG used.
func TestBuildArgs(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	out := c.buildStream(`t=args:1&buildargs={"GIVEN":"given","UNUSED":"u","HTTP_PROXY":"hp"}`, map[string]string{"Dockerfile": "ARG BASE=busybox\nFROM ${BASE}\nARG GIVEN=default NOTGIVEN=dflt\nENV E=${UNSET:-fallback} F=${GIVEN:+set}\nRUN echo \"$GIVEN $NOTGIVEN $E $F $HTTP_PROXY\"\n"})
	text := streamText(records(t, []byte(out)))
	assert.Contains(t, text, "given dflt fallback set hp\n")
	assert.Contains(t, text, "[Warning] One or more build-args [UNUSED] were not consumed\nSuccessfully built")
	var hist []struct{ CreatedBy string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/args:1/history", nil).body, &hist))
	assert.Equal(t, `|2 GIVEN=given NOTGIVEN=dflt /bin/sh -c echo "$GIVEN $NOTGIVEN $E $F $HTTP_PROXY"`, hist[0].CreatedBy)
	assert.Equal(t, "/bin/sh -c #(nop)  ENV E=fallback F=set", hist[1].CreatedBy)
}

// TestBuildPrune: the classic builder has no BuildKit cache to prune:
// dockerd 20.10 checks the request and reports nothing.
func TestBuildPrune(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/build/prune?all=1&filters="+url.QueryEscape(`{"until":["24h"]}`), nil)
	assert.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"CachesDeleted":null,"SpaceReclaimed":0}`, string(r.body))
	for _, tt := range []struct {
		query  string
		status int
		msg    string
	}{
		{"keep-storage=x", 500, `keep-storage is in bytes and expects an integer, got x: strconv.Atoi: parsing "x": invalid syntax`},
		{"filters=" + url.QueryEscape(`{"bogus":["1"]}`), 400, "failed to prune build cache: Invalid filter 'bogus'"},
		{"filters=" + url.QueryEscape(`{"until":["1h","2h"]}`), 400, "failed to prune build cache: filters expect only one value"},
		{"filters=" + url.QueryEscape(`{"until":["bad"]}`), 500, `failed to prune build cache: "until" filter expects a duration (e.g., '24h'): time: invalid duration "bad"`},
	} {
		r := c.do("POST", "/v1.41/build/prune?"+tt.query, nil)
		assert.Equal(t, tt.status, r.status, tt.query)
		assert.Equal(t, tt.msg, r.message(), tt.query)
	}
	var df map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/system/df", nil).body, &df))
	assert.JSONEq(t, "null", string(df["BuildCache"]))
	assert.JSONEq(t, "0", string(df["BuilderSize"]))
}

// TestBuildImageDeletePrunesSteps: removing a built image removes the
// untagged step images it was made from that nothing else uses, as
// dockerd does (not with noprune=1); a step image others were made from
// cannot be removed by id.
func TestBuildImageDeletePrunesSteps(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.build("prune:1", "FROM busybox\nLABEL l=1\nENV A=1\nRUN echo x > /x\n")
	var hist []struct{ Id string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/prune:1/history", nil).body, &hist))
	steps := []string{hist[0].Id, hist[1].Id, hist[2].Id} // RUN, ENV, LABEL

	r := c.do("DELETE", "/v1.41/images/"+steps[1], nil)
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "conflict: unable to delete "+steps[1][7:19]+" (cannot be forced) - image has dependent child images", r.message())

	r = c.do("DELETE", "/v1.41/images/prune:1", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var recs []map[string]string
	require.NoError(t, json.Unmarshal(r.body, &recs))
	var deleted []string
	for _, rec := range recs[1:] {
		deleted = append(deleted, rec["Deleted"])
	}
	require.Len(t, deleted, 4, "%v", recs)
	assert.Equal(t, map[string]string{"Untagged": "prune:1"}, recs[0])
	assert.Equal(t, steps[0], deleted[0])
	assert.Equal(t, []string{steps[1], steps[2]}, deleted[2:], "the RUN's layer, then the steps below")
	for _, id := range steps {
		assert.Equal(t, 404, c.do("GET", "/v1.41/images/"+id+"/json", nil).status)
	}
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/busybox/json", nil).status, "a tagged image stays")

	c.build("prune:2", "FROM busybox\nLABEL l=2\nENV A=2\n")
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/prune:2/history", nil).body, &hist))
	r = c.do("DELETE", "/v1.41/images/prune:2?noprune=1", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, 200, c.do("GET", "/v1.41/images/"+hist[1].Id+"/json", nil).status, "noprune keeps the steps")
}

// TestBuildHealthcheckInherits: a HEALTHCHECK without options keeps the
// interval and retries of the one before it, because dockerd's create
// merges the image's healthcheck into the step's config, which the
// stage's config shares.
func TestBuildHealthcheckInherits(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.build("health:1", "FROM busybox\nHEALTHCHECK --interval=5s --retries=2 CMD true\nHEALTHCHECK CMD false\n")
	var im struct {
		Config struct{ Healthcheck map[string]any }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/health:1/json", nil).body, &im))
	assert.Equal(t, map[string]any{"Test": []any{"CMD-SHELL", "false"}, "Interval": float64(5e9), "Retries": float64(2)}, im.Config.Healthcheck)
}

// TestBuildRunLayerHoldsMountPoints: a RUN step's layer holds the
// directories of the volumes it ran with that the image lacked (the
// runtime makes them), not what was written in them.
func TestBuildRunLayerHoldsMountPoints(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.build("vol:1", "FROM busybox\nVOLUME /v1 /tmp\nRUN echo x > /v1/discarded\n")
	var im struct{ RootFS struct{ Layers []string } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/vol:1/json", nil).body, &im))
	require.Len(t, im.RootFS.Layers, 2, "the base and the RUN's")
	id := c.runWait(map[string]any{"Image": "vol:1", "Cmd": []string{"sh", "-c", "ls -a /v1"}})
	logs, _ := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1", nil).body)
	assert.Equal(t, ".\n..\n", logs, "what the RUN wrote in the volume is gone")
}
