package mockdaemon

var kindConfig = objKind{singular: "config", plural: "configs", op: "Config", keepData: true}

// configRoutes: the swarm's configs, served by the handlers of the
// secrets (secrets_routes.go) on their own store.
func (d *Daemon) configRoutes() []route { return d.objRoutes(kindConfig) }
