package mockdaemon

import (
	"net/http"
	"strings"
)

// extState holds the swarm, the plugins and the emulated registry. Its
// fields are guarded by Daemon.mu; the zero value is ready (no swarm, no
// plugin, an empty registry).
type extState struct {
	swarm    *swarmState
	plugins  map[string]*plugin // by id
	registry map[string]*image  // "host:port/repo:tag" pushed to the emulated registry
	index    uint64             // the swarm's version index (raft index stand-in)

	pluginRegistry map[string]map[string]any // plugin configs pushed, by normalised name
	sessions       map[string]bool           // open POST /session ids
}

func (d *Daemon) routesMore() {
	d.route("GET /containers/{id}/attach/ws", "ContainerAttachWebsocket", d.containerAttachWS)

	// swarm
	d.route("GET /swarm", "SwarmInspect", d.swarmInspect)
	d.route("POST /swarm/init", "SwarmInit", d.swarmInit)
	d.route("POST /swarm/join", "SwarmJoin", d.swarmJoin)
	d.route("POST /swarm/leave", "SwarmLeave", d.swarmLeave)
	d.route("POST /swarm/update", "SwarmUpdate", d.swarmUpdate)
	d.route("GET /swarm/unlockkey", "SwarmUnlockkey", d.swarmUnlockKey)
	d.route("POST /swarm/unlock", "SwarmUnlock", d.swarmUnlock)

	d.route("PUT /volumes/{name}", "VolumeUpdate", d.volumeUpdate)

	d.route("GET /nodes", "NodeList", d.nodeList)
	d.route("GET /nodes/{id}", "NodeInspect", d.nodeInspect)
	d.route("DELETE /nodes/{id}", "NodeDelete", d.nodeDelete)
	d.route("POST /nodes/{id}/update", "NodeUpdate", d.nodeUpdate)

	d.route("GET /services", "ServiceList", d.serviceList)
	d.route("POST /services/create", "ServiceCreate", d.serviceCreate)
	d.route("GET /services/{id}", "ServiceInspect", d.serviceInspect)
	d.route("DELETE /services/{id}", "ServiceDelete", d.serviceDelete)
	d.route("POST /services/{id}/update", "ServiceUpdate", d.serviceUpdate)
	d.route("GET /services/{id}/logs", "ServiceLogs", d.serviceLogs)

	d.route("GET /tasks", "TaskList", d.taskList)
	d.route("GET /tasks/{id}", "TaskInspect", d.taskInspect)
	d.route("GET /tasks/{id}/logs", "TaskLogs", d.taskLogs)

	for _, k := range []objKind{kindSecret, kindConfig} {
		base := "/" + k.plural
		d.route("GET "+base, k.op+"List", d.objList(k))
		d.route("POST "+base+"/create", k.op+"Create", d.objCreate(k))
		d.route("GET "+base+"/{id}", k.op+"Inspect", d.objInspect(k))
		d.route("DELETE "+base+"/{id}", k.op+"Delete", d.objDelete(k))
		d.route("POST "+base+"/{id}/update", k.op+"Update", d.objUpdate(k))
	}

	// plugins
	d.route("GET /plugins", "PluginList", d.pluginList)
	d.route("GET /plugins/privileges", "GetPluginPrivileges", d.pluginPrivileges)
	d.route("POST /plugins/pull", "PluginPull", d.pluginPull)
	d.route("POST /plugins/create", "PluginCreate", d.pluginCreate)
	d.mux.HandleFunc("/plugins/{rest...}", d.pluginByName)

	// distribution, session
	d.mux.HandleFunc("/distribution/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/distribution/"), "/json")
		if r.Method != http.MethodGet || !ok || name == "" {
			writeError(w, r, errNotFound("page not found"))
			return
		}
		d.serveOp(w, r, "DistributionInspect", "/distribution/{name}/json", func(w http.ResponseWriter, r *http.Request) { d.distributionInspect(w, r, name) })
	})
	d.route("POST /session", "Session", d.session)
}
