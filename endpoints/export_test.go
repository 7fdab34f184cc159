package endpoints

import "github.com/dockwire/dockwire/wire"

// The services over a wire.Client of the package's own tests (a fake
// daemon's). Outside the tests, dockwire.New is the one way to make them.

func NewSystem(w *wire.Client) *SystemService             { return &SystemService{w} }
func NewContainers(w *wire.Client) *ContainerService      { return &ContainerService{w} }
func NewExec(w *wire.Client) *ExecService                 { return &ExecService{w} }
func NewImages(w *wire.Client) *ImageService              { return &ImageService{w} }
func NewDistribution(w *wire.Client) *DistributionService { return &DistributionService{w} }
func NewNetworks(w *wire.Client) *NetworkService          { return &NetworkService{w} }
func NewVolumes(w *wire.Client) *VolumeService            { return &VolumeService{w} }
func NewSwarm(w *wire.Client) *SwarmService               { return &SwarmService{w} }
func NewNodes(w *wire.Client) *NodeService                { return &NodeService{w} }
func NewServices(w *wire.Client) *ServiceService          { return &ServiceService{w} }
func NewTasks(w *wire.Client) *TaskService                { return &TaskService{w} }
func NewSecrets(w *wire.Client) *SecretService            { return &SecretService{w} }
func NewConfigs(w *wire.Client) *ConfigService            { return &ConfigService{w} }
func NewPlugins(w *wire.Client) *PluginService            { return &PluginService{w} }
func NewSession(w *wire.Client) *SessionService           { return &SessionService{w} }
