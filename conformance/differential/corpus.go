package differential

import (
	"bytes"
	"embed"
	"io/fs"
	"path"
)

//go:embed testdata/corpus/*.seq testdata/known.txt
var testdata embed.FS

// Corpus returns the hand-written sequences of testdata/corpus, file by
// file in name order.
func Corpus() ([]Sequence, error) {
	files, err := fs.Glob(testdata, "testdata/corpus/*.seq")
	if err != nil {
		return nil, err
	}
	var out []Sequence
	seen := map[string]string{}
	for _, f := range files {
		b, err := testdata.ReadFile(f)
		if err != nil {
			return nil, err
		}
		seqs, err := Parse(bytes.NewReader(b), path.Base(f))
		if err != nil {
			return nil, err
		}
		for _, s := range seqs {
			if prev, dup := seen[s.Name]; dup {
				return nil, &ParseError{File: path.Base(f), Msg: "sequence " + s.Name + " is also defined in " + prev}
			}
			seen[s.Name] = s.Source
		}
		out = append(out, seqs...)
	}
	return out, nil
}

// DefaultKnown returns the known-differences file kept beside the corpus,
// testdata/known.txt.
func DefaultKnown() (*Known, error) {
	b, err := testdata.ReadFile("testdata/known.txt")
	if err != nil {
		return nil, err
	}
	return ParseKnown(bytes.NewReader(b), "known.txt")
}
