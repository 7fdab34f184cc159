package dial

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/internal/leakcheck"
)

func TestDialerWithoutTLSTransport(t *testing.T) {
	for _, cfg := range []Config{
		{Host: "https://h"},
		{Host: "tcp://h:2376", TLS: &TLSOptions{Verify: true}},
	} {
		f, err := cfg.Dialer()
		var de *Error
		if f != nil || !errors.As(err, &de) || !errors.Is(err, ErrUnsupported) {
			t.Fatalf("%s: Dialer() = %v, %v; want nil and *Error matching ErrUnsupported", cfg.Host, f != nil, err)
		}
		const want = `import _ "github.com/dockwire/dockwire/dial/dialtls"`
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q: want it to say %s", err, want)
		}
	}
}

// fakeTLS registers a TLS transport that records what it is given and
// stalls its handshake until ctx ends, for the duration of the test.
type fakeTLS struct {
	h    Host
	opts TLSOptions
	err  error // returned by the transport when set
}

func (f *fakeTLS) register(t *testing.T) {
	RegisterTLS(func(h Host, opts TLSOptions, plain Func) (Func, error) {
		f.h, f.opts = h, opts
		if f.err != nil {
			return nil, f.err
		}
		return func(ctx context.Context) (net.Conn, error) {
			c, err := plain(ctx)
			if err != nil {
				return nil, err
			}
			// A handshake that stalls until ctx ends.
			<-ctx.Done()
			c.Close()
			return nil, &Error{Op: "tls", Err: ctx.Err()}
		}, nil
	})
	t.Cleanup(func() { RegisterTLS(nil) })
}

func TestRegisterTLS(t *testing.T) {
	leakcheck.Check(t)
	addr := stallServer(t)
	tests := []struct {
		name string
		cfg  Config
		want TLSOptions
	}{
		{"https: verify, system roots", Config{Host: "https://" + addr}, TLSOptions{Verify: true}},
		{"tcp with options", Config{Host: "tcp://" + addr, TLS: &TLSOptions{CAFile: "/ca.pem", ServerName: "docker", Verify: true}},
			TLSOptions{CAFile: "/ca.pem", ServerName: "docker", Verify: true}},
		{"options passed as given, even insecure ones", Config{Host: "tcp://" + addr, TLS: &TLSOptions{}}, TLSOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ft fakeTLS
			ft.register(t)
			tt.cfg.DialTimeout = 50 * time.Millisecond
			open, err := tt.cfg.Dialer()
			if err != nil {
				t.Fatal(err)
			}
			if ft.h.Scheme != "tcp" || ft.h.Addr != addr || ft.opts.CAFile != tt.want.CAFile ||
				ft.opts.ServerName != tt.want.ServerName || ft.opts.Verify != tt.want.Verify || ft.opts.InsecureSkipVerify != tt.want.InsecureSkipVerify {
				t.Fatalf("transport got %+v, %+v; want tcp %s, %+v", ft.h, ft.opts, addr, tt.want)
			}
			// DialTimeout bounds the transport's handshake too.
			start := time.Now()
			_, err = open(context.Background())
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error %v: want DeadlineExceeded from DialTimeout", err)
			}
			if took := time.Since(start); took > time.Second {
				t.Fatalf("dial returned after %v, want about 50ms", took)
			}
		})
	}
}

func TestRegisterTLSErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		wantOp string
	}{
		{"plain error wrapped", errors.New("bad certificate"), "tls"},
		{"*Error kept", &Error{Op: "context", Err: errors.New("x")}, "context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := fakeTLS{err: tt.err}
			ft.register(t)
			f, err := Config{Host: "https://h"}.Dialer()
			var de *Error
			if f != nil || !errors.As(err, &de) || de.Op != tt.wantOp || !errors.Is(err, tt.err) {
				t.Fatalf("Dialer() = %v, %v; want *Error{Op: %s} wrapping %v", f != nil, err, tt.wantOp, tt.err)
			}
		})
	}
	// Unregistered again: TLS hosts are refused.
	RegisterTLS(nil)
	if _, err := (Config{Host: "https://h"}).Dialer(); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("after RegisterTLS(nil): %v, want ErrUnsupported", err)
	}
}
