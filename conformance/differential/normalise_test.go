package differential

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	idA = "3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
	idB = "9e8d7c6b5a49382716051e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3"
	idC = "0011223344556677889900aabbccddeeff00112233445566778899aabbccddee"
)

func TestNormaliseIDs(t *testing.T) {
	n := newNormaliser(map[string]string{idC: "<image-id>", "/var/lib/docker": "<root>", "20.10.24": "<server-version>"}, "")
	n.saved("c", idA)
	assert.Equal(t, "<c>", n.str(idA))
	assert.Equal(t, "sha256:<c>", n.str("sha256:"+idA))
	assert.Equal(t, "No such container: <c:12>", n.str("No such container: "+idA[:12]), "a short form of a saved id")
	assert.Equal(t, "<root>/containers/<c>/hostname", n.str("/var/lib/docker/containers/"+idA+"/hostname"))
	assert.Equal(t, "sha256:<image-id>", n.str("sha256:"+idC))
	assert.Equal(t, " ---> <image-id:12>", n.str(" ---> "+idC[:12]))
	assert.Equal(t, "Docker <server-version>", n.str("Docker 20.10.24"))

	// An id first seen under a key is named after it; elsewhere numbered.
	v := n.value(map[string]any{"NetworkID": idB, "LowerDir": "/x/" + strings.Repeat("d4", 32) + "/diff"})
	assert.Equal(t, map[string]any{"NetworkID": "<NetworkID>", "LowerDir": "/x/<LowerDir>/diff"}, v)
	assert.Equal(t, "x <id1>", n.str("x "+strings.Repeat("a1", 32)))
	assert.Equal(t, "<NetworkID>", n.str(idB), "the same id keeps its placeholder")
	assert.Equal(t, "<EndpointID>", n.valueAt(strings.Repeat("b2", 32), "EndpointID"))
	assert.Equal(t, "<EndpointID#2>", n.valueAt(strings.Repeat("c3", 32), "EndpointID"))

	// Unknown short ids are numbered, digits-only ones too (one in 300
	// ids has no letter).
	assert.Equal(t, "Running in <short2>", n.str("Running in abcdef012345"))
	assert.Equal(t, "Running in <short2>", n.str("Running in abcdef012345"))
	assert.Equal(t, "Running in <short3>", n.str("Running in 612619904775"))

	// An identity string too short to replace inside others (a host name)
	// is replaced where it is a whole value.
	h := newNormaliser(map[string]string{"vm": "<host>"}, "")
	assert.Equal(t, "<host>", h.str("vm"))
	assert.Equal(t, "vmx vm", h.str("vmx vm"))

	// Keys are normalised too (maps keyed by id).
	assert.Equal(t, map[string]any{"<c>": "x"}, n.value(map[string]any{idA: "x"}))
}

func TestNormaliseSwarmTimesAddresses(t *testing.T) {
	n := newNormaliser(nil, "")
	n.saved("node", "x4k5l6m7n8p9q0r1s2t3u4v5w")
	assert.Equal(t, "node <node>", n.str("node x4k5l6m7n8p9q0r1s2t3u4v5w"))
	assert.Equal(t, "task <sw1>", n.str("task a1b2c3d4e5f6g7h8i9j0k1l2m"))
	assert.Equal(t, "word abcdefghijklmnopqrstuvwxy", n.str("word abcdefghijklmnopqrstuvwxy"), "25 letters without a digit are a word")
	assert.Equal(t, "SWMTKN-1-<secret>", n.str("SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx"))
	// A swarm's CA is its own: its certificate and key are secrets.
	assert.Equal(t, "-----BEGIN CERTIFICATE-----<secret>-----END CERTIFICATE-----\n", n.str("-----BEGIN CERTIFICATE-----\nMIIBajCCARCgAwIBAgIU\nPQQDAgNIADBFAiAb11ri==\n-----END CERTIFICATE-----\n"))
	assert.Equal(t, "<secret>", n.valueAt("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9BItQ+0JOloEZ1cKmzsztUrc4QUAWqAAXNMS", "CertIssuerPublicKey"))

	assert.Equal(t, "<time>", n.str("2026-12-03T08:10:14.188095181Z"))
	assert.Equal(t, "<time>", n.str("2026-12-03T08:10:14+01:00"))
	assert.Equal(t, "0001-01-01T00:00:00Z", n.str("0001-01-01T00:00:00Z"), "the zero time says something")
	assert.Equal(t, "Up <dur>", n.str("Up 3 seconds"))
	assert.Equal(t, "Exited (0) <dur> ago", n.str("Exited (0) Less than a second ago"))
	assert.Equal(t, "Up <dur>", n.str("Up About a minute"))

	// Addresses the sequence asked for are compared; allocated ones are not.
	n.request(&request{target: "/v1.41/networks/create", body: []byte(`{"Subnet":"10.213.1.0/24","MacAddress":"02:42:0a:d5:03:0a"}`)})
	assert.Equal(t, "10.213.1.0/24 gw <ip>", n.str("10.213.1.0/24 gw 10.213.1.1"))
	n.request(&request{target: "/v1.41/x", body: []byte(`{"IPv4Address":"10.214.3.14"}`)})
	assert.Equal(t, "10.214.3.14 <ip>", n.str("10.214.3.14 10.214.3.1"), "an address is asked for whole, not as a prefix of another")
	assert.Equal(t, "127.0.0.1 0.0.0.0", n.str("127.0.0.1 0.0.0.0"))
	assert.Equal(t, "02:42:0a:d5:03:0a <mac>", n.str("02:42:0a:d5:03:0a 02:42:ac:11:00:02"))
}

func TestDecodeKinds(t *testing.T) {
	n := newNormaliser(nil, "")
	h := func(ct string) map[string][]string {
		return map[string][]string{"Content-Type": {ct}, "Api-Version": {"1.41"}, "Server": {"Docker/20.10.24+dfsg1 (linux)"}, "Date": {"now"}}
	}
	d := decode(Answer{Status: 200, Header: h("application/json"), Body: []byte(`{"Id":"x","N":1}` + "\n"), End: "eof"}, n)
	assert.Equal(t, kindJSON, d["kind"])
	assert.Equal(t, map[string]any{"Id": "x", "N": json.Number("1")}, d["body"])
	assert.Equal(t, map[string]any{"Content-Type": "application/json", "Api-Version": "1.41", "Server": "Docker/<version> (linux)"}, d["header"], "Date is not compared")

	// A message stream: stream chunks joined, progress of one layer kept last.
	stream := `{"stream":"Step 1/2"}` + "\r\n" + `{"stream":" : FROM x\n"}` + "\r\n" +
		`{"status":"Loading","id":"l1","progressDetail":{"current":1}}` + "\n" +
		`{"status":"Loading","id":"l1","progressDetail":{"current":2}}` + "\n" + `{"aux":{"ID":"y"}}`
	d = decode(Answer{Status: 200, Header: h("application/json"), Body: []byte(stream), End: "eof"}, n)
	assert.Equal(t, kindJSONStream, d["kind"])
	assert.Equal(t, []any{
		map[string]any{"stream": "Step 1/2 : FROM x\n"},
		map[string]any{"status": "Loading", "id": "l1", "progressDetail": map[string]any{"current": json.Number("2")}},
		map[string]any{"aux": map[string]any{"ID": "y"}},
	}, d["body"])

	// stdcopy frames: consecutive frames of one stream joined.
	frames := append(frame(1, "out1 "), frame(2, "err")...)
	frames = append(frames, frame(1, "out2")...)
	d = decode(Answer{Status: 101, Header: h("application/vnd.docker.raw-stream"), Body: frames, Stream: true, End: "eof"}, n)
	assert.Equal(t, kindMultiplexed, d["kind"])
	assert.Equal(t, map[string]any{"stdout": "out1 out2", "stderr": "err"}, d["stream"])

	// A raw stream is text, even when it would parse as JSON.
	d = decode(Answer{Status: 101, Body: []byte("42\n"), Stream: true, End: "open"}, n)
	assert.Equal(t, kindText, d["kind"])
	assert.Equal(t, "42\n", d["text"])
	assert.Equal(t, "open", d["end"])

	d = decode(Answer{Status: 204, End: "eof"}, n)
	assert.Equal(t, kindEmpty, d["kind"])
	d = decode(Answer{Err: "dial: refused"}, n)
	assert.Equal(t, kindNone, d["kind"])
}

func TestDecodeTarAndPathStat(t *testing.T) {
	n := newNormaliser(nil, "")
	body, err := tarBody([]TarEntry{
		{Type: 'f', Name: "b.txt", Content: "bee\n", Mode: 0o644},
		{Type: 'd', Name: "a", Mode: 0o755},
		{Type: 'h', Name: "a/hard", Link: "b.txt", Mode: 0o644},
	}, vars{}, "")
	require.NoError(t, err)
	// {"name":"x","size":3}
	hdr := map[string][]string{"Content-Type": {"application/x-tar"}, "X-Docker-Container-Path-Stat": {"eyJuYW1lIjoieCIsInNpemUiOjN9"}}
	d := decode(Answer{Status: 200, Header: hdr, Body: body, End: "eof"}, n)
	assert.Equal(t, kindTar, d["kind"])
	assert.Equal(t, []any{
		// the whole mode as written (a daemon's has the c_IS* type bits) and the owners' names
		map[string]any{"name": "a", "type": "dir", "mode": "000755", "owner": ":", "size": json.Number("0")},
		map[string]any{"name": "a/hard", "type": "hardlink", "mode": "000644", "owner": ":", "size": json.Number("0"), "link": "b.txt"},
		map[string]any{"name": "b.txt", "type": "file", "mode": "000644", "owner": ":", "size": json.Number("4"), "content": "bee\n"},
	}, d["tar"])
	assert.Equal(t, map[string]any{"name": "x", "size": json.Number("3")}, d["header"].(map[string]any)["X-Docker-Container-Path-Stat"])
}

func frame(stream byte, s string) []byte {
	return append([]byte{stream, 0, 0, 0, 0, 0, 0, byte(len(s))}, s...)
}

// TestNormaliseListOrder: the ids of a list's objects get the same
// placeholders whatever the list's order (dockerd lists Mounts in its
// map's order).
func TestNormaliseListOrder(t *testing.T) {
	mounts := func(first, second string) []any {
		return []any{
			map[string]any{"Destination": first, "Name": map[string]string{"/a": idA, "/b": idB}[first]},
			map[string]any{"Destination": second, "Name": map[string]string{"/a": idA, "/b": idB}[second]},
		}
	}
	x := newNormaliser(nil, "").value(map[string]any{"Mounts": mounts("/a", "/b")}).(map[string]any)
	y := newNormaliser(nil, "").value(map[string]any{"Mounts": mounts("/b", "/a")}).(map[string]any)
	assert.ElementsMatch(t, x["Mounts"], y["Mounts"])

	// Other lists keep their order: a history's entries, whose times
	// differ between the daemons, are numbered top down on both sides.
	history := func(created ...int) []any {
		var out []any
		for i, id := range []string{idA, idB} {
			out = append(out, map[string]any{"Id": "sha256:" + id, "Created": created[i]})
		}
		return out
	}
	h1 := newNormaliser(nil, "").value(history(2, 1)).([]any)
	h2 := newNormaliser(nil, "").value(history(1, 2)).([]any)
	assert.Equal(t, h1[0].(map[string]any)["Id"], h2[0].(map[string]any)["Id"])
	assert.Equal(t, h1[1].(map[string]any)["Id"], h2[1].(map[string]any)["Id"])
}
