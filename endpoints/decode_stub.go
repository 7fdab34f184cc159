//go:build decodegen

package endpoints

import "github.com/dockwire/dockwire/internal/jsondec"

// With -tags decodegen, as go generate builds the package, decode_gen.go
// is left out, so that its generator (decodegen_test.go) builds whatever
// state the file is in. These stand in for its roots, decoding with
// encoding/json.

func decodeContainerInspectResult(d *jsondec.Decoder, v *ContainerInspectResult) { d.Std(v) }
func decodeSliceContainerSummary(d *jsondec.Decoder, v *[]ContainerSummary)      { d.Std(v) }
func decodeEvent(d *jsondec.Decoder, v *Event)                                   { d.Std(v) }
func decodeContainerStats(d *jsondec.Decoder, v *ContainerStats)                 { d.Std(v) }
