package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/endpoints"
)

func TestShowPrintsValuesNotAddresses(t *testing.T) {
	seven, size := 7, int64(4096)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, "nil"},
		{"pointer to int", &seven, "7"},
		{"nil pointer", (*int64)(nil), "nil"},
		{"pointer to int64", &size, "4096"},
		{"struct with a pointer field, zero fields left out", endpoints.ExecInspectResult{ExitCode: &seven, Running: false, ID: "x"}, `{ID:"x" ExitCode:7}`},
		{"pointer to struct holding a pointer to struct", &endpoints.ContainerState{Status: "exited", Health: &endpoints.Health{Status: "healthy"}}, `{Status:"exited" Health:{Status:"healthy"}}`},
		{"map of pointers, sorted", map[string]*int{"b": &seven, "a": nil}, `map["a":nil "b":7]`},
		{"slice", []*int{&seven, nil}, "[7 nil]"},
		{"bytes", []byte("hi\n"), `"hi\n"`},
		{"error", errors.New("boom"), "boom"},
		{"duration", 2 * time.Second, "2s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, show(tt.v))
		})
	}
}
