package dial_test

import (
	"errors"
	"fmt"

	"github.com/dockwire/dockwire/dial"
)

func ExampleParseHost() {
	for _, s := range []string{
		"unix:///var/run/docker.sock",
		"tcp://10.0.0.7",
		"https://docker.example:2376",
		"ssh://deploy@build-host/run/docker.sock",
	} {
		h, err := dial.ParseHost(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-5s %-22s user=%q path=%q tls=%v  %s\n", h.Scheme, h.Addr, h.User, h.Path, h.TLS, h)
	}

	_, err := dial.ParseHost("ssh://-oProxyCommand=evil")
	fmt.Println(err)
	_, err = dial.ParseHost("fd://3")
	fmt.Println(errors.Is(err, dial.ErrUnsupported))
	// Output:
	// unix  /var/run/docker.sock   user="" path="" tls=false  unix:///var/run/docker.sock
	// tcp   10.0.0.7:2375          user="" path="" tls=false  tcp://10.0.0.7:2375
	// tcp   docker.example:2376    user="" path="" tls=true  https://docker.example:2376
	// ssh   build-host             user="deploy" path="/run/docker.sock" tls=false  ssh://deploy@build-host/run/docker.sock
	// dial: parse ssh://-oProxyCommand=evil: host must not start with "-"
	// true
}

func ExampleFromLookup() {
	env := map[string]string{
		"DOCKER_HOST":   "tcp://127.0.0.1:2375",
		"DOCKER_CONFIG": "/nonexistent/.docker",
	}
	cfg, err := dial.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Host, cfg.TLS == nil)

	// TLS that would not verify the daemon needs an explicit opt-in.
	env["DOCKER_CERT_PATH"] = "/nonexistent/certs"
	_, err = dial.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	fmt.Println(errors.Is(err, dial.ErrInsecure))
	// Output:
	// tcp://127.0.0.1:2375 true
	// true
}

// A TLS host needs the TLS transport from package dial/dialtls; without
// it, Dialer says what to import.
func ExampleConfig_Dialer_tls() {
	cfg := dial.Config{
		Host: "tcp://docker.example:2376",
		TLS: &dial.TLSOptions{
			CAFile:   "/certs/ca.pem",
			CertFile: "/certs/cert.pem",
			KeyFile:  "/certs/key.pem",
			Verify:   true,
		},
	}
	_, err := cfg.Dialer()
	fmt.Println(errors.Is(err, dial.ErrUnsupported))
	fmt.Println(err)
	// Output:
	// true
	// dial: dial tcp://docker.example:2376: TLS hosts need a TLS transport: import _ "github.com/dockwire/dockwire/dial/dialtls"
}

// An ssh host needs the ssh transport from package dial/ssh; without it,
// Open says what to import.
func ExampleConfig_Open_ssh() {
	_, _, err := dial.Config{Host: "ssh://deploy@build-host"}.Open()
	fmt.Println(errors.Is(err, dial.ErrUnsupported))
	fmt.Println(err)
	// Output:
	// true
	// dial: dial ssh://deploy@build-host: ssh hosts need the ssh transport: import _ "github.com/dockwire/dockwire/dial/ssh"
}
