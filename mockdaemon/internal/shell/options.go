package shell

import "strings"

// optScan walks an applet's arguments as busybox's getopt32 does: options
// cluster after one '-' ("-qO-"); an option named in withArg takes the
// rest of its word, or else the next argument, as its value; "--" ends
// the options, and so does the first operand (a lone "-" is one) unless
// permute is set, when operands are collected wherever they stand. Every
// applet's option parsing goes through it (Proc.getopt and Proc.flags
// for the common forms).
type optScan struct {
	args    []string
	withArg string
	permute bool
	numOpt  byte // a word "-N" (a digit after '-') is option numOpt with value N (head -5); 0 for none

	word     string // the option cluster being read
	i        int    // the next option's index in word
	operands []string
	done     bool
}

// scanOpts walks p's arguments after its name.
func (p *Proc) scanOpts(withArg string, permute bool) *optScan {
	return &optScan{args: p.Args[1:], withArg: withArg, permute: permute}
}

// next returns the next option and its value ("" for an option without
// one). ok is false once the options end; missing is true when an option
// of withArg has no value (c names it).
func (g *optScan) next() (c byte, val string, ok, missing bool) {
	for g.i >= len(g.word) {
		if g.done || len(g.args) == 0 {
			g.done = true
			return 0, "", false, false
		}
		a := g.args[0]
		switch {
		case a == "--":
			g.args, g.done = g.args[1:], true
			return 0, "", false, false
		case len(a) < 2 || a[0] != '-':
			if !g.permute {
				g.done = true
				return 0, "", false, false
			}
			g.operands = append(g.operands, a)
			g.args = g.args[1:]
			continue
		}
		if g.numOpt != 0 && a[1] >= '0' && a[1] <= '9' {
			g.args = g.args[1:]
			return g.numOpt, a[1:], true, false
		}
		g.word, g.i, g.args = a, 1, g.args[1:]
	}
	c = g.word[g.i]
	g.i++
	if strings.IndexByte(g.withArg, c) < 0 {
		return c, "", true, false
	}
	val, g.i = g.word[g.i:], len(g.word)
	if val == "" {
		if len(g.args) == 0 {
			return c, "", true, true
		}
		val, g.args = g.args[0], g.args[1:]
	}
	return c, val, true, false
}

// rest is the operands once next has reported the end of the options.
func (g *optScan) rest() []string {
	return append(g.operands, g.args...)
}
