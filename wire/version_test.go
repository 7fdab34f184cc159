package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in   string
		want Version
		ok   bool
	}{
		{"1.41", Version{1, 41}, true},
		{"v1.41", Version{1, 41}, true},
		{"1.0", Version{1, 0}, true},
		{"2.100", Version{2, 100}, true},
		{"", Version{}, false},
		{"1", Version{}, false},
		{"1.", Version{}, false},
		{".41", Version{}, false},
		{"1.41.1", Version{}, false},
		{"01.41", Version{}, false},
		{"1.041", Version{}, false},
		{"+1.41", Version{}, false},
		{"1.-4", Version{}, false},
		{" 1.41", Version{}, false},
		{"1.41 ", Version{}, false},
		{"vv1.41", Version{}, false},
		{"1.99999", Version{}, false},
		{"garbage", Version{}, false},
	}
	for _, tt := range tests {
		got, err := ParseVersion(tt.in)
		if tt.ok {
			assert.NoError(t, err, "ParseVersion(%q)", tt.in)
		} else {
			assert.ErrorIs(t, err, ErrInvalidArgument, "ParseVersion(%q)", tt.in)
		}
		assert.Equal(t, tt.want, got, "ParseVersion(%q)", tt.in)
	}
}

func TestVersionStringLess(t *testing.T) {
	tests := []struct {
		a, b Version
		less bool
		str  string
	}{
		{Version{1, 41}, Version{1, 44}, true, "1.41"},
		{Version{1, 44}, Version{1, 41}, false, "1.44"},
		{Version{1, 41}, Version{1, 41}, false, "1.41"},
		{Version{1, 99}, Version{2, 0}, true, "1.99"},
		{Version{}, Version{1, 0}, true, "0.0"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.less, tt.a.Less(tt.b), "%v.Less(%v)", tt.a, tt.b)
		assert.Equal(t, tt.str, tt.a.String())
	}
	assert.True(t, (Version{}).IsZero(), "Version{}.IsZero()")
	assert.False(t, (Version{1, 0}).IsZero(), "Version{1, 0}.IsZero()")
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name           string
		client, daemon Version
		want           Version
	}{
		{"daemon older", Version{1, 56}, Version{1, 41}, Version{1, 41}},
		{"daemon newer", Version{1, 44}, Version{1, 56}, Version{1, 44}},
		{"equal", Version{1, 44}, Version{1, 44}, Version{1, 44}},
		{"daemon unknown keeps client", Version{1, 44}, Version{}, Version{1, 44}},
		{"zero client is max", Version{}, Version{1, 99}, MaxVersion},
		{"zero both", Version{}, Version{}, MaxVersion},
		{"daemon below floor clamps", Version{1, 56}, Version{1, 12}, MinVersion},
		{"client below floor clamps", Version{1, 20}, Version{1, 41}, MinVersion},
		{"major 2 daemon", Version{1, 56}, Version{2, 0}, Version{1, 56}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Negotiate(tt.client, tt.daemon), "Negotiate(%v, %v)", tt.client, tt.daemon)
		})
	}
}

func TestVersionErrorMessage(t *testing.T) {
	err := &VersionError{Op: "ContainerAttachWebsocket stdin", Need: Version{1, 42}, Have: Version{1, 41}}
	assert.EqualError(t, err, "wire: ContainerAttachWebsocket stdin needs API 1.42, negotiated 1.41")
}
