package ssh

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/internal/sshtest"
)

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
}

func TestResolve(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".ssh")
	writeFile(t, filepath.Join(dir, "config"), `
# comment
Host build-?? !build-99
    HostName %h.example.org
    User Deploy
    Port=2200
    IdentityFile ~/.ssh/build_%r
    IdentitiesOnly yes

Host build-*
    User ignored-first-wins
    IdentityFile "/keys/with space"
    UserKnownHostsFile ~/.ssh/known_build /etc/known_%h

Match exec "false"
    User never

Include conf.d/*.conf
Host *
    UserKnownHostsFile none
`)
	writeFile(t, filepath.Join(dir, "conf.d", "a.conf"), "Host other\n  HostName 10.0.0.9\n  Port 22022\n")
	local := ""
	if u, err := user.Current(); err == nil {
		local = u.Username
	}
	tests := []struct {
		host string
		opts dial.SSHOptions
		want target
	}{
		{"ssh://build-01/run/d.sock", dial.SSHOptions{Dir: dir}, target{
			hostname: "build-01.example.org", port: "2200", user: "Deploy", socket: "/run/d.sock",
			identities:     []identity{{file: dir + "/build_Deploy"}, {file: "/keys/with space"}},
			identitiesOnly: true,
			knownHosts:     []string{dir + "/known_build", "/etc/known_build-01.example.org"},
		}},
		{"ssh://me@build-01:22", dial.SSHOptions{Dir: dir, IdentityFiles: []string{"/mine"}, KnownHostsFiles: []string{"/kh"}}, target{
			hostname: "build-01.example.org", port: "22", user: "me",
			identities:     []identity{{file: "/mine"}, {file: dir + "/build_me"}, {file: "/keys/with space"}},
			identitiesOnly: true,
			knownHosts:     []string{"/kh"},
		}},
		{"ssh://u@build-99", dial.SSHOptions{Dir: dir}, target{ // negated in the first block only
			hostname: "build-99", port: "22", user: "u",
			identities: []identity{{file: "/keys/with space"}},
			knownHosts: []string{dir + "/known_build", "/etc/known_build-99"},
		}},
		{"ssh://u@h", dial.SSHOptions{Dir: home}, target{ // no config there: the defaults
			hostname: "h", port: "22", user: "u",
			identities: []identity{{home + "/id_ed25519", true}, {home + "/id_ecdsa", true}, {home + "/id_rsa", true}},
			knownHosts: []string{home + "/known_hosts", home + "/known_hosts2"},
		}},
		{"ssh://u@other", dial.SSHOptions{Dir: dir, AgentSocket: "/agent", Mode: dial.SSHDialStdio}, target{ // from the Include
			hostname: "10.0.0.9", port: "22022", user: "u", agent: "/agent", mode: dial.SSHDialStdio,
			identities: []identity{{dir + "/id_ed25519", true}, {dir + "/id_ecdsa", true}, {dir + "/id_rsa", true}},
		}},
		{"ssh://u@[::1]", dial.SSHOptions{}, target{hostname: "::1", port: "22", user: "u"}},
		{"ssh://h", dial.SSHOptions{}, target{hostname: "h", port: "22", user: local}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			h, err := dial.ParseHost(tt.host)
			require.NoError(t, err)
			got, err := resolve(h, tt.opts)
			require.NoError(t, err)
			got.passphrase = nil
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResolveErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".ssh")
	for name, conf := range map[string]string{
		"bad port":           "Host *\n  Port none\n",
		"bad IdentitiesOnly": "Host *\n  IdentitiesOnly maybe\n",
		"unterminated quote": "Host *\n  IdentityFile \"/x\n",
		"Include loop":       "Include config\n",
	} {
		t.Run(name, func(t *testing.T) {
			writeFile(t, filepath.Join(dir, "config"), conf)
			h, err := dial.ParseHost("ssh://u@h")
			require.NoError(t, err)
			_, err = resolve(h, dial.SSHOptions{Dir: dir})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "ssh config")
		})
	}
}

func TestWildcard(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		ok   bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"?", "a", true}, {"?", "", false}, {"*.example.org", "x.example.org", true},
		{"*.example.org", "example.org", false}, {"a**b*c", "axxbyyc", true}, {"abc", "ab", false},
		{"*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	} {
		assert.Equal(t, tt.ok, wildcard(tt.p, tt.s), "wildcard(%q, %q)", tt.p, tt.s)
	}
}

func TestSplitLine(t *testing.T) {
	for _, tt := range []struct {
		line string
		kw   string
		args []string
	}{
		{"  # c", "", nil},
		{"Host a b", "host", []string{"a", "b"}},
		{"Port=22", "port", []string{"22"}},
		{"Port = 22", "port", []string{"22"}},
		{"IdentityFile \"/a b\" /c", "identityfile", []string{"/a b", "/c"}},
		{"\tUser\tme", "user", []string{"me"}},
	} {
		kw, args, err := splitLine(tt.line)
		require.NoError(t, err)
		assert.Equal(t, tt.kw, kw, tt.line)
		assert.Equal(t, tt.args, args, tt.line)
	}
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "docker system dial-stdio", stdioCommand(""))
	assert.Equal(t, `docker --host 'unix:///run/it'\''s $(here)/d.sock' system dial-stdio`, stdioCommand("/run/it's $(here)/d.sock"))
}

// The remote command is quoted for a POSIX shell: /bin/sh gives docker
// exactly the socket path, whatever it holds.
func TestStdioCommandThroughShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	for _, p := range []string{
		"/var/run/docker.sock",
		"/tmp/it's here/d.sock",
		"/x/$(touch pwned)/`id`/d.sock",
		`/a"b\c;d&e|f*g?h<i>j(k)l{m}n!o#p~q %r/d.sock`,
		"/''/'",
	} {
		// A shell function stands in for docker and prints its arguments.
		script := `docker() { for a; do printf '%s\0' "$a"; done; }; ` + stdioCommand(p)
		out, err := exec.Command(sh, "-c", script).Output()
		require.NoError(t, err, p)
		args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		assert.Equal(t, []string{"--host", "unix://" + p, "system", "dial-stdio"}, args, p)
		words, err := sshtest.Words(stdioCommand(p))
		require.NoError(t, err)
		assert.Equal(t, append([]string{"docker"}, args...), words, "sshtest.Words agrees with sh for %q", p)
	}
}
