package shell_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

func Example() {
	root := memfs.New()
	if err := shell.InstallBusybox(root); err != nil {
		panic(err)
	}
	p := shell.Start(context.Background(), []string{"sh", "-c", `
		for f in a b c; do touch /tmp/$f 2>/dev/null || mkdir -p /tmp && touch /tmp/$f; done
		ls /tmp | wc -l
		nosuch
		exit 3`}, shell.Config{FS: root, Stdout: os.Stdout, Stderr: os.Stdout})
	fmt.Println("exit", p.Wait())
	// Output:
	// 3
	// sh: nosuch: not found
	// exit 3
}
