package endpoints_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/wire"
)

// onStream answers a JSON message stream made of records.
func onStream(records ...string) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for _, rec := range records {
			io.WriteString(w, rec+"\r\n")
		}
	}
}

// decodeAuth decodes an X-Registry-Auth value the way dockerd does
// (base64.URLEncoding, then JSON).
func decodeAuth(t *testing.T, s string) map[string]any {
	t.Helper()
	raw, err := base64.URLEncoding.DecodeString(s)
	require.NoError(t, err, "X-Registry-Auth %q is not URL-safe base64", s)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), "X-Registry-Auth is not JSON")
	return m
}

func TestImageRequestBuilding(t *testing.T) {
	amd64 := &endpoints.Platform{OS: "linux", Architecture: "amd64"}
	cases := []struct {
		name    string
		version string
		call    func(ctx context.Context, s *endpoints.ImageService) error
		method  string
		path    string
		query   url.Values
		body    string // substring of the body
	}{
		{"list", "1.47", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.List(ctx, endpoints.ImageListOptions{All: true, Digests: true, SharedSize: true, Manifests: true, Filters: wire.Filters{"dangling": {"true"}}})
			return err
		}, "GET", "/images/json", url.Values{"all": {"1"}, "digests": {"1"}, "shared-size": {"1"}, "manifests": {"1"}, "filters": {`{"dangling":{"true":true}}`}}, ""},
		{"inspect", "1.49", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Inspect(ctx, "127.0.0.1:5000/a/b:t", endpoints.ImageInspectOptions{Platform: amd64})
			return err
		}, "GET", "/images/127.0.0.1:5000/a/b:t/json", url.Values{"platform": {`{"architecture":"amd64","os":"linux"}`}}, ""},
		{"history", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.History(ctx, "busybox", endpoints.ImageHistoryOptions{})
			return err
		}, "GET", "/images/busybox/history", url.Values{}, ""},
		{"attestations", "1.55", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Attestations(ctx, "img", endpoints.ImageAttestationsOptions{Platform: amd64, Types: []string{"https://slsa.dev/provenance/v0.2"}, Statement: true})
			return err
		}, "GET", "/images/img/attestations", url.Values{"platform": {`{"architecture":"amd64","os":"linux"}`}, "type": {"https://slsa.dev/provenance/v0.2"}, "statement": {"1"}}, ""},
		{"tag", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Tag(ctx, "sha256:abc", "127.0.0.1:5000/x/y:v1", endpoints.ImageTagOptions{})
			return err
		}, "POST", "/images/sha256:abc/tag", url.Values{"repo": {"127.0.0.1:5000/x/y"}, "tag": {"v1"}}, ""},
		{"tag-no-tag", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Tag(ctx, "a", "b", endpoints.ImageTagOptions{})
			return err
		}, "POST", "/images/a/tag", url.Values{"repo": {"b"}}, ""},
		{"tag-upper-host", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Tag(ctx, "a", "Reg.Example:5000/x:V1", endpoints.ImageTagOptions{})
			return err
		}, "POST", "/images/a/tag", url.Values{"repo": {"Reg.Example:5000/x"}, "tag": {"V1"}}, ""},
		{"delete", "1.50", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Delete(ctx, "a:b", endpoints.ImageDeleteOptions{Force: true, NoPrune: true, Platforms: []endpoints.Platform{*amd64}})
			return err
		}, "DELETE", "/images/a:b", url.Values{"force": {"1"}, "noprune": {"1"}, "platforms": {`{"architecture":"amd64","os":"linux"}`}}, ""},
		{"search", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Search(ctx, "127.0.0.1:5000/bb", endpoints.ImageSearchOptions{Limit: 5, Filters: wire.Filters{"is-official": {"true"}}})
			return err
		}, "GET", "/images/search", url.Values{"term": {"127.0.0.1:5000/bb"}, "limit": {"5"}, "filters": {`{"is-official":{"true":true}}`}}, ""},
		{"prune", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Prune(ctx, endpoints.ImagePruneOptions{Filters: wire.Filters{"dangling": {"false"}}})
			return err
		}, "POST", "/images/prune", url.Values{"filters": {`{"dangling":{"false":true}}`}}, ""},
		{"commit", "", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.Commit(ctx, "c1", endpoints.ImageCommitOptions{Reference: "repo/x:t", Comment: "msg", Author: "me <m@x>", NoPause: true,
				Changes: []string{"ENV A=b", `CMD ["sh"]`}, Config: &endpoints.ContainerConfig{Labels: map[string]string{"k": "v"}}})
			return err
		}, "POST", "/commit", url.Values{"container": {"c1"}, "repo": {"repo/x"}, "tag": {"t"}, "comment": {"msg"}, "author": {"me <m@x>"}, "pause": {"0"}, "changes": {"ENV A=b", `CMD ["sh"]`}}, `"Labels":{"k":"v"}`},
		{"get", "1.48", func(ctx context.Context, s *endpoints.ImageService) error {
			rc, err := s.Get(ctx, "sha256:abc", endpoints.ImageGetOptions{Platforms: []endpoints.Platform{*amd64}})
			if err == nil {
				rc.Close()
			}
			return err
		}, "GET", "/images/sha256:abc/get", url.Values{"platform": {`{"architecture":"amd64","os":"linux"}`}}, ""},
		{"get-all", "", func(ctx context.Context, s *endpoints.ImageService) error {
			rc, err := s.GetAll(ctx, []string{"a:1", "b"}, endpoints.ImageGetAllOptions{})
			if err == nil {
				rc.Close()
			}
			return err
		}, "GET", "/images/get", url.Values{"names": {"a:1", "b"}}, ""},
		{"build-prune-old", "1.41", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{All: true, ReservedSpace: 1000, Filters: wire.Filters{"until": {"1h"}}})
			return err
		}, "POST", "/build/prune", url.Values{"all": {"1"}, "keep-storage": {"1000"}, "filters": {`{"until":{"1h":true}}`}}, ""},
		{"build-prune-new", "1.48", func(ctx context.Context, s *endpoints.ImageService) error {
			_, err := s.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{ReservedSpace: 1000, MaxUsedSpace: 2000, MinFreeSpace: 3000})
			return err
		}, "POST", "/build/prune", url.Values{"reserved-space": {"1000"}, "max-used-space": {"2000"}, "min-free-space": {"3000"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, tc.version)
			for _, k := range []string{"GET /images/json", "GET /images/busybox/history", "GET /images/img/attestations", "GET /images/search"} {
				f.on(k, onJSON(200, []any{}))
			}
			require.NoError(t, tc.call(t.Context(), endpoints.NewImages(w)))
			reqs := f.requests()
			require.Len(t, reqs, 1, "requests")
			r := reqs[0]
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, tc.path, r.Path)
			assert.Equal(t, tc.query, url.Values(r.Query))
			assert.Contains(t, string(r.Body), tc.body)
		})
	}
}

func TestPullProgressAndAuth(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", onStream(
		`{"status":"Pulling from x/y","id":"v1"}`,
		`{"status":"Downloading","progressDetail":{"current":50,"total":100},"progress":"[=>  ]","id":"l1"}`,
		`{"status":"Downloading","progressDetail":{"current":10,"total":200},"id":"l2"}`,
		`{"status":"Pull complete","progressDetail":{},"id":"l1"}`,
		`{"status":"Digest: sha256:d1"}`,
		`{"status":"Status: Downloaded newer image for 127.0.0.1:5000/x/y:v1"}`,
	))
	s := endpoints.NewImages(w)
	var got []endpoints.Progress
	var total endpoints.ProgressTotal
	auth := &endpoints.AuthConfig{Username: "u", Password: "p>?~", ServerAddress: "127.0.0.1:5000"}
	res, err := s.Pull(t.Context(), "127.0.0.1:5000/x/y:v1", endpoints.ImagePullOptions{Auth: auth, Platform: "linux/amd64", Progress: func(p endpoints.Progress) {
		got = append(got, p)
		total.Add(p)
	}})
	require.NoError(t, err)
	assert.Equal(t, "sha256:d1", res.Digest)
	assert.Contains(t, res.Status, "Downloaded newer image")
	require.Len(t, got, 6, "records")
	require.NotNil(t, got[1].ProgressDetail)
	assert.EqualValues(t, 50, got[1].ProgressDetail.Current)
	assert.EqualValues(t, 100, got[1].ProgressDetail.Total)
	assert.Equal(t, "l1", got[1].ID)
	done, all := total.Bytes()
	assert.EqualValues(t, 110, done, "bytes done: l1 complete at 100, l2 at 10")
	assert.EqualValues(t, 300, all, "bytes in all")
	ls := total.Layers()
	require.Len(t, ls, 3, "layers")
	assert.Equal(t, "l1", ls[1].ID)
	assert.True(t, ls[1].Done, "l1 done")
	assert.False(t, ls[2].Done, "l2 done")
	r := f.requests()[0]
	q := url.Values(r.Query)
	assert.Equal(t, "127.0.0.1:5000/x/y", q.Get("fromImage"))
	assert.Equal(t, "v1", q.Get("tag"))
	assert.Equal(t, "linux/amd64", q.Get("platform"))
	m := decodeAuth(t, r.Header.Get("X-Registry-Auth"))
	assert.Equal(t, "u", m["username"])
	assert.Equal(t, "p>?~", m["password"])
	assert.Equal(t, "127.0.0.1:5000", m["serveraddress"])
}

func TestPullDefaultsAndErrors(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	f.on("POST /images/create", onStream(`{"status":"Pulling"}`, `{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}`))
	_, err := s.Pull(t.Context(), "reg.example:5000/a@sha256:00", endpoints.ImagePullOptions{})
	var se *wire.StreamError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "manifest unknown", se.Message)
	assert.Regexp(t, "^endpoints: ImageCreate", err.Error())
	q := url.Values(f.requests()[0].Query)
	assert.Equal(t, "reg.example:5000/a", q.Get("fromImage"), "digest pull")
	assert.Equal(t, "sha256:00", q.Get("tag"), "digest pull")
	assert.Empty(t, decodeAuth(t, f.requests()[0].Header.Get("X-Registry-Auth")), "no auth should send {}")
	f.on("POST /images/create", onStream(`{"status":"ok"}`))
	_, err = s.Pull(t.Context(), "a", endpoints.ImagePullOptions{})
	require.NoError(t, err)
	assert.Equal(t, "latest", url.Values(f.requests()[1].Query).Get("tag"), "pull of a bare name")
	_, err = s.Pull(t.Context(), "a", endpoints.ImagePullOptions{AllTags: true})
	require.NoError(t, err)
	assert.NotContains(t, url.Values(f.requests()[2].Query), "tag", "all tags sent a tag")
	f.on("POST /images/create", onJSON(500, map[string]string{"message": "Get http://127.0.0.1:9/v2/: connection refused"}))
	_, err = s.Pull(t.Context(), "127.0.0.1:9/x", endpoints.ImagePullOptions{})
	var werr *wire.Error
	if assert.ErrorAs(t, err, &werr, "want the daemon's *wire.Error") {
		assert.Contains(t, werr.Message, "connection refused")
	}
	assert.ErrorIs(t, err, wire.ErrInternal)
}

func TestPushResultAndTag(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /images/127.0.0.1:5000/a/b/push", onStream(
		`{"status":"The push refers to repository [127.0.0.1:5000/a/b]"}`,
		`{"status":"Pushing","progressDetail":{"current":1,"total":2},"id":"l1"}`,
		`{"status":"Pushed","progressDetail":{},"id":"l1"}`,
		`{"status":"t1: digest: sha256:dd size: 527"}`,
		`{"progressDetail":{},"aux":{"Tag":"t1","Digest":"sha256:dd","Size":527}}`,
	))
	s := endpoints.NewImages(w)
	n := 0
	res, err := s.Push(t.Context(), "127.0.0.1:5000/a/b:t1", endpoints.ImagePushOptions{Progress: func(endpoints.Progress) { n++ }})
	require.NoError(t, err)
	assert.Equal(t, endpoints.ImagePushResult{Tag: "t1", Digest: "sha256:dd", Size: 527}, res)
	assert.Equal(t, 5, n, "progress records")
	r := f.requests()[0]
	assert.Equal(t, "t1", url.Values(r.Query).Get("tag"))
	assert.NotEmpty(t, r.Header.Get("X-Registry-Auth"), "push must always send X-Registry-Auth")
}

func TestLoadResult(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /images/load", onStream(
		`{"status":"Loading layer","progressDetail":{"current":512,"total":1024},"id":"abc"}`,
		`{"stream":"Loaded image: busybox:dockwire\n"}`,
		`{"stream":"Loaded image ID: sha256:1234\n"}`,
	))
	s := endpoints.NewImages(w)
	res, err := s.Load(t.Context(), strings.NewReader("tar bytes"), endpoints.ImageLoadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"busybox:dockwire", "sha256:1234"}, res.Images)
	r := f.requests()[0]
	assert.Equal(t, "tar bytes", string(r.Body))
	assert.Equal(t, "application/x-tar", r.Header.Get("Content-Type"))
	assert.Equal(t, "0", url.Values(r.Query).Get("quiet"))
}

func TestImportResult(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", onStream(`{"status":"sha256:feed"}`))
	s := endpoints.NewImages(w)
	res, err := s.Import(t.Context(), strings.NewReader("rootfs"), endpoints.ImageImportOptions{Reference: "imp:v", Message: "m", Changes: []string{"CMD [\"sh\"]"}})
	require.NoError(t, err)
	assert.Equal(t, "sha256:feed", res.ID)
	r := f.requests()[0]
	want := url.Values{"fromSrc": {"-"}, "repo": {"imp"}, "tag": {"v"}, "message": {"m"}, "changes": {`CMD ["sh"]`}}
	assert.Equal(t, want, url.Values(r.Query))
	assert.Equal(t, "rootfs", string(r.Body))
}

// Podman's import names the image in the record's id as well as its
// status: the result is that id all the same.
func TestImportResultWithID(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", onStream(`{"status":"sha256:feed","progress":"","progressDetail":{},"id":"sha256:feed"}`))
	res, err := endpoints.NewImages(w).Import(t.Context(), strings.NewReader("rootfs"), endpoints.ImageImportOptions{})
	require.NoError(t, err)
	assert.Equal(t, "sha256:feed", res.ID)
}

func TestBuildQueryAndResult(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /build", onStream(
		`{"stream":"Step 1/2 : FROM busybox\n"}`,
		`{"stream":" ---\u003e 1234\n"}`,
		`{"aux":{"ID":"sha256:built"}}`,
		`{"stream":"Successfully built 5678\n"}`,
	))
	s := endpoints.NewImages(w)
	cfg := &endpoints.ConfigFile{
		Proxies: map[string]endpoints.ProxyConfig{"default": {HTTPProxy: "http://proxy:3128", NoProxy: "localhost"}},
		Auths:   map[string]endpoints.ConfigAuth{"127.0.0.1:5000": {Auth: base64.StdEncoding.EncodeToString([]byte("u:p"))}},
	}
	res, err := s.Build(t.Context(), strings.NewReader("ctx"), endpoints.ImageBuildOptions{
		Dockerfile: "sub/Dockerfile", Tags: []string{"a:1", "b"}, BuildArgs: map[string]string{"V": "1", "HTTP_PROXY": "mine"},
		Labels: map[string]string{"l": "x"}, Target: "t", Platform: "linux/amd64", NetworkMode: "none", ExtraHosts: []string{"h:1.2.3.4", "g:5.6.7.8"},
		CacheFrom: []string{"c:1"}, NoCache: true, Pull: true, NoRemove: true, ForceRemove: true, Squash: true, Isolation: "default",
		ShmSize: 1 << 20, Memory: 64 << 20, MemorySwap: -1, CPUShares: 512, CPUSetCPUs: "0", CPUPeriod: 100000, CPUQuota: 50000,
		Config: cfg,
	})
	require.NoError(t, err)
	assert.Equal(t, "sha256:built", res.ID)
	assert.Contains(t, res.Log, "Step 1/2")
	r := f.requests()[0]
	q := url.Values(r.Query)
	var args map[string]string
	require.NoError(t, json.Unmarshal([]byte(q.Get("buildargs")), &args), "buildargs")
	wantArgs := map[string]string{"V": "1", "HTTP_PROXY": "mine", "http_proxy": "http://proxy:3128", "NO_PROXY": "localhost", "no_proxy": "localhost"}
	assert.Equal(t, wantArgs, args, "buildargs")
	checks := map[string][]string{
		"dockerfile": {"sub/Dockerfile"}, "t": {"a:1", "b"}, "labels": {`{"l":"x"}`}, "target": {"t"}, "platform": {"linux/amd64"},
		"networkmode": {"none"}, "extrahosts": {"h:1.2.3.4", "g:5.6.7.8"}, "cachefrom": {`["c:1"]`}, "nocache": {"1"}, "pull": {"1"},
		"rm": {"0"}, "forcerm": {"1"}, "squash": {"1"}, "isolation": {"default"}, "shmsize": {"1048576"}, "memory": {"67108864"},
		"memswap": {"-1"}, "cpushares": {"512"}, "cpusetcpus": {"0"}, "cpuperiod": {"100000"}, "cpuquota": {"50000"},
	}
	for k, want := range checks {
		assert.Equal(t, want, q[k], k)
	}
	assert.Equal(t, "application/x-tar", r.Header.Get("Content-Type"))
	assert.Equal(t, "ctx", string(r.Body))
	raw, err := base64.URLEncoding.DecodeString(r.Header.Get("X-Registry-Config"))
	require.NoError(t, err)
	var rc map[string]endpoints.AuthConfig
	require.NoError(t, json.Unmarshal(raw, &rc), "X-Registry-Config %s", raw)
	assert.Len(t, rc, 1, "X-Registry-Config %s", raw)
	assert.Equal(t, "u", rc["127.0.0.1:5000"].Username, "X-Registry-Config")
	assert.Equal(t, "p", rc["127.0.0.1:5000"].Password, "X-Registry-Config")
}

func TestBuildIDFromOutput(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	f.on("POST /build", onStream(`{"stream":"Step 1/1 : FROM x\n"}`, `{"stream":"Successfully built 5678abcd\n"}`, `{"stream":"Successfully tagged a:b\n"}`))
	res, err := s.Build(t.Context(), strings.NewReader("x"), endpoints.ImageBuildOptions{})
	assert.NoError(t, err)
	assert.Equal(t, "5678abcd", res.ID)
	f.on("POST /build", onStream(`{"stream":"sha256:quietid\n"}`))
	res, err = s.Build(t.Context(), strings.NewReader("x"), endpoints.ImageBuildOptions{Quiet: true})
	assert.NoError(t, err, "quiet")
	assert.Equal(t, "sha256:quietid", res.ID, "quiet")
}

func TestBuildError(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /build", onStream(
		`{"stream":"Step 2/2 : RUN echo out-before-fail \u0026\u0026 exit 3\n"}`,
		`{"stream":"out-before-fail\n"}`,
		`{"errorDetail":{"code":3,"message":"The command '/bin/sh -c echo out-before-fail \u0026\u0026 exit 3' returned a non-zero code: 3"},"error":"The command ... returned a non-zero code: 3"}`,
	))
	s := endpoints.NewImages(w)
	_, err := s.Build(t.Context(), strings.NewReader("x"), endpoints.ImageBuildOptions{})
	var be *endpoints.BuildError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 3, be.Code)
	assert.Contains(t, be.Message, "non-zero code: 3")
	assert.Contains(t, be.Log, "out-before-fail\n")
	var se *wire.StreamError
	assert.ErrorAs(t, err, &se, "BuildError unwraps to *wire.StreamError")
}

func TestBuildDirContext(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile":    "FROM x\n",
		".dockerignore": "*.secret\nignored/\n!keep.secret\n",
		"a.txt":         "a",
		"b.secret":      "s",
		"keep.secret":   "k",
		"ignored/x":     "x",
		"sub/c.txt":     "c",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
	outside := filepath.Join(t.TempDir(), "Dockerfile.dev")
	require.NoError(t, os.WriteFile(outside, []byte("FROM outside\n"), 0o644))

	f, w := newFake(t, "1.41")
	f.on("POST /build", onStream(`{"aux":{"ID":"sha256:x"}}`))
	s := endpoints.NewImages(w)
	_, err := s.BuildDir(t.Context(), dir, endpoints.ImageBuildOptions{})
	require.NoError(t, err)
	got := tarEntries(t, f.requests()[0].Body)
	for _, want := range []string{"Dockerfile", ".dockerignore", "a.txt", "keep.secret", "sub/c.txt"} {
		assert.Contains(t, got, want, "context lacks %s", want)
	}
	for _, no := range []string{"b.secret", "ignored/x", "ignored"} {
		assert.NotContains(t, got, no, "context holds excluded %s", no)
	}

	// A Dockerfile outside the directory: sent under a random name.
	_, err = s.BuildDir(t.Context(), dir, endpoints.ImageBuildOptions{Dockerfile: outside, Compress: true})
	require.NoError(t, err)
	r := f.requests()[1]
	require.Greater(t, len(r.Body), 2)
	require.Equal(t, []byte{0x1f, 0x8b}, r.Body[:2], "gzip magic: Compress did not gzip the context")
	name := url.Values(r.Query).Get("dockerfile")
	got = tarEntries(t, r.Body)
	assert.Regexp(t, `^\.dockerfile\.`, name, "outside dockerfile's name")
	assert.Equal(t, "FROM outside\n", got[name], "outside dockerfile")
	assert.Equal(t, "FROM x\n", got["Dockerfile"], "the context's own Dockerfile")

	// A Dockerfile inside, named relative to the directory.
	_, err = s.BuildDir(t.Context(), dir, endpoints.ImageBuildOptions{Dockerfile: filepath.Join(dir, "sub", "c.txt")})
	require.NoError(t, err)
	assert.Equal(t, "sub/c.txt", url.Values(f.requests()[2].Query).Get("dockerfile"), "inside dockerfile")
}

func TestBuildDockerfileAlone(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /build", onStream(`{"aux":{"ID":"sha256:x"}}`))
	s := endpoints.NewImages(w)
	_, err := s.BuildDockerfile(t.Context(), strings.NewReader("FROM scratch\nLABEL a=b\n"), endpoints.ImageBuildOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"Dockerfile": "FROM scratch\nLABEL a=b\n"}, tarEntries(t, f.requests()[0].Body))
}

func TestImageBadInput(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	d := endpoints.NewDistribution(w)
	ctx := t.Context()
	calls := map[string]func() error{
		"inspect-empty":  func() error { _, err := s.Inspect(ctx, "", endpoints.ImageInspectOptions{}); return err },
		"inspect-dotdot": func() error { _, err := s.Inspect(ctx, "..", endpoints.ImageInspectOptions{}); return err },
		"inspect-both": func() error {
			_, err := s.Inspect(ctx, "a", endpoints.ImageInspectOptions{Manifests: true, Platform: &endpoints.Platform{}})
			return err
		},
		"tag-digest": func() error {
			_, err := s.Tag(ctx, "a", "b@sha256:00", endpoints.ImageTagOptions{})
			return err
		},
		"tag-empty": func() error {
			_, err := s.Tag(ctx, "a", " ", endpoints.ImageTagOptions{})
			return err
		},
		"pull-empty":       func() error { _, err := s.Pull(ctx, "", endpoints.ImagePullOptions{}); return err },
		"pull-newline":     func() error { _, err := s.Pull(ctx, "a\nb", endpoints.ImagePullOptions{}); return err },
		"pull-alltags-tag": func() error { _, err := s.Pull(ctx, "a:1", endpoints.ImagePullOptions{AllTags: true}); return err },
		"push-digest":      func() error { _, err := s.Push(ctx, "a@sha256:00", endpoints.ImagePushOptions{}); return err },
		"search-negative":  func() error { _, err := s.Search(ctx, "x", endpoints.ImageSearchOptions{Limit: -1}); return err },
		"getall-none":      func() error { _, err := s.GetAll(ctx, nil, endpoints.ImageGetAllOptions{}); return err },
		"load-nil":         func() error { _, err := s.Load(ctx, nil, endpoints.ImageLoadOptions{}); return err },
		"import-nil":       func() error { _, err := s.Import(ctx, nil, endpoints.ImageImportOptions{}); return err },
		"build-nothing":    func() error { _, err := s.Build(ctx, nil, endpoints.ImageBuildOptions{}); return err },
		"build-neg-memory": func() error {
			_, err := s.Build(ctx, strings.NewReader(""), endpoints.ImageBuildOptions{Memory: -1})
			return err
		},
		"build-bad-tag": func() error {
			_, err := s.Build(ctx, strings.NewReader(""), endpoints.ImageBuildOptions{Tags: []string{"a b"}})
			return err
		},
		"build-dir-empty": func() error { _, err := s.BuildDir(ctx, "", endpoints.ImageBuildOptions{}); return err },
		"dockerfile-escape": func() error {
			_, err := s.BuildDockerfile(ctx, strings.NewReader("FROM x"), endpoints.ImageBuildOptions{Dockerfile: "../D"})
			return err
		},
		"prune-neg": func() error {
			_, err := s.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{MinFreeSpace: -1})
			return err
		},
		"commit-empty":       func() error { _, err := s.Commit(ctx, "", endpoints.ImageCommitOptions{}); return err },
		"distribution-empty": func() error { _, err := d.Inspect(ctx, "", endpoints.DistributionInspectOptions{}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			var ae *endpoints.ArgError
			require.ErrorAs(t, err, &ae)
			assert.ErrorIs(t, err, wire.ErrInvalidArgument)
			assert.Regexp(t, "^endpoints: ", err.Error())
		})
	}
	assert.Empty(t, f.requests(), "requests sent for bad input")
}

func TestImageVersionGates(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	ctx := t.Context()
	p := &endpoints.Platform{OS: "linux", Architecture: "arm64"}
	calls := map[string]func() error{
		"attestations": func() error { _, err := s.Attestations(ctx, "a", endpoints.ImageAttestationsOptions{}); return err },
		"list-manifests": func() error {
			_, err := s.List(ctx, endpoints.ImageListOptions{Manifests: true})
			return err
		},
		"inspect-platform": func() error { _, err := s.Inspect(ctx, "a", endpoints.ImageInspectOptions{Platform: p}); return err },
		"history-platform": func() error { _, err := s.History(ctx, "a", endpoints.ImageHistoryOptions{Platform: p}); return err },
		"push-platform":    func() error { _, err := s.Push(ctx, "a", endpoints.ImagePushOptions{Platform: p}); return err },
		"load-platform": func() error {
			_, err := s.Load(ctx, strings.NewReader(""), endpoints.ImageLoadOptions{Platforms: []endpoints.Platform{*p}})
			return err
		},
		"delete-platforms": func() error {
			_, err := s.Delete(ctx, "a", endpoints.ImageDeleteOptions{Platforms: []endpoints.Platform{*p}})
			return err
		},
		"prune-max-used": func() error {
			_, err := s.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{MaxUsedSpace: 1})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var ve *wire.VersionError
			assert.ErrorAs(t, call(), &ve)
		})
	}
	assert.Empty(t, f.requests(), "requests sent by refused calls")
}

func TestImageDecode(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	ctx := t.Context()
	f.on("GET /images/x/json", onJSON(200, map[string]any{
		"Id": "sha256:1", "RepoTags": []string{"x:latest"}, "Created": "2024-01-02T03:04:05Z", "Size": 1234, "Os": "linux", "Architecture": "amd64",
		"Config": map[string]any{"Env": []string{"PATH=/bin"}, "Cmd": []string{"sh"}, "Labels": map[string]string{"a": "b"}},
		"RootFS": map[string]any{"Type": "layers", "Layers": []string{"sha256:l1"}}, "Metadata": map[string]any{"LastTagTime": "2024-01-02T03:04:05Z"},
		"Unknown": 1,
	}))
	in, err := s.Inspect(ctx, "x", endpoints.ImageInspectOptions{})
	require.NoError(t, err)
	assert.Equal(t, "sha256:1", in.ID)
	assert.Equal(t, "b", in.Labels()["a"])
	assert.Equal(t, []string{"sha256:l1"}, in.RootFS.Layers)
	assert.EqualValues(t, 1234, in.Size)
	assert.NotEmpty(t, in.Metadata.LastTagTime)
	f.on("DELETE /images/x", onJSON(200, []map[string]string{{"Untagged": "x:latest"}, {"Deleted": "sha256:1"}}))
	del, err := s.Delete(ctx, "x", endpoints.ImageDeleteOptions{})
	assert.NoError(t, err)
	assert.Equal(t, []endpoints.ImageDeleteItem{{Untagged: "x:latest"}, {Deleted: "sha256:1"}}, del.Items)
	f.on("GET /images/nope/json", onJSON(404, map[string]string{"message": "No such image: nope:latest"}))
	_, err = s.Inspect(ctx, "nope", endpoints.ImageInspectOptions{})
	assert.ErrorIs(t, err, endpoints.ErrImageNotFound)
	assert.ErrorIs(t, err, wire.ErrNotFound)
	f.on("GET /images/search", onJSON(200, []map[string]any{{"name": "bb", "star_count": 3, "is_official": true}}))
	sr, err := s.Search(ctx, "bb", endpoints.ImageSearchOptions{})
	require.NoError(t, err)
	require.Len(t, sr.Items, 1)
	assert.Equal(t, 3, sr.Items[0].StarCount)
	assert.True(t, sr.Items[0].IsOfficial, "IsOfficial")
	d := endpoints.NewDistribution(w)
	f.on("GET /distribution/127.0.0.1:5000/a:1/json", onJSON(200, map[string]any{
		"Descriptor": map[string]any{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "sha256:m", "size": 527},
		"Platforms":  []map[string]any{{"architecture": "amd64", "os": "linux"}},
	}))
	di, err := d.Inspect(ctx, "127.0.0.1:5000/a:1", endpoints.DistributionInspectOptions{Auth: &endpoints.AuthConfig{Username: "u"}})
	require.NoError(t, err)
	assert.Equal(t, "sha256:m", di.Descriptor.Digest)
	assert.EqualValues(t, 527, di.Descriptor.Size)
	require.NotEmpty(t, di.Platforms)
	assert.Equal(t, "linux/amd64", di.Platforms[0].String())
	assert.Equal(t, "u", decodeAuth(t, f.requests()[len(f.requests())-1].Header.Get("X-Registry-Auth"))["username"], "distribution auth")
}

// TestSaveStreams checks that Get hands back the body as a stream: the
// first bytes are readable while the daemon is still writing.
func TestSaveStreams(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	release := make(chan struct{})
	f.on("GET /images/big/get", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/x-tar")
		w.WriteHeader(200)
		w.Write(bytes.Repeat([]byte("x"), 4096))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	s := endpoints.NewImages(w)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rc, err := s.Get(ctx, "big", endpoints.ImageGetOptions{})
	require.NoError(t, err)
	buf := make([]byte, 4096)
	_, err = io.ReadFull(rc, buf)
	require.NoError(t, err)
	cancel()
	start := time.Now()
	_, err = io.ReadAll(rc)
	assert.Error(t, err, "read after cancel")
	assert.LessOrEqual(t, time.Since(start), 2*time.Second, "read after cancel")
	rc.Close()
	close(release)
}

func TestProgressTotalPhases(t *testing.T) {
	var tot endpoints.ProgressTotal
	for _, p := range []endpoints.Progress{
		{ID: "a", Status: "Downloading", ProgressDetail: &endpoints.ProgressDetail{Current: 10, Total: 100}},
		{ID: "b", Status: "Already exists"},
		{ID: "a", Status: "Downloading", ProgressDetail: &endpoints.ProgressDetail{Current: 100, Total: 100}},
		{ID: "a", Status: "Extracting", ProgressDetail: &endpoints.ProgressDetail{Current: 30, Total: 100}},
		{ID: "c", Status: "Pushing", ProgressDetail: &endpoints.ProgressDetail{Current: 500, Total: 400}},
		{Status: "Digest: sha256:x"},
	} {
		tot.Add(p)
	}
	done, total := tot.Bytes()
	assert.EqualValues(t, 430, done, "bytes done: a extracting 30/100, c capped 400/400, b unknown size")
	assert.EqualValues(t, 500, total, "bytes in all")
	var ids []string
	for _, l := range tot.Layers() {
		ids = append(ids, l.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids, "layers in order of appearance")
}

// TestPullCancel cancels a pull whose daemon stalls mid-stream: Pull must
// return promptly with the ctx's error and leave no goroutine behind.
func TestPullCancel(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, `{"status":"Downloading","progressDetail":{"current":1,"total":2},"id":"l1"}`+"\r\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan struct{}, 1)
	go func() {
		<-got
		cancel()
	}()
	start := time.Now()
	_, err := endpoints.NewImages(w).Pull(ctx, "127.0.0.1:5000/slow", endpoints.ImagePullOptions{Progress: func(endpoints.Progress) {
		select {
		case got <- struct{}{}:
		default:
		}
	}})
	assert.ErrorIs(t, err, context.Canceled, "cancelled pull")
	assert.LessOrEqual(t, time.Since(start), 3*time.Second, "cancelled pull")
}

// BenchmarkPullProgress decodes a pull's progress stream: 10,000 layer
// records through Pull's callback and a ProgressTotal.
func BenchmarkPullProgress(b *testing.B) {
	var body strings.Builder
	for i := 0; i < 10000; i++ {
		body.WriteString(`{"status":"Downloading","progressDetail":{"current":` + strconv.Itoa(i*1000) + `,"total":10000000},"progress":"[=>    ] 1MB/10MB","id":"l` + strconv.Itoa(i%8) + "\"}\r\n")
	}
	payload := body.String()
	w := unixServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, payload)
	}))
	s := endpoints.NewImages(w)
	ctx := b.Context()
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		var total endpoints.ProgressTotal
		if _, err := s.Pull(ctx, "r.example/x", endpoints.ImagePullOptions{Progress: total.Add}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGetFile: docker save -o: the archive lands whole at path; a failed
// save leaves path as it was and no temporary file behind.
func TestGetFile(t *testing.T) {
	f, w := newFake(t, "1.41")
	archive := strings.Repeat("layer", 1000)
	f.on("GET /images/busybox:latest/get", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/x-tar")
		w.Write([]byte(archive))
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "busybox.tar")
	res, err := endpoints.NewImages(w).GetFile(t.Context(), "busybox:latest", path, endpoints.ImageGetOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, len(archive), res.Size)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, archive, string(data))

	// A body cut short: an error, path untouched.
	f.on("GET /images/busybox:latest/get", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Length", "100000")
		w.Write([]byte("partial"))
	})
	_, err = endpoints.NewImages(w).GetFile(t.Context(), "busybox:latest", path, endpoints.ImageGetOptions{})
	require.Error(t, err)
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, archive, string(data), "the earlier archive was replaced by a partial one")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "a temporary file was left behind")

	_, err = endpoints.NewImages(w).GetFile(t.Context(), "busybox:latest", "", endpoints.ImageGetOptions{})
	assert.ErrorIs(t, err, wire.ErrInvalidArgument)
}
