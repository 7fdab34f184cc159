// Package testnet holds the loopback plumbing the client packages' tests
// share: a temp dir short enough for unix socket paths, and a listener
// that runs a handler per connection and stops cleanly with the test.
//
// Only tests import it: it imports "testing".
package testnet
