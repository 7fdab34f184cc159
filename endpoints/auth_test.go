package endpoints_test

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/endpoints"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// writeHelper puts docker-credential-<name> on PATH: a shell script.
func writeHelper(t *testing.T, name, script string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "docker-credential-"+name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func writeConfig(t *testing.T, json string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(json), 0o600); err != nil {
		t.Fatal(err)
	}
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
		if got := endpoints.RegistryHost(ref); got != want {
			t.Errorf("RegistryHost(%q) = %q, want %q", ref, got, want)
		}
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
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
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
		if err != nil {
			t.Errorf("%s: %v", tc.ref, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("AuthFor(%q) = %+v, want %+v", tc.ref, got, tc.want)
		}
	}
	if env := cfg.ProxyEnv(""); !reflect.DeepEqual(env, []string{"HTTP_PROXY=http://p:1", "NO_PROXY=x", "http_proxy=http://p:1", "no_proxy=x"}) {
		t.Errorf("ProxyEnv default %v", env)
	}
	if env := cfg.ProxyEnv("tcp://remote:2376"); !reflect.DeepEqual(env, []string{"HTTPS_PROXY=http://r:2", "https_proxy=http://r:2"}) {
		t.Errorf("ProxyEnv remote %v", env)
	}
}

func TestConfigFileMissingAndBad(t *testing.T) {
	cfg, err := endpoints.LoadConfigFile(t.TempDir())
	if err != nil || cfg == nil {
		t.Fatalf("missing config.json: %v", err)
	}
	if a, err := cfg.AuthFor(context.Background(), "x/y"); a != nil || err != nil {
		t.Errorf("empty config gave %v %v", a, err)
	}
	if _, err := endpoints.LoadConfigFile(writeConfig(t, `{"auths":`)); err == nil || !strings.HasPrefix(err.Error(), "endpoints: config file") {
		t.Errorf("malformed config: %v", err)
	}
	cfg, _ = endpoints.LoadConfigFile(writeConfig(t, `{"auths":{"r.example":{"auth":"!!!"}}}`))
	if _, err := cfg.AuthFor(context.Background(), "r.example/x"); err == nil || strings.Contains(err.Error(), "!!!") {
		t.Errorf("bad base64: %v (must not echo the secret)", err)
	}
	if _, err := endpoints.LoadConfigFile(""); err == nil {
		t.Error("empty dir accepted")
	}
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
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := cfg.AuthFor(ctx, "127.0.0.1:5001/x")
	if err != nil || a == nil || a.Username != "helperuser" || a.Password != "helperpw" || a.ServerAddress != "127.0.0.1:5001" {
		t.Errorf("credsStore: %+v %v", a, err)
	}
	a, err = cfg.AuthFor(ctx, "busybox")
	if err != nil || a == nil || a.IdentityToken != "hubtoken" || a.Username != "" {
		t.Errorf("credsStore token: %+v %v", a, err)
	}
	// The store has nothing for it: auths is the fallback.
	a, err = cfg.AuthFor(ctx, "127.0.0.1:5006/x")
	if err != nil || a == nil || a.Username != "fileuser" {
		t.Errorf("auths fallback: %+v %v", a, err)
	}
	if a, err := cfg.AuthFor(ctx, "127.0.0.1:5009/x"); a != nil || err != nil {
		t.Errorf("not found: %+v %v", a, err)
	}
	_, err = cfg.AuthFor(ctx, "127.0.0.1:5003/x")
	if !errors.Is(err, endpoints.ErrCredentialHelper) || !strings.Contains(err.Error(), "docker-credential-broken") {
		t.Errorf("broken helper: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = cfg.AuthFor(tctx, "127.0.0.1:5004/x")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("slow helper: %v after %v", err, time.Since(start))
	}
	if _, err := cfg.AuthFor(ctx, "127.0.0.1:5005/x"); err == nil {
		t.Error("helper name with a path accepted")
	}
}

// TestAuthNeverCrossesHosts pulls from two registries with one config and
// checks each request carries only its own registry's credentials.
func TestAuthNeverCrossesHosts(t *testing.T) {
	dir := writeConfig(t, `{"auths": {
		"127.0.0.1:5000": {"auth": "`+b64("a-user:a-secret")+`"},
		"127.0.0.1:6000": {"auth": "`+b64("b-user:b-secret")+`"}}}`)
	cfg, err := endpoints.LoadConfigFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", onStream(`{"status":"ok"}`))
	s := endpoints.NewImages(w)
	ctx := context.Background()
	for _, ref := range []string{"127.0.0.1:5000/x", "127.0.0.1:6000/x", "127.0.0.1:7000/x"} {
		auth, err := cfg.AuthFor(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pull(ctx, ref, endpoints.ImagePullOptions{Auth: auth}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := f.requests()
	for i, want := range []string{"a-", "b-", ""} {
		raw, _ := base64.URLEncoding.DecodeString(reqs[i].Header.Get("X-Registry-Auth"))
		s := string(raw)
		for _, other := range []string{"a-", "b-"} {
			if other != want && strings.Contains(s, other) {
				t.Errorf("request %d carries %s credentials: %s", i, other, s)
			}
		}
		if want != "" && !strings.Contains(s, want+"secret") {
			t.Errorf("request %d lacks its own credentials", i)
		}
	}
}
