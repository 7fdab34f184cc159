package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire/bench/internal/build"
)

// sizes builds every program into DIR/bin and records what it weighs.
func sizes(dir string) error {
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	var progs []build.Program
	for _, task := range build.Tasks {
		for _, c := range build.Clients {
			p, err := build.Build(bin, task, c)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "%-8s %-9s %9d bytes %3d modules\n", task, c, p.Size, len(p.Modules))
			progs = append(progs, p)
		}
	}
	return writeJSON(dir, "sizes", progs)
}

// program returns the path of a built program.
func program(dir, task, client string) string {
	return filepath.Join(dir, "bin", task+"-"+client)
}
