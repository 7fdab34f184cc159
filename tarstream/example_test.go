package tarstream_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockwire/dockwire/tarstream"
)

func ExampleExtract() {
	// An archive as GET /containers/{id}/archive would return it.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "etc/hostname", Typeflag: tar.TypeReg, Mode: 0o644, Size: 4})
	tw.Write([]byte("box\n"))
	tw.WriteHeader(&tar.Header{Name: "etc/evil", Typeflag: tar.TypeSymlink, Linkname: "../../../root"})
	tw.Close()

	dst, _ := os.MkdirTemp("", "extract")
	defer os.RemoveAll(dst)
	err := tarstream.Extract(&buf, dst, tarstream.ExtractOptions{})
	fmt.Println(errors.Is(err, tarstream.ErrInsecurePath), err)

	data, _ := os.ReadFile(filepath.Join(dst, "etc", "hostname"))
	fmt.Printf("%q\n", data)
	// Output:
	// true tarstream: entry "etc/evil": insecure path: symbolic link to "../../../root" climbs out
	// "box\n"
}

func ExampleDir() {
	ctx, _ := os.MkdirTemp("", "context")
	defer os.RemoveAll(ctx)
	os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte("FROM busybox\nCOPY . /app\n"), 0o644)
	os.WriteFile(filepath.Join(ctx, ".dockerignore"), []byte("# build output\n*.log\n"), 0o644)
	os.WriteFile(filepath.Join(ctx, "main.go"), []byte("package main\n"), 0o644)
	os.WriteFile(filepath.Join(ctx, "debug.log"), []byte("noise\n"), 0o644)

	f, _ := os.Open(filepath.Join(ctx, ".dockerignore"))
	patterns, err := tarstream.ReadIgnore(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	body, err := tarstream.Dir(ctx, tarstream.DirOptions{Exclude: patterns, Deterministic: true})
	if err != nil {
		log.Fatal(err)
	}
	defer body.Close() // body is what POST /build sends

	tr := tar.NewReader(body)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(hdr.Name, hdr.Size)
	}
	// Output:
	// .dockerignore 21
	// Dockerfile 25
	// main.go 13
}

func ExampleMatcher() {
	patterns, _ := tarstream.ReadIgnore(strings.NewReader("**/*.md\n!README.md\nnode_modules\n"))
	m, err := tarstream.NewMatcher(patterns)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range []string{"README.md", "docs/intro.md", "node_modules/x/index.js", "main.go"} {
		excluded, _ := m.Match(p)
		fmt.Println(p, excluded)
	}
	// Output:
	// README.md false
	// docs/intro.md true
	// node_modules/x/index.js true
	// main.go false
}

func ExampleParsePathStat() {
	// The X-Docker-Container-Path-Stat header of HEAD /containers/{id}/archive.
	header := "eyJuYW1lIjoiZXRjIiwic2l6ZSI6NDA5NiwibW9kZSI6MjE0NzQ4NDE0MSwibXRpbWUiOiIyMDI0LTA1LTA2VDA3OjA4OjA5WiIsImxpbmtUYXJnZXQiOiIifQ=="
	st, err := tarstream.ParsePathStat(header)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Name, st.Mode, st.Mode.IsDir(), st.Mtime.Year())
	// Output: etc drwxr-xr-x true 2024
}
