package mockdaemon

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTmpfsOpts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"size=1m", ",size=1024k"},
		{"rw,noexec,size=65536k,mode=1777", ",size=65536k,mode=1777"},
		{"size=100", ",size=1k"},
		{"size=bogus,uid=1000", ",uid=1000"},
	} {
		assert.Equal(t, tc.want, tmpfsOpts(tc.in), "tmpfsOpts(%q)", tc.in)
	}
}

func TestResolvConf(t *testing.T) {
	builtin := &network{name: "bridge", builtin: true}
	user := &network{name: "u"}
	for _, tc := range []struct {
		name string
		net  *network
		h    hostConfig
		want string
	}{
		{"default", builtin, hostConfig{}, "nameserver 127.0.0.11\noptions ndots:0\n"},
		{"dns on bridge", builtin, hostConfig{DNS: []string{"10.0.0.53", "10.0.0.54"}, DNSSearch: []string{"a.example", "b"}, DNSOptions: []string{"rotate"}},
			"search a.example b\nnameserver 10.0.0.53\nnameserver 10.0.0.54\noptions rotate\n"},
		{"dns on a user network goes through the embedded server", user, hostConfig{DNS: []string{"10.0.0.53"}, DNSOptions: []string{"rotate"}},
			"nameserver 127.0.0.11\noptions ndots:0 rotate\n"},
	} {
		c := &container{host: tc.h, eps: map[string]*endpoint{tc.net.name: {network: tc.net}}}
		assert.Equal(t, tc.want, resolvConf(c), tc.name)
	}
}
