package dockwire_test

import (
	"testing"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostDefaultsToTheDockerSocket(t *testing.T) {
	cli, err := dockwire.New(dial.Config{}, nil)
	require.NoError(t, err)
	defer cli.Close()
	assert.Equal(t, dial.DefaultHost, cli.Host())
}
