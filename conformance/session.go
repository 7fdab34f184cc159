package conformance

import (
	"io"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
)

// sessionScenarios are the scenarios of the session endpoint's connection upgrade.
var sessionScenarios = []scenario{
	// Session (deprecated) lives here for want of a file of its own: the
	// h2c upgrade hands over the raw connection, on which the daemon, a
	// gRPC client, opens HTTP/2 with the client preface.
	{"session/start/h2c-upgrade", func(e *Env) {
		up, err := e.Client.Session.Start(e.Ctx, endpoints.SessionStartOptions{ID: "dw-session-" + e.RunID, Name: "conformance", SharedKey: e.RunID})
		if err != nil {
			e.T.Fatalf("session: %v", err)
		}
		defer up.Conn.Close()
		if up.StatusCode != 101 || !strings.EqualFold(up.Header.Get("Upgrade"), "h2c") {
			e.T.Errorf("session answer %d, Upgrade %q, want 101 h2c", up.StatusCode, up.Header.Get("Upgrade"))
		}
		const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
		up.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		b := make([]byte, len(preface))
		if _, err := io.ReadFull(up.Reader, b); err != nil || string(b) != preface {
			e.T.Errorf("first bytes from the daemon %q, %v, want the HTTP/2 client preface", b, err)
		}
	}},
}
