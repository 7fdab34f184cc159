package shell

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestOptScan: the one option walker of the applets, as getopt32 reads a
// command line: clusters, a value attached or in the next word, "--",
// operands that end the options or (permute) are gathered, a missing
// value, and head's -N.
func TestOptScan(t *testing.T) {
	for _, c := range []struct {
		args    string
		withArg string
		permute bool
		numOpt  byte
		want    string
	}{
		{"-qO- url", "O", false, 0, "q= O=- | url"},
		{"-q -O out url -x", "O", false, 0, "q= O=out | url -x"},
		{"-An -tx1 f1 -v f2", "tAjNw", true, 0, "A=n t=x1 v= | f1 f2"},
		{"-v -- -x f", "", false, 0, "v= | -x f"},
		{"- -v", "", false, 0, "| - -v"},
		{"-n", "n", false, 0, "n missing |"},
		{"-5 f", "n", false, 'n', "n=5 | f"},
	} {
		g := &optScan{args: strings.Fields(c.args), withArg: c.withArg, permute: c.permute, numOpt: c.numOpt}
		var got []string
		for {
			opt, v, more, missing := g.next()
			if !more {
				break
			}
			if missing {
				got = append(got, string(opt)+" missing")
				continue
			}
			got = append(got, fmt.Sprintf("%c=%s", opt, v))
		}
		got = append(got, "|")
		got = append(got, g.rest()...)
		assert.Equal(t, c.want, strings.Join(got, " "), "%q", c.args)
	}
}
