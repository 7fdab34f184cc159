package shell

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Data applets: md5sum and the sha*sums, base64, od, dd, expr.

func init() {
	usageText["dd"] = "Usage: dd [if=FILE] [of=FILE] [ibs=N obs=N/bs=N] [count=N] [skip=N] [seek=N]\n\t[conv=notrunc|noerror|sync|fsync]\n\t[iflag=skip_bytes|count_bytes|fullblock|direct] [oflag=seek_bytes|append|direct]\n\nCopy a file with converting and formatting\n\n\tif=FILE\t\tRead from FILE instead of stdin\n\tof=FILE\t\tWrite to FILE instead of stdout\n\tbs=N\t\tRead and write N bytes at a time\n\tibs=N\t\tRead N bytes at a time\n\tobs=N\t\tWrite N bytes at a time\n\tcount=N\t\tCopy only N input blocks\n\tskip=N\t\tSkip N input blocks\n\tseek=N\t\tSkip N output blocks\n\tconv=notrunc\tDon't truncate output file\n\tconv=noerror\tContinue after read errors\n\tconv=sync\tPad blocks with zeros\n\tconv=fsync\tPhysically write data out before finishing\n\tconv=swab\tSwap every pair of bytes\n\tiflag=skip_bytes\tskip=N is in bytes\n\tiflag=count_bytes\tcount=N is in bytes\n\toflag=seek_bytes\tseek=N is in bytes\n\tiflag=direct\tO_DIRECT input\n\toflag=direct\tO_DIRECT output\n\tiflag=fullblock\tRead full blocks\n\toflag=append\tOpen output in append mode\n\tstatus=noxfer\tSuppress rate output\n\tstatus=none\tSuppress all output\n\nN may be suffixed by c (1), w (2), b (512), kB (1000), k (1024), MB, M, GB, G\n"
	usageText["base64"] = "Usage: base64 [-d] [-w COL] [FILE]\n\nBase64 encode or decode FILE to standard output\n\n\t-d\tDecode data\n\t-w COL\tWrap lines at COL (default 76, 0 disables)\n"
	usageText["nc"] = "Usage: nc [-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]\n\nOpen a pipe to IP:PORT or FILE\n\n\t-l\tListen mode, for inbound connects\n\t\t(use -ll with -e for persistent server)\n\t-p PORT\tLocal port\n\t-w SEC\tConnect timeout\n\t-i SEC\tDelay interval for lines sent\n\t-f FILE\tUse file (ala /dev/ttyS0) instead of network\n\t-e PROG\tRun PROG after connect\n"
	usageText["expr"] = "Usage: expr EXPRESSION\n\nPrint the value of EXPRESSION to stdout\n"
}

var hashes = map[string]func() hash.Hash{
	"md5sum": md5.New, "sha1sum": sha1.New, "sha256sum": sha256.New, "sha512sum": sha512.New,
}

// apSum is md5sum, sha1sum, sha256sum and sha512sum: "HASH  FILE" per
// file, or -c to check a list of them.
func apSum(ctx context.Context, p *Proc) int {
	opts, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	newHash := hashes[p.name()]
	sum := func(r io.Reader) (string, error) {
		h := newHash()
		if err := copyCtx(ctx, h, r); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	if opts['c'] == "" {
		return p.inputs(files, func(name string, r io.Reader) error {
			s, err := sum(r)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(p.Stdout, "%s  %s\n", s, name)
			return err
		})
	}
	quiet, status := opts['s'] != "", opts['w'] != ""
	failed, total := 0, 0
	st := p.inputs(files, func(_ string, r io.Reader) error {
		return eachLine(ctx, r, func(line string, _ bool) error {
			want, name, ok := strings.Cut(line, "  ")
			if !ok {
				if want, name, ok = strings.Cut(line, " *"); !ok {
					return nil
				}
			}
			total++
			f, done, err := p.open(name)
			got := ""
			if err == nil {
				got, err = sum(f)
				done()
			}
			if err != nil || !strings.EqualFold(got, want) {
				failed++
				if err != nil && !quiet {
					p.errf("can't open '%s': %s", name, errText(err))
				}
				if !quiet {
					fmt.Fprintf(p.Stdout, "%s: FAILED\n", name)
				}
				return nil
			}
			if !quiet && !status {
				fmt.Fprintf(p.Stdout, "%s: OK\n", name)
			}
			return nil
		})
	})
	if failed > 0 {
		if !quiet {
			p.errf("WARNING: %d of %d computed checksums did NOT match", failed, total)
		}
		return 1
	}
	return st
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func apBase64(ctx context.Context, p *Proc) int {
	opts, files, ok := p.getopt("dw:")
	if !ok {
		return 1
	}
	if len(files) > 1 {
		return p.showUsage()
	}
	wrap := 76
	if v, ok := opts['w']; ok {
		var err error
		if wrap, err = strconv.Atoi(v); err != nil || wrap < 0 {
			p.errf("invalid number '%s'", v)
			return 1
		}
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	if opts['d'] != "" {
		truncated := false
		st := p.inputs(files, func(_ string, r io.Reader) error {
			var err error
			truncated, err = decodeBase64(ctx, w, r)
			return err
		})
		if truncated {
			w.Flush()
			p.errf("truncated input")
			return 1
		}
		return st
	}
	return p.inputs(files, func(_ string, r io.Reader) error {
		return encodeBase64(ctx, w, r, wrap)
	})
}

// encodeBase64 writes r in base64, wrap characters a line (0: one line).
func encodeBase64(ctx context.Context, w *bufio.Writer, r io.Reader, wrap int) error {
	buf := make([]byte, 3*1024)
	col := 0
	out := make([]byte, base64.StdEncoding.EncodedLen(len(buf)))
	for {
		if ctx.Err() != nil {
			return errKilled
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			base64.StdEncoding.Encode(out, buf[:n])
			for _, c := range out[:base64.StdEncoding.EncodedLen(n)] {
				if wrap > 0 && col == wrap {
					w.WriteByte('\n')
					col = 0
				}
				w.WriteByte(c)
				col++
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if col > 0 || wrap == 0 {
				w.WriteByte('\n')
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// decodeBase64 decodes like busybox: characters outside the alphabet
// are skipped, "=" ends a group; truncated reports a group left
// incomplete at the end.
func decodeBase64(ctx context.Context, w *bufio.Writer, r io.Reader) (truncated bool, err error) {
	var six [4]byte
	count := 0
	emit := func() {
		if count > 1 {
			w.WriteByte(six[0]<<2 | six[1]>>4)
		}
		if count > 2 {
			w.WriteByte(six[1]<<4 | six[2]>>2)
		}
		if count > 3 {
			w.WriteByte(six[2]<<6 | six[3])
		}
		count = 0
	}
	br := bufio.NewReader(r)
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return false, errKilled
		}
		c, err := br.ReadByte()
		if err == io.EOF {
			return count > 0, nil
		}
		if err != nil {
			return false, err
		}
		if c == '=' {
			emit()
			continue
		}
		i := strings.IndexByte(base64Alphabet, c)
		if i < 0 {
			continue
		}
		six[count] = byte(i)
		count++
		if count == 4 {
			emit()
		}
	}
}

// odFormat is one output type of od: c (characters), or an integer
// format d, u, o, x of size bytes.
type odFormat struct {
	kind  byte
	size  int
	width int
}

// odWidths are the field widths of od's integer formats by kind and size.
var odWidths = map[byte]map[int]int{
	'd': {1: 4, 2: 6, 4: 11, 8: 20},
	'u': {1: 3, 2: 5, 4: 10, 8: 20},
	'o': {1: 3, 2: 6, 4: 11, 8: 22},
	'x': {1: 2, 2: 4, 4: 8, 8: 16},
}

// parseODType reads a -t argument ("x1", "d", "c", "o2u4").
func parseODType(s string) ([]odFormat, bool) {
	var out []odFormat
	for s != "" {
		k := s[0]
		s = s[1:]
		switch k {
		case 'c', 'a':
			out = append(out, odFormat{kind: 'c', size: 1, width: 3})
			continue
		case 'd', 'u', 'o', 'x':
		default:
			return nil, false
		}
		size := 4
		if s != "" {
			switch s[0] {
			case 'C':
				size, s = 1, s[1:]
			case 'S':
				size, s = 2, s[1:]
			case 'I':
				size, s = 4, s[1:]
			case 'L':
				size, s = 8, s[1:]
			default:
				j := 0
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				if j > 0 {
					n, _ := strconv.Atoi(s[:j])
					size, s = n, s[j:]
				}
			}
		}
		w, ok := odWidths[k][size]
		if !ok {
			return nil, false
		}
		out = append(out, odFormat{kind: k, size: size, width: w})
	}
	return out, len(out) > 0
}

// odChar renders a byte as od -c does.
func odChar(b byte) string {
	switch b {
	case 0:
		return `\0`
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\v':
		return `\v`
	}
	if b >= 0x20 && b < 0x7f {
		return string(rune(b))
	}
	return fmt.Sprintf("%03o", b)
}

func (f odFormat) line(b []byte) string {
	var s strings.Builder
	if f.kind == 'c' {
		for _, c := range b {
			fmt.Fprintf(&s, " %3s", odChar(c))
		}
		return s.String()
	}
	for i := 0; i < len(b); i += f.size {
		var word [8]byte
		copy(word[:], b[i:min(i+f.size, len(b))])
		u := binary.LittleEndian.Uint64(word[:])
		var v string
		switch f.kind {
		case 'd':
			shift := 64 - 8*f.size
			v = strconv.FormatInt(int64(u<<shift)>>shift, 10)
		case 'u':
			v = strconv.FormatUint(u, 10)
		case 'o':
			v = fmt.Sprintf("%0*o", f.width, u)
		case 'x':
			v = fmt.Sprintf("%0*x", f.width, u)
		}
		fmt.Fprintf(&s, " %*s", f.width, v)
	}
	return s.String()
}

func apOd(ctx context.Context, p *Proc) int {
	var formats []odFormat
	radix, skip, limit, verbose, perLine := byte('o'), int64(0), int64(-1), false, 16
	g := p.scanOpts("tAjNw", true)
	for {
		c, v, ok, missing := g.next()
		if !ok {
			break
		}
		if missing {
			p.errf("option requires an argument -- '%c'", c)
			return 1
		}
		switch c {
		case 'c':
			formats = append(formats, odFormat{'c', 1, 3})
		case 'b':
			formats = append(formats, odFormat{'o', 1, 3})
		case 'x', 'h':
			formats = append(formats, odFormat{'x', 2, 4})
		case 'o':
			formats = append(formats, odFormat{'o', 2, 6})
		case 'd':
			formats = append(formats, odFormat{'u', 2, 5})
		case 's':
			formats = append(formats, odFormat{'d', 2, 6})
		case 'i':
			formats = append(formats, odFormat{'d', 4, 11})
		case 'l':
			formats = append(formats, odFormat{'d', 8, 20})
		case 'v':
			verbose = true
		case 't':
			fs, ok := parseODType(v)
			if !ok {
				p.errf("invalid type string '%s'", v)
				return 1
			}
			formats = append(formats, fs...)
		case 'A':
			if len(v) != 1 || strings.IndexByte("doxn", v[0]) < 0 {
				p.errf("bad output address radix '%s' (expected [doxn])", v)
				return 1
			}
			radix = v[0]
		case 'j', 'N', 'w':
			n, err := parseSize(v)
			if err != nil {
				p.errf("invalid number '%s'", v)
				return 1
			}
			switch c {
			case 'j':
				skip = n
			case 'N':
				limit = n
			default:
				perLine = int(max(1, min(n, 4096)))
			}
		default:
			p.errf("invalid option -- '%c'", c)
			return 1
		}
	}
	files := g.rest()
	if len(formats) == 0 {
		formats = []odFormat{{'o', 2, 6}}
	}
	addr := func(n int64) string {
		switch radix {
		case 'd':
			return fmt.Sprintf("%07d", n)
		case 'x':
			return fmt.Sprintf("%06x", n)
		case 'n':
			return ""
		}
		return fmt.Sprintf("%07o", n)
	}
	readers := []io.Reader{}
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	if len(files) == 0 {
		files = []string{"-"}
	}
	st := 0
	for _, name := range files {
		r, done, err := p.open(name)
		if err != nil {
			p.errf("%s: %s", name, errText(err))
			st = 1
			continue
		}
		readers, closers = append(readers, r), append(closers, done)
	}
	if len(readers) == 0 {
		return st
	}
	in := bufio.NewReader(io.MultiReader(readers...))
	if _, err := io.CopyN(io.Discard, in, skip); err != nil && err != io.EOF {
		return 1
	}
	var src io.Reader = in
	if limit >= 0 {
		src = io.LimitReader(in, limit)
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	pos, prev, starred := skip, []byte(nil), false
	// a short last line is padded with zeros to the largest size
	unit := 1
	for _, f := range formats {
		unit = max(unit, f.size)
	}
	buf := make([]byte, perLine)
	for {
		if ctx.Err() != nil {
			return 1
		}
		n, err := io.ReadFull(src, buf)
		if n > 0 {
			b := buf[:n]
			if !verbose && n == perLine && prev != nil && string(prev) == string(b) {
				if !starred {
					w.WriteString("*\n")
					starred = true
				}
			} else {
				starred = false
				if rem := n % unit; rem != 0 {
					b = append(b[:n:n], make([]byte, unit-rem)...)
				}
				for i, f := range formats {
					lead := addr(pos)
					if i > 0 {
						lead = strings.Repeat(" ", len(lead))
					}
					w.WriteString(lead + f.line(b) + "\n")
				}
			}
			prev = append(prev[:0], b...)
			pos += int64(n)
		}
		if err != nil {
			break
		}
	}
	if radix != 'n' {
		w.WriteString(addr(pos) + "\n")
	}
	return st
}

// parseSize reads a count with busybox's suffixes (c w b kB k K MB M GB
// G), also 0x hex.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"kB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"k", 1024}, {"K", 1024}, {"M", 1 << 20}, {"G", 1 << 30}, {"b", 512}, {"w", 2}, {"c", 1}} {
		if strings.HasSuffix(s, suf.s) && len(s) > len(suf.s) {
			s, mult = strings.TrimSuffix(s, suf.s), suf.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil || n < 0 {
		return 0, errors.New("invalid number")
	}
	if mult > 1 && n > math.MaxInt64/mult {
		return 0, errors.New("invalid number")
	}
	return n * mult, nil
}

// maxBlock bounds dd's block size, so bs=1G does not take a gigabyte.
const maxBlock = 16 << 20

func apDd(ctx context.Context, p *Proc) int {
	ibs, obs := int64(512), int64(512)
	count, skip, seek := int64(-1), int64(0), int64(0)
	var inName, outName string
	notrunc, quiet := false, false
	for _, a := range p.Args[1:] {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return p.showUsage()
		}
		num := func() (int64, bool) {
			n, err := parseSize(v)
			if err != nil {
				p.errf("invalid number '%s'", v)
				return 0, false
			}
			return n, true
		}
		var ok2 bool
		switch k {
		case "if":
			inName, ok2 = v, true
		case "of":
			outName, ok2 = v, true
		case "bs":
			ibs, ok2 = num()
			obs = ibs
		case "ibs":
			ibs, ok2 = num()
		case "obs":
			obs, ok2 = num()
		case "count":
			count, ok2 = num()
		case "skip":
			skip, ok2 = num()
		case "seek":
			seek, ok2 = num()
		case "conv", "iflag", "oflag":
			ok2 = true
			for c := range strings.SplitSeq(v, ",") {
				if c == "notrunc" {
					notrunc = true
				}
			}
		case "status":
			ok2 = true
			quiet = v == "none"
		default:
			return p.showUsage()
		}
		if !ok2 {
			return 1
		}
	}
	if ibs == 0 || obs == 0 {
		p.errf("invalid number '0'")
		return 1
	}
	ibs, obs = min(ibs, maxBlock), min(obs, maxBlock)
	var in io.Reader = p.Stdin
	if inName != "" {
		r, done, err := p.open(inName)
		if err != nil {
			p.errf("can't open '%s': %s", inName, errText(err))
			return 1
		}
		defer done()
		in = r
	}
	var out io.Writer = p.Stdout
	if outName != "" {
		flag := os.O_WRONLY | os.O_CREATE
		if !notrunc && seek == 0 {
			flag |= os.O_TRUNC
		}
		f, err := p.FS.OpenFile(p.abs(outName), flag, 0o644)
		if err != nil {
			p.errf("can't open '%s': %s", outName, errText(err))
			return 1
		}
		defer f.Close()
		if seek > 0 {
			if _, err := f.Seek(seek*obs, io.SeekStart); err != nil {
				p.errf("%s: %s", outName, errText(err))
				return 1
			}
		}
		out = f
	}
	if skip > 0 {
		if _, err := io.CopyN(io.Discard, in, skip*ibs); err != nil && err != io.EOF {
			return 1
		}
	}
	var fullIn, partIn, fullOut, partOut int64
	buf := make([]byte, ibs)
	var pending []byte
	flushOut := func(final bool) error {
		for int64(len(pending)) >= obs || final && len(pending) > 0 {
			n := min(int64(len(pending)), obs)
			if _, err := out.Write(pending[:n]); err != nil {
				return err
			}
			if n == obs {
				fullOut++
			} else {
				partOut++
			}
			pending = pending[n:]
		}
		return nil
	}
	st := 0
	for count < 0 || fullIn+partIn < count {
		if ctx.Err() != nil {
			return 1
		}
		n, err := in.Read(buf)
		if n > 0 {
			if int64(n) == ibs {
				fullIn++
			} else {
				partIn++
			}
			pending = append(pending, buf[:n]...)
			if ferr := flushOut(false); ferr != nil {
				if !errors.Is(ferr, errKilled) {
					p.errf("error writing '%s': %s", outName, errText(ferr))
				}
				st = 1
				break
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errKilled) {
				return 1
			}
			p.errf("error reading '%s': %s", inName, errText(err))
			st = 1
			break
		}
	}
	if err := flushOut(true); err != nil {
		st = 1
	}
	if !quiet {
		fmt.Fprintf(p.Stderr, "%d+%d records in\n%d+%d records out\n", fullIn, partIn, fullOut, partOut)
	}
	return st
}

// exprValue is a value of expr: a string, or an integer once arithmetic
// made it one.
type exprValue struct {
	s     string
	n     int64
	isInt bool
}

func (v exprValue) String() string {
	if v.isInt {
		return strconv.FormatInt(v.n, 10)
	}
	return v.s
}

// number reads v as an integer like strtoll (saturating), ok false for
// anything that is not one.
func (v exprValue) number() (int64, bool) {
	if v.isInt {
		return v.n, true
	}
	s := v.s
	if s == "" || s == "-" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	var ne *strconv.NumError
	if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
		return n, true
	}
	return n, err == nil
}

// null is expr's falsehood: 0, "" or "0".
func (v exprValue) null() bool {
	if v.isInt {
		return v.n == 0
	}
	return v.s == "" || v.s == "0"
}

type exprError string

func (e exprError) Error() string { return string(e) }

type exprParser struct {
	args []string
	pos  int
}

func (e *exprParser) peek() (string, bool) {
	if e.pos < len(e.args) {
		return e.args[e.pos], true
	}
	return "", false
}

func (e *exprParser) next() (string, error) {
	if e.pos >= len(e.args) {
		return "", exprError("syntax error")
	}
	e.pos++
	return e.args[e.pos-1], nil
}

// binary parses a left-associative level of operators ops over sub.
func (e *exprParser) binary(ops []string, sub func() (exprValue, error), apply func(op string, a, b exprValue) (exprValue, error)) (exprValue, error) {
	l, err := sub()
	if err != nil {
		return l, err
	}
	for {
		op, ok := e.peek()
		if !ok || !slices.Contains(ops, op) {
			return l, nil
		}
		e.pos++
		r, err := sub()
		if err != nil {
			return r, err
		}
		if l, err = apply(op, l, r); err != nil {
			return l, err
		}
	}
}

func (e *exprParser) or() (exprValue, error) {
	return e.binary([]string{"|"}, e.and, func(_ string, a, b exprValue) (exprValue, error) {
		switch {
		case !a.null():
			return a, nil
		case !b.null():
			return b, nil
		}
		return exprValue{isInt: true}, nil
	})
}

func (e *exprParser) and() (exprValue, error) {
	return e.binary([]string{"&"}, e.compare, func(_ string, a, b exprValue) (exprValue, error) {
		if a.null() || b.null() {
			return exprValue{isInt: true}, nil
		}
		return a, nil
	})
}

func (e *exprParser) compare() (exprValue, error) {
	return e.binary([]string{"<", "<=", "=", "==", "!=", ">=", ">"}, e.add, func(op string, a, b exprValue) (exprValue, error) {
		var c int
		x, okA := a.number()
		y, okB := b.number()
		switch {
		case okA && okB:
			c = cmpInt(x, y)
		default:
			c = strings.Compare(a.String(), b.String())
		}
		r := false
		switch op {
		case "<":
			r = c < 0
		case "<=":
			r = c <= 0
		case "=", "==":
			r = c == 0
		case "!=":
			r = c != 0
		case ">=":
			r = c >= 0
		case ">":
			r = c > 0
		}
		return exprValue{n: b2i(r), isInt: true}, nil
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func exprArith(op string, a, b exprValue) (exprValue, error) {
	x, okA := a.number()
	y, okB := b.number()
	if !okA || !okB {
		return exprValue{}, exprError("non-numeric argument")
	}
	var r int64
	switch op {
	case "+":
		r = x + y
	case "-":
		r = x - y
	case "*":
		r = x * y
	case "/", "%":
		if y == 0 {
			return exprValue{}, exprError("division by zero")
		}
		if op == "/" {
			r = x / y
		} else {
			r = x % y
		}
	}
	return exprValue{n: r, isInt: true}, nil
}

func (e *exprParser) add() (exprValue, error) {
	return e.binary([]string{"+", "-"}, e.mul, exprArith)
}

func (e *exprParser) mul() (exprValue, error) {
	return e.binary([]string{"*", "/", "%"}, e.match, exprArith)
}

func (e *exprParser) match() (exprValue, error) {
	return e.binary([]string{":"}, e.primary, func(_ string, a, b exprValue) (exprValue, error) {
		return exprMatch(a.String(), b.String())
	})
}

// exprMatch anchors the basic regular expression re at the start of s:
// the first \(...\) group when re has one, else the length matched.
func exprMatch(s, re string) (exprValue, error) {
	rx, err := regexp.Compile(`^(?:` + breToRE(re) + `)`)
	if err != nil {
		return exprValue{}, exprError("invalid regular expression")
	}
	m := rx.FindStringSubmatchIndex(s)
	if rx.NumSubexp() > 0 {
		if m == nil || m[2] < 0 {
			return exprValue{}, nil
		}
		return exprValue{s: s[m[2]:m[3]]}, nil
	}
	if m == nil {
		return exprValue{isInt: true}, nil
	}
	return exprValue{n: int64(m[1]), isInt: true}, nil
}

func (e *exprParser) primary() (exprValue, error) {
	tok, err := e.next()
	if err != nil {
		return exprValue{}, err
	}
	arg := func() (string, error) { return e.next() }
	switch tok {
	case "(":
		v, err := e.or()
		if err != nil {
			return v, err
		}
		if t, err := e.next(); err != nil || t != ")" {
			return v, exprError("syntax error")
		}
		return v, nil
	case "length":
		s, err := arg()
		return exprValue{n: int64(len(s)), isInt: true}, err
	case "match":
		s, err := arg()
		if err != nil {
			return exprValue{}, err
		}
		re, err := arg()
		if err != nil {
			return exprValue{}, err
		}
		return exprMatch(s, re)
	case "index":
		s, err := arg()
		if err != nil {
			return exprValue{}, err
		}
		chars, err := arg()
		if err != nil {
			return exprValue{}, err
		}
		return exprValue{n: int64(strings.IndexAny(s, chars) + 1), isInt: true}, nil
	case "substr":
		var parts [3]string
		for i := range parts {
			if parts[i], err = arg(); err != nil {
				return exprValue{}, err
			}
		}
		s := parts[0]
		pos, err1 := strconv.ParseInt(parts[1], 10, 64)
		n, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil || pos < 1 || n < 1 || pos > int64(len(s)) {
			return exprValue{}, nil
		}
		end := min(int64(len(s)), pos-1+n)
		return exprValue{s: s[pos-1 : end]}, nil
	case "|", "&", "<", "<=", "=", "==", "!=", ">=", ">", "+", "-", "*", "/", "%", ":", ")", "quote":
		return exprValue{}, exprError("syntax error")
	}
	return exprValue{s: tok}, nil
}

func apExpr(_ context.Context, p *Proc) int {
	if len(p.Args) < 2 {
		p.errf("too few arguments")
		return 2
	}
	e := &exprParser{args: p.Args[1:]}
	v, err := e.or()
	if err == nil && e.pos < len(e.args) {
		err = exprError("syntax error")
	}
	if err != nil {
		p.errf("%s", err)
		return 2
	}
	fmt.Fprintln(p.Stdout, v.String())
	if v.null() {
		return 1
	}
	return 0
}
