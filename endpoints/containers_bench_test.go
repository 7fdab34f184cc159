package endpoints_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dockwire/dockwire/endpoints"
)

// BenchmarkDecodeInspect decodes a captured-looking inspect answer.
func BenchmarkDecodeInspect(b *testing.B) {
	data := []byte(inspectJSON)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var c endpoints.ContainerInspectResult
		if err := json.Unmarshal(data, &c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList lists 50 containers from a fake daemon over a unix socket:
// request building, the HTTP exchange and decoding.
func BenchmarkList(b *testing.B) {
	one := strings.TrimSuffix(strings.TrimPrefix(listJSON, "["), "]")
	body := "[" + strings.Repeat(one+",", 49) + one + "]"
	f, w := newFake(b, "1.41")
	f.noRecord = true
	f.on("GET /containers/json", func(w http.ResponseWriter, r *http.Request, _ []byte) { w.Write([]byte(body)) })
	c := endpoints.NewContainers(w)
	ctx := b.Context()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		got, err := c.List(ctx, endpoints.ContainerListOptions{All: true})
		if err != nil || len(got.Items) != 50 {
			b.Fatal(len(got.Items), err)
		}
	}
}

// BenchmarkParsePortSpec parses a docker run -p spec.
func BenchmarkParsePortSpec(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := endpoints.ParsePortSpec("127.0.0.1:8080:80/udp"); err != nil {
			b.Fatal(err)
		}
	}
}
