//go:build unix

package fuzz

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// decodeOps are the answers endpoints decodes with generated decoders
// (endpoints/decode_gen.go), each as a caller gets it and as encoding/json
// decodes the same bytes into the same type.
var decodeOps = []struct {
	name string
	// client decodes the answer body with the client; std with
	// encoding/json.
	client func(t *testing.T, c *dockwire.Client) (any, error)
	std    func(data []byte) (any, error)
	// stream is true for a stream's record, which gives no value when
	// its decode fails; an answer gives what encoding/json decoded.
	stream bool
}{
	{
		"ContainerInspect",
		func(t *testing.T, c *dockwire.Client) (any, error) {
			v, err := c.Containers.Inspect(t.Context(), "x", endpoints.ContainerInspectOptions{})
			return v, err
		},
		func(data []byte) (any, error) {
			var v endpoints.ContainerInspectResult
			return v, json.Unmarshal(data, &v)
		},
		false,
	},
	{
		"ContainerList",
		func(t *testing.T, c *dockwire.Client) (any, error) {
			v, err := c.Containers.List(t.Context(), endpoints.ContainerListOptions{})
			return v.Items, err
		},
		func(data []byte) (any, error) {
			var v []endpoints.ContainerSummary
			return v, json.Unmarshal(data, &v)
		},
		false,
	},
	{
		"Events",
		func(t *testing.T, c *dockwire.Client) (any, error) {
			s, err := c.System.Events(t.Context(), endpoints.SystemEventsOptions{})
			if err != nil {
				return nil, err
			}
			return firstRecord(s)
		},
		func(data []byte) (any, error) {
			var v endpoints.Event
			return v, json.Unmarshal(data, &v)
		},
		true,
	},
	{
		"Stats",
		func(t *testing.T, c *dockwire.Client) (any, error) {
			s, err := c.Containers.Stats(t.Context(), "x", endpoints.ContainerStatsOptions{})
			if err != nil {
				return nil, err
			}
			return firstRecord(s)
		},
		func(data []byte) (any, error) {
			var v endpoints.ContainerStats
			return v, json.Unmarshal(data, &v)
		},
		true,
	},
}

// firstRecord reads the first record of s, the only one the fuzzed answer
// has.
func firstRecord[T any](s *wire.Stream[T]) (any, error) {
	defer s.Close()
	if !s.Next() {
		return nil, s.Err()
	}
	return s.Value(), nil
}

// decodeDaemon answers every request with body, one JSON value.
type decodeDaemon struct{ body []byte }

func (d *decodeDaemon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(d.body)
}

// FuzzDecode (target 20): one JSON value, as the answer of ContainerInspect
// or ContainerList or as an events or stats record (op picks which), read
// through the client, which decodes it with endpoints' generated decoders
// (encoding/json where they fail), and by encoding/json into the same type.
// Property: the client's result is encoding/json's, field for field (for
// an answer, also the part encoding/json decoded before an error); where
// encoding/json fails on a value of the wrong type, the client fails with
// that *json.UnmarshalTypeError, and it fails on any value encoding/json
// refuses. Seeded with dockerd's answers (bench/testdata/canned) and odd
// values; endpoints' own tests (decode_test.go, FuzzDecodeDifferential)
// hold the generated decoders alone to encoding/json.
func FuzzDecode(f *testing.F) {
	canned := filepath.Join("..", "bench", "testdata", "canned")
	for i, file := range []string{"container-inspect.json", "container-list.json", "events.json", "stats.json"} {
		data, err := os.ReadFile(filepath.Join(canned, file))
		require.NoError(f, err)
		// The streams' first record.
		first, _, _ := bytes.Cut(data, []byte("\n"))
		f.Add(uint8(i), first)
	}
	for i, s := range []string{
		`{"Id":"a","State":{"Pid":"12"},"Name":"/x","name":"/y"}`,
		`[{"Id":"a","Labels":{"k":"v","k":null}},null,{"Ports":[{"PrivatePort":70000}]}]`,
		`{"Type":"container","type":"network","Actor":{"Attributes":{"a":1}},"timeNano":1e3}`,
		`{"read":"yesterday","memory_stats":{"stats":{"a":-1}},"networks":{"eth0":null}}`,
	} {
		f.Add(uint8(i), []byte(s))
	}

	sock := filepath.Join(f.TempDir(), "d.sock")
	l, err := net.Listen("unix", sock)
	require.NoError(f, err)
	daemon := &decodeDaemon{}
	srv := &http.Server{Handler: daemon}
	go srv.Serve(l)
	f.Cleanup(func() { srv.Close() })
	c, err := dockwire.New(dial.Config{Host: "unix://" + sock}, &dockwire.Options{APIVersion: wire.Version{Major: 1, Minor: 41}})
	require.NoError(f, err)
	f.Cleanup(func() { c.Close() })

	f.Fuzz(func(t *testing.T, op uint8, data []byte) {
		// One JSON value: the answers are, and a stream splits more
		// into records of its own.
		if !json.Valid(data) || len(data) > 1<<20 {
			return
		}
		o := decodeOps[int(op)%len(decodeOps)]
		want, werr := o.std(data)
		daemon.body = data
		got, err := o.client(t, c)
		var se *wire.StreamError
		if errors.As(err, &se) && strings.Contains(string(data), `"error`) {
			return // an error record: the stream's business, not a decode
		}
		if werr == nil {
			assert.NoError(t, err, "%s: %.300q", o.name, data)
		} else if assert.Error(t, err, "%s: encoding/json refuses %.300q", o.name, data) {
			var wte, te *json.UnmarshalTypeError
			if errors.As(werr, &wte) && assert.ErrorAs(t, err, &te, "%s: %.300q", o.name, data) {
				assert.Equal(t, wte.Error(), te.Error())
			}
		}
		if werr == nil || !o.stream {
			assert.Equal(t, want, got, "%s: %.300q", o.name, data)
		}
	})
}
