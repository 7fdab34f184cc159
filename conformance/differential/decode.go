package differential

import (
	"archive/tar"
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Body kinds of a decoded answer.
const (
	kindNone        = "no-answer"   // the daemon sent no HTTP response
	kindEmpty       = "empty"       // no body
	kindJSON        = "json"        // one JSON value
	kindJSONStream  = "json-stream" // several JSON values (progress, build output)
	kindMultiplexed = "multiplexed" // stdcopy frames
	kindText        = "text"        // anything else: a raw stream, plain text
	kindTar         = "tar"
)

// ignoredHeaders are the response headers not compared: they depend on
// timing and body size. Every other header is compared.
var ignoredHeaders = map[string]bool{"Date": true, "Content-Length": true, "Transfer-Encoding": true}

// A decoded answer is the tree the comparer walks:
//
//	status   the status code
//	header   the compared headers, by canonical name
//	kind     one of the body kinds
//	body     the JSON value, or the list of JSON messages of a stream
//	stream   {stdout, stderr, systemerr} text of stdcopy frames
//	text     the body as text
//	tar      the members of a tar body: {name, type, link, mode, size, content}
//	end      how the body ended: eof, open, truncated, error: ...
//	error    why there was no answer
type decoded map[string]any

// decode turns an answer into its tree, normalised by n.
func decode(a Answer, n *normaliser) decoded {
	if a.Err != "" {
		return decoded{"kind": kindNone, "error": n.str(a.Err)}
	}
	d := decoded{"status": json.Number(fmt.Sprint(a.Status)), "end": a.End}
	h := map[string]any{}
	for k, vs := range a.Header {
		if ignoredHeaders[k] {
			continue
		}
		v := strings.Join(vs, ", ")
		switch k {
		case "Server":
			v = serverHeader(v)
		case "X-Docker-Container-Path-Stat":
			// base64 JSON: compare what it says.
			if raw, err := base64.StdEncoding.DecodeString(v); err == nil {
				if jv, err := decodeJSONValues(raw); err == nil && len(jv) == 1 {
					h[k] = n.value(jv[0])
					continue
				}
			}
		}
		h[k] = n.str(v)
	}
	d["header"] = h
	body := a.Body
	switch {
	case len(body) == 0:
		d["kind"] = kindEmpty
	case strings.HasPrefix(a.Header.Get("Content-Type"), "application/x-tar"):
		entries, err := tarEntries(body, n)
		if err != nil {
			d["kind"], d["text"] = kindText, n.str(textOf(body))
		} else {
			d["kind"], d["tar"] = kindTar, entries
		}
	default:
		if vs, err := decodeJSONValues(body); err == nil && !a.Stream {
			if len(vs) == 1 {
				d["kind"], d["body"] = kindJSON, n.value(vs[0])
			} else {
				d["kind"], d["body"] = kindJSONStream, n.value(mergeMessages(vs))
			}
			break
		}
		if frames, ok := demux(body); ok {
			d["kind"], d["stream"] = kindMultiplexed, n.value(frames)
			break
		}
		d["kind"], d["text"] = kindText, n.str(textOf(body))
	}
	return d
}

// serverHeader keeps the shape of "Docker/20.10.24 (linux)", not the
// version.
func serverHeader(v string) string {
	if rest, ok := strings.CutPrefix(v, "Docker/"); ok {
		if _, os, ok := strings.Cut(rest, " "); ok {
			return "Docker/<version> " + os
		}
	}
	return v
}

// decodeJSONValues decodes body as one or more JSON values, numbers kept as
// written.
func decodeJSONValues(body []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("no JSON value")
	}
	return out, nil
}

// mergeMessages makes a message stream comparable whatever its chunking:
// consecutive {"stream": text} messages become one, and consecutive
// progress messages of one layer ({"status", "id", "progressDetail"})
// keep only the last.
func mergeMessages(vs []any) []any {
	var out []any
	for _, v := range vs {
		m, ok := v.(map[string]any)
		if ok && len(out) > 0 {
			prev, _ := out[len(out)-1].(map[string]any)
			if s, ok := onlyStream(m); ok && prev != nil {
				if ps, ok := onlyStream(prev); ok {
					out[len(out)-1] = map[string]any{"stream": ps + s}
					continue
				}
			}
			if isProgress(m) && prev != nil && isProgress(prev) && prev["id"] == m["id"] && prev["status"] == m["status"] {
				out[len(out)-1] = m
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

func onlyStream(m map[string]any) (string, bool) {
	s, ok := m["stream"].(string)
	return s, ok && len(m) == 1
}

func isProgress(m map[string]any) bool {
	_, ok := m["progressDetail"]
	return ok
}

// demux reads body as stdcopy frames; it reports false unless the whole
// body is well-formed frames. Consecutive frames of one stream are joined:
// how a daemon splits its writes is not part of the API.
func demux(body []byte) (map[string]any, bool) {
	names := [...]string{"stdin", "stdout", "stderr", "systemerr"}
	parts := map[string]*strings.Builder{}
	for len(body) > 0 {
		if len(body) < 8 || body[0] > 3 || body[1] != 0 || body[2] != 0 || body[3] != 0 {
			return nil, false
		}
		size := binary.BigEndian.Uint32(body[4:8])
		if uint64(len(body)-8) < uint64(size) {
			return nil, false
		}
		name := names[body[0]]
		if parts[name] == nil {
			parts[name] = &strings.Builder{}
		}
		parts[name].Write(body[8 : 8+size])
		body = body[8+size:]
	}
	out := map[string]any{}
	for k, b := range parts {
		out[k] = textOf([]byte(b.String()))
	}
	return out, true
}

// textOf is b as text: UTF-8 as is, anything else quoted.
func textOf(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return fmt.Sprintf("(binary %d bytes) %q", len(b), b[:min(len(b), 64)])
}

// tarEntries lists a tar body's members, sorted by name; small text files
// carry their content.
//
// The ids in the members are numbered in an order that does not hang on
// their values: a save's members sort by the ids in their names (a layer's
// v1 id, the config's id), so in the tar's own order the same image's ids
// would come in a different order on each daemon. The index of a save
// (manifest.json, index.json) goes first, then the members by their names
// with the ids masked.
func tarEntries(body []byte, n *normaliser) ([]any, error) {
	type member struct {
		h       *tar.Header
		content []byte
		text    bool
	}
	tr := tar.NewReader(bytes.NewReader(body))
	var members []member
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		m := member{h: h}
		if h.Typeflag == tar.TypeReg && h.Size <= 4096 {
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, err
			}
			m.content, m.text = b, utf8.Valid(b)
		}
		members = append(members, m)
	}
	rank := func(m member) int {
		switch m.h.Name {
		case "manifest.json", "index.json":
			return 0
		}
		return 1
	}
	order := slices.Clone(members)
	slices.SortStableFunc(order, func(a, b member) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return strings.Compare(longHex.ReplaceAllString(a.h.Name, "#"), longHex.ReplaceAllString(b.h.Name, "#"))
	})
	out := make([]any, 0, len(order))
	for _, m := range order {
		h := m.h
		e := map[string]any{
			"name":  n.str(h.Name),
			"type":  typeName(h.Typeflag),
			"mode":  fmt.Sprintf("%06o", h.Mode), // with the c_IS* type bits, as archive/tar writes them
			"owner": h.Uname + ":" + h.Gname,
			"size":  json.Number(fmt.Sprint(h.Size)),
		}
		if h.Linkname != "" {
			e["link"] = n.str(h.Linkname)
		}
		if m.text {
			e["content"] = n.str(string(m.content))
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].(map[string]any)["name"].(string) < out[j].(map[string]any)["name"].(string)
	})
	return out, nil
}

func typeName(t byte) string {
	switch t {
	case tar.TypeReg:
		return "file"
	case tar.TypeDir:
		return "dir"
	case tar.TypeLink:
		return "hardlink"
	case tar.TypeSymlink:
		return "symlink"
	}
	return fmt.Sprintf("type-%q", t)
}

// savedValue is the value at path in an answer, for the captures of a
// step: in the JSON value, or in the first message of a stream that has it.
func savedValue(a Answer, path string) (string, bool) {
	vs, err := decodeJSONValues(a.Body)
	if err != nil {
		return "", false
	}
	for _, v := range vs {
		if s, ok := valueAt(v, path); ok {
			return s, true
		}
	}
	return "", false
}
