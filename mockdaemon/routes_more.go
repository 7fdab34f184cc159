package mockdaemon

// extState holds the plugins. Its fields are guarded by Daemon.mu; the
// zero value is ready (no plugin).
type extState struct {
	plugins map[string]*plugin // by id
}
