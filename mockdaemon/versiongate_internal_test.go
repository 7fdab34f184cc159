package mockdaemon

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVersioned: a field leaves the answer for a version its api tag
// does not name, at any depth (in structs, slices, maps, embedded
// structs), and the keys keep their order.
func TestVersioned(t *testing.T) {
	type inner struct {
		Zed  int
		New  int `api:"1.44"`
		Old  int `json:"OldName" api:"-1.43"`
		Mid  int `api:"1.42-1.45"`
		Alfa int
	}
	type outer struct {
		annotations
		Items []inner
		ByKey map[string]inner
		Ptr   *inner `json:",omitempty"`
	}
	v := outer{annotations: annotations{Name: "n"}, Items: []inner{{}}, ByKey: map[string]inner{"k": {}}, Ptr: &inner{}}
	tests := []struct {
		ver  string
		want string
	}{
		{"1.41", `{"Zed":0,"OldName":0,"Alfa":0}`},
		{"1.43", `{"Zed":0,"OldName":0,"Mid":0,"Alfa":0}`},
		{"1.44", `{"Zed":0,"New":0,"Mid":0,"Alfa":0}`},
		{"1.46", `{"Zed":0,"New":0,"Alfa":0}`},
	}
	for _, tt := range tests {
		ver, err := parseAPIVersion(tt.ver)
		require.NoError(t, err)
		b, err := json.Marshal(versioned(v, ver))
		require.NoError(t, err)
		want := `{"Name":"n","Labels":null,"Items":[` + tt.want + `],"ByKey":{"k":` + tt.want + `},"Ptr":` + tt.want + `}`
		assert.Equal(t, want, string(b), tt.ver)
	}
}
