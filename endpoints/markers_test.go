package endpoints_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// markerRE matches an operation marker: "// API: GET /containers/{id}/json".
var markerRE = regexp.MustCompile(`^\s*//\s*API:\s*(\S+)\s+(\S+)\s*$`)

// loadOperations reads testdata/operations.txt: "Group METHOD /path OperationID".
func loadOperations(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/operations.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ops := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 {
			continue
		}
		ops[fields[1]+" "+fields[2]] = fields[3]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// TestOperationMarkers checks every "// API:" marker in the endpoints tree
// against the Engine API's operation list, fails on unknown or duplicated
// markers, and reports coverage.
func TestOperationMarkers(t *testing.T) {
	ops := loadOperations(t)
	if len(ops) != 108 {
		t.Fatalf("operations.txt lists %d operations, want 108", len(ops))
	}
	seen := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := markerRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			key := m[1] + " " + m[2]
			where := path + ":" + strconv.Itoa(i+1)
			if _, ok := ops[key]; !ok {
				t.Errorf("%s: marker %q names no Engine API operation", where, key)
				continue
			}
			if prev, dup := seen[key]; dup {
				t.Errorf("%s: marker %q already at %s", where, key, prev)
				continue
			}
			seen[key] = where
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for key, id := range ops {
		if _, ok := seen[key]; !ok {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	t.Logf("operations: %d/%d", len(seen), len(ops))
	if testing.Verbose() && len(missing) > 0 {
		t.Logf("not yet covered: %s", strings.Join(missing, " "))
	}
}
