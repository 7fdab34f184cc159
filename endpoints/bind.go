package endpoints

import (
	"fmt"

	"github.com/dockwire/dockwire/internal/bind"
	"github.com/dockwire/dockwire/wire"
)

func init() { bind.Services = bindServices }

// bindServices is bind.Services: the root package's Client gets its
// services here, the only place they are made.
func bindServices(w *wire.Client, services ...any) error {
	for _, p := range services {
		switch p := p.(type) {
		case **SystemService:
			*p = &SystemService{w}
		case **ContainerService:
			*p = &ContainerService{w}
		case **ExecService:
			*p = &ExecService{w}
		case **ImageService:
			*p = &ImageService{w}
		case **DistributionService:
			*p = &DistributionService{w}
		case **NetworkService:
			*p = &NetworkService{w}
		case **VolumeService:
			*p = &VolumeService{w}
		case **SwarmService:
			*p = &SwarmService{w}
		case **NodeService:
			*p = &NodeService{w}
		case **ServiceService:
			*p = &ServiceService{w}
		case **TaskService:
			*p = &TaskService{w}
		case **SecretService:
			*p = &SecretService{w}
		case **ConfigService:
			*p = &ConfigService{w}
		case **PluginService:
			*p = &PluginService{w}
		case **SessionService:
			*p = &SessionService{w}
		default:
			return fmt.Errorf("endpoints: no service of type %T", p)
		}
	}
	return nil
}
