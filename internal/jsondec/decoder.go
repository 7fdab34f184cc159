// Package jsondec reads JSON without reflection, for the decoders that
// endpoints generates for its hottest results (decode_gen.go there): the
// generated code walks a JSON text with a Decoder, field by field, into the
// typed result.
//
// The rules are encoding/json's, so that a decode that succeeds here gives
// the value json.Unmarshal gives: the input must be valid JSON (RFC 8259,
// as encoding/json's scanner reads it, nesting at most 10000 deep), null
// leaves a string, number, bool, struct or array as it is and sets a
// pointer, map or slice to nil, a number must fit its Go type exactly (no
// fraction into an integer), invalid UTF-8 and lone surrogates in strings
// become U+FFFD. Anything else (a type mismatch, a syntax error) fails the
// decode: the Decoder records the first error and stops, and the caller
// decodes the same bytes again with encoding/json, whose value and error
// are then the result. The Decoder therefore never has to reproduce
// encoding/json's errors, only its successes.
//
// Strings are substrings of the text wherever they need no unescaping, so
// a decode costs no allocation per string: what it decodes keeps the text
// alive (one string per answer or per stream record).
package jsondec

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth is encoding/json's limit on nesting: deeper is a syntax error.
const maxDepth = 10000

// A Decoder reads one JSON text. The zero value reads an empty text; Reset
// gives it another. Methods never panic on bad input: the first error is
// kept (Err), the read position jumps to the end, and every later call
// finds nothing, so the generated loops end.
type Decoder struct {
	s     string
	i     int // read position in s
	depth int
	err   error
	buf   []byte // scratch: unescaped strings, folded keys, raw values
}

// Reset makes d read s from its start, forgetting any error.
func (d *Decoder) Reset(s string) {
	d.s, d.i, d.depth, d.err = s, 0, 0, nil
}

// Err returns the first error met, nil if none.
func (d *Decoder) Err() error { return d.err }

// Finish ends a decode: the value read must be followed by nothing but
// whitespace. It returns the first error of the decode.
func (d *Decoder) Finish() error {
	if d.peek() != 0 || d.i < len(d.s) {
		d.fail("after top-level value")
	}
	return d.err
}

// Error is a decode's failure: what went wrong, where in the text.
type Error struct {
	Offset int
	What   string
}

func (e *Error) Error() string {
	return "jsondec: offset " + strconv.Itoa(e.Offset) + ": " + e.What
}

// fail records the first error and moves to the end of the text. It is
// kept out of line, as the other error paths: errors are rare, code size
// is not (a ps program links this package).
//
//go:noinline
func (d *Decoder) fail(what string) {
	if d.err == nil {
		d.err = &Error{Offset: d.i, What: what}
	}
	d.i = len(d.s)
}

// failErr records err, from a method the Decoder called.
//
//go:noinline
func (d *Decoder) failErr(err error) {
	if d.err == nil {
		d.err = &Error{Offset: d.i, What: err.Error()}
	}
	d.i = len(d.s)
}

// peek skips whitespace and returns the next byte without consuming it, 0
// at the end of the text.
func (d *Decoder) peek() byte {
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c
		}
		d.i++
	}
	return 0
}

// literal consumes lit ("null", "true", "false"), which the next byte
// starts.
//
//go:noinline
func (d *Decoder) literal(lit string) {
	if !strings.HasPrefix(d.s[d.i:], lit) {
		d.fail("invalid literal")
		return
	}
	d.i += len(lit)
}

// Null consumes a null and reports whether there was one; anything else
// is left to be read.
func (d *Decoder) Null() bool {
	if d.peek() != 'n' {
		return false
	}
	d.literal("null")
	return true
}

// Object starts reading an object: it reports whether a member follows,
// to be read with Key and the member's value, then NextMember. An empty
// object and null (which leaves a struct as it is) report false, having
// been consumed; any other value is an error.
//
//	for more := d.Object(); more; more = d.NextMember() {
//		switch d.Key() { ... }
//	}
func (d *Decoder) Object() bool {
	return d.open('{', '}')
}

// Array starts reading an array as Object does an object: it reports
// whether an element follows, to be read and followed by NextElement.
func (d *Decoder) Array() bool {
	return d.open('[', ']')
}

func (d *Decoder) open(start, end byte) bool {
	switch d.peek() {
	case start:
		d.i++
		if d.depth++; d.depth > maxDepth {
			d.fail("exceeded max depth")
			return false
		}
		if d.peek() == end {
			d.i++
			d.depth--
			return false
		}
		return true
	case 'n':
		d.literal("null")
	default:
		d.fail("unexpected value")
	}
	return false
}

// NextMember reports whether another member of the object follows the one
// just read; false at the object's end, which it consumes.
func (d *Decoder) NextMember() bool { return d.next('}') }

// NextElement reports whether another element of the array follows the
// one just read; false at the array's end, which it consumes.
func (d *Decoder) NextElement() bool { return d.next(']') }

func (d *Decoder) next(end byte) bool {
	switch d.peek() {
	case ',':
		d.i++
		return true
	case end:
		d.i++
		d.depth--
	default:
		d.fail("expected , or " + string(end))
	}
	return false
}

// Key reads a member's name and the colon after it.
func (d *Decoder) Key() string {
	if d.peek() != '"' {
		d.fail("expected a member name")
		return ""
	}
	k := d.str()
	if d.peek() != ':' {
		d.fail("expected :")
		return ""
	}
	d.i++
	return k
}

// Skip reads a value of any kind, checking it, and drops it.
func (d *Decoder) Skip() {
	switch c := d.peek(); c {
	case '{':
		for more := d.Object(); more; more = d.NextMember() {
			d.Key()
			d.Skip()
		}
	case '[':
		for more := d.Array(); more; more = d.NextElement() {
			d.Skip()
		}
	case '"':
		d.str()
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		if c == '-' || '0' <= c && c <= '9' {
			d.number()
			return
		}
		d.fail("invalid character")
	}
}

// Len counts the elements of the array, or the members of the object, at
// the read position, if it ends within limit bytes; otherwise, or if no
// array or object is next, it returns -1. It reads nothing and checks
// nothing: it lets a decoder size a slice or a map before reading into it.
func (d *Decoder) Len(limit int) int {
	c := d.peek()
	if c != '[' && c != '{' {
		return -1
	}
	s := d.s[d.i:]
	if len(s) > limit {
		s = s[:limit]
	}
	n, depth, empty := 0, 0, true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			empty = false
		case '[', '{':
			if depth++; depth > 1 {
				empty = false
			}
		case ']', '}':
			if depth--; depth == 0 {
				if empty {
					return 0
				}
				return n + 1
			}
		case ',':
			if depth == 1 {
				n++
			}
		case ' ', '\t', '\n', '\r':
		default:
			empty = false
		}
	}
	return -1
}

// SkipObject reads an object, or null, and drops its members: a struct
// with no fields (struct{}) reads any object.
func (d *Decoder) SkipObject() {
	if c := d.peek(); c != '{' && c != 'n' {
		d.mismatch()
		return
	}
	d.Skip()
}

// Raw reads a value of any kind and returns its text.
func (d *Decoder) Raw() string {
	d.peek()
	start := d.i
	d.Skip()
	if d.err != nil {
		return ""
	}
	return d.s[start:d.i]
}

// plain marks the bytes a string holds as they are: not the quote, the
// backslash, a control character or a byte of a multi-byte UTF-8 sequence.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string, its opening quote next, and returns its value: a
// substring of the text unless it needs unescaping or holds invalid UTF-8.
func (d *Decoder) str() string {
	s := d.s
	start := d.i + 1
	i := start
	for i < len(s) && plain[s[i]] {
		i++
	}
	if i < len(s) && s[i] == '"' {
		d.i = i + 1
		return s[start:i]
	}
	return d.strSlow(start, i)
}

// strSlow goes on reading the string that starts at start from i, the
// first byte that is not plain.
func (d *Decoder) strSlow(start, i int) string {
	s := d.s
	// First see whether the text can be used as it is: only valid UTF-8
	// besides plain bytes, up to the closing quote.
	for i < len(s) {
		c := s[i]
		switch {
		case plain[c]:
			i++
			continue
		case c == '"':
			d.i = i + 1
			return s[start:i]
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return d.unquote(start, i)
			}
			i += n
			continue
		case c == '\\':
			return d.unquote(start, i)
		}
		d.i = i
		d.fail("invalid character in string")
		return ""
	}
	d.fail("unexpected end of string")
	return ""
}

// unquote builds the value of the string that starts at start, from i on
// as encoding/json does: escapes, U+FFFD for invalid UTF-8 and lone
// surrogates.
func (d *Decoder) unquote(start, i int) string {
	s := d.s
	b := append(d.buf[:0], s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			d.i = i + 1
			d.buf = b
			return string(b)
		case c == '\\':
			if i+1 >= len(s) {
				d.fail("unexpected end of string")
				return ""
			}
			switch e := s[i+1]; {
			case unescape[e] != 0:
				b = append(b, unescape[e])
			case e == 'u':
				r := hex4(s[i+2:])
				if r < 0 {
					d.i = i
					d.fail("invalid \\u escape")
					return ""
				}
				i += 6
				if utf16IsSurrogate(r) {
					if r2 := hex4u(s[i:]); r2 >= 0 && r < 0xdc00 && 0xdc00 <= r2 && r2 < 0xe000 {
						b = utf8.AppendRune(b, (r-0xd800)<<10|(r2-0xdc00)+0x10000)
						i += 6
						continue
					}
					r = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				d.i = i
				d.fail("invalid escape")
				return ""
			}
			i += 2
		case c < ' ':
			d.i = i
			d.fail("invalid character in string")
			return ""
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r) // U+FFFD for an invalid byte
			i += n
		}
	}
	d.buf = b
	d.fail("unexpected end of string")
	return ""
}

// unescape maps the byte after a backslash to what it stands for, 0 for
// no escape (\u aside).
var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func utf16IsSurrogate(r rune) bool { return 0xd800 <= r && r < 0xe000 }

// hex4 reads the 4 hex digits of a \u escape at the start of s, -1 if
// there are none.
func hex4(s string) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// hex4u reads a whole \uXXXX escape at the start of s, -1 if there is
// none.
func hex4u(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	return hex4(s[2:])
}

// number reads a number, its first byte next, checking its syntax, and
// returns its text.
func (d *Decoder) number() string {
	s := d.s
	start := d.i
	i := start
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i+1)
	default:
		d.i = i
		d.fail("invalid number")
		return ""
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			d.i = j
			d.fail("invalid number")
			return ""
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			d.i = j
			d.fail("invalid number")
			return ""
		}
		i = j
	}
	d.i = i
	return s[start:i]
}

func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// Struct reads an object into the struct v points to, as encoding/json
// fills a struct (P is a pointer type: one instantiation serves every
// struct): field decodes the value of the field of *v a key names,
// reporting false when no field has that name; names are the struct's
// JSON field names in field order. A key that is no field's exact name
// goes to the first field whose name it equals case-insensitively
// (strings.EqualFold is encoding/json's folding); a key that matches no
// field is skipped. null leaves *v as it is.
func Struct[P any](d *Decoder, v P, names []string, field func(d *Decoder, v P, key string) bool) {
	for more := d.Object(); more; more = d.NextMember() {
		k := d.Key()
		if field(d, v, k) {
			continue
		}
		if k = folded(k, names); k == "" || !field(d, v, k) {
			d.Skip()
		}
	}
}

// folded returns the first of names that equals key case-insensitively,
// "" if none does.
func folded(key string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return n
		}
	}
	return ""
}

// errMismatch is the error of a value whose kind does not fit its Go type.
var errMismatch = errors.New("value does not fit its Go type")
