package endpoints

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// IndexServer is the key of Docker Hub's credentials in config.json, and
// the ServerAddress sent for images of docker.io.
const IndexServer = "https://index.docker.io/v1/"

// ErrCredentialHelper is wrapped by the errors of a docker-credential-<name>
// program that failed for a reason other than "no credentials".
var ErrCredentialHelper = errors.New("endpoints: credential helper failed")

// ConfigAuth is one entry of config.json's "auths".
type ConfigAuth struct {
	Auth          string `json:"auth,omitempty"` // base64("user:password")
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	Email         string `json:"email,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
	RegistryToken string `json:"registrytoken,omitempty"`
}

// ProxyConfig is one entry of config.json's "proxies" ("default" or a
// daemon host).
type ProxyConfig struct {
	HTTPProxy  string `json:"httpProxy,omitempty"`
	HTTPSProxy string `json:"httpsProxy,omitempty"`
	NoProxy    string `json:"noProxy,omitempty"`
	FTPProxy   string `json:"ftpProxy,omitempty"`
	AllProxy   string `json:"allProxy,omitempty"`
}

// ConfigFile is the docker CLI's config.json, as far as registries and
// proxies go. Load it with [LoadConfigFile] from dial.Config.ConfigDir
// (DOCKER_CONFIG, or ~/.docker).
//
// Credentials are resolved per registry host: the image reference's
// registry ("127.0.0.1:5000", "docker.io" for names without one) is matched
// against the keys of credHelpers, then of credsStore's store, then of auths,
// and a credential is only ever returned for the exact host (and port) it
// is stored under. Neither ConfigFile nor the operations log credentials.
//
// # Concurrency
//
// A ConfigFile is not modified once loaded; its methods may be called from
// several goroutines.
type ConfigFile struct {
	Auths       map[string]ConfigAuth  `json:"auths,omitempty"`
	CredsStore  string                 `json:"credsStore,omitempty"`
	CredHelpers map[string]string      `json:"credHelpers,omitempty"`
	Proxies     map[string]ProxyConfig `json:"proxies,omitempty"`
}

// maxConfigFile caps config.json and a helper's output.
const maxConfigFile = 4 << 20

// LoadConfigFile reads dir/config.json. A missing file is an empty
// ConfigFile, not an error; a malformed one is an error naming the file.
func LoadConfigFile(dir string) (*ConfigFile, error) {
	if dir == "" {
		return nil, argErr("LoadConfigFile", "dir", dir, "must not be empty (use dial.Config.ConfigDir)")
	}
	path := filepath.Join(dir, "config.json")
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &ConfigFile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("endpoints: config file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("endpoints: config file %s: %w", path, err)
	}
	if len(data) > maxConfigFile {
		return nil, fmt.Errorf("endpoints: config file %s: larger than 4 MiB", path)
	}
	var c ConfigFile
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("endpoints: config file %s: %w", path, err)
		}
	}
	return &c, nil
}

// RegistryHost returns the registry host of an image reference the way the
// daemon resolves it: the first path component when it holds a "." or a
// ":" or is "localhost", else "docker.io".
func RegistryHost(ref string) string {
	i := strings.IndexByte(ref, '/')
	if i < 0 {
		return "docker.io"
	}
	first := ref[:i]
	if strings.ContainsAny(first, ".:") || first == "localhost" {
		if first == "index.docker.io" || first == "registry-1.docker.io" {
			return "docker.io"
		}
		return first
	}
	return "docker.io"
}

// hostOf normalizes a config.json key ("https://127.0.0.1:5000/v2/",
// "127.0.0.1:5000", "https://index.docker.io/v1/") to a host ("docker.io"
// for Docker Hub's spellings).
func hostOf(key string) string {
	h := key
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if i := strings.IndexByte(h, '/'); i >= 0 {
		h = h[:i]
	}
	switch h {
	case "index.docker.io", "registry-1.docker.io", "docker.io":
		return "docker.io"
	}
	return h
}

// serverAddress is what credential helpers and the daemon call a host.
func serverAddress(host string) string {
	if host == "docker.io" {
		return IndexServer
	}
	return host
}

// AuthFor returns the credentials config.json holds for the registry of the
// image reference ref, or nil when it holds none.
func (c *ConfigFile) AuthFor(ctx context.Context, ref string) (*AuthConfig, error) {
	return c.AuthForRegistry(ctx, RegistryHost(ref))
}

// AuthForRegistry returns the credentials for a registry host
// ("127.0.0.1:5000", "docker.io"), or nil when there are none: from its
// credHelpers entry, else credsStore, else auths (base64 "user:password",
// or an identity token). Helpers run as `docker-credential-<name> get`,
// found on PATH, with ctx bounding them.
func (c *ConfigFile) AuthForRegistry(ctx context.Context, registry string) (*AuthConfig, error) {
	host := hostOf(registry)
	if host == "" {
		return nil, argErr("AuthForRegistry", "registry", registry, "names no host")
	}
	for key, helper := range c.CredHelpers {
		if hostOf(key) == host && helper != "" {
			return helperGet(ctx, helper, key, host)
		}
	}
	var entryKey string
	var entry *ConfigAuth
	for key, a := range c.Auths {
		if hostOf(key) == host {
			if entry == nil || key == serverAddress(host) {
				a := a
				entry, entryKey = &a, key
			}
		}
	}
	if c.CredsStore != "" {
		key := serverAddress(host)
		if entryKey != "" {
			key = entryKey
		}
		a, err := helperGet(ctx, c.CredsStore, key, host)
		if err != nil || a != nil {
			return a, err
		}
	}
	if entry == nil {
		return nil, nil
	}
	out := &AuthConfig{
		Username: entry.Username, Password: entry.Password, Email: entry.Email,
		IdentityToken: entry.IdentityToken, RegistryToken: entry.RegistryToken,
		ServerAddress: serverAddress(host),
	}
	if entry.Auth != "" {
		raw, err := base64.StdEncoding.DecodeString(entry.Auth)
		if err != nil {
			return nil, fmt.Errorf("endpoints: config file: auths[%q].auth is not base64", entryKey)
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil, fmt.Errorf("endpoints: config file: auths[%q].auth is not user:password", entryKey)
		}
		out.Username, out.Password = user, pass
	}
	if out.Username == "" && out.Password == "" && out.IdentityToken == "" && out.RegistryToken == "" {
		return nil, nil
	}
	return out, nil
}

// allAuths returns the credentials of every registry auths and credHelpers
// name, for a build's X-Registry-Config. Failing helpers are skipped.
func (c *ConfigFile) allAuths() map[string]AuthConfig {
	out := map[string]AuthConfig{}
	hosts := map[string]bool{}
	for k := range c.Auths {
		hosts[hostOf(k)] = true
	}
	for k := range c.CredHelpers {
		hosts[hostOf(k)] = true
	}
	for h := range hosts {
		if h == "" {
			continue
		}
		a, err := c.AuthForRegistry(context.Background(), h)
		if err == nil && a != nil {
			out[serverAddress(h)] = *a
		}
	}
	return out
}

// helperGet runs `docker-credential-<helper> get` with server on stdin.
func helperGet(ctx context.Context, helper, server, host string) (*AuthConfig, error) {
	if strings.ContainsAny(helper, `/\`) || strings.HasPrefix(helper, "-") || strings.HasPrefix(helper, ".") {
		return nil, argErr("credential helper", "name", helper, "must be a plain program suffix")
	}
	prog := "docker-credential-" + helper
	cmd := exec.CommandContext(ctx, prog, "get")
	cmd.Stdin = strings.NewReader(server)
	var stdout, stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second // a helper's children holding its pipes cannot hold us
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(stdout.String() + " " + stderr.String())
		if strings.Contains(strings.ToLower(msg), "credentials not found") {
			return nil, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrCredentialHelper, prog, ctx.Err())
		}
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		return nil, fmt.Errorf("%w: %s get for %s: %w: %s", ErrCredentialHelper, prog, host, err, msg)
	}
	var got struct {
		ServerURL string
		Username  string
		Secret    string
	}
	if err := json.Unmarshal(stdout.b, &got); err != nil {
		return nil, fmt.Errorf("%w: %s get for %s: output is not JSON", ErrCredentialHelper, prog, host)
	}
	if got.Username == "" && got.Secret == "" {
		return nil, nil
	}
	a := &AuthConfig{ServerAddress: serverAddress(host)}
	if got.Username == "<token>" {
		a.IdentityToken = got.Secret
	} else {
		a.Username, a.Password = got.Username, got.Secret
	}
	return a, nil
}

// limitedBuffer keeps the first maxConfigFile bytes written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxConfigFile - len(l.b); room > 0 {
		if len(p) > room {
			l.b = append(l.b, p[:room]...)
		} else {
			l.b = append(l.b, p...)
		}
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }

// ProxyEnv returns the proxy variables config.json sets for the daemon
// host (its "proxies" entry, else "default"; host "" means "default", as
// docker-py uses): "HTTP_PROXY=...", "http_proxy=..." and the same for
// HTTPS_PROXY, NO_PROXY, FTP_PROXY and ALL_PROXY, sorted. Builds take them as
// build args (ImageBuildOptions.Config); for a container, append them to its Env
// where the caller's own variables do not set them.
func (c *ConfigFile) ProxyEnv(host string) []string {
	p, ok := c.Proxies[host]
	if !ok {
		p = c.Proxies["default"]
	}
	var env []string
	for _, kv := range []struct{ k, v string }{
		{"HTTP_PROXY", p.HTTPProxy}, {"HTTPS_PROXY", p.HTTPSProxy}, {"NO_PROXY", p.NoProxy},
		{"FTP_PROXY", p.FTPProxy}, {"ALL_PROXY", p.AllProxy},
	} {
		if kv.v != "" {
			env = append(env, kv.k+"="+kv.v, strings.ToLower(kv.k)+"="+kv.v)
		}
	}
	sort.Strings(env)
	return env
}
