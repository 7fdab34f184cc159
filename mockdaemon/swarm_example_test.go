package mockdaemon_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon"
)

// A daemon becomes the manager of a one-node swarm on POST /swarm/init;
// before that, swarm calls answer dockerd's 503.
func ExampleDaemon_swarm() {
	d := mockdaemon.New(mockdaemon.Config{})
	defer d.Close()
	call := func(method, path, body string) (int, string) {
		w := httptest.NewRecorder()
		d.ServeHTTP(w, httptest.NewRequest(method, path, strings.NewReader(body)))
		return w.Code, w.Header().Get("Swarm")
	}
	code, _ := call("GET", "/v1.56/services", "")
	fmt.Println("services before init:", code)
	code, _ = call("POST", "/v1.56/swarm/init", `{"AdvertiseAddr":"127.0.0.1"}`)
	fmt.Println("init:", code)
	_, state := call("GET", "/_ping", "")
	fmt.Println("ping Swarm header:", state)
	// Output:
	// services before init: 503
	// init: 200
	// ping Swarm header: active/manager
}
