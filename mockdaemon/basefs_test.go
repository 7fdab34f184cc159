package mockdaemon_test

import (
	"strings"
	"testing"

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
		if rec := serve(d, "POST", "/containers/create?name="+name, []byte(`{"Image":"busybox","Cmd":["true"]}`)); rec.Code != 201 {
			t.Fatalf("create %s: %d %s", name, rec.Code, rec.Body)
		}
	}
	create(d1, "ca")
	if rec := serve(d1, "PUT", "/containers/ca/archive?path=/etc", tarOf(t, map[string]string{"passwd": "changed\n", "new": "x"})); rec.Code != 200 {
		t.Fatalf("put archive: %d %s", rec.Code, rec.Body)
	}
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
			if rec.Code != tc.wantCode {
				t.Fatalf("code %d, want %d (%s)", rec.Code, tc.wantCode, rec.Body)
			}
			if tc.notIn != "" && strings.Contains(rec.Body.String(), tc.notIn) {
				t.Fatalf("archive holds %q", tc.notIn)
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
