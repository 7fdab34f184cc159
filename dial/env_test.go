package dial

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lookupMap(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

// writeContext stores a context named name in the store under configDir.
func writeContext(t *testing.T, configDir, name string, endpoint map[string]any) {
	t.Helper()
	dir := filepath.Join(configDir, "contexts", "meta", contextDirName(name))
	require.NoError(t, os.MkdirAll(dir, 0o700))
	meta, err := json.Marshal(map[string]any{
		"Name":      name,
		"Metadata":  map[string]any{"Description": "test"},
		"Endpoints": map[string]any{"docker": endpoint},
	})
	require.NoError(t, err)
	writeFile(t, filepath.Join(dir, "meta.json"), string(meta))
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
}

func TestContextDirName(t *testing.T) {
	// The docker CLI's store directory for context "default" is the hex
	// SHA-256 of the name, as in ~/.docker/contexts/meta/37a8eec1...
	assert.Equal(t, "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f", contextDirName("default"))
}

func TestFromLookup(t *testing.T) {
	type want struct {
		host, context string
		configDir     string // relative to the test's home; "" = .docker
		tls           bool
		insecure      bool
		customCA      bool
		clientCert    bool
	}
	type wantErr struct {
		op   string
		is   error // nil: no sentinel checked
		msgs []string
	}
	tests := []struct {
		name  string
		env   map[string]string               // HOME is added
		setup func(t *testing.T, home string) // files under home
		want  want
		err   *wantErr
	}{
		{name: "empty env", want: want{host: DefaultHost}},
		{name: "DOCKER_HOST tcp", env: map[string]string{"DOCKER_HOST": "tcp://10.0.0.1"}, want: want{host: "tcp://10.0.0.1:2375"}},
		{name: "DOCKER_HOST unix", env: map[string]string{"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, want: want{host: "unix:///run/user/1000/docker.sock"}},
		{name: "DOCKER_HOST ssh", env: map[string]string{"DOCKER_HOST": "ssh://me@box"}, want: want{host: "ssh://me@box"}},
		{name: "DOCKER_HOST garbage", env: map[string]string{"DOCKER_HOST": "tcp://a b"},
			err: &wantErr{op: "parse", msgs: []string{"DOCKER_HOST", "invalid character"}}},
		{name: "DOCKER_HOST npipe", env: map[string]string{"DOCKER_HOST": "npipe:////./pipe/docker_engine"},
			err: &wantErr{op: "parse", is: ErrUnsupported}},
		{name: "empty DOCKER_HOST is unset", env: map[string]string{"DOCKER_HOST": ""}, want: want{host: DefaultHost}},
		{name: "DOCKER_CONFIG", env: map[string]string{"DOCKER_CONFIG": "elsewhere"}, want: want{host: DefaultHost, configDir: "elsewhere"}},

		// TLS from the environment.
		{name: "TLS_VERIFY with cert path", env: map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "certs"},
			setup: func(t *testing.T, home string) { writeClientFiles(t, filepath.Join(home, "certs")) },
			want:  want{host: "tcp://127.0.0.1:2376", tls: true, customCA: true, clientCert: true}},
		{name: "TLS_VERIFY=0 still verifies (CLI)", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "0", "DOCKER_CERT_PATH": "certs"},
			setup: func(t *testing.T, home string) { writeClientFiles(t, filepath.Join(home, "certs")) },
			want:  want{host: "tcp://h:2376", tls: true, customCA: true, clientCert: true}},
		{name: "TLS_VERIFY, certs from config dir", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1"},
			setup: func(t *testing.T, home string) { writeClientFiles(t, filepath.Join(home, ".docker")) },
			want:  want{host: "tcp://h:2376", tls: true, customCA: true, clientCert: true}},
		{name: "TLS_VERIFY, no files: system roots", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1"},
			want: want{host: "tcp://h:2376", tls: true}},
		{name: "cert without key", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "certs"},
			setup: func(t *testing.T, home string) {
				writeFile(t, filepath.Join(home, "certs", "cert.pem"), "cert")
			},
			err: &wantErr{op: "tls", msgs: []string{"together"}}},
		{name: "certificates are not read", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "certs"},
			setup: func(t *testing.T, home string) { writeFile(t, filepath.Join(home, "certs", "ca.pem"), "not pem") },
			want:  want{host: "tcp://h:2376", tls: true, customCA: true}},
		{name: "cert path without verify refused", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_CERT_PATH": "certs"},
			setup: func(t *testing.T, home string) { writeClientFiles(t, filepath.Join(home, "certs")) },
			err:   &wantErr{op: "env", is: ErrInsecure, msgs: []string{"DOCKER_CERT_PATH is set", "DOCKER_TLS_VERIFY=1", "DOCKWIRE_TLS_INSECURE=1"}}},
		{name: "DOCKER_TLS without verify refused", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS": "1"},
			err: &wantErr{op: "env", is: ErrInsecure, msgs: []string{"DOCKER_TLS is set"}}},
		{name: "cert path, insecure opt-in", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_CERT_PATH": "certs", "DOCKWIRE_TLS_INSECURE": "1"},
			setup: func(t *testing.T, home string) { writeClientFiles(t, filepath.Join(home, "certs")) },
			want:  want{host: "tcp://h:2376", tls: true, insecure: true, customCA: true, clientCert: true}},
		{name: "insecure opt-in false", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS": "1", "DOCKWIRE_TLS_INSECURE": "false"},
			err: &wantErr{op: "env", is: ErrInsecure}},
		{name: "insecure opt-in garbage", env: map[string]string{"DOCKWIRE_TLS_INSECURE": "maybe"},
			err: &wantErr{op: "env", msgs: []string{"DOCKWIRE_TLS_INSECURE"}}},
		{name: "verify and insecure both", env: map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKWIRE_TLS_INSECURE": "1"},
			err: &wantErr{op: "env", msgs: []string{"both set"}}},
		{name: "https without certs: verified, system roots", env: map[string]string{"DOCKER_HOST": "https://h"},
			want: want{host: "https://h:2376", tls: true}},
		{name: "https with cert path: verified", env: map[string]string{"DOCKER_HOST": "https://h", "DOCKER_CERT_PATH": "certs"},
			setup: func(t *testing.T, home string) { writeClientFiles(t, filepath.Join(home, "certs")) },
			want:  want{host: "https://h:2376", tls: true, customCA: true, clientCert: true}},
		{name: "plain tcp, no TLS variables", env: map[string]string{"DOCKER_HOST": "tcp://h:2375", "DOCKWIRE_TLS_INSECURE": "1"},
			want: want{host: "tcp://h:2375"}},
		{name: "TLS variables ignored on unix", env: map[string]string{"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "certs"},
			want: want{host: DefaultHost}},

		// Contexts.
		{name: "currentContext from config.json", setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"auths":{},"currentContext":"remote"}`)
			writeContext(t, filepath.Join(home, ".docker"), "remote", map[string]any{"Host": "tcp://10.1.2.3:2375", "SkipTLSVerify": false})
		}, want: want{host: "tcp://10.1.2.3:2375", context: "remote"}},
		{name: "DOCKER_CONTEXT overrides config.json", env: map[string]string{"DOCKER_CONTEXT": "other"}, setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"currentContext":"remote"}`)
			writeContext(t, filepath.Join(home, ".docker"), "remote", map[string]any{"Host": "tcp://10.1.2.3:2375"})
			writeContext(t, filepath.Join(home, ".docker"), "other", map[string]any{"Host": "ssh://me@other"})
		}, want: want{host: "ssh://me@other", context: "other"}},
		{name: "DOCKER_HOST overrides DOCKER_CONTEXT", env: map[string]string{"DOCKER_CONTEXT": "other", "DOCKER_HOST": "unix:///h.sock"}, setup: func(t *testing.T, home string) {
			writeContext(t, filepath.Join(home, ".docker"), "other", map[string]any{"Host": "ssh://me@other"})
		}, want: want{host: "unix:///h.sock"}},
		{name: "DOCKER_CONTEXT default", env: map[string]string{"DOCKER_CONTEXT": "default"}, setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"currentContext":"remote"}`)
		}, want: want{host: DefaultHost}},
		{name: "context under DOCKER_CONFIG", env: map[string]string{"DOCKER_CONFIG": "cfg"}, setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, "cfg", "config.json"), `{"currentContext":"c"}`)
			writeContext(t, filepath.Join(home, "cfg"), "c", map[string]any{"Host": "unix:///c.sock"})
		}, want: want{host: "unix:///c.sock", context: "c", configDir: "cfg"}},
		{name: "missing context", env: map[string]string{"DOCKER_CONTEXT": "ghost"},
			err: &wantErr{op: "context", is: fs.ErrNotExist, msgs: []string{"ghost", "not found", "DOCKER_CONTEXT"}}},
		{name: "missing current context", setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"currentContext":"gone"}`)
		}, err: &wantErr{op: "context", is: fs.ErrNotExist, msgs: []string{"gone", "config.json"}}},
		{name: "malformed config.json", setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"currentContext":`)
		}, err: &wantErr{op: "context", msgs: []string{"malformed config.json"}}},
		{name: "config.json wrong type", setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"currentContext":7}`)
		}, err: &wantErr{op: "context", msgs: []string{"malformed config.json"}}},
		{name: "empty config.json", setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "config.json"), " \n")
		}, want: want{host: DefaultHost}},
		{name: "malformed meta.json", env: map[string]string{"DOCKER_CONTEXT": "bad"}, setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "contexts", "meta", contextDirName("bad"), "meta.json"), `{"Endpoints":`)
		}, err: &wantErr{op: "context", msgs: []string{"bad", "malformed meta.json"}}},
		{name: "meta.json without docker endpoint", env: map[string]string{"DOCKER_CONTEXT": "k8s"}, setup: func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".docker", "contexts", "meta", contextDirName("k8s"), "meta.json"), `{"Name":"k8s","Endpoints":{"kubernetes":{}}}`)
		}, err: &wantErr{op: "context", msgs: []string{"no docker endpoint"}}},
		{name: "meta.json with a bad host", env: map[string]string{"DOCKER_CONTEXT": "bad"}, setup: func(t *testing.T, home string) {
			writeContext(t, filepath.Join(home, ".docker"), "bad", map[string]any{"Host": "ssh://-oProxyCommand=x"})
		}, err: &wantErr{op: "context", msgs: []string{`must not start with "-"`}}},
		{name: "context TLS files", env: map[string]string{"DOCKER_CONTEXT": "secure", "DOCKER_TLS": "1"}, setup: func(t *testing.T, home string) {
			writeContext(t, filepath.Join(home, ".docker"), "secure", map[string]any{"Host": "tcp://127.0.0.1:2376"})
			writeClientFiles(t, filepath.Join(home, ".docker", "contexts", "tls", contextDirName("secure"), "docker"))
		}, want: want{host: "tcp://127.0.0.1:2376", context: "secure", tls: true, customCA: true, clientCert: true}},
		{name: "context SkipTLSVerify refused", env: map[string]string{"DOCKER_CONTEXT": "lax"}, setup: func(t *testing.T, home string) {
			writeContext(t, filepath.Join(home, ".docker"), "lax", map[string]any{"Host": "tcp://h:2376", "SkipTLSVerify": true})
			writeClientFiles(t, filepath.Join(home, ".docker", "contexts", "tls", contextDirName("lax"), "docker"))
		}, err: &wantErr{op: "context", is: ErrInsecure, msgs: []string{"lax", "SkipTLSVerify", "DOCKWIRE_TLS_INSECURE=1"}}},
		{name: "context SkipTLSVerify opted in", env: map[string]string{"DOCKER_CONTEXT": "lax", "DOCKWIRE_TLS_INSECURE": "true"}, setup: func(t *testing.T, home string) {
			writeContext(t, filepath.Join(home, ".docker"), "lax", map[string]any{"Host": "tcp://h:2376", "SkipTLSVerify": true})
		}, want: want{host: "tcp://h:2376", context: "lax", tls: true, insecure: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			env := map[string]string{"HOME": home}
			for k, v := range tt.env {
				if (k == "DOCKER_CONFIG" || k == "DOCKER_CERT_PATH") && v != "" {
					v = filepath.Join(home, v)
				}
				env[k] = v
			}
			if tt.setup != nil {
				tt.setup(t, home)
			}
			cfg, err := FromLookup(lookupMap(env))
			if tt.err != nil {
				var de *Error
				require.ErrorAs(t, err, &de, "FromLookup = %+v", cfg)
				assert.Equal(t, tt.err.op, de.Op)
				if tt.err.is != nil {
					assert.ErrorIs(t, err, tt.err.is)
				}
				for _, m := range tt.err.msgs {
					assert.ErrorContains(t, err, m)
				}
				assert.Regexp(t, "^dial: ", err.Error(), "the package prefix")
				return
			}
			require.NoError(t, err)
			w := tt.want
			wantDir := filepath.Join(home, ".docker")
			if w.configDir != "" {
				wantDir = filepath.Join(home, w.configDir)
			}
			assert.Equal(t, w.host, cfg.Host, "Host")
			assert.Equal(t, w.context, cfg.Context, "Context")
			assert.Equal(t, wantDir, cfg.ConfigDir, "ConfigDir")
			if !w.tls {
				assert.Nil(t, cfg.TLS)
				return
			}
			require.NotNil(t, cfg.TLS)
			o := cfg.TLS
			assert.Equal(t, w.insecure, o.InsecureSkipVerify, "InsecureSkipVerify")
			assert.Equal(t, !w.insecure, o.Verify, "Verify")
			assert.Empty(t, o.ServerName, "ServerName")
			assert.Nil(t, o.CAPEM, "CAPEM")
			assert.Nil(t, o.CertPEM, "CertPEM")
			assert.Nil(t, o.KeyPEM, "KeyPEM")
			// The files are named, by absolute path, not read.
			dir := filepath.Dir(o.CAFile)
			if o.CAFile == "" {
				dir = filepath.Dir(o.CertFile)
			}
			for _, f := range []struct {
				got, name string
				want      bool
			}{{o.CAFile, "ca.pem", w.customCA}, {o.CertFile, "cert.pem", w.clientCert}, {o.KeyFile, "key.pem", w.clientCert}} {
				if f.want {
					assert.Equal(t, filepath.Join(dir, f.name), f.got, "TLS file %s", f.name)
				} else {
					assert.Empty(t, f.got, "TLS file %s", f.name)
				}
			}
			if w.customCA {
				assert.True(t, strings.HasPrefix(dir, home), "TLS files under %s, want under %s", dir, home)
			}
		})
	}
}

func TestFromLookupNoHome(t *testing.T) {
	// DOCKER_CONFIG set: no home directory is needed.
	dir := t.TempDir()
	cfg, err := FromLookup(lookupMap(map[string]string{"DOCKER_CONFIG": dir}))
	require.NoError(t, err)
	assert.Equal(t, dir, cfg.ConfigDir)
	assert.Equal(t, DefaultHost, cfg.Host)
}

// writeClientFiles writes placeholder ca.pem, cert.pem and key.pem into
// dir: FromLookup only checks that they exist.
func writeClientFiles(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"ca.pem", "cert.pem", "key.pem"} {
		writeFile(t, filepath.Join(dir, name), name)
	}
}
