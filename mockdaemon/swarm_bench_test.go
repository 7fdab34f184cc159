package mockdaemon_test

import (
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// BenchmarkSecretList lists 100 secrets through the handler (no socket).
func BenchmarkSecretList(b *testing.B) {
	d := mockdaemon.New(mockdaemon.Config{})
	defer d.Close()
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		d.ServeHTTP(w, httptest.NewRequest(method, path, strings.NewReader(body)))
		return w
	}
	serve("POST", "/v1.56/swarm/init", `{}`)
	data := base64.StdEncoding.EncodeToString([]byte("s3cret"))
	for i := range 100 {
		w := serve("POST", "/v1.56/secrets/create", fmt.Sprintf(`{"Name":"s%d","Labels":{"i":"%d"},"Data":%q}`, i, i, data))
		require.Equal(b, 201, w.Code, "create: %s", w.Body)
	}
	w := serve("GET", "/v1.56/secrets", "")
	b.SetBytes(int64(w.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		require.Equal(b, 200, serve("GET", "/v1.56/secrets", "").Code)
	}
}
