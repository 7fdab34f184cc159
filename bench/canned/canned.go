// Package canned is a stand-in daemon that answers with what a real dockerd
// 20.10 (API 1.41) answered, recorded by ../capture.sh into
// ../testdata/canned: list (50 containers), inspect, image list, /_ping's
// headers, and the events, stats and pull progress streams. It does no work
// per request beyond writing the bytes, so a benchmark against it measures
// the client. Streams are written one record per flush, as dockerd writes
// them (one chunk each).
//
// [Start] runs it in a child process (the calling program re-executed, see
// [ServeIfChild]), so that the allocations and CPU time a benchmark
// reports are the client's alone.
package canned

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// StatsRecords is how many records a stats stream has: the captured
// records (about one a second) repeated in turn.
const StatsRecords = 100

// answer is one recorded response: its headers and body, or its records.
type answer struct {
	header  http.Header
	body    []byte   // a whole answer
	records [][]byte // a stream's records, each with its newline
}

// Answers are the recorded responses, by name (the file names of
// testdata/canned without extension).
type Answers map[string]*answer

var names = []string{"ping", "container-list", "container-inspect", "image-list", "events", "stats", "pull"}

// Load reads the recorded responses from dir.
func Load(dir string) (Answers, error) {
	a := Answers{}
	for _, name := range names {
		h, err := readHeaders(filepath.Join(dir, name+".headers"))
		if err != nil {
			return nil, err
		}
		ans := &answer{header: h}
		if name != "ping" {
			ans.body, err = os.ReadFile(filepath.Join(dir, name+".json"))
			if err != nil {
				return nil, err
			}
		}
		switch name {
		case "events", "pull":
			ans.records = lines(ans.body)
		case "stats":
			recs := lines(ans.body)
			if len(recs) == 0 {
				return nil, fmt.Errorf("canned: %s has no records", name)
			}
			for i := range StatsRecords {
				ans.records = append(ans.records, recs[i%len(recs)])
			}
		}
		a[name] = ans
	}
	return a, nil
}

// Records returns how many records the named stream has (0 for an answer
// that is not a stream, or no answer).
func (a Answers) Records(name string) int {
	if ans := a[name]; ans != nil {
		return len(ans.records)
	}
	return 0
}

// Body returns the named answer's body.
func (a Answers) Body(name string) []byte { return a[name].body }

func lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b) - 1
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// readHeaders reads a status line and MIME headers, as capture.sh wrote them.
func readHeaders(path string) (http.Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := textproto.NewReader(bufio.NewReader(f))
	status, err := r.ReadLine()
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		return nil, fmt.Errorf("canned: %s: want a 200 status line, got %q (%v)", path, status, err)
	}
	h, err := r.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil, fmt.Errorf("canned: %s: %w", path, err)
	}
	return http.Header(h), nil
}

var versioned = regexp.MustCompile(`^/v1\.[0-9]+/`)

// Handler answers the recorded requests; anything else is a 404 in
// dockerd's words.
func (a Answers) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("HEAD /_ping", a.whole("ping"))
	mux.HandleFunc("GET /_ping", a.whole("ping"))
	mux.HandleFunc("GET /containers/json", a.whole("container-list"))
	mux.HandleFunc("GET /containers/{id}/json", a.whole("container-inspect"))
	mux.HandleFunc("GET /images/json", a.whole("image-list"))
	mux.HandleFunc("GET /events", a.stream("events"))
	mux.HandleFunc("GET /containers/{id}/stats", a.stream("stats"))
	mux.HandleFunc("POST /images/create", a.stream("pull"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loc := versioned.FindStringIndex(r.URL.Path); loc != nil {
			r.URL.Path = r.URL.Path[loc[1]-1:]
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"page not found"}` + "\n"))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (a Answers) whole(name string) http.HandlerFunc {
	ans := a[name]
	return func(w http.ResponseWriter, r *http.Request) {
		copyHeader(w.Header(), ans.header)
		if name == "ping" {
			w.Header().Set("Content-Length", "2")
			if r.Method == http.MethodGet {
				w.Write([]byte("OK"))
			}
			return
		}
		w.Write(ans.body)
	}
}

func (a Answers) stream(name string) http.HandlerFunc {
	ans := a[name]
	return func(w http.ResponseWriter, r *http.Request) {
		copyHeader(w.Header(), ans.header)
		w.WriteHeader(http.StatusOK)
		f, _ := w.(http.Flusher)
		for _, rec := range ans.records {
			if _, err := w.Write(rec); err != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
		}
	}
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}
