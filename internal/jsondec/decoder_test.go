package jsondec

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valid is what a Decoder accepts as a whole text: one value and
// whitespace.
func valid(s string) bool {
	var d Decoder
	d.Reset(s)
	d.Skip()
	return d.Finish() == nil
}

// Syntax: the Decoder accepts exactly what encoding/json accepts.
var syntaxCases = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `nulll`, `True`, `0`, `-0`, `-`, `01`, `1.`, `1.5`, `.5`,
	`1e5`, `1E+5`, `1e-05`, `1e`, `1e+`, `-1.5e-3`, `123456789012345678901234567890`, `0x10`, `+1`, `1_0`,
	`""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9"`, `"\u00E9"`, `"\u00g9"`, `"\u00e"`, `"\'"`, `"\x"`,
	"\"a\tb\"", "\"a\x7fb\"", "\"\xff\"", "\"\xe9t\xe9\"", `"unterminated`, `"\`,
	`{}`, `[]`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1 "b":2}`, `[1,]`, `[,1]`, `[1 2]`,
	`{"a":[1,{"b":null}],"c":"d"}`, ` {"a" : [ 1 , 2 ] } `, "{\"a\":1}\n", `{"a":1}x`, `{"a":1}{}`,
	`[1]]`, `[[1]`, `{"a":}`, `{"a"}`, `{,}`, `[`, `{`, "\ufeff{}", "{}\x00", `[tru]`, `[1true]`,
	"[\"\x00\"]", `{"\u0000":1}`, `"\ud800"`, `"\ud800\udc00"`, `"\udc00\ud800"`, `"\ud800\u0041"`,
}

func TestSyntaxLikeEncodingJSON(t *testing.T) {
	for _, s := range syntaxCases {
		assert.Equal(t, json.Valid([]byte(s)), valid(s), "%q", s)
	}
}

func TestMaxDepth(t *testing.T) {
	deep := func(n int) string {
		b := make([]byte, 0, 2*n)
		for range n {
			b = append(b, '[')
		}
		for range n {
			b = append(b, ']')
		}
		return string(b)
	}
	for _, n := range []int{maxDepth, maxDepth + 1} {
		s := deep(n)
		assert.Equal(t, json.Valid([]byte(s)), valid(s), "depth %d", n)
	}
	assert.True(t, valid(deep(maxDepth)))
	assert.False(t, valid(deep(maxDepth+1)))
}

// decodeAs reads s with read into a fresh T and with encoding/json into
// another; when the Decoder succeeds, encoding/json must succeed with the
// same value. It reports whether the Decoder succeeded.
func decodeAs[T any](t *testing.T, s string, read func(*Decoder, *T)) bool {
	t.Helper()
	var got, want T
	var d Decoder
	d.Reset(s)
	read(&d, &got)
	err := d.Finish()
	jerr := json.Unmarshal([]byte(s), &want)
	if err != nil {
		return false
	}
	if assert.NoError(t, jerr, "jsondec accepted %q", s) {
		assert.Equal(t, want, got, "%q", s)
	}
	return true
}

func TestStrings(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{
		{`"plain"`, "plain", true},
		{`"caf\u00e9 \"q\" \\ \/ \b\f\n\r\t"`, "café \"q\" \\ / \b\f\n\r\t", true},
		{"\"caf\xc3\xa9\"", "café", true},
		{"\"bad \xff byte\"", "bad \ufffd byte", true},
		{"\"\xe9\xe9\"", "\ufffd\ufffd", true},
		{`"\ud83d\ude00"`, "😀", true},
		{`"\ud83d"`, "\ufffd", true},
		{`"\ud83dx"`, "\ufffdx", true},
		{`"\ud83d\u0041"`, "\ufffdA", true},
		{`"\ude00\ud83d"`, "\ufffd\ufffd", true},
		{"\"\xed\xa0\x80\"", "\ufffd\ufffd\ufffd", true}, // a surrogate in UTF-8 is invalid
		{`null`, "", true},
		{`"tab	"`, "", false},
		{`1`, "", false},
		{`"\'"`, "", false},
	} {
		ok := decodeAs(t, tt.in, String[string])
		assert.Equal(t, tt.ok, ok, "%q", tt.in)
		if ok {
			var got string
			var d Decoder
			d.Reset(tt.in)
			String(&d, &got)
			assert.Equal(t, tt.want, got, "%q", tt.in)
		}
	}
}

// A plain string is a substring of the text: no allocation.
func TestStringNoAlloc(t *testing.T) {
	text := `{"Id":"91cecc1da482","Name":"/web","Labels":{"a":"b"}}`
	var d Decoder
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(text)
		var id, name string
		for more := d.Object(); more; more = d.NextMember() {
			switch d.Key() {
			case "Id":
				String(&d, &id)
			case "Name":
				String(&d, &name)
			default:
				d.Skip()
			}
		}
		if d.Finish() != nil || id != "91cecc1da482" {
			t.Fatal("bad decode")
		}
	})
	assert.Zero(t, allocs)
}

func TestNumbers(t *testing.T) {
	ins := []string{
		`0`, `-0`, `1`, `-1`, `127`, `128`, `-128`, `-129`, `255`, `256`, `65535`, `65536`,
		`2147483647`, `2147483648`, `-2147483648`, `-2147483649`, `4294967295`, `4294967296`,
		`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
		`18446744073709551615`, `18446744073709551616`, `99999999999999999999`, `1.0`, `1e2`, `1E2`,
		`-1.5`, `3.4028235e38`, `3.5e38`, `1e308`, `1e309`, `-1e400`, `5e-324`, `1e-400`, `0.1`,
		`null`, `"1"`, `true`, `[]`, `{}`, `-`, `01`,
	}
	for _, in := range ins {
		readEach(t, in)
	}
	// The boundaries that must be accepted.
	assert.True(t, decodeAs(t, `-9223372036854775808`, Int[int64]))
	assert.True(t, decodeAs(t, `18446744073709551615`, Uint[uint64]))
	assert.True(t, decodeAs(t, `-0`, Int[int64]))
	assert.False(t, decodeAs(t, `-0`, Uint[uint64]))
	var f float64
	var d Decoder
	d.Reset(`1e308`)
	Float(&d, &f, 64)
	require.NoError(t, d.Finish())
	assert.Equal(t, 1e308, f)
	assert.False(t, math.IsInf(f, 0))
}

func TestBytes(t *testing.T) {
	for _, in := range []string{`"aGVsbG8="`, `""`, `null`, `"aGVsbG8"`, `"aGV\nsbG8="`, `"aGV\\nsbG8="`, `"!!"`, `5`} {
		decodeAs(t, in, func(d *Decoder, p *[]byte) { d.Bytes(p) })
	}
}

func TestUnmarshalerAndStd(t *testing.T) {
	for _, in := range []string{`"2026-12-03T10:31:14.798165096Z"`, `null`, `"yesterday"`, `5`, `"2026-12-03T10:31:14Z"`} {
		decodeAs(t, in, func(d *Decoder, p *time.Time) { d.Unmarshaler(p) })
	}
	for _, in := range []string{`{"a":[1,"x",null,true]}`, `null`, `1.5`, `"s"`} {
		decodeAs(t, in, func(d *Decoder, p *any) { d.Std(p) })
	}
	assert.True(t, decodeAs(t, `{"a":[1,"x",null,true]}`, func(d *Decoder, p *any) { d.Std(p) }))
}

// Keys match field names as encoding/json matches them: exactly first,
// then case-insensitively with Unicode's folding (the Kelvin sign is a K,
// the long s an S), the first field in order winning.
func TestStruct(t *testing.T) {
	type S struct {
		Kind, Status string
		ID           string `json:"Id"`
		Id2          string `json:"ID"`
		N            int
	}
	names := []string{"Kind", "Status", "Id", "ID", "N"}
	field := func(d *Decoder, v *S, k string) bool {
		switch k {
		case "Kind":
			String(d, &v.Kind)
		case "Status":
			String(d, &v.Status)
		case "Id":
			String(d, &v.ID)
		case "ID":
			String(d, &v.Id2)
		case "N":
			Int(d, &v.N)
		default:
			return false
		}
		return true
	}
	for _, in := range []string{
		`{"\u212aind":"k","\u017ftatus":"s"}`,
		`{"id":"a","ID":"b","iD":"c"}`,
		`{"Id":"a","id":"b"}`,
		`{"kind":"a","KIND":"b","other":{"x":[1,2]},"n":3}`,
		`{"N":"3"}`,
		`null`,
		`{"Kind":null}`,
	} {
		decodeAs(t, in, func(d *Decoder, v *S) { Struct(d, v, names, field) })
	}
	var got S
	var d Decoder
	d.Reset(`{"\u212aind":"k","\u017ftatus":"s","id":"c"}`)
	Struct(&d, &got, names, field)
	require.NoError(t, d.Finish())
	assert.Equal(t, S{Kind: "k", Status: "s", ID: "c"}, got)
}

// Errors stop the decode: the loops of generated code end, Err keeps the
// first error.
func TestErrorStops(t *testing.T) {
	var d Decoder
	d.Reset(`{"a":1,"b":"x","c":[1,2}`)
	n := 0
	for more := d.Object(); more; more = d.NextMember() {
		d.Key()
		var s string
		String(&d, &s) // 1 is no string
		n++
	}
	assert.Equal(t, 1, n)
	var e *Error
	require.ErrorAs(t, d.Finish(), &e)
	assert.Equal(t, 5, e.Offset)
	assert.Equal(t, "", d.Key())
	assert.False(t, d.Object())
	assert.False(t, d.NextElement())
}

// readEach reads s with each reader, each against encoding/json
// (decodeAs).
func readEach(t *testing.T, s string) {
	t.Helper()
	decodeAs(t, s, String[string])
	decodeAs(t, s, Int[int8])
	decodeAs(t, s, Int[int16])
	decodeAs(t, s, Int[int32])
	decodeAs(t, s, Int[int64])
	decodeAs(t, s, Int[int])
	decodeAs(t, s, func(d *Decoder, p *time.Duration) { Int(d, p) })
	decodeAs(t, s, Uint[uint8])
	decodeAs(t, s, Uint[uint16])
	decodeAs(t, s, Uint[uint32])
	decodeAs(t, s, Uint[uint64])
	decodeAs(t, s, Uint[uint])
	decodeAs(t, s, func(d *Decoder, p *float32) { Float(d, p, 32) })
	decodeAs(t, s, func(d *Decoder, p *float64) { Float(d, p, 64) })
	decodeAs(t, s, Bool[bool])
	decodeAs(t, s, func(d *Decoder, p *[]byte) { d.Bytes(p) })
	// A map of strings: keys and values through str.
	decodeAs(t, s, func(d *Decoder, p *map[string]string) {
		if d.Null() {
			*p = nil
			return
		}
		if *p == nil {
			*p = map[string]string{}
		}
		for more := d.Object(); more; more = d.NextMember() {
			k := d.Key()
			var v string
			String(d, &v)
			(*p)[k] = v
		}
	})
}

// FuzzDecoder holds the Decoder to encoding/json on any input: the same
// syntax verdict, and wherever a Decoder read succeeds (a string, each
// integer and float type, a generic skip), the value encoding/json gives.
func FuzzDecoder(f *testing.F) {
	for _, s := range syntaxCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, json.Valid([]byte(s)), valid(s), "jsondec's syntax verdict on %q", s)
		readEach(t, s)
		if t.Failed() {
			t.Logf("input %q", s)
		}
	})
}

func TestLen(t *testing.T) {
	for in, want := range map[string]int{
		`[]`: 0, ` [ ] `: 0, `{}`: 0, `[1]`: 1, `[1,2,3]`: 3, `["a,b","c\",d"]`: 2, `[[1,2],{"a":1,"b":[3,4]}]`: 2,
		`{"a":1,"b":{"c":2,"d":3}}`: 2, `[{}]`: 1, `[[]]`: 1, `"x"`: -1, `null`: -1, `[1,2`: -1, "[" + strings.Repeat("1,", 40) + "1]": -1,
	} {
		var d Decoder
		d.Reset(in)
		assert.Equal(t, want, d.Len(32), "%q", in)
		assert.Equal(t, d.i, len(in)-len(strings.TrimLeft(in, " ")), "Len reads nothing")
	}
}
