package mockdaemon

// extState holds the swarm, the plugins and the emulated registry. Its
// fields are guarded by Daemon.mu; the zero value is ready (no swarm, no
// plugin, an empty registry).
type extState struct {
	swarm   *swarmState
	plugins map[string]*plugin // by id
	index   uint64             // the swarm's version index (raft index stand-in)

}
