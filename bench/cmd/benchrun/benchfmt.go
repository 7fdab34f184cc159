package main

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Results are go test -bench outputs: for each benchmark (its name without
// the -GOMAXPROCS suffix) and unit, the values of every run.
type Results map[string]map[string][]float64

var procSuffix = regexp.MustCompile(`-[0-9]+$`)

// readBench reads go test -bench output; a missing file is no results.
func readBench(path string) (Results, error) {
	res := Results{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(fields[0], "")
		if res[name] == nil {
			res[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			res[name][fields[i+1]] = append(res[name][fields[i+1]], v)
		}
	}
	return res, sc.Err()
}

// Median returns the median of a benchmark's unit, 0 when there is none.
func (r Results) Median(name, unit string) float64 {
	return median(r[name][unit], func(v float64) float64 { return v })
}

// Runs returns how many runs of a benchmark there are.
func (r Results) Runs(name string) int {
	n := 0
	for _, v := range r[name] {
		n = max(n, len(v))
	}
	return n
}
