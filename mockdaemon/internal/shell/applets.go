package shell

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

type applet = Program

var applets map[string]applet

func init() {
	applets = map[string]applet{
		"cat": apCat, "ls": apLs, "touch": apTouch, "mkdir": apMkdir, "rm": apRm, "rmdir": apRmdir,
		"cp": apCp, "mv": apMv, "head": apHead, "tail": apTail, "wc": apWc, "env": apEnv,
		"id": apID, "whoami": apWhoami, "hostname": apHostname, "date": apDate, "yes": apYes,
		"grep": apGrep, "ping": apPing, "sh": apSh, "ash": apSh, "sleep": apSleep, "seq": apSeq,
		"basename": apBasename, "dirname": apDirname, "ln": apLn, "chmod": apChmod, "chown": apChown, "chgrp": apChown, "mkfifo": apMkfifo,
		"readlink": apReadlink, "tee": apTee, "tr": apTr, "sort": apSort, "uniq": apUniq,
		"printenv": apPrintenv, "which": apWhich, "nproc": apNproc, "uname": apUname, "find": apFind,
		"true":  func(context.Context, *Proc) int { return 0 },
		"false": func(context.Context, *Proc) int { return 1 },
		"echo":  viaBuiltin("echo"), "printf": apPrintf, "test": apTest,
		"[": apTest, "pwd": viaBuiltin("pwd"), "kill": apKill,
		"busybox": apBusybox,
		"cut":     apCut, "rev": apRev, "xargs": apXargs,
		"md5sum": apSum, "sha1sum": apSum, "sha256sum": apSum, "sha512sum": apSum, "base64": apBase64,
		"od": apOd, "dd": apDd, "expr": apExpr, "stat": apStat, "df": apDf, "sed": apSed, "awk": apAwk,
		"tty": apTty, "stty": apStty, "usleep": apUsleep, "timeout": apTimeout, "pidof": apPidof, "ps": apPs, "top": apTop, "nc": apNc,
		"ip": apIP, "ifconfig": apIfconfig, "wget": apWget, "route": apRoute,
	}
}

// Applets lists the names of the built-in busybox-like programs.
func Applets() []string {
	names := make([]string, 0, len(applets))
	for k := range applets {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// InstallBusybox writes /bin/busybox and a hard link /bin/<applet> for each
// applet into f, like the busybox image; existing names are left alone.
func InstallBusybox(f *memfs.FS) error {
	if err := f.MkdirAll("/bin", 0o755); err != nil {
		return fmt.Errorf("shell: install busybox: %w", err)
	}
	if _, err := f.Stat("/bin/busybox"); err != nil {
		if err := f.WriteFile("/bin/busybox", []byte("\x7fELF busybox (dockwire mock)\n"), 0o755); err != nil {
			return fmt.Errorf("shell: install busybox: %w", err)
		}
	}
	for _, name := range Applets() {
		if name == "busybox" {
			continue
		}
		if err := f.Link("/bin/busybox", "/bin/"+name); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("shell: install busybox: %w", err)
		}
	}
	return nil
}

// helper shell for applets that reuse builtins
func (p *Proc) shell() *shell {
	sh := newShell(p.sh.p, p.Env, p.Dir)
	sh.stdin, sh.stdout, sh.stderr = p.Stdin, p.Stdout, p.Stderr
	sh.depth = p.sh.depth + 1
	sh.task, sh.pid = p.task, p.task.pid
	return sh
}

func viaBuiltin(name string) applet {
	return func(ctx context.Context, p *Proc) int {
		args := append([]string{name}, p.Args[1:]...)
		st, _ := builtins[name](ctx, p.shell(), args)
		return st
	}
}

func apTest(_ context.Context, p *Proc) int {
	args := append([]string{p.name()}, p.Args[1:]...)
	return testCmd(p.shell(), p.name()+": ", args)
}

func apPrintf(_ context.Context, p *Proc) int {
	if len(p.Args) < 2 {
		p.errf("usage: printf FORMAT [ARGUMENT...]")
		return 2
	}
	return printfTo(p.Stdout, p.Stderr, "printf: ", p.Args[1], p.Args[2:])
}

func (p *Proc) name() string { return path.Base(p.Args[0]) }

func (p *Proc) errf(format string, args ...any) {
	fmt.Fprintf(p.Stderr, p.name()+": "+format+"\n", args...)
}

func (p *Proc) abs(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = path.Join(p.Dir, name)
	}
	name = path.Clean(name)
	if p.task != nil {
		name = procSelf(name, p.task.pid)
	}
	return name
}

// flags splits leading single-letter options from operands; letters in
// withArg take a value ("-n 5" or "-n5").
func (p *Proc) flags(withArg string) (map[byte]string, []string, error) {
	opts := map[byte]string{}
	g := p.scanOpts(withArg, false)
	if strings.IndexByte(withArg, 'n') >= 0 {
		g.numOpt = 'n' // head -5
	}
	for {
		c, v, more, missing := g.next()
		if !more {
			return opts, g.rest(), nil
		}
		if missing {
			return nil, nil, fmt.Errorf("option requires an argument -- %c", c)
		}
		if v == "" && strings.IndexByte(withArg, c) < 0 {
			v = "1"
		}
		opts[c] = v
	}
}

func (p *Proc) usage(err error) int {
	p.errf("%s", err)
	return 1
}

// open opens an input operand; "-" is stdin.
func (p *Proc) open(name string) (io.Reader, func(), error) {
	if name == "-" {
		return p.Stdin, func() {}, nil
	}
	if r := deviceReader(name); r != nil {
		return r, func() {}, nil
	}
	if p.task != nil {
		if s, ok, err := openSpecial(p.sh.p, p.task, p.abs(name)); ok {
			if err != nil {
				return nil, nil, err
			}
			if r, ok := s.(io.Reader); ok {
				return r, func() {}, nil
			}
			return nil, nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EBADF}
		}
	}
	f, err := p.FS.OpenFileContext(p.context(), p.abs(name), os.O_RDONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	if fi, _ := f.Stat(); fi != nil && fi.IsDir() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	return f, func() { f.Close() }, nil
}

// perrorOpen lists the applets that report a file they cannot open as
// "applet: file: error" rather than "applet: can't open 'file': error".
var perrorOpen = map[string]bool{"cut": true, "sed": true, "awk": true, "od": true, "stat": true, "base64": true}

// inputs runs fn over each operand (stdin when none).
func (p *Proc) inputs(files []string, fn func(name string, r io.Reader) error) int {
	if len(files) == 0 {
		files = []string{"-"}
	}
	st := 0
	for _, name := range files {
		r, done, err := p.open(name)
		if err != nil && p.context().Err() != nil {
			return 1 // killed while the open waited (a named pipe)
		}
		if err != nil {
			if perrorOpen[p.name()] {
				p.errf("%s: %s", name, errText(err))
				st = 1
				continue
			}
			if errors.Is(err, syscall.EISDIR) {
				p.errf("read error: Is a directory")
			} else {
				p.errf("can't open '%s': %s", name, errText(err))
			}
			st = 1
			continue
		}
		err = fn(name, r)
		done()
		if errors.Is(err, errKilled) {
			return 1
		}
		if err != nil {
			return 1
		}
	}
	return st
}

// copyCtx is io.Copy that stops when ctx ends, so copying a file onto
// itself cannot run forever.
func copyCtx(ctx context.Context, w io.Writer, r io.Reader) error {
	buf := make([]byte, 32*1024)
	for {
		if ctx.Err() != nil {
			return errKilled
		}
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func apCat(ctx context.Context, p *Proc) int {
	_, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	return p.inputs(files, func(_ string, r io.Reader) error {
		return copyCtx(ctx, p.Stdout, r)
	})
}

func modeString(m fs.FileMode) string {
	b := []byte("-rwxrwxrwx")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	}
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	if m&fs.ModeSetuid != 0 {
		b[3] = "Ss"[b2i(b[3] == 'x')]
	}
	if m&fs.ModeSetgid != 0 {
		b[6] = "Ss"[b2i(b[6] == 'x')]
	}
	if m&fs.ModeSticky != 0 {
		b[9] = "Tt"[b2i(b[9] == 'x')]
	}
	return string(b)
}

// userDB reads /etc/passwd or /etc/group into id -> name and name -> line.
func userDB(f *memfs.FS, file string) [][]string {
	data, err := f.ReadFile(file)
	if err != nil {
		return nil
	}
	var out [][]string
	for line := range strings.SplitSeq(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Split(line, ":"))
	}
	return out
}

func lookupName(f *memfs.FS, file string, id int) (string, bool) {
	for _, r := range userDB(f, file) {
		if len(r) > 2 && r[2] == strconv.Itoa(id) {
			return r[0], true
		}
	}
	return strconv.Itoa(id), false
}

func apLs(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	long, all, almost, dirOnly := opts['l'] != "", opts['a'] != "", opts['A'] != "", opts['d'] != ""
	// -p marks directories with "/", -F every kind (busybox: "*/=@|"),
	// by the entry itself, not what a symlink names
	slash, classify := opts['p'] != "", opts['F'] != ""
	indicator := func(dir, name string) string {
		if !slash && !classify {
			return ""
		}
		fi, err := p.FS.Lstat(p.abs(path.Join(dir, name)))
		switch {
		case err != nil:
			return ""
		case fi.IsDir():
			return "/"
		case !classify:
			return ""
		case fi.Mode()&fs.ModeSymlink != 0:
			return "@"
		case fi.Mode()&fs.ModeNamedPipe != 0:
			return "|"
		case fi.Mode()&fs.ModeSocket != 0:
			return "="
		case fi.Mode()&0o111 != 0:
			return "*"
		}
		return ""
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	st := 0
	var files, dirs []string
	for _, a := range args {
		// -l, -F and -d show a symlink operand itself, not what it names
		stat := p.FS.Stat
		if long || classify || dirOnly {
			stat = p.FS.Lstat
		}
		fi, err := stat(p.abs(a))
		if err != nil {
			if fi2, err2 := p.FS.Lstat(p.abs(a)); err2 == nil {
				fi, err = fi2, nil
			}
		}
		if err != nil {
			p.errf("%s: %s", a, errText(err))
			st = 1
			continue
		}
		if fi.IsDir() && !dirOnly {
			dirs = append(dirs, a)
		} else {
			files = append(files, a)
		}
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	line := func(dir, name string) {
		if !long {
			fmt.Fprintln(w, name+indicator(dir, name))
			return
		}
		fi, err := p.FS.Lstat(p.abs(path.Join(dir, name)))
		if err != nil {
			return
		}
		st := fi.Sys().(*memfs.Stat)
		user, _ := lookupName(p.FS, "/etc/passwd", st.UID)
		group, _ := lookupName(p.FS, "/etc/group", st.GID)
		t := fi.ModTime()
		when := t.Format("Jan _2 15:04")
		if p.Clock().Sub(t) > 180*24*time.Hour || t.After(p.Clock().Add(time.Hour)) {
			when = t.Format("Jan _2  2006")
		}
		suffix := indicator(dir, name)
		if fi.Mode()&fs.ModeSymlink != 0 {
			suffix = " -> " + st.Target
			// -F marks what the link names ("ld -> d/")
			if tfi, err := p.FS.Stat(p.abs(path.Join(dir, name))); err == nil && classify {
				switch {
				case tfi.IsDir():
					suffix += "/"
				case tfi.Mode()&fs.ModeNamedPipe != 0:
					suffix += "|"
				case tfi.Mode()&fs.ModeSocket != 0:
					suffix += "="
				case tfi.Mode()&0o111 != 0:
					suffix += "*"
				}
			}
		}
		fmt.Fprintf(w, "%s %4d %-8s %-8s %9d %s %s%s\n", modeString(fi.Mode()), st.Nlink, user, group, fi.Size(), when, name, suffix)
	}
	for _, f := range files {
		line("", f)
	}
	for i, d := range dirs {
		if len(args) > 1 {
			if i > 0 || len(files) > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s:\n", d)
		}
		ents, err := p.FS.ReadDir(p.abs(d))
		if err != nil {
			p.errf("can't open '%s': %s", d, errText(err))
			st = 1
			continue
		}
		if long {
			fmt.Fprintf(w, "total %d\n", len(ents))
		}
		if all {
			line(d, ".")
			line(d, "..")
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") && !all && !almost {
				continue
			}
			line(d, e.Name())
		}
	}
	return st
}

func apTouch(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("dt")
	if err != nil {
		return p.usage(err)
	}
	if len(args) == 0 {
		p.errf("missing file operand")
		return 1
	}
	st := 0
	now := p.Clock()
	for _, a := range args {
		name := p.abs(a)
		if _, err := p.FS.Stat(name); err != nil {
			if opts['c'] != "" {
				continue
			}
			f, err := p.FS.OpenFile(name, os.O_WRONLY|os.O_CREATE, 0o644)
			if err != nil {
				p.errf("%s: %s", a, errText(err))
				st = 1
				continue
			}
			f.Close()
		}
		if err := p.FS.Chtimes(name, now, now); err != nil {
			p.errf("%s: %s", a, errText(err))
			st = 1
		}
	}
	return st
}

func parseOctal(s string) (fs.FileMode, bool) {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, false
	}
	m := fs.FileMode(n & 0o777)
	if n&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m, true
}

func apMkdir(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("m")
	if err != nil {
		return p.usage(err)
	}
	perm := fs.FileMode(0o755)
	if m, ok := opts['m']; ok {
		if perm, ok = parseOctal(m); !ok {
			p.errf("invalid mode '%s'", m)
			return 1
		}
	}
	st := 0
	for _, a := range args {
		if opts['p'] != "" {
			err = p.FS.MkdirAll(p.abs(a), perm)
		} else {
			err = p.FS.Mkdir(p.abs(a), perm)
		}
		if err != nil {
			p.errf("can't create directory '%s': %s", a, errText(err))
			st = 1
		}
	}
	return st
}

func apRm(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	rec, force := opts['r'] != "" || opts['R'] != "", opts['f'] != ""
	st := 0
	for _, a := range args {
		name := p.abs(a)
		fi, err := p.FS.Lstat(name)
		if err != nil {
			if !force {
				p.errf("can't remove '%s': %s", a, errText(err))
				st = 1
			}
			continue
		}
		if fi.IsDir() && !rec {
			p.errf("'%s' is a directory", a)
			st = 1
			continue
		}
		if rec {
			if !p.removeTree(name, a, fi) {
				st = 1
			}
			continue
		}
		if err := p.FS.Remove(name); err != nil {
			p.errf("can't remove '%s': %s", a, errText(err))
			st = 1
		}
	}
	return st
}

// removeTree is rm -r of name (shown as shown), whose Lstat is fi, as
// busybox's remove_file walks it: a directory's entries first, the
// directory then only if they all went; a directory it cannot list
// fails without a word; ok is false when anything stayed.
func (p *Proc) removeTree(name, shown string, fi fs.FileInfo) (ok bool) {
	if fi.IsDir() {
		ents, err := p.FS.ReadDir(name)
		if err != nil {
			return false
		}
		ok = true
		for _, e := range ents {
			child := path.Join(name, e.Name())
			cfi, err := p.FS.Lstat(child)
			if err != nil {
				continue
			}
			if !p.removeTree(child, path.Join(shown, e.Name()), cfi) {
				ok = false
			}
		}
		if !ok {
			return false
		}
	}
	if err := p.FS.Remove(name); err != nil {
		p.errf("can't remove '%s': %s", shown, errText(err))
		return false
	}
	return true
}

func apRmdir(_ context.Context, p *Proc) int {
	st := 0
	for _, a := range p.Args[1:] {
		fi, err := p.FS.Lstat(p.abs(a))
		if err == nil && !fi.IsDir() {
			err = syscall.ENOTDIR
		}
		if err == nil {
			err = p.FS.Remove(p.abs(a))
		}
		if err != nil {
			p.errf("'%s': %s", a, errText(err))
			st = 1
		}
	}
	return st
}

// copyTree copies src to dst (recursively when rec).
func (p *Proc) copyTree(src, dst string, rec bool) error {
	fi, err := p.FS.Lstat(src)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0 && rec:
		t, err := p.FS.Readlink(src)
		if err != nil {
			return err
		}
		return p.FS.Symlink(t, dst)
	case fi.Mode()&fs.ModeSymlink != 0:
		if fi, err = p.FS.Stat(src); err != nil {
			return err
		}
	}
	if fi.Mode()&fs.ModeNamedPipe != 0 && rec {
		// cp -r and -a make a named pipe anew (without, they read it)
		if err := p.FS.Mkfifo(dst, fi.Mode().Perm()); err != nil {
			return fmt.Errorf("can't create fifo '%s': %s", dst, errText(err))
		}
		return nil
	}
	if fi.IsDir() {
		if !rec {
			return fmt.Errorf("omitting directory '%s'", src)
		}
		if err := p.FS.MkdirAll(dst, fi.Mode().Perm()); err != nil {
			return fmt.Errorf("can't create directory '%s': %s", dst, errText(err))
		}
		ents, err := p.FS.ReadDir(src)
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", src, errText(err))
		}
		for _, e := range ents {
			if err := p.copyTree(path.Join(src, e.Name()), path.Join(dst, e.Name()), rec); err != nil {
				return err
			}
		}
		return nil
	}
	data, err := p.FS.ReadFile(src)
	if err != nil {
		return fmt.Errorf("can't open '%s': %s", src, errText(err))
	}
	if err := p.FS.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
		return fmt.Errorf("can't create '%s': %s", dst, errText(err))
	}
	return nil
}

func (p *Proc) isDir(name string) bool {
	fi, err := p.FS.Stat(p.abs(name))
	return err == nil && fi.IsDir()
}

func apCp(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	rec := opts['r'] != "" || opts['R'] != "" || opts['a'] != ""
	if len(args) < 2 {
		p.errf("missing file operand")
		return 1
	}
	dst := args[len(args)-1]
	srcs := args[:len(args)-1]
	into := p.isDir(dst)
	if len(srcs) > 1 && !into {
		p.errf("'%s' is not a directory", dst)
		return 1
	}
	st := 0
	for _, s := range srcs {
		target := p.abs(dst)
		if into {
			target = path.Join(target, path.Base(s))
		}
		if err := p.copyTree(p.abs(s), target, rec); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				p.errf("can't stat '%s': %s", s, errText(err))
			} else {
				p.errf("%s", err)
			}
			st = 1
		}
	}
	return st
}

func apMv(_ context.Context, p *Proc) int {
	_, args, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	if len(args) < 2 {
		p.errf("missing file operand")
		return 1
	}
	dst := args[len(args)-1]
	into := p.isDir(dst)
	st := 0
	for _, s := range args[:len(args)-1] {
		target := p.abs(dst)
		if into {
			target = path.Join(target, path.Base(s))
		}
		err := p.FS.Rename(p.abs(s), target)
		if errors.Is(err, syscall.EXDEV) {
			if err = p.copyTree(p.abs(s), target, true); err == nil {
				err = p.FS.RemoveAll(p.abs(s))
			}
		}
		if err != nil {
			p.errf("can't rename '%s': %s", s, errText(err))
			st = 1
		}
	}
	return st
}

func lineCount(s string) (n int, fromStart bool, err error) {
	if strings.HasPrefix(s, "+") {
		fromStart = true
	}
	n, err = strconv.Atoi(strings.TrimLeft(s, "+-"))
	return n, fromStart, err
}

func apHead(_ context.Context, p *Proc) int {
	opts, files, err := p.flags("nc")
	if err != nil {
		return p.usage(err)
	}
	n := 10
	if v, ok := opts['n']; ok {
		if n, _, err = lineCount(v); err != nil {
			p.errf("invalid number '%s'", v)
			return 1
		}
	}
	return p.inputs(files, func(name string, r io.Reader) error {
		if len(files) > 1 {
			fmt.Fprintf(p.Stdout, "==> %s <==\n", name)
		}
		if v, ok := opts['c']; ok {
			c, _ := strconv.ParseInt(v, 10, 64)
			_, err := io.CopyN(p.Stdout, r, c)
			if err == io.EOF {
				err = nil
			}
			return err
		}
		br := bufio.NewReader(r)
		for i := 0; i < n; i++ {
			line, err := br.ReadString('\n')
			if line != "" {
				if _, werr := io.WriteString(p.Stdout, line); werr != nil {
					return werr
				}
			}
			if err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
		return nil
	})
}

func apTail(ctx context.Context, p *Proc) int {
	opts, files, err := p.flags("nc")
	if err != nil {
		return p.usage(err)
	}
	if opts['f'] != "" || opts['F'] != "" {
		return p.follow(ctx, opts, files)
	}
	n, fromStart := 10, false
	if v, ok := opts['n']; ok {
		if n, fromStart, err = lineCount(v); err != nil {
			p.errf("invalid number '%s'", v)
			return 1
		}
	}
	return p.inputs(files, func(_ string, r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if v, ok := opts['c']; ok {
			c, _ := strconv.Atoi(v)
			c = min(c, len(data))
			_, err := p.Stdout.Write(data[len(data)-c:])
			return err
		}
		lines := strings.SplitAfter(string(data), "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		start := max(0, len(lines)-n)
		if fromStart {
			start = min(len(lines), max(0, n-1))
		}
		_, err = io.WriteString(p.Stdout, strings.Join(lines[start:], ""))
		return err
	})
}

// follow is tail -f: print the last lines, then whatever is appended to the
// (single) file until the process ends. /dev/null and stdin just wait.
func (p *Proc) follow(ctx context.Context, opts map[byte]string, files []string) int {
	q := *p
	q.Args = []string{"tail"}
	if v, ok := opts['n']; ok {
		q.Args = append(q.Args, "-n", v)
	}
	if len(files) != 1 || files[0] == "/dev/null" || files[0] == "-" {
		if len(files) == 1 && files[0] == "-" {
			q.Args = append(q.Args, "-")
			return apTail(ctx, &q)
		}
		return p.waitForever(ctx)
	}
	name := p.abs(files[0])
	q.Args = append(q.Args, files[0])
	if st := apTail(ctx, &q); st != 0 {
		return st
	}
	fi, err := p.FS.Stat(name)
	if err != nil {
		return 1
	}
	off := fi.Size()
	for {
		if err := p.Sleep(ctx, 100*time.Millisecond); err != nil {
			return 128 + int(syscall.SIGTERM)
		}
		data, err := p.FS.ReadFile(name)
		if err != nil {
			continue
		}
		if int64(len(data)) < off {
			off = 0 // truncated
		}
		if int64(len(data)) > off {
			if _, err := p.Stdout.Write(data[off:]); err != nil {
				return 1
			}
			off = int64(len(data))
		}
	}
}

// waitForever blocks until the process ends or a trapped signal arrives.
func (p *Proc) waitForever(ctx context.Context) int {
	if err := p.Sleep(ctx, 1<<62); err != nil {
		return 128 + int(syscall.SIGTERM)
	}
	return 0
}

func apWc(_ context.Context, p *Proc) int {
	opts, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	l, w, c := opts['l'] != "", opts['w'] != "", opts['c'] != "" || opts['m'] != ""
	if !l && !w && !c {
		l, w, c = true, true, true
	}
	ncols := b2i(l) + b2i(w) + b2i(c)
	var tl, tw, tc int64
	print := func(nl, nw, nc int64, name string) {
		var cols []string
		for _, x := range []struct {
			on bool
			v  int64
		}{{l, nl}, {w, nw}, {c, nc}} {
			if x.on {
				if ncols == 1 && name == "" {
					cols = append(cols, strconv.FormatInt(x.v, 10))
				} else {
					cols = append(cols, fmt.Sprintf("%7d", x.v))
				}
			}
		}
		out := strings.Join(cols, " ")
		if name != "" {
			out += " " + name
		}
		fmt.Fprintln(p.Stdout, out)
	}
	st := p.inputs(files, func(name string, r io.Reader) error {
		var nl, nw, nc int64
		inWord := false
		br := bufio.NewReader(r)
		for {
			b, err := br.ReadByte()
			if err != nil {
				if err == io.EOF {
					break
				}
				return err
			}
			nc++
			if b == '\n' {
				nl++
			}
			if b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\v' || b == '\f' {
				inWord = false
			} else if !inWord {
				inWord = true
				nw++
			}
		}
		tl, tw, tc = tl+nl, tw+nw, tc+nc
		if name == "-" {
			name = ""
		}
		print(nl, nw, nc, name)
		return nil
	})
	if len(files) > 1 {
		print(tl, tw, tc, "total")
	}
	return st
}

func apEnv(ctx context.Context, p *Proc) int {
	env := append([]string(nil), p.Env...)
	args := p.Args[1:]
	for len(args) > 0 {
		switch {
		case args[0] == "-i" || args[0] == "-":
			env = nil
		case args[0] == "-u" && len(args) > 1:
			env = unsetEnv(env, args[1])
			args = args[1:]
		case strings.Contains(args[0], "="):
			k, _, _ := strings.Cut(args[0], "=")
			env = append(unsetEnv(env, k), args[0])
		default:
			sh := p.shell()
			sh.vars = map[string]*svar{}
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				sh.vars[k] = &svar{val: v, exported: true}
			}
			sh.execNext = true // env execs the program
			return sh.runProgram(ctx, args, env)
		}
		args = args[1:]
	}
	for _, kv := range env {
		if _, err := fmt.Fprintln(p.Stdout, kv); err != nil {
			return 1
		}
	}
	return 0
}

func unsetEnv(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return out
}

// userGroups is gid and the groups /etc/group lists user in, as runc
// (and id) find a user's groups.
func userGroups(f *memfs.FS, user string, gid int) []int {
	groups := []int{gid}
	for _, r := range userDB(f, "/etc/group") {
		if len(r) <= 3 {
			continue
		}
		for m := range strings.SplitSeq(r[3], ",") {
			if m == user {
				if g, err := strconv.Atoi(r[2]); err == nil && !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
			}
		}
	}
	return groups
}

func apID(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	uid, gid := p.UID, p.GID
	user, uok := lookupName(p.FS, "/etc/passwd", uid)
	if len(args) > 0 {
		found := false
		for _, r := range userDB(p.FS, "/etc/passwd") {
			if len(r) > 3 && r[0] == args[0] {
				uid, _ = strconv.Atoi(r[2])
				gid, _ = strconv.Atoi(r[3])
				user, uok, found = r[0], true, true
			}
		}
		if !found {
			p.errf("unknown user %s", args[0])
			return 1
		}
	}
	group, gok := lookupName(p.FS, "/etc/group", gid)
	groups := []int{gid}
	if uok {
		groups = userGroups(p.FS, user, gid)
	}
	if len(args) == 0 { // the process's own groups: runc adds GroupAdd to the user's
		for _, g := range p.sh.p.cfg.GroupAdd {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	name := opts['n'] != ""
	switch {
	case opts['u'] != "":
		if name {
			fmt.Fprintln(p.Stdout, user)
		} else {
			fmt.Fprintln(p.Stdout, uid)
		}
		return 0
	case opts['g'] != "":
		if name {
			fmt.Fprintln(p.Stdout, group)
		} else {
			fmt.Fprintln(p.Stdout, gid)
		}
		return 0
	case opts['G'] != "":
		var parts []string
		for _, g := range groups {
			if name {
				n, _ := lookupName(p.FS, "/etc/group", g)
				parts = append(parts, n)
			} else {
				parts = append(parts, strconv.Itoa(g))
			}
		}
		fmt.Fprintln(p.Stdout, strings.Join(parts, " "))
		return 0
	}
	label := func(id int, n string, ok bool) string {
		if ok {
			return fmt.Sprintf("%d(%s)", id, n)
		}
		return strconv.Itoa(id)
	}
	out := fmt.Sprintf("uid=%s gid=%s", label(uid, user, uok), label(gid, group, gok))
	if len(groups) > 0 {
		var parts []string
		for _, g := range groups {
			n, ok := lookupName(p.FS, "/etc/group", g)
			parts = append(parts, label(g, n, ok))
		}
		out += " groups=" + strings.Join(parts, ",")
	}
	fmt.Fprintln(p.Stdout, out)
	return 0
}

func apWhoami(_ context.Context, p *Proc) int {
	name, ok := lookupName(p.FS, "/etc/passwd", p.UID)
	if !ok {
		p.errf("unknown uid %d", p.UID)
		return 1
	}
	fmt.Fprintln(p.Stdout, name)
	return 0
}

// apHostname is busybox's hostname. The name is the UTS name of the
// process (Config.Hostname: the container's, or with UTSMode host the
// machine's), not /etc/hostname, which only hostname -F reads. Setting it
// needs CAP_SYS_ADMIN, which a container has not.
func apHostname(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("F")
	if err != nil {
		return p.usage(err)
	}
	if len(args) > 0 || opts['F'] != "" {
		p.errf("sethostname: Operation not permitted")
		return 1
	}
	name := p.Hostname
	switch {
	case opts['i'] != "":
		return p.hostAddr(name)
	case opts['s'] != "":
		name, _, _ = strings.Cut(name, ".")
	case opts['d'] != "":
		_, dom, ok := strings.Cut(name, ".")
		if !ok {
			return 0
		}
		name = dom
	}
	fmt.Fprintln(p.Stdout, name)
	return 0
}

// hostAddr is hostname -i: the address the resolver finds for the name,
// or, as busybox reports the resolver's h_errno, "Unknown host" when the
// name has none and "Host name lookup failure" when no name server can be
// reached (a container with no interface but lo).
func (p *Proc) hostAddr(name string) int {
	if a, _, ok := p.resolveHost(name); ok {
		fmt.Fprintln(p.Stdout, a)
		return 0
	}
	if p.offline() {
		p.errf("%s: Host name lookup failure", name)
	} else {
		p.errf("%s: Unknown host", name)
	}
	return 1
}

// offline reports whether the process's network namespace has no
// interface but the loopback.
func (p *Proc) offline() bool {
	n := p.sh.p.cfg.Net
	if n == nil {
		return true
	}
	for _, i := range n.Interfaces() {
		if !i.Loopback {
			return false
		}
	}
	return true
}

// strftime formats t with the date applet's conversions.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func apDate(_ context.Context, p *Proc) int {
	t := p.Clock().UTC()
	format := "%a %b %e %H:%M:%S %Z %Y"
	args := p.Args[1:]
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		switch {
		case strings.HasPrefix(a, "+"):
			format = a[1:]
		case a == "-u" || a == "-R":
		case strings.HasPrefix(a, "-d") || strings.HasPrefix(a, "--date="):
			v, ok := strings.CutPrefix(a, "--date=")
			if !ok {
				v = a[2:]
			}
			if v == "" {
				if len(args) == 0 {
					p.errf("option requires an argument -- 'd'")
					return p.showUsage()
				}
				v, args = args[0], args[1:]
			}
			d, ok := parseDate(v, t)
			if !ok {
				p.errf("invalid date '%s'", v)
				return 1
			}
			t = d
		default:
			p.errf("invalid date '%s'", a)
			return 1
		}
	}
	fmt.Fprintln(p.Stdout, strftime(format, t))
	return 0
}

// parseDate reads date -d's argument in the container's zone (UTC):
// @SECONDS, YYYY-MM-DD [hh:mm[:ss]] or hh:mm[:ss] of the day of now.
func parseDate(s string, now time.Time) (time.Time, bool) {
	if n, ok := strings.CutPrefix(s, "@"); ok {
		sec, err := strconv.ParseInt(n, 10, 64)
		return time.Unix(sec, 0).UTC(), err == nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

func apYes(ctx context.Context, p *Proc) int {
	s := "y"
	if len(p.Args) > 1 {
		s = strings.Join(p.Args[1:], " ")
	}
	line := []byte(strings.Repeat(s+"\n", max(1, 4096/(len(s)+1))))
	for ctx.Err() == nil {
		if _, err := p.Stdout.Write(line); err != nil {
			return 1
		}
	}
	return 1
}

// breToRE converts a POSIX basic regular expression to Go syntax. A '*'
// that starts the expression (or a group) is a plain star.
func breToRE(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '*' && (i == 0 || i == 1 && s[0] == '^' || i >= 2 && s[i-2:i] == `\(`):
			b.WriteString(`\*`)
		case c == '\\' && i+1 < len(s):
			i++
			switch n := s[i]; n {
			case '(', ')', '|', '{', '}', '+', '?':
				b.WriteByte(n)
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
		case strings.IndexByte("(){}|+?", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// grepOpts are the options of busybox grep that take a value.
const grepOpts = "efmABC"

// grepArgs splits grep's command line: its options, the patterns of every
// -e and -f (each line of one is a pattern of its own, as busybox reads
// them) in order, and the files. With no -e or -f the first operand is the
// pattern list.
func (p *Proc) grepArgs() (opts map[byte]bool, pats []string, files []string, code int) {
	opts = map[byte]bool{}
	given := false
	g := p.scanOpts(grepOpts, false)
	for {
		c, v, more, missing := g.next()
		if !more {
			break
		}
		if strings.IndexByte(grepOpts, c) < 0 {
			opts[c] = true
			continue
		}
		if missing {
			p.errf("option requires an argument -- '%c'", c)
			p.showUsage()
			return nil, nil, nil, 2
		}
		switch c {
		case 'e':
			given = true
			pats = append(pats, strings.Split(v, "\n")...)
		case 'f':
			given = true
			data, err := p.FS.ReadFile(p.abs(v))
			if err != nil {
				p.errf("%s: %s", v, errText(err))
				return nil, nil, nil, 2
			}
			pats = append(pats, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
		}
	}
	args := g.rest()
	if !given {
		if len(args) == 0 {
			p.showUsage()
			return nil, nil, nil, 2
		}
		pats, args = strings.Split(args[0], "\n"), args[1:]
	}
	return opts, pats, args, 0
}

// grepPattern is one pattern of a grep, compiled when a line first needs
// it: busybox reports a bad one ("bad regex") only then.
type grepPattern struct {
	src string
	re  *regexp.Regexp
}

func apGrep(ctx context.Context, p *Proc) int {
	opts, srcs, args, code := p.grepArgs()
	if code != 0 {
		return code
	}
	ere := opts['E'] || p.name() == "egrep"
	if p.name() == "fgrep" {
		opts['F'] = true
	}
	// busybox tries the patterns last first and stops at the first match
	pats := make([]grepPattern, len(srcs))
	for i, s := range srcs {
		pats[len(srcs)-1-i].src = s
	}
	errBadRegex := errors.New("bad regex")
	match := func(line string) (bool, error) {
		for i := range pats {
			g := &pats[i]
			if g.re == nil {
				re, err := regexp.Compile(grepExpr(g.src, opts, ere))
				if err != nil {
					p.errf("bad regex '%s'", g.src)
					return false, errBadRegex
				}
				g.re = re
			}
			if g.re.MatchString(line) {
				return true, nil
			}
		}
		return false, nil
	}
	invert, count, quiet, number, listNames := opts['v'], opts['c'], opts['q'], opts['n'], opts['l']
	showName := len(args) > 1 && !opts['h'] || opts['H']
	matched, bad := false, false
	st := p.inputs(args, func(name string, r io.Reader) error {
		if name == "-" {
			name = "(standard input)"
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), maxWord)
		n, hits := 0, 0
		for sc.Scan() {
			if ctx.Err() != nil {
				return errKilled
			}
			n++
			line := sc.Text()
			m, err := match(line)
			if err != nil {
				bad = true
				return err
			}
			if m == invert {
				continue
			}
			hits++
			matched = true
			if quiet {
				return nil
			}
			if count || listNames {
				continue
			}
			prefix := ""
			if showName {
				prefix = name + ":"
			}
			if number {
				prefix += strconv.Itoa(n) + ":"
			}
			if _, err := fmt.Fprintln(p.Stdout, prefix+line); err != nil {
				return err
			}
		}
		switch {
		case quiet:
		case listNames && hits > 0:
			fmt.Fprintln(p.Stdout, name)
		case count && showName:
			fmt.Fprintf(p.Stdout, "%s:%d\n", name, hits)
		case count:
			fmt.Fprintln(p.Stdout, hits)
		}
		return sc.Err()
	})
	switch {
	case bad:
		return 2
	case quiet && matched:
		return 0
	case st != 0:
		return 2
	case matched:
		return 0
	}
	return 1
}

// grepExpr is one grep pattern in Go's syntax: -F literal, -E extended,
// otherwise basic; -w wants a non-word character (or the line's edge) on
// both sides of the match, -x the whole line, -i any case.
func grepExpr(pat string, opts map[byte]bool, ere bool) string {
	expr := pat
	switch {
	case opts['F']:
		expr = regexp.QuoteMeta(pat)
	case !ere:
		expr = breToRE(pat)
	}
	if opts['x'] {
		expr = `^(?:` + expr + `)$`
	} else if opts['w'] {
		expr = `(?:^|\W)(?:` + expr + `)(?:\W|$)`
	}
	if opts['i'] {
		expr = "(?i)" + expr
	}
	return expr
}

// apSh is the shell itself: sh -c 'script' [name [args...]], sh file
// [args...], or a script on stdin.
func apSh(ctx context.Context, p *Proc) int {
	child := p.sh.newChild(p)
	child.arg0 = p.Args[0]
	if lvl, err := strconv.Atoi(p.Getenv("SHLVL")); err == nil {
		child.vars["SHLVL"] = &svar{val: strconv.Itoa(lvl + 1), exported: true}
	} else {
		child.vars["SHLVL"] = &svar{val: "1", exported: true}
	}
	child.vars["PWD"] = &svar{val: p.Dir, exported: true}
	args := p.Args[1:]
	var script *string
	dashC := false
	for len(args) > 0 && len(args[0]) > 1 && (args[0][0] == '-' || args[0][0] == '+') {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		on := a[0] == '-'
		for _, c := range a[1:] {
			switch c {
			case 'c':
				dashC = true
			case 'e':
				child.opts.errexit = on
			case 'u':
				child.opts.nounset = on
			case 'x':
				child.opts.xtrace = on
			case 's', 'i', 'l':
			default:
				fmt.Fprintf(p.Stderr, "%s: illegal option -%c\n", p.Args[0], c)
				return 2
			}
		}
	}
	// with -c, the operands are the script, then $0, then the arguments
	if dashC {
		if len(args) == 0 {
			fmt.Fprintf(p.Stderr, "%s: -c requires an argument\n", p.Args[0])
			return 2
		}
		script, args = &args[0], args[1:]
	}
	if script != nil {
		if len(args) > 0 {
			child.arg0, args = args[0], args[1:]
		}
		child.params = args
		child.execLast = true // ash execs the last command of -c
		return child.runScript(ctx, *script)
	}
	if len(args) > 0 {
		data, err := p.FS.ReadFile(p.abs(args[0]))
		if err != nil {
			fmt.Fprintf(p.Stderr, "%s: can't open '%s': %s\n", p.Args[0], args[0], errText(err))
			return 2
		}
		child.arg0, child.params = args[0], args[1:]
		return child.runScript(ctx, string(data))
	}
	return child.runStream(ctx, p.Stdin)
}

func parseDuration(s string) (time.Duration, bool) {
	unit := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, unit = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, unit = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, unit = s[:len(s)-1], 24*time.Hour
	}
	if ls := strings.ToLower(s); ls == "inf" || ls == "infinity" {
		return 1 << 62, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != f || s == "" || strings.ContainsAny(s, "xXpPnN") {
		return 0, false
	}
	d := f * float64(unit)
	if d > float64(1<<62) {
		return 1 << 62, true
	}
	return time.Duration(d), true
}

func apSleep(ctx context.Context, p *Proc) int {
	if len(p.Args) < 2 {
		p.errf("usage: sleep [N]...")
		return 1
	}
	var total time.Duration
	for _, a := range p.Args[1:] {
		d, ok := parseDuration(a)
		if !ok {
			p.errf("invalid number '%s'", a)
			return 1
		}
		total += d
	}
	if err := p.Sleep(ctx, total); err != nil {
		return 128 + int(syscall.SIGTERM)
	}
	return 0
}

func apSeq(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	nums := make([]float64, len(args))
	for i, a := range args {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil {
			p.errf("invalid number '%s'", a)
			return 1
		}
		nums[i] = v
	}
	first, step, last := 1.0, 1.0, 0.0
	switch len(nums) {
	case 1:
		last = nums[0]
	case 2:
		first, last = nums[0], nums[1]
	case 3:
		first, step, last = nums[0], nums[1], nums[2]
	default:
		p.errf("usage: seq [FIRST [INC]] LAST")
		return 1
	}
	if step == 0 {
		return 1
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if step > 0 && v > last || step < 0 && v < last {
			return 0
		}
		if i%1024 == 0 && ctx.Err() != nil {
			return 1
		}
		if _, err := w.WriteString(strconv.FormatFloat(v, 'f', -1, 64) + "\n"); err != nil {
			return 1
		}
	}
}

func apBasename(_ context.Context, p *Proc) int {
	if len(p.Args) < 2 {
		p.errf("missing operand")
		return 1
	}
	b := path.Base(p.Args[1])
	if len(p.Args) > 2 && b != p.Args[2] {
		b = strings.TrimSuffix(b, p.Args[2])
	}
	fmt.Fprintln(p.Stdout, b)
	return 0
}

func apDirname(_ context.Context, p *Proc) int {
	if len(p.Args) < 2 {
		p.errf("missing operand")
		return 1
	}
	fmt.Fprintln(p.Stdout, path.Dir(p.Args[1]))
	return 0
}

func apLn(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	if len(args) == 0 {
		p.errf("missing file operand")
		return 1
	}
	target := args[0]
	link := path.Base(target)
	if len(args) > 1 {
		link = args[1]
	}
	if p.isDir(link) && opts['n'] == "" {
		link = path.Join(link, path.Base(target))
	}
	if opts['f'] != "" {
		_ = p.FS.Remove(p.abs(link))
	}
	if opts['s'] != "" {
		err = p.FS.Symlink(target, p.abs(link))
	} else {
		err = p.FS.Link(p.abs(target), p.abs(link))
	}
	if err != nil {
		p.errf("%s: %s", link, errText(err))
		return 1
	}
	return 0
}

// applyMode applies an octal or symbolic (u+x,go-w,a=r) mode.
func applyMode(spec string, cur fs.FileMode) (fs.FileMode, bool) {
	if m, ok := parseOctal(spec); ok {
		return m, true
	}
	m := cur
	for clause := range strings.SplitSeq(spec, ",") {
		i := 0
		var who fs.FileMode
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			who |= map[byte]fs.FileMode{'u': 0o700, 'g': 0o070, 'o': 0o007, 'a': 0o777}[clause[i]]
			i++
		}
		if who == 0 {
			who = 0o777
		}
		if i >= len(clause) || strings.IndexByte("+-=", clause[i]) < 0 {
			return 0, false
		}
		op := clause[i]
		var bits fs.FileMode
		for _, c := range clause[i+1:] {
			switch c {
			case 'r':
				bits |= 0o444
			case 'w':
				bits |= 0o222
			case 'x':
				bits |= 0o111
			case 's', 't', 'X':
			default:
				return 0, false
			}
		}
		bits &= who
		switch op {
		case '+':
			m |= bits
		case '-':
			m &^= bits
		case '=':
			m = m&^who | bits
		}
	}
	return m, true
}

func apChmod(_ context.Context, p *Proc) int {
	args := p.Args[1:]
	rec := false
	if len(args) > 0 && args[0] == "-R" {
		rec, args = true, args[1:]
	}
	if len(args) < 2 {
		p.errf("missing operand")
		return 1
	}
	st := 0
	var apply func(name string)
	apply = func(name string) {
		fi, err := p.FS.Stat(name)
		if err != nil {
			p.errf("%s: %s", name, errText(err))
			st = 1
			return
		}
		m, ok := applyMode(args[0], fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
		if !ok {
			p.errf("invalid mode '%s'", args[0])
			st = 1
			return
		}
		if err := p.FS.Chmod(name, m); err != nil {
			p.errf("%s: %s", name, errText(err))
			st = 1
		}
		if rec && fi.IsDir() {
			ents, _ := p.FS.ReadDir(name)
			for _, e := range ents {
				apply(path.Join(name, e.Name()))
			}
		}
	}
	for _, a := range args[1:] {
		apply(p.abs(a))
	}
	return st
}

func apReadlink(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil || len(args) == 0 {
		return 1
	}
	name := p.abs(args[0])
	if opts['f'] != "" {
		// resolve every link
		for range 40 {
			t, err := p.FS.Readlink(name)
			if err != nil {
				break
			}
			if !strings.HasPrefix(t, "/") {
				t = path.Join(path.Dir(name), t)
			}
			name = path.Clean(t)
		}
		fmt.Fprintln(p.Stdout, name)
		return 0
	}
	t, err := p.FS.Readlink(name)
	if err != nil {
		return 1
	}
	fmt.Fprintln(p.Stdout, t)
	return 0
}

func apTee(ctx context.Context, p *Proc) int {
	opts, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if opts['a'] != "" {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	ws := []io.Writer{p.Stdout}
	st := 0
	for _, name := range files {
		f, err := p.FS.OpenFile(p.abs(name), flag, 0o644)
		if err != nil {
			p.errf("%s: %s", name, errText(err))
			st = 1
			continue
		}
		defer f.Close()
		ws = append(ws, f)
	}
	if err := copyCtx(ctx, io.MultiWriter(ws...), p.Stdin); err != nil {
		return 1
	}
	return st
}

// trSet expands a tr set: ranges and escapes.
func trSet(s string) []byte {
	s, _ = interpretEscapes(s, false)
	var out []byte
	for i := 0; i < len(s); i++ {
		if i+2 < len(s) && s[i+1] == '-' && s[i] <= s[i+2] {
			for c := int(s[i]); c <= int(s[i+2]); c++ {
				out = append(out, byte(c))
			}
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func apTr(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("")
	if err != nil || len(args) == 0 {
		p.errf("missing operand")
		return 1
	}
	var table [256]int
	for i := range table {
		table[i] = i
	}
	set1 := trSet(args[0])
	if opts['d'] != "" {
		for _, c := range set1 {
			table[c] = -1
		}
	} else {
		if len(args) < 2 {
			p.errf("missing operand")
			return 1
		}
		set2 := trSet(args[1])
		if len(set2) == 0 {
			return 1
		}
		for i, c := range set1 {
			table[c] = int(set2[min(i, len(set2)-1)])
		}
	}
	br := bufio.NewReader(p.Stdin)
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0
		}
		if t := table[c]; t >= 0 {
			w.WriteByte(byte(t))
		}
	}
}

func readLines(p *Proc, files []string) ([]string, int) {
	var lines []string
	st := p.inputs(files, func(_ string, r io.Reader) error {
		data, err := io.ReadAll(r)
		s := strings.TrimSuffix(string(data), "\n")
		if len(data) > 0 {
			lines = append(lines, strings.Split(s, "\n")...)
		}
		return err
	})
	return lines, st
}

func apSort(_ context.Context, p *Proc) int {
	opts, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	lines, st := readLines(p, files)
	if opts['n'] != "" {
		num := func(s string) float64 {
			f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
			return f
		}
		sort.SliceStable(lines, func(i, j int) bool { return num(lines[i]) < num(lines[j]) })
	} else {
		sort.Strings(lines)
	}
	if opts['r'] != "" {
		for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
			lines[i], lines[j] = lines[j], lines[i]
		}
	}
	var b bytes.Buffer
	for i, l := range lines {
		if opts['u'] != "" && i > 0 && l == lines[i-1] {
			continue
		}
		b.WriteString(l + "\n")
	}
	p.Stdout.Write(b.Bytes())
	return st
}

func apUniq(_ context.Context, p *Proc) int {
	opts, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	lines, st := readLines(p, files)
	var b bytes.Buffer
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j] == lines[i] {
			j++
		}
		n := j - i
		switch {
		case opts['d'] != "" && n < 2, opts['u'] != "" && n > 1:
		case opts['c'] != "":
			fmt.Fprintf(&b, "%7d %s\n", n, lines[i])
		default:
			b.WriteString(lines[i] + "\n")
		}
		i = j
	}
	p.Stdout.Write(b.Bytes())
	return st
}

func apPrintenv(_ context.Context, p *Proc) int {
	if len(p.Args) == 1 {
		for _, kv := range p.Env {
			fmt.Fprintln(p.Stdout, kv)
		}
		return 0
	}
	st := 0
	for _, k := range p.Args[1:] {
		found := false
		for _, kv := range p.Env {
			if kk, v, _ := strings.Cut(kv, "="); kk == k {
				fmt.Fprintln(p.Stdout, v)
				found = true
			}
		}
		if !found {
			st = 1
		}
	}
	return st
}

func apWhich(_ context.Context, p *Proc) int {
	pathEnv := p.Getenv("PATH")
	if pathEnv == "" {
		pathEnv = defaultPath
	}
	st := 0
	for _, name := range p.Args[1:] {
		f, err := p.sh.lookPath(name, pathEnv)
		if err == nil {
			if fi, err2 := p.FS.Stat(f); err2 != nil || fi.Mode().Perm()&0o111 == 0 {
				err = fs.ErrNotExist
			}
		}
		if err != nil {
			st = 1
			continue
		}
		fmt.Fprintln(p.Stdout, f)
	}
	return st
}

func apNproc(_ context.Context, p *Proc) int {
	fmt.Fprintln(p.Stdout, runtime.NumCPU())
	return 0
}

func apUname(_ context.Context, p *Proc) int {
	opts, _, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	machine := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l"}[runtime.GOARCH]
	if machine == "" {
		machine = runtime.GOARCH
	}
	host := p.Hostname // the UTS name
	fields := []struct {
		c byte
		v string
	}{{'s', "Linux"}, {'n', host}, {'r', "6.1.0-dockwire"}, {'v', "#1 SMP"}, {'m', machine}, {'o', "GNU/Linux"}}
	var out []string
	for _, f := range fields {
		if opts['a'] != "" || opts[f.c] != "" {
			out = append(out, f.v)
		}
	}
	if len(out) == 0 {
		out = []string{"Linux"}
	}
	fmt.Fprintln(p.Stdout, strings.Join(out, " "))
	return 0
}

func apFind(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	var roots []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		roots, args = append(roots, args[0]), args[1:]
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	var namePat, typ string
	maxDepth := -1
	for len(args) > 0 {
		switch {
		case args[0] == "-name" && len(args) > 1:
			namePat, args = args[1], args[2:]
		case args[0] == "-type" && len(args) > 1:
			typ, args = args[1], args[2:]
		case args[0] == "-maxdepth" && len(args) > 1:
			maxDepth, _ = strconv.Atoi(args[1])
			args = args[2:]
		case args[0] == "-print":
			args = args[1:]
		default:
			p.errf("unrecognized: %s", args[0])
			return 1
		}
	}
	st := 0
	for _, root := range roots {
		base := p.abs(root)
		err := p.FS.Walk(base, func(fp string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return errKilled
			}
			if err != nil {
				p.errf("%s: %s", root, errText(err))
				st = 1
				return nil
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(fp, base), "/")
			depth := 0
			if rel != "" {
				depth = strings.Count(rel, "/") + 1
			}
			show := root
			if rel != "" {
				show = strings.TrimSuffix(root, "/") + "/" + rel
			}
			ok := namePat == "" || matchPattern(namePat, d.Name())
			switch typ {
			case "f":
				ok = ok && d.Type().IsRegular()
			case "d":
				ok = ok && d.IsDir()
			case "l":
				ok = ok && d.Type()&fs.ModeSymlink != 0
			case "p":
				ok = ok && d.Type()&fs.ModeNamedPipe != 0
			}
			if ok && (maxDepth < 0 || depth <= maxDepth) {
				fmt.Fprintln(p.Stdout, show)
			}
			if d.IsDir() && maxDepth >= 0 && depth >= maxDepth {
				return fs.SkipDir
			}
			return nil
		})
		if err != nil {
			return 1
		}
	}
	return st
}

func apBusybox(ctx context.Context, p *Proc) int {
	if len(p.Args) < 2 {
		fmt.Fprintln(p.Stdout, "BusyBox v1.36.1 (dockwire mock) multi-call binary.")
		return 0
	}
	a, ok := applets[p.Args[1]]
	if !ok || p.Args[1] == "busybox" {
		fmt.Fprintf(p.Stderr, "%s: applet not found\n", p.Args[1])
		return 127
	}
	q := *p
	q.Args = p.Args[1:]
	return a(ctx, &q)
}
