// Package build builds the minimal programs of bench/progs the way a
// release would (stripped, -trimpath, no cgo) and reads what they link.
package build

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Tasks and Clients name the programs: bench/progs/<task>/<client>.
var (
	Tasks   = []string{"list", "listtls", "runlogs", "ping", "stream"}
	Clients = []string{"dockwire", "sdk", "floor"}
)

// Program is one built program.
type Program struct {
	Task, Client string
	Path         string   // the binary
	Size         int64    // its size in bytes
	Modules      []string // the modules linked ("path version"), the main module not counted
}

// Build builds bench/progs/<task>/<client> into dir with
// `go build -trimpath -ldflags='-s -w'` and CGO_ENABLED=0.
func Build(dir, task, client string) (Program, error) {
	p := Program{Task: task, Client: client, Path: filepath.Join(dir, task+"-"+client)}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", p.Path,
		"github.com/dockwire/dockwire/bench/progs/"+task+"/"+client)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return p, fmt.Errorf("build %s/%s: %v\n%s", task, client, err, out)
	}
	fi, err := os.Stat(p.Path)
	if err != nil {
		return p, err
	}
	p.Size = fi.Size()
	p.Modules, err = Modules(p.Path)
	return p, err
}

// Modules lists the modules linked into a binary, from `go version -m`:
// its dep lines, as "path version" (a replaced module's replacement
// follows "=>").
func Modules(bin string) ([]string, error) {
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go version -m %s: %w", bin, err)
	}
	var mods []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 3 && f[0] == "dep":
			mods = append(mods, f[1]+" "+f[2])
		case len(f) >= 3 && f[0] == "=>" && len(mods) > 0:
			mods[len(mods)-1] += " => " + strings.Join(f[1:3], " ")
		}
	}
	return mods, sc.Err()
}
