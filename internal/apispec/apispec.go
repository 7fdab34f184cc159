// Package apispec is the Engine API's list of operations, declared once for
// the whole module: package endpoints builds each request from it (method,
// route and minimum version, by operation id), the endpoints marker test
// checks the "// API:" comments against it, and the conformance suite
// measures the mock daemon's coverage with it.
//
// The list is operations.txt, embedded: one line per operation,
//
//	Group METHOD /route OperationID [1.NN]
//
// with the operation's id and route as in the Engine API's swagger, and,
// for an operation newer than the oldest version the client speaks (1.24),
// the API version that brought it. Adding an operation starts with a line
// here.
package apispec

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

//go:embed operations.txt
var table string

// Operation is one line of the list.
type Operation struct {
	ID     string // "ContainerStop"
	Group  string // "Container"
	Method string // "POST"
	Route  string // "/containers/{id}/stop"
	// MinMinor is the minor version of the API 1.x that brought the
	// operation, 0 when the client's oldest version (1.24) has it.
	MinMinor int
}

// Params returns the names of the route's parameters, in order: ["id"]
// for "/containers/{id}/stop".
func (o Operation) Params() []string {
	var ps []string
	rest := o.Route
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return ps
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return ps
		}
		ps = append(ps, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
}

var parsed = sync.OnceValues(func() ([]Operation, error) { return parse(table) })

// All returns every operation, in the list's order.
func All() []Operation {
	ops, err := parsed()
	if err != nil {
		panic(err) // the embedded list is checked by the package's tests
	}
	return append([]Operation(nil), ops...)
}

// Lookup returns the operation with the id.
func Lookup(id string) (Operation, bool) {
	ops, err := parsed()
	if err != nil {
		panic(err)
	}
	for _, o := range ops {
		if o.ID == id {
			return o, true
		}
	}
	return Operation{}, false
}

func parse(text string) ([]Operation, error) {
	var ops []Operation
	seen := map[string]bool{}
	for n, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 && len(f) != 5 {
			return nil, fmt.Errorf("apispec: line %d: want 4 or 5 fields, got %q", n+1, line)
		}
		o := Operation{Group: f[0], Method: f[1], Route: f[2], ID: f[3]}
		if len(f) == 5 {
			minor, ok := strings.CutPrefix(f[4], "1.")
			m, err := strconv.Atoi(minor)
			if !ok || err != nil || m <= 24 {
				return nil, fmt.Errorf("apispec: line %d: bad minimum version %q", n+1, f[4])
			}
			o.MinMinor = m
		}
		if seen[o.ID] {
			return nil, fmt.Errorf("apispec: line %d: operation %s listed twice", n+1, o.ID)
		}
		seen[o.ID] = true
		ops = append(ops, o)
	}
	return ops, nil
}
