package differential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Generate returns sequences drawn from seed, the same for the same seed:
// n of containers created with random valid HostConfig, NetworkingConfig
// and Mounts combinations, then inspected (a third of them started too),
// and of networks with random IPAM, some with a container connected; when
// n is not zero, one sequence (alone: it makes a swarm) of n/20 (at least
// one) services whose specs are written with random key casing; n/10
// random walks through a container's lifecycle (genWalk) and n/25 worlds
// listed with random filters (genQueries).
//
// Every request is valid for dockerd 20.10 and stays on the host: the
// test image, loopback and 10.214.0.0/16 subnets.
func Generate(seed uint64, n int) []Sequence {
	r := rand.New(rand.NewPCG(seed, 0x6469666663686b)) // "diffchk"
	var out []Sequence
	for i := range n {
		if i%10 < 7 {
			out = append(out, genContainer(r, i))
		} else {
			out = append(out, genNetwork(r, i))
		}
	}
	if n > 0 {
		out = append(out, genServices(r, max(1, n/20)))
	}
	// The lifecycle walks and the filter queries draw from a stream of
	// their own, so adding them left the sequences above as they were.
	r2 := rand.New(rand.NewPCG(seed, 0x77616c6b)) // "walk"
	for i := range n / 10 {
		out = append(out, genWalk(r2, i))
	}
	for i := range n / 25 {
		out = append(out, genQueries(r2, i))
	}
	return out
}

// labelsMark stands for {{labels}} in a generated body until it is
// marshalled: the placeholder is an object, not a JSON string.
const labelsMark = "\x00labels\x00"

// body marshals v, then puts {{labels}} where labelsMark was.
func body(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("differential: generated body: " + err.Error()) // only our own values reach here
	}
	s := strings.TrimSuffix(b.String(), "\n")
	return strings.ReplaceAll(s, `"\u0000labels\u0000"`, "{{labels}}")
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// subset returns each of xs with probability p, in order.
func subset[T any](r *rand.Rand, p float64, xs ...T) []T {
	var out []T
	for _, x := range xs {
		if chance(r, p) {
			out = append(out, x)
		}
	}
	return out
}

func step(method, path, b string, save ...string) Step {
	s := Step{Method: method, Path: path, Body: b}
	for i := 0; i+1 < len(save); i += 2 {
		s.Save = append(s.Save, Capture{Var: save[i], Path: save[i+1]})
	}
	return s
}

// probeScript is what a started generated container runs: what it sees of
// its configuration, every line deterministic on a faithful daemon (its
// /etc/hosts sorted by name: addresses are given first-free, so their
// order follows what else ran on the network).
const probeScript = `echo "hostname-length $(hostname | wc -c)"; id; pwd; ` +
	`env | grep -v -e ^HOSTNAME= -e ^HOME= | sort; ` +
	`for d in /h /hro /mb /mbro /mv /named /named2 /anon /anonmount /tm /run/t /vf /vol; do ` +
	`if [ -d $d ]; then if touch $d/probe 2>/dev/null; then echo "$d rw"; else echo "$d ro"; fi; fi; done; ` +
	`grep -E '^(search|options)' /etc/resolv.conf; grep -v -e localhost -e ip6 /etc/hosts | awk '{print $2 "\t" $0}' | sort | cut -f2-; echo done`

// genContainer is one container: create, inspect, maybe start, wait,
// inspect and logs, then remove.
func genContainer(r *rand.Rand, i int) Sequence {
	seq := Sequence{Name: fmt.Sprintf("gen/container/%03d", i), Class: "gen-containers", Source: "gen"}
	started := chance(r, 0.35)
	cfg := map[string]any{"Image": "{{image}}", "Labels": labelsMark}
	host := map[string]any{}
	netMode := pick(r, "", "default", "bridge", "bridge", "none", "host", "user", "user")
	bridged := netMode == "" || netMode == "default" || netMode == "bridge"
	isolated := netMode != "host" && netMode != "none"
	if netMode == "user" {
		sub := fmt.Sprintf("10.214.%d", i%250)
		seq.Steps = append(seq.Steps, step("POST", "/networks/create",
			body(map[string]any{"Name": "{{name}}-net", "Labels": labelsMark, "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": sub + ".0/24"}}}}),
			"n", ".Id"))
		host["NetworkMode"] = "{{name}}-net"
		ep := map[string]any{}
		if chance(r, 0.6) {
			ep["Aliases"] = subset(r, 0.7, "alias-a", "alias-b")
		}
		if chance(r, 0.5) {
			ep["IPAMConfig"] = map[string]any{"IPv4Address": fmt.Sprintf("%s.%d", sub, 10+r.IntN(200))}
		}
		if chance(r, 0.3) {
			ep["DriverOpts"] = map[string]any{"opt": "v"}
		}
		cfg["NetworkingConfig"] = map[string]any{"EndpointsConfig": map[string]any{"{{name}}-net": ep}}
	} else if netMode != "" {
		host["NetworkMode"] = netMode
	}

	// A peer container for links and volumes-from.
	links := bridged && chance(r, 0.2)
	volumesFrom := chance(r, 0.2)
	if links || volumesFrom {
		peer := map[string]any{"Image": "{{image}}", "Cmd": []string{"sleep", "300"}, "Labels": labelsMark, "Volumes": map[string]any{"/vf": map[string]any{}}, "Env": []string{"PEER=1"}}
		seq.Steps = append(seq.Steps, step("POST", "/containers/create?name={{name}}-peer", body(peer), "peer", ".Id"))
		if started {
			seq.Steps = append(seq.Steps, step("POST", "/containers/{{peer}}/start", ""))
		}
		if links {
			host["Links"] = []string{"{{name}}-peer:peer"}
		}
		if volumesFrom {
			host["VolumesFrom"] = []string{pick(r, "{{name}}-peer", "{{name}}-peer:ro", "{{name}}-peer:rw")}
		}
	}

	// Config.
	if started {
		if chance(r, 0.3) {
			cfg["Entrypoint"] = []string{"sh", "-c"}
			cfg["Cmd"] = []string{probeScript}
		} else {
			cfg["Cmd"] = []string{"sh", "-c", probeScript}
		}
	} else {
		cfg["Cmd"] = pick(r, []string{"true"}, []string{"sleep", "300"}, []string{"sh", "-c", "echo hi"})
	}
	if chance(r, 0.4) {
		cfg["Env"] = subset(r, 0.6, "A=1", "B=two words", "EMPTY=", "NOEQUALS", "UTF=grüße", "PATH=/bin:/sbin")
	}
	if chance(r, 0.25) {
		cfg["WorkingDir"] = pick(r, "/tmp", "/work/dir")
	}
	if chance(r, 0.2) {
		cfg["User"] = pick(r, "1000", "1000:1000", "0:0")
	}
	if isolated && chance(r, 0.25) {
		cfg["Hostname"] = fmt.Sprintf("gen-%d", i)
	}
	if chance(r, 0.15) {
		cfg["Domainname"] = "example.test"
	}
	if chance(r, 0.2) {
		cfg["StopSignal"] = pick(r, "SIGUSR1", "SIGTERM", "9")
	}
	if chance(r, 0.2) {
		cfg["StopTimeout"] = 1 + r.IntN(5)
	}
	if chance(r, 0.15) {
		cfg["Healthcheck"] = map[string]any{"Test": pick(r, []string{"CMD", "true"}, []string{"CMD-SHELL", "exit 0"}, []string{"NONE"}), "Interval": 1000000000 * (1 + r.IntN(5)), "Retries": 1 + r.IntN(3)}
	}
	if chance(r, 0.2) {
		cfg["Volumes"] = map[string]any{"/vol": map[string]any{}}
	}
	if chance(r, 0.15) {
		cfg["Tty"] = true
	}
	if chance(r, 0.15) {
		cfg["OpenStdin"] = true
	}
	ports := false
	if isolated && chance(r, 0.3) {
		ports = true
		cfg["ExposedPorts"] = map[string]any{"80/tcp": map[string]any{}, "53/udp": map[string]any{}}
	}
	if isolated && netMode != "user" && chance(r, 0.15) && !started {
		cfg["MacAddress"] = fmt.Sprintf("02:42:ac:11:%02x:%02x", r.IntN(256), r.IntN(256))
	}

	// Mounts of every kind, each at its own target.
	if binds := subset(r, 0.25, "{{hostdir}}:/h", "{{hostdir}}:/hro:ro", "/anon", "{{name}}-vol:/named", "{{name}}-vol2:/named2:ro"); binds != nil {
		host["Binds"] = binds
	}
	var mounts []any
	if chance(r, 0.25) {
		mounts = append(mounts, map[string]any{"Type": "bind", "Source": "{{hostdir}}", "Target": "/mb"})
	}
	if chance(r, 0.2) {
		mounts = append(mounts, map[string]any{"Type": "bind", "Source": "{{hostdir}}", "Target": "/mbro", "ReadOnly": true, "BindOptions": map[string]any{"Propagation": pick(r, "rprivate", "private")}})
	}
	if chance(r, 0.25) {
		vo := map[string]any{"Labels": labelsMark}
		if chance(r, 0.4) {
			vo["NoCopy"] = true
		}
		mounts = append(mounts, map[string]any{"Type": "volume", "Source": "{{name}}-mv", "Target": "/mv", "VolumeOptions": vo})
	}
	if chance(r, 0.15) {
		mounts = append(mounts, map[string]any{"Type": "volume", "Target": "/anonmount"})
	}
	if chance(r, 0.2) {
		mounts = append(mounts, map[string]any{"Type": "tmpfs", "Target": "/tm", "TmpfsOptions": map[string]any{"SizeBytes": 1 << 20, "Mode": 01777}})
	}
	if mounts != nil {
		host["Mounts"] = mounts
	}
	if chance(r, 0.15) {
		host["Tmpfs"] = map[string]any{"/run/t": "rw,size=1m"}
	}

	// Ports, restart, resources, security, logging.
	if ports && chance(r, 0.6) {
		host["PortBindings"] = map[string]any{"80/tcp": []any{map[string]any{"HostIp": "127.0.0.1", "HostPort": ""}}}
	}
	if ports && chance(r, 0.2) {
		host["PublishAllPorts"] = true
	}
	if started {
		if chance(r, 0.3) {
			host["RestartPolicy"] = pick(r, map[string]any{"Name": "no"}, map[string]any{"Name": "on-failure", "MaximumRetryCount": 2})
		}
	} else if chance(r, 0.3) {
		host["RestartPolicy"] = pick(r, map[string]any{"Name": "no"}, map[string]any{"Name": "always"}, map[string]any{"Name": "unless-stopped"}, map[string]any{"Name": "on-failure", "MaximumRetryCount": 3})
	} else if chance(r, 0.1) {
		host["AutoRemove"] = true
	}
	if chance(r, 0.2) {
		host["Memory"] = 64 << 20
		if chance(r, 0.5) {
			host["MemoryReservation"] = 32 << 20
		}
	}
	if chance(r, 0.15) {
		host["CpuShares"] = pick(r, 256, 512, 1024)
	}
	if chance(r, 0.15) {
		host["NanoCpus"] = pick(r, 500000000, 1000000000)
	} else if chance(r, 0.1) {
		host["CpuPeriod"], host["CpuQuota"] = 100000, 50000
	}
	if chance(r, 0.1) {
		host["CpusetCpus"] = pick(r, "0", "0-1")
	}
	if chance(r, 0.15) {
		host["PidsLimit"] = 64
	}
	if chance(r, 0.15) {
		host["CapAdd"] = subset(r, 0.7, "NET_ADMIN", "SYS_PTRACE")
	}
	if chance(r, 0.15) {
		host["CapDrop"] = []string{"MKNOD"}
	}
	if isolated && chance(r, 0.15) {
		host["Dns"] = []string{"192.0.2.53"}
		host["DnsSearch"] = []string{"example.test"}
		host["DnsOptions"] = []string{"ndots:2"}
	}
	if isolated && chance(r, 0.2) {
		host["ExtraHosts"] = []string{"gen-extra:127.0.0.2"}
	}
	if chance(r, 0.15) {
		host["Init"] = true
	}
	if chance(r, 0.1) {
		host["ReadonlyRootfs"] = true
	}
	if chance(r, 0.1) {
		host["ShmSize"] = 128 << 20
	}
	if isolated && chance(r, 0.1) {
		host["Sysctls"] = map[string]any{"net.ipv4.ip_unprivileged_port_start": "0"}
	}
	if chance(r, 0.1) {
		host["SecurityOpt"] = []string{"no-new-privileges"}
	}
	if chance(r, 0.1) {
		host["Ulimits"] = []any{map[string]any{"Name": "nofile", "Soft": 1024, "Hard": 2048}}
	}
	if chance(r, 0.15) {
		host["LogConfig"] = pick(r, map[string]any{"Type": "json-file", "Config": map[string]any{"max-size": "1m", "max-file": "2"}}, map[string]any{"Type": "none", "Config": map[string]any{}})
	}
	if chance(r, 0.1) {
		host["OomScoreAdj"] = 100
	}
	if chance(r, 0.1) {
		host["GroupAdd"] = []string{"1234"}
	}
	if chance(r, 0.1) {
		host["IpcMode"] = pick(r, "private", "shareable")
	}
	if len(host) > 0 {
		cfg["HostConfig"] = host
	}
	seq.Steps = append(seq.Steps,
		step("POST", "/containers/create?name={{name}}", body(cfg), "c", ".Id"),
		step("GET", "/containers/{{c}}/json", ""))
	if started {
		seq.Steps = append(seq.Steps,
			step("POST", "/containers/{{c}}/start", ""),
			step("POST", "/containers/{{c}}/wait", ""),
			step("GET", "/containers/{{c}}/json", ""),
			step("GET", "/containers/{{c}}/logs?stdout=1&stderr=1", ""))
	}
	if chance(r, 0.25) {
		seq.Steps = append(seq.Steps, step("GET", `/containers/json?all=1&filters={"label":["{{label}}"],"name":["{{name}}"]}`, ""))
	}
	seq.Steps = append(seq.Steps, step("DELETE", "/containers/{{c}}?v=1&force=1", ""))
	if netMode == "user" {
		seq.Steps = append(seq.Steps, step("DELETE", "/networks/{{n}}", ""))
	}
	return seq
}

// genNetwork is one network with random options and IPAM: create, inspect,
// list, and for some a container connected with random endpoint settings.
func genNetwork(r *rand.Rand, i int) Sequence {
	seq := Sequence{Name: fmt.Sprintf("gen/network/%03d", i), Class: "gen-networks", Source: "gen"}
	sub := fmt.Sprintf("10.214.%d", i%250)
	spec := map[string]any{"Name": "{{name}}", "Labels": labelsMark}
	if chance(r, 0.5) {
		spec["Driver"] = "bridge"
	}
	if chance(r, 0.3) {
		spec["CheckDuplicate"] = true
	}
	if chance(r, 0.2) {
		spec["Internal"] = true
	}
	if chance(r, 0.3) {
		spec["Attachable"] = chance(r, 0.5)
	}
	if chance(r, 0.2) {
		spec["EnableIPv6"] = false
	}
	opts := map[string]any{}
	for _, kv := range subset(r, 0.25, [2]string{"com.docker.network.driver.mtu", "1400"}, [2]string{"com.docker.network.bridge.enable_icc", "false"},
		[2]string{"com.docker.network.bridge.enable_ip_masquerade", "false"}, [2]string{"custom.option", "v"}) {
		opts[kv[0]] = kv[1]
	}
	if len(opts) > 0 {
		spec["Options"] = opts
	}
	configured, ranged := false, false
	switch r.IntN(4) {
	case 0: // no IPAM
	case 1:
		spec["IPAM"] = map[string]any{"Driver": "default"}
	default:
		configured = true
		c := map[string]any{"Subnet": sub + ".0/24"}
		if chance(r, 0.5) {
			c["IPRange"] = sub + ".128/25"
			ranged = true
		}
		if chance(r, 0.5) {
			c["Gateway"] = sub + ".1"
		}
		if chance(r, 0.4) {
			c["AuxiliaryAddresses"] = map[string]any{"aux-host": sub + ".130"}
		}
		ipam := map[string]any{"Config": []any{c}}
		if chance(r, 0.5) {
			ipam["Driver"] = "default"
		}
		if chance(r, 0.3) {
			ipam["Options"] = map[string]any{"ipam-opt": "v"}
		}
		spec["IPAM"] = ipam
	}
	seq.Steps = append(seq.Steps,
		step("POST", "/networks/create", body(spec), "n", ".Id"),
		step("GET", "/networks/{{n}}", ""))
	if chance(r, 0.3) {
		seq.Steps = append(seq.Steps, step("GET", `/networks?filters={"name":["{{name}}"]}`, ""))
	}
	if chance(r, 0.5) {
		ep := map[string]any{}
		if chance(r, 0.6) {
			ep["Aliases"] = []string{"conn-alias"}
		}
		if configured && chance(r, 0.6) {
			ipc := map[string]any{"IPv4Address": fmt.Sprintf("%s.%d", sub, 140+r.IntN(100))}
			if !ranged {
				ipc["IPv4Address"] = fmt.Sprintf("%s.%d", sub, 10+r.IntN(100))
			}
			if chance(r, 0.3) {
				ipc["LinkLocalIPs"] = []string{"169.254.7.7"}
			}
			ep["IPAMConfig"] = ipc
		}
		if chance(r, 0.3) {
			ep["DriverOpts"] = map[string]any{"k": "v"}
		}
		start := chance(r, 0.4)
		seq.Steps = append(seq.Steps,
			step("POST", "/containers/create?name={{name}}", body(map[string]any{"Image": "{{image}}", "Cmd": []string{"sleep", "300"}, "Labels": labelsMark}), "c", ".Id"),
			step("POST", "/networks/{{n}}/connect", body(map[string]any{"Container": "{{c}}", "EndpointConfig": ep})),
			step("GET", "/containers/{{c}}/json", ""))
		if start {
			seq.Steps = append(seq.Steps,
				step("POST", "/containers/{{c}}/start", ""),
				step("GET", "/networks/{{n}}", ""),
				step("DELETE", "/networks/{{n}}", ""))
		}
		seq.Steps = append(seq.Steps,
			step("POST", "/networks/{{n}}/disconnect", body(map[string]any{"Container": "{{c}}", "Force": start})),
			step("GET", "/containers/{{c}}/json", ""))
	}
	seq.Steps = append(seq.Steps,
		step("DELETE", "/networks/{{n}}", ""),
		step("GET", "/networks/{{n}}", ""))
	return seq
}

// An obj is a JSON object whose keys are struct fields on the daemon's
// side: the generator writes them in random case (dockerd decodes with
// Go's case-insensitive matching). Plain maps (labels, options) keep
// their keys.
type obj []field

type field struct {
	key string
	val any
}

// cased writes o's keys in the casing r picks per key: as declared
// (TaskTemplate), lower first letter (taskTemplate), all lower or all
// upper.
func cased(r *rand.Rand, v any) any {
	switch x := v.(type) {
	case obj:
		out := make(orderedMap, 0, len(x))
		for _, f := range x {
			k := f.key
			switch r.IntN(5) {
			case 1:
				k = strings.ToLower(k[:1]) + k[1:]
			case 2:
				k = strings.ToLower(k)
			case 3:
				k = strings.ToUpper(k)
			}
			out = append(out, field{k, cased(r, f.val)})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = cased(r, x[i])
		}
		return out
	}
	return v
}

// orderedMap marshals as an object with its keys in order.
type orderedMap []field

func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(f.val); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimSuffix(vb.Bytes(), []byte("\n")))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// genServices is one swarm with k services whose specs are random and
// randomly cased: create, inspect (sometimes with insertDefaults), update
// from the inspected version, inspect, remove.
func genServices(r *rand.Rand, k int) Sequence {
	seq := Sequence{Name: "gen/services/000", Class: "gen-services", Source: "gen", Alone: true}
	seq.Steps = append(seq.Steps,
		step("POST", "/swarm/init", `{"ListenAddr":"127.0.0.1:{{port}}","AdvertiseAddr":"127.0.0.1","DefaultAddrPool":["10.232.0.0/16"],"SubnetSize":24,"Spec":{"Labels":{{labels}}}}`),
		step("POST", "/networks/create", `{"Name":"{{name}}-ov","Driver":"overlay","Attachable":true,"Labels":{{labels}}}`))
	published := []string{"body.Endpoint.Ports[*].PublishedPort", "body.Endpoint.VirtualIPs[*].Addr"}
	for j := range k {
		s, v := fmt.Sprintf("s%d", j), fmt.Sprintf("v%d", j)
		spec := genServiceSpec(r, j)
		seq.Steps = append(seq.Steps,
			step("POST", "/services/create", body(cased(r, spec)), s, ".ID"))
		inspect := step("GET", "/services/{{"+s+"}}", "", v, ".Version.Index")
		// swarmkit's allocator writes a service with ports or networks a
		// moment after its create (a new version): the inspect waits for
		// it, or the update's version is out of sequence on dockerd.
		inspect.Pause = time.Second
		if chance(r, 0.4) {
			inspect.Path += "?insertDefaults=true"
		}
		inspect.Volatile = published
		seq.Steps = append(seq.Steps, inspect)
		update := genServiceSpec(r, j)
		seq.Steps = append(seq.Steps,
			step("POST", "/services/{{"+s+"}}/update?version={{"+v+"}}", body(cased(r, update))))
		again := step("GET", "/services/{{"+s+"}}", "")
		again.Volatile = published
		again.Pause = time.Second // the allocator's write after the update's
		seq.Steps = append(seq.Steps, again, step("DELETE", "/services/{{"+s+"}}", ""))
	}
	seq.Finally = []Step{step("POST", "/swarm/leave?force=1", "")}
	return seq
}

func genServiceSpec(r *rand.Rand, j int) obj {
	cs := obj{{"Image", "{{imageid}}"}, {"Command", []string{"sleep", "300"}}, {"Labels", labelsMark}}
	if chance(r, 0.3) {
		cs = append(cs, field{"Args", []string{"arg"}})
	}
	if chance(r, 0.4) {
		cs = append(cs, field{"Env", subset(r, 0.6, "A=1", "NOEQUALS", "B=two words")})
	}
	if chance(r, 0.3) {
		cs = append(cs, field{"Dir", "/tmp"})
	}
	if chance(r, 0.2) {
		cs = append(cs, field{"User", "1000"})
	}
	if chance(r, 0.3) {
		cs = append(cs, field{"StopGracePeriod", 1000000000 * (1 + r.IntN(5))})
	}
	if chance(r, 0.2) {
		cs = append(cs, field{"StopSignal", "SIGUSR1"})
	}
	if chance(r, 0.2) {
		cs = append(cs, field{"Hostname", fmt.Sprintf("svc-%d", j)})
	}
	if chance(r, 0.15) {
		cs = append(cs, field{"ReadOnly", true})
	}
	if chance(r, 0.15) {
		cs = append(cs, field{"Init", true})
	}
	tt := obj{{"ContainerSpec", cs}}
	if chance(r, 0.4) {
		res := obj{{"Limits", obj{{"NanoCPUs", 500000000}, {"MemoryBytes", 64 << 20}}}}
		if chance(r, 0.5) {
			res = append(res, field{"Reservations", obj{{"MemoryBytes", 32 << 20}}})
		}
		tt = append(tt, field{"Resources", res})
	}
	if chance(r, 0.5) {
		rp := obj{{"Condition", pick(r, "none", "on-failure", "any")}}
		if chance(r, 0.5) {
			rp = append(rp, field{"Delay", 1000000000}, field{"MaxAttempts", 3})
		}
		tt = append(tt, field{"RestartPolicy", rp})
	}
	if chance(r, 0.3) {
		tt = append(tt, field{"Placement", obj{{"Constraints", []string{"node.role==manager"}}}})
	}
	if chance(r, 0.2) {
		tt = append(tt, field{"LogDriver", obj{{"Name", "json-file"}, {"Options", map[string]any{"max-size": "1m"}}}})
	}
	if chance(r, 0.4) {
		tt = append(tt, field{"Networks", []any{obj{{"Target", "{{name}}-ov"}, {"Aliases", []string{"svc-alias"}}}}})
	}
	if chance(r, 0.2) {
		tt = append(tt, field{"ForceUpdate", r.IntN(3)})
	}
	spec := obj{{"Name", fmt.Sprintf("{{name}}-%d", j)}, {"Labels", labelsMark}, {"TaskTemplate", tt},
		{"Mode", obj{{"Replicated", obj{{"Replicas", 0}}}}}}
	upd := func() obj {
		u := obj{{"Parallelism", 1 + r.IntN(3)}}
		if chance(r, 0.5) {
			u = append(u, field{"Delay", 1000000000})
		}
		if chance(r, 0.5) {
			u = append(u, field{"FailureAction", pick(r, "pause", "continue", "rollback")})
		}
		if chance(r, 0.5) {
			u = append(u, field{"Order", pick(r, "stop-first", "start-first")})
		}
		if chance(r, 0.3) {
			u = append(u, field{"Monitor", 5000000000}, field{"MaxFailureRatio", 0.5})
		}
		return u
	}
	if chance(r, 0.5) {
		spec = append(spec, field{"UpdateConfig", upd()})
	}
	if chance(r, 0.4) {
		rb := upd()
		for i := range rb {
			if rb[i].key == "FailureAction" {
				rb[i].val = pick(r, "pause", "continue")
			}
		}
		spec = append(spec, field{"RollbackConfig", rb})
	}
	if chance(r, 0.5) {
		mode := pick(r, "vip", "dnsrr")
		ep := obj{{"Mode", mode}}
		if chance(r, 0.6) {
			pm := "ingress"
			if mode == "dnsrr" {
				pm = "host"
			}
			ep = append(ep, field{"Ports", []any{obj{{"Protocol", pick(r, "tcp", "udp")}, {"TargetPort", 80}, {"PublishMode", pm}}}})
		}
		spec = append(spec, field{"EndpointSpec", ep})
	}
	return spec
}
