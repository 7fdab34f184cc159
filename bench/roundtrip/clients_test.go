package roundtrip

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// An op makes one request and decodes the whole answer. With check set it
// also returns a few facts of what it decoded, for TestClientsAgree; the
// benchmarks pass false, so formatting them costs nothing there.
type op func(ctx context.Context, check bool) (string, error)

// impl is one client's way of doing each operation.
type impl struct {
	name  string
	ops   map[string]op
	close func() error
}

// pullRef is what the pull benchmarks ask for; the canned server answers
// any reference with the recorded pull.
const pullRef = "127.0.0.1:5000/dwbench-pull:1"

func newDockwire(sock, id string) (*impl, error) {
	cli, err := dockwire.New(dial.Config{Host: "unix://" + sock}, &dockwire.Options{APIVersion: wire.Version{Major: 1, Minor: 41}})
	if err != nil {
		return nil, err
	}
	return &impl{name: "dockwire", close: cli.Close, ops: map[string]op{
		"Ping": func(ctx context.Context, check bool) (string, error) {
			p, err := cli.System.Ping(ctx, endpoints.SystemPingOptions{})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(p.APIVersion, " ", p.OSType), nil
		},
		"ContainerList": func(ctx context.Context, check bool) (string, error) {
			res, err := cli.Containers.List(ctx, endpoints.ContainerListOptions{All: true})
			if !check || err != nil {
				return "", err
			}
			l := res.Items
			return fmt.Sprint(len(l), " ", l[0].ID, " ", l[len(l)-1].Names, " ", l[0].Labels["com.docker.compose.service"]), nil
		},
		"ContainerInspect": func(ctx context.Context, check bool) (string, error) {
			c, err := cli.Containers.Inspect(ctx, id, endpoints.ContainerInspectOptions{})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(c.ID, " ", c.Name, " ", c.State.Status, " ", c.State.Pid, " ", c.Config.Image), nil
		},
		"ImageList": func(ctx context.Context, check bool) (string, error) {
			res, err := cli.Images.List(ctx, endpoints.ImageListOptions{})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(len(res.Items), " ", res.Items[0].ID, " ", res.Items[0].Size), nil
		},
		"Events": func(ctx context.Context, check bool) (string, error) {
			s, err := cli.System.Events(ctx, endpoints.SystemEventsOptions{})
			if err != nil {
				return "", err
			}
			defer s.Close()
			var n int
			var last endpoints.Event
			for s.Next() {
				last = s.Value()
				n++
			}
			if err := s.Err(); !check || err != nil {
				return "", err
			}
			return fmt.Sprint(n, " ", last.Type, " ", last.Action, " ", last.Actor.ID, " ", last.TimeNano), nil
		},
		"Stats": func(ctx context.Context, check bool) (string, error) {
			s, err := cli.Containers.Stats(ctx, id, endpoints.ContainerStatsOptions{})
			if err != nil {
				return "", err
			}
			defer s.Close()
			var n int
			var last endpoints.ContainerStats
			for s.Next() {
				last = s.Value()
				n++
			}
			if err := s.Err(); !check || err != nil {
				return "", err
			}
			return fmt.Sprint(n, " ", last.CPUStats.CPUUsage.TotalUsage, " ", last.MemoryStats.Usage, " ", last.Read.UnixNano()), nil
		},
		"ImagePull": func(ctx context.Context, check bool) (string, error) {
			var n int
			var last string
			_, err := cli.Images.Pull(ctx, pullRef, endpoints.ImagePullOptions{Progress: func(p endpoints.Progress) {
				n++
				last = p.Status
			}})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(n, " ", last), nil
		},
	}}, nil
}

func newSDK(sock, id string) (*impl, error) {
	cli, err := client.New(client.WithHost("unix://"+sock), client.WithAPIVersion("1.41"))
	if err != nil {
		return nil, err
	}
	return &impl{name: "sdk", close: cli.Close, ops: map[string]op{
		"Ping": func(ctx context.Context, check bool) (string, error) {
			p, err := cli.Ping(ctx, client.PingOptions{})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(p.APIVersion, " ", p.OSType), nil
		},
		"ContainerList": func(ctx context.Context, check bool) (string, error) {
			res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
			if !check || err != nil {
				return "", err
			}
			l := res.Items
			return fmt.Sprint(len(l), " ", l[0].ID, " ", l[len(l)-1].Names, " ", l[0].Labels["com.docker.compose.service"]), nil
		},
		"ContainerInspect": func(ctx context.Context, check bool) (string, error) {
			res, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
			if !check || err != nil {
				return "", err
			}
			c := res.Container
			return fmt.Sprint(c.ID, " ", c.Name, " ", c.State.Status, " ", c.State.Pid, " ", c.Config.Image), nil
		},
		"ImageList": func(ctx context.Context, check bool) (string, error) {
			res, err := cli.ImageList(ctx, client.ImageListOptions{})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(len(res.Items), " ", res.Items[0].ID, " ", res.Items[0].Size), nil
		},
		"Events": func(ctx context.Context, check bool) (string, error) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			res := cli.Events(ctx, client.EventsListOptions{})
			var n int
			var last string
			for {
				select {
				case m := <-res.Messages:
					n++
					if check {
						last = fmt.Sprint(m.Type, " ", m.Action, " ", m.Actor.ID, " ", m.TimeNano)
					}
				case err := <-res.Err:
					if err != io.EOF {
						return "", err
					}
					return fmt.Sprint(n, " ", last), nil
				}
			}
		},
		"Stats": func(ctx context.Context, check bool) (string, error) {
			res, err := cli.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: true})
			if err != nil {
				return "", err
			}
			defer res.Body.Close()
			// As the docker CLI reads it: one decoder over the body.
			dec := json.NewDecoder(res.Body)
			var n int
			var last container.StatsResponse
			for {
				var s container.StatsResponse
				if err := dec.Decode(&s); err == io.EOF {
					break
				} else if err != nil {
					return "", err
				}
				last = s
				n++
			}
			if !check {
				return "", nil
			}
			return fmt.Sprint(n, " ", last.CPUStats.CPUUsage.TotalUsage, " ", last.MemoryStats.Usage, " ", last.Read.UnixNano()), nil
		},
		"ImagePull": func(ctx context.Context, check bool) (string, error) {
			resp, err := cli.ImagePull(ctx, pullRef, client.ImagePullOptions{})
			if err != nil {
				return "", err
			}
			var n int
			var last string
			for m, err := range resp.JSONMessages(ctx) {
				if err != nil {
					return "", err
				}
				n++
				last = m.Status
			}
			if !check {
				return "", nil
			}
			return fmt.Sprint(n, " ", last), nil
		},
	}}, nil
}

// The floor: net/http over the socket, the version pinned in the path,
// each answer decoded into a struct of the few fields a small program
// would read. No client does less work and still decodes the answer.
func newFloor(sock, id string) (*impl, error) {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}
	hc := &http.Client{Transport: tr}
	const base = "http://docker/v1.41"
	do := func(ctx context.Context, method, url string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("%s %s: %s", method, url, resp.Status)
		}
		return resp, nil
	}
	getJSON := func(ctx context.Context, url string, v any) error {
		resp, err := do(ctx, http.MethodGet, url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return json.NewDecoder(resp.Body).Decode(v)
	}
	type summary struct {
		ID     string `json:"Id"`
		Names  []string
		Image  string
		State  string
		Status string
		Labels map[string]string
	}
	type inspect struct {
		ID    string `json:"Id"`
		Name  string
		State struct {
			Status string
			Pid    int
		}
		Config struct{ Image string }
	}
	type image struct {
		ID   string `json:"Id"`
		Size int64
	}
	type event struct {
		Type, Action string
		Actor        struct{ ID string }
		TimeNano     int64 `json:"timeNano"`
	}
	type stats struct {
		Read     time.Time `json:"read"`
		CPUStats struct {
			CPUUsage struct {
				TotalUsage uint64 `json:"total_usage"`
			} `json:"cpu_usage"`
		} `json:"cpu_stats"`
		MemoryStats struct {
			Usage uint64 `json:"usage"`
		} `json:"memory_stats"`
	}
	type progress struct{ Status, ID, Progress string }
	// stream decodes records of T until the end of the body.
	stream := func(ctx context.Context, method, url string, each func(dec *json.Decoder) error) (int, error) {
		resp, err := do(ctx, method, url)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		dec := json.NewDecoder(resp.Body)
		n := 0
		for {
			if err := each(dec); err == io.EOF {
				return n, nil
			} else if err != nil {
				return n, err
			}
			n++
		}
	}
	return &impl{name: "floor", close: func() error { tr.CloseIdleConnections(); return nil }, ops: map[string]op{
		"Ping": func(ctx context.Context, check bool) (string, error) {
			resp, err := do(ctx, http.MethodHead, "http://docker/_ping")
			if err != nil {
				return "", err
			}
			resp.Body.Close()
			if !check {
				return "", nil
			}
			return fmt.Sprint(resp.Header.Get("Api-Version"), " ", resp.Header.Get("Ostype")), nil
		},
		"ContainerList": func(ctx context.Context, check bool) (string, error) {
			var l []summary
			if err := getJSON(ctx, base+"/containers/json?all=1", &l); !check || err != nil {
				return "", err
			}
			return fmt.Sprint(len(l), " ", l[0].ID, " ", l[len(l)-1].Names, " ", l[0].Labels["com.docker.compose.service"]), nil
		},
		"ContainerInspect": func(ctx context.Context, check bool) (string, error) {
			var c inspect
			if err := getJSON(ctx, base+"/containers/"+id+"/json", &c); !check || err != nil {
				return "", err
			}
			return fmt.Sprint(c.ID, " ", c.Name, " ", c.State.Status, " ", c.State.Pid, " ", c.Config.Image), nil
		},
		"ImageList": func(ctx context.Context, check bool) (string, error) {
			var l []image
			if err := getJSON(ctx, base+"/images/json", &l); !check || err != nil {
				return "", err
			}
			return fmt.Sprint(len(l), " ", l[0].ID, " ", l[0].Size), nil
		},
		"Events": func(ctx context.Context, check bool) (string, error) {
			var last event
			n, err := stream(ctx, http.MethodGet, base+"/events", func(dec *json.Decoder) error {
				var e event
				err := dec.Decode(&e)
				if err == nil {
					last = e
				}
				return err
			})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(n, " ", last.Type, " ", last.Action, " ", last.Actor.ID, " ", last.TimeNano), nil
		},
		"Stats": func(ctx context.Context, check bool) (string, error) {
			var last stats
			n, err := stream(ctx, http.MethodGet, base+"/containers/"+id+"/stats?stream=1", func(dec *json.Decoder) error {
				var s stats
				err := dec.Decode(&s)
				if err == nil {
					last = s
				}
				return err
			})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(n, " ", last.CPUStats.CPUUsage.TotalUsage, " ", last.MemoryStats.Usage, " ", last.Read.UnixNano()), nil
		},
		"ImagePull": func(ctx context.Context, check bool) (string, error) {
			var last progress
			n, err := stream(ctx, http.MethodPost, base+"/images/create?fromImage=127.0.0.1:5000/dwbench-pull&tag=1", func(dec *json.Decoder) error {
				var p progress
				err := dec.Decode(&p)
				if err == nil {
					last = p
				}
				return err
			})
			if !check || err != nil {
				return "", err
			}
			return fmt.Sprint(n, " ", last.Status), nil
		},
	}}, nil
}
