package conformance

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// apiAtLeast reports whether the client's negotiated (or pinned) API
// version is 1.minor or newer.
func (e *Env) apiAtLeast(minor int) bool {
	e.T.Helper()
	ver, err := e.Client.Wire().Version(e.Ctx)
	require.NoError(e.T, err, "the client's API version")
	return !ver.Less(wire.Version{Major: 1, Minor: minor})
}

// wantVersionError calls call with a context that is already cancelled and
// wants a *wire.VersionError: any I/O would have failed with
// context.Canceled instead, so the refusal came before the request was sent.
func (e *Env) wantVersionError(what string, call func(ctx context.Context) error) {
	e.T.Helper()
	ctx, cancel := context.WithCancel(e.Ctx)
	cancel()
	err := call(ctx)
	var verr *wire.VersionError
	assert.ErrorAs(e.T, err, &verr, "%s: want a *wire.VersionError before any I/O", what)
}

// typedFailure reports whether err is the daemon's refusal, either as the
// answer's *wire.Error (4xx/5xx) or inside a progress stream as a
// *wire.StreamError.
func typedFailure(err error) bool {
	var werr *wire.Error
	var serr *wire.StreamError
	return (errors.As(err, &werr) && werr.StatusCode >= 400) || errors.As(err, &serr)
}

// wantStatus checks that err is a *wire.Error with status code and that it
// matches sentinel with errors.Is.
func (e *Env) wantStatus(what string, err error, code int, sentinel error) {
	e.T.Helper()
	var werr *wire.Error
	if !assert.ErrorAs(e.T, err, &werr, "%s: want a %d *wire.Error", what, code) {
		return
	}
	assert.Equal(e.T, code, werr.StatusCode, "%s: the status of %q", what, err)
	assert.ErrorIs(e.T, err, sentinel, "%s", what)
}

// closedRegistry is a loopback port nothing listens on: a registry the
// daemon cannot reach, so that registry operations fail without leaving
// the machine.
const closedRegistry = "127.0.0.1:9"

// eventually polls cond every 50ms for up to d.
func eventually(ctx context.Context, d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// errOf returns the error of a call's two results.
func errOf[T any](_ T, err error) error { return err }

// show formats v for a failure message the way %+v would, but with every
// pointer followed (nil for a nil one) and zero fields left out, so that a
// message shows values, never addresses: "ExitCode:7", not "0xc000123456".
// Errors, Stringers and times print as themselves.
func show(v any) string {
	var b strings.Builder
	writeValue(&b, reflect.ValueOf(v))
	return b.String()
}

func writeValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case error:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				b.WriteString(x.Error())
				return
			}
		case fmt.Stringer:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				b.WriteString(x.String())
				return
			}
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeValue(b, v.Elem())
	case reflect.Struct:
		b.WriteByte('{')
		n := 0
		for i := range v.NumField() {
			f := v.Field(i)
			if f.IsZero() {
				continue
			}
			if n > 0 {
				b.WriteByte(' ')
			}
			n++
			b.WriteString(v.Type().Field(i).Name)
			b.WriteByte(':')
			writeValue(b, f)
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			fmt.Fprintf(b, "%q", v.Bytes())
			return
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, v.Index(i))
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		b.WriteString("map[")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, k)
			b.WriteByte(':')
			writeValue(b, v.MapIndex(k))
		}
		b.WriteByte(']')
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		if v.CanInterface() {
			fmt.Fprint(b, v.Interface())
		} else {
			fmt.Fprint(b, v)
		}
	}
}
