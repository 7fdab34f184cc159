package mockdaemon

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFilterResolvConf: the host's file loses its localhost nameservers
// (and with IPv6 off its IPv6 ones) with the blank lines after them; with
// none left the default servers are appended, after a newline and with
// none at the end, as libnetwork's FilterResolvDNS writes them.
func TestFilterResolvConf(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ipv6     bool
		want     string
	}{
		{"kept", "nameserver 10.0.0.2\nsearch ex.com\n", false, "nameserver 10.0.0.2\nsearch ex.com\n"},
		{"localhost dropped", "# c\nnameserver 127.0.0.53\n\noptions edns0\nnameserver 10.0.0.2\n", false, "# c\noptions edns0\nnameserver 10.0.0.2\n"},
		{"defaults", "nameserver 127.0.0.53\noptions edns0 trust-ad\n", true,
			"options edns0 trust-ad\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844"},
		{"ipv6 off", "nameserver ::1\nnameserver fe80::1%eth0\nnameserver 10.0.0.2\n", false, "nameserver 10.0.0.2\n"},
		{"empty", "", false, "\nnameserver 8.8.8.8\nnameserver 8.8.4.4"},
	} {
		assert.Equal(t, tc.want, filterResolvConf(tc.in, tc.ipv6), tc.name)
	}
}

// TestEmbeddedResolvConf: the embedded server replaces the IPv4
// nameservers, ndots:0 follows the options unless they set ndots.
func TestEmbeddedResolvConf(t *testing.T) {
	assert.Equal(t, "search a b\nnameserver 127.0.0.11\nnameserver 2001:db8::1\noptions edns0 ndots:0\n",
		embeddedResolvConf("search a b\nnameserver 10.0.0.2\nnameserver 2001:db8::1\noptions edns0\n"))
	assert.Equal(t, "nameserver 127.0.0.11\noptions ndots:2\n", embeddedResolvConf("nameserver 1.2.3.4\noptions ndots:2\n"))
	assert.Equal(t, "nameserver 127.0.0.11\noptions ndots:x ndots:0\n", embeddedResolvConf("options ndots:x\n"))
}
