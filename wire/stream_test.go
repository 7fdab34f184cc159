package wire

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/leakcheck"
)

type progress struct {
	Status string `json:"status"`
	ID     string `json:"id"`
}

func collect(t *testing.T, r io.Reader, opts StreamOptions) ([]progress, error) {
	t.Helper()
	s := NewStream[progress](t.Context(), io.NopCloser(r), "application/json", opts)
	defer s.Close()
	var out []progress
	for s.Next() {
		out = append(out, s.Value())
	}
	return out, s.Err()
}

func TestStream(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    string // statuses joined by ","
		wantErr error
	}{
		{name: "ndjson", in: `{"status":"a"}` + "\n" + `{"status":"b","id":"x"}` + "\n", want: "a,b"},
		{name: "crlf", in: `{"status":"a"}` + "\r\n" + `{"status":"b"}` + "\r\n", want: "a,b"},
		{name: "concatenated", in: `{"status":"a"}{"status":"b"}{"status":"c"}`, want: "a,b,c"},
		{name: "json-seq", in: "\x1e" + `{"status":"a"}` + "\n\x1e" + `{"status":"b"}` + "\n", want: "a,b"},
		{name: "braces in strings", in: `{"status":"}{\"]["}` + "\n", want: `}{"][`},
		{name: "empty", in: "", want: ""},
		{name: "only separators", in: "\n\n\x1e \n", want: ""},
		{name: "unknown fields", in: `{"status":"a","progressDetail":{"current":-1,"total":1e300},"x":[1,{"y":2}]}`, want: "a"},
		{name: "in-band error", in: `{"status":"a"}` + "\n" + `{"errorDetail":{"code":1,"message":"pull access denied"},"error":"pull access denied"}` + "\n" + `{"status":"never"}`,
			want: "a", wantErr: &StreamError{Code: 1, Message: "pull access denied"}},
		{name: "in-band error string only", in: `{"error":"boom"}`, want: "", wantErr: &StreamError{Message: "boom"}},
		{name: "error field empty is no error", in: `{"status":"a","error":""}`, want: "a"},
		{name: "truncated record", in: `{"status":"a"}` + "\n" + `{"status":"b`, want: "a", wantErr: io.ErrUnexpectedEOF},
		{name: "oversize record", in: `{"status":"a"}` + `{"status":"` + strings.Repeat("x", 200) + `"}`, max: 100, want: "a", wantErr: ErrTooLarge},
		{name: "bad json", in: `{"status":}`, want: "", wantErr: errors.New("syntax")},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			if oneByte {
				name += "/one byte reads"
			}
			t.Run(name, func(t *testing.T) {
				var r io.Reader = strings.NewReader(tt.in)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				got, err := collect(t, r, StreamOptions{MaxRecord: tt.max})
				var st []string
				for _, p := range got {
					st = append(st, p.Status)
				}
				assert.Equal(t, tt.want, strings.Join(st, ","), "record statuses")
				var se *StreamError
				switch want := tt.wantErr.(type) {
				case nil:
					assert.NoError(t, err)
				case *StreamError:
					if assert.ErrorAs(t, err, &se) {
						assert.Equal(t, *want, *se)
					}
				default:
					if errors.Is(want, io.ErrUnexpectedEOF) || want == ErrTooLarge {
						assert.ErrorIs(t, err, want)
					} else {
						assert.Error(t, err)
					}
				}
			})
		}
	}
}

// A huge record with no end costs at most MaxRecord (+1) bytes of buffer.
func TestStreamBoundedMemory(t *testing.T) {
	endless := io.MultiReader(strings.NewReader(`{"status":"`), zerosAs('a'))
	s := NewStream[progress](t.Context(), io.NopCloser(endless), "", StreamOptions{MaxRecord: 1 << 20})
	defer s.Close()
	require.False(t, s.Next(), "Next on an endless record")
	assert.ErrorIs(t, s.Err(), ErrTooLarge)
	assert.LessOrEqual(t, cap(s.sc.buf), 1<<20+1, "buffer capacity")
}

type zerosAs byte

func (z zerosAs) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(z)
	}
	return len(p), nil
}

func TestStreamCancel(t *testing.T) {
	base := runtime.NumGoroutine()
	pr, pw := io.Pipe()
	go func() {
		io.WriteString(pw, `{"status":"a"}`+"\n")
	}()
	ctx, cancel := context.WithCancel(t.Context())
	s := NewStream[progress](ctx, pr, "application/x-ndjson", StreamOptions{})
	require.True(t, s.Next(), "first record: %v", s.Err())
	require.Equal(t, "a", s.Value().Status, "first record")
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	require.False(t, s.Next(), "Next after cancel")
	assert.ErrorIs(t, s.Err(), context.Canceled)
	assert.LessOrEqual(t, time.Since(start), time.Second, "time for cancel to end Next")
	s.Close()
	leakcheck.Settle(t, base)
}

func TestStreamCloseFromAnotherGoroutine(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	s := NewStream[progress](t.Context(), pr, "", StreamOptions{})
	time.AfterFunc(50*time.Millisecond, func() { s.Close() })
	require.False(t, s.Next(), "Next on an empty pipe")
	assert.NoError(t, s.Err(), "Err after Close")
}
