package dial

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/leakcheck"
)

func TestDialerWithoutTLSTransport(t *testing.T) {
	for _, cfg := range []Config{
		{Host: "https://h"},
		{Host: "tcp://h:2376", TLS: &TLSOptions{Verify: true}},
	} {
		f, err := cfg.Dialer()
		assert.Nil(t, f, "%s: Dialer's Func on error", cfg.Host)
		var de *Error
		require.ErrorAs(t, err, &de, cfg.Host)
		assert.ErrorIs(t, err, ErrUnsupported, cfg.Host)
		assert.ErrorContains(t, err, `import _ "github.com/dockwire/dockwire/dial/dialtls"`, cfg.Host)
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
			require.NoError(t, err)
			assert.Equal(t, "tcp", ft.h.Scheme, "transport's host")
			assert.Equal(t, addr, ft.h.Addr, "transport's host")
			assert.Equal(t, tt.want.CAFile, ft.opts.CAFile, "transport's CAFile")
			assert.Equal(t, tt.want.ServerName, ft.opts.ServerName, "transport's ServerName")
			assert.Equal(t, tt.want.Verify, ft.opts.Verify, "transport's Verify")
			assert.Equal(t, tt.want.InsecureSkipVerify, ft.opts.InsecureSkipVerify, "transport's InsecureSkipVerify")
			// DialTimeout bounds the transport's handshake too.
			start := time.Now()
			_, err = open(t.Context())
			assert.ErrorIs(t, err, context.DeadlineExceeded, "from DialTimeout")
			assert.LessOrEqual(t, time.Since(start), time.Second, "dial should return after about 50ms")
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
			assert.Nil(t, f, "Dialer's Func on error")
			var de *Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.wantOp, de.Op)
			assert.ErrorIs(t, err, tt.err)
		})
	}
	// Unregistered again: TLS hosts are refused.
	RegisterTLS(nil)
	_, err := (Config{Host: "https://h"}).Dialer()
	assert.ErrorIs(t, err, ErrUnsupported, "after RegisterTLS(nil)")
}
