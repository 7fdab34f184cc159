package memfs_test

import (
	"fmt"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

func Example() {
	image := memfs.New()
	_ = image.MkdirAll("/tmp", 0o1777)
	container := image.Clone()
	_ = container.WriteFile("/tmp/x", []byte("hello"), 0o644)
	b, _ := container.ReadFile("/tmp/x")
	fmt.Println(string(b))
	for _, c := range memfs.Diff(image, container) {
		fmt.Println(c)
	}
	// Output:
	// hello
	// C /tmp
	// A /tmp/x
}
