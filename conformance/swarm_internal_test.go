package conformance

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// TestUpdateGuarded: an update dockerd answers "update out of sequence"
// (its own bookkeeping wrote the object in between, as under load it does
// to a node) is read and sent again with the new version; any other answer
// ends it at once.
func TestUpdateGuarded(t *testing.T) {
	seq := &wire.Error{StatusCode: 500, Message: "rpc error: code = Unknown desc = update out of sequence"}
	version := 10
	var sent []int
	err := updateGuarded(t.Context(), func() (int, error) { version++; return version, nil }, func(v int) error {
		sent = append(sent, v)
		if len(sent) < 3 {
			return seq
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []int{11, 12, 13}, sent, "each try sends the version just read")

	other := &wire.Error{StatusCode: 400, Message: "rpc error: code = InvalidArgument desc = only updates to Labels are allowed"}
	calls := 0
	err = updateGuarded(t.Context(), func() (int, error) { return 1, nil }, func(int) error { calls++; return other })
	assert.ErrorIs(t, err, other)
	assert.Equal(t, 1, calls, "another error is not retried")

	calls = 0
	err = updateGuarded(t.Context(), func() (int, error) { return 1, nil }, func(int) error { calls++; return seq })
	assert.True(t, errors.As(err, new(*wire.Error)) && outOfSequence(err), "gives up with the daemon's answer: %v", err)
	assert.Equal(t, 5, calls)
}
