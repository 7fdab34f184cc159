package shell

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// C-style formatting, as busybox's printf (the builtin and the applet)
// and awk's printf do it: widths and precisions count bytes, not
// characters; integers are 64-bit and the unsigned conversions wrap
// negative numbers; inf and nan are lower-case.

// convSpec is one parsed conversion: %[flags][width][.prec]verb.
type convSpec struct {
	flags     string
	width     int
	prec      int
	hasWidth  bool
	hasPrec   bool
	verb      byte
	leftAlign bool
	mods      [2]int // where the length modifiers (h, l, z...) start and end
}

// maxWidth bounds widths and precisions.
const maxWidth = 4096

// parseConv parses the conversion at format[i] == '%'. star supplies the
// value of a '*' width or precision. It returns the spec and the index
// after it; ok is false when no conversion letter ends it.
func parseConv(format string, i int, star func() int) (convSpec, int, bool) {
	var c convSpec
	j := i + 1
	for j < len(format) && strings.IndexByte("-+ #0'", format[j]) >= 0 {
		if format[j] != '\'' && strings.IndexByte(c.flags, format[j]) < 0 {
			c.flags += format[j : j+1]
		}
		j++
	}
	num := func() (int, bool) {
		if j < len(format) && format[j] == '*' {
			j++
			return star(), true
		}
		k := j
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			j++
		}
		if k == j {
			return 0, false
		}
		n, _ := strconv.Atoi(format[k:j])
		return n, true
	}
	c.width, c.hasWidth = num()
	if c.width < 0 {
		c.width = -c.width
		c.flags += "-"
	}
	if j < len(format) && format[j] == '.' {
		j++
		c.prec, _ = num()
		c.hasPrec = c.prec >= 0
		if c.prec < 0 {
			c.prec = 0
		}
	}
	c.width, c.prec = min(c.width, maxWidth), min(c.prec, maxWidth)
	c.mods[0] = j
	for j < len(format) && strings.IndexByte("hlLqjzt", format[j]) >= 0 {
		j++
	}
	c.mods[1] = j
	if j >= len(format) {
		return c, j, false
	}
	c.verb = format[j]
	c.leftAlign = strings.Contains(c.flags, "-")
	return c, j + 1, true
}

// pad pads s with spaces to the spec's width, counting bytes.
func (c convSpec) pad(s string) string {
	if !c.hasWidth || len(s) >= c.width {
		return s
	}
	fill := strings.Repeat(" ", c.width-len(s))
	if c.leftAlign {
		return s + fill
	}
	return fill + s
}

// str formats a %s: precision truncates (bytes), width pads.
func (c convSpec) str(s string) string {
	if c.hasPrec && len(s) > c.prec {
		s = s[:c.prec]
	}
	return c.pad(s)
}

// goSpec is the spec as a Go fmt verb for numbers, whose flags and widths
// mean what C's do.
func (c convSpec) goSpec(verb byte) string {
	var b strings.Builder
	b.WriteByte('%')
	b.WriteString(c.flags)
	if c.hasWidth {
		b.WriteString(strconv.Itoa(c.width))
	}
	if c.hasPrec {
		b.WriteString("." + strconv.Itoa(c.prec))
	}
	b.WriteByte(verb)
	return b.String()
}

// int formats an integer conversion (d i o u x X) of n.
func (c convSpec) int(n int64) string {
	switch c.verb {
	case 'o', 'u', 'x', 'X':
		v := c.verb
		if v == 'u' {
			v = 'd'
		}
		return fmt.Sprintf(c.goSpec(v), uint64(n))
	}
	return fmt.Sprintf(c.goSpec('d'), n)
}

// float formats a floating conversion (f F e E g G a A) of f.
func (c convSpec) float(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s := "inf"
		switch {
		case math.IsNaN(f):
			s = "nan"
		case f < 0:
			s = "-inf"
		case strings.Contains(c.flags, "+"):
			s = "+inf"
		case strings.Contains(c.flags, " "):
			s = " inf"
		}
		if c.verb >= 'A' && c.verb <= 'Z' {
			s = strings.ToUpper(s)
		}
		return c.pad(s)
	}
	v := c.verb
	switch v {
	case 'F':
		v = 'f'
	case 'a', 'A':
		v = v - 'a' + 'x'
	}
	spec := c
	if !spec.hasPrec && v != 'x' && v != 'X' {
		spec.hasPrec, spec.prec = true, 6
	}
	if (v == 'g' || v == 'G') && spec.prec == 0 {
		spec.prec = 1
	}
	return fmt.Sprintf(spec.goSpec(v), f)
}

// parseCInt reads an integer argument like busybox's printf: leading
// blanks, a sign, 0x hex or 0 octal, or 'c for the code of c. On error
// the value is 0.
func parseCInt(s string, unsigned bool) (int64, bool) {
	if len(s) > 1 && (s[0] == '\'' || s[0] == '"') {
		return int64(s[1]), true
	}
	t := strings.TrimLeft(s, " \t\n\r\v\f")
	neg := false
	switch {
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	base := 10
	switch {
	case len(t) > 2 && (t[:2] == "0x" || t[:2] == "0X"):
		base, t = 16, t[2:]
	case len(t) > 1 && t[0] == '0':
		base, t = 8, t[1:]
	}
	if t == "" || t[0] == '+' || t[0] == '-' {
		return 0, false
	}
	u, err := strconv.ParseUint(t, base, 64)
	if err != nil {
		return 0, false
	}
	if !unsigned && !neg && u > math.MaxInt64 || !unsigned && neg && u > 1<<63 {
		return 0, false
	}
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// parseCFloat reads a floating argument like strtod; on error the value
// is 0.
func parseCFloat(s string) (float64, bool) {
	if len(s) > 1 && (s[0] == '\'' || s[0] == '"') {
		return float64(s[1]), true
	}
	t := strings.TrimLeft(s, " \t\n\r\v\f")
	if t == "" || strings.ContainsRune(t, '_') {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// escape reads the backslash escape at s[i] == '\\' and returns its
// bytes and the index after it. inB is %b's dialect (\0NNN); stop
// reports \c.
func escape(s string, i int, inB bool) (out string, next int, stop bool) {
	if i+1 >= len(s) {
		return "\\", i + 1, false
	}
	c := s[i+1]
	switch c {
	case 'a':
		return "\a", i + 2, false
	case 'b':
		return "\b", i + 2, false
	case 'f':
		return "\f", i + 2, false
	case 'n':
		return "\n", i + 2, false
	case 'r':
		return "\r", i + 2, false
	case 't':
		return "\t", i + 2, false
	case 'v':
		return "\v", i + 2, false
	case 'e':
		return "\x1b", i + 2, false
	case '\\':
		return "\\", i + 2, false
	case 'c':
		return "", i + 2, true
	case 'x':
		v, j := 0, i+2
		for j < len(s) && j < i+4 && isHex(s[j]) {
			v = v*16 + hexVal(s[j])
			j++
		}
		if j == i+2 {
			return "\\x", j, false
		}
		return string([]byte{byte(v)}), j, false
	}
	if c >= '0' && c <= '7' {
		j := i + 1
		if inB && c == '0' {
			j++ // \0NNN
		}
		v, k := 0, j
		for k < len(s) && k < j+3 && s[k] >= '0' && s[k] <= '7' {
			v = v*8 + int(s[k]-'0')
			k++
		}
		return string([]byte{byte(v)}), k, false
	}
	return s[i : i+2], i + 2, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// printfTo is printf FORMAT [ARGUMENT...]: it writes the output to w as
// busybox does, reusing the format while arguments remain, and reports
// errors on errw after prefix ("sh: " for the builtin, "printf: " for the
// applet). It returns the exit status.
func printfTo(w, errw io.Writer, prefix, format string, args []string) int {
	var b strings.Builder
	st := 0
	flush := func() bool {
		_, err := io.WriteString(w, b.String())
		b.Reset()
		return err == nil
	}
	// next is the next argument; one the command line lacks is "" for a
	// string and 0 for a number, without an error
	next := func() (string, bool) {
		if len(args) == 0 {
			return "", false
		}
		a := args[0]
		args = args[1:]
		return a, true
	}
	number := func(a string, have, unsigned bool) int64 {
		n, ok := parseCInt(a, unsigned)
		if !ok && have {
			fmt.Fprintf(errw, "%sinvalid number '%s'\n", prefix, a)
			st = 1
		}
		return n
	}
	for {
		before := len(args)
		for i := 0; i < len(format); {
			c := format[i]
			if c == '\\' {
				s, j, stop := escape(format, i, false)
				b.WriteString(s)
				if stop {
					flush()
					return st
				}
				i = j
				continue
			}
			if c != '%' {
				b.WriteByte(c)
				i++
				continue
			}
			if i+1 < len(format) && format[i+1] == '%' {
				b.WriteByte('%')
				i += 2
				continue
			}
			spec, j, ok := parseConv(format, i, func() int {
				a, have := next()
				return int(number(a, have, false))
			})
			if !ok || strings.IndexByte("diouxXfFeEgGaAscb", spec.verb) < 0 {
				flush()
				// busybox names the rest of the format, without the
				// length modifiers it dropped
				fmt.Fprintf(errw, "%s%s%s: invalid format\n", prefix, format[i:spec.mods[0]], format[spec.mods[1]:])
				return 1
			}
			i = j
			a, have := next()
			switch spec.verb {
			case 's':
				b.WriteString(spec.str(a))
			case 'b':
				var e strings.Builder
				for k := 0; k < len(a); {
					if a[k] != '\\' {
						e.WriteByte(a[k])
						k++
						continue
					}
					s, nk, stop := escape(a, k, true)
					e.WriteString(s)
					if stop {
						b.WriteString(spec.str(e.String()))
						flush()
						return st
					}
					k = nk
				}
				b.WriteString(spec.str(e.String()))
			case 'c':
				ch := "\x00"
				if a != "" {
					ch = a[:1]
				}
				b.WriteString(spec.pad(ch))
			case 'd', 'i':
				b.WriteString(spec.int(number(a, have, false)))
			case 'o', 'u', 'x', 'X':
				b.WriteString(spec.int(number(a, have, true)))
			default:
				f, ok := parseCFloat(a)
				if !ok && have {
					fmt.Fprintf(errw, "%sinvalid number '%s'\n", prefix, a)
					st = 1
				}
				b.WriteString(spec.float(f))
			}
			if b.Len() > maxWord {
				flush()
				return 1
			}
		}
		if !flush() {
			return 1
		}
		if len(args) == 0 || len(args) == before {
			return st
		}
	}
}
