package conformance

import (
	"context"
	"errors"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// Pushing a tag the daemon does not have fails typed (dockerd reports
	// it inside the push stream).
	register("images/push/missing-local-image", func(e *Env) {
		ref := closedRegistry + "/dw-missing-" + e.RunID + ":v1"
		_, err := e.Client.Images.Push(e.Ctx, ref, endpoints.ImagePushOptions{})
		if !typedFailure(err) {
			e.T.Errorf("push of missing %s: %v, want a *wire.Error or *wire.StreamError", ref, err)
		}
	})

	// Pushing to a registry nobody listens on fails typed, and the tag is
	// still there afterwards.
	register("images/push/closed-port-registry", func(e *Env) {
		ref := closedRegistry + "/" + e.imageRef("push")
		e.removeImageLater(ref)
		if _, err := e.Client.Images.Tag(e.Ctx, e.Image, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatalf("tag: %v", err)
		}
		_, err := e.Client.Images.Push(e.Ctx, ref, endpoints.ImagePushOptions{})
		if !typedFailure(err) {
			e.T.Errorf("push to %s: %v, want a *wire.Error or *wire.StreamError", closedRegistry, err)
		}
		if _, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{}); err != nil {
			e.T.Errorf("inspect %s after the failed push: %v", ref, err)
		}
	})

	register("images/search/closed-port-registry", func(e *Env) {
		res, err := e.Client.Images.Search(e.Ctx, closedRegistry+"/dw-"+e.RunID, endpoints.ImageSearchOptions{Limit: 5})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Errorf("search on %s: %v (%d results), want a *wire.Error", closedRegistry, err, len(res.Items))
		}
	})

	register("images/search/negative-limit-refused", func(e *Env) {
		_, err := e.Client.Images.Search(e.Ctx, "busybox", endpoints.ImageSearchOptions{Limit: -1})
		var ae *endpoints.ArgError
		if !errors.As(err, &ae) {
			e.T.Errorf("search with Limit -1: %v, want *endpoints.ArgError", err)
		}
	})

	// Attestations need API 1.55: refused before any I/O below it; at or
	// above it, an imported image has none.
	register("images/attestations/version-gated", func(e *Env) {
		if !e.apiAtLeast(55) {
			e.wantVersionError("attestations below 1.55", func(ctx context.Context) error {
				_, err := e.Client.Images.Attestations(ctx, e.Image, endpoints.ImageAttestationsOptions{})
				return err
			})
			return
		}
		st, err := e.Client.Images.Attestations(e.Ctx, e.Image, endpoints.ImageAttestationsOptions{})
		if err != nil {
			e.T.Fatalf("attestations of %s: %v", e.Image, err)
		}
		if len(st.Items) != 0 {
			e.T.Errorf("attestations of an imported image: %+v, want none", st)
		}
		_, err = e.Client.Images.Attestations(e.Ctx, "dw-missing-"+e.RunID+":v1", endpoints.ImageAttestationsOptions{})
		if !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("attestations of a missing image: %v, want wire.ErrNotFound", err)
		}
	})

	register("images/build-prune/ok", func(e *Env) {
		res, err := e.Client.Images.BuildPrune(e.Ctx, endpoints.ImageBuildPruneOptions{Filters: wire.Filters{"until": {"24h"}}})
		if err != nil {
			e.T.Fatalf("build prune: %v", err)
		}
		for _, id := range res.CachesDeleted {
			if id == "" {
				e.T.Errorf("build prune reported an empty cache id: %+v", res)
			}
		}
	})

	// MaxUsedSpace needs API 1.48: refused before any I/O below it.
	register("images/build-prune/max-used-space-version-gated", func(e *Env) {
		if e.apiAtLeast(48) {
			e.T.Skip("the negotiated API is 1.48 or newer: MaxUsedSpace is allowed, nothing to refuse")
		}
		e.wantVersionError("build prune MaxUsedSpace below 1.48", func(ctx context.Context) error {
			_, err := e.Client.Images.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{MaxUsedSpace: 1 << 30})
			return err
		})
	})

	register("images/errors/not-found", func(e *Env) {
		missing := "dw-missing-" + e.RunID + ":v1"
		is := e.Client.Images
		checks := []struct {
			what string
			err  error
		}{
			{"inspect", func() error { _, err := is.Inspect(e.Ctx, missing, endpoints.ImageInspectOptions{}); return err }()},
			{"history", func() error { _, err := is.History(e.Ctx, missing, endpoints.ImageHistoryOptions{}); return err }()},
			{"tag", func() error {
				_, err := is.Tag(e.Ctx, missing, "dw-target-"+e.RunID+":v1", endpoints.ImageTagOptions{})
				return err
			}()},
		}
		for _, c := range checks {
			var werr *wire.Error
			if !errors.Is(c.err, wire.ErrNotFound) || !errors.As(c.err, &werr) {
				e.T.Errorf("%s of a missing image: %v, want a *wire.Error matching wire.ErrNotFound", c.what, c.err)
			} else if !strings.Contains(werr.Message, "No such image") {
				e.T.Errorf("%s of a missing image: message %q lacks Docker's \"No such image\" (docker-py decides ImageNotFound from it)", c.what, werr.Message)
			}
		}
	})

	// Bad tag targets are refused, by the client or by the daemon (dockerd
	// 20.10 answers 500 "invalid reference format", newer ones 400), and
	// no tag is made.
	register("images/tag/bad-references-refused", func(e *Env) {
		for _, target := range []string{"UPPER/case:v1", "a@sha256:00", "has space:v1", ""} {
			_, err := e.Client.Images.Tag(e.Ctx, e.Image, target, endpoints.ImageTagOptions{})
			var ae *endpoints.ArgError
			if !errors.As(err, &ae) && !typedFailure(err) {
				e.T.Errorf("tag as %q: %v, want *endpoints.ArgError or a *wire.Error", target, err)
			}
		}
		list, err := e.Client.Images.List(e.Ctx, endpoints.ImageListOptions{Filters: wire.Filters{"reference": {"UPPER/case"}}})
		if err != nil || len(list.Items) != 0 {
			e.T.Errorf("images after refused tags: %d, %v", len(list.Items), err)
		}
	})

	register("images/delete/in-use-conflict", func(e *Env) {
		ref := e.imageRef("inuse")
		e.buildTiny(ref, "inuse")
		e.newContainer(endpoints.ContainerConfig{Image: ref, Cmd: []string{"true"}}, nil)
		_, err := e.Client.Images.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{})
		// The tag is the image's only one: removing it would leave a
		// container's image untagged, which Docker refuses with 409.
		if !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("delete of an image a container uses: %v, want wire.ErrConflict", err)
		}
	})

	register("images/list/label-filter", func(e *Env) {
		ref := e.imageRef("listlabel")
		res := e.buildTiny(ref, "listlabel")
		list, err := e.Client.Images.List(e.Ctx, endpoints.ImageListOptions{Filters: wire.Filters{"label": {"dockwire.what=listlabel"}}})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		found := false
		for _, im := range list.Items {
			if im.ID == res.ID {
				found = true
			}
			if im.Labels["dockwire.what"] != "listlabel" {
				e.T.Errorf("label filter let through %s with labels %v", im.ID, im.Labels)
			}
		}
		if !found {
			e.T.Errorf("list by label lacks %s (%s)", ref, res.ID)
		}
	})
}
