package endpoints

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Random values of every root type, as encoding/json writes them, then
// changed the ways a daemon (or a proxy, or a newer API) could change
// them: keys no field has, nulls in place of values or after them (a key
// twice), keys in other cases, and values of the wrong kind. Each input goes through checkDiff: the
// generated decoder, where it succeeds, and the client's decode always,
// must give encoding/json's value and error.

// randomRounds is how many random values each root type gets per test.
const randomRounds = 150

func TestDecodeRandomValues(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			fast := 0
			for range randomRounds {
				data := rc.randJSON(r)
				if checkDiff(t, rc, data) {
					fast++
				}
				tree := jsonTree(t, data)
				changed := writeTree(r, nil, mutate(r, tree, 0))
				checkDiff(t, rc, changed)
				if t.Failed() {
					return
				}
			}
			// Random values as encoding/json writes them never need the
			// fall back.
			assert.Equal(t, randomRounds, fast, "the generated decoder failed on encoding/json's own output")
		})
	}
}

// A value of the wrong kind anywhere (a string for a number, an array for
// an object, ...) gives encoding/json's error, a *json.UnmarshalTypeError,
// and the rest of the value as encoding/json decodes it.
func TestDecodeWrongTypes(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			typeErrors := 0
			for range randomRounds {
				tree := jsonTree(t, rc.randJSON(r))
				if !replaceOne(r, tree) {
					continue
				}
				data := marshalTree(t, tree)
				checkDiff(t, rc, data)
				if _, err := rc.full(data); err != nil {
					var te *json.UnmarshalTypeError
					if assert.ErrorAs(t, err, &te, "%.300q", data) {
						typeErrors++
					}
				}
				if t.Failed() {
					return
				}
			}
			// Most replacements are type errors; those that are not land
			// in an interface{} or swap a number for another number.
			t.Logf("%d of %d replacements were type errors", typeErrors, randomRounds)
			assert.Greater(t, typeErrors, randomRounds/2)
		})
	}
}

// randJSON is a random value of the root type, marshalled.
func (rc rootCase) randJSON(r *rand.Rand) []byte {
	v := rc.random(r)
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// randomValue sets v to a random value of its type: nil, empty and full
// pointers, slices and maps, integers over their whole range, strings with
// escapes and multi-byte runes.
func randomValue(r *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Unix(r.Int64N(1<<35)-1<<34, r.Int64N(1e9)).UTC()))
		return
	}
	if depth > 12 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(randomString(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := int64(r.Uint64()) >> (64 - v.Type().Bits())
		if r.IntN(2) == 0 {
			n %= 1000
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := r.Uint64() >> (64 - v.Type().Bits())
		if r.IntN(2) == 0 {
			n %= 1000
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f := r.NormFloat64() * float64([]float32{1, 1e-9, 1e6, 1e30}[r.IntN(4)])
		if v.Kind() == reflect.Float32 {
			f = float64(float32(f))
		}
		v.SetFloat(f)
	case reflect.Pointer:
		if r.IntN(4) == 0 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		randomValue(r, v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomValue(r, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		n := r.IntN(5) - 1
		if n < 0 {
			return // nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			randomValue(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			randomValue(r, v.Index(i), depth+1)
		}
	case reflect.Map:
		n := r.IntN(5) - 1
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			randomValue(r, k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			randomValue(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf(randomJSON(r, 1)))
	}
}

// stringPieces make random strings: what needs no escaping, what
// encoding/json escapes (quotes, controls, HTML, U+2028) and multi-byte
// runes.
var stringPieces = []string{"", "a", "web-1", "/var/lib/docker", `"q"`, `back\slash`, "\x01\t\n", "<a&b>", "\u2028", "é", "日本", "😀", "K\u212a"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(4) {
		b.WriteString(stringPieces[r.IntN(len(stringPieces))])
	}
	return b.String()
}

// randomJSON is a random JSON value as encoding/json decodes one into
// interface{}.
func randomJSON(r *rand.Rand, depth int) any {
	k := r.IntN(7)
	if depth > 2 {
		k %= 5
	}
	switch k {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return float64(r.IntN(2000) - 1000)
	case 3:
		return r.NormFloat64()
	case 4:
		return randomString(r)
	case 5:
		return []any{randomJSON(r, depth+1), randomJSON(r, depth+1)}
	}
	return map[string]any{"x" + randomString(r): randomJSON(r, depth+1)}
}

// jsonTree decodes data into maps, slices and json.Numbers (exact).
func jsonTree(t *testing.T, data []byte) any {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

func marshalTree(t *testing.T, v any) []byte {
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

// mutate changes the members of every object of v: some keys recased,
// some values nulled, and a key no struct field has added now and then
// (its value anything).
func mutate(r *rand.Rand, v any, depth int) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x)+1)
		for k, e := range x {
			if r.IntN(3) == 0 {
				k = recase(r, k)
			}
			if r.IntN(8) == 0 {
				e = nil
			}
			m[k] = mutate(r, e, depth+1)
		}
		if r.IntN(3) == 0 {
			m["Unknown_"+randomString(r)] = randomJSON(r, 0)
		}
		return m
	case []any:
		for i := range x {
			x[i] = mutate(r, x[i], depth+1)
		}
	}
	return v
}

// recase flips the case of some letters of k, with Unicode's folding
// (k becomes K or the Kelvin sign, s the long s).
func recase(r *rand.Rand, k string) string {
	rs := []rune(k)
	for i, c := range rs {
		switch {
		case c == 'k' || c == 'K':
			rs[i] = []rune{'k', 'K', '\u212a'}[r.IntN(3)]
		case c == 's' || c == 'S':
			rs[i] = []rune{'s', 'S', '\u017f'}[r.IntN(3)]
		case r.IntN(2) == 0:
			rs[i] = unicode.SimpleFold(c)
		}
	}
	return string(rs)
}

// writeTree appends v's JSON to b, some members written twice: first with
// their value, then with null (which leaves a string, a number, a bool or
// a struct as it is, and sets a pointer, a slice or a map to nil).
func writeTree(r *rand.Rand, b []byte, v any) []byte {
	switch x := v.(type) {
	case map[string]any:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			key, _ := json.Marshal(k)
			b = writeTree(r, append(append(b, key...), ':'), x[k])
			if r.IntN(10) == 0 {
				b = append(append(append(b, ','), key...), ":null"...)
			}
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = writeTree(r, b, e)
		}
		return append(b, ']')
	}
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return append(b, data...)
}

// replaceOne replaces one value inside v (not v itself), picked at random,
// with a value of another kind. It reports false if v holds none.
func replaceOne(r *rand.Rand, v any) bool {
	type slot struct {
		get func() any
		set func(any)
	}
	var slots []slot
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				slots = append(slots, slot{func() any { return x[k] }, func(e any) { x[k] = e }})
				walk(x[k])
			}
		case []any:
			for i := range x {
				slots = append(slots, slot{func() any { return x[i] }, func(e any) { x[i] = e }})
				walk(x[i])
			}
		}
	}
	walk(v)
	var live []slot
	for _, s := range slots {
		if e := s.get(); e != nil && !isTime(e) {
			live = append(live, s)
		}
	}
	if len(live) == 0 {
		return false
	}
	s := live[r.IntN(len(live))]
	s.set(otherKind(s.get()))
	return true
}

// isTime reports whether e is a time as encoding/json writes a time.Time:
// time.Time's own UnmarshalJSON reports a value of another kind with an
// error of its own (encoding/json's, as checkDiff holds), not an
// UnmarshalTypeError.
func isTime(e any) bool {
	s, ok := e.(string)
	if !ok {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// otherKind is a JSON value of another kind than e.
func otherKind(e any) any {
	switch e.(type) {
	case string:
		return json.Number("7")
	case json.Number:
		return "7"
	case bool:
		return "true"
	case map[string]any:
		return []any{json.Number("1")}
	case []any:
		return map[string]any{"a": json.Number("1")}
	}
	panic(fmt.Sprintf("otherKind(%T)", e))
}
