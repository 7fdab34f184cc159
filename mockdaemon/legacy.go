package mockdaemon

import "net/http"

// legacy adapts a handler that writes its own errors; it goes once every
// resource has moved to its own route file.
func legacy(h func(http.ResponseWriter, *http.Request)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		h(w, r)
		return nil
	}
}

func legacyNamed(h func(http.ResponseWriter, *http.Request, string)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		h(w, r, r.PathValue("name"))
		return nil
	}
}

func (d *Daemon) legacyRoutes() []route {
	rs := []route{
		// images
		{"GET", "/images/json", "ImageList", legacy(d.imageList)},
		{"POST", "/images/create", "ImageCreate", legacy(d.imageCreate)},
		{"POST", "/images/prune", "ImagePrune", legacy(d.imagePrune)},
		{"GET", "/images/get", "ImageGetAll", legacy(d.imageGetAll)},
		{"POST", "/images/load", "ImageLoad", legacy(d.imageLoad)},
		{"GET", "/images/search", "ImageSearch", legacy(d.imageSearch)},
		{"POST", "/commit", "ImageCommit", legacy(d.commit)},
		{"POST", "/build", "ImageBuild", legacy(d.imageBuild)},
		{"POST", "/build/prune", "BuildPrune", legacy(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"CachesDeleted": []string{}, "SpaceReclaimed": 0})
		})},
		{"GET", "/images/{name...}/json", "ImageInspect", legacyNamed(d.imageInspect)},
		{"GET", "/images/{name...}/history", "ImageHistory", legacyNamed(d.imageHistory)},
		{"POST", "/images/{name...}/push", "ImagePush", legacyNamed(d.imagePush)},
		{"POST", "/images/{name...}/tag", "ImageTag", legacyNamed(d.imageTag)},
		{"GET", "/images/{name...}/get", "ImageGet", legacyNamed(func(w http.ResponseWriter, r *http.Request, name string) { d.imageSave(w, r, []string{name}) })},
		{"GET", "/images/{name...}/attestations", "ImageAttestations", legacyNamed(d.imageAttestations)},
		{"DELETE", "/images/{name...}", "ImageDelete", legacyNamed(d.imageDelete)},

		// swarm
		{"GET", "/swarm", "SwarmInspect", legacy(d.swarmInspect)},
		{"POST", "/swarm/init", "SwarmInit", legacy(d.swarmInit)},
		{"POST", "/swarm/join", "SwarmJoin", legacy(d.swarmJoin)},
		{"POST", "/swarm/leave", "SwarmLeave", legacy(d.swarmLeave)},
		{"POST", "/swarm/update", "SwarmUpdate", legacy(d.swarmUpdate)},
		{"GET", "/swarm/unlockkey", "SwarmUnlockkey", legacy(d.swarmUnlockKey)},
		{"POST", "/swarm/unlock", "SwarmUnlock", legacy(d.swarmUnlock)},

		{"GET", "/nodes", "NodeList", legacy(d.nodeList)},
		{"GET", "/nodes/{id}", "NodeInspect", legacy(d.nodeInspect)},
		{"DELETE", "/nodes/{id}", "NodeDelete", legacy(d.nodeDelete)},
		{"POST", "/nodes/{id}/update", "NodeUpdate", legacy(d.nodeUpdate)},

		{"GET", "/services", "ServiceList", legacy(d.serviceList)},
		{"POST", "/services/create", "ServiceCreate", legacy(d.serviceCreate)},
		{"GET", "/services/{id}", "ServiceInspect", legacy(d.serviceInspect)},
		{"DELETE", "/services/{id}", "ServiceDelete", legacy(d.serviceDelete)},
		{"POST", "/services/{id}/update", "ServiceUpdate", legacy(d.serviceUpdate)},
		{"GET", "/services/{id}/logs", "ServiceLogs", legacy(d.serviceLogs)},

		{"GET", "/tasks", "TaskList", legacy(d.taskList)},
		{"GET", "/tasks/{id}", "TaskInspect", legacy(d.taskInspect)},
		{"GET", "/tasks/{id}/logs", "TaskLogs", legacy(d.taskLogs)},
	}
	for _, k := range []objKind{kindSecret, kindConfig} {
		base := "/" + k.plural
		rs = append(rs,
			route{"GET", base, k.op + "List", legacy(d.objList(k))},
			route{"POST", base + "/create", k.op + "Create", legacy(d.objCreate(k))},
			route{"GET", base + "/{id}", k.op + "Inspect", legacy(d.objInspect(k))},
			route{"DELETE", base + "/{id}", k.op + "Delete", legacy(d.objDelete(k))},
			route{"POST", base + "/{id}/update", k.op + "Update", legacy(d.objUpdate(k))},
		)
	}
	return append(rs,
		// plugins
		route{"GET", "/plugins", "PluginList", legacy(d.pluginList)},
		route{"GET", "/plugins/privileges", "GetPluginPrivileges", legacy(d.pluginPrivileges)},
		route{"POST", "/plugins/pull", "PluginPull", legacy(d.pluginPull)},
		route{"POST", "/plugins/create", "PluginCreate", legacy(d.pluginCreate)},
		route{"GET", "/plugins/{name...}/json", "PluginInspect", legacyNamed(d.pluginInspect)},
		route{"POST", "/plugins/{name...}/enable", "PluginEnable", legacyNamed(d.pluginEnable)},
		route{"POST", "/plugins/{name...}/disable", "PluginDisable", legacyNamed(d.pluginDisable)},
		route{"POST", "/plugins/{name...}/upgrade", "PluginUpgrade", legacyNamed(d.pluginUpgrade)},
		route{"POST", "/plugins/{name...}/push", "PluginPush", legacyNamed(d.pluginPush)},
		route{"POST", "/plugins/{name...}/set", "PluginSet", legacyNamed(d.pluginSet)},
		route{"DELETE", "/plugins/{name...}", "PluginDelete", legacyNamed(d.pluginDelete)},

		// distribution, session
	)
}
