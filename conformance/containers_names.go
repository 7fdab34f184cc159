package conformance

import (
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// The API reports names with a leading "/" (Names[0], Inspect's Name);
	// such a name addresses the container, as it does in the docker CLI
	// (issue 14: dockerd redirects /containers//web/json, and the client
	// showed "301: Moved Permanently").
	register("containers/names/leading-slash", func(e *Env) {
		name := "dw-slash-" + e.RunID
		id := e.create(endpoints.ContainerCreateOptions{Name: name, Config: endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}})
		list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"id": {id}}})
		if err != nil || len(list.Items) != 1 || len(list.Items[0].Names) == 0 {
			e.T.Fatalf("list by id: %+v %v", list, err)
		}
		slashed := list.Items[0].Names[0]
		if slashed != "/"+name {
			e.T.Fatalf("Names[0] = %q, want %q", slashed, "/"+name)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, slashed, endpoints.ContainerInspectOptions{})
		if err != nil || c.ID != id {
			e.T.Fatalf("inspect %q: id %q, %v", slashed, c.ID, err)
		}
		if _, err := e.Client.Containers.Start(e.Ctx, c.Name, endpoints.ContainerStartOptions{}); err != nil {
			e.T.Fatalf("start %q: %v", c.Name, err)
		}
		zero := 0
		if _, err := e.Client.Containers.Stop(e.Ctx, slashed, endpoints.ContainerStopOptions{Timeout: &zero}); err != nil {
			e.T.Fatalf("stop %q: %v", slashed, err)
		}
		if st := e.state(id); st.Running {
			e.T.Errorf("still running after stop by %q", slashed)
		}
	})

	// docker-py's remove(link=True): DELETE /containers/{parent}/{alias}?link=1
	// removes a legacy link, the parent named as the API names it.
	register("containers/delete/link-alias", func(e *Env) {
		db := e.create(endpoints.ContainerCreateOptions{Name: "dw-db-" + e.RunID, Config: endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}})
		e.start(db)
		web := "dw-web-" + e.RunID
		webID := e.create(endpoints.ContainerCreateOptions{Name: web, Config: endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}},
			HostConfig: &endpoints.HostConfig{Links: []string{"dw-db-" + e.RunID + ":al"}}})
		e.start(webID)
		if _, err := e.Client.Containers.Delete(e.Ctx, "/"+web+"/al", endpoints.ContainerDeleteOptions{RemoveLinks: true}); err != nil {
			e.T.Fatalf("remove link /%s/al: %v", web, err)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, webID, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if c.HostConfig != nil && len(c.HostConfig.Links) != 0 {
			e.T.Errorf("links after removal: %v", c.HostConfig.Links)
		}
		if _, err := e.Client.Containers.Inspect(e.Ctx, db, endpoints.ContainerInspectOptions{}); err != nil {
			e.T.Errorf("the linked container went with the link: %v", err)
		}
	})
}
