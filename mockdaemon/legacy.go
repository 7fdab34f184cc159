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
	rs := []route{}
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
