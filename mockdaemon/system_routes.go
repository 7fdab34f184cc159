package mockdaemon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"
)

// systemRoutes: ping, version, info, disk usage, events and registry
// login.
func (d *Daemon) systemRoutes() []route {
	return []route{
		{"GET", "/_ping", "SystemPing", d.ping},
		{"HEAD", "/_ping", "SystemPingHead", d.ping},
		{"GET", "/version", "SystemVersion", d.version},
		{"GET", "/info", "SystemInfo", d.info},
		{"GET", "/system/df", "SystemDataUsage", d.systemDF},
		{"GET", "/events", "SystemEvents", d.eventsHandler},
		{"POST", "/auth", "SystemAuth", d.auth},
	}
}

const (
	mockKernel    = "6.1.0-mock"
	mockGitCommit = "0000000"
	mockMemTotal  = 8 << 30
	mockNCPU      = 2
)

func (d *Daemon) ping(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	h.Set("Pragma", "no-cache")
	h.Set("Builder-Version", "1") // the classic builder only: clients must not try BuildKit
	if infoOf(r).version.atLeast("1.42") {
		h.Set("Swarm", d.swarmPingState())
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if r.Method == http.MethodHead {
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("OK"))
	return nil
}

func (d *Daemon) version(w http.ResponseWriter, r *http.Request) error {
	arch := runtime.GOARCH
	details := map[string]any{
		"ApiVersion":    d.maxVersion.String(),
		"Arch":          arch,
		"BuildTime":     "2026-01-01T00:00:00.000000000+00:00",
		"Experimental":  "false",
		"GitCommit":     mockGitCommit,
		"GoVersion":     runtime.Version(),
		"KernelVersion": mockKernel,
		"MinAPIVersion": d.minVersion.String(),
		"Os":            "linux",
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"Platform": map[string]any{"Name": "Docker Engine - Mock"},
		"Components": []any{
			map[string]any{"Name": "Engine", "Version": d.cfg.ServerVersion, "Details": details},
		},
		"Version":       d.cfg.ServerVersion,
		"ApiVersion":    d.maxVersion.String(),
		"MinAPIVersion": d.minVersion.String(),
		"GitCommit":     mockGitCommit,
		"GoVersion":     runtime.Version(),
		"Os":            "linux",
		"Arch":          arch,
		"KernelVersion": mockKernel,
		"BuildTime":     "2026-01-01T00:00:00.000000000+00:00",
	})
}

func (d *Daemon) info(w http.ResponseWriter, r *http.Request) error {
	var running, paused, stopped, total, nimages int
	var swarm map[string]any
	_ = d.locked(func() error {
		swarm = d.swarmInfoLocked()
		for _, c := range d.containers {
			switch c.state.Status {
			case "running", "restarting":
				running++
			case "paused":
				paused++
			default:
				stopped++
			}
		}
		total = len(d.containers)
		nimages = d.images.count()
		return nil
	})
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"ID":                 "MOCK:DAEMON:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000",
		"Containers":         total,
		"ContainersRunning":  running,
		"ContainersPaused":   paused,
		"ContainersStopped":  stopped,
		"Images":             nimages,
		"Driver":             "overlay2",
		"DriverStatus":       [][2]string{{"Backing Filesystem", "memory"}, {"Supports d_type", "true"}},
		"Plugins":            map[string]any{"Volume": []string{"local"}, "Network": []string{"bridge", "host", "none", "null"}, "Authorization": nil, "Log": []string{"json-file", "local"}},
		"MemoryLimit":        true,
		"SwapLimit":          true,
		"CpuCfsPeriod":       true,
		"CpuCfsQuota":        true,
		"CPUShares":          true,
		"CPUSet":             true,
		"PidsLimit":          true,
		"IPv4Forwarding":     true,
		"Debug":              false,
		"NFd":                20,
		"OomKillDisable":     false,
		"NGoroutines":        runtime.NumGoroutine(),
		"SystemTime":         d.now().Format("2006-01-02T15:04:05.999999999Z07:00"),
		"LoggingDriver":      "json-file",
		"CgroupDriver":       "cgroupfs",
		"CgroupVersion":      "2",
		"NEventsListener":    d.events.listeners(),
		"KernelVersion":      mockKernel,
		"OperatingSystem":    "Mock Linux",
		"OSVersion":          "1",
		"OSType":             "linux",
		"Architecture":       arch,
		"IndexServerAddress": "https://index.docker.io/v1/",
		"RegistryConfig": map[string]any{
			"IndexConfigs":          map[string]any{"docker.io": map[string]any{"Name": "docker.io", "Mirrors": []string{}, "Secure": true, "Official": true}},
			"InsecureRegistryCIDRs": []string{"127.0.0.0/8"},
			"Mirrors":               []string{},
		},
		"NCPU":               mockNCPU,
		"MemTotal":           mockMemTotal,
		"GenericResources":   nil,
		"DockerRootDir":      daemonRoot,
		"HttpProxy":          "",
		"HttpsProxy":         "",
		"NoProxy":            "",
		"Name":               d.cfg.Hostname,
		"Labels":             []string{},
		"ExperimentalBuild":  false,
		"ServerVersion":      d.cfg.ServerVersion,
		"Runtimes":           map[string]any{"runc": map[string]any{"path": "runc"}},
		"DefaultRuntime":     "runc",
		"Swarm":              swarm,
		"LiveRestoreEnabled": false,
		"Isolation":          "",
		"InitBinary":         "docker-init",
		"ContainerdCommit":   map[string]any{"ID": mockGitCommit},
		"RuncCommit":         map[string]any{"ID": mockGitCommit},
		"InitCommit":         map[string]any{"ID": mockGitCommit},
		"SecurityOptions":    []string{"name=seccomp,profile=builtin", "name=cgroupns"},
		"DefaultAddressPools": []any{
			map[string]any{"Base": "172.17.0.0/16", "Size": 16},
		},
		"Warnings": nil,
	})
}

func (d *Daemon) systemDF(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	verbose := boolParam(r, "verbose")
	types := r.URL.Query()["type"]
	want := func(t string) bool { return len(types) == 0 || slices.Contains(types, t) }
	var imgs, ctrs, vols []any
	var ctrActive, volActive int
	_ = d.locked(func() error {
		// the images of the list without all (dockerd's df asks for
		// those): no untagged image with children
		var listed []*image
		children := d.images.children()
		for _, im := range d.images.sorted() {
			if len(im.tags) == 0 && len(im.digests) == 0 && children[im.id] > 0 {
				continue
			}
			listed = append(listed, im)
		}
		counts, shared := d.imageContainerCountsLocked(), sharedSizes(listed)
		for _, im := range listed {
			m := im.summary(ver, counts[im.id])
			m["SharedSize"] = shared[im.id]
			imgs = append(imgs, m)
		}
		for _, c := range d.sortedContainersLocked() {
			ctrs = append(ctrs, d.containerSummaryLocked(c, true, ver))
			if c.state.Running {
				ctrActive++
			}
		}
		for _, v := range d.sortedVolumesLocked() {
			if len(v.options) > 0 {
				continue // dockerd's LocalVolumesSize: the volumes without options
			}
			refs := d.volumeRefCountLocked(v.name)
			vols = append(vols, v.json(refs))
			if refs > 0 {
				volActive++
			}
		}
		return nil
	})
	var layers, imgActive int64
	for _, s := range imgs {
		m := s.(map[string]any)
		layers += m["Size"].(int64)
		if m["Containers"].(int) > 0 {
			imgActive++
		}
	}
	if imgs == nil {
		imgs = []any{}
	}
	if ctrs == nil {
		ctrs = []any{}
	}
	if vols == nil {
		vols = []any{}
	}
	out := map[string]any{}
	legacy := !ver.atLeast("1.52") || (ver == apiVersion{1, 52} && !verbose)
	if legacy {
		out["LayersSize"] = layers
		if want("image") {
			out["Images"] = imgs
		}
		if want("container") {
			out["Containers"] = ctrs
		}
		if want("volume") {
			out["Volumes"] = vols
		}
		if want("build-cache") {
			// the classic builder's cache is images: BuildKit's is empty,
			// null before 1.42, when BuilderSize (always 0) went away
			out["BuildCache"] = []any{}
			if !ver.atLeast("1.42") {
				out["BuildCache"] = nil
				out["BuilderSize"] = 0
			}
		}
	}
	if ver.atLeast("1.52") {
		usage := func(active, total int64, size int64, items []any) map[string]any {
			m := map[string]any{"ActiveCount": active, "TotalCount": total, "Reclaimable": 0, "TotalSize": size}
			if verbose {
				m["Items"] = items
			}
			return m
		}
		if want("image") {
			out["ImageUsage"] = usage(imgActive, int64(len(imgs)), layers, imgs)
		}
		if want("container") {
			out["ContainerUsage"] = usage(int64(ctrActive), int64(len(ctrs)), 0, ctrs)
		}
		if want("volume") {
			out["VolumeUsage"] = usage(int64(volActive), int64(len(vols)), 0, vols)
		}
		if want("build-cache") {
			out["BuildCacheUsage"] = usage(0, 0, 0, []any{})
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// auth accepts any credentials with a user name, like a registry that
// says yes; an empty user name is refused as a registry would.
func (d *Daemon) auth(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Username      string `json:"username"`
		Password      string `json:"password"`
		ServerAddress string `json:"serveraddress"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if handled, err := d.registryLogin(infoOf(r).version, body.Username, body.Password, body.ServerAddress); handled {
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]any{"Status": "Login Succeeded", "IdentityToken": ""})
	}
	if body.Username == "" {
		return &apiError{http.StatusUnauthorized, "Get \"https://" + registryHost(body.ServerAddress) + "/v2/\": unauthorized: incorrect username or password"}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"Status": "Login Succeeded", "IdentityToken": ""})
}

func registryHost(addr string) string {
	addr = strings.TrimPrefix(strings.TrimPrefix(addr, "https://"), "http://")
	addr, _, _ = strings.Cut(addr, "/")
	if addr == "" || addr == "index.docker.io" {
		return "registry-1.docker.io"
	}
	return addr
}

func (d *Daemon) eventsHandler(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	since, until, err := parseWindow(r)
	if err != nil {
		return err
	}
	if !since.IsZero() && !until.IsZero() && since.After(until) {
		q := r.URL.Query()
		return errInvalid(fmt.Sprintf("`since` time (%s) cannot be after `until` time (%s)", q.Get("since"), q.Get("until")))
	}
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	past, ch := d.events.subscribe()
	defer d.events.unsubscribe(ch)

	ct := "application/json"
	if acc := r.Header.Get("Accept"); strings.Contains(acc, "application/x-ndjson") {
		ct = "application/x-ndjson"
	} else if strings.Contains(acc, "application/jsonl") {
		ct = "application/jsonl"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	flush(w)
	enc := json.NewEncoder(w)
	inWindow := func(e *event) bool {
		if !since.IsZero() && e.Time.Before(since) {
			return false
		}
		if !until.IsZero() && e.Time.After(until) {
			return false
		}
		return true
	}
	if !since.IsZero() || !until.IsZero() {
		for _, e := range past {
			if inWindow(e) && f.eventMatch(e) {
				if enc.Encode(e.json(ver)) != nil {
					return nil
				}
			}
		}
		flush(w)
	}
	var timeout <-chan time.Time
	if !until.IsZero() {
		wait := until.Sub(d.now())
		if wait <= 0 {
			return nil
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-timeout:
			return nil
		case e, ok := <-ch:
			if !ok {
				return nil
			}
			if !inWindow(e) {
				if !until.IsZero() && e.Time.After(until) {
					return nil
				}
				continue
			}
			if f.eventMatch(e) {
				if enc.Encode(e.json(ver)) != nil {
					return nil
				}
				flush(w)
			}
		}
	}
}

// sharedSizes is each image's SharedSize as dockerd's df counts it: the
// size of its layers (each named by its chain, the diff ids up to it)
// that another of the images holds too.
func sharedSizes(images []*image) map[string]int64 {
	chain := func(ls []layer, i int) string {
		ids := make([]string, i+1)
		for j := range ids {
			ids[j] = ls[j].diffID
		}
		return strings.Join(ids, " ")
	}
	refs := map[string]int{}
	for _, im := range images {
		for i := range im.layers {
			refs[chain(im.layers, i)]++
		}
	}
	out := map[string]int64{}
	for _, im := range images {
		out[im.id] = 0
		for i, l := range im.layers {
			if refs[chain(im.layers, i)] > 1 {
				out[im.id] += l.size
			}
		}
	}
	return out
}
