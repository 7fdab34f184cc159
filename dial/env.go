package dial

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/internal/digest"
)

// The environment variables FromEnv reads.
const (
	envHost      = "DOCKER_HOST"
	envTLSVerify = "DOCKER_TLS_VERIFY"
	envTLS       = "DOCKER_TLS"
	envCertPath  = "DOCKER_CERT_PATH"
	envConfig    = "DOCKER_CONFIG"
	envContext   = "DOCKER_CONTEXT"
	envInsecure  = "DOCKWIRE_TLS_INSECURE"
	envAuthSock  = "SSH_AUTH_SOCK"
)

// maxConfigFile caps what is read of config.json and meta.json.
const maxConfigFile = 8 << 20

// FromEnv returns the Config the docker CLI would use, read from the
// process environment and the docker config directory. It is
// FromLookup(os.LookupEnv); see FromLookup for the rules.
func FromEnv() (Config, error) {
	return FromLookup(os.LookupEnv)
}

// FromLookup is FromEnv with the environment read through lookup, so tests
// and embedders can supply their own. A variable set to "" counts as unset.
//
// The variables, with the docker CLI's meaning unless noted:
//
//   - DOCKER_HOST: the daemon address (see ParseHost). When set, it wins
//     over any context, DOCKER_CONTEXT included.
//   - DOCKER_CONTEXT: the docker context to use; else config.json's
//     "currentContext". "default" means no context. A context's endpoint
//     and TLS files come from <ConfigDir>/contexts/meta/<sha256(name)>/meta.json
//     and <ConfigDir>/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem;
//     the TLS variables below do not apply to it.
//   - DOCKER_TLS_VERIFY: any non-empty value, "0" and "false" included,
//     turns on TLS with the daemon's certificate verified.
//   - DOCKER_TLS: any non-empty value turns on TLS (without verification in
//     the CLI; see below).
//   - DOCKER_CERT_PATH: the directory holding ca.pem, cert.pem and key.pem;
//     default ConfigDir. Missing files are skipped (no ca.pem: system
//     roots), but cert.pem and key.pem come together.
//   - DOCKER_CONFIG: Config.ConfigDir; default $HOME/.docker.
//   - HOME: the home directory; else os.UserHomeDir. For an ssh host,
//     Config.SSH.Dir is its .ssh.
//   - SSH_AUTH_SOCK: for an ssh host, the ssh-agent's socket
//     (Config.SSH.AgentSocket).
//   - DOCKWIRE_TLS_INSECURE (dockwire's own): "1" or "true" accepts TLS
//     without verification of the daemon's certificate.
//
// The exception to CLI parity: where the CLI or moby's client would use TLS
// without verifying the daemon (DOCKER_TLS, or DOCKER_CERT_PATH, set while
// DOCKER_TLS_VERIFY is not; a context with SkipTLSVerify), FromLookup
// returns an *Error matching ErrInsecure instead, unless
// DOCKWIRE_TLS_INSECURE is set. An https:// host implies verification.
// TLS settings apply to tcp hosts only and are ignored for the others;
// Config.SSH is set for ssh hosts only.
//
// FromLookup only finds the certificate files (Config.TLS names them); it
// does not read them. Unreadable or malformed certificates are reported
// when dialing, by the TLS transport (package dial/dialtls).
//
// Errors are *Error with Op "env" (bad variables), "parse" (a bad host),
// "context" (a missing or malformed context or config.json) or "tls" (a
// client certificate without its key, or the reverse).
func FromLookup(lookup func(string) (string, bool)) (Config, error) {
	get := func(k string) string {
		v, _ := lookup(k)
		return v
	}
	var cfg Config

	cfg.ConfigDir = get(envConfig)
	if cfg.ConfigDir == "" {
		home, err := homeDir(get)
		if err != nil {
			return Config{}, &Error{Op: "env", Err: fmt.Errorf("no DOCKER_CONFIG and %w", err)}
		}
		cfg.ConfigDir = filepath.Join(home, ".docker")
	}

	insecure := false
	if v := get(envInsecure); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, &Error{Op: "env", Err: fmt.Errorf("%s=%q: want 1, true, 0 or false", envInsecure, v)}
		}
		insecure = b
	}

	if v := get(envHost); v != "" {
		h, err := parseHost(v)
		if err != nil {
			return Config{}, &Error{Op: "parse", Host: v, Err: fmt.Errorf("%s: %w", envHost, err)}
		}
		cfg.Host = h.String()
		tc, err := envTLSConfig(get, cfg.ConfigDir, h, insecure)
		if err != nil {
			return Config{}, err
		}
		cfg.TLS = tc
		return withSSHOptions(cfg, h, get)
	}

	name, from := get(envContext), envContext
	if name == "" {
		var err error
		if name, err = currentContext(cfg.ConfigDir); err != nil {
			return Config{}, err
		}
		from = "config.json"
	}
	if name == "" || name == "default" {
		cfg.Host = DefaultHost
		return cfg, nil
	}
	h, tc, err := loadContext(cfg.ConfigDir, name, from, insecure)
	if err != nil {
		return Config{}, err
	}
	cfg.Host, cfg.TLS, cfg.Context = h.String(), tc, name
	return withSSHOptions(cfg, h, get)
}

// homeDir is HOME, else os.UserHomeDir.
func homeDir(get func(string) string) (string, error) {
	if home := get("HOME"); home != "" {
		return home, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory: %w", err)
	}
	return home, nil
}

// withSSHOptions sets cfg.SSH when h is an ssh host.
func withSSHOptions(cfg Config, h Host, get func(string) string) (Config, error) {
	if h.Scheme != "ssh" {
		return cfg, nil
	}
	opts, err := sshOptions(get)
	if err != nil {
		return Config{}, &Error{Op: "env", Host: cfg.Host, Err: err}
	}
	cfg.SSH = &opts
	return cfg, nil
}

// sshFromLookup returns the SSHOptions FromLookup would set for an ssh
// host: Dir is $HOME/.ssh, AgentSocket is SSH_AUTH_SOCK.
func sshFromLookup(lookup func(string) (string, bool)) (SSHOptions, error) {
	return sshOptions(func(k string) string {
		v, _ := lookup(k)
		return v
	})
}

func sshOptions(get func(string) string) (SSHOptions, error) {
	home, err := homeDir(get)
	if err != nil {
		return SSHOptions{}, fmt.Errorf("ssh: %w", err)
	}
	return SSHOptions{Dir: filepath.Join(home, ".ssh"), AgentSocket: get(envAuthSock)}, nil
}

// envTLSConfig applies DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH
// to a host given by DOCKER_HOST.
func envTLSConfig(get func(string) string, configDir string, h Host, insecure bool) (*TLSOptions, error) {
	if h.Scheme != "tcp" {
		return nil, nil
	}
	verify := get(envTLSVerify) != ""
	certPath := get(envCertPath)
	explicitCerts := certPath != ""
	if certPath == "" {
		certPath = configDir
	}
	want := verify || h.TLS || get(envTLS) != "" || explicitCerts
	if !want {
		return nil, nil
	}
	if verify && insecure {
		return nil, &Error{Op: "env", Host: h.String(), Err: fmt.Errorf("%s and %s are both set", envTLSVerify, envInsecure)}
	}
	if !verify && !insecure && !h.TLS {
		why := envTLS + " is set"
		if explicitCerts {
			why = envCertPath + " is set"
		}
		return nil, &Error{Op: "env", Host: h.String(), Err: because(ErrInsecure, fmt.Sprintf(
			"TLS without server verification refused (%s but %s is not): set %s=1 to verify the daemon, or %s=1 to accept an unverified server",
			why, envTLSVerify, envTLSVerify, envInsecure))}
	}
	opts := certFiles(certPath)
	opts.Verify, opts.InsecureSkipVerify = !insecure, insecure
	if err := checkPair(opts); err != nil {
		return nil, &Error{Op: "tls", Host: h.String(), Err: err}
	}
	return &opts, nil
}

// checkPair refuses a client certificate without its key, or the reverse.
func checkPair(opts TLSOptions) error {
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return errors.New("client certificate and key must be given together (cert.pem and key.pem)")
	}
	return nil
}

// certFiles returns the ca.pem, cert.pem and key.pem of dir that exist.
// Files that exist but cannot be read are kept, so reading them reports why.
func certFiles(dir string) TLSOptions {
	pick := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return ""
		}
		return p
	}
	return TLSOptions{CAFile: pick("ca.pem"), CertFile: pick("cert.pem"), KeyFile: pick("key.pem")}
}

// contextDirName is the store's directory name for a context:
// the hex SHA-256 of its name.
func contextDirName(name string) string {
	return digest.SHA256Hex(name)
}

// currentContext reads "currentContext" from <dir>/config.json; a missing
// file means none.
func currentContext(dir string) (string, error) {
	p := filepath.Join(dir, "config.json")
	data, err := readLimited(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", &Error{Op: "context", Host: p, Err: err}
	}
	name, err := parseConfigFile(data)
	if err != nil {
		return "", &Error{Op: "context", Host: p, Err: err}
	}
	return name, nil
}

// parseConfigFile returns config.json's currentContext. An empty file is a
// config with no context.
func parseConfigFile(data []byte) (string, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return "", nil
	}
	var f struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return "", fmt.Errorf("malformed config.json: %w", err)
	}
	return f.CurrentContext, nil
}

// contextEndpoint is the docker endpoint of a context's meta.json.
type contextEndpoint struct {
	Host          Host
	SkipTLSVerify bool
}

// parseContextMeta decodes a context's meta.json and parses the host of its
// docker endpoint.
func parseContextMeta(data []byte) (contextEndpoint, error) {
	var m struct {
		Name      string
		Endpoints map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return contextEndpoint{}, fmt.Errorf("malformed meta.json: %w", err)
	}
	raw, ok := m.Endpoints["docker"]
	if !ok {
		return contextEndpoint{}, errors.New("meta.json has no docker endpoint")
	}
	var ep struct {
		Host          string
		SkipTLSVerify bool
	}
	if err := json.Unmarshal(raw, &ep); err != nil {
		return contextEndpoint{}, fmt.Errorf("malformed docker endpoint in meta.json: %w", err)
	}
	if ep.Host == "" {
		return contextEndpoint{}, errors.New("docker endpoint in meta.json has no Host")
	}
	h, err := parseHost(ep.Host)
	if err != nil {
		return contextEndpoint{}, fmt.Errorf("docker endpoint Host %s: %w", quoteIfOdd(ep.Host), err)
	}
	return contextEndpoint{Host: h, SkipTLSVerify: ep.SkipTLSVerify}, nil
}

// loadContext reads context name from the store under dir and finds its
// TLS files. from says who named the context, for errors.
func loadContext(dir, name, from string, insecure bool) (Host, *TLSOptions, error) {
	sub := contextDirName(name)
	data, err := readLimited(filepath.Join(dir, "contexts", "meta", sub, "meta.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return Host{}, nil, &Error{Op: "context", Host: name, Err: fmt.Errorf("context not found (named by %s; no %s): %w",
			from, filepath.Join(dir, "contexts", "meta", sub), fs.ErrNotExist)}
	}
	if err != nil {
		return Host{}, nil, &Error{Op: "context", Host: name, Err: err}
	}
	ep, err := parseContextMeta(data)
	if err != nil {
		return Host{}, nil, &Error{Op: "context", Host: name, Err: err}
	}
	h := ep.Host
	if h.Scheme != "tcp" {
		return h, nil, nil
	}
	opts := certFiles(filepath.Join(dir, "contexts", "tls", sub, "docker"))
	hasFiles := opts.CAFile != "" || opts.CertFile != "" || opts.KeyFile != ""
	if !hasFiles && !ep.SkipTLSVerify && !h.TLS {
		return h, nil, nil
	}
	if ep.SkipTLSVerify && !insecure {
		return Host{}, nil, &Error{Op: "context", Host: name, Err: because(ErrInsecure, fmt.Sprintf(
			"TLS without server verification refused (the context has SkipTLSVerify set): set %s=1 to accept an unverified server", envInsecure))}
	}
	opts.Verify, opts.InsecureSkipVerify = !ep.SkipTLSVerify, ep.SkipTLSVerify
	if err := checkPair(opts); err != nil {
		return Host{}, nil, &Error{Op: "tls", Host: h.String(), Err: err}
	}
	return h, &opts, nil
}

// readLimited reads a file of at most maxConfigFile bytes.
func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", p, maxConfigFile)
	}
	return data, nil
}
