package differential

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const example = `# a comment
seq exec/example exec-framing
POST /containers/create?name={{name}} {"Image":"{{image}}","Labels":{{labels}}}
  save c .Id
POST /containers/{{c}}/exec {"Cmd":["cat"],"AttachStdin":true}
  save e .Id
POST /exec/{{e}}/start {"Tty":true}
  stdin after 300ms "hello\n"
  stdin "\x10\x11"
  close-stdin
  read 2s
GET /containers/{{c}}/top?ps_args=-o%20pid
  volatile body.Processes body.Titles
  mask time=[0-9.]+
  pause 1s
finally POST /containers/{{c}}/kill

seq build/example build alone
POST /build?t={{name}}:1
  compress gzip
  file Dockerfile <<END
FROM {{image}}
RUN true
END
  file run.sh 0755 "#!/bin/sh\n"
  dir sub
  link sub/hard run.sh
  symlink sub/soft ../run.sh
  tarfile a.tar member.txt "in the tar\n"
  tarfile a.tar other.txt <<END
other
END
  header X-Registry-Config e30=
PUT /containers/x/archive?path=/
  body <<RAW
raw body
RAW
`

func TestParse(t *testing.T) {
	seqs, err := Parse(strings.NewReader(example), "example.seq")
	require.NoError(t, err)
	require.Len(t, seqs, 2)

	s := seqs[0]
	assert.Equal(t, "exec/example", s.Name)
	assert.Equal(t, "exec-framing", s.Class)
	assert.False(t, s.Alone)
	assert.Equal(t, "example.seq:2", s.Source)
	require.Len(t, s.Steps, 4)
	assert.Equal(t, "POST /containers/create", s.Steps[0].Request())
	assert.Equal(t, `{"Image":"{{image}}","Labels":{{labels}}}`, s.Steps[0].Body)
	assert.Equal(t, []Capture{{Var: "c", Path: ".Id"}}, s.Steps[0].Save)
	assert.Equal(t, 3, s.Steps[0].Line)
	start := s.Steps[2]
	assert.Equal(t, []StdinChunk{{After: 300 * time.Millisecond, Data: "hello\n"}, {Data: "\x10\x11"}}, start.Stdin)
	assert.True(t, start.CloseStdin)
	assert.Equal(t, 2*time.Second, start.Read)
	top := s.Steps[3]
	assert.Equal(t, []string{"body.Processes", "body.Titles"}, top.Volatile)
	require.Len(t, top.Mask, 1)
	assert.Equal(t, "time=[0-9.]+", top.Mask[0].String())
	assert.Equal(t, time.Second, top.Pause)
	require.Len(t, s.Finally, 1)
	assert.Equal(t, "POST /containers/{{c}}/kill", s.Finally[0].Request())

	b := seqs[1]
	assert.True(t, b.Alone)
	build := b.Steps[0]
	assert.Equal(t, "gzip", build.Compress)
	require.Len(t, build.Files, 6)
	assert.Equal(t, TarEntry{Type: 'f', Name: "Dockerfile", Content: "FROM {{image}}\nRUN true\n", Mode: 0o644}, build.Files[0])
	assert.Equal(t, TarEntry{Type: 'f', Name: "run.sh", Content: "#!/bin/sh\n", Mode: 0o755}, build.Files[1])
	assert.Equal(t, byte('d'), build.Files[2].Type)
	assert.Equal(t, TarEntry{Type: 'h', Name: "sub/hard", Link: "run.sh", Mode: 0o777}, build.Files[3])
	assert.Equal(t, TarEntry{Type: 's', Name: "sub/soft", Link: "../run.sh", Mode: 0o777}, build.Files[4])
	assert.Equal(t, byte('t'), build.Files[5].Type)
	assert.Equal(t, []TarEntry{
		{Type: 'f', Name: "member.txt", Content: "in the tar\n", Mode: 0o644},
		{Type: 'f', Name: "other.txt", Content: "other\n", Mode: 0o644},
	}, build.Files[5].Members)
	assert.Equal(t, [][2]string{{"X-Registry-Config", "e30="}}, build.Header)
	require.NotNil(t, b.Steps[1].Raw)
	assert.Equal(t, "raw body\n", *b.Steps[1].Raw)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"step before seq", "GET /_ping\n", 1, "before the first `seq`"},
		{"bad seq line", "seq onlyname\n", 1, "want `seq NAME CLASS"},
		{"upper-case name", "seq Bad/Name x\nGET /_ping\n", 1, "lower-case"},
		{"duplicate", "seq a x\nGET /_ping\nseq a x\nGET /_ping\n", 3, "already defined at line 1"},
		{"empty sequence", "seq a x\nseq b x\nGET /_ping\n", 1, "has no step"},
		{"unknown method", "seq a x\nFETCH /x\n", 2, "unknown line"},
		{"relative path", "seq a x\nGET x\n", 2, "does not start with /"},
		{"body not json", "seq a x\nPOST /x {nope\n", 2, "not JSON"},
		{"option outside step", "seq a x\n  save c .Id\n", 2, "outside a step"},
		{"unknown option", "seq a x\nGET /x\n  frobnicate\n", 3, "unknown option"},
		{"bad save", "seq a x\nGET /x\n  save C Id\n", 3, "want `save VAR .path`"},
		{"save of a builtin", "seq a x\nGET /x\n  save image .Id\n", 3, "built in"},
		{"unterminated heredoc", "seq a x\nPOST /x\n  body <<END\nno end\n", 3, "has no end line"},
		{"unquoted text", "seq a x\nPOST /x\n  body raw\n", 3, "double-quoted"},
		{"two bodies", "seq a x\nPOST /x {}\n  body \"x\"\n", 3, "already has a body"},
		{"bad compression", "seq a x\nPOST /x\n  compress zip\n", 3, "want gzip, bzip2 or xz"},
		{"bad duration", "seq a x\nGET /x\n  read soon\n", 3, "positive duration"},
		{"bad mask", "seq a x\nGET /x\n  mask (\n", 3, "regular expression"},
		{"variable before save", "seq a x\nGET /containers/{{c}}/json\n", 1, "uses {{c}} before any step saves it"},
		{"compress without tar", "seq a x\nPOST /x\n  compress gzip\n", 1, "compresses no tar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in), "t.seq")
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "error %v is not a *ParseError", err)
			assert.Equal(t, "t.seq", pe.File)
			assert.Equal(t, tc.line, pe.Line)
			assert.Contains(t, pe.Msg, tc.msg)
		})
	}
}

// The corpus parses, every sequence is valid, and it covers each class of
// divergence issue 12 names.
func TestCorpus(t *testing.T) {
	seqs, err := Corpus()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, s := range seqs {
		require.NoError(t, Validate(s))
		names[s.Name] = true
	}
	for _, want := range []string{
		"services/lower-case-keys", "swarm/init-ingress", "exec/tty-only-at-start", "exec/detach-keys-default",
		"attach/detach-keys-query", "attach/logs-and-stream-while-starting", "shell/process-applets",
		"shell/text-applets", "exec/unknown-user", "exec/missing-workdir", "containers/utf8-cmd",
		"build/target-stage", "build/xz-context", "build/dockerignore-lists-dockerfile", "build/cache",
		"build/add-local-tar", "build/run-sees-hosts", "build/exec-form-args",
		"networks/ipam-aux-addresses", "networks/endpoint-settings-at-create", "networks/connect-created-container",
		"containers/env-without-equals", "networks/default-bridge-links", "images/load-broken-tar",
		"containers/name-filters", "containers/archive-hardlink", "containers/anonymous-volume-bind",
		"containers/binds-write-through", "containers/volumes-from", "containers/mount-volume-labels",
		"containers/stats", "containers/leading-slash-path",
	} {
		assert.True(t, names[want], "the corpus has no sequence %s", want)
	}
}

// Nothing in the corpus or the generated sequences sends the real daemon
// beyond the host: every image is the test image (by name, or by id where
// a swarm task would pull a name), a name of the sequence's own or one no
// daemon has; a build starts FROM the test image or an earlier stage; a
// pull, push or login goes to 127.0.0.1, an import from a URL to its
// closed port 9.
func TestSequencesStayLocal(t *testing.T) {
	seqs, err := Corpus()
	require.NoError(t, err)
	seqs = append(seqs, Generate(5, 200)...)
	fromLine := regexp.MustCompile(`(?im)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?`)
	for _, s := range seqs {
		for _, st := range append(append([]Step{}, s.Steps...), s.Finally...) {
			where := fmt.Sprintf("%s line %d %s", s.Name, st.Line, st.Request())
			if st.Body != "" {
				// {{labels}} is the only variable outside a JSON string.
				var v any
				require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(st.Body, "{{labels}}", "{}")), &v), where)
				for _, img := range valuesOfKey(v, "image") {
					ok := img == "{{image}}" || img == "{{imageid}}" || strings.HasPrefix(img, "{{name}}") || strings.HasPrefix(img, "nosuch-")
					assert.True(t, ok, "%s: image %q", where, img)
				}
				if strings.Contains(strings.ToLower(st.Body), `"global"`) {
					assert.Contains(t, st.Body, "{{imageid}}", "%s: a global service runs a task: its image goes by id", where)
				}
			}
			if strings.HasPrefix(st.Path, "/auth") {
				assert.Contains(t, st.Body, `"serveraddress":"127.0.0.1:`, where)
			}
			if q := st.Path; strings.Contains(q, "fromImage=") {
				img := strings.SplitN(strings.SplitN(q, "fromImage=", 2)[1], "&", 2)[0]
				assert.True(t, strings.HasPrefix(img, "127.0.0.1:") || strings.ToLower(img) != img, "%s: pulls %q", where, img)
			}
			if q := st.Path; strings.Contains(q, "fromSrc=") {
				src := strings.SplitN(strings.SplitN(q, "fromSrc=", 2)[1], "&", 2)[0]
				assert.Regexp(t, `^(-|(https?://)?127\.0\.0\.1:9/.*|ftp://127\.0\.0\.1:9/.*)$`, src, "%s: imports from %q", where, src)
			}
			if strings.HasSuffix(pathOnly(st.Path), "/push") {
				assert.Contains(t, st.Path, "/images/127.0.0.1:", where)
			}
			for _, f := range st.Files {
				stages := map[string]bool{}
				for _, m := range fromLine.FindAllStringSubmatch(f.Content, -1) {
					// scratch is no image: never pulled
					assert.True(t, m[1] == "{{image}}" || m[1] == "scratch" || stages[m[1]], "%s: %s: FROM %s", where, f.Name, m[1])
					if m[2] != "" {
						stages[m[2]] = true
					}
				}
			}
		}
	}
}

// valuesOfKey returns the string values of every key named key (any case)
// at any depth of v.
func valuesOfKey(v any, key string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && strings.EqualFold(k, key) {
				out = append(out, s)
			}
			out = append(out, valuesOfKey(e, key)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, valuesOfKey(e, key)...)
		}
	}
	return out
}
