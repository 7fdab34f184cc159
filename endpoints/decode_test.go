package endpoints

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/jsondec"
)

// The generated decoders (decode_gen.go) against encoding/json, into the
// same types: on the answers recorded from dockerd 20.10 (bench/'s canned
// server replays them), on values with every field set, with keys in other
// cases, with duplicate keys, and on whatever FuzzDecodeDifferential makes
// of them. Wherever a generated decoder succeeds, encoding/json must
// succeed with an equal value; and unmarshal (the generated decoder, then
// encoding/json where it fails) must always give encoding/json's value and
// error.

// cannedDir holds the recorded answers (bench/capture.sh).
const cannedDir = "../bench/testdata/canned"

// rootCase is one type with a generated decoder.
type rootCase struct {
	name string
	// fast decodes data with the generated decoder alone, reporting the
	// value and whether it succeeded.
	fast func(data []byte) (any, bool)
	// full decodes data as the client does (generated decoder, then
	// encoding/json where it fails); std decodes it with encoding/json.
	full, std func(data []byte) (any, error)
	// fill returns a value with every field set; random a random value.
	fill   func() any
	random func(*rand.Rand) any
}

func newRootCase[T any](name string, dec func(*jsondec.Decoder, *T)) rootCase {
	return rootCase{
		name: name,
		fast: func(data []byte) (any, bool) {
			var v T
			var d jsondec.Decoder
			d.Reset(string(data))
			dec(&d, &v)
			return v, d.Finish() == nil
		},
		full: func(data []byte) (any, error) {
			var v T
			err := unmarshal(new(jsondec.Decoder), data, &v, dec)
			return v, err
		},
		std: func(data []byte) (any, error) {
			var v T
			err := json.Unmarshal(data, &v)
			return v, err
		},
		fill: func() any {
			var v T
			fillValue(reflect.ValueOf(&v).Elem(), name, 0)
			return v
		},
		random: func(r *rand.Rand) any {
			var v T
			randomValue(r, reflect.ValueOf(&v).Elem(), 0)
			return v
		},
	}
}

var rootCases = []rootCase{
	newRootCase("ContainerInspectResult", decodeContainerInspectResult),
	newRootCase("[]ContainerSummary", decodeSliceContainerSummary),
	newRootCase("Event", decodeEvent),
	newRootCase("ContainerStats", decodeContainerStats),
	newRootCase("ContainerStatsOnceResult", decodeContainerStatsOnce),
}

// checkDiff holds one input to the rule above. It reports whether the
// generated decoder succeeded.
func checkDiff(t *testing.T, rc rootCase, data []byte) bool {
	t.Helper()
	want, werr := rc.std(data)
	got, ok := rc.fast(data)
	if ok {
		if !assert.NoError(t, werr, "%s: the generated decoder took what encoding/json refuses: %.300q", rc.name, data) ||
			!assert.Equal(t, want, got, "%s: %.300q", rc.name, data) {
			return ok
		}
	}
	full, ferr := rc.full(data)
	if werr != nil {
		if assert.Error(t, ferr, "%s: %.300q", rc.name, data) {
			assert.Equal(t, werr.Error(), ferr.Error(), "%s: another error", rc.name)
		}
	} else {
		assert.NoError(t, ferr, "%s: %.300q", rc.name, data)
	}
	assert.Equal(t, want, full, "%s: %.300q", rc.name, data)
	return ok
}

// cannedInputs are the recorded answers by root type: the inspect, the
// list, each event and each stats record.
func cannedInputs(t testing.TB) map[string][][]byte {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(cannedDir, name))
		require.NoError(t, err, "the recorded answers of bench/capture.sh")
		return b
	}
	lines := func(b []byte) [][]byte {
		var out [][]byte
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				out = append(out, l)
			}
		}
		return out
	}
	return map[string][][]byte{
		"ContainerInspectResult":   {read("container-inspect.json")},
		"[]ContainerSummary":       {read("container-list.json")},
		"Event":                    lines(read("events.json")),
		"ContainerStats":           lines(read("stats.json")),
		"ContainerStatsOnceResult": lines(read("stats.json")),
	}
}

// On every answer dockerd sent, the generated decoders succeed (no fall
// back to encoding/json) with encoding/json's value.
func TestDecodeCannedAnswers(t *testing.T) {
	inputs := cannedInputs(t)
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			require.NotEmpty(t, inputs[rc.name])
			for _, data := range inputs[rc.name] {
				assert.True(t, checkDiff(t, rc, data), "the generated decoder failed on a recorded answer: %.200q", data)
			}
		})
	}
}

// On the Engine API's examples (testdata/spec-examples.json, derived from
// the v1.56 swagger: every property of each answer's definition, nested
// ones included, many with the spec's example value), the generated
// decoders succeed with encoding/json's value, also with every key in
// lower case.
func TestDecodeSpecExamples(t *testing.T) {
	data, err := os.ReadFile("testdata/spec-examples.json")
	require.NoError(t, err)
	var examples map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &examples))
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			ex := examples[rc.name]
			if rc.name == "ContainerStatsOnceResult" {
				ex = examples["ContainerStats"]
			}
			require.NotEmpty(t, ex)
			assert.True(t, checkDiff(t, rc, ex), "the spec's example")
			assert.True(t, checkDiff(t, rc, rekey(t, ex, strings.ToLower)), "the spec's example, keys in lower case")
		})
	}
}

// Every field of every type reached: a value with all fields set, as
// encoding/json writes it, and with its keys in other cases (encoding/json
// matches them case-insensitively, with Unicode's case folding).
func TestDecodeEveryField(t *testing.T) {
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			data, err := json.Marshal(rc.fill())
			require.NoError(t, err)
			assert.True(t, checkDiff(t, rc, data), "every field set")
			for name, key := range map[string]func(string) string{
				"lower": strings.ToLower,
				"upper": strings.ToUpper,
				"kelvin and long s": func(k string) string {
					return strings.NewReplacer("k", "\u212a", "K", "\u212a", "s", "\u017f", "S", "\u017f").Replace(k)
				},
				"escaped": func(k string) string { return k }, // see below
			} {
				variant := rekey(t, data, key)
				if name == "escaped" {
					variant = bytes.ReplaceAll(variant, []byte(`":`), []byte(`\u0020":`))
				}
				assert.True(t, checkDiff(t, rc, variant) || name == "escaped", name)
			}
		})
	}
}

// rekey rewrites every object key of data with key.
func rekey(t *testing.T, data []byte, key func(string) string) []byte {
	v := jsonTree(t, data) // numbers exact
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			m := map[string]any{}
			for k, e := range x {
				m[key(k)] = walk(e)
			}
			return m
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	require.NoError(t, err)
	return b
}

// What encoding/json does with inputs no daemon sends: duplicate keys
// (decoded into what is there), null everywhere, odd numbers, bad UTF-8.
var oddInputs = map[string][]string{
	"ContainerInspectResult": {
		`{"State":{"Pid":1},"State":{"Status":"running"}}`,
		`{"State":{"Pid":1},"State":null,"State":{"Status":"x"}}`,
		`{"Args":["a","b","c"],"Args":["x"],"Args":["y","z"]}`,
		`{"Args":["a","b","c"],"Args":[],"Args":[null,null]}`,
		`{"Args":["a","b","c"],"Args":["x"],"Args":["y",null]}`,
		`{"Mounts":[{"Name":"a"},{"Name":"b","RW":true}],"Mounts":[{"Type":"bind"}],"Mounts":[{},{"Mode":"z"}]}`,
		`{"Mounts":[{"Name":"a","RW":true},{"Name":"b"}],"Mounts":[{"Type":"bind"}],"Mounts":[{},{}]}`,
		`{"Config":{"Labels":{"a":"1"}},"Config":{"Labels":{"b":"2"}}}`,
		`{"Config":{"Labels":{"a":"1"},"Labels":null,"Labels":{"b":null}}}`,
		`{"HostConfig":{"ConsoleSize":[1,2,3]},"HostConfig":{"ConsoleSize":[5]}}`,
		`{"HostConfig":{"ConsoleSize":[1,2]},"HostConfig":{"ConsoleSize":null}}`,
		`{"HostConfig":{"ConsoleSize":[1,"x"]}}`,
		`{"HostConfig":{"ConsoleSize":[1,2,"x",{}]}}`,
		`{"HostConfig":{"CpuShares":5,"cpushares":6,"CPUSHARES":7}}`,
		`{"HostConfig":{"Memory":1.5}}`,
		`{"HostConfig":{"BlkioWeight":65536}}`,
		`{"HostConfig":{"BlkioWeight":-0}}`,
		`{"HostConfig":{"OomScoreAdj":-0,"MemorySwappiness":null,"PidsLimit":-1}}`,
		`{"SizeRw":12,"SizeRw":null,"SizeRootFs":1e3}`,
		`{"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"80"}],"53/udp":null}}}`,
		`{"NetworkSettings":{"Networks":{"bridge":null,"host":{"IPAddress":"1.2.3.4"}}}}`,
		`{"ImageManifestDescriptor":{"data":"aGVsbG8=","platform":{"os":"linux","os.features":["a"]}}}`,
		`{"ImageManifestDescriptor":{"data":"aGVsbG8"}}`,
		`{"ImageManifestDescriptor":{"data":[104,105]}}`,
		"{\"Name\":\"\xff\xfe\",\"Id\":\"\\ud800\\u0041\"}",
		`{"Id":"a"} `,
		`{"Id":"a"}x`,
		`{"Id":5}`,
		`null`,
		`[]`,
		`{"Config":{"ExposedPorts":{"80/tcp":{},"81/tcp":null,"82/tcp":{"x":1}}}}`,
		`{"Config":{"ExposedPorts":{"80/tcp":[]}}}`,
		`{"Config":{"Healthcheck":{"Interval":1000000000,"Test":["CMD","true"]}}}`,
		`{"Config":{"StopTimeout":10,"StopTimeout":null}}`,
	},
	"[]ContainerSummary": {
		`[]`, `null`, `[null]`, `[{},{"Id":"a"}]`, `[{"Names":null,"Ports":[]}]`,
		`[{"Ports":[{"PrivatePort":70000}]}]`, `[{"Ports":[{"PrivatePort":80.0}]}]`,
		`[{"Labels":{"a":"b","a":"c"}}]`, `[{"Health":{"Status":"healthy"}}]`,
		`[{"HostConfig":{"NetworkMode":"host","Annotations":{"x":"y"}}}]`,
	},
	"Event": {
		`{"Type":"container","type":"network"}`,
		`{"status":"start","id":"x","from":"img","Type":"container","Action":"start","Actor":{"ID":"x","Attributes":{"a":"b"}},"scope":"local","time":1,"timeNano":2}`,
		`{"time":-1,"timeNano":9223372036854775808}`,
		`{"Actor":{"Attributes":null}}`,
		`{"Actor":{"Attributes":{"k":1}}}`,
		`{"Scope":"swarm","SCOPE":"local"}`,
	},
	"ContainerStatsOnceResult": {
		`{"id":"a","ID":"b","read":null,"networks":null}`,
	},
	"ContainerStats": {
		`{"read":"2026-12-03T10:31:14.798165096Z","preread":"0001-01-01T00:00:00Z"}`,
		`{"read":"yesterday"}`,
		`{"read":null,"preread":5}`,
		`{"memory_stats":{"stats":{"a":1,"a":2,"b":18446744073709551615}}}`,
		`{"memory_stats":{"stats":{"a":-1}}}`,
		`{"cpu_stats":{"cpu_usage":{"percpu_usage":[1,2,3]}},"cpu_stats":{"cpu_usage":{"percpu_usage":[4]}}}`,
		`{"networks":{"eth0":{"rx_bytes":1},"eth0":{"tx_bytes":2}}}`,
		`{"storage_stats":{},"num_procs":4294967296}`,
		`{"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"op":"Read","value":4096}]}}`,
	},
}

func TestDecodeOddInputs(t *testing.T) {
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			for _, s := range oddInputs[rc.name] {
				checkDiff(t, rc, []byte(s))
			}
		})
	}
}

// The fall back works: a value of the wrong type deep inside fails the
// generated decoder, and the result is encoding/json's, error included.
func TestDecodeFallsBack(t *testing.T) {
	data := []byte(`{"Id":"a","State":{"Pid":"12"},"Name":"/x"}`)
	var fast ContainerInspectResult
	var d jsondec.Decoder
	d.Reset(string(data))
	decodeContainerInspectResult(&d, &fast)
	require.Error(t, d.Finish())

	var got, want ContainerInspectResult
	err := unmarshal(new(jsondec.Decoder), data, &got, decodeContainerInspectResult)
	werr := json.Unmarshal(data, &want)
	var te *json.UnmarshalTypeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, werr, err)
	assert.Equal(t, want, got)
	assert.Equal(t, "/x", got.Name, "encoding/json decodes past the mismatch")
}

// FuzzDecodeDifferential holds the rule above on mutations of the recorded
// answers, of values with every field set and of the odd inputs; which
// picks the type.
func FuzzDecodeDifferential(f *testing.F) {
	inputs := cannedInputs(f)
	for i, rc := range rootCases {
		which := uint8(i)
		ins := inputs[rc.name]
		if len(ins) > 3 {
			ins = ins[:3]
		}
		for _, data := range ins {
			f.Add(which, data)
		}
		data, err := json.Marshal(rc.fill())
		require.NoError(f, err)
		f.Add(which, data)
		for _, s := range oddInputs[rc.name] {
			f.Add(which, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		checkDiff(t, rootCases[int(which)%len(rootCases)], data)
	})
}

// fillValue sets every field of v, recursively, to a value that is not
// zero and tells the fields apart (strings hold their path).
func fillValue(v reflect.Value, path string, depth int) {
	if depth > 8 {
		return
	}
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 12, 3, 10, 31, 14, 798165096, time.UTC).Add(time.Duration(len(path)) * time.Second)))
		return
	}
	n := int64(len(path)*7 + depth)
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(n % 100)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(n % 200))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) / 4)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem(), path, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				fillValue(v.Field(i), path+"."+f.Name, depth+1)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte(path))
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillValue(s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fillValue(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fillValue(k, fmt.Sprintf("%s/k%d", path, i), depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			fillValue(e, fmt.Sprintf("%s/v%d", path, i), depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf(path))
	}
}

// BenchmarkDecode decodes the recorded answers with the generated decoders
// and with encoding/json: allocations and time per answer or record.
func BenchmarkDecode(b *testing.B) {
	inputs := cannedInputs(b)
	for _, rc := range rootCases {
		data := inputs[rc.name][0]
		b.Run("type="+rc.name+"/dec=jsondec", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := rc.full(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("type="+rc.name+"/dec=encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := rc.std(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
