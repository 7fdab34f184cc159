package endpoints_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// writeHelper puts docker-credential-<name> on PATH: a shell script.
func writeHelper(t *testing.T, name, script string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "docker-credential-"+name)
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755))
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func writeConfig(t *testing.T, json string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(json), 0o600))
	return dir
}

func TestRegistryHost(t *testing.T) {
	for ref, want := range map[string]string{
		"busybox":                       "docker.io",
		"library/busybox:1":             "docker.io",
		"docker.io/library/busybox":     "docker.io",
		"index.docker.io/a/b":           "docker.io",
		"127.0.0.1:5000/a/b:t":          "127.0.0.1:5000",
		"localhost/x":                   "localhost",
		"reg.example.com/x@sha256:00":   "reg.example.com",
		"user/repo":                     "docker.io",
		"[::1]:5000/x":                  "[::1]:5000",
		"127.0.0.1:5000/only-one-level": "127.0.0.1:5000",
	} {
		assert.Equal(t, want, endpoints.RegistryHost(ref), "RegistryHost(%q)", ref)
	}
}

func TestConfigFileAuths(t *testing.T) {
	dir := writeConfig(t, `{
		"auths": {
			"127.0.0.1:5000": {"auth": "`+b64("alice:pa:ss")+`"},
			"https://127.0.0.1:5001/v2/": {"auth": "`+b64("bob:pw")+`"},
			"https://index.docker.io/v1/": {"auth": "`+b64("hubuser:hubpw")+`"},
			"tok.example": {"identitytoken": "idtok"},
			"empty.example": {}
		},
		"proxies": {"default": {"httpProxy": "http://p:1", "noProxy": "x"}, "tcp://remote:2376": {"httpsProxy": "http://r:2"}}
	}`)
	cfg, err := endpoints.LoadConfigFile(dir)
	require.NoError(t, err)
	ctx := t.Context()
	cases := []struct {
		ref  string
		want *endpoints.AuthConfig
	}{
		{"127.0.0.1:5000/a:1", &endpoints.AuthConfig{Username: "alice", Password: "pa:ss", ServerAddress: "127.0.0.1:5000"}},
		{"127.0.0.1:5001/a", &endpoints.AuthConfig{Username: "bob", Password: "pw", ServerAddress: "127.0.0.1:5001"}},
		{"busybox", &endpoints.AuthConfig{Username: "hubuser", Password: "hubpw", ServerAddress: endpoints.IndexServer}},
		{"tok.example/x", &endpoints.AuthConfig{IdentityToken: "idtok", ServerAddress: "tok.example"}},
		{"127.0.0.1:5002/a", nil}, // another port: never another registry's credentials
		{"127.0.0.1/a", nil},
		{"empty.example/a", nil},
	}
	for _, tc := range cases {
		got, err := cfg.AuthFor(ctx, tc.ref)
		if assert.NoError(t, err, tc.ref) {
			assert.Equal(t, tc.want, got, "AuthFor(%q)", tc.ref)
		}
	}
	assert.Equal(t, []string{"HTTP_PROXY=http://p:1", "NO_PROXY=x", "http_proxy=http://p:1", "no_proxy=x"}, cfg.ProxyEnv(""), "ProxyEnv default")
	assert.Equal(t, []string{"HTTPS_PROXY=http://r:2", "https_proxy=http://r:2"}, cfg.ProxyEnv("tcp://remote:2376"), "ProxyEnv remote")
}

func TestConfigFileMissingAndBad(t *testing.T) {
	cfg, err := endpoints.LoadConfigFile(t.TempDir())
	require.NoError(t, err, "missing config.json")
	require.NotNil(t, cfg, "missing config.json")
	a, err := cfg.AuthFor(t.Context(), "x/y")
	assert.NoError(t, err, "empty config")
	assert.Nil(t, a, "empty config")
	_, err = endpoints.LoadConfigFile(writeConfig(t, `{"auths":`))
	if assert.Error(t, err, "malformed config") {
		assert.Regexp(t, "^endpoints: config file", err.Error())
	}
	cfg, err = endpoints.LoadConfigFile(writeConfig(t, `{"auths":{"r.example":{"auth":"!!!"}}}`))
	require.NoError(t, err)
	_, err = cfg.AuthFor(t.Context(), "r.example/x")
	if assert.Error(t, err, "bad base64") {
		assert.NotContains(t, err.Error(), "!!!", "must not echo the secret")
	}
	_, err = endpoints.LoadConfigFile("")
	assert.Error(t, err, "empty dir accepted")
}

func TestCredentialHelpers(t *testing.T) {
	writeHelper(t, "fake", `read server
case "$server" in
127.0.0.1:5001) echo '{"ServerURL":"127.0.0.1:5001","Username":"helperuser","Secret":"helperpw"}' ;;
https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"hubtoken"}' ;;
*) echo "credentials not found in native keychain"; exit 1 ;;
esac
`)
	writeHelper(t, "broken", `echo "secret-service unavailable" >&2; exit 3`)
	writeHelper(t, "slow", `sleep 10`)
	dir := writeConfig(t, `{
		"credsStore": "fake",
		"credHelpers": {"127.0.0.1:5003": "broken", "127.0.0.1:5004": "slow", "127.0.0.1:5005": "../evil"},
		"auths": {"127.0.0.1:5006": {"auth": "`+b64("fileuser:filepw")+`"}}
	}`)
	cfg, err := endpoints.LoadConfigFile(dir)
	require.NoError(t, err)
	ctx := t.Context()
	a, err := cfg.AuthFor(ctx, "127.0.0.1:5001/x")
	if assert.NoError(t, err, "credsStore") && assert.NotNil(t, a, "credsStore") {
		assert.Equal(t, "helperuser", a.Username, "credsStore")
		assert.Equal(t, "helperpw", a.Password, "credsStore")
		assert.Equal(t, "127.0.0.1:5001", a.ServerAddress, "credsStore")
	}
	a, err = cfg.AuthFor(ctx, "busybox")
	if assert.NoError(t, err, "credsStore token") && assert.NotNil(t, a, "credsStore token") {
		assert.Equal(t, "hubtoken", a.IdentityToken, "credsStore token")
		assert.Empty(t, a.Username, "credsStore token")
	}
	// The store has nothing for it: auths is the fallback.
	a, err = cfg.AuthFor(ctx, "127.0.0.1:5006/x")
	if assert.NoError(t, err, "auths fallback") && assert.NotNil(t, a, "auths fallback") {
		assert.Equal(t, "fileuser", a.Username, "auths fallback")
	}
	a, err = cfg.AuthFor(ctx, "127.0.0.1:5009/x")
	assert.NoError(t, err, "not found")
	assert.Nil(t, a, "not found")
	_, err = cfg.AuthFor(ctx, "127.0.0.1:5003/x")
	assert.ErrorIs(t, err, endpoints.ErrCredentialHelper, "broken helper")
	assert.ErrorContains(t, err, "docker-credential-broken", "broken helper")
	tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = cfg.AuthFor(tctx, "127.0.0.1:5004/x")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "slow helper")
	assert.LessOrEqual(t, time.Since(start), 5*time.Second, "slow helper")
	_, err = cfg.AuthFor(ctx, "127.0.0.1:5005/x")
	assert.Error(t, err, "helper name with a path accepted")
}

// TestAuthNeverCrossesHosts pulls from two registries with one config and
// checks each request carries only its own registry's credentials.
func TestAuthNeverCrossesHosts(t *testing.T) {
	dir := writeConfig(t, `{"auths": {
		"127.0.0.1:5000": {"auth": "`+b64("a-user:a-secret")+`"},
		"127.0.0.1:6000": {"auth": "`+b64("b-user:b-secret")+`"}}}`)
	cfg, err := endpoints.LoadConfigFile(dir)
	require.NoError(t, err)
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", onStream(`{"status":"ok"}`))
	s := endpoints.NewImages(w)
	ctx := t.Context()
	for _, ref := range []string{"127.0.0.1:5000/x", "127.0.0.1:6000/x", "127.0.0.1:7000/x"} {
		auth, err := cfg.AuthFor(ctx, ref)
		require.NoError(t, err)
		_, err = s.Pull(ctx, ref, endpoints.ImagePullOptions{Auth: auth})
		require.NoError(t, err)
	}
	reqs := f.requests()
	for i, want := range []string{"a-", "b-", ""} {
		raw, _ := base64.URLEncoding.DecodeString(reqs[i].Header.Get("X-Registry-Auth"))
		s := string(raw)
		for _, other := range []string{"a-", "b-"} {
			if other != want {
				assert.NotContains(t, s, other, "request %d carries %s credentials", i, other)
			}
		}
		if want != "" {
			assert.Contains(t, s, want+"secret", "request %d lacks its own credentials", i)
		}
	}
}
