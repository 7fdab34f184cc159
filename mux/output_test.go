package mux_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mux"
)

// output is what Output and Conn share: one shape for a process's output.
type output interface {
	io.ReadCloser
	Demux(stdout, stderr io.Writer) (int64, error)
	Multiplexed() bool
}

var (
	_ output = (*mux.Output)(nil)
	_ output = (*mux.Conn)(nil)
)

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestOutputMultiplexed(t *testing.T) {
	var framed bytes.Buffer
	m := mux.NewMuxer(&framed)
	m.Stream(mux.Stdout).Write([]byte("out"))
	m.Stream(mux.Stderr).Write([]byte("err"))
	body := &closeRecorder{Reader: &framed}
	o := mux.NewOutput(body, true)
	assert.True(t, o.Multiplexed())
	var stdout, stderr bytes.Buffer
	n, err := o.Demux(&stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, int64(6), n)
	assert.Equal(t, "out", stdout.String())
	assert.Equal(t, "err", stderr.String())
	require.NoError(t, o.Close())
	assert.True(t, body.closed)
}

func TestOutputRaw(t *testing.T) {
	o := mux.NewOutput(io.NopCloser(strings.NewReader("tty bytes\r\n")), false)
	assert.False(t, o.Multiplexed())
	var stdout, stderr bytes.Buffer
	n, err := o.Demux(&stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, int64(11), n)
	assert.Equal(t, "tty bytes\r\n", stdout.String())
	assert.Empty(t, stderr.String())

	all, err := io.ReadAll(mux.NewOutput(io.NopCloser(strings.NewReader("as is")), false))
	require.NoError(t, err)
	assert.Equal(t, "as is", string(all))

	n, err = mux.NewOutput(io.NopCloser(strings.NewReader("dropped")), false).Demux(nil, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(7), n)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestOutputErrors(t *testing.T) {
	_, err := mux.NewOutput(io.NopCloser(strings.NewReader("x")), false).Demux(failWriter{}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mux: write stdout: disk full")

	cut := []byte{1, 0, 0, 0, 0, 0, 0, 9, 'a'}
	_, err = mux.NewOutput(io.NopCloser(bytes.NewReader(cut)), true).Demux(io.Discard, io.Discard)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}
