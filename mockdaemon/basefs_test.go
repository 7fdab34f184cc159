package mockdaemon_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestBaseImageIsolated: daemons share the extracted base layer
// copy-on-write, so a file one daemon's container writes or removes is
// never seen by another daemon, nor by a later container of the first.
func TestBaseImageIsolated(t *testing.T) {
	d1 := mockdaemon.New(mockdaemon.Config{})
	defer d1.Close()
	d2 := mockdaemon.New(mockdaemon.Config{})
	defer d2.Close()
	create := func(d *mockdaemon.Daemon, name string) {
		t.Helper()
		rec := serve(d, "POST", "/containers/create?name="+name, []byte(`{"Image":"busybox","Cmd":["true"]}`))
		require.Equal(t, 201, rec.Code, "create %s: %s", name, rec.Body)
	}
	create(d1, "ca")
	rec := serve(d1, "PUT", "/containers/ca/archive?path=/etc", tarOf(t, map[string]string{"passwd": "changed\n", "new": "x"}))
	require.Equal(t, 200, rec.Code, "put archive: %s", rec.Body)
	tests := []struct {
		name      string
		d         *mockdaemon.Daemon
		container string
		path      string
		wantCode  int
		notIn     string
	}{
		{"changed file, same daemon", d1, "cb", "/etc/passwd", 200, "changed"},
		{"added file, same daemon", d1, "cb", "/etc/new", 404, ""},
		{"changed file, other daemon", d2, "cc", "/etc/passwd", 200, "changed"},
		{"added file, other daemon", d2, "cc", "/etc/new", 404, ""},
		{"writer still sees its change", d1, "ca", "/etc/new", 200, "\x00never"},
	}
	create(d1, "cb")
	create(d2, "cc")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(tc.d, "GET", "/containers/"+tc.container+"/archive?path="+tc.path, nil)
			require.Equal(t, tc.wantCode, rec.Code, "%s", rec.Body)
			if tc.notIn != "" {
				assert.NotContains(t, rec.Body.String(), tc.notIn, "the archive")
			}
		})
	}
}

// BenchmarkNew measures a daemon's setup and teardown (the base image is
// extracted once per process).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d := mockdaemon.New(mockdaemon.Config{})
		d.Close()
	}
}
