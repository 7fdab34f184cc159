package differential

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// A normaliser rewrites what one daemon said while it ran one sequence so
// that it can be compared with what the other said: every id becomes a
// placeholder named by first appearance (<c> for an id saved as {{c}},
// <id1>, <id2>... for the others, <c:12> for a short form), times become
// <time>, durations <dur>, addresses the sequence did not ask for <ip> and
// <mac>, and the daemon's own identity (version, data root, host name)
// <server-version>, <root>, <host>. Both daemons' normalisers see their
// answers in the same order, so the same object gets the same placeholder
// on both sides.
type normaliser struct {
	// exact are literal strings replaced first, longest first.
	exact []replacement
	// whole are the identity strings too short to be replaced inside
	// others (a host name "vm"), replaced where they are a whole value.
	whole map[string]string
	ids   map[string]string // 64-hex id -> placeholder
	short map[string]string // 12-hex id with no known long form -> placeholder
	swarm map[string]string // 25-char swarm id -> placeholder
	n     int
	// supplied holds every IPv4 and MAC address the requests named: their
	// values were asked for, so they are compared.
	supplied map[string]bool
}

type replacement struct{ from, to string }

// newNormaliser starts a normaliser with the daemon's identity strings
// (from /info), each mapped to its placeholder, and the run's id as <run>.
func newNormaliser(identity map[string]string, run string) *normaliser {
	n := &normaliser{ids: map[string]string{}, short: map[string]string{}, swarm: map[string]string{}, supplied: map[string]bool{}, whole: map[string]string{}}
	if run != "" {
		n.addExact(run, "<run>") // in names and label values
	}
	for from, to := range identity {
		switch {
		case isHexID(from, 64):
			n.ids[from] = to
		case len(from) < 4 && from != "":
			n.whole[from] = to
		default:
			n.addExact(from, to)
		}
	}
	return n
}

func (n *normaliser) addExact(from, to string) {
	if len(from) < 4 {
		return
	}
	for _, r := range n.exact {
		if r.from == from {
			return
		}
	}
	n.exact = append(n.exact, replacement{from, to})
	sort.SliceStable(n.exact, func(i, j int) bool { return len(n.exact[i].from) > len(n.exact[j].from) })
}

// saved records that variable name holds value on this daemon: the value
// prints as <name> from now on.
func (n *normaliser) saved(name, value string) {
	switch {
	case isHexID(value, 64):
		if _, seen := n.ids[value]; !seen {
			n.ids[value] = "<" + name + ">"
		}
	case strings.HasPrefix(value, "sha256:") && isHexID(value[7:], 64):
		if _, seen := n.ids[value[7:]]; !seen {
			n.ids[value[7:]] = "<" + name + ">"
		}
	case isSwarmID(value):
		if _, seen := n.swarm[value]; !seen {
			n.swarm[value] = "<" + name + ">"
		}
	case len(value) >= 8 && strings.Trim(value, "0123456789") != "":
		n.addExact(value, "<"+name+">")
	}
}

// request notes the addresses a request named.
func (n *normaliser) request(r *request) {
	for _, text := range []string{r.target, string(r.body)} {
		for _, m := range ipv4.FindAllString(text, -1) {
			n.supplied[m] = true
		}
		for _, m := range mac.FindAllString(strings.ToLower(text), -1) {
			n.supplied[m] = true
		}
	}
}

var (
	longHex  = regexp.MustCompile(`[0-9a-f]{64}`)
	shortHex = regexp.MustCompile(`\b[0-9a-f]{12}\b`)
	swarmID  = regexp.MustCompile(`\b[0-9a-z]{25}\b`)
	rfc3339  = regexp.MustCompile(`\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	duration = regexp.MustCompile(`\b(Less than a second|About an? (minute|hour)|\d+ (second|minute|hour|day|week|month|year)s?)\b`)
	ipv4     = regexp.MustCompile(`\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b`)
	mac      = regexp.MustCompile(`\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b`)
	swarmTok = regexp.MustCompile(`\b(SWMTKN|SWMKEY)-1-[0-9A-Za-z+/=-]+`)
	pemBlock = regexp.MustCompile(`-----BEGIN ([A-Z ]+)-----\n[0-9A-Za-z+/=\n]+-----END ([A-Z ]+)-----`)
	zeroTime = "0001-01-01T00:00:00Z"
	// keyMaterial are the keys whose values are a key of the daemon's own
	// (base64 DER), compared by presence only.
	keyMaterial = map[string]bool{"CertIssuerPublicKey": true}
	fixedIPv4   = map[string]bool{"127.0.0.1": true, "0.0.0.0": true, "127.0.0.11": true, "255.255.255.255": true}
)

func isHexID(s string, n int) bool {
	if len(s) != n {
		return false
	}
	letter := false
	for _, c := range []byte(s) {
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f':
			letter = true
		default:
			return false
		}
	}
	return letter
}

// isSwarmID reports whether s looks like a swarm object id: 25 characters
// of [0-9a-z] with both digits and letters.
func isSwarmID(s string) bool {
	if len(s) != 25 {
		return false
	}
	digit, letter := false, false
	for _, c := range []byte(s) {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z':
			letter = true
		default:
			return false
		}
	}
	return digit && letter
}

// str normalises one string found outside any JSON object key.
func (n *normaliser) str(s string) string { return n.strAt(s, "") }

// strAt normalises one string found under the JSON key key. An id first
// seen there is named after the key (<NetworkID>, <EndpointID#2>): an id
// one daemon has and the other lacks then shifts no other placeholder.
func (n *normaliser) strAt(s, key string) string {
	if ph, ok := n.whole[s]; ok {
		return ph
	}
	for _, r := range n.exact {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	s = swarmTok.ReplaceAllString(s, "$1-1-<secret>")
	// Certificates and keys are made afresh by each daemon (a swarm's CA).
	s = pemBlock.ReplaceAllString(s, "-----BEGIN $1-----<secret>-----END $2-----")
	if keyMaterial[key] {
		return "<secret>"
	}
	s = longHex.ReplaceAllStringFunc(s, func(m string) string {
		if !isHexID(m, 64) {
			return m
		}
		return n.id(m, key)
	})
	s = shortHex.ReplaceAllStringFunc(s, func(m string) string {
		for full, ph := range n.ids {
			if strings.HasPrefix(full, m) {
				return strings.TrimSuffix(ph, ">") + ":12>"
			}
		}
		return n.numbered(n.short, "short", m)
	})
	s = swarmID.ReplaceAllStringFunc(s, func(m string) string {
		if !isSwarmID(m) {
			return m
		}
		return n.numbered(n.swarm, "sw", m)
	})
	s = rfc3339.ReplaceAllStringFunc(s, func(m string) string {
		if m == zeroTime {
			return m
		}
		return "<time>"
	})
	s = duration.ReplaceAllString(s, "<dur>")
	s = ipv4.ReplaceAllStringFunc(s, func(m string) string {
		if fixedIPv4[m] || n.supplied[m] {
			return m
		}
		return "<ip>"
	})
	s = mac.ReplaceAllStringFunc(s, func(m string) string {
		if n.supplied[m] {
			return m
		}
		return "<mac>"
	})
	return s
}

// numbered returns the placeholder of m in table, giving the next number
// to one not seen yet: <short3>, <sw4>.
func (n *normaliser) numbered(table map[string]string, prefix, m string) string {
	if ph, ok := table[m]; ok {
		return ph
	}
	n.n++
	table[m] = fmt.Sprintf("<%s%d>", prefix, n.n)
	return table[m]
}

// id returns the placeholder of a 64-hex id, giving one to an id not seen
// yet: named after key when there is one, numbered otherwise.
func (n *normaliser) id(hex, key string) string {
	if ph, ok := n.ids[hex]; ok {
		return ph
	}
	if key == "" || !plainKey.MatchString(key) {
		return n.numbered(n.ids, "id", hex)
	}
	ph := "<" + key + ">"
	for i := 2; n.used(ph); i++ {
		ph = fmt.Sprintf("<%s#%d>", key, i)
	}
	n.ids[hex] = ph
	return ph
}

func (n *normaliser) used(ph string) bool {
	for _, p := range n.ids {
		if p == ph {
			return true
		}
	}
	return false
}

// unorderedLists are the keys of the lists dockerd fills from a Go map:
// their order is random.
var unorderedLists = map[string]bool{"Mounts": true, "Ports": true}

// value normalises a decoded JSON value (strings, keys of objects), in
// place for maps and slices; it returns the new value.
func (n *normaliser) value(v any) any { return n.valueAt(v, "") }

func (n *normaliser) valueAt(v any, key string) any {
	switch c := v.(type) {
	case string:
		return n.strAt(c, key)
	case []any:
		order := make([]int, len(c))
		for i := range c {
			order[i] = i
		}
		if unorderedLists[key] {
			// Placeholders are numbered in an order that does not depend
			// on the list's: dockerd lists a map's values in any order,
			// and the ids they hold must get the same names anyway. Other
			// lists keep their order: their items differ in values (times,
			// sizes) that would sort them differently on each side.
			keys := make([]string, len(c))
			for i := range c {
				keys[i] = longHex.ReplaceAllString(repr(c[i]), "")
			}
			sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
		}
		for _, i := range order {
			c[i] = n.valueAt(c[i], key)
		}
		return c
	case map[string]any:
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys) // placeholders numbered in a stable order
		out := make(map[string]any, len(c))
		for _, k := range keys {
			nk := n.str(k)
			out[nk] = n.valueAt(c[k], k)
		}
		return out
	}
	return v
}
