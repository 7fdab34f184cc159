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

	"github.com/dockwire/dockwire/dial"
)

// checkHost reports what is wrong with a Host that ParseHost accepted.
func checkHost(t *testing.T, in string, h dial.Host) {
	t.Helper()
	switch h.Scheme {
	case "unix", "npipe":
		if h.User != "" || h.Path != "" || h.TLS || h.Addr == "" {
			t.Fatalf("%q: bad %s host %+v", in, h.Scheme, h)
		}
	case "tcp", "ssh":
		host, port, err := net.SplitHostPort(h.Addr)
		if h.Scheme == "ssh" && err != nil {
			// No port: the ssh config's applies. An IPv6 literal keeps its brackets.
			host, port, err = strings.TrimSuffix(strings.TrimPrefix(h.Addr, "["), "]"), "22", nil
			if strings.Contains(host, ":") != strings.HasPrefix(h.Addr, "[") {
				err = errors.New("IPv6 literal without brackets, or brackets around a name")
			}
		}
		if err != nil || host == "" || port == "" {
			t.Fatalf("%q: Addr %q is not host[:port]: %v", in, h.Addr, err)
		}
		// Either would become an option if an ssh command line is built.
		if strings.HasPrefix(host, "-") || strings.HasPrefix(h.User, "-") {
			t.Fatalf("%q: accepted a host or user starting with '-': %+v", in, h)
		}
		if strings.ContainsAny(h.User, ":@/ \t\r\n") {
			t.Fatalf("%q: odd ssh user %q", in, h.User)
		}
		if h.Scheme == "tcp" && (h.User != "" || h.Path != "") {
			t.Fatalf("%q: tcp host with user or path: %+v", in, h)
		}
		if h.Scheme == "ssh" && h.TLS {
			t.Fatalf("%q: ssh host with TLS", in)
		}
		if h.Path != "" && !strings.HasPrefix(h.Path, "/") {
			t.Fatalf("%q: ssh path %q is not absolute", in, h.Path)
		}
	default:
		t.Fatalf("%q: unknown scheme %q accepted", in, h.Scheme)
	}
	s := h.String()
	again, err := dial.ParseHost(s)
	if err != nil {
		t.Fatalf("%q: String() %q does not parse: %v", in, s, err)
	}
	if again != h {
		t.Fatalf("%q: round trip through %q gives %+v, want %+v", in, s, again, h)
	}
	if again.String() != s {
		t.Fatalf("%q: String not stable: %q then %q", in, s, again.String())
	}
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
			if !errors.As(err, &de) || de.Op != "parse" {
				t.Fatalf("%q: error %v is not *dial.Error{Op: parse}", in, err)
			}
			if h != (dial.Host{}) {
				t.Fatalf("%q: error with non-zero Host %+v", in, h)
			}
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
		if err := os.WriteFile(filepath.Join(dir, "config.json"), config, 0o600); err != nil {
			t.Fatal(err)
		}
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
			if err := os.MkdirAll(md, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(md, "meta.json"), meta, 0o600); err != nil {
				t.Fatal(err)
			}
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
			if !errors.As(err, &de) || de.Op != "context" {
				t.Fatalf("error %v is not *dial.Error{Op: context}", err)
			}
			if cfg.Host != "" || cfg.Context != "" || cfg.TLS != nil {
				t.Fatalf("error %v with a config %+v", err, cfg)
			}
			if wantOK {
				t.Fatalf("config %q, meta %q, DOCKER_CONTEXT %q: refused (%v) what the CLI accepts", config, meta, env, err)
			}
			return
		}
		if !wantOK {
			t.Fatalf("config %q, meta %q, DOCKER_CONTEXT %q: accepted %+v", config, meta, env, cfg)
		}
		if cfg.ConfigDir != dir {
			t.Fatalf("ConfigDir %q, want %q", cfg.ConfigDir, dir)
		}
		h, perr := dial.ParseHost(cfg.Host)
		if perr != nil {
			t.Fatalf("Config.Host %q does not parse: %v", cfg.Host, perr)
		}
		checkHost(t, cfg.Host, h)
		if want == nil {
			if cfg.Host != dial.DefaultHost || cfg.Context != "" {
				t.Fatalf("no context: host %q, context %q", cfg.Host, cfg.Context)
			}
			return
		}
		if h != *want || cfg.Context != name {
			t.Fatalf("context %q: host %+v (context %q), want %+v", name, h, cfg.Context, *want)
		}
		if cfg.TLS != nil && h.Scheme != "tcp" {
			t.Fatalf("TLS for a %s host", h.Scheme)
		}
	})
}
