// Package fuzz holds dockwire's go test -fuzz targets: one place for every
// parser that reads bytes a daemon, a user or a file controls. The package
// has no code of its own; its tests use the exported API of the packages
// they fuzz, so what is checked is what a caller gets.
//
// Each target checks properties, not only the absence of a panic. Seeds come
// from dockwire's own encoders and from bytes captured once from a real
// dockerd (20.10, API 1.41): a logs stream, a pull error stream, an events
// stream, an error body, /_ping and an attach 101 response. They live with
// every crasher ever found under testdata/fuzz/<Target>/, so a plain
// go test ./... replays them all.
//
// # Targets
//
//  1. FuzzMuxReader (mux.Copy, mux.Reader): no panic; payload delivered <=
//     input; Copy's count == the bytes written; the frame iterator agrees with
//     Copy; memory bounded whatever the headers claim.
//  2. FuzzMuxRoundTrip (mux.Muxer, mux.Reader): frames written read back
//     identical, then io.EOF.
//  3. FuzzWireStream (wire.Stream): records valid JSON and <= MaxRecord;
//     errors typed (*wire.StreamError, ErrTooLarge, io.ErrUnexpectedEOF, a
//     JSON syntax error); an endless record stops at MaxRecord, no hang.
//  4. FuzzWireError (wire.ReadError): always a *wire.Error, message non-empty
//     and bounded; Error() one line of at most 512 bytes that quotes a short
//     plain message whole; status mapped to the documented sentinel.
//  5. FuzzWireVersion (wire.ParseVersion): Parse(String(v)) == v, input
//     canonical; garbage rejected with ErrInvalidArgument.
//  6. FuzzWireNegotiate (wire.Negotiate): within [MinVersion, client] and
//     <= a daemon above the floor; deterministic.
//  7. FuzzWireRequest (wire.Path, wire.Filters, wire.WriteRequest): the id
//     stays one path segment (no "..", "?", "#" smuggling), the query and the
//     filters decode back to the input under net/http's parser, header
//     injection refused.
//  8. FuzzDialParseHost (dial.ParseHost): typed errors; accepted hosts
//     round-trip through String; no host or ssh user starting with "-".
//  9. FuzzDialContexts (dial.FromLookup over a temp docker config dir):
//     config.json and a context's meta.json; typed errors; the host chosen is
//     the one the docker CLI's decoding of the files names.
//  10. FuzzTarExtract (tarstream.Extract): nothing outside dst is created or
//     changed (the temp parent is walked after each run), no link in dst
//     leaves it.
//  11. FuzzTarRoundTrip (tarstream.Dir then Extract): generated trees come
//     back identical.
//  12. FuzzMatcherDifferential, in bench/ (its own module, which may depend
//     on moby/patternmatcher): tarstream.Matcher agrees with moby's.
//  13. FuzzTarPathStat (tarstream.ParsePathStat): accepted headers round-trip
//     through Encode.
//  14. FuzzWireUpgrade (wire.Client.Upgrade against a fake daemon on
//     net.Pipe): typed errors, no hang, the bytes after the headers reach
//     Upgraded.Reader intact, the connection is closed after Client.Close.
//  15. FuzzHandler, in mockdaemon/ (it needs the mock's internals): never
//     panics, always a valid HTTP response, a JSON error on 4xx/5xx.
//  16. FuzzParse and FuzzRun, in mockdaemon/internal/shell (internal): the
//     mock's shell never panics and never runs past its step budget.
//  17. FuzzWireAuth (wire.EncodeAuth): what we encode decodes under dockerd's
//     rules (base64.URLEncoding, strict; JSON into an AuthConfig-shaped
//     struct) to the same values.
//  18. FuzzWireResponse (wire.ReadResponse): typed errors, body bounded by
//     the input, Content-Length honoured, never a hang on finite input.
//  19. FuzzWirePool (wire.Client's pool, on unix socket pairs): two
//     requests over a pool of one connection, the daemon's answer to the
//     first fuzzed, its answer to the second a nonce; no answer is ever
//     given to the wrong request: the second always gets its nonce, never
//     bytes left over from the first nor an error they caused.
//  20. FuzzDecode (endpoints' decoded answers through the client: the
//     answer of ContainerInspect or ContainerList, or one events or stats
//     record, fuzzed, from a daemon on a unix socket): the caller gets
//     encoding/json's value for the same bytes into the same type, and
//     where encoding/json fails on a value of the wrong type, its
//     *json.UnmarshalTypeError; seeded with dockerd's recorded answers
//     (bench/testdata/canned).
//  21. FuzzDecodeDifferential, in endpoints/ (it needs the generated
//     decoders, which are unexported): wherever a generated decoder
//     (decode_gen.go) succeeds, encoding/json succeeds with an equal value
//     into the same type, and the client's decode (generated, then
//     encoding/json where it fails) always gives encoding/json's value and
//     error; seeded with the recorded answers, values with every field set
//     and odd inputs (duplicate keys, nulls). Without a round trip, it runs
//     many times faster than FuzzDecode.
//  22. FuzzDecoder, in internal/jsondec (internal): the Decoder's syntax
//     verdict is json.Valid's on any input, and each of its readers gives
//     encoding/json's value wherever it succeeds.
//
// Beside them, for parsers that are not in the list: FuzzTarMatcher
// (tarstream.Matcher, path cleaning does not change the answer),
// FuzzParseMemory and FuzzParsePortSpec (endpoints' docker-run style
// arguments).
//
// # Running
//
// scripts/fuzz.sh [seconds] runs every target of the repository, those in
// mockdaemon and bench included, one at a time with -parallel 1; CI runs it
// with 8 seconds per target. A failing target fails the script, which prints
// where the fuzzer wrote the crasher (testdata/fuzz/<Target>/ of the package).
// To work on one target:
//
//	go test -run '^$' -fuzz '^FuzzWireStream$' -fuzztime 60s -parallel 1 ./fuzz
package fuzz
