// Package bind lets the root package make the Engine API's services, for
// which package endpoints exports no constructor: dockwire.New is the one
// way to reach them (cli.Containers, cli.Images, ...). Package endpoints
// sets Services when it is initialized.
package bind

import "github.com/dockwire/dockwire/wire"

// Services points each **endpoints.XService of services at a new service
// over w, and fails on anything else.
var Services func(w *wire.Client, services ...any) error
