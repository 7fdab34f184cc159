package conformance

import (
	"slices"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// eventsBetween reads the events of [since, until] that match f, and
// returns them once the daemon ends the stream.
func (e *Env) eventsBetween(since, until time.Time, f wire.Filters) []endpoints.Event {
	e.T.Helper()
	s, err := e.Client.System.Events(e.Ctx, endpoints.SystemEventsOptions{Since: since, Until: until, Filters: f})
	if err != nil {
		e.T.Fatalf("events %v: %v", f, err)
	}
	defer s.Close()
	var out []endpoints.Event
	for s.Next() {
		out = append(out, s.Value())
	}
	if err := s.Err(); err != nil {
		e.T.Fatalf("events %v: %v", f, err)
	}
	return out
}

func actionsOf(evs []endpoints.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type+":"+ev.Action)
	}
	return out
}

// wantActions checks that every event is of typ and that want appear in
// order among their actions.
func (e *Env) wantActions(what string, evs []endpoints.Event, typ string, want ...string) {
	e.T.Helper()
	i := 0
	for _, ev := range evs {
		assert.Equal(e.T, typ, ev.Type, "%s: the filtered stream let through a %s event (%s)", what, ev.Type, ev.Action)
		if i < len(want) && ev.Action == want[i] {
			i++
		}
	}
	assert.Equal(e.T, len(want), i, "%s: the actions %q, want %q in this order", what, actionsOf(evs), want)
}

// eventScenarios are the scenarios of the event stream's filters and time window.
var eventScenarios = []scenario{
	{"events/filter/image-tag", func(e *Env) {
		since := time.Now().Add(-time.Second)
		ref := e.imageRef("evtag")
		e.removeImageLater(ref)
		if _, err := e.Client.Images.Tag(e.Ctx, e.Image, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatalf("tag: %v", err)
		}
		if _, err := e.Client.Images.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
			e.T.Fatalf("untag: %v", err)
		}
		evs := e.eventsBetween(since, time.Now().Add(time.Second), wire.Filters{"type": {"image"}, "image": {ref}})
		// dockerd names the untag event by the image id, not the
		// reference, so the reference filter sees the tag only.
		e.wantActions("image events of "+ref, evs, "image", "tag")
		base, err := e.Client.Images.Inspect(e.Ctx, e.Image, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		for _, ev := range evs {
			if ev.Action == "tag" && (ev.Actor.Attributes["name"] != ref || ev.Actor.ID != base.ID) {
				e.T.Errorf("tag event %+v, want name %s and id %s", ev.Actor, ref, base.ID)
			}
		}
	}},

	{"events/filter/network-connect-disconnect", func(e *Env) {
		since := time.Now().Add(-time.Second)
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-nev-" + e.RunID})
		cid := e.run(command("sleep", "60"), nil)
		if _, err := e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: cid}); err != nil {
			e.T.Fatalf("connect: %v", err)
		}
		if _, err := e.Client.Networks.Disconnect(e.Ctx, id, endpoints.NetworkDisconnectOptions{Container: cid}); err != nil {
			e.T.Fatalf("disconnect: %v", err)
		}
		if _, err := e.Client.Networks.Delete(e.Ctx, id, endpoints.NetworkDeleteOptions{}); err != nil {
			e.T.Fatalf("delete: %v", err)
		}
		evs := e.eventsBetween(since, time.Now().Add(time.Second), wire.Filters{"type": {"network"}, "network": {id}})
		e.wantActions("network events", evs, "network", "create", "connect", "disconnect", "destroy")
		for _, ev := range evs {
			if ev.Actor.ID != id {
				e.T.Errorf("network filter let through %s of %s", ev.Action, ev.Actor.ID)
			}
			if (ev.Action == "connect" || ev.Action == "disconnect") && ev.Actor.Attributes["container"] != cid {
				e.T.Errorf("%s event names container %q, want %s", ev.Action, ev.Actor.Attributes["container"], cid)
			}
		}
	}},

	{"events/filter/volume-create-mount-destroy", func(e *Env) {
		since := time.Now().Add(-time.Second)
		name := "dw-vev-" + e.RunID
		e.newVolume(name)
		id, _, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"true"}}, &endpoints.HostConfig{Binds: []string{name + ":/data"}})
		e.remove(id)
		if _, err := e.Client.Volumes.Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{}); err != nil {
			e.T.Fatalf("delete: %v", err)
		}
		evs := e.eventsBetween(since, time.Now().Add(time.Second), wire.Filters{"type": {"volume"}, "volume": {name}})
		e.wantActions("volume events", evs, "volume", "create", "mount", "unmount", "destroy")
		for _, ev := range evs {
			if ev.Actor.ID != name {
				e.T.Errorf("volume filter let through %s of %s", ev.Action, ev.Actor.ID)
			}
		}
	}},

	// since and until bound the replayed events: a container created
	// before the mark is in the first window only, one created after in
	// the second only.
	{"events/since-until/window-bounds", func(e *Env) {
		start := time.Now().Add(-time.Second)
		before := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		time.Sleep(1100 * time.Millisecond)
		mark := time.Now()
		time.Sleep(1100 * time.Millisecond)
		after := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		end := time.Now().Add(time.Second)
		f := func() wire.Filters {
			return wire.Filters{"type": {"container"}, "event": {"create"}, "label": {e.LabelFilter()}}
		}
		ids := func(evs []endpoints.Event) []string {
			var out []string
			for _, ev := range evs {
				out = append(out, ev.Actor.ID)
				if ev.TimeNano == 0 || ev.Time == 0 {
					e.T.Errorf("event without time: %+v", ev)
				}
			}
			return out
		}
		first := ids(e.eventsBetween(start, mark, f()))
		second := ids(e.eventsBetween(mark, end, f()))
		if !slices.Contains(first, before) || slices.Contains(first, after) {
			e.T.Errorf("events until the mark: %v, want %s and not %s", first, before[:12], after[:12])
		}
		if slices.Contains(second, before) || !slices.Contains(second, after) {
			e.T.Errorf("events since the mark: %v, want %s and not %s", second, after[:12], before[:12])
		}
	}},

	{"events/filter/event-action", func(e *Env) {
		since := time.Now().Add(-time.Second)
		id, _, _ := e.runToExit(command("true"), nil)
		until := time.Now().Add(time.Second)
		tests := []struct {
			events []string
			want   []string
		}{
			{[]string{"die"}, []string{"container:die"}},
			{[]string{"start", "die"}, []string{"container:start", "container:die"}},
			{[]string{"destroy"}, nil},
		}
		for _, tt := range tests {
			evs := e.eventsBetween(since, until, wire.Filters{"container": {id}, "event": tt.events})
			if got := actionsOf(evs); !slices.Equal(got, tt.want) {
				e.T.Errorf("event=%v: %v, want %v", tt.events, got, tt.want)
			}
		}
	}},
}
