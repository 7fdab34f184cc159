package differential

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(7, 60), Generate(7, 60)
	require.Equal(t, a, b, "the same seed gives the same sequences")
	assert.NotEqual(t, a, Generate(8, 60), "another seed gives others")
	assert.Empty(t, Generate(7, 0))
	assert.Equal(t, Generate(7, 40), Generate(7, 40))
}

// Every generated sequence is valid, names what it makes for the sweep,
// and stays on the host: the test image, loopback, 10.214.0.0/16 (and the
// swarm's 10.232.0.0/16).
func TestGenerateIsValidAndLocal(t *testing.T) {
	seqs := Generate(3, 200)
	require.Equal(t, 200+1+20+8, len(seqs), "containers and networks, services, walks, queries")
	v := vars{"image": "busybox:dockwire", "imageid": "sha256:0123", "run": "r", "labels": `{"k":"v"}`, "label": "k=v", "name": "dwdiff-r-1", "hostdir": "/tmp/h", "port": "2377"}
	addr := regexp.MustCompile(`\b\d+\.\d+\.\d+\.\d+\b`)
	names := map[string]bool{}
	families := map[string]int{}
	for _, s := range seqs {
		require.NoError(t, Validate(s), s.Name)
		assert.False(t, names[s.Name], "duplicate %s", s.Name)
		names[s.Name] = true
		families[s.Class]++
		assert.Equal(t, s.Class == "gen-services", s.Alone, s.Name)
		sv := vars{}
		for k, x := range v {
			sv[k] = x
		}
		for _, name := range savedVars(s) {
			sv[name] = "0123456789ab"
		}
		for _, st := range append(append([]Step{}, s.Steps...), s.Finally...) {
			if st.Body == "" {
				continue
			}
			b := sv.expand(st.Body)
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(b), &m), "%s: %s", s.Name, b)
			if img, ok := m["Image"]; ok {
				assert.Equal(t, "busybox:dockwire", img, s.Name)
			}
			if strings.Contains(st.Path, "/containers/create") || strings.Contains(st.Path, "/networks/create") || strings.Contains(st.Path, "/services/create") {
				assert.Contains(t, st.Body, "{{labels}}", "%s: what a sequence makes is labelled", s.Name)
				assert.Contains(t, st.Path+st.Body, "{{name}}", "%s: and named", s.Name)
			}
			for _, a := range addr.FindAllString(b, -1) {
				ok := strings.HasPrefix(a, "10.214.") || strings.HasPrefix(a, "10.232.") || strings.HasPrefix(a, "127.") ||
					strings.HasPrefix(a, "169.254.") || a == "192.0.2.53" || a == "0.0.0.0"
				assert.True(t, ok, "%s: address %s", s.Name, a)
			}
		}
	}
	assert.Equal(t, 140, families["gen-containers"])
	assert.Equal(t, 60, families["gen-networks"])
	assert.Equal(t, 1, families["gen-services"])
	assert.Equal(t, 20, families["gen-lifecycle"])
	assert.Equal(t, 8, families["gen-queries"])
}

// Service specs come with their struct keys in random case, their map keys
// (labels, options) as written.
func TestGenerateCasesServiceKeys(t *testing.T) {
	seqs := Generate(11, 100)
	i := slices.IndexFunc(seqs, func(s Sequence) bool { return s.Class == "gen-services" })
	require.GreaterOrEqual(t, i, 0)
	svc := seqs[i]
	require.Equal(t, "gen/services/000", svc.Name)
	var bodies strings.Builder
	for _, st := range svc.Steps {
		if st.Method == "POST" && strings.HasPrefix(st.Path, "/services/") {
			bodies.WriteString(st.Body)
		}
	}
	all := bodies.String()
	for _, variant := range []string{`"TaskTemplate"`, `"taskTemplate"`, `"tasktemplate"`, `"TASKTEMPLATE"`} {
		assert.Contains(t, all, variant)
	}
	assert.Contains(t, all, `"max-size":"1m"`, "a map key keeps its case")
	assert.NotContains(t, all, `"MAX-SIZE"`)
}
