package endpoints_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
)

// mockImages serves an in-process mock daemon and returns its Image
// operations, and a func to stop it.
func mockImages() (*endpoints.ImageService, func()) {
	cli, stop := mockClient()
	return cli.Images, stop
}

// Build from a Dockerfile alone, with no context (docker-py's fileobj),
// then read the image's labels.
func ExampleImageService_BuildDockerfile() {
	images, stop := mockImages()
	defer stop()
	ctx := context.Background()
	res, err := images.BuildDockerfile(ctx, strings.NewReader("FROM busybox:latest\nLABEL stage=example\n"), endpoints.ImageBuildOptions{
		Tags:   []string{"example:v1"},
		Labels: map[string]string{"team": "dockwire"},
	})
	if err != nil {
		log.Fatal(err)
	}
	in, err := images.Inspect(ctx, "example:v1", endpoints.ImageInspectOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.ID == res.ID, in.Labels()["stage"], in.Labels()["team"])
	// Output: true example dockwire
}

// Build a directory as docker build does: .dockerignore honoured, each
// output record shown as it arrives, a failed step reported with its log.
func ExampleImageService_BuildDir() {
	images, stop := mockImages()
	defer stop()
	res, err := images.BuildDir(context.Background(), "./app", endpoints.ImageBuildOptions{
		Tags:      []string{"app:dev"},
		BuildArgs: map[string]string{"VERSION": "1.2"},
		Progress:  func(p endpoints.Progress) { fmt.Print(p.Stream) },
	})
	if be, ok := err.(*endpoints.BuildError); ok {
		log.Fatalf("step failed: %s\n%s", be.Message, be.Log)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("built", res.ID)
}

// Pull with the credentials the docker CLI stored in config.json and draw
// one progress line over all layers.
func ExampleImageService_Pull() {
	images, stop := mockImages()
	defer stop()
	ctx := context.Background()
	cfg, err := endpoints.LoadConfigFile(filepath.Join(os.Getenv("HOME"), ".docker")) // or dial.Config.ConfigDir
	if err != nil {
		log.Fatal(err)
	}
	ref := "127.0.0.1:5000/team/app:v1"
	auth, err := cfg.AuthFor(ctx, ref) // nil when config.json has none for 127.0.0.1:5000
	if err != nil {
		log.Fatal(err)
	}
	var total endpoints.ProgressTotal
	res, err := images.Pull(ctx, ref, endpoints.ImagePullOptions{Auth: auth, Progress: func(p endpoints.Progress) {
		total.Add(p)
		done, all := total.Bytes()
		fmt.Printf("\r%d/%d bytes", done, all)
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("\n" + res.Status)
}

// ProgressTotal folds per-layer records into one byte count.
func ExampleProgressTotal() {
	var total endpoints.ProgressTotal
	for _, p := range []endpoints.Progress{
		{ID: "a1", Status: "Downloading", ProgressDetail: &endpoints.ProgressDetail{Current: 300, Total: 1000}},
		{ID: "b2", Status: "Downloading", ProgressDetail: &endpoints.ProgressDetail{Current: 50, Total: 500}},
		{ID: "a1", Status: "Download complete"},
		{ID: "c3", Status: "Already exists"},
	} {
		total.Add(p)
	}
	done, all := total.Bytes()
	fmt.Println(done, all)
	for _, l := range total.Layers() {
		fmt.Println(l.ID, l.Done)
	}
	// Output:
	// 1050 1500
	// a1 true
	// b2 false
	// c3 true
}

// Credentials are picked by the registry host of the reference, never
// another's.
func ExampleConfigFile_AuthFor() {
	dir, _ := os.MkdirTemp("", "docker-config")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths":{
		"127.0.0.1:5000": {"auth": "YWxpY2U6czNjcmV0"},
		"https://index.docker.io/v1/": {"identitytoken": "tok"}}}`), 0o600)
	cfg, err := endpoints.LoadConfigFile(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, ref := range []string{"127.0.0.1:5000/team/app", "127.0.0.1:5001/team/app", "busybox"} {
		a, _ := cfg.AuthFor(context.Background(), ref)
		if a == nil {
			fmt.Println(endpoints.RegistryHost(ref), "none")
			continue
		}
		fmt.Printf("%s %s user=%q token=%q\n", endpoints.RegistryHost(ref), a.ServerAddress, a.Username, a.IdentityToken)
	}
	// Output:
	// 127.0.0.1:5000 127.0.0.1:5000 user="alice" token=""
	// 127.0.0.1:5001 none
	// docker.io https://index.docker.io/v1/ user="" token="tok"
}

// Commit a container's changes as a new image and run it, as docker-py's
// container.commit(repository, tag) and then containers.run.
func ExampleImageService_Commit() {
	cli, stop := mockClient() // an in-process mock daemon; dockwire.FromEnv() in real code
	defer stop()
	ctx := context.Background()

	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image:       "busybox:latest",
		CommandLine: "sh -c 'echo committed > /greeting'",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := cli.Images.Commit(ctx, c.ID, endpoints.ImageCommitOptions{
		Reference: "greeter:v1",
		Changes:   []string{`CMD ["cat", "/greeting"]`},
	}); err != nil {
		log.Fatal(err)
	}
	res, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "greeter:v1", Remove: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", res.Output)
	// Output: committed
}

// Save an image into a file and load it back, as docker-py's
// image.save() written to a file and client.images.load(data).
func ExampleImageService_GetFile() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "save")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "busybox.tar")

	if _, err := cli.Images.GetFile(ctx, "busybox:latest", path, endpoints.ImageGetOptions{}); err != nil {
		log.Fatal(err)
	}
	if _, err := cli.Images.Delete(ctx, "busybox:latest", endpoints.ImageDeleteOptions{Force: true}); err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	loaded, err := cli.Images.Load(ctx, f, endpoints.ImageLoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Images)
	// Output: [busybox:latest]
}
