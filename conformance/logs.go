package conformance

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// logsScenarios are the scenarios of when a log stream is multiplexed.
var logsScenarios = []scenario{
	{"logs/multiplexing-rule/tty-and-not", func(e *Env) {
		ver, err := e.Client.APIVersion(e.Ctx)
		if err != nil {
			e.T.Fatal(err)
		}
		ctDecides := !ver.Less(wire.Version{Major: 1, Minor: 42})
		for _, tty := range []bool{false, true} {
			id := e.run(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "echo out; echo err >&2"}, Tty: tty}, nil)
			e.wait(id)

			// What the daemon says, read raw.
			path, err := wire.Path("/containers/{}/logs", id)
			if err != nil {
				e.T.Fatal(err)
			}
			resp, err := e.Client.Wire().Do(e.Ctx, &wire.Request{Method: "GET", Path: path, Query: url.Values{"stdout": {"1"}, "stderr": {"1"}}, Op: "ContainerLogs"})
			if err != nil {
				e.T.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				e.T.Fatal(err)
			}
			ct := resp.Header.Get("Content-Type")
			media, _, _ := strings.Cut(ct, ";")
			media = strings.TrimSpace(media)
			want := mux.MediaMultiplexedStream
			if tty {
				want = mux.MediaRawStream
			}
			switch {
			case ctDecides && media != want:
				e.T.Errorf("API %s, tty=%v: logs Content-Type %q, want %q", ver, tty, ct, want)
			case !ctDecides && media == mux.MediaMultiplexedStream:
				// dockerd 20.10 sends none; later daemons at an older API
				// send raw-stream whatever the Tty, which must not mislead.
				e.T.Errorf("API %s, tty=%v: logs Content-Type %q; before 1.42 the daemon sends none or raw-stream", ver, tty, ct)
			}
			e.T.Logf("API %s, tty=%v: logs Content-Type %q", ver, tty, ct)
			framed := len(raw) >= mux.HeaderSize && (raw[0] == 1 || raw[0] == 2) && raw[1] == 0 && raw[2] == 0 && raw[3] == 0
			if framed == tty {
				e.T.Errorf("API %s, tty=%v: daemon's logs bytes %q framed=%v", ver, tty, raw, framed)
			}

			// What the client decides, with and without the Tty hint.
			for _, hint := range []*bool{nil, &tty} {
				l, err := e.Client.Containers.Logs(e.Ctx, id, endpoints.ContainerLogsOptions{TTY: hint})
				if err != nil {
					e.T.Fatal(err)
				}
				var out, errb bytes.Buffer
				_, err = l.Demux(&out, &errb)
				l.Close()
				what := fmt.Sprintf("API %s, tty=%v, hint=%v", ver, tty, hint != nil)
				if err != nil {
					e.T.Errorf("%s: demux: %v", what, err)
				}
				if l.Multiplexed() == tty {
					e.T.Errorf("%s: client chose multiplexed=%v", what, l.Multiplexed())
				}
				if tty {
					if o := out.String(); !strings.Contains(o, "out\r\n") || !strings.Contains(o, "err\r\n") || errb.Len() != 0 {
						e.T.Errorf("%s: stdout %q stderr %q, want both lines raw on stdout", what, o, errb.String())
					}
				} else if out.String() != "out\n" || errb.String() != "err\n" {
					e.T.Errorf("%s: stdout %q stderr %q, want %q and %q", what, out.String(), errb.String(), "out\n", "err\n")
				}
			}
		}
	}},
}
