package dialtls_test

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/dial/dialtls"
)

func ExampleConfig() {
	cfg, err := dialtls.Config(dial.TLSOptions{ServerName: "docker.example", Verify: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.MinVersion == tls.VersionTLS12, cfg.ServerName, cfg.InsecureSkipVerify)

	// Not verifying the daemon needs InsecureSkipVerify, explicitly.
	_, err = dialtls.Config(dial.TLSOptions{})
	fmt.Println(errors.Is(err, dial.ErrInsecure))
	// Output:
	// true docker.example false
	// true
}

// With the package imported, dial.Config.Dialer handles TLS hosts, here an
// https:// one verified against the system roots. Nothing is dialed until
// open is called.
func Example() {
	open, err := dial.Config{Host: "https://docker.example"}.Dialer()
	fmt.Println(open != nil, err)
	// Output:
	// true <nil>
}

// A *tls.Config of your own goes in Config.Dial.
func ExampleDialer() {
	cfg := dial.Config{Host: "tcp://docker.example:2376"}
	var err error
	cfg.Dial, err = dialtls.Dialer(cfg, &tls.Config{ServerName: "docker.internal"})
	if err != nil {
		fmt.Println(err)
		return
	}
	open, err := cfg.Dialer()
	fmt.Println(open != nil, err)
	// Output:
	// true <nil>
}
