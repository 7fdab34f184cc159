package fuzz

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
)

// checkHost reports what is wrong with a Host that ParseHost accepted.
func checkHost(t *testing.T, in string, h dial.Host) {
	t.Helper()
	require.Contains(t, []string{"unix", "npipe", "tcp", "ssh"}, h.Scheme, "%q: unknown scheme accepted", in)
	switch h.Scheme {
	case "unix", "npipe":
		require.Empty(t, h.User, "%q: %s host %+v", in, h.Scheme, h)
		require.Empty(t, h.Path, "%q: %s host %+v", in, h.Scheme, h)
		require.False(t, h.TLS, "%q: %s host %+v", in, h.Scheme, h)
		require.NotEmpty(t, h.Addr, "%q: %s host %+v", in, h.Scheme, h)
	case "tcp", "ssh":
		host, port, err := net.SplitHostPort(h.Addr)
		if h.Scheme == "ssh" && err != nil {
			// No port: the ssh config's applies. An IPv6 literal keeps its brackets.
			host, port, err = strings.TrimSuffix(strings.TrimPrefix(h.Addr, "["), "]"), "22", nil
			if strings.Contains(host, ":") != strings.HasPrefix(h.Addr, "[") {
				err = errors.New("IPv6 literal without brackets, or brackets around a name")
			}
		}
		require.NoError(t, err, "%q: Addr %q is not host[:port]", in, h.Addr)
		require.NotEmpty(t, host, "%q: Addr %q is not host[:port]", in, h.Addr)
		require.NotEmpty(t, port, "%q: Addr %q is not host[:port]", in, h.Addr)
		// Either would become an option if an ssh command line is built.
		require.NotRegexp(t, "^-", host, "%q: accepted a host starting with '-': %+v", in, h)
		require.NotRegexp(t, "^-", h.User, "%q: accepted a user starting with '-': %+v", in, h)
		require.NotRegexp(t, "[:@/ \t\r\n]", h.User, "%q: odd ssh user", in)
		if h.Scheme == "tcp" {
			require.Empty(t, h.User, "%q: tcp host with a user: %+v", in, h)
			require.Empty(t, h.Path, "%q: tcp host with a path: %+v", in, h)
		} else {
			require.False(t, h.TLS, "%q: ssh host with TLS", in)
		}
		if h.Path != "" {
			require.Regexp(t, "^/", h.Path, "%q: ssh path is not absolute", in)
		}
	}
	s := h.String()
	again, err := dial.ParseHost(s)
	require.NoError(t, err, "%q: String() %q does not parse", in, s)
	require.Equal(t, h, again, "%q: round trip through %q", in, s)
	require.Equal(t, s, again.String(), "%q: String not stable", in)
}

// FuzzDialParseHost (target 8): errors are *dial.Error{Op: "parse"} with a
// zero Host; accepted hosts are well formed, never start with "-", and
// round-trip through String.
func FuzzDialParseHost(f *testing.F) {
	for _, s := range []string{
		"unix:///var/run/docker.sock", "unix://", "tcp://127.0.0.1:2375", "tcp://", "tcp://h",
		"tcp://[::1]:2376", "tcp://[fe80::1%eth0]:1", "http://h:1", "https://h", "ssh://u@h:22/var/run/docker.sock",
		"ssh://-oProxyCommand=x", "ssh://u:p@h", "ssh://h/sock $(id)", "ssh://h?x=1#f", "fd://", "npipe:////./pipe/docker_engine",
		"tcp://h:2375/path", "", "garbage", "tcp://::1:2375", "tcp://h:99999", "unix:///" + strings.Repeat("a", 120),
		"ssh://-u@h", "ssh://u@-h", "tcp://-h:1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		h, err := dial.ParseHost(in)
		if err != nil {
			var de *dial.Error
			require.ErrorAs(t, err, &de, "%q", in)
			require.Equal(t, "parse", de.Op, "%q: %v", in, err)
			require.Zero(t, h, "%q: error with non-zero Host", in)
			return
		}
		checkHost(t, in, h)
	})
}

// cliMeta is a context's meta.json as the docker CLI's context store decodes
// it (only the docker endpoint's fields that matter here).
type cliMeta struct {
	Endpoints map[string]json.RawMessage
}

type cliEndpoint struct {
	Host          string
	SkipTLSVerify bool
}

// FuzzDialContexts (target 9): config.json and one context's meta.json,
// written to a temp docker config dir and read through dial.FromLookup (the
// context named by config.json's currentContext, or by DOCKER_CONTEXT).
// Errors are *dial.Error{Op: "context"}; a success uses exactly the host the
// docker CLI's decoding of meta.json names, a well-formed one; and a store the
// CLI reads without complaint (a valid host, no SkipTLSVerify on tcp) is
// accepted.
func FuzzDialContexts(f *testing.F) {
	type seed struct{ config, meta, env string }
	for _, s := range []seed{
		{`{"currentContext":"remote","auths":{}}`, `{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://h:2376","SkipTLSVerify":false}}}`, ""},
		{`{"currentContext":"remote"}`, `{"Endpoints":{"docker":{"Host":"tcp://h:2376","SkipTLSVerify":true}}}`, ""},
		{`{}`, `{"Endpoints":{"docker":{"Host":"ssh://me@box/run/docker.sock"}}}`, "box"},
		{`{"currentContext":"x"}`, `{"Endpoints":{"docker":{"Host":"ssh://-oX"}}}`, ""},
		{`{"currentContext":"x"}`, `{"Endpoints":{"docker":{"Host":5}}}`, ""},
		{`{"currentContext":"x"}`, `{"Endpoints":{"docker":null}}`, ""},
		{`{"currentContext":"x"}`, `{"Endpoints":null}`, ""},
		{`{"currentContext":7}`, ``, ""},
		{``, ` `, "default"},
		{`null`, `[]`, ""},
		{`{"currentContext":"x"}`, `{"Endpoints":`, ""},
		{"{}\n{}", "{}", ""},
		{`{"currentContext":"../x"}`, `{"Endpoints":{"docker":{"Host":"unix:///tmp/d.sock"}}}`, ""},
	} {
		f.Add([]byte(s.config), []byte(s.meta), s.env)
	}
	f.Fuzz(func(t *testing.T, config, meta []byte, env string) {
		if len(config) > 64<<10 || len(meta) > 64<<10 || strings.IndexByte(env, 0) >= 0 {
			return
		}
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), config, 0o600))
		// The CLI's view of config.json.
		var cf struct {
			CurrentContext string `json:"currentContext"`
		}
		cfErr := error(nil)
		if strings.TrimSpace(string(config)) != "" {
			cfErr = json.Unmarshal(config, &cf)
		}
		name := env
		if name == "" {
			name = cf.CurrentContext
		}
		if name != "" {
			sum := sha256.Sum256([]byte(name))
			md := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
			require.NoError(t, os.MkdirAll(md, 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(md, "meta.json"), meta, 0o600))
		}
		vars := map[string]string{"DOCKER_CONFIG": dir, "HOME": dir, "DOCKER_CONTEXT": env}
		cfg, err := dial.FromLookup(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })

		// What the CLI would connect to.
		var want *dial.Host
		wantOK := cfErr == nil || env != ""
		if wantOK && name != "" && name != "default" {
			var m cliMeta
			var ep cliEndpoint
			raw, has := json.RawMessage(nil), false
			if json.Unmarshal(meta, &m) == nil {
				raw, has = m.Endpoints["docker"]
			}
			if !has || json.Unmarshal(raw, &ep) != nil || ep.Host == "" {
				wantOK = false
			} else if h, perr := dial.ParseHost(ep.Host); perr != nil {
				wantOK = false
			} else {
				want = &h
				if h.Scheme == "tcp" && ep.SkipTLSVerify {
					wantOK = false // refused without DOCKWIRE_TLS_INSECURE
				}
			}
		}

		if err != nil {
			var de *dial.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, "context", de.Op, "%v", err)
			require.Empty(t, cfg.Host, "error %v with a config", err)
			require.Empty(t, cfg.Context, "error %v with a config", err)
			require.Nil(t, cfg.TLS, "error %v with a config", err)
			require.False(t, wantOK, "config %q, meta %q, DOCKER_CONTEXT %q: refused (%v) what the CLI accepts", config, meta, env, err)
			return
		}
		require.True(t, wantOK, "config %q, meta %q, DOCKER_CONTEXT %q: accepted %+v", config, meta, env, cfg)
		require.Equal(t, dir, cfg.ConfigDir)
		h, perr := dial.ParseHost(cfg.Host)
		require.NoError(t, perr, "Config.Host %q does not parse", cfg.Host)
		checkHost(t, cfg.Host, h)
		if want == nil {
			require.Equal(t, dial.DefaultHost, cfg.Host, "no context")
			require.Empty(t, cfg.Context, "no context")
			return
		}
		require.Equal(t, *want, h, "context %q", name)
		require.Equal(t, name, cfg.Context)
		if cfg.TLS != nil {
			require.Equal(t, "tcp", h.Scheme, "TLS for a non-tcp host")
		}
	})
}
