package mockdaemon

import (
	"bytes"
	"encoding/json"
)

// Plugin configs are kept as the client or the registry sent them (an
// open schema): these read and copy values decoded into map[string]any.

func sub(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}

func strs(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// cloneJSON deep-copies a decoded JSON value.
func cloneJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	var out map[string]any
	_ = jsonRoundTrip(m, &out)
	return out
}

// jsonRoundTrip decodes the JSON of v into out, numbers as json.Number.
func jsonRoundTrip(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(out)
}

// rawJSON is the JSON of v, nil for a nil pointer.
func rawJSON[T any](v *T) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}
