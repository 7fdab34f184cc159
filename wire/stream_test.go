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

	"github.com/dockwire/dockwire/internal/leakcheck"
)

type progress struct {
	Status string `json:"status"`
	ID     string `json:"id"`
}

func collect(t *testing.T, r io.Reader, opts StreamOptions) ([]progress, error) {
	t.Helper()
	s := NewStream[progress](context.Background(), io.NopCloser(r), "application/json", opts)
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
				if s := strings.Join(st, ","); s != tt.want {
					t.Errorf("records %q, want %q", s, tt.want)
				}
				var se *StreamError
				switch want := tt.wantErr.(type) {
				case nil:
					if err != nil {
						t.Errorf("err = %v", err)
					}
				case *StreamError:
					if !errors.As(err, &se) || *se != *want {
						t.Errorf("err = %v, want %v", err, want)
					}
				default:
					if err == nil || (errors.Is(want, io.ErrUnexpectedEOF) || want == ErrTooLarge) && !errors.Is(err, want) {
						t.Errorf("err = %v, want %v", err, want)
					}
				}
			})
		}
	}
}

// A huge record with no end costs at most MaxRecord (+1) bytes of buffer.
func TestStreamBoundedMemory(t *testing.T) {
	endless := io.MultiReader(strings.NewReader(`{"status":"`), zerosAs('a'))
	s := NewStream[progress](context.Background(), io.NopCloser(endless), "", StreamOptions{MaxRecord: 1 << 20})
	defer s.Close()
	if s.Next() {
		t.Fatal("Next on an endless record")
	}
	if !errors.Is(s.Err(), ErrTooLarge) {
		t.Errorf("err = %v", s.Err())
	}
	if n := cap(s.sc.buf); n > 1<<20+1 {
		t.Errorf("buffer grew to %d", n)
	}
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
	ctx, cancel := context.WithCancel(context.Background())
	s := NewStream[progress](ctx, pr, "application/x-ndjson", StreamOptions{})
	if !s.Next() || s.Value().Status != "a" {
		t.Fatalf("first record: %v", s.Err())
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if s.Next() {
		t.Fatal("Next after cancel")
	}
	if !errors.Is(s.Err(), context.Canceled) {
		t.Errorf("err = %v", s.Err())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	s.Close()
	leakcheck.Settle(t, base)
}

func TestStreamCloseFromAnotherGoroutine(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	s := NewStream[progress](context.Background(), pr, "", StreamOptions{})
	time.AfterFunc(50*time.Millisecond, func() { s.Close() })
	if s.Next() {
		t.Fatal("Next on an empty pipe")
	}
	if s.Err() != nil {
		t.Errorf("Err after Close = %v, want nil", s.Err())
	}
}
