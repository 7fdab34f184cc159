package conformance

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// imageID returns the test image's id ("sha256:..."). A service names its
// image by id so that no node ever tries to pull it from a registry.
func (e *Env) imageID() string {
	e.T.Helper()
	p, err := wire.Path("/images/{}/json", e.Image)
	if err != nil {
		e.T.Fatal(err)
	}
	var img struct {
		ID string `json:"Id"`
	}
	if err := e.Client.Wire().DoJSON(e.Ctx, &wire.Request{Method: "GET", Path: p, Op: "ImageInspect"}, &img); err != nil {
		e.T.Fatalf("image inspect %s: %v", e.Image, err)
	}
	if !strings.HasPrefix(img.ID, "sha256:") {
		e.T.Fatalf("image %s has id %q, want sha256:...", e.Image, img.ID)
	}
	return img.ID
}

// freeLoopbackPort returns a TCP port on 127.0.0.1 free at the time of the
// call.
func freeLoopbackPort(e *Env) int {
	e.T.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.T.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// ignoreGone treats "already gone" and "no swarm any more" as success in
// cleanups.
func ignoreGone(err error) error {
	if errors.Is(err, wire.ErrNotFound) || errors.Is(err, wire.ErrUnavailable) {
		return nil
	}
	return err
}

// swarmScenarios are the scenarios of a swarm from init to leave: services, secrets, configs, nodes, tasks.
var swarmScenarios = []scenario{
	// One scenario for the whole swarm flow: the real daemon is shared, so
	// the swarm is created once and always left at the end.
	{"swarm/lifecycle/init-service-secret-config-update-rollback-leave", func(e *Env) {
		c := e.Client
		sys, sw, nodes := c.System, c.Swarm, c.Nodes
		svcs, tasks := c.Services, c.Tasks
		secrets, configs := c.Secrets, c.Configs

		info, err := sys.Info(e.Ctx, endpoints.SystemInfoOptions{})
		if err != nil {
			e.T.Fatalf("info: %v", err)
		}
		if st := info.Swarm.LocalNodeState; st != "" && st != "inactive" {
			e.T.Skipf("the daemon is already in a swarm (LocalNodeState %q) that this run did not create: not touching it", st)
		}
		imageID := e.imageID()
		// swarm init creates docker_gwbridge and leave keeps it: remove it
		// at the end when this run made it.
		nets := c.Networks
		if _, err := nets.Inspect(e.Ctx, "docker_gwbridge", endpoints.NetworkInspectOptions{}); errors.Is(err, wire.ErrNotFound) {
			e.Cleanup(func(ctx context.Context) error {
				_, err := nets.Delete(ctx, "docker_gwbridge", endpoints.NetworkDeleteOptions{})
				if errors.Is(err, wire.ErrConflict) || errors.Is(err, wire.ErrForbidden) {
					return nil // in use by someone else by now: leave it
				}
				return ignoreGone(err)
			})
		}

		// Init, and leave whatever happens (registered first: runs last).
		listen := "127.0.0.1:" + strconv.Itoa(freeLoopbackPort(e))
		initRes, err := sw.Init(e.Ctx, endpoints.SwarmInitOptions{ListenAddr: listen, AdvertiseAddr: "127.0.0.1",
			DefaultAddrPool: []string{"10.232.0.0/16"}, SubnetSize: 24, Spec: endpoints.SwarmSpec{Labels: e.Labels()}})
		if err != nil {
			e.T.Fatalf("swarm init: %v", err)
		}
		e.Cleanup(func(ctx context.Context) error {
			_, err := sw.Leave(ctx, endpoints.SwarmLeaveOptions{Force: true})
			return ignoreGone(err)
		})
		nodeID := initRes.NodeID
		if nodeID == "" {
			e.T.Errorf("swarm init returned no node id")
		}

		s, err := sw.Inspect(e.Ctx, endpoints.SwarmInspectOptions{})
		if err != nil {
			e.T.Fatalf("swarm inspect: %v", err)
		}
		if s.ID == "" || !strings.HasPrefix(s.JoinTokens.Worker, "SWMTKN-") || !strings.HasPrefix(s.JoinTokens.Manager, "SWMTKN-") ||
			s.SubnetSize != 24 || !slices.Equal(s.DefaultAddrPool, []string{"10.232.0.0/16"}) {
			e.T.Errorf("swarm inspect: %+v", show(s))
		}
		// Init made the routing mesh's network: overlay, swarm-scoped,
		// ingress, with a subnet of the address pool.
		ingress, err := nets.Inspect(e.Ctx, "ingress", endpoints.NetworkInspectOptions{})
		if err != nil || !ingress.Ingress || ingress.Scope != "swarm" || ingress.Driver != "overlay" || len(ingress.ID) != 25 ||
			len(ingress.IPAM.Config) != 1 || !strings.HasPrefix(ingress.IPAM.Config[0].Subnet, "10.232.") {
			e.T.Errorf("ingress network after init: %+v, %v", show(ingress), err)
		}

		// Update: rotate the worker token and turn autolock on, then off.
		inspectSwarm := func(context.Context) (endpoints.SwarmInspectResult, error) {
			return sw.Inspect(e.Ctx, endpoints.SwarmInspectOptions{})
		}
		if err := endpoints.UpdateGuarded(e.Ctx, inspectSwarm, func(_ context.Context, cur endpoints.SwarmInspectResult) error {
			spec := cur.Spec
			spec.EncryptionConfig = &endpoints.EncryptionConfig{AutoLockManagers: true}
			_, err := sw.Update(e.Ctx, endpoints.SwarmUpdateOptions{Version: cur.Version, Spec: spec, RotateWorkerToken: true})
			return err
		}); err != nil {
			e.T.Fatalf("swarm update: %v", err)
		}
		s2, err := sw.Inspect(e.Ctx, endpoints.SwarmInspectOptions{})
		if err != nil {
			e.T.Fatalf("swarm inspect: %v", err)
		}
		if s2.JoinTokens.Worker == s.JoinTokens.Worker || s2.JoinTokens.Manager != s.JoinTokens.Manager || s2.Version.Index <= s.Version.Index {
			e.T.Errorf("after rotating the worker token: worker %q→%q, manager %q→%q, version %d→%d",
				s.JoinTokens.Worker, s2.JoinTokens.Worker, s.JoinTokens.Manager, s2.JoinTokens.Manager, s.Version.Index, s2.Version.Index)
		}
		key, err := sw.UnlockKey(e.Ctx, endpoints.SwarmUnlockKeyOptions{})
		if err != nil || !strings.HasPrefix(key.UnlockKey, "SWMKEY-") {
			e.T.Errorf("unlock key with autolock on: %+v, %v", key, err)
		}
		spec := s2.Spec
		spec.EncryptionConfig = &endpoints.EncryptionConfig{AutoLockManagers: false}
		if err := endpoints.UpdateGuarded(e.Ctx, inspectSwarm, func(_ context.Context, cur endpoints.SwarmInspectResult) error {
			_, err := sw.Update(e.Ctx, endpoints.SwarmUpdateOptions{Version: cur.Version, Spec: spec})
			return err
		}); err != nil {
			e.T.Fatalf("swarm update (autolock off): %v", err)
		}
		// A stale version is refused by the daemon.
		if _, err := sw.Update(e.Ctx, endpoints.SwarmUpdateOptions{Version: s.Version, Spec: spec}); err == nil {
			e.T.Errorf("swarm update with a stale version succeeded")
		}
		// An unlocked manager cannot be unlocked; a member cannot join again.
		var werr *wire.Error
		if _, err := sw.Unlock(e.Ctx, endpoints.SwarmUnlockOptions{UnlockKey: "SWMKEY-1-wrong"}); !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Errorf("unlock of an unlocked swarm: %v, want a *wire.Error", err)
		}
		if _, err := sw.Join(e.Ctx, endpoints.SwarmJoinOptions{ListenAddr: listen, RemoteAddrs: []string{listen}, JoinToken: s2.JoinTokens.Worker}); !errors.Is(err, wire.ErrUnavailable) {
			e.T.Errorf("join while in a swarm: %v, want wire.ErrUnavailable", err)
		}
		// The last manager may not leave without force.
		if _, err := sw.Leave(e.Ctx, endpoints.SwarmLeaveOptions{}); !errors.Is(err, wire.ErrUnavailable) {
			e.T.Errorf("leave without force as the only manager: %v, want wire.ErrUnavailable", err)
		}

		// Nodes: one, this one, the leader.
		ns, err := nodes.List(e.Ctx, endpoints.NodeListOptions{Filters: wire.Filters{"role": {"manager"}}})
		if err != nil {
			e.T.Fatalf("node list: %v", err)
		}
		if len(ns.Items) != 1 || ns.Items[0].ID != nodeID || ns.Items[0].ManagerStatus == nil || !ns.Items[0].ManagerStatus.Leader {
			e.T.Fatalf("node list: %+v, want this node (%s) as the leader", show(ns), nodeID)
		}
		if err := endpoints.UpdateGuarded(e.Ctx, func(context.Context) (endpoints.NodeInspectResult, error) {
			return nodes.Inspect(e.Ctx, nodeID, endpoints.NodeInspectOptions{})
		}, func(_ context.Context, cur endpoints.NodeInspectResult) error {
			nspec := cur.Spec
			nspec.Labels = map[string]string{"dockwire.run": e.RunID}
			_, err := nodes.Update(e.Ctx, nodeID, endpoints.NodeUpdateOptions{Version: cur.Version, Spec: nspec})
			return err
		}); err != nil {
			e.T.Fatalf("node update: %v", err)
		}
		n, err := nodes.Inspect(e.Ctx, nodeID, endpoints.NodeInspectOptions{})
		if err != nil {
			e.T.Fatalf("node inspect: %v", err)
		}
		if n.Spec.Labels["dockwire.run"] != e.RunID || n.Spec.Role != "manager" || n.Status.State != "ready" {
			e.T.Errorf("node inspect after update: %+v", show(n))
		}
		if _, err := nodes.Delete(e.Ctx, nodeID, endpoints.NodeDeleteOptions{}); err == nil {
			e.T.Errorf("deleting the only manager succeeded")
		}

		// A secret and a config.
		secretData := "s3cret-" + e.RunID
		sec, err := secrets.Create(e.Ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "dw-sec-" + e.RunID, Labels: e.Labels(), Data: []byte(secretData)}})
		if err != nil {
			e.T.Fatalf("secret create: %v", err)
		}
		e.Cleanup(func(ctx context.Context) error {
			_, err := secrets.Delete(ctx, sec.ID, endpoints.SecretDeleteOptions{})
			return ignoreGone(err)
		})
		cfgData := "config-" + e.RunID
		cfg, err := configs.Create(e.Ctx, endpoints.ConfigCreateOptions{Spec: endpoints.ConfigSpec{Name: "dw-cfg-" + e.RunID, Labels: e.Labels(), Data: []byte(cfgData)}})
		if err != nil {
			e.T.Fatalf("config create: %v", err)
		}
		e.Cleanup(func(ctx context.Context) error {
			_, err := configs.Delete(ctx, cfg.ID, endpoints.ConfigDeleteOptions{})
			return ignoreGone(err)
		})
		if _, err := secrets.Create(e.Ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "dw-sec-" + e.RunID, Data: []byte("x")}}); !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("secret create with a taken name: %v, want wire.ErrConflict", err)
		}
		si, err := secrets.Inspect(e.Ctx, sec.ID, endpoints.SecretInspectOptions{})
		if err != nil || si.Spec.Name != "dw-sec-"+e.RunID || len(si.Spec.Data) != 0 {
			e.T.Errorf("secret inspect: %+v (data must not come back), %v", show(si), err)
		}
		if err := endpoints.UpdateGuarded(e.Ctx, func(context.Context) (endpoints.SecretInspectResult, error) {
			return secrets.Inspect(e.Ctx, sec.ID, endpoints.SecretInspectOptions{})
		}, func(_ context.Context, cur endpoints.SecretInspectResult) error {
			cur.Spec.Labels["phase"] = "updated"
			_, err := secrets.Update(e.Ctx, sec.ID, endpoints.SecretUpdateOptions{Version: cur.Version, Spec: cur.Spec})
			return err
		}); err != nil {
			e.T.Errorf("secret update (labels): %v", err)
		}
		sl, err := secrets.List(e.Ctx, endpoints.SecretListOptions{Filters: wire.Filters{"label": {"phase=updated"}}})
		if err != nil || len(sl.Items) != 1 || sl.Items[0].ID != sec.ID {
			e.T.Errorf("secret list by the updated label: %+v, %v", show(sl), err)
		}
		ci, err := configs.Inspect(e.Ctx, cfg.ID, endpoints.ConfigInspectOptions{})
		if err != nil || string(ci.Spec.Data) != cfgData {
			e.T.Errorf("config inspect: %+v, %v", show(ci), err)
		}
		cl, err := configs.List(e.Ctx, endpoints.ConfigListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil || len(cl.Items) != 1 || cl.Items[0].ID != cfg.ID {
			e.T.Errorf("config list: %+v, %v", show(cl), err)
		}
		if err := endpoints.UpdateGuarded(e.Ctx, func(context.Context) (endpoints.ConfigInspectResult, error) {
			return configs.Inspect(e.Ctx, cfg.ID, endpoints.ConfigInspectOptions{})
		}, func(_ context.Context, cur endpoints.ConfigInspectResult) error {
			cur.Spec.Labels["phase"] = "updated"
			_, err := configs.Update(e.Ctx, cfg.ID, endpoints.ConfigUpdateOptions{Version: cur.Version, Spec: cur.Spec})
			return err
		}); err != nil {
			e.T.Errorf("config update (labels): %v", err)
		}

		// A service running sleep from the image named by id, with the
		// secret and config mounted; its output shows both.
		grace := time.Second
		marker := "hello-" + e.RunID
		svcSpec := endpoints.ServiceSpec{
			Name:   "dw-svc-" + e.RunID,
			Labels: e.Labels(),
			TaskTemplate: endpoints.TaskSpec{
				ContainerSpec: &endpoints.ContainerSpec{
					Image:           imageID,
					Command:         []string{"sh", "-c", "echo " + marker + "; cat /run/secrets/dwsec; echo; cat /dwcfg; echo; exec sleep 300"},
					StopGracePeriod: &grace,
					Secrets: []endpoints.SecretReference{{SecretID: sec.ID, SecretName: "dw-sec-" + e.RunID,
						File: &endpoints.FileTarget{Name: "dwsec", UID: "0", GID: "0", Mode: 0o400}}},
					Configs: []endpoints.ServiceConfigReference{{ConfigID: cfg.ID, ConfigName: "dw-cfg-" + e.RunID,
						File: &endpoints.FileTarget{Name: "/dwcfg", UID: "0", GID: "0", Mode: 0o444}}},
				},
				RestartPolicy: &endpoints.TaskRestartPolicy{Condition: "none"},
			},
			Mode:           endpoints.Replicated(1),
			UpdateConfig:   &endpoints.UpdateConfig{Parallelism: 1, Monitor: time.Second, FailureAction: "pause", Order: "stop-first"},
			RollbackConfig: &endpoints.UpdateConfig{Parallelism: 1, Monitor: time.Second, FailureAction: "pause", Order: "stop-first"},
		}
		// An overlay network named by name in the spec is stored by id.
		ov, err := nets.Create(e.Ctx, endpoints.NetworkCreateOptions{Name: "dw-ov-" + e.RunID, Driver: "overlay", Attachable: true, Labels: e.Labels()})
		if err != nil {
			e.T.Fatalf("overlay network create: %v", err)
		}
		// (The leave at the end removes it with the swarm.)
		if n, err := nets.Inspect(e.Ctx, ov.ID, endpoints.NetworkInspectOptions{}); err != nil || n.Scope != "swarm" || len(n.ID) != 25 {
			e.T.Errorf("overlay network: %+v, %v", show(n), err)
		}
		svcSpec.TaskTemplate.Networks = []endpoints.NetworkAttachmentConfig{{Target: "dw-ov-" + e.RunID}}
		created, err := svcs.Create(e.Ctx, endpoints.ServiceCreateOptions{Spec: svcSpec})
		if err != nil {
			e.T.Fatalf("service create: %v", err)
		}
		if s, err := svcs.Inspect(e.Ctx, created.ID, endpoints.ServiceInspectOptions{}); err != nil || len(s.Spec.TaskTemplate.Networks) != 1 || s.Spec.TaskTemplate.Networks[0].Target != ov.ID {
			e.T.Errorf("the service's network: %+v, %v, want it by id %s", s.Spec.TaskTemplate.Networks, err, ov.ID)
		}
		e.Cleanup(func(ctx context.Context) error {
			_, err := svcs.Delete(ctx, created.ID, endpoints.ServiceDeleteOptions{})
			return ignoreGone(err)
		})

		// Its task runs.
		var running endpoints.Task
		var lastTasks endpoints.TaskListResult
		ok := eventually(e.Ctx, 60*time.Second, func() bool {
			lastTasks, err = tasks.List(e.Ctx, endpoints.TaskListOptions{Filters: wire.Filters{"service": {created.ID}}})
			for _, t := range lastTasks.Items {
				if t.Status.State == "running" {
					running = t
					return true
				}
			}
			return false
		})
		if !ok {
			e.T.Fatalf("no running task: %+v (last error %v)", show(lastTasks), err)
		}
		if running.ServiceID != created.ID || running.NodeID != nodeID || running.Status.ContainerStatus == nil || running.Spec.ContainerSpec.Image != imageID {
			e.T.Errorf("task: %+v", show(running))
		}
		ti, err := tasks.Inspect(e.Ctx, running.ID, endpoints.TaskInspectOptions{})
		if err != nil || ti.ID != running.ID || ti.DesiredState != "running" {
			e.T.Errorf("task inspect: %+v, %v", show(ti), err)
		}
		// Its logs carry the marker, the secret and the config.
		var logs string
		if !eventually(e.Ctx, 30*time.Second, func() bool {
			logs = e.logsText(svcs.Logs(e.Ctx, created.ID, endpoints.ServiceLogsOptions{}))
			return strings.Contains(logs, marker) && strings.Contains(logs, secretData) && strings.Contains(logs, cfgData)
		}) {
			e.T.Errorf("service logs %q, want %s, the secret and the config", logs, marker)
		}
		if tl := e.logsText(tasks.Logs(e.Ctx, running.ID, endpoints.ServiceLogsOptions{Stdout: true})); !strings.Contains(tl, marker) {
			e.T.Errorf("task logs %q, want %s", tl, marker)
		}
		list, err := svcs.List(e.Ctx, endpoints.ServiceListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}, Status: true})
		if err != nil || len(list.Items) != 1 || list.Items[0].ID != created.ID || list.Items[0].ServiceStatus == nil || list.Items[0].ServiceStatus.DesiredTasks != 1 {
			e.T.Errorf("service list with status: %+v, %v", show(list), err)
		}

		// Update (a label and an env var), then roll back.
		waitUpdate := func(want string) endpoints.ServiceInspectResult {
			var svc endpoints.ServiceInspectResult
			if !eventually(e.Ctx, 60*time.Second, func() bool {
				svc, err = svcs.Inspect(e.Ctx, created.ID, endpoints.ServiceInspectOptions{})
				return err == nil && svc.UpdateStatus != nil && svc.UpdateStatus.State == want
			}) {
				e.T.Fatalf("service never reached update state %q: %+v (%v)", want, svc.UpdateStatus, err)
			}
			return svc
		}
		inspectService := func(context.Context) (endpoints.ServiceInspectResult, error) {
			return svcs.Inspect(e.Ctx, created.ID, endpoints.ServiceInspectOptions{})
		}
		if err := endpoints.UpdateGuarded(e.Ctx, inspectService, func(_ context.Context, cur endpoints.ServiceInspectResult) error {
			upd := cur.Spec
			upd.Labels = e.Labels("phase=2")
			upd.TaskTemplate.ContainerSpec.Env = []string{"PHASE=2"}
			_, err := svcs.Update(e.Ctx, created.ID, endpoints.ServiceUpdateOptions{Version: cur.Version, Spec: upd})
			return err
		}); err != nil {
			e.T.Fatalf("service update: %v", err)
		}
		svc := waitUpdate("completed")
		if svc.Spec.Labels["phase"] != "2" || !slices.Contains(svc.Spec.TaskTemplate.ContainerSpec.Env, "PHASE=2") || svc.PreviousSpec == nil {
			e.T.Errorf("after update: spec %+v, previous %+v", show(svc.Spec), show(svc.PreviousSpec))
		}
		if svc.UpdateStatus.Message != "update completed" || svc.UpdateStatus.CompletedAt == "" {
			e.T.Errorf("UpdateStatus after the update: %+v, want swarmkit's \"update completed\"", show(svc.UpdateStatus))
		}
		// The slot's history: the replaced task shut down, the new one of
		// the new spec running in the same slot.
		wantHistory := func(when string, env string, n int) {
			hist, err := tasks.List(e.Ctx, endpoints.TaskListOptions{Filters: wire.Filters{"service": {created.ID}}})
			if err != nil {
				e.T.Fatalf("task list %s: %v", when, err)
			}
			var live, gone int
			for _, t := range hist.Items {
				switch {
				case t.Slot != running.Slot:
					e.T.Errorf("task list %s: task in slot %d, want all in %d", when, t.Slot, running.Slot)
				case t.DesiredState == "running":
					live++
					if t.Status.State != "running" || slices.Contains(t.Spec.ContainerSpec.Env, "PHASE=2") != (env != "") {
						e.T.Errorf("task list %s: the running task %+v", when, show(t))
					}
				case t.DesiredState == "shutdown" && t.Status.State == "shutdown":
					gone++
				default:
					e.T.Errorf("task list %s: task %+v, want running or shut down", when, show(t))
				}
			}
			if live != 1 || gone != n {
				e.T.Errorf("task list %s: %d running and %d shut down, want 1 and %d", when, live, gone, n)
			}
		}
		wantHistory("after the update", "PHASE=2", 1)
		if err := endpoints.UpdateGuarded(e.Ctx, inspectService, func(_ context.Context, cur endpoints.ServiceInspectResult) error {
			_, err := svcs.Update(e.Ctx, created.ID, endpoints.ServiceUpdateOptions{Version: cur.Version, Spec: cur.Spec, Rollback: true})
			return err
		}); err != nil {
			e.T.Fatalf("service rollback: %v", err)
		}
		svc = waitUpdate("rollback_completed")
		if _, ok := svc.Spec.Labels["phase"]; ok || slices.Contains(svc.Spec.TaskTemplate.ContainerSpec.Env, "PHASE=2") {
			e.T.Errorf("after rollback the spec is still the updated one: %+v", show(svc.Spec))
		}
		if svc.UpdateStatus.Message != "rollback completed" {
			e.T.Errorf("UpdateStatus after the rollback: %+v, want swarmkit's \"rollback completed\"", show(svc.UpdateStatus))
		}
		wantHistory("after the rollback", "", 2)

		if _, err := svcs.Delete(e.Ctx, created.ID, endpoints.ServiceDeleteOptions{}); err != nil {
			e.T.Errorf("service delete: %v", err)
		}
		if _, err := svcs.Inspect(e.Ctx, created.ID, endpoints.ServiceInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("inspect of a deleted service: %v, want wire.ErrNotFound", err)
		}

		// Leave: the swarm is gone.
		if _, err := sw.Leave(e.Ctx, endpoints.SwarmLeaveOptions{Force: true}); err != nil {
			e.T.Fatalf("leave --force: %v", err)
		}
		if _, err := sw.Inspect(e.Ctx, endpoints.SwarmInspectOptions{}); !errors.Is(err, wire.ErrUnavailable) {
			e.T.Errorf("swarm inspect after leave: %v, want wire.ErrUnavailable", err)
		}
		if info, err := sys.Info(e.Ctx, endpoints.SystemInfoOptions{}); err != nil || info.Swarm.LocalNodeState != "inactive" {
			e.T.Errorf("info after leave: LocalNodeState %q, %v", info.Swarm.LocalNodeState, err)
		}
	}},
}
