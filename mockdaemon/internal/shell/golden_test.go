package shell

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The busybox golden test: each case runs `sh -c script` here and, with
// -update, in a container of the real busybox image (busybox:dockwire,
// Debian's static busybox 1.35) on the daemon at
// $DOCKWIRE_REAL_DOCKER_HOST, whose stdout, stderr and exit status are
// kept in testdata/busybox.golden.json. testdata/update-busybox-golden.sh
// regenerates the file.

var update = flag.Bool("update", false, "rewrite testdata/busybox.golden.json from busybox on the real daemon at $DOCKWIRE_REAL_DOCKER_HOST")

const (
	goldenFile     = "testdata/busybox.golden.json"
	goldenImage    = "busybox:dockwire"
	goldenHostname = "golden"
	goldenIP       = "172.17.0.2" // the container's address in /etc/hosts, masked
)

// goldenCase is one script. Masks are regular expressions whose matches
// (times, addresses) are replaced by "<m>" in both outputs before they
// are compared.
type goldenCase struct {
	name   string
	script string
	stdin  string
	tty    bool // docker exec -t: one stream, the shell's fds are a terminal
	masks  []string
	todo   bool // recorded by -update, not yet compared: the applet is still to come
}

type goldenResult struct {
	Stdout string
	Stderr string
	Exit   int
}

// goldenJSON is a result as the file keeps it: an output that is not
// UTF-8 (JSON would replace its bytes) is kept in base64.
type goldenJSON struct {
	Stdout    *string `json:"stdout,omitempty"`
	StdoutB64 *string `json:"stdout_base64,omitempty"`
	Stderr    *string `json:"stderr,omitempty"`
	StderrB64 *string `json:"stderr_base64,omitempty"`
	Exit      int     `json:"exit"`
}

func (r goldenResult) MarshalJSON() ([]byte, error) {
	var j goldenJSON
	j.Exit = r.Exit
	j.Stdout, j.StdoutB64 = goldenText(r.Stdout)
	j.Stderr, j.StderrB64 = goldenText(r.Stderr)
	return json.Marshal(j)
}

func goldenText(s string) (text, b64 *string) {
	if utf8.ValidString(s) {
		return &s, nil
	}
	e := base64.StdEncoding.EncodeToString([]byte(s))
	return nil, &e
}

func (r *goldenResult) UnmarshalJSON(b []byte) error {
	var j goldenJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	r.Exit = j.Exit
	var err1, err2 error
	r.Stdout, err1 = fromGolden(j.Stdout, j.StdoutB64)
	r.Stderr, err2 = fromGolden(j.Stderr, j.StderrB64)
	return errors.Join(err1, err2)
}

func fromGolden(text, b64 *string) (string, error) {
	switch {
	case text != nil:
		return *text, nil
	case b64 != nil:
		b, err := base64.StdEncoding.DecodeString(*b64)
		return string(b), err
	}
	return "", nil
}

// ipMask hides the container's address, which the real daemon picks.
const ipMask = `172\.17\.\d+\.\d+`

// netMasks hide what differs between two containers on the default
// bridge: eth0's address, MAC and interface numbers, and the traffic
// the real one has seen.
var netMasks = []string{ipMask, `(?i)02:42:ac:11:[0-9a-f]{2}:[0-9a-f]{2}`, `\d+: eth0(@if\d+)?`, `(RX|TX) (packets|bytes):\d+( \([0-9.]+ [KMG]?i?B\))?`, `eth0: +\d+ +\d+`}

var goldenCases = []goldenCase{
	// the language's errors
	{name: "syntax/if-then-fi", script: "if then fi"},
	{name: "syntax/empty-group", script: "{ }"},
	{name: "syntax/empty-loop", script: "while do done"},
	{name: "syntax/unterminated-subst", script: "echo $(echo"},
	{name: "syntax/for-variable", script: "for 1 in a; do :; done"},
	{name: "arith/divide-by-zero", script: "echo $((1/0)); echo after"},
	{name: "arith/operators", script: "i=1; echo $((2**10)) $((i++)) $((++i)) $((7%3)) $((1<<4)) $((0x10+010)) $((x=y)) $((-7/2))"},
	{name: "arith/variables", script: "x=y; y=3; echo $((x*2)) $((z+1))"},
	{name: "utf8/echo", script: "x=ü; echo grüße 'ü' \"ü\" $x ${x}ß | tee /tmp/u; wc -c < /tmp/u"},
	{name: "missing/command", script: "nosuchapplet; echo $?; nosuchapplet --flag"},
	{name: "missing/path", script: "/bin/nosuch; echo $?"},

	// terminals
	{name: "tty/none", script: "test -t 0; echo in=$?; test -t 1; echo out=$?; [ -t 2 ]; echo err=$?; tty; echo $?; tty -s; echo $?"},
	{name: "tty/exec-t", tty: true, script: "test -t 0; echo in=$?; test -t 1; echo out=$?; test -t 2; echo err=$?; test -t 1 > /tmp/x; echo redir=$?; (test -t 1; echo sub=$?) | cat; (test -t 2; echo stderr-in-pipe=$?) | cat; test -t 0 < /dev/null; echo null=$?; tty; echo $?; echo err >&2"},
	{name: "tty/piped", tty: true, script: "test -t 0 </dev/null; echo $?; echo x | tty; echo $?"},

	// text
	{name: "cut/space", script: `echo 'a b c' | cut -d" " -f2; echo 'a b c' | cut -d ' ' -f 2-; echo 'a  b' | cut -d' ' -f1,3`},
	{name: "cut/fields", script: `printf 'x:y:z\nonly\n1:2\n' | cut -d: -f1,3; printf 'x:y:z\nonly\n' | cut -s -d: -f2; printf 'a\tb\tc\n' | cut -f2-`},
	{name: "cut/chars", script: `echo abcdef | cut -c1-3; echo abcdef | cut -c2,4-; echo abcdef | cut -c-2; echo abcdef | cut -b 5; echo grüße | cut -c3-4 | od -An -c`},
	{name: "cut/errors", script: `cut; echo $?; echo a | cut -f0; echo $?; echo a | cut -d:: -f1; echo $?; cut -f1 /nope; echo $?`},
	{name: "cut/output-delimiter-and-runs", script: `echo a:b:c:d | cut -d: -O- -f2,3; echo 'a  b   c' | cut -F2; echo ' a  b   c' | cut -F 1,3`},
	{name: "sed/substitute", script: `echo hello | sed 's/l/L/g'; echo hello | sed 's/l/L/'; echo hello | sed s/l/L/2; echo 'a/b' | sed 's|/|_|'; echo aaa | sed 's/a*/X/'; echo abc | sed 's/\(b\)/[\1]/'; echo abc | sed -E 's/(a)(b)/\2\1/'; echo abc | sed 's/b/&&/'`},
	{name: "sed/print-delete", script: `printf '1\n2\n3\n4\n' | sed -n 2p; printf '1\n2\n3\n' | sed 2d; printf '1\n2\n3\n4\n' | sed -n '2,3p'; printf 'a\nb\nc\n' | sed -n '/b/p'; printf 'a\nb\nc\n' | sed '/b/d'; printf 'a\nb\n' | sed -n '$p'; printf 'a\nb\nc\n' | sed '1!d'`},
	{name: "sed/multiple", script: `echo abc | sed -e s/a/A/ -e s/c/C/; echo abc | sed 's/a/1/;s/b/2/'; printf 'x\ny\n' | sed -e '1i\' -e 'top' ; printf 'x\ny\n' | sed '$a end'; printf 'x\ny\n' | sed '1i start'; printf 'x\ny\n' | sed 'y/xy/XY/'; printf 'a\nb\n' | sed = ; printf 'a b\n' | sed 's/ /\n/'`},
	{name: "sed/in-place", script: `printf 'one\ntwo\n' > /tmp/f; sed -i 's/one/1/' /tmp/f; cat /tmp/f; sed -i.bak -e '/two/d' /tmp/f; cat /tmp/f /tmp/f.bak; sed -n 'p' /tmp/f /tmp/f`},
	{name: "sed/regex", script: `echo 'foo123bar' | sed 's/[0-9]\+/N/'; echo 'foo123bar' | sed -E 's/[0-9]+/N/'; echo 'a.b.c' | sed 's/\./-/g'; echo 'key = value' | sed 's/^\([^ ]*\) *= *\(.*\)$/\2=\1/'; echo AbC | sed 's/b/x/I'; echo 'x' | sed 's/x/a\tb/'`},
	{name: "sed/errors", script: `echo a | sed 's/a/b'; echo $?; echo a | sed 'k'; echo $?; sed p /nope; echo $?`},
	{name: "sed/quit-and-ranges", script: `seq 10 | sed 3q; seq 10 | sed -n '/4/,/6/p'; seq 5 | sed -n '2,$p'; seq 6 | sed -n '1~2p'; seq 3 | sed 'n;d'`},
	{name: "awk/fields", script: `echo 'a b c' | awk '{print $2, NF}'; echo a,b | awk -F, '{print $2}'; echo 'a:b:c' | awk -F: '{print $NF; print $(NF-1)}'; echo '  x   y  ' | awk '{print $1 "-" $2}'; printf 'k v\n' | awk '{print $0}'`},
	{name: "awk/begin-end", script: `awk 'BEGIN{print 1+1}'; printf '1\n2\n3\n' | awk '{s+=$1} END{print s, NR}'; printf 'a\nb\n' | awk 'END{print NR}'; awk 'BEGIN { x = 7; y = x / 2; print y, x % 3, -x, x-- , --x, x++ + 1 }'`},
	{name: "awk/patterns", script: `printf 'a 1\nb 2\nc 3\n' | awk '$2 > 1'; printf 'a 1\nb 2\n' | awk '/b/{print $1}'; printf 'x\ny\nz\n' | awk 'NR==2'; printf 'x\ny\n' | awk 'NR>1{print}'; printf 'a 1\nb 2\n' | awk '$1=="a"{print $2}'; printf 'ab\ncd\n' | awk '!/a/'`},
	{name: "awk/printf", script: `echo 3.14159 | awk '{printf "%.2f\n", $1}'; awk 'BEGIN{printf "%5s|%-5s|%03d|%x|%c|%e\n", "ab", "cd", 7, 255, 65, 12345.678}'; echo 'a b' | awk '{printf("%s-%s\n", $2, $1)}'`},
	{name: "awk/vars-and-functions", script: `awk -v n=3 'BEGIN{print n*2}'; echo 'Hello World' | awk '{print length($0), toupper($1), tolower($2), substr($1,2,3), index($0,"World")}'; echo 'a-b-c' | awk '{n=split($0,p,"-"); print n, p[1], p[3]}'; echo 'foo bar' | awk '{sub(/o+/,"0"); gsub(/a/,"A"); print}'; awk 'BEGIN{OFS="-"} {$1=$1; print}' <<EOF
x y z
EOF`},
	{name: "awk/control", script: `awk 'BEGIN{for(i=1;i<=3;i++) printf "%d ", i; print ""; i=0; while(i<2){print "w" i; i++}; if (1>2) print "no"; else print "yes"}'; printf 'a\nb\na\n' | awk '{c[$1]++} END{for(k in c) n++; print n, c["a"]}'; echo 5 | awk '{print ($1 > 3 ? "big" : "small")}'`},
	{name: "awk/ofs-and-concat", script: `echo 'a b c' | awk -v OFS=: '{print $1,$3}'; echo 'a b' | awk '{print $1 $2}'; echo '1 2' | awk '{print $1+$2, $1 $2, $1 - $2}'; echo x | awk '{print NR": "$0}'; awk 'BEGIN{print 1==1, "a"<"b", 10<9, "10"<"9"}'`},
	{name: "awk/errors", script: `awk; echo $?; awk '{print' ; echo $?; awk '{print}' /nope; echo $?`},
	{name: "xargs/basic", script: `echo 'a b c' | xargs -n1; echo 'a b c' | xargs echo x; printf 'a\nb\n' | xargs -I{} echo '<{}>'; printf '1 2 3 4 5\n' | xargs -n 2 echo; printf '' | xargs echo empty; printf '' | xargs -r echo none; printf 'a\0b\0' | xargs -0 echo`},
	{name: "xargs/exit", script: `echo a | xargs false; echo $?; echo a | xargs nosuch; echo $?; echo a | xargs sh -c 'exit 255'; echo $?`},
	{name: "rev", script: `echo abc | rev; printf 'ab\ncd' | rev; echo; echo grüße | rev`},

	// data
	{name: "sum/md5-sha", script: `echo hi | md5sum; echo hi | sha1sum; echo hi | sha256sum; echo hi | sha512sum; printf '' | md5sum`},
	{name: "sum/files-check", script: `echo a > /tmp/a; echo b > /tmp/b; md5sum /tmp/a /tmp/b; md5sum /tmp/a > /tmp/sums; md5sum -c /tmp/sums; echo x > /tmp/a; md5sum -c /tmp/sums; echo $?; md5sum /nope; echo $?; sha256sum /tmp/b | cut -c1-8`},
	{name: "base64", script: `echo hi | base64; echo aGkK | base64 -d; printf 'any carnal pleasure.' | base64; head -c 100 /dev/zero | base64; echo '!!' | base64 -d; echo $?; printf abc | base64 -w 2`},
	{name: "od", script: `printf 'abc' | od -An -tx1; printf 'abc\n\001' | od -c; printf 'abcd' | od -x; printf 'hello world, this is od\n' | od -c; printf 'ab' | od -b; printf 'a' | od`},
	{name: "dd", script: `dd if=/dev/zero bs=1 count=3 2>/dev/null | wc -c; dd if=/dev/zero bs=1k count=2 | wc -c; echo hello | dd bs=2 count=1 2>/dev/null; echo; echo hello > /tmp/i; dd if=/tmp/i of=/tmp/o bs=1 skip=1 count=3; cat /tmp/o; echo; dd if=/nope; echo $?`},
	{name: "expr", script: `expr 6 \* 7; expr 1 + 2; expr 7 / 2; expr 7 % 3; expr 3 \> 2; expr abc : 'a\(.\)'; expr length hello; expr substr hello 2 3; expr index hello l; expr 0; echo $?; expr a = a; expr 1 / 0; echo $?; expr; echo $?; expr 1 +; echo $?`},
	{name: "printf/numbers", script: `printf '%05.1f|%-4s|%x\n' 3.14159 ab 255; printf '%f %e %g %.3g\n' 1.5 1.5 0.0001 3.14159; printf '%d %i %5.2d %+d % d\n' 42 -3 7 5 5; printf '%o %X %#x %#o\n' 8 255 255 8; printf '%s\n' a b c; printf '%c%c\n' hello world; printf '%b\n' 'a\tb'; printf '%%\n'`},
	{name: "printf/errors", script: `printf '%d\n' abc; echo $?; printf '%d\n' 3.5; echo $?; printf; echo $?; printf '%z\n' 1; echo $?; printf '%s %s\n' a; printf '%5s|\n' grüß`},
	{name: "date", script: `date -u -d @0 +%Y-%m-%d; date -u -d @86400; date -u -d @1700000000 '+%F %T %Z %s %j %a %b %e %H:%M'; date -d @0 -u +%s; date -u -d '2024-01-02 03:04:05' +%s; date -u -d 2024-01-02 '+%F'; date +%Y | wc -c; date -d garbage; echo $?`},
	{name: "stat", script: `echo hello > /tmp/f; stat -c '%s %F %n %a %A %U %G %u %g' /tmp/f; stat -c '%F %a' /tmp; ln -s /tmp/f /tmp/l; stat -c '%F %N' /tmp/l; stat -L -c %F /tmp/l; stat -c %s /nope; echo $?; mkdir /tmp/d; chmod 750 /tmp/d; stat -c '%a %A' /tmp/d`},
	{name: "df", script: `df / | head -n1; df -h / | head -n1; df -k /tmp >/dev/null; echo $?; df /nope; echo $?`},
	{name: "usleep-sleep", script: `usleep 1000; echo ok; sleep 0.01; echo slept; usleep; echo $?`},
	{name: "timeout", script: `timeout 1 sleep 5; echo $?; timeout 2 true; echo $?; timeout 1 false; echo $?; timeout -s KILL 1 sleep 5; echo $?; timeout 1 nosuch; echo $?`, masks: []string{}},
	{name: "kill", script: `kill -0 1; echo $?; kill -0 $$; echo $?; kill -0 99999; echo $?; sleep 10 & kill $!; wait $!; echo $?; sleep 10 & kill -9 $!; wait $!; echo $?; kill -l 15; kill -l TERM`},
	{name: "test-and-brackets", script: `[ -t ]; echo $?; test -t 9; echo $?; test -t x; echo $?`},
	{name: "wget/refused", script: `wget -q -O- http://127.0.0.1:1/; echo $?; wget http://127.0.0.1:1/x; echo $?; wget -q -O /dev/null http://nosuch.invalid/; echo $?`},
	{name: "ping/loopback", script: `ping -c1 127.0.0.1`, masks: []string{`time=[0-9.]+ ms`, `min/avg/max = [0-9./]+ ms`}},
	{name: "ping/localhost-count", script: `ping -c 2 -i 0.2 localhost; echo $?`, masks: []string{`time=[0-9.]+ ms`, `min/avg/max = [0-9./]+ ms`}},
	{name: "ping/own-hostname", script: `ping -c1 golden; ping -c1 -q golden; ping -c1 -W1 nosuch.invalid; echo $?`, masks: []string{ipMask, `time=[0-9.]+ ms`, `min/avg/max = [0-9./]+ ms`}},
	{name: "grep/patterns", script: `printf 'HOSTNAME=x\nHOME=/\nPATH=/bin\nhome=lc\n' > /tmp/e; grep -v -e ^HOSTNAME= -e ^HOME= /tmp/e; grep -e ^HOME= -e ^PATH= /tmp/e; grep -c -e HOME -e PATH /tmp/e; grep -vc -e HOME -e PATH /tmp/e; grep -q -e nope -e PATH /tmp/e; echo $?; grep -q -v -e . /tmp/e; echo $?; grep -e "$(printf 'PATH\nhome')" /tmp/e; grep -n -i -e home -e path /tmp/e; printf 'HOME\n^PATH\n' > /tmp/p; grep -f /tmp/p /tmp/e; grep -v -f /tmp/p -e lc /tmp/e`},
	{name: "grep/modes", script: `printf 'ab\nabc\na.c\nx ab y\nAB\n' > /tmp/m; grep -x -e ab -e abc /tmp/m; grep -w -e ab -e a.c /tmp/m; grep -F -e a.c -e AB /tmp/m; grep -Fx -e ab -e 'a.c' /tmp/m; grep -E -e 'b+c$' -e '^A' /tmp/m; grep -vix -e ab -e abc /tmp/m; grep -Fiw -e ab /tmp/m; grep -cF -e '' /tmp/m; grep -e 'a\(b' /tmp/m; echo $?; grep -E -e 'a(' -e b /tmp/m; echo $?; grep -e; echo $?; grep -f /nope x /tmp/m; echo $?`},
	{name: "ping/errors", script: `ping; echo $?; ping -c x 127.0.0.1; echo $?; ping -c1 a b; echo $?; ping -c1 ip6-localhost; echo $?; ping -c1 -W1 10.255.255.1; echo $?; ping -c1 -q -s 100 127.1; ping -c 2 -w 0.3 -i 0.2 LOCALHOST | tail -n 3`, masks: []string{`time=[0-9.]+ ms`, `min/avg/max = [0-9./]+ ms`}},
	{name: "ps/default", script: `ps | head -n1; ps -o pid,comm | head -n1; ps -o comm,args | head -n 1; ps -o time`},
	{name: "wget/usage", script: `wget; echo $?; wget -q -O; echo $?; wget -qO- http://localhost:9/x; echo $?`},
	{name: "ping/gateway-and-own-address", script: `ping -c1 -W1 172.17.0.1 | sed -n 4p; ping -c1 -W1 "$(hostname -i)" | sed -n 4p`},
	{name: "ip/addr", script: `ip addr; ip a; ip addr show eth0; ip addr show dev lo; ip -4 a s eth0; ip -6 addr; echo $?`, masks: netMasks},
	{name: "ip/oneline-family", script: `ip -o addr; ip -o -4 addr; ip -oneline link; ip -f inet addr; ip -o -f link addr; ip -0 addr show lo; ip addr show up; ip a s to 172.17.0.0/16; ip a s to 10.0.0.0/8; echo $?`, masks: netMasks},
	{name: "ip/link-route", script: `ip link; ip link show eth0; ip link show dev lo; ip route; ip r; ip -4 route; ip ro show; ip route list dev eth0; ip -6 route; echo $?`, masks: netMasks},
	{name: "ip/errors", script: `ip addr show nosuch; echo $?; ip link show nosuch; echo $?; ip route show dev nosuch; echo $?; ip foo; echo $?; ip; echo $?; ip -s link; echo $?; ip addr show dev; echo $?; ip addr show eth0 lo; echo $?; ip -f bogus addr; echo $?; ip addr add 10.1.1.1/24 dev eth0; echo $?; ip link set eth0 down; echo $?; ip route add 10.9.0.0/16 dev eth0; echo $?`, masks: netMasks},
	{name: "net/route", script: `route; route -n; cat /proc/net/route; route add default gw 10.0.0.1; echo $?`, masks: netMasks},
	{name: "net/ifconfig-hostname", script: `ifconfig; ifconfig -a | head -n 2; ifconfig lo; ifconfig nosuch; echo $?; hostname -i; echo $?`, masks: netMasks},
	{todo: true, name: "top/batch", script: `top -b -n1 | head -n1 | cut -c1-4; top -b -n 1 >/dev/null; echo rc=$?; top -b -n1 | sed -n 4p`},
}

// goldenFS is a filesystem like the real test container's: busybox's links
// in /bin, the /etc files docker writes, an empty /tmp.
func goldenFS(t testing.TB) *memfs.FS {
	t.Helper()
	f := memfs.New()
	require.NoError(t, InstallBusybox(f))
	require.NoError(t, f.MkdirAll("/etc", 0o755))
	require.NoError(t, f.MkdirAll("/tmp", 0o777))
	require.NoError(t, f.Chmod("/tmp", fs.ModeSticky|0o777))
	require.NoError(t, f.WriteFile("/etc/hostname", []byte(goldenHostname+"\n"), 0o644))
	require.NoError(t, f.WriteFile("/etc/hosts", []byte("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"+goldenIP+"\t"+goldenHostname+"\n"), 0o644))
	require.NoError(t, f.WriteFile("/etc/resolv.conf", []byte("nameserver 10.255.255.53\n"), 0o644))
	require.NoError(t, f.MkdirAll("/proc/net", 0o555))
	require.NoError(t, f.WriteFile("/proc/net/route", []byte(ProcNetRoute(goldenNet().Interfaces())), 0o444))
	return f
}

// goldenNet is the network of the real test container: lo and eth0 on
// the default bridge (its address, MAC and numbers are masked).
func goldenNet() *Net {
	return NewNet(Loopback(), Interface{
		Name: "eth0", Index: 10, Link: 11, MAC: "02:42:ac:11:00:02", MTU: 1500,
		Addrs: []netip.Prefix{netip.MustParsePrefix(goldenIP + "/16")}, Gateway: netip.MustParseAddr("172.17.0.1"),
	})
}

// goldenEnv is what docker exec gives a process of an image without Env.
func goldenEnv(tty bool) []string {
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=" + goldenHostname, "HOME=/"}
	if tty {
		env = append(env, "TERM=xterm")
	}
	return env
}

func runGolden(t *testing.T, c goldenCase) goldenResult {
	t.Helper()
	var out, errb syncBuffer
	cfg := Config{
		FS: goldenFS(t), Env: goldenEnv(c.tty), Hostname: goldenHostname,
		Stdin: strings.NewReader(c.stdin), Stdout: &out, Stderr: &errb,
		TTY: c.tty, Net: goldenNet(),
	}
	if c.tty {
		cfg.Stderr = &out
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	p := Start(ctx, []string{"sh", "-c", c.script}, cfg)
	code := p.Wait()
	return goldenResult{out.String(), errb.String(), code}
}

func mask(c goldenCase, s string) string {
	for _, m := range c.masks {
		s = regexp.MustCompile(m).ReplaceAllString(s, "<m>")
	}
	return s
}

func TestBusyboxGolden(t *testing.T) {
	if *update {
		updateGolden(t)
	}
	data, err := os.ReadFile(goldenFile)
	require.NoError(t, err, "run testdata/update-busybox-golden.sh")
	var golden map[string]goldenResult
	require.NoError(t, json.Unmarshal(data, &golden))
	for _, c := range goldenCases {
		if c.todo {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			want, ok := golden[c.name]
			require.True(t, ok, "no golden result for %s: run testdata/update-busybox-golden.sh", c.name)
			got := runGolden(t, c)
			assert.Equal(t, mask(c, want.Stdout), mask(c, got.Stdout), "stdout of %q", c.script)
			assert.Equal(t, mask(c, want.Stderr), mask(c, got.Stderr), "stderr of %q", c.script)
			assert.Equal(t, want.Exit, got.Exit, "exit status of %q", c.script)
		})
	}
}

// updateGolden runs every case in one container of the real image and
// rewrites the golden file.
func updateGolden(t *testing.T) {
	host := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
	if host == "" {
		t.Log("-update: DOCKWIRE_REAL_DOCKER_HOST is not set; comparing with the golden file as it is")
		return
	}
	docker := func(ctx context.Context, stdin string, args ...string) (string, string, int, error) {
		cmd := exec.CommandContext(ctx, "docker", args...)
		cmd.Env = append(os.Environ(), "DOCKER_HOST="+host)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.String(), errb.String(), ee.ExitCode(), nil
		}
		return out.String(), errb.String(), 0, err
	}
	ctx := t.Context()
	name := fmt.Sprintf("dockwire-golden-%d", os.Getpid())
	_, stderr, code, err := docker(ctx, "", "run", "-d", "--name", name, "--hostname", goldenHostname, goldenImage, "sleep", "3600")
	require.NoError(t, err)
	require.Zero(t, code, "docker run: %s", stderr)
	defer func() { _, _, _, _ = docker(context.WithoutCancel(ctx), "", "rm", "-f", name) }()
	golden := map[string]goldenResult{}
	for _, c := range goldenCases {
		_, stderr, code, err := docker(ctx, "", "exec", name, "sh", "-c", "rm -rf /tmp/* /tmp/.[!.]*")
		require.NoError(t, err)
		require.Zero(t, code, "cleaning /tmp: %s", stderr)
		args := []string{"exec", "-i", name, "sh", "-c", c.script}
		if c.tty {
			args = []string{"exec", "-t", name, "sh", "-c", c.script}
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		out, errOut, code, err := docker(cctx, c.stdin, args...)
		cancel()
		require.NoError(t, err, "case %s", c.name)
		if c.tty {
			out = strings.ReplaceAll(out, "\r\n", "\n") // the terminal's ONLCR, not the shell's
		}
		golden[c.name] = goldenResult{out, errOut, code}
	}
	data, err := json.MarshalIndent(golden, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(goldenFile, append(data, '\n'), 0o644))
	t.Logf("-update: wrote %d cases to %s", len(golden), goldenFile)
}
