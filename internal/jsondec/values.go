package jsondec

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// The readers of single values. Each reads one value into *p as
// encoding/json would: null leaves *p as it is (the generated code checks
// Null first where null means nil), a value of another kind fails the
// decode.

// String reads a string.
func String[S ~string](d *Decoder, p *S) {
	switch d.peek() {
	case '"':
		*p = S(d.str())
	case 'n':
		d.literal("null")
	default:
		d.mismatch()
	}
}

// Bool reads true or false.
func Bool[B ~bool](d *Decoder, p *B) {
	if b, ok := d.boolean(); ok {
		*p = B(b)
	}
}

// boolean reads true or false; ok is false after null or an error.
func (d *Decoder) boolean() (b, ok bool) {
	switch d.peek() {
	case 't':
		d.literal("true")
		return true, d.err == nil
	case 'f':
		d.literal("false")
		return false, d.err == nil
	case 'n':
		d.literal("null")
	default:
		d.mismatch()
	}
	return false, false
}

// Int reads an integer that fits a signed *p: no fraction or exponent, as
// strconv.ParseInt reads it.
func Int[I ~int | ~int8 | ~int16 | ~int32 | ~int64](d *Decoder, p *I) {
	n, ok := d.integer()
	if !ok {
		return
	}
	v := I(n)
	if int64(v) != n {
		d.mismatch()
		return
	}
	*p = v
}

// Uint reads an integer that fits an unsigned *p, as strconv.ParseUint
// reads it (no sign, not even -0).
func Uint[U ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr](d *Decoder, p *U) {
	n, ok := d.unsigned()
	if !ok {
		return
	}
	v := U(n)
	if uint64(v) != n {
		d.mismatch()
		return
	}
	*p = v
}

// Float reads a number into a float of bits bits (32 or 64), rounded as
// strconv.ParseFloat rounds it; out of range fails.
func Float[F ~float32 | ~float64](d *Decoder, p *F, bits int) {
	switch c := d.peek(); {
	case c == '-' || '0' <= c && c <= '9':
		s := d.number()
		if d.err != nil {
			return
		}
		f, err := strconv.ParseFloat(s, bits)
		if err != nil {
			d.mismatch()
			return
		}
		*p = F(f)
	case c == 'n':
		d.literal("null")
	default:
		d.mismatch()
	}
}

// integer reads a signed integer; ok is false after null or an error.
func (d *Decoder) integer() (n int64, ok bool) {
	c := d.peek()
	if c == 'n' {
		d.literal("null")
		return 0, false
	}
	neg := c == '-'
	if neg {
		d.i++
	}
	u, ok := d.magnitude()
	if !ok {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			d.mismatch()
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		d.mismatch()
		return 0, false
	}
	return int64(u), true
}

// unsigned reads an unsigned integer; ok is false after null or an error.
func (d *Decoder) unsigned() (uint64, bool) {
	if d.peek() == 'n' {
		d.literal("null")
		return 0, false
	}
	return d.magnitude()
}

// magnitude reads the digits of an integer: 0 or a digit 1-9 and more
// digits, not followed by a fraction or an exponent (a number encoding/json
// would not put into an integer), and at most 2^64-1.
func (d *Decoder) magnitude() (uint64, bool) {
	s, i := d.s, d.i
	if i >= len(s) || s[i] < '0' || s[i] > '9' {
		d.mismatch()
		return 0, false
	}
	var n uint64
	if s[i] == '0' {
		i++
	} else {
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			if n > (1<<64-1)/10 {
				d.mismatch()
				return 0, false
			}
			n2 := n*10 + uint64(s[i]-'0')
			if n2 < n {
				d.mismatch()
				return 0, false
			}
			n = n2
		}
	}
	if i < len(s) && (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
		d.mismatch()
		return 0, false
	}
	d.i = i
	return n, true
}

// mismatch fails the decode on a value that does not fit its Go type.
//
//go:noinline
func (d *Decoder) mismatch() { d.failErr(errMismatch) }

// Bytes reads a []byte: base64 (standard encoding) in a string, null for
// nil.
func (d *Decoder) Bytes(p *[]byte) {
	switch d.peek() {
	case '"':
		b, err := base64.StdEncoding.DecodeString(d.str())
		if err != nil {
			d.failErr(err)
			return
		}
		*p = b
	case 'n':
		d.literal("null")
		*p = nil
	default:
		d.mismatch()
	}
}

// Unmarshaler hands a value of any kind, null included, to u's
// UnmarshalJSON, as encoding/json does for a type that has one. The text
// it gets is a scratch copy, valid during the call only (as the
// json.Unmarshaler contract allows).
func (d *Decoder) Unmarshaler(u json.Unmarshaler) {
	raw := d.Raw()
	if d.err != nil {
		return
	}
	d.buf = append(d.buf[:0], raw...)
	if err := u.UnmarshalJSON(d.buf); err != nil {
		d.failErr(err)
	}
}

// Std decodes a value with encoding/json into p, a pointer: for the types
// the generated code does not handle itself (interfaces, TextUnmarshalers,
// maps with keys other than strings).
func (d *Decoder) Std(p any) {
	raw := d.Raw()
	if d.err != nil {
		return
	}
	if err := json.Unmarshal([]byte(raw), p); err != nil {
		d.failErr(err)
	}
}
