package endpoints

import (
	"context"
	"encoding/json"

	"github.com/dockwire/dockwire/internal/jsondec"
	"github.com/dockwire/dockwire/wire"
)

//go:generate go test -tags decodegen -run ^TestDecodeGenerated$ -update-decode

// Most answers are decoded by encoding/json. The hottest (ContainerInspect,
// ContainerList, the events and stats records, StatsOnce's sample:
// decodeRoots in decodegen_test.go) have generated decoders instead (decode_gen.go), which
// read the JSON with internal/jsondec, without reflection, every string a
// substring of one copy of the answer or record. A generated decoder gives
// what encoding/json gives whenever it succeeds (decode_test.go holds that
// on the recorded answers and fuzzed ones); when it fails, on bad syntax or
// a value of the wrong type, the same bytes are decoded again by
// encoding/json, whose value and error are then the result.
//
// The strings of a decoded value keep the answer's text alive as long as
// any of them is: a container's ID kept from a list of 50 keeps the list's
// JSON (about 70 KiB), an event's keeps its record.

// lenLimit is how far the generated decoders look ahead (jsondec.Decoder.Len)
// to size a fresh slice or map before they read into it: far enough for
// HostConfig.MaskedPaths or a stats record's memory_stats.stats.
const lenLimit = 2 << 10

// unmarshal decodes data into *v, which holds T's zero value, with dec, or
// with encoding/json when dec fails.
func unmarshal[T any](d *jsondec.Decoder, data []byte, v *T, dec func(*jsondec.Decoder, *T)) error {
	d.Reset(string(data))
	dec(d, v)
	if d.Finish() == nil {
		return nil
	}
	var zero T
	*v = zero
	return json.Unmarshal(data, v)
}

// decodeWith runs r and decodes its JSON answer with dec, as decode does
// with encoding/json.
func decodeWith[T any](ctx context.Context, w *wire.Client, r *wire.Request, dec func(*jsondec.Decoder, *T)) (T, error) {
	var out T
	var d jsondec.Decoder
	err := w.DoJSONFunc(ctx, r, func(data []byte) error { return unmarshal(&d, data, &out, dec) })
	_, err = notModified(answerErr(r, err))
	return out, err
}

// recordDecoder is a wire.StreamOptions.Decode for records of type T,
// decoded with dec: one jsondec.Decoder for the stream.
func recordDecoder[T any](dec func(*jsondec.Decoder, *T)) func([]byte, any) error {
	d := new(jsondec.Decoder)
	return func(rec []byte, v any) error { return unmarshal(d, rec, v.(*T), dec) }
}

// decodeContainerStatsOnce decodes StatsOnce's sample as a ContainerStats,
// whose fields are all the result's.
func decodeContainerStatsOnce(d *jsondec.Decoder, v *ContainerStatsOnceResult) {
	decodeContainerStats(d, &v.ContainerStats)
}
