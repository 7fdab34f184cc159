package wire

import (
	"errors"
	"testing"
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
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseVersion(%q) error %v does not wrap ErrInvalidArgument", tt.in, err)
		}
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
		if got := tt.a.Less(tt.b); got != tt.less {
			t.Errorf("%v.Less(%v) = %v", tt.a, tt.b, got)
		}
		if got := tt.a.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
	}
	if !(Version{}).IsZero() || (Version{1, 0}).IsZero() {
		t.Error("IsZero wrong")
	}
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
			if got := Negotiate(tt.client, tt.daemon); got != tt.want {
				t.Errorf("Negotiate(%v, %v) = %v, want %v", tt.client, tt.daemon, got, tt.want)
			}
		})
	}
}

func TestVersionErrorMessage(t *testing.T) {
	err := &VersionError{Op: "ContainerAttachWebsocket stdin", Need: Version{1, 42}, Have: Version{1, 41}}
	want := "wire: ContainerAttachWebsocket stdin needs API 1.42, negotiated 1.41"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
}
